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
    /// A new PIN that is among the first an attacker tries (`123456`, `111111`, `121212`,
    /// `112233`, keypad lines); docs/security.md lists the rules.
    Weak,
}

/// What kind of record an error is about. Stored in audit entries under its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum RecordKind {
    /// The vault itself.
    Vault,
    /// A registered person.
    Person,
    /// A person's family contact.
    Contact,
    /// A person's migration journey (phase, destination, employer, P3MI).
    Journey,
    /// A person's identity document (KTP, passport, ...).
    Document,
    /// A consent given or withdrawn.
    Consent,
    /// One entry of the audit log.
    AuditEntry,
    /// The audit log as a whole (viewed or exported).
    AuditLog,
    /// A home visit.
    Visit,
    /// A follow-up agreed in a home visit.
    VisitFollowUp,
    /// A case (unpaid wages, abuse, suspected trafficking, ...).
    Case,
    /// One change in a case's timeline.
    CaseEvent,
    /// A migrant's return home.
    Return,
    /// A reintegration service given after a return.
    ReintegrationService,
    /// A TPPO screening.
    Screening,
    /// The follow-up of a high or critical screening.
    ScreeningFollowUp,
    /// A person's pre-departure checklist.
    Checklist,
    /// The family's view of a person's pre-departure checklist.
    FamilyChecklist,
    /// The emergency card of the phone's owner.
    EmergencyCard,
    /// The emergency button's settings.
    EmergencySettings,
    /// An emergency alert in the outbox.
    EmergencyAlert,
    /// A signed content pack (the emergency directory).
    ContentPack,
    /// The village report.
    VillageReport,
    /// The cadre's agenda.
    Agenda,
    /// An information session (sosialisasi).
    InfoSession,
    /// A registered person's attendance at an information session.
    SessionAttendance,
    /// A migrant's or family's phone linked to one person.
    FollowLink,
    /// An alert from a migrant's own phone.
    FollowAlert,
}

crate::storage_codes!(RecordKind {
    Vault => "vault",
    Person => "person",
    Contact => "contact",
    Journey => "journey",
    Document => "document",
    Consent => "consent",
    AuditEntry => "audit_entry",
    AuditLog => "audit_log",
    Visit => "visit",
    VisitFollowUp => "visit_follow_up",
    Case => "case",
    CaseEvent => "case_event",
    Return => "return",
    ReintegrationService => "reintegration_service",
    Screening => "screening",
    ScreeningFollowUp => "screening_follow_up",
    Checklist => "checklist",
    FamilyChecklist => "family_checklist",
    EmergencyCard => "emergency_card",
    EmergencySettings => "emergency_settings",
    EmergencyAlert => "emergency_alert",
    ContentPack => "content_pack",
    VillageReport => "village_report",
    Agenda => "agenda",
    InfoSession => "info_session",
    SessionAttendance => "session_attendance",
    FollowLink => "follow_link",
    FollowAlert => "follow_alert",
});

/// Why an operation was refused by a rule. Typed, so that a UI can act on it (offer to
/// record the consent, show the allowed case moves) without parsing text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum NotAllowedReason {
    /// The person has not given consent for `purpose`.
    ConsentMissing {
        /// The consent the operation needs.
        purpose: crate::consent::ConsentPurpose,
    },
    /// The person withdrew consent for `purpose`.
    ConsentWithdrawn {
        /// The consent the operation needs.
        purpose: crate::consent::ConsentPurpose,
    },
    /// The case workflow does not allow this move.
    CaseTransition {
        /// The case's status now.
        from: crate::cases::CaseStatus,
        /// The status asked for.
        to: crate::cases::CaseStatus,
    },
    /// A checklist item cannot be done before the items it needs (their ids).
    ChecklistDependency {
        /// The id of the item that was to be marked done.
        item: String,
        /// The ids of the items to finish first.
        missing: Vec<String>,
    },
    /// The operation needs the device secret (the emergency card is sealed with it).
    DeviceSecretRequired,
    /// A legal block of the checklist (under 18, a moratorium destination, a fee for a
    /// zero-cost job) cannot be set done or not applicable: it clears only when the
    /// facts change.
    LegalBlock {
        /// The id of the blocking item.
        item: String,
    },
    /// A person under 18 needs a parent's or guardian's consent (UU PDP Pasal 25),
    /// recorded with who gave it.
    GuardianConsentRequired,
}

