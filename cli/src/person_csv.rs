//! `migran person import FILE.csv` and `migran person export-csv --out FILE`: the
//! register from and to a spreadsheet.

use std::path::PathBuf;

use migran_core::{
    import_issue_message, CsvExportOptions, CsvSeparator, ImportIssue, ImportOptions, ImportProblem,
    ImportReport, ImportStage, MAX_IMPORT_BYTES,
};
use serde_json::{json, Value};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::files::{read_bounded, refuse_existing, write_export};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::progress::Bar;
use crate::CliError;

/// `migran person import FILE.csv [--skip-invalid] [--skip-duplicates]
/// [--without-consent] [--json]`.
pub fn import(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["skip-invalid", "skip-duplicates", "without-consent"])?;
    let path = PathBuf::from(
        args.words
            .get(2)
            .ok_or_else(|| CliError::usage("BERKAS.csv belum diberikan", "FILE.csv is missing"))?,
    );
    args.no_words_after(3)?;
    let options = ImportOptions {
        skip_invalid: args.flag("skip-invalid"),
        skip_duplicates: args.flag("skip-duplicates"),
        without_consent: args.flag("without-consent"),
    };
    // The file is read (and refused when too large) before the PIN is asked for.
    let bytes = read_bounded(&path, MAX_IMPORT_BYTES)?;
    let vault = open_unlocked(args)?;
    let mut bar = Bar::on_stderr();
    let checking = t("Memeriksa", "Checking");
    let writing = t("Menyimpan", "Saving");
    let report = vault.import_persons_csv_with(&bytes, options, &mut |stage, done, total| {
        let label = match stage {
            ImportStage::Checking => checking.get(),
            ImportStage::Writing => writing.get(),
        };
        bar.update(label, done, total);
    });
    bar.finish();
    let report = report?;

    if args.json {
        print_json(&report_json(&report));
    } else {
        for issue in &report.issues {
            outln!("{}", import_issue_message(issue.clone(), locale()));
        }
        print_summary(&report);
    }
    if report.refused {
        if let Some(hint) = consent_hint(&report.issues) {
            eprintln!("{}", hint.get());
        }
        let problems = report.issues.len();
        return Err(CliError::Refused(t(
            format!(
                "tidak ada yang diimpor: {problems} masalah di berkas (lihat di atas). Perbaiki berkasnya lalu impor lagi, atau pakai --skip-invalid / --skip-duplicates"
            ),
            format!(
                "nothing was imported: {problems} problems in the file (listed above). Fix the file and import it again, or use --skip-invalid / --skip-duplicates"
            ),
        )));
    }
    Ok(())
}

fn print_summary(report: &ImportReport) {
    if report.refused {
        return;
    }
    say(
        format!(
            "{} orang didaftarkan dari {} baris ({} dengan persetujuan pendaftaran).",
            report.imported, report.rows, report.with_consent
        ),
        format!(
            "{} persons registered from {} rows ({} with registration consent).",
            report.imported, report.rows, report.with_consent
        ),
    );
    if report.skipped > 0 {
        say(
            format!("{} baris dilewati (lihat di atas).", report.skipped),
            format!("{} rows skipped (listed above).", report.skipped),
        );
    }
    if report.imported > report.with_consent {
        say(
            "Yang belum tercatat persetujuannya: bacakan 'migran consent text pendaftaran', lalu catat dengan 'migran consent give ORANG pendaftaran'.",
            "For those without a recorded consent: read out 'migran consent text registration', then record it with 'migran consent give PERSON registration'.",
        );
    }
    if let Some(batch) = &report.batch_id {
        say(
            format!("Log audit: impor {batch}"),
            format!("Audit log: import {batch}"),
        );
    }
}

/// What to do when the file does not say consent was given.
fn consent_hint(issues: &[ImportIssue]) -> Option<crate::i18n::Text> {
    let about_consent = issues.iter().any(|issue| {
        issue.field == "consent"
            && matches!(
                issue.problem,
                ImportProblem::MissingColumn | ImportProblem::ConsentMissing
            )
    });
    about_consent.then(|| {
        t(
            "Tulis 'ya' di kolom 'persetujuan' untuk orang yang telah memberi persetujuan pendaftaran (dengan tanggalnya di 'tanggal_persetujuan'), atau pakai --without-consent untuk mendaftarkan tanpa persetujuan dan memintanya kemudian.",
            "Write 'yes' in the 'consent' column for those who gave their registration consent (with its date in 'consent_date'), or use --without-consent to register them without it and ask later.",
        )
    })
}

fn report_json(report: &ImportReport) -> Value {
    json!({
        "rows": report.rows,
        "imported": report.imported,
        "with_consent": report.with_consent,
        "skipped": report.skipped,
        "refused": report.refused,
        "batch_id": report.batch_id,
        "issues": report.issues.iter().map(issue_json).collect::<Vec<_>>(),
    })
}

fn issue_json(issue: &ImportIssue) -> Value {
    let mut value = json!({
        "line": issue.line,
        "field": issue.field,
        "message": import_issue_message(issue.clone(), locale()),
    });
    let (problem, extra) = match issue.problem {
        ImportProblem::Invalid { reason } => ("Invalid", json!({ "reason": format!("{reason:?}") })),
        ImportProblem::MissingColumn => ("MissingColumn", json!({})),
        ImportProblem::UnknownColumn { column } => ("UnknownColumn", json!({ "column": column })),
        ImportProblem::RepeatedColumn { column } => ("RepeatedColumn", json!({ "column": column })),
        ImportProblem::FieldCount { expected, found } => {
            ("FieldCount", json!({ "expected": expected, "found": found }))
        }
        ImportProblem::UnclosedQuote => ("UnclosedQuote", json!({})),
        ImportProblem::TextAfterQuote => ("TextAfterQuote", json!({})),
        ImportProblem::RowTooLong => ("RowTooLong", json!({})),
        ImportProblem::DuplicateInFile { first_line } => {
            ("DuplicateInFile", json!({ "first_line": first_line }))
        }
        ImportProblem::DuplicateInVault => ("DuplicateInVault", json!({})),
        ImportProblem::ConsentMissing => ("ConsentMissing", json!({})),
    };
    value["problem"] = json!(problem);
    if let (Some(target), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
        for (key, field) in extra {
            target.insert(key.clone(), field.clone());
        }
    }
    value
}

/// `migran person export-csv --out FILE [--force] [--all] [--separator , | ;]`.
pub fn export(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["out", "force", "all", "separator"])?;
    args.no_words_after(2)?;
    let path = PathBuf::from(args.required("out", "out")?);
    let separator = match args.text("separator", "separator")? {
        None => CsvSeparator::Comma,
        Some(value) => choice(
            "separator",
            &value,
            &[
                (&[",", "comma", "koma"], CsvSeparator::Comma),
                (&[";", "semicolon", "titik-koma"], CsvSeparator::Semicolon),
            ],
        )?,
    };
    let force = args.flag("force");
    // Refused before the PIN is asked for; checked again when the file is put in place.
    refuse_existing(&path, force)?;
    let text = open_unlocked(args)?.export_persons_csv(CsvExportOptions {
        include_archived: args.flag("all"),
        separator,
    })?;
    write_export(&path, text.as_bytes(), force)?;
    say(
        format!(
            "Daftar warga ditulis ke {} (hanya dapat dibaca pemiliknya). Isinya data pribadi tanpa enkripsi: serahkan, lalu hapus.",
            path.display()
        ),
        format!(
            "The register was written to {} (readable by its owner only). It holds personal data unencrypted: hand it over, then delete it.",
            path.display()
        ),
    );
    Ok(())
}
