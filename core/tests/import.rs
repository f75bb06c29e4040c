//! Importing the register from a CSV file and exporting it back, through the public API.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};

use migran_core::{
    import_issue_message, AuditAction, AuditQuery, ConsentPurpose, ConsentState, CsvExportOptions,
    CsvSeparator, ImportIssue, ImportListener, ImportOptions, ImportProblem, ImportReport, ImportStage,
    InvalidReason, Locale, Lookup, MigranError, NotAllowedReason, PageRequest, RecordKind, Vault,
    MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
use support::*;

const HEADER: &str = "full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\n";
const ALL: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

/// The NIK of the `n`-th made-up person (all obviously fake: 320100000...).
fn nik(n: u32) -> String {
    format!("32010000{n:08}")
}

/// One row of a made-up person, with registration consent given on 2026-01-15.
fn row(n: u32) -> String {
    format!(
        "Siti Contoh {n},{},1998-04-12,{},0812{n:08},\"Dusun Contoh, RT {n:03}\",Desa Contoh,ya,2026-01-15\n",
        nik(n),
        if n.is_multiple_of(2) { "P" } else { "L" },
    )
}

fn file(rows: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut text = HEADER.to_string();
    for row in rows {
        text.push_str(&row);
    }
    text.into_bytes()
}

fn vault() -> (tempfile::TempDir, Arc<Vault>) {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 3, 1));
    (dir, vault)
}

fn import(vault: &Vault, csv: &[u8], options: ImportOptions) -> ImportReport {
    vault
        .import_persons_csv_with(csv, options, &mut |_, _, _| {})
        .expect("the import ran")
}

fn registered(vault: &Vault) -> u32 {
    vault.list_persons(ALL, true).unwrap().total
}

/// The whole audit log, after storing the entries of reads still waiting (at lock).
fn import_entries(vault: &Vault) -> Vec<migran_core::AuditEntry> {
    vault.lock();
    vault.unlock(PIN.to_string()).unwrap();
    let mut entries = Vec::new();
    let mut offset = 0;
    loop {
        let page = vault
            .audit_log(AuditQuery {
                person_id: None,
                from: None,
                to: None,
                page: PageRequest { offset, limit: 1000 },
            })
            .unwrap();
        entries.extend(page.items);
        match page.next_offset {
            Some(next) => offset = next,
            None => break,
        }
    }
    entries
}

fn issue(line: u32, field: &str, problem: ImportProblem) -> ImportIssue {
    ImportIssue {
        line,
        field: field.to_string(),
        problem,
    }
}

fn invalid(reason: InvalidReason) -> ImportProblem {
    ImportProblem::Invalid { reason }
}

