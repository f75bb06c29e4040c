//! `migran report`, `migran audit` and `migran person export`: what leaves the vault.
//! The village report holds counts only; the audit log holds who did what, never a
//! value; a person's export holds everything about them and is written owner-only.

use std::path::PathBuf;

use migran_core::{
    village_report_csv, village_report_json, village_report_text, AuditEntry, AuditQuery, ExportFormat,
    Locale, PageRequest, ReportRequest,
};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, open_with_person, say};
use crate::files::{refuse_existing, write_export};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json, print_table};
use crate::CliError;

/// Prints `text`, or writes it to `--out FILE` (owner-only) and says where.
fn deliver(args: &Args, text: &str) -> Result<(), CliError> {
    match args.text("out", "out")? {
        None => {
            outln!("{}", text.trim_end());
            Ok(())
        }
        Some(path) => {
            let path = PathBuf::from(path);
            write_export(&path, text.as_bytes(), args.flag("force"))?;
            say(
                format!("Ditulis ke {}", path.display()),
                format!("Written to {}", path.display()),
            );
            Ok(())
        }
    }
}

/// An existing `--out` file is refused (without `--force`) before the PIN is asked for.
fn refuse_existing_out(args: &Args) -> Result<(), CliError> {
    match args.text("out", "out")? {
        Some(path) => refuse_existing(&PathBuf::from(path), args.flag("force")),
        None => Ok(()),
    }
}

/// `migran report [--from DATE] [--to DATE] [--village NAME] [--officer NAME]
/// [--csv | --json] [--lang id|en] [--out FILE [--force]]`. The officer defaults to MIGRAN_ACTOR;
/// the text and the CSV's header row are in `--lang` (default: the person's language).
pub fn report(args: &Args) -> Result<(), CliError> {
    if args.text("relay", "relay")?.is_some() {
        return submit(args).map_err(crate::team::not_in_team_said_plainly);
    }
    args.allow_only(&["from", "to", "csv", "out", "force", "lang", "village", "officer"])?;
    refuse_existing_out(args)?;
    args.no_words_after(1)?;
    if args.json && args.flag("csv") {
        return Err(CliError::usage(
            "--csv dan --json tidak dapat dipakai bersama; pilih salah satu",
            "--csv and --json cannot be used together; choose one",
        ));
    }
    let language = match args.text("lang", "lang")? {
        None => locale(),
        Some(tag) => choice(
            "lang",
            &tag,
            &[
                (&["id", "indonesia"], Locale::Id),
                (&["en", "english"], Locale::En),
            ],
        )?,
    };
    let officer = match args.text("officer", "officer")? {
        Some(officer) => Some(officer),
        None => std::env::var("MIGRAN_ACTOR")
            .ok()
            .filter(|a| !a.trim().is_empty()),
    };
    let request = ReportRequest {
        from: args.text("from", "from")?,
        to: args.text("to", "to")?,
        village: args.text("village", "village")?,
        officer,
    };
    let report = open_unlocked(args)?.village_report(request)?;
    let text = if args.json {
        village_report_json(&report)?
    } else if args.flag("csv") {
        csv_in(&village_report_csv(&report), language)
    } else {
        village_report_text(&report, language)
    };
    deliver(args, &text)?;
    if report.people_not_counted > 0 {
        let n = report.people_not_counted;
        eprintln!(
            "{}",
            t(
                format!("Catatan: {n} orang tidak dihitung karena belum memberi persetujuan pelaporan. Bacakan 'migran consent text pelaporan', lalu catat: migran consent give ORANG pelaporan"),
                format!("Note: {n} persons are not counted because they have not given the reporting consent. Read out 'migran consent text reporting', then record it: migran consent give PERSON reporting"),
            )
            .get()
        );
    }
    Ok(())
}

/// `migran report --relay ADDRESS --district CODE --village-code CODE --village NAME
/// --from DATE --to DATE`: the report's counts, and only its counts, to the district
/// roll-up on the relay (docs/relay.md). The team must be on the relay (sync first).
fn submit(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "relay",
        "district",
        "village-code",
        "village",
        "from",
        "to",
        "officer",
    ])?;
    args.no_words_after(1)?;
    let url = args.required("relay", "relay")?;
    let district = args.required("district", "district")?;
    let village_code = args.required("village-code", "village_code")?;
    let request = ReportRequest {
        from: Some(args.required("from", "from")?),
        to: Some(args.required("to", "to")?),
        village: Some(args.required("village", "village")?),
        officer: args.text("officer", "officer")?,
    };
    let sent = open_unlocked(args)?.submit_district_report(url, district, village_code, request)?;
    if args.json {
        print_json(&serde_json::json!({
            "district": sent.district,
            "village_code": sent.village_code,
            "period_from": sent.period_from,
            "period_to": sent.period_to,
            "generated_at": sent.generated_at,
            "people_counted": sent.people_counted,
            "replaced": sent.replaced,
        }));
        return Ok(());
    }
    let (id, en) = if sent.replaced {
        ("menggantikan laporan sebelumnya", "replacing the earlier one")
    } else {
        ("laporan pertama untuk periode ini", "the first for this period")
    };
    say(
        format!(
            "Laporan desa {} untuk {} s.d. {} dikirim ke kabupaten {} ({} orang dihitung; {id}).",
            sent.village_code, sent.period_from, sent.period_to, sent.district, sent.people_counted
        ),
        format!(
            "Village report {} for {} to {} sent to district {} ({} persons counted; {en}).",
            sent.village_code, sent.period_from, sent.period_to, sent.district, sent.people_counted
        ),
    );
    Ok(())
}

