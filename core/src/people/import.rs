//! The register in bulk: persons imported from a CSV file (a spreadsheet the village
//! already keeps) and exported back to one.
//!
//! An import reads the whole file first and checks every row the way `add_person`
//! checks a person typed in, plus the registration consent column and duplicate NIKs.
//! Every problem is reported with its line and field. Nothing is written unless every
//! row is good, or the caller chose to skip the bad rows (`skip_invalid`) or the
//! duplicates (`skip_duplicates`); then the good rows are registered in one transaction.
//! The audit log gets one entry for the batch (its id and count) instead of one per
//! person; what is done with each person afterwards is audited one by one as always.
//!
//! Registration consent: a person is registered with their registration consent only
//! when their row says it was given (`consent` column: `ya`/`yes`, with its date in
//! `consent_date`, else the import day). A row that does not say so is refused, unless
//! the caller chose `without_consent`: the person is then registered without it, and
//! nothing new can be recorded about them until a cadre has asked and recorded it
//! (`record_consent`); reading, exporting and erasing stay possible.

use std::collections::HashMap;
use std::sync::Arc;

use super::csv::{self, Malformed, Reader, Record};
use super::{input, store, Person, PersonInput, Sex};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::store::codes::StorageCode;
use crate::time::{date_text, latest_date_anywhere, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

/// The largest file an import reads, in bytes (16 MiB: some 100,000 rows).
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;
/// The most rows one import takes.
pub const MAX_IMPORT_ROWS: u32 = 100_000;

/// How an import treats rows that cannot be registered as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct ImportOptions {
    /// Register the good rows and report the others, instead of registering nothing
    /// when a row is bad.
    #[uniffi(default)]
    pub skip_invalid: bool,
    /// Leave out rows whose NIK is already registered or on an earlier line, instead
    /// of refusing the file.
    #[uniffi(default)]
    pub skip_duplicates: bool,
    /// Register rows that do not say registration consent was given, without it,
    /// instead of refusing them. The file then needs no consent column.
    #[uniffi(default)]
    pub without_consent: bool,
}

/// What an import is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportStage {
    /// Checking the rows; nothing is written yet.
    Checking,
    /// Registering the rows that passed, in one transaction.
    Writing,
}

/// Told how far an import is. Called from the importing thread while the vault is busy
/// with the import: the listener must return quickly and must not call the vault. A
/// listener that fails (throws) is not called again; the import carries on, because
/// the file is the user's work and a progress bar is not.
#[uniffi::export(foreign)]
pub trait ImportListener: Send + Sync {
    /// `done` of `total` rows of `stage` are through.
    fn on_progress(&self, stage: ImportStage, done: u32, total: u32) -> Result<()>;
}

/// Why a row (or the header) of an import file was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportProblem {
    /// The value was refused, for the same reason as when it is typed in.
    Invalid {
        /// Why the value was refused.
        reason: InvalidReason,
    },
    /// The header has no column for this field.
    MissingColumn,
    /// A header cell names no known column; `column` counts from 1.
    UnknownColumn {
        /// The header cell's position, from 1.
        column: u32,
    },
    /// Two header cells name the same field; `column` (from 1) is the second.
    RepeatedColumn {
        /// The position of the second cell, from 1.
        column: u32,
    },
    /// The row has another number of fields than the header.
    FieldCount {
        /// The number of header cells.
        expected: u32,
        /// The number of fields in the row.
        found: u32,
    },
    /// A quoted value is not closed before the end of the file.
    UnclosedQuote,
    /// Text follows the closing quote of a value.
    TextAfterQuote,
    /// The row is longer than a row can be (64 KiB).
    RowTooLong,
    /// The NIK is already on an earlier line of the file.
    DuplicateInFile {
        /// The line (from 1, the header is line 1) of the first row with this NIK.
        first_line: u32,
    },
    /// The NIK is already registered in the vault.
    DuplicateInVault,
    /// The row does not say registration consent was given.
    ConsentMissing,
}