#[test]
fn ten_thousand_rows_with_three_bad_ones_write_nothing_and_the_fixed_file_registers_all() {
    let (_dir, vault) = vault();
    let mut rows: Vec<String> = (1..=10_000).map(row).collect();
    let good = rows.clone();
    rows[99] = rows[99].replace(&nik(100), "320100000000100"); // line 101: 15 digits
    rows[4999] = rows[4999].replace("1998-04-12", "1998-02-30"); // line 5001: no such day
    rows[9998] = rows[9998].replace(",L,", ",X,"); // line 10000: no such sex

    let report = import(&vault, &file(rows), ImportOptions::default());
    assert!(report.refused);
    assert_eq!(report.rows, 10_000);
    assert_eq!(report.imported, 0);
    assert_eq!(report.batch_id, None);
    assert_eq!(
        report.issues,
        vec![
            issue(101, "nik", invalid(InvalidReason::TooShort)),
            issue(5001, "birth_date", invalid(InvalidReason::BadDate)),
            issue(10000, "sex", invalid(InvalidReason::BadFormat)),
        ]
    );
    assert_eq!(registered(&vault), 0, "nothing is written");
    assert!(import_entries(&vault)
        .iter()
        .all(|e| e.action != AuditAction::Import && e.action != AuditAction::Create));

    let started = std::time::Instant::now();
    let report = import(&vault, &file(good), ImportOptions::default());
    eprintln!("10,000 persons imported in {:?}", started.elapsed());
    assert!(!report.refused);
    assert_eq!(report.issues, vec![]);
    assert_eq!(
        (report.rows, report.imported, report.with_consent),
        (10_000, 10_000, 10_000)
    );
    assert_eq!(registered(&vault), 10_000);
    for n in 1..=10_000 {
        let found = vault.find_persons(Lookup::Nik { nik: nik(n) }).unwrap();
        assert_eq!(found.len(), 1, "NIK of row {n}");
        assert_eq!(found[0].full_name, format!("Siti Contoh {n}"));
    }
    let batch = report.batch_id.expect("a batch id");

    // One audit entry for the batch, naming it and its count; no entry per person.
    let entries = import_entries(&vault);
    let imports: Vec<_> = entries
        .iter()
        .filter(|e| e.action == AuditAction::Import)
        .collect();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].kind, RecordKind::Person);
    assert_eq!(imports[0].record_id.as_deref(), Some(batch.as_str()));
    assert_eq!(imports[0].count, Some(10_000));
    assert_eq!(imports[0].person_id, None);
    assert!(entries.iter().all(|e| e.action != AuditAction::Create));
    // Each person's later reads stay audited one by one.
    let searches = entries.iter().filter(|e| e.action == AuditAction::Search).count();
    assert_eq!(searches, 10_000);
    let csv = vault
        .export_audit_log(None, None, migran_core::ExportFormat::Csv)
        .unwrap();
    assert!(
        csv.contains(&format!(",import,person,{batch},,10000,")),
        "stored as `import`"
    );
}

#[test]
fn a_bom_semicolons_quotes_and_indonesian_headers_are_read() {
    let (dir, vault) = vault();
    let text = "\u{feff}Nama Lengkap;NIK;Tanggal Lahir;Jenis Kelamin;No. HP;Alamat;Desa;Persetujuan;Tanggal Persetujuan\r\n\
        \"Siti \"\"Ina\"\" Contoh\";3201 0000 0000 0001;1998-04-12;perempuan;'+62 812-0000-0001;\"Dusun Contoh; RT 001\r\nRW 002\";Desa Contoh;ya;2026-01-15\r\n\
        \r\n\
        Budi Contoh;3201000000000002;1990-01-01;L;;;Desa Contoh;YA;\r\n";
    let report = import(&vault, text.as_bytes(), ImportOptions::default());
    assert_eq!(report.issues, vec![]);
    assert_eq!((report.rows, report.imported), (2, 2));

    let siti = &vault
        .find_persons(Lookup::Nik {
            nik: "3201000000000001".into(),
        })
        .unwrap()[0];
    assert_eq!(siti.full_name, "Siti \"Ina\" Contoh");
    assert_eq!(siti.phone.as_deref(), Some("+6281200000001"));
    assert_eq!(siti.address.as_deref(), Some("Dusun Contoh; RT 001\nRW 002"));
    assert_eq!(siti.sex, migran_core::Sex::Female);
    let history = vault.consent_history(siti.id.clone()).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].purpose, ConsentPurpose::Registration);
    assert!(history[0].given);
    assert_eq!(history[0].date, "2026-01-15");

    // Consent given without a date: dated the import day.
    let budi = &vault
        .find_persons(Lookup::Nik {
            nik: "3201000000000002".into(),
        })
        .unwrap()[0];
    assert_eq!(budi.phone, None);
    assert_eq!(
        vault.consent_history(budi.id.clone()).unwrap()[0].date,
        "2026-03-01"
    );

    // Nothing of it in plaintext on disk, the WAL included.
    assert!(file_names(dir.path()).iter().any(|n| n.ends_with("-wal")));
    for marker in ["Siti \"Ina\" Contoh", "3201000000000001", "Dusun Contoh; RT 001"] {
        assert_eq!(files_containing(dir.path(), marker), Vec::<String>::new());
    }
}