/// Why a content pack was refused. The pack in use stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PackRejectReason {
    /// The signature is missing or does not verify with the publisher's key.
    Signature,
    /// The pack is not well-formed.
    Format,
    /// The pack is of another kind than expected.
    Kind,
    /// The directory has no national hotline.
    National,
    /// An entry is malformed (a number, a role, a date).
    Entry,
    /// A country code is unknown.
    Country,
    /// The pack is not newer than the one in use.
    Version,
    /// The pack names another publisher key than the one that checks its signature
    /// (or none).
    KeyId,
    /// The pack's expiry date has passed: an old pack offered again.
    Expired,
}

/// Why a team sync bundle, join request or admission was refused. Nothing was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncRefusal {
    /// Not a bundle (or an enrolment text), truncated, or too large.
    Format,
    /// Made by a newer app version.
    UnsupportedVersion,
    /// This device is in no team yet.
    NotInTeam,
    /// This device is already in a team.
    AlreadyInTeam,
    /// Made for another team.
    ForeignTeam,
    /// An admission made for another device.
    NotForThisDevice,
    /// Signed by a device that is not a member of the team.
    UnknownDevice,
    /// The sending device, or this one, was removed from the team.
    RemovedDevice,
    /// The signature or the seal does not check: the file was altered or damaged.
    Tampered,
    /// This bundle (or a later one from the same device) was applied before.
    Replayed,
    /// The bundle continues from changes this device has not received yet.
    MissingEarlierChanges,
    /// Sealed with a team key this device does not have.
    NoTeamKey,
    /// This phone follows no one yet.
    NotFollowing,
    /// This phone already follows someone.
    AlreadyFollowing,
    /// The follow link was ended: nothing more is made for it or taken from it.
    LinkEnded,
    /// Made for a migrant's link where a family's is held, or the other way round.
    WrongLinkKind,
}

impl SyncRefusal {
    /// The refusals that concern a follow link rather than a sync file (their message
    /// does not call the input a sync file).
    fn is_about_a_follow_link(self) -> bool {
        matches!(
            self,
            SyncRefusal::NotFollowing
                | SyncRefusal::AlreadyFollowing
                | SyncRefusal::LinkEnded
                | SyncRefusal::WrongLinkKind
        )
    }
}

/// Why a backup was refused. Nothing was made or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BackupRefusal {
    /// Not a backup file.
    Format,
    /// Made by a newer app version.
    UnsupportedVersion,
    /// The file is damaged or was altered.
    Damaged,
    /// The recovery key does not open this backup.
    WrongRecoveryKey,
    /// No recovery key was made for this vault yet.
    NoRecoveryKey,
}

/// Why a sync with a relay stopped. What was pulled before it is kept, and the next
/// sync continues from there (docs/relay.md, "The client").
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RelayProblem {
    /// The address is not a relay address: `https://host[:port]` (plain `http://` only
    /// for this device itself, 127.0.0.1 or localhost), without a path.
    BadAddress,
    /// The relay could not be reached, or the connection kept breaking, after retries.
    Unreachable,
    /// The relay (or its database) answered that it is busy or down, after retries.
    Unavailable,
    /// The relay refused the request's time: this device's clock is wrong.
    ClockWrong,
    /// The team is not on this relay yet: its first device must sync with it first.
    TeamNotRegistered,
    /// This device is not enrolled on the relay yet: a member that knows it must sync
    /// with the relay first.
    NotEnrolled,
    /// The team's id on this relay belongs to a registration this device cannot sign for.
    TeamTaken,
    /// This device was removed from the team.
    RemovedDevice,
    /// The bundle is larger than the relay takes.
    TooLarge,
    /// The team's space on the relay is full.
    StorageFull,
    /// The relay refused the request's signature or form (a bug, or not a Migran relay).
    Refused,
    /// A district report: another team already reports for this village.
    VillageTaken,
    /// A district report: this team reports for another village or district (its first
    /// accepted report tied it to one).
    WrongVillage,
    /// A district report: the relay keeps a later report of this village for the period.
    OlderReport,
}