/// A problem found in an import file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportIssue {
    /// The line of the file where the row starts, counted from 1; the header is line 1.
    pub line: u32,
    /// The field: `full_name`, `nik`, `birth_date`, `sex`, `phone`, `address`,
    /// `village`, `consent`, `consent_date`; `row` for the row as a whole, `header` for
    /// an unknown header cell.
    pub field: String,
    /// What is wrong.
    pub problem: ImportProblem,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    /// Rows read below the header (blank lines not counted).
    pub rows: u32,
    /// Persons registered by this import; 0 when the file was refused.
    pub imported: u32,
    /// Of them, registered with their registration consent.
    pub with_consent: u32,
    /// Rows left out because of their issues (with `skip_invalid` or
    /// `skip_duplicates`).
    pub skipped: u32,
    /// Every problem found, by line then column. A row may have several.
    pub issues: Vec<ImportIssue>,
    /// Nothing was written because of `issues`.
    pub refused: bool,
    /// The id the audit log names the batch by; `None` when nothing was written.
    pub batch_id: Option<String>,
}

/// The separator of an exported CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum CsvSeparator {
    /// `,`: RFC 4180, what most programs expect.
    #[default]
    Comma,
    /// `;`: what Excel expects in an Indonesian locale (where `,` is the decimal mark).
    Semicolon,
}

/// How the register is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct CsvExportOptions {
    /// Include archived persons.
    #[uniffi(default)]
    pub include_archived: bool,
    /// The field separator (`,` by default, `;` for Excel in an Indonesian locale).
    pub separator: CsvSeparator,
}

/// The columns of the import and export files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    FullName,
    Nik,
    BirthDate,
    Sex,
    Phone,
    Address,
    Village,
    Consent,
    ConsentDate,
}

impl Column {
    /// In the order the export writes them.
    const ALL: [Column; 9] = [
        Column::FullName,
        Column::Nik,
        Column::BirthDate,
        Column::Sex,
        Column::Phone,
        Column::Address,
        Column::Village,
        Column::Consent,
        Column::ConsentDate,
    ];
    const REQUIRED: [Column; 5] = [
        Column::FullName,
        Column::Nik,
        Column::BirthDate,
        Column::Sex,
        Column::Village,
    ];

    /// The field name in issues, and the export's header.
    fn field(self) -> &'static str {
        match self {
            Column::FullName => "full_name",
            Column::Nik => "nik",
            Column::BirthDate => "birth_date",
            Column::Sex => "sex",
            Column::Phone => "phone",
            Column::Address => "address",
            Column::Village => "village",
            Column::Consent => "consent",
            Column::ConsentDate => "consent_date",
        }
    }

    /// The column a header cell names, in English or Indonesian, ignoring case, spaces,
    /// dots and dashes (`Tanggal Lahir`, `tgl_lahir`, `No. HP`).
    fn from_header(cell: &str) -> Option<Column> {
        let mut name = String::new();
        for c in cell.trim().to_lowercase().chars() {
            let c = if matches!(c, ' ' | '-' | '.' | '/' | '_') {
                '_'
            } else {
                c
            };
            if !(c == '_' && (name.is_empty() || name.ends_with('_'))) {
                name.push(c);
            }
        }
        let name = name.trim_end_matches('_');
        Some(match name {
            "full_name" | "name" | "nama" | "nama_lengkap" => Column::FullName,
            "nik" | "no_nik" | "nomor_nik" => Column::Nik,
            "birth_date" | "date_of_birth" | "tanggal_lahir" | "tgl_lahir" => Column::BirthDate,
            "sex" | "gender" | "jenis_kelamin" | "jk" | "l_p" => Column::Sex,
            "phone" | "telepon" | "telp" | "hp" | "no_hp" | "nomor_hp" | "nomor_telepon" => Column::Phone,
            "address" | "alamat" => Column::Address,
            "village" | "desa" | "kelurahan" | "desa_kelurahan" => Column::Village,
            "consent" | "registration_consent" | "persetujuan" | "persetujuan_pendaftaran" => Column::Consent,
            "consent_date" | "registration_consent_date" | "tanggal_persetujuan" => Column::ConsentDate,
            _ => return None,
        })
    }
}