#[test]
fn duplicates_are_refused_or_skipped_as_chosen() {
    let (_dir, vault) = vault();
    vault.add_person(fake_person("Ani Contoh", 2)).unwrap(); // NIK of row 2
    let rows = vec![row(1), row(2), row(3), row(1)];

    let report = import(&vault, &file(rows.clone()), ImportOptions::default());
    assert!(report.refused);
    assert_eq!(
        report.issues,
        vec![
            issue(3, "nik", ImportProblem::DuplicateInVault),
            issue(5, "nik", ImportProblem::DuplicateInFile { first_line: 2 }),
        ]
    );
    assert_eq!(registered(&vault), 1);

    let skip = ImportOptions {
        skip_duplicates: true,
        ..ImportOptions::default()
    };
    let report = import(&vault, &file(rows), skip);
    assert!(!report.refused);
    assert_eq!((report.imported, report.skipped), (2, 2));
    assert_eq!(report.issues.len(), 2);
    assert_eq!(registered(&vault), 3);
    // The one already registered is untouched.
    let ani = vault.find_persons(Lookup::Nik { nik: nik(2) }).unwrap();
    assert_eq!(ani[0].full_name, "Ani Contoh");

    // Skipping duplicates does not skip bad rows.
    let bad = vec![row(4), row(5).replace("1998-04-12", "tomorrow")];
    let report = import(&vault, &file(bad), skip);
    assert!(report.refused);
    assert_eq!(
        report.issues,
        vec![issue(3, "birth_date", invalid(InvalidReason::BadFormat))]
    );
}

#[test]
fn skip_invalid_registers_the_good_rows_and_reports_every_bad_field() {
    let (_dir, vault) = vault();
    let rows = vec![
        row(1),
        // Several bad fields on one row: each is named.
        "Siti Contoh,12345,1998-04-12,Q,,,Desa Contoh,mungkin,\n".to_string(),
        "Only,Three,Fields\n".to_string(),
        row(4),
        row(1),
    ];
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = import(&vault, &file(rows), options);
    assert!(!report.refused);
    assert_eq!((report.rows, report.imported, report.skipped), (5, 2, 3));
    assert_eq!(
        report.issues,
        vec![
            issue(3, "sex", invalid(InvalidReason::BadFormat)),
            issue(3, "nik", invalid(InvalidReason::TooShort)),
            issue(3, "consent", invalid(InvalidReason::BadFormat)),
            issue(
                4,
                "row",
                ImportProblem::FieldCount {
                    expected: 9,
                    found: 3
                }
            ),
            issue(6, "nik", ImportProblem::DuplicateInFile { first_line: 2 }),
        ]
    );
    assert_eq!(registered(&vault), 2);
    let batch = import_entries(&vault)
        .into_iter()
        .find(|e| e.action == AuditAction::Import)
        .unwrap();
    assert_eq!(batch.count, Some(2));
}

