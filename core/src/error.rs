//! The one error that crosses the FFI.
//!
//! Variants are made for a UI to act on (ask for the PIN again, show a wait, point at a
//! field). No variant ever carries a sensitive value: fields hold only counts, field
//! names, record kinds and fixed reason codes. Messages come in Bahasa Indonesia (the
//! default) and English through [`MigranError::message`].

use crate::i18n::Locale;

/// Why a field's value was refused. A fixed code, so that a UI can translate or react.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InvalidReason {
    /// Required, but empty or blank.
    Empty,
    /// Longer than the field allows.
    TooLong,
    /// Shorter than the field allows.
    TooShort,
    /// Not in the expected form (digits, date, phone number, ...).
    BadFormat,
    /// A date that does not exist or lies where it cannot (a birth date in the future).
    BadDate,
    /// A country code that is not an ISO 3166-1 alpha-2 code.
    UnknownCountry,
    /// A value outside the allowed range.
    OutOfRange,
    /// Contains control characters or is not valid UTF-8.
    BadCharacters,
    /// Two values that contradict each other (an expiry before the issue date).
    Inconsistent,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MigranError {
    /// The PIN did not open the vault.
    #[error("wrong PIN; {attempts_left} attempts left before a wait or erase")]
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs: no attempt is accepted before the wait is over.
    #[error("too many wrong PINs; try again in {retry_after_seconds} s")]
    LockedOut { retry_after_seconds: u64 },
    /// The vault must be unlocked for this.
    #[error("the vault is locked")]
    Locked,
    /// The vault's key was destroyed (too many wrong PINs, or a wipe): the data is gone.
    #[error("the vault was erased")]
    Erased,
    /// The vault was created with a device secret and none (or another one) was given.
    #[error("the device secret is missing or does not belong to this vault")]
    DeviceSecretMismatch,
    /// No vault exists at the given place.
    #[error("no vault here")]
    NoVault,
    /// A vault already exists at the given place.
    #[error("a vault already exists here")]
    VaultExists,
    /// The requested record does not exist (or was erased).
    #[error("{kind} not found")]
    NotFound { kind: String },
    /// A value was refused; `field` names it, `reason` says why.
    #[error("invalid {field}: {reason:?}")]
    Invalid { field: String, reason: InvalidReason },
    /// A value that must be unique is already held by another record.
    #[error("another record already has this {field}")]
    Duplicate { field: String },
    /// A stored value failed authentication: it was altered or moved.
    #[error("stored {kind} data was altered or moved")]
    Tampered { kind: String },
    /// The database could not be read or written. `detail` never holds a value.
    #[error("storage error: {detail}")]
    Storage { detail: String },
    /// The vault files were written by a newer version of the app.
    #[error("the vault format {found} is newer than this app supports ({supported})")]
    UnsupportedVersion { found: u32, supported: u32 },
    /// An operation needs something that is not in place yet (e.g. a consent, a prior step).
    #[error("not allowed: {reason}")]
    NotAllowed { reason: String },
    /// A checklist item cannot be done before the items it needs (their ids).
    #[error("{item} needs {missing:?} first")]
    DependencyNotMet { item: String, missing: Vec<String> },
    /// A content pack (e.g. the emergency directory) was refused: `reason` is
    /// `signature`, `format`, `kind`, `national`, `entry`, `country` or `version`. The pack in use stays.
    #[error("content pack refused: {reason}")]
    PackRejected { reason: String },
    /// A bug: something that should not happen. Reported, never panicked.
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

pub type Result<T, E = MigranError> = std::result::Result<T, E>;

impl MigranError {
    pub(crate) fn invalid(field: &str, reason: InvalidReason) -> Self {
        MigranError::Invalid {
            field: field.to_string(),
            reason,
        }
    }

    pub(crate) fn not_found(kind: &str) -> Self {
        MigranError::NotFound {
            kind: kind.to_string(),
        }
    }

    pub(crate) fn tampered(kind: &str) -> Self {
        MigranError::Tampered {
            kind: kind.to_string(),
        }
    }

    pub(crate) fn internal(detail: &str) -> Self {
        MigranError::Internal {
            detail: detail.to_string(),
        }
    }

    /// A sentence for the person using the app, in the given language.
    pub fn message(&self, locale: Locale) -> String {
        let id = locale == Locale::Id;
        match self {
            MigranError::WrongPin { attempts_left } => {
                if id {
                    format!(
                        "PIN salah. Sisa {attempts_left} percobaan sebelum harus menunggu atau data dihapus."
                    )
                } else {
                    format!("Wrong PIN. {attempts_left} attempts left before a wait or erase.")
                }
            }
            MigranError::LockedOut { retry_after_seconds } => {
                if id {
                    format!("Terlalu banyak PIN salah. Coba lagi dalam {retry_after_seconds} detik.")
                } else {
                    format!("Too many wrong PINs. Try again in {retry_after_seconds} seconds.")
                }
            }
            MigranError::Locked => pick(
                id,
                "Brankas terkunci. Masukkan PIN terlebih dahulu.",
                "The vault is locked. Enter the PIN first.",
            ),
            MigranError::Erased => pick(
                id,
                "Brankas ini sudah dihapus; datanya tidak dapat dipulihkan.",
                "This vault was erased; its data cannot be recovered.",
            ),
            MigranError::DeviceSecretMismatch => pick(
                id,
                "Kunci perangkat tidak ada atau bukan milik brankas ini.",
                "The device key is missing or does not belong to this vault.",
            ),
            MigranError::NoVault => pick(
                id,
                "Belum ada brankas di sini. Buat dulu dengan 'init'.",
                "There is no vault here yet. Create one with 'init'.",
            ),
            MigranError::VaultExists => {
                pick(id, "Sudah ada brankas di sini.", "A vault already exists here.")
            }
            MigranError::NotFound { kind } => {
                let what = crate::i18n::record_kind(kind, locale);
                if id {
                    format!("Data {what} tidak ditemukan.")
                } else {
                    format!("{what} not found.")
                }
            }
            MigranError::Invalid { field, reason } => {
                let field_name = crate::i18n::field_name(field, locale);
                let why = crate::i18n::invalid_reason(*reason, locale);
                if id {
                    format!("Isian '{field_name}' tidak sah: {why}.")
                } else {
                    format!("Invalid '{field_name}': {why}.")
                }
            }
            MigranError::Duplicate { field } => {
                let field_name = crate::i18n::field_name(field, locale);
                if id {
                    format!("Sudah ada data lain dengan {field_name} yang sama.")
                } else {
                    format!("Another record already has this {field_name}.")
                }
            }
            MigranError::Tampered { kind } => {
                let what = crate::i18n::record_kind(kind, locale);
                if id {
                    format!(
                        "Data {what} yang tersimpan telah diubah atau dipindahkan dan tidak dapat dibuka."
                    )
                } else {
                    format!("Stored {what} data was altered or moved and cannot be opened.")
                }
            }
            MigranError::Storage { detail } => {
                if id {
                    format!("Penyimpanan gagal ({detail}).")
                } else {
                    format!("Storage failed ({detail}).")
                }
            }
            MigranError::UnsupportedVersion { found, supported } => {
                if id {
                    format!("Brankas dibuat oleh versi aplikasi yang lebih baru (format {found}, didukung {supported}). Perbarui aplikasi.")
                } else {
                    format!("The vault was made by a newer app version (format {found}, supported {supported}). Update the app.")
                }
            }
            MigranError::NotAllowed { reason } => {
                let why = crate::i18n::not_allowed_reason(reason, locale);
                if id {
                    format!("Tidak diizinkan: {why}.")
                } else {
                    format!("Not allowed: {why}.")
                }
            }
            MigranError::DependencyNotMet { item, missing } => {
                let list = missing.join(", ");
                if id {
                    format!("Langkah '{item}' belum bisa selesai: selesaikan dulu {list}.")
                } else {
                    format!("Step '{item}' cannot be done yet: first finish {list}.")
                }
            }
            MigranError::PackRejected { reason } => {
                let (why_id, why_en) = match reason.as_str() {
                    "signature" => (
                        "tanda tangan tidak sah atau tidak ada",
                        "the signature is missing or invalid",
                    ),
                    "version" => (
                        "tidak lebih baru dari yang dipakai",
                        "it is not newer than the one in use",
                    ),
                    "national" => (
                        "tidak memuat hotline nasional (KP2MI, Kemlu)",
                        "it has no national hotline (KP2MI, Kemlu)",
                    ),
                    _ => ("isinya tidak sesuai format", "its content is malformed"),
                };
                if id {
                    format!("Paket data ditolak: {why_id}. Data yang lama tetap dipakai.")
                } else {
                    format!("Content pack refused: {why_en}. The previous one stays in use.")
                }
            }
            MigranError::Internal { detail } => {
                if id {
                    format!("Kesalahan internal ({detail}). Mohon laporkan.")
                } else {
                    format!("Internal error ({detail}). Please report it.")
                }
            }
        }
    }
}

fn pick(indonesian: bool, id: &str, en: &str) -> String {
    if indonesian { id } else { en }.to_string()
}

/// The UI's way to show any error in the person's language.
#[uniffi::export]
pub fn error_message(error: MigranError, locale: Locale) -> String {
    error.message(locale)
}

impl From<rusqlite::Error> for MigranError {
    fn from(err: rusqlite::Error) -> Self {
        // Only the error's category leaves this function: SQLite messages may quote SQL,
        // and although no plaintext value is ever bound, we keep messages value-free.
        let detail = match &err {
            rusqlite::Error::SqliteFailure(code, _) => {
                format!("sqlite {:?} ({})", code.code, code.extended_code)
            }
            rusqlite::Error::QueryReturnedNoRows => "no row".to_string(),
            rusqlite::Error::InvalidColumnType(index, _, _) => {
                format!("column {index} has an unexpected type")
            }
            _ => "database".to_string(),
        };
        MigranError::Storage { detail }
    }
}

impl From<std::io::Error> for MigranError {
    fn from(err: std::io::Error) -> Self {
        MigranError::Storage {
            detail: format!("file {:?}", err.kind()),
        }
    }
}
