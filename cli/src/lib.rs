//! `migran`: the village officer's command-line front end to the Migran Emas core.
//!
//! Exit codes: 0 ok, 1 other failure, 2 usage, 3 wrong PIN / locked out / erased /
//! wrong device, 4 not found, 5 invalid input, 6 refused by a rule (consent, case
//! workflow, checklist order), 7 a sync file, follow file or backup refused (tampered,
//! replayed, another team, removed device, an ended follow link, wrong recovery key:
//! nothing was changed), 8 a relay could not be used (unreachable, refused the request).

// println!/print! panic when stdout is a closed pipe (`migran person list | head`); all
// output goes through output::outln! / output::write_out instead.
#![deny(clippy::print_stdout)]

mod agency;
mod answers_json;
mod args;
mod backup;
mod cases;
mod checklist;
mod commands;
mod consent;
mod contact;
mod demo;
mod directory_report;
mod document;
mod emergency;
mod expected;
mod files;
mod follow;
mod follow_up;
mod grammar;
mod help;
mod i18n;
mod journey;
mod lessons;
mod output;
mod person;
mod person_csv;
mod progress;
mod reports;
mod returns;
mod screening;
mod secrets;
mod sessions;
mod sync;
mod team;
mod vault;
mod visits;

use std::process::ExitCode;

use migran_core::MigranError;

use crate::args::Args;
use crate::i18n::{locale, t, Text};

pub enum CliError {
    /// The words of the command are wrong: exit 2 and a hint.
    Usage(Text),
    /// The core refused: the exit code follows the error's kind.
    Core(MigranError),
    /// A value that is none of the words a choice allows (exit 5): the allowed words are
    /// listed.
    NotAChoice { field: String, allowed: String },
    /// The officer did not confirm an erasure: nothing was changed.
    Cancelled,
    /// Anything else (a terminal or file problem), named without values.
    Other(String),
    /// A failure the command explains itself (a file that exists, one that cannot be
    /// read): exit 1.
    Failed(Text),
    /// Input refused as a whole for what it holds (an import with bad rows, two PINs that
    /// differ): exit 5, like invalid input.
    Refused(Text),
}

impl From<MigranError> for CliError {
    fn from(err: MigranError) -> Self {
        CliError::Core(err)
    }
}

impl CliError {
    /// A usage error, said in both languages.
    pub fn usage(id: impl Into<String>, en: impl Into<String>) -> CliError {
        CliError::Usage(t(id, en))
    }

    fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Core(err) => match err {
                MigranError::WrongPin { .. }
                | MigranError::LockedOut { .. }
                | MigranError::Erased
                | MigranError::DeviceSecretMismatch
                // A key file of `keys/` missing or unusable: a key problem like a
                // wrong device key, not the catch-all 1.
                | MigranError::KeyFactor { .. }
                | MigranError::Locked => 3,
                MigranError::NotFound { .. } | MigranError::NoVault => 4,
                MigranError::Invalid { .. }
                | MigranError::Duplicate { .. }
                | MigranError::PackRejected { .. } => 5,
                MigranError::NotAllowed { .. } => 6,
                MigranError::SyncRefused { .. } | MigranError::BackupRefused { .. } => 7,
                MigranError::RelayFailed { .. } => 8,
                _ => 1,
            },
            CliError::Refused(_) | CliError::NotAChoice { .. } => 5,
            CliError::Cancelled | CliError::Other(_) | CliError::Failed(_) => 1,
        }
    }

    fn describe(&self) -> String {
        match self {
            CliError::Usage(detail) => t(
                format!(
                    "Perintah tidak lengkap atau salah: {}. Lihat 'migran help'.",
                    detail.id
                ),
                format!("Wrong or incomplete command: {}. See 'migran help'.", detail.en),
            )
            .get()
            .to_string(),
            CliError::Core(err) => {
                let message = err.message(locale());
                match err {
                    MigranError::Invalid { field, reason } => match expected::expected(field, *reason) {
                        Some(what) => t(
                            format!("{message} Yang diharapkan: {}.", what.id),
                            format!("{message} Expected: {}.", what.en),
                        )
                        .get()
                        .to_string(),
                        None => message,
                    },
                    _ => message,
                }
            }
            CliError::NotAChoice { field, allowed } => {
                let message = MigranError::Invalid {
                    field: field.clone(),
                    reason: migran_core::InvalidReason::BadFormat,
                }
                .message(locale());
                t(
                    format!("{message} Pilihan: {allowed}."),
                    format!("{message} Allowed: {allowed}."),
                )
                .get()
                .to_string()
            }
            CliError::Cancelled => t(
                "Dibatalkan; tidak ada yang dihapus.",
                "Cancelled; nothing was erased.",
            )
            .get()
            .to_string(),
            CliError::Other(what) => t(format!("Gagal: {what}."), format!("Failed: {what}."))
                .get()
                .to_string(),
            CliError::Failed(text) => t(format!("Gagal: {}.", text.id), format!("Failed: {}.", text.en))
                .get()
                .to_string(),
            CliError::Refused(text) => t(format!("Ditolak: {}.", text.id), format!("Refused: {}.", text.en))
                .get()
                .to_string(),
        }
    }
}