/// The core's CSV (stable codes, for scripts) with its header row in `language`.
fn csv_in(csv: &str, language: Locale) -> String {
    match (language, csv.split_once("\r\n")) {
        (Locale::Id, Some((_, rest))) => format!("bagian,kunci,nilai\r\n{rest}"),
        _ => csv.to_string(),
    }
}

/// `migran audit [--person ID] [--from DATE] [--to DATE] [--offset N] [--limit N]
/// [--export csv|json] [--out FILE [--force]]`.
pub fn audit(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "person", "from", "to", "offset", "limit", "export", "out", "force",
    ])?;
    refuse_existing_out(args)?;
    args.no_words_after(1)?;
    let from = args.text("from", "from")?;
    let to = args.text("to", "to")?;
    let vault = open_unlocked(args)?;
    if let Some(format) = args.text("export", "format")? {
        if args.text("person", "person")?.is_some() {
            return Err(CliError::usage(
                "--export mengekspor seluruh catatan audit; tanpa --person",
                "--export exports the whole audit log; without --person",
            ));
        }
        let format = choice(
            "format",
            &format,
            &[(&["csv"], ExportFormat::Csv), (&["json"], ExportFormat::Json)],
        )?;
        let text = vault.export_audit_log(from, to, format)?;
        return deliver(args, &text);
    }
    let page = vault.audit_log(AuditQuery {
        person_id: args.text("person", "person")?,
        from,
        to,
        page: PageRequest {
            offset: args.number("offset", "offset")?.unwrap_or(0),
            limit: args.number("limit", "limit")?.unwrap_or(100),
        },
    })?;
    if args.json {
        print_json(&serde_json::json!({
            "items": serde_json::to_value(&page.items).unwrap_or_default(),
            "total": page.total,
            "next_offset": page.next_offset,
        }));
        return Ok(());
    }
    let headers = vec![
        t("Waktu", "When").get().to_string(),
        t("Oleh", "Who").get().to_string(),
        t("Tindakan", "Action").get().to_string(),
        t("Jenis data", "Kind").get().to_string(),
        t("Catatan", "Record").get().to_string(),
    ];
    let rows: Vec<Vec<String>> = page.items.iter().map(audit_row).collect();
    print_table(&headers, &rows);
    if let Some(next) = page.next_offset {
        say(
            format!(
                "{} dari {}; berikutnya: --offset {next}",
                page.items.len(),
                page.total
            ),
            format!("{} of {}; next: --offset {next}", page.items.len(), page.total),
        );
    }
    Ok(())
}

fn audit_row(entry: &AuditEntry) -> Vec<String> {
    let record = if entry.subject_erased {
        t("(orang telah dihapus)", "(person erased)").get().to_string()
    } else if let Some(count) = entry.count {
        format!("{count} {}", t("data", "records").get())
    } else {
        entry.record_id.clone().unwrap_or_default()
    };
    vec![
        entry.at.clone(),
        entry
            .actor
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "-".to_string()),
        action_label(entry.action).get().to_string(),
        migran_core::record_kind_label(entry.kind, locale()),
        record,
    ]
}

/// `migran person export ID [--out FILE [--force]]`: everything held about one person, as JSON.
fn action_label(action: migran_core::AuditAction) -> crate::i18n::Text {
    use migran_core::AuditAction::*;
    match action {
        Create => t("buat", "create"),
        Read => t("baca", "read"),
        Update => t("ubah", "update"),
        Delete => t("hapus", "delete"),
        List => t("daftar", "list"),
        Search => t("cari", "search"),
        Export => t("ekspor", "export"),
        Erase => t("hapus permanen", "erase"),
        Report => t("laporan", "report"),
        ViewAudit => t("lihat log audit", "view audit log"),
        Import => t("impor", "import"),
    }
}

pub fn person_export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force"])?;
    refuse_existing_out(args)?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let export = vault.export_person(person_id)?;
    deliver(args, &export)
}