/// A progress callback for Rust callers (the CLI); the apps pass an [`ImportListener`].
pub type ProgressFn<'a> = &'a mut dyn FnMut(ImportStage, u32, u32);

#[uniffi::export]
impl Vault {
    /// Imports persons from a CSV file (its bytes, at most [`MAX_IMPORT_BYTES`]): a header
    /// row naming the columns (`full_name`/`nama`, `nik`, `birth_date`/`tanggal_lahir`,
    /// `sex`/`jenis_kelamin`, `village`/`desa`, optional `phone`/`telepon`,
    /// `address`/`alamat`, `consent`/`persetujuan` and `consent_date`); UTF-8 with or
    /// without BOM; `,` or `;`. Every row is checked first; see [`ImportReport`] for what
    /// was done and [`ImportOptions`] for the choices. A file too large, with too many
    /// rows or not in UTF-8 is refused as a whole with `Invalid` (`file` or `rows`).
    pub fn import_persons_csv(
        &self,
        csv: Vec<u8>,
        options: ImportOptions,
        listener: Option<Arc<dyn ImportListener>>,
    ) -> Result<ImportReport> {
        let mut listener = listener;
        let mut progress = |stage: ImportStage, done: u32, total: u32| {
            let failed = listener
                .as_ref()
                .is_some_and(|l| l.on_progress(stage, done, total).is_err());
            if failed {
                listener = None;
            }
        };
        self.import_persons_csv_with(&csv, options, &mut progress)
    }

    /// The register as a CSV file with the columns the import reads (so that an export
    /// imports into another vault): `full_name`, `nik`, `birth_date`, `sex` (`female`,
    /// `male`), `phone`, `address`, `village`, `consent` (`yes` when the registration
    /// consent is given now, else `no`) and `consent_date`; in registration order. It
    /// starts with a byte order mark (so that Excel reads UTF-8) and holds personal data
    /// in plaintext: the caller writes it owner-only and deletes it when done. Audited
    /// as one export with its count.
    pub fn export_persons_csv(&self, options: CsvExportOptions) -> Result<String> {
        self.read(|s| {
            let persons: Vec<Person> = super::all_persons(s)?
                .into_iter()
                .filter(|p| options.include_archived || !p.archived)
                .collect();
            let separator = match options.separator {
                CsvSeparator::Comma => ',',
                CsvSeparator::Semicolon => ';',
            };
            let mut out = String::from("\u{feff}");
            let header: Vec<&str> = Column::ALL.iter().map(|c| c.field()).collect();
            csv::push_line(&mut out, &header, separator);
            for person in &persons {
                let consent_since = registration_consent_since(s, &person.id)?;
                csv::push_line(
                    &mut out,
                    &[
                        &person.full_name,
                        &person.nik,
                        &person.birth_date,
                        person.sex.code(),
                        person.phone.as_deref().unwrap_or(""),
                        person.address.as_deref().unwrap_or(""),
                        &person.village,
                        if consent_since.is_some() { "yes" } else { "no" },
                        consent_since.as_deref().unwrap_or(""),
                    ],
                    separator,
                );
            }
            s.audit_count(AuditAction::Export, RecordKind::Person, None, persons.len());
            Ok(out)
        })
    }
}