impl CliError {
    /// What to do next, when the core refused for a missing consent.
    fn hint(&self) -> Option<String> {
        use migran_core::{ConsentPurpose, NotAllowedReason};
        let reason = match self {
            CliError::Core(MigranError::NotAllowed { reason }) => reason,
            _ => return None,
        };
        let purpose = match reason {
            NotAllowedReason::ConsentMissing { purpose } => purpose,
            NotAllowedReason::GuardianConsentRequired => {
                return Some(
                    t(
                        "Untuk anak di bawah 18 tahun, orang tua atau wali yang memberi persetujuan: migran consent give ORANG TUJUAN --given-by NAMA --relationship orang-tua|wali",
                        "For a child under 18 a parent or guardian gives consent: migran consent give PERSON PURPOSE --given-by NAME --relationship parent|guardian",
                    )
                    .get()
                    .to_string(),
                )
            }
            _ => return None,
        };
        let purpose = match purpose {
            ConsentPurpose::Registration => "registration",
            ConsentPurpose::ShareWithFamily => "family",
            ConsentPurpose::ShareWithAgencies => "agencies",
            ConsentPurpose::Reporting => "reporting",
        };
        let mut hint = t(
            format!("Bacakan 'migran consent text {purpose}', lalu catat jawabannya: migran consent give ORANG {purpose}"),
            format!("Read out 'migran consent text {purpose}', then record the answer: migran consent give PERSON {purpose}"),
        )
        .get()
        .to_string();
        if purpose == "agencies" {
            hint.push('\n');
            hint.push_str(
                t(
                    "Bila nyawa atau keselamatannya terancam dan persetujuan tidak bisa diminta: migran case refer ID INSTANSI --emergency-reason BAHAYANYA",
                    "If their life or safety is at risk and consent cannot be asked: migran case refer ID AGENCY --emergency-reason THE_DANGER",
                )
                .get(),
            );
        }
        Some(hint)
    }
}

/// Reads a command line against the grammar as the command does, printing the help or
/// the version when asked; `false` when the words were refused. For fuzz/, which hands it
/// arbitrary words: whatever they are, it must return.
#[doc(hidden)]
pub fn parse_command_line(words: Vec<std::ffi::OsString>) -> bool {
    Args::parse(words).is_ok()
}

/// The command: runs the words it was given and says how it went as the exit code.
pub fn main() -> ExitCode {
    let outcome = Args::parse(std::env::args_os()).and_then(|args| match args {
        Some(args) => commands::run(&args),
        None => Ok(()),
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("migran: {}", err.describe());
            if let Some(hint) = err.hint() {
                eprintln!("{hint}");
            }
            ExitCode::from(err.exit_code())
        }
    }
}