/// What went wrong with the vault's files, in words a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StorageProblem {
    /// Another program or another part of the app holds the vault: wait, or close it.
    Busy,
    /// The folder or a file of the vault cannot be written.
    ReadOnly,
    /// The disk (or the phone's storage) is full.
    DiskFull,
    /// A file of the vault cannot be opened (missing folder, no permission).
    CannotOpen,
    /// A file is not a vault file, or the key does not fit it.
    NotADatabase,
    /// A file of the vault is damaged.
    Corrupt,
    /// Reading or writing a file failed.
    Io,
    /// A stored value is not in the form this build writes.
    MalformedValue,
    /// Anything else the database reported.
    Other,
}

/// Why the hardware key factor (docs/security.md, "The hardware key factor") did not
/// answer. Thrown by the app's [`crate::KeyFactor`] as `MigranError::KeyFactor`; never a
/// wrong PIN, never counted towards erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyFactorProblem {
    /// The hardware key does not exist (deleted by a wipe, the app's data cleared, another
    /// phone): the vault cannot be opened on this device.
    KeyMissing,
    /// The key exists but cannot be used now: the phone is locked, or the keystore is
    /// busy. Unlock the phone and try again.
    Unavailable,
    /// The system invalidated the key (the phone's screen lock was removed or reset).
    Invalidated,
    /// The keystore failed otherwise, or answered something that is not a key's output.
    Platform,
}

/// The one error of the core (`MigranException` in Kotlin, `MigranError` in Swift). Its
/// variants carry what a UI acts on; show [`error_message`] to the person, not the
/// exception's own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MigranError {
    /// The PIN did not open the vault.
    #[error("wrong PIN; {attempts_left} attempts left before a wait or erase")]
    WrongPin {
        /// Wrong PINs left before the vault erases itself when it is set to, otherwise
        /// before each try has to wait.
        attempts_left: u32,
    },
    /// Too many wrong PINs: no attempt is accepted before the wait is over.
    #[error("too many wrong PINs; try again in {retry_after_seconds} s")]
    LockedOut {
        /// Seconds until the next PIN is accepted.
        retry_after_seconds: u64,
    },
    /// The vault must be unlocked for this.
    #[error("the vault is locked")]
    Locked,
    /// The vault's key was destroyed (too many wrong PINs, or a wipe): the data is gone.
    #[error("the vault was erased")]
    Erased,
    /// The vault was created with a device secret and none (or another one) was given,
    /// or its file is damaged: an encrypted page that does not open looks the same either way.
    #[error("the device secret is missing or does not belong to this vault")]
    DeviceSecretMismatch,
    /// The hardware key factor (Android Keystore, iOS Secure Enclave, the CLI's key file)
    /// did not answer; nothing was changed and no attempt was counted as a wrong PIN.
    #[error("the hardware key failed: {problem:?}")]
    KeyFactor {
        /// Why it did not answer.
        problem: KeyFactorProblem,
    },
    /// No vault exists at the given place.
    #[error("no vault here")]
    NoVault,
    /// A vault already exists at the given place.
    #[error("a vault already exists here")]
    VaultExists,
    /// The requested record does not exist (or was erased).
    #[error("{kind:?} not found")]
    NotFound {
        /// The kind of record that was asked for.
        kind: RecordKind,
    },
    /// A value was refused; `field` names it, `reason` says why.
    #[error("invalid {field}: {reason:?}")]
    Invalid {
        /// The field's name in the input record (`nik`, `birth_date`, ...); in a batch,
        /// prefixed with the row counted from 1 (`3.nik`).
        field: String,
        /// Why the value was refused.
        reason: InvalidReason,
    },
    /// A value that must be unique is already held by another record.
    #[error("another record already has this {field}")]
    Duplicate {
        /// The field whose value is taken (`nik`); in a batch, prefixed with the row
        /// counted from 1 (`3.nik`).
        field: String,
    },
    /// Stored data failed authentication: it was altered or damaged.
    #[error("stored {kind:?} data was altered or damaged")]
    Tampered {
        /// The kind of record whose stored data is damaged.
        kind: RecordKind,
    },
    /// The vault's files could not be read or written.
    #[error("storage error: {problem:?}")]
    Storage {
        /// What went wrong with the files.
        problem: StorageProblem,
    },
    /// The vault files were written by a newer version of the app.
    #[error("the vault format {found} is newer than this app supports ({supported})")]
    UnsupportedVersion {
        /// The schema version of the vault's file.
        found: u32,
        /// The newest schema version this build reads.
        supported: u32,
    },
    /// A rule refused the operation; `reason` says which.
    #[error("not allowed: {reason:?}")]
    NotAllowed {
        /// Which rule refused, with what the UI needs to act on it.
        reason: NotAllowedReason,
    },
    /// A content pack (e.g. the emergency directory) was refused. The pack in use stays.
    #[error("content pack refused: {reason:?}")]
    PackRejected {
        /// Why the pack was refused.
        reason: PackRejectReason,
    },
    /// A team sync bundle or enrolment text was refused; nothing was changed.
    #[error("sync refused: {reason:?}")]
    SyncRefused {
        /// Why it was refused.
        reason: SyncRefusal,
    },
    /// A backup was refused; nothing was made or changed. Not a PIN failure.
    #[error("backup refused: {reason:?}")]
    BackupRefused {
        /// Why it was refused.
        reason: BackupRefusal,
    },
    /// A sync with a relay stopped; `problem` says why. What was pulled is kept.
    #[error("relay sync failed: {problem:?}")]
    RelayFailed {
        /// Why the sync stopped.
        problem: RelayProblem,
    },
    /// A bug: something that should not happen. Reported, never panicked.
    #[error("internal error: {detail}")]
    Internal {
        /// What went wrong, in English, for a bug report; never a personal value.
        detail: String,
    },
}