#[test]
fn registration_consent_is_recorded_only_when_the_file_says_it_was_given() {
    let (_dir, vault) = vault();
    let rows = vec![
        row(1),
        row(2).replace(",ya,2026-01-15", ",tidak,"),
        row(3).replace(",ya,2026-01-15", ",,"),
    ];
    let report = import(&vault, &file(rows.clone()), ImportOptions::default());
    assert!(report.refused);
    assert_eq!(
        report.issues,
        vec![
            issue(3, "consent", ImportProblem::ConsentMissing),
            issue(4, "consent", ImportProblem::ConsentMissing),
        ]
    );

    let without = ImportOptions {
        without_consent: true,
        ..ImportOptions::default()
    };
    let report = import(&vault, &file(rows), without);
    assert_eq!((report.imported, report.with_consent), (3, 1));
    let ani = vault.find_persons(Lookup::Nik { nik: nik(2) }).unwrap().remove(0);
    let states = vault.consents(ani.id.clone()).unwrap();
    assert_eq!(states[0].purpose, ConsentPurpose::Registration);
    assert_eq!(states[0].state, ConsentState::NotAsked);
    // Until the cadre has asked, nothing new is recorded about the person.
    assert_eq!(
        vault
            .set_person_archived(ani.id.clone(), true)
            .map(|p| p.archived),
        Ok(true),
        "archiving is not a new record"
    );
    assert_eq!(
        vault.set_journey(ani.id.clone(), Default::default()).unwrap_err(),
        MigranError::NotAllowed {
            reason: NotAllowedReason::ConsentMissing {
                purpose: ConsentPurpose::Registration
            }
        }
    );

    // Without the option, a file without a consent column is refused at its header...
    let bare = "nama,nik,tanggal_lahir,jk,desa\nSiti Contoh,3201000000000009,1998-04-12,P,Desa Contoh\n";
    let report = import(&vault, bare.as_bytes(), ImportOptions::default());
    assert!(report.refused);
    assert_eq!(
        report.issues,
        vec![issue(1, "consent", ImportProblem::MissingColumn)]
    );
    // ... and taken with it.
    assert_eq!(import(&vault, bare.as_bytes(), without).imported, 1);

    // A consent date must be a date, not in the future, and only with a consent given.
    let rows = vec![
        row(20).replace("2026-01-15", "2026-13-01"),
        row(21).replace("2026-01-15", "2027-01-01"),
        row(22).replace(",ya,", ",tidak,"),
    ];
    let report = import(&vault, &file(rows), ImportOptions::default());
    assert_eq!(
        report.issues,
        vec![
            issue(2, "consent_date", invalid(InvalidReason::BadDate)),
            issue(3, "consent_date", invalid(InvalidReason::OutOfRange)),
            issue(4, "consent_date", invalid(InvalidReason::Inconsistent)),
        ]
    );
}

#[test]
fn the_header_is_checked_first() {
    let (_dir, vault) = vault();
    let text = "nama,nik,nik,hobby,village,consent\nSiti Contoh,3201000000000001,1,2,Desa Contoh,ya\n";
    let report = import(&vault, text.as_bytes(), ImportOptions::default());
    assert!(report.refused);
    assert_eq!(
        report.issues,
        vec![
            issue(1, "nik", ImportProblem::RepeatedColumn { column: 3 }),
            issue(1, "header", ImportProblem::UnknownColumn { column: 4 }),
            issue(1, "birth_date", ImportProblem::MissingColumn),
            issue(1, "sex", ImportProblem::MissingColumn),
        ]
    );
    // Without a header row, the first person's values are not echoed: only positions.
    let report = import(&vault, row(1).as_bytes(), ImportOptions::default());
    assert!(report.refused);
    assert!(report.issues.iter().all(|i| !i.field.contains("Siti")));
}

#[test]
fn files_too_large_too_long_empty_or_not_utf8_are_refused_whole() {
    let (_dir, vault) = vault();
    let refusal = |csv: &[u8]| {
        vault
            .import_persons_csv_with(csv, ImportOptions::default(), &mut |_, _, _| {})
            .unwrap_err()
    };
    let too_big = vec![b'a'; MAX_IMPORT_BYTES as usize + 1];
    assert_eq!(
        refusal(&too_big),
        MigranError::Invalid {
            field: "file".into(),
            reason: InvalidReason::TooLong
        }
    );
    let mut many = HEADER.to_string();
    many.push_str(&"x\n".repeat(MAX_IMPORT_ROWS as usize + 1));
    assert_eq!(
        refusal(many.as_bytes()),
        MigranError::Invalid {
            field: "rows".into(),
            reason: InvalidReason::OutOfRange
        }
    );
    for empty in ["", "\u{feff}", "\n\n ,, \n"] {
        assert_eq!(
            refusal(empty.as_bytes()),
            MigranError::Invalid {
                field: "file".into(),
                reason: InvalidReason::Empty
            }
        );
    }
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(HEADER.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        refusal(&utf16),
        MigranError::Invalid {
            field: "file".into(),
            reason: InvalidReason::BadFormat
        }
    );

    // A row in another encoding (Windows-1252 from an old spreadsheet) names its field.
    let mut latin1 = file([row(1)]);
    latin1.extend_from_slice(b"Jos\xE9 Contoh,3201000000000002,1990-01-01,L,,,Desa Contoh,ya,\n");
    let report = import(&vault, &latin1, ImportOptions::default());
    assert_eq!(
        report.issues,
        vec![issue(3, "full_name", invalid(InvalidReason::BadCharacters))]
    );
    // A quote never closed swallows the rest of the file: reported where it starts.
    let mut unclosed = file([row(1)]);
    unclosed.extend_from_slice(b"\"Siti Contoh,3201000000000002\n");
    unclosed.extend_from_slice(b"Budi Contoh,3201000000000003,1990-01-01,L,,,Desa Contoh,ya,\n");
    let report = import(&vault, &unclosed, ImportOptions::default());
    assert_eq!(
        report.issues,
        vec![issue(3, "full_name", ImportProblem::UnclosedQuote)]
    );
    assert_eq!(registered(&vault), 0);
}