/// An import issue in words, in the given language: `Baris 5, NIK: terlalu pendek.`
#[uniffi::export]
pub fn import_issue_message(issue: ImportIssue, locale: Locale) -> String {
    let id = locale == Locale::Id;
    let field = crate::i18n::field_name(&issue.field, locale);
    let what = match issue.problem {
        ImportProblem::Invalid { reason } => crate::i18n::invalid_reason(reason, locale).to_string(),
        ImportProblem::MissingColumn => pick(
            id,
            "kolom ini tidak ada di baris judul",
            "the header has no such column",
        ),
        ImportProblem::UnknownColumn { column } => {
            if id {
                format!("kolom ke-{column} tidak dikenal")
            } else {
                format!("column {column} is not a known column")
            }
        }
        ImportProblem::RepeatedColumn { column } => {
            if id {
                format!("kolom ke-{column} mengulang kolom sebelumnya")
            } else {
                format!("column {column} repeats an earlier column")
            }
        }
        ImportProblem::FieldCount { expected, found } => {
            if id {
                format!("berisi {found} isian, seharusnya {expected}")
            } else {
                format!("has {found} fields instead of {expected}")
            }
        }
        ImportProblem::UnclosedQuote => pick(
            id,
            "tanda kutip tidak ditutup sampai akhir berkas",
            "a quote is not closed before the end of the file",
        ),
        ImportProblem::TextAfterQuote => pick(
            id,
            "ada teks sesudah tanda kutip penutup",
            "text follows a closing quote",
        ),
        ImportProblem::RowTooLong => pick(id, "baris terlalu panjang", "the row is too long"),
        ImportProblem::DuplicateInFile { first_line } => {
            if id {
                format!("sama dengan baris {first_line}")
            } else {
                format!("the same as on line {first_line}")
            }
        }
        ImportProblem::DuplicateInVault => pick(id, "sudah terdaftar", "already registered"),
        ImportProblem::ConsentMissing => pick(
            id,
            "tidak tercatat bahwa persetujuan pendaftaran diberikan",
            "does not say that registration consent was given",
        ),
    };
    if id {
        format!("Baris {}, {field}: {what}.", issue.line)
    } else {
        format!("Line {}, {field}: {what}.", issue.line)
    }
}

fn pick(indonesian: bool, id: &str, en: &str) -> String {
    if indonesian { id } else { en }.to_string()
}

impl Vault {
    /// [`Vault::import_persons_csv`] for Rust callers, with a progress closure (called
    /// at most about a hundred times per stage).
    pub fn import_persons_csv_with(
        &self,
        csv: &[u8],
        options: ImportOptions,
        progress: ProgressFn<'_>,
    ) -> Result<ImportReport> {
        let (columns, records) = read_file(csv, options)?;
        let columns = match columns {
            Ok(columns) => columns,
            Err(issues) => return Ok(refused(records.len() as u32, issues)),
        };
        self.write(|s| import(s, &columns, &records, options, progress))
    }
}

/// The header's columns (or why it is refused) and the non-blank records after it.
type ParsedFile = (
    std::result::Result<Vec<Option<Column>>, Vec<ImportIssue>>,
    Vec<Record>,
);

fn read_file(bytes: &[u8], options: ImportOptions) -> Result<ParsedFile> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(MigranError::invalid("file", InvalidReason::TooLong));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // UTF-16 ("Unicode text" in Excel): save as "CSV UTF-8" instead.
        return Err(MigranError::invalid("file", InvalidReason::BadFormat));
    }
    let mut reader = Reader::new(bytes);
    let header = loop {
        match reader.next() {
            None => return Err(MigranError::invalid("file", InvalidReason::Empty)),
            Some(record) if record.is_blank() => continue,
            Some(record) => break record,
        }
    };
    let columns = header_columns(&header, options);
    let mut records = Vec::new();
    for record in reader {
        if record.is_blank() {
            continue;
        }
        if records.len() >= MAX_IMPORT_ROWS as usize {
            return Err(MigranError::invalid("rows", InvalidReason::OutOfRange));
        }
        records.push(record);
    }
    Ok((columns, records))
}

