//! The district dashboard page (`GET /districts/{district}`): server-rendered HTML with
//! inline CSS and no script, Bahasa Indonesia first (`?lang=en` for English). It shows
//! only what `district::totals` publishes (small cells already hidden), and draws bars
//! only for shown counts, so a bar's length never gives a hidden count away.

use crate::district::{Cell, Totals};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The words for a key of the tables (the apps' own words, core/src/labels.rs); a
/// key this relay does not know is shown as it is.
fn label(key: &str, lang: Lang) -> String {
    let (id, en) = match key {
        "prospective" => ("calon PMI", "prospective"),
        "pre_departure" => ("pra-penempatan", "pre-departure"),
        "abroad" => ("bekerja di luar negeri", "working abroad"),
        "returned" => ("purna (sudah pulang)", "returned"),
        "domestic_work" => ("pekerja rumah tangga", "domestic work"),
        "caregiving" => ("perawat lansia", "caregiving"),
        "manufacturing" => ("pabrik/manufaktur", "manufacturing"),
        "construction" => ("konstruksi", "construction"),
        "agriculture" => ("perkebunan/pertanian", "agriculture"),
        "fishing" => ("perikanan/ABK", "fishing"),
        "hospitality" => ("perhotelan", "hospitality"),
        "other" => ("lainnya", "other"),
        "unknown" => ("tidak diketahui", "unknown"),
        "unpaid_wages" => ("gaji tidak dibayar", "unpaid wages"),
        "abuse" => ("kekerasan", "abuse"),
        "document_seized" => ("dokumen ditahan", "documents seized"),
        "missing_contact" => ("hilang kontak", "missing contact"),
        "detention" => ("ditahan", "detention"),
        "trafficking_suspicion" => ("dugaan TPPO", "suspected trafficking"),
        "death_or_illness" => ("meninggal atau sakit", "death or illness"),
        "deportation" => ("deportasi", "deportation"),
        "contract_end" => ("kontrak selesai", "contract ended"),
        "early_return" => ("pulang lebih awal", "early return"),
        "deported" => ("dideportasi", "deported"),
        "case" => ("karena kasus", "because of a case"),
        "MY" => ("Malaysia", "Malaysia"),
        "TW" => ("Taiwan", "Taiwan"),
        "HK" => ("Hong Kong", "Hong Kong"),
        "SG" => ("Singapura", "Singapore"),
        "SA" => ("Arab Saudi", "Saudi Arabia"),
        "KR" => ("Korea Selatan", "South Korea"),
        "JP" => ("Jepang", "Japan"),
        "AE" => ("Uni Emirat Arab", "United Arab Emirates"),
        "BN" => ("Brunei Darussalam", "Brunei"),
        "QA" => ("Qatar", "Qatar"),
        other => return other.to_owned(),
    };
    pick(lang, id, en).to_owned()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:60rem;color:#1b1b1b}\
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.6rem}\
table{border-collapse:collapse;width:100%;margin:.4rem 0}\
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:middle}\
td.n{text-align:right;font-variant-numeric:tabular-nums;width:5rem;font-weight:600}\
td.bar{width:45%}.bar span{display:block;height:1rem;background:#b8860b}\
.hidden{color:#555}.note{background:#f6f1e1;padding:.6rem .8rem;border-left:4px solid #b8860b}\
.totals{display:flex;gap:1rem;flex-wrap:wrap}.totals div{border:1px solid #ddd;padding:.6rem 1rem}\
.totals strong{display:block;font-size:1.6rem}nav a{margin-right:.8rem}";

fn link(district: &str, from: &str, to: &str, lang: Lang) -> String {
    let lang = match lang {
        Lang::Id => "",
        Lang::En => "&lang=en",
    };
    format!(
        "/districts/{}?from={}&to={}{lang}",
        escape(district),
        escape(from),
        escape(to)
    )
}

/// A table of cells with a bar for each shown count (scaled to the largest shown one).
fn table(out: &mut String, id: &str, title: &str, cells: &[Cell], lang: Lang) {
    let largest = cells.iter().filter_map(|cell| cell.count).max().unwrap_or(0);
    out.push_str(&format!(
        "<h2>{}</h2>\n<table id=\"{}\"><tbody>\n",
        escape(title),
        escape(id)
    ));
    if cells.is_empty() {
        out.push_str(&format!(
            "<tr><td>{}</td></tr>\n",
            pick(lang, "Tidak ada data.", "No data.")
        ));
    }
    for cell in cells {
        let bar = match cell.count {
            Some(count) if largest > 0 && count > 0 => {
                format!("<span style=\"width:{}%\"></span>", count * 100 / largest)
            }
            _ => String::new(),
        };
        let class = if cell.count.is_some() { "n" } else { "n hidden" };
        out.push_str(&format!(
            "<tr data-key=\"{}\"><th scope=\"row\">{}</th><td class=\"{class}\">{}</td><td class=\"bar\">{bar}</td></tr>\n",
            escape(&cell.key),
            escape(&label(&cell.key, lang)),
            escape(&cell.display),
        ));
    }
    out.push_str("</tbody></table>\n");
}

/// The whole page for `totals`.
pub fn page(totals: &Totals, lang: Lang) -> String {
    let district = escape(&totals.district);
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} {district}</title><style>{STYLE}</style></head><body>\n",
        pick(lang, "id", "en"),
        pick(lang, "Dasbor kabupaten", "District dashboard"),
    ));
    let other_lang = match lang {
        Lang::Id => ("English", Lang::En),
        Lang::En => ("Bahasa Indonesia", Lang::Id),
    };
    out.push_str(&format!(
        "<nav><a id=\"lang\" href=\"{}\">{}</a></nav>\n",
        link(
            &totals.district,
            &totals.period_from,
            &totals.period_to,
            other_lang.1
        ),
        other_lang.0
    ));
    out.push_str(&format!(
        "<h1>{} {district}</h1>\n<p id=\"period\">{}: {} – {}</p>\n",
        pick(
            lang,
            "Dasbor pekerja migran, kabupaten",
            "Migrant workers dashboard, district"
        ),
        pick(lang, "Periode", "Period"),
        escape(&totals.period_from),
        escape(&totals.period_to),
    ));
    out.push_str(&format!(
        "<p class=\"note\" id=\"suppression\">{}</p>\n",
        escape(match lang {
            Lang::Id => totals.suppression_id,
            Lang::En => totals.suppression_en,
        })
    ));
    out.push_str("<div class=\"totals\">\n");
    for (id, title, cell) in [
        (
            "people_counted",
            pick(lang, "Orang dihitung", "People counted"),
            &totals.people_counted,
        ),
        (
            "cases_in_period",
            pick(lang, "Kasus dalam periode", "Cases in the period"),
            &totals.cases_in_period,
        ),
        (
            "returns_in_period",
            pick(lang, "Kepulangan dalam periode", "Returns in the period"),
            &totals.returns_in_period,
        ),
    ] {
        out.push_str(&format!(
            "<div id=\"{id}\"><strong>{}</strong>{}</div>\n",
            escape(&cell.display),
            escape(title)
        ));
    }
    out.push_str("</div>\n");
    table(
        &mut out,
        "by_phase",
        pick(lang, "Menurut tahap", "By phase"),
        &totals.by_phase,
        lang,
    );
    table(
        &mut out,
        "by_destination",
        pick(
            lang,
            "Menurut negara tujuan (pra-penempatan dan bekerja)",
            "By destination (pre-departure and abroad)",
        ),
        &totals.by_destination,
        lang,
    );
    table(
        &mut out,
        "by_sector",
        pick(
            lang,
            "Menurut sektor (pra-penempatan dan bekerja)",
            "By sector (pre-departure and abroad)",
        ),
        &totals.by_sector,
        lang,
    );
    table(
        &mut out,
        "cases_by_type",
        pick(lang, "Kasus menurut jenis", "Cases by type"),
        &totals.cases_by_type,
        lang,
    );
    table(
        &mut out,
        "returns_by_reason",
        pick(lang, "Kepulangan menurut alasan", "Returns by reason"),
        &totals.returns_by_reason,
        lang,
    );
    out.push_str(&format!(
        "<h2>{}</h2>\n<table id=\"villages\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        pick(lang, "Desa yang melapor", "Villages that reported"),
        pick(lang, "Desa", "Village"),
        pick(lang, "Kode", "Code"),
        pick(lang, "Tanggal laporan terakhir", "Latest report date"),
    ));
    for village in &totals.villages {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&village.village_name),
            escape(&village.village_code),
            escape(&village.report_date)
        ));
    }
    out.push_str("</tbody></table>\n");
    if totals.periods.len() > 1 {
        out.push_str(&format!(
            "<h2>{}</h2>\n<ul id=\"periods\">\n",
            pick(lang, "Periode lain", "Other periods")
        ));
        for period in &totals.periods {
            out.push_str(&format!(
                "<li><a href=\"{}\">{} – {}</a> ({} {})</li>\n",
                link(&totals.district, &period.from, &period.to, lang),
                escape(&period.from),
                escape(&period.to),
                period.villages,
                pick(lang, "desa", "villages"),
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// A refusal as a page (the same code and messages as the JSON ones).
pub fn error_page(code: &str, message_id: &str, message_en: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p lang=\"en\">{}</p>\n</body></html>\n",
        escape(code),
        escape(message_id),
        escape(message_en)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