struct Recorder(Mutex<Vec<(ImportStage, u32, u32)>>);

impl ImportListener for Recorder {
    fn on_progress(&self, stage: ImportStage, done: u32, total: u32) -> Result<(), MigranError> {
        self.0.lock().unwrap().push((stage, done, total));
        Ok(())
    }
}

/// A listener with a bug: it fails once rows are being written.
struct Failing(Mutex<Vec<(ImportStage, u32)>>);

impl ImportListener for Failing {
    fn on_progress(&self, stage: ImportStage, done: u32, _total: u32) -> Result<(), MigranError> {
        self.0.lock().unwrap().push((stage, done));
        if stage == ImportStage::Writing && done > 0 {
            return Err(uniffi::UnexpectedUniFFICallbackError::new("a bug in the app").into());
        }
        Ok(())
    }
}

#[test]
fn a_listener_that_fails_is_not_called_again_and_the_import_carries_on() {
    let (_dir, vault) = vault();
    let failing = Arc::new(Failing(Mutex::new(Vec::new())));
    let report = vault
        .import_persons_csv(
            file((1..=300).map(row)),
            ImportOptions::default(),
            Some(failing.clone()),
        )
        .unwrap();
    assert_eq!(report.imported, 300);
    assert_eq!(registered(&vault), 300);
    let calls = failing.0.lock().unwrap().clone();
    assert_eq!(
        calls
            .iter()
            .filter(|(stage, done)| *stage == ImportStage::Writing && *done > 0)
            .count(),
        1,
        "{calls:?}"
    );
}

#[test]
fn the_listener_is_told_how_far_the_import_is() {
    let (_dir, vault) = vault();
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    let csv = file((1..=1_000).map(row));
    let report = vault
        .import_persons_csv(csv, ImportOptions::default(), Some(recorder.clone()))
        .unwrap();
    assert_eq!(report.imported, 1_000);
    let calls = recorder.0.lock().unwrap().clone();
    assert_eq!(calls.first(), Some(&(ImportStage::Checking, 0, 1_000)));
    assert!(calls.contains(&(ImportStage::Checking, 1_000, 1_000)));
    assert_eq!(calls.last(), Some(&(ImportStage::Writing, 1_000, 1_000)));
    assert!(calls.len() <= 205, "about a hundred calls a stage, not one a row");
    // Without a listener.
    let report = vault
        .import_persons_csv(file([row(5_000)]), ImportOptions::default(), None)
        .unwrap();
    assert_eq!(report.imported, 1);
}

