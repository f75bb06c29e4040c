//! `migran report`, `migran audit` and `migran person export`: what leaves the vault.
//! The village report holds counts only; the audit log holds who did what, never a
//! value; a person's export holds everything about them and is written owner-only.

use std::path::PathBuf;

use migran_core::{
    village_report_csv, village_report_json, village_report_text, AuditEntry, AuditQuery, ExportFormat,
    PageRequest, ReportRequest,
};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json, print_table};
use crate::secrets::write_private_file;
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
            write_private_file(&path, text)?;
            say(
                format!("Ditulis ke {}", path.display()),
                format!("Written to {}", path.display()),
            );
            Ok(())
        }
    }
}

/// `migran report [--from DATE] [--to DATE] [--csv | --json] [--out FILE]`.
pub fn report(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["from", "to", "csv", "out"])?;
    args.no_words_after(1)?;
    let request = ReportRequest {
        from: args.text("from", "from")?,
        to: args.text("to", "to")?,
    };
    let report = open_unlocked(args)?.village_report(request)?;
    let text = if args.json {
        village_report_json(&report)?
    } else if args.flag("csv") {
        village_report_csv(&report)
    } else {
        village_report_text(&report, locale())
    };
    deliver(args, &text)
}

/// `migran audit [--person ID] [--from DATE] [--to DATE] [--offset N] [--limit N]
/// [--export csv|json] [--out FILE]`.
pub fn audit(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["person", "from", "to", "offset", "limit", "export", "out"])?;
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
        format!("{:?}", entry.action).to_lowercase(),
        serde_json::to_value(entry.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        record,
    ]
}

/// `migran person export ID [--out FILE]`: everything held about one person, as JSON.
pub fn person_export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out"])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let export = open_unlocked(args)?.export_person(person_id)?;
    deliver(args, &export)
}