/// The header's columns. Without `without_consent`, the consent column is required too.
fn header_columns(
    header: &Record,
    options: ImportOptions,
) -> std::result::Result<Vec<Option<Column>>, Vec<ImportIssue>> {
    let mut issues = Vec::new();
    if let Some((problem, _)) = header.malformed {
        issues.push(issue(header.line, "header", shape_problem(problem)));
        return Err(issues);
    }
    let mut columns: Vec<Option<Column>> = Vec::new();
    for (index, cell) in header.fields.iter().enumerate() {
        let number = index as u32 + 1;
        let text = std::str::from_utf8(cell).unwrap_or("");
        if text.trim().is_empty() && index + 1 == header.fields.len() && index > 0 {
            // A trailing separator after the last column name.
            columns.push(None);
            continue;
        }
        match Column::from_header(text) {
            None => issues.push(issue(
                header.line,
                "header",
                ImportProblem::UnknownColumn { column: number },
            )),
            Some(column) if columns.contains(&Some(column)) => issues.push(issue(
                header.line,
                column.field(),
                ImportProblem::RepeatedColumn { column: number },
            )),
            Some(column) => columns.push(Some(column)),
        }
    }
    let consent = (!options.without_consent).then_some(Column::Consent);
    for required in Column::REQUIRED.into_iter().chain(consent) {
        if !columns.contains(&Some(required)) {
            issues.push(issue(header.line, required.field(), ImportProblem::MissingColumn));
        }
    }
    if issues.is_empty() {
        Ok(columns)
    } else {
        Err(issues)
    }
}

fn issue(line: u32, field: &str, problem: ImportProblem) -> ImportIssue {
    ImportIssue {
        line,
        field: field.to_string(),
        problem,
    }
}

fn shape_problem(problem: Malformed) -> ImportProblem {
    match problem {
        Malformed::UnclosedQuote => ImportProblem::UnclosedQuote,
        Malformed::TextAfterQuote => ImportProblem::TextAfterQuote,
        Malformed::TooLong => ImportProblem::RowTooLong,
    }
}

fn refused(rows: u32, issues: Vec<ImportIssue>) -> ImportReport {
    ImportReport {
        rows,
        imported: 0,
        with_consent: 0,
        skipped: 0,
        issues,
        refused: true,
        batch_id: None,
    }
}

/// A row that passed its checks, ready to be stored.
struct Accepted {
    person: Person,
    /// The date of the registration consent, when the row says it was given.
    consent: Option<String>,
}

/// What checking a row found.
struct Checked {
    line: u32,
    /// The normalized NIK, when it is valid.
    nik: Option<String>,
    accepted: Option<Accepted>,
    issues: Vec<ImportIssue>,
}

/// Calls `progress` at the start, about every hundredth of `total` and at the end.
fn tick(progress: &mut dyn FnMut(ImportStage, u32, u32), stage: ImportStage, done: usize, total: usize) {
    let step = (total / 100).max(1);
    if done.is_multiple_of(step) || done == total {
        progress(stage, done as u32, total as u32);
    }
}