#[test]
fn an_export_imports_into_another_vault_unchanged() {
    let (_dir, source) = vault();
    let mut rows: Vec<String> = (1..=20).map(row).collect();
    rows[0] = "\"=HYPERLINK(\"\"x\"\")\",3201000000000001,1998-04-12,P,,\"Dusun \"\"Baru\"\"\nRT 1\",Desa Contoh,ya,2025-12-01\n".into();
    rows[1] = row(2).replace(",ya,2026-01-15", ",,");
    let options = ImportOptions {
        without_consent: true,
        ..ImportOptions::default()
    };
    assert_eq!(import(&source, &file(rows), options).imported, 20);
    let archived = source
        .find_persons(Lookup::Nik { nik: nik(3) })
        .unwrap()
        .remove(0);
    source.set_person_archived(archived.id, true).unwrap();

    let exported = source.export_persons_csv(CsvExportOptions::default()).unwrap();
    assert!(exported
        .starts_with("\u{feff}full_name,nik,birth_date,sex,phone,address,village,consent,consent_date\r\n"));
    assert!(exported.contains("'=HYPERLINK"), "formulas defused");
    assert!(exported.contains(",'+6281200000004,"), "phone numbers stay text");
    assert_eq!(
        exported.lines().count(),
        1 + 19 + 1,
        "archived left out; one address spans 2 lines"
    );
    let everyone = source
        .export_persons_csv(CsvExportOptions {
            include_archived: true,
            separator: CsvSeparator::Semicolon,
        })
        .unwrap();
    assert!(everyone.contains("full_name;nik;birth_date"));
    let exports = import_entries(&source)
        .into_iter()
        .filter(|e| e.action == AuditAction::Export && e.kind == RecordKind::Person)
        .map(|e| e.count)
        .collect::<Vec<_>>();
    assert_eq!(exports, vec![Some(19), Some(20)]);

    let (_dir2, target) = vault();
    let report = import(&target, everyone.as_bytes(), options);
    assert_eq!(report.issues, vec![]);
    assert_eq!((report.imported, report.with_consent), (20, 19));
    let key = |p: &migran_core::Person| {
        (
            p.full_name.clone(),
            p.nik.clone(),
            p.birth_date.clone(),
            p.sex,
            p.phone.clone(),
            p.address.clone(),
            p.village.clone(),
        )
    };
    let before: Vec<_> = source
        .list_persons(ALL, true)
        .unwrap()
        .items
        .iter()
        .map(key)
        .collect();
    let after: Vec<_> = target
        .list_persons(ALL, true)
        .unwrap()
        .items
        .iter()
        .map(key)
        .collect();
    assert_eq!(before, after);
    assert_eq!(before[0].0, "=HYPERLINK(\"x\")");
    let first = target
        .find_persons(Lookup::Nik { nik: nik(1) })
        .unwrap()
        .remove(0);
    assert_eq!(target.consent_history(first.id).unwrap()[0].date, "2025-12-01");
    let second = target
        .find_persons(Lookup::Nik { nik: nik(2) })
        .unwrap()
        .remove(0);
    assert_eq!(target.consent_history(second.id).unwrap(), vec![]);
}

#[test]
fn issues_are_said_in_both_languages_without_values() {
    let message = |problem, locale| import_issue_message(issue(12, "nik", problem), locale);
    assert_eq!(
        message(invalid(InvalidReason::TooShort), Locale::Id),
        "Baris 12, NIK: terlalu pendek."
    );
    assert_eq!(
        message(invalid(InvalidReason::TooShort), Locale::En),
        "Line 12, NIK (national identity number): too short."
    );
    assert_eq!(
        message(ImportProblem::DuplicateInFile { first_line: 3 }, Locale::Id),
        "Baris 12, NIK: sama dengan baris 3."
    );
    assert_eq!(
        import_issue_message(issue(4, "consent", ImportProblem::ConsentMissing), Locale::En),
        "Line 4, registration consent: does not say that registration consent was given."
    );
    assert_eq!(
        import_issue_message(
            issue(1, "header", ImportProblem::UnknownColumn { column: 4 }),
            Locale::Id
        ),
        "Baris 1, baris judul: kolom ke-4 tidak dikenal."
    );
    let file_error = MigranError::Invalid {
        field: "file".into(),
        reason: InvalidReason::TooLong,
    };
    assert_eq!(
        file_error.message(Locale::Id),
        "Isian 'berkas' tidak sah: terlalu panjang."
    );
}