/// A callback into the app (a listener) threw something other than a `MigranError`.
/// What it threw is not kept: its text may hold anything.
impl From<uniffi::UnexpectedUniFFICallbackError> for MigranError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        MigranError::internal("a callback in the app failed")
    }
}

/// The core's result: [`MigranError`] unless said otherwise.
pub type Result<T, E = MigranError> = std::result::Result<T, E>;

impl MigranError {
    pub(crate) fn invalid(field: &str, reason: InvalidReason) -> Self {
        MigranError::Invalid {
            field: field.to_string(),
            reason,
        }
    }

    /// `NotFound` for a kind named by its code (capabilities still on sealed rows).
    pub(crate) fn not_found(kind: &str) -> Self {
        MigranError::NotFound {
            kind: RecordKind::from_legacy_name(kind),
        }
    }

    /// `Tampered` for a kind named by its code (capabilities still on sealed rows).
    pub(crate) fn tampered(kind: &str) -> Self {
        MigranError::Tampered {
            kind: RecordKind::from_legacy_name(kind),
        }
    }

    pub(crate) fn not_allowed(reason: NotAllowedReason) -> Self {
        MigranError::NotAllowed { reason }
    }

    pub(crate) fn storage(problem: StorageProblem) -> Self {
        MigranError::Storage { problem }
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
                "Kunci perangkat tidak ada atau bukan milik brankas ini, atau berkas brankas rusak.",
                "The device key is missing or does not belong to this vault, or the vault file is damaged.",
            ),
            MigranError::KeyFactor { problem } => {
                let (id_text, en_text) = match problem {
                    KeyFactorProblem::KeyMissing => (
                        "Kunci perangkat keras brankas ini tidak ada di ponsel ini (sudah dihapus atau ponsel lain). Brankas tidak dapat dibuka.",
                        "This vault's hardware key is not on this phone (deleted, or another phone). The vault cannot be opened.",
                    ),
                    KeyFactorProblem::Unavailable => (
                        "Kunci perangkat keras belum dapat dipakai. Buka kunci layar ponsel, lalu coba lagi.",
                        "The hardware key cannot be used yet. Unlock the phone's screen, then try again.",
                    ),
                    KeyFactorProblem::Invalidated => (
                        "Kunci perangkat keras dibatalkan oleh sistem (kunci layar ponsel diubah atau dihapus). Pulihkan dari cadangan.",
                        "The system invalidated the hardware key (the phone's screen lock was changed or removed). Restore from a backup.",
                    ),
                    KeyFactorProblem::Platform => (
                        "Penyimpanan kunci ponsel gagal. Data tidak berubah; coba lagi.",
                        "The phone's key store failed. Nothing was changed; try again.",
                    ),
                };
                pick(id, id_text, en_text)
            }
            MigranError::NoVault => pick(
                id,
                "Belum ada brankas di sini. Buat dulu dengan 'init'.",
                "There is no vault here yet. Create one with 'init'.",
            ),
            MigranError::VaultExists => {
                pick(id, "Sudah ada brankas di sini.", "A vault already exists here.")
            }
            MigranError::NotFound { kind } => {
                let what = crate::i18n::record_kind(*kind, locale);
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
                let what = crate::i18n::record_kind(*kind, locale);
                if id {
                    format!("Data {what} yang tersimpan telah diubah atau rusak dan tidak dapat dibuka.")
                } else {
                    format!("Stored {what} data was altered or damaged and cannot be opened.")
                }
            }
            MigranError::Storage { problem } => crate::i18n::storage_problem(*problem, locale),
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
            MigranError::PackRejected { reason } => {
                let why = crate::i18n::pack_reject_reason(*reason, locale);
                if id {
                    format!("Paket data ditolak: {why}. Data yang lama tetap dipakai.")
                } else {
                    format!("Content pack refused: {why}. The previous one stays in use.")
                }
            }
            MigranError::SyncRefused { reason } if reason.is_about_a_follow_link() => {
                let why = crate::i18n::sync_refusal(*reason, locale);
                if id {
                    format!("Ditolak: {why}. Tidak ada data yang berubah.")
                } else {
                    format!("Refused: {why}. Nothing was changed.")
                }
            }
            MigranError::SyncRefused { reason } => {
                let why = crate::i18n::sync_refusal(*reason, locale);
                if id {
                    format!("Berkas sinkronisasi ditolak: {why}. Tidak ada data yang berubah.")
                } else {
                    format!("Sync file refused: {why}. Nothing was changed.")
                }
            }
            MigranError::BackupRefused { reason } => {
                let why = crate::i18n::backup_refusal(*reason, locale);
                if id {
                    format!("Cadangan ditolak: {why}.")
                } else {
                    format!("Backup refused: {why}.")
                }
            }
            MigranError::RelayFailed { problem } => {
                let (why_id, why_en) = relay_problem(*problem);
                if id {
                    format!("Sinkronisasi dengan relay berhenti: {why_id} Data yang sudah diterima tetap tersimpan.")
                } else {
                    format!("Sync with the relay stopped: {why_en} What was received is kept.")
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

/// (Bahasa Indonesia, English)
fn relay_problem(problem: RelayProblem) -> (&'static str, &'static str) {
    match problem {
        RelayProblem::BadAddress => (
            "alamat relay tidak sah (harus https://, atau http:// hanya untuk perangkat ini sendiri, tanpa path).",
            "the relay address is not valid (it must be https://, or http:// only for this device itself, without a path).",
        ),
        RelayProblem::Unreachable => (
            "relay tidak dapat dihubungi atau koneksi terus terputus. Periksa internet, lalu coba lagi.",
            "the relay cannot be reached or the connection keeps breaking. Check the internet, then try again.",
        ),
        RelayProblem::Unavailable => (
            "relay sedang sibuk atau tidak tersedia. Coba lagi nanti.",
            "the relay is busy or unavailable. Try again later.",
        ),
        RelayProblem::ClockWrong => (
            "relay menolak waktu perangkat ini. Periksa tanggal dan jam perangkat.",
            "the relay refused this device's time. Check the device's date and clock.",
        ),
        RelayProblem::TeamNotRegistered => (
            "tim belum terdaftar di relay ini. Perangkat pertama tim harus sinkron dengan relay lebih dulu.",
            "the team is not on this relay yet. The team's first device must sync with the relay first.",
        ),
        RelayProblem::NotEnrolled => (
            "perangkat ini belum terdaftar di relay. Anggota tim yang menerima perangkat ini harus sinkron dengan relay lebih dulu.",
            "this device is not enrolled on the relay yet. The member that admitted it must sync with the relay first.",
        ),
        RelayProblem::TeamTaken => (
            "nomor tim ini sudah didaftarkan di relay oleh perangkat lain. Hubungi pengelola relay.",
            "this team's id was registered on the relay by another device. Contact the relay's operator.",
        ),
        RelayProblem::RemovedDevice => (
            "perangkat ini sudah dikeluarkan dari tim.",
            "this device was removed from the team.",
        ),
        RelayProblem::TooLarge => (
            "berkas sinkronisasi lebih besar dari batas relay.",
            "the sync bundle is larger than the relay accepts.",
        ),
        RelayProblem::StorageFull => (
            "ruang tim di relay sudah penuh. Hubungi pengelola relay.",
            "the team's space on the relay is full. Contact the relay's operator.",
        ),
        RelayProblem::Refused => (
            "relay menolak permintaan (tanda tangan atau format). Perbarui aplikasi atau periksa alamat relay.",
            "the relay refused the request (signature or form). Update the app or check the relay's address.",
        ),
        RelayProblem::VillageTaken => (
            "tim lain sudah melaporkan desa ini ke kabupaten. Periksa kode desa, atau hubungi pengelola relay.",
            "another team already reports this village to the district. Check the village code, or contact the relay's operator.",
        ),
        RelayProblem::WrongVillage => (
            "tim ini sudah melaporkan desa atau kabupaten lain. Periksa kode desa dan kabupaten.",
            "this team already reports another village or district. Check the village and district codes.",
        ),
        RelayProblem::OlderReport => (
            "relay sudah menyimpan laporan desa ini yang lebih baru untuk periode ini; tidak ada yang diubah.",
            "the relay already keeps a newer report of this village for this period; nothing was changed.",
        ),
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
        // Only the error's category leaves this function: SQLite messages may quote SQL.
        use rusqlite::ffi::ErrorCode;
        let problem = match &err {
            rusqlite::Error::SqliteFailure(code, _) => match code.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StorageProblem::Busy,
                ErrorCode::ReadOnly | ErrorCode::PermissionDenied => StorageProblem::ReadOnly,
                ErrorCode::DiskFull => StorageProblem::DiskFull,
                ErrorCode::CannotOpen => StorageProblem::CannotOpen,
                ErrorCode::NotADatabase => StorageProblem::NotADatabase,
                ErrorCode::DatabaseCorrupt => StorageProblem::Corrupt,
                ErrorCode::SystemIoFailure => StorageProblem::Io,
                _ => {
                    remember_unlisted(format!("SQLite extended code {}", code.extended_code));
                    StorageProblem::Other
                }
            },
            rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..) => {
                StorageProblem::MalformedValue
            }
            other => {
                // The variant's name only: its fields may quote SQL or values.
                let debug = format!("{other:?}");
                let variant = debug.split(['(', ' ', '{']).next().unwrap_or_default();
                remember_unlisted(format!("rusqlite {variant}"));
                StorageProblem::Other
            }
        };
        MigranError::Storage { problem }
    }
}

// What the last storage failure that became `StorageProblem::Other` on this thread was: a
// code or a variant name, never a message. Kept for tests, which print it when a failure
// the mapping does not list shows up (one has, rarely, at vault creation under load).
thread_local! {
    static LAST_UNLISTED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn remember_unlisted(what: String) {
    LAST_UNLISTED.with(|last| *last.borrow_mut() = Some(what));
}

pub(crate) fn last_unlisted_storage_failure() -> Option<String> {
    LAST_UNLISTED.with(|last| last.borrow().clone())
}

impl From<std::io::Error> for MigranError {
    fn from(err: std::io::Error) -> Self {
        use std::io::ErrorKind;
        let problem = match err.kind() {
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => StorageProblem::ReadOnly,
            ErrorKind::StorageFull => StorageProblem::DiskFull,
            ErrorKind::NotFound => StorageProblem::CannotOpen,
            _ => StorageProblem::Io,
        };
        MigranError::Storage { problem }
    }
}

impl RecordKind {
    /// The kind a capability still on sealed rows names by its old string.
    pub(crate) fn from_legacy_name(name: &str) -> RecordKind {
        use crate::store::codes::StorageCode;
        match name {
            "follow_up" => RecordKind::ScreeningFollowUp,
            "service" => RecordKind::ReintegrationService,
            "emergency" => RecordKind::EmergencyAlert,
            other => RecordKind::from_code(other).unwrap_or(RecordKind::Vault),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unlisted_sqlite_failure_keeps_its_code_but_not_its_message() {
        let failure = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_PROTOCOL),
            Some("near \"3201000000000001\": secret".into()),
        );
        assert_eq!(
            MigranError::from(failure),
            MigranError::Storage {
                problem: StorageProblem::Other
            }
        );
        let remembered = last_unlisted_storage_failure().expect("remembered");
        assert!(remembered.contains("code 15"), "{remembered}");
        assert!(!remembered.contains("3201000000000001"), "{remembered}");

        let _ = MigranError::from(rusqlite::Error::InvalidParameterName("3201000000000001".into()));
        let remembered = last_unlisted_storage_failure().expect("remembered");
        assert_eq!(remembered, "rusqlite InvalidParameterName");
    }
}