fn import(
    s: &Session<'_>,
    columns: &[Option<Column>],
    records: &[Record],
    options: ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<ImportReport> {
    let total = records.len();
    let mut checked = Vec::with_capacity(total);
    tick(progress, ImportStage::Checking, 0, total);
    for (done, record) in records.iter().enumerate() {
        checked.push(check_row(s, columns, record, options)?);
        tick(progress, ImportStage::Checking, done + 1, total);
    }

    // Duplicates: the first line with a NIK holds it; later ones, and NIKs already in
    // the vault, are duplicates.
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for row in &mut checked {
        let Some(nik) = row.nik.clone() else { continue };
        if let Some(&first) = first_line.get(&nik) {
            row.issues.push(issue(
                row.line,
                "nik",
                ImportProblem::DuplicateInFile { first_line: first },
            ));
            continue;
        }
        first_line.insert(nik.clone(), row.line);
        match store::ensure_unique_nik(s, &nik, None) {
            Ok(()) => {}
            Err(MigranError::Duplicate { .. }) => {
                row.issues
                    .push(issue(row.line, "nik", ImportProblem::DuplicateInVault));
            }
            Err(other) => return Err(other),
        }
    }

    let is_duplicate = |i: &ImportIssue| {
        matches!(
            i.problem,
            ImportProblem::DuplicateInFile { .. } | ImportProblem::DuplicateInVault
        )
    };
    let mut invalid_rows = 0u32;
    let mut duplicate_rows = 0u32;
    for row in &checked {
        if row.issues.iter().any(|i| !is_duplicate(i)) {
            invalid_rows += 1;
        } else if !row.issues.is_empty() {
            duplicate_rows += 1;
        }
    }
    let issues: Vec<ImportIssue> = checked
        .iter()
        .flat_map(|row| row.issues.iter().cloned())
        .collect();
    let allowed = (invalid_rows == 0 || options.skip_invalid)
        && (duplicate_rows == 0 || options.skip_duplicates || options.skip_invalid);
    if !allowed {
        return Ok(refused(total as u32, issues));
    }

    let to_store: Vec<Accepted> = checked
        .into_iter()
        .filter(|row| row.issues.is_empty())
        .filter_map(|row| row.accepted)
        .collect();
    let mut with_consent = 0u32;
    let mut batch_id = None;
    if !to_store.is_empty() {
        let id = new_row_id()?;
        let count = to_store.len();
        tick(progress, ImportStage::Writing, 0, count);
        s.audit_batch(AuditAction::Import, RecordKind::Person, &id, || {
            for (done, row) in to_store.iter().enumerate() {
                s.insert(&row.person)?;
                if let Some(date) = &row.consent {
                    consent::record(
                        s,
                        &row.person.id,
                        ConsentPurpose::Registration,
                        true,
                        date.clone(),
                        None,
                    )?;
                    with_consent += 1;
                }
                tick(progress, ImportStage::Writing, done + 1, count);
            }
            Ok(count)
        })?;
        batch_id = Some(id);
    }
    Ok(ImportReport {
        rows: total as u32,
        imported: to_store.len() as u32,
        with_consent,
        skipped: invalid_rows + duplicate_rows,
        issues,
        refused: false,
        batch_id,
    })
}

/// Checks one row: every field, as `add_person` would, and the consent columns.
fn check_row(
    s: &Session<'_>,
    columns: &[Option<Column>],
    record: &Record,
    options: ImportOptions,
) -> Result<Checked> {
    let line = record.line;
    let mut checked = Checked {
        line,
        nik: None,
        accepted: None,
        issues: Vec::new(),
    };
    let field_of = |index: usize| columns.get(index).copied().flatten().map_or("row", Column::field);
    if let Some((problem, index)) = record.malformed {
        let field = if problem == Malformed::TooLong {
            "row"
        } else {
            field_of(index)
        };
        checked.issues.push(issue(line, field, shape_problem(problem)));
        return Ok(checked);
    }
    // Extra empty fields at the end (a sheet with a wider row elsewhere) are ignored.
    let used = record
        .fields
        .iter()
        .rposition(|f| !f.iter().all(u8::is_ascii_whitespace))
        .map_or(0, |last| last + 1);
    let needed = columns
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |last| last + 1);
    if record.fields.len() < needed || used > columns.len() {
        checked.issues.push(issue(
            line,
            "row",
            ImportProblem::FieldCount {
                expected: columns.len() as u32,
                found: record.fields.len() as u32,
            },
        ));
        return Ok(checked);
    }

    let mut values: HashMap<Column, &str> = HashMap::new();
    for (index, column) in columns.iter().enumerate() {
        let Some(column) = column else { continue };
        match std::str::from_utf8(&record.fields[index]) {
            Ok(text) => {
                values.insert(*column, csv::undefuse(text));
            }
            Err(_) => checked.issues.push(issue(
                line,
                column.field(),
                ImportProblem::Invalid {
                    reason: InvalidReason::BadCharacters,
                },
            )),
        }
    }
    let text = |column: Column| values.get(&column).copied().unwrap_or("");
    let optional = |column: Column| Some(text(column)).filter(|t| !t.trim().is_empty());
    let refuse = |checked: &mut Checked, err: MigranError| -> Result<()> {
        match err {
            MigranError::Invalid { field, reason } => {
                // One issue per field: the first found (a value that is not UTF-8 is
                // not also reported as empty).
                if !checked.issues.iter().any(|i| i.field == field) {
                    let problem = ImportProblem::Invalid { reason };
                    checked.issues.push(ImportIssue { line, field, problem });
                }
                Ok(())
            }
            other => Err(other),
        }
    };

    let sex = match parse_sex(text(Column::Sex)) {
        Ok(sex) => sex,
        Err(err) => {
            refuse(&mut checked, err)?;
            Sex::Female
        }
    };
    match validate::nik(text(Column::Nik)) {
        Ok(nik) => checked.nik = Some(nik),
        Err(err) => refuse(&mut checked, err)?,
    }
    let person_input = PersonInput {
        full_name: text(Column::FullName).to_string(),
        nik: text(Column::Nik).to_string(),
        birth_date: text(Column::BirthDate).to_string(),
        sex,
        phone: optional(Column::Phone).map(str::to_string),
        address: optional(Column::Address).map(str::to_string),
        village: text(Column::Village).to_string(),
    };
    let person = match input::new_person(s, &person_input) {
        Ok(person) => Some(person),
        Err(err) => {
            refuse(&mut checked, err)?;
            None
        }
    };
    let consent = match consent_of(s, text(Column::Consent), optional(Column::ConsentDate)) {
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            if !options.without_consent {
                checked
                    .issues
                    .push(issue(line, "consent", ImportProblem::ConsentMissing));
            }
            None
        }
        Err(err) => {
            refuse(&mut checked, err)?;
            None
        }
    };
    if checked.issues.is_empty() {
        checked.accepted = person.map(|person| Accepted { person, consent });
    }
    Ok(checked)
}

/// The sex column: the words the CLI accepts (`P`/`L`, `F`/`M`, in full in either
/// language).
fn parse_sex(value: &str) -> Result<Sex> {
    let wanted = value.trim().to_lowercase().replace(['_', ' '], "-");
    match wanted.as_str() {
        "" => Err(MigranError::invalid("sex", InvalidReason::Empty)),
        "f" | "p" | "female" | "perempuan" | "wanita" => Ok(Sex::Female),
        "m" | "l" | "male" | "laki-laki" | "lelaki" | "pria" => Ok(Sex::Male),
        _ => Err(MigranError::invalid("sex", InvalidReason::BadFormat)),
    }
}

/// The registration consent a row records: `Some(date)` when it says the consent was
/// given (dated `date`, else today), `None` when it does not.
fn consent_of(s: &Session<'_>, value: &str, date: Option<&str>) -> Result<Option<String>> {
    let given = match value.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "tidak" | "t" | "belum" | "0" | "false" => false,
        "yes" | "y" | "ya" | "1" | "true" | "given" | "diberikan" | "setuju" => true,
        _ => return Err(MigranError::invalid("consent", InvalidReason::BadFormat)),
    };
    match (given, date) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(MigranError::invalid("consent_date", InvalidReason::Inconsistent)),
        (true, None) => Ok(Some(date_text(s.today))),
        (true, Some(text)) => {
            let date = parse_date("consent_date", text)?;
            if date > latest_date_anywhere(s.now) {
                return Err(MigranError::invalid("consent_date", InvalidReason::OutOfRange));
            }
            Ok(Some(date_text(date)))
        }
    }
}

/// The date since which the person's registration consent is given; `None` when it is
/// not (never asked, or withdrawn).
fn registration_consent_since(s: &Session<'_>, person_id: &str) -> Result<Option<String>> {
    let history = consent::load_history(s, person_id)?;
    Ok(history
        .iter()
        .rev()
        .find(|record| record.purpose == ConsentPurpose::Registration)
        .filter(|record| record.given)
        .map(|record| record.date.clone()))
}
