//! Migran Emas core: the encrypted vault, the records of migrant workers and their
//! families, and every rule of the app. The Android and iOS apps and the `migran`
//! command are thin front ends over this crate (through uniffi for the apps).
//!
//! Capabilities, one module each: [`vault`] (PIN, keys, lockout, wipe), [`people`]
//! (persons, family contacts, journeys, identity documents), [`emergency`] (the button:
//! signed directory, card, plan, outbox), [`screening`] (TPPO red flags, follow-ups), [`checklist`] (pre-departure
//! checklist from a content pack). Beneath them: `crypto`
//! (ring), `store` (SQLite), `validate`, `time`, [`i18n`] and [`error`].

pub mod checklist;
mod crypto;
pub mod emergency;
pub mod error;
pub mod i18n;
pub mod labels;
pub mod people;
pub mod screening;
mod store;
pub mod time;
mod validate;
pub mod vault;

pub use checklist::{
    ChecklistItem, ChecklistItemUpdate, ChecklistSummary, ChecklistView, ChecklistWarning,
    FamilyChecklistView, FamilyItem, ItemKind, ItemState, MaritalStatus, RetiredItem, WarningKind,
};
pub use crypto::{MAX_KDF_ITERATIONS, MIN_KDF_ITERATIONS, RECOMMENDED_KDF_ITERATIONS};
pub use emergency::{
    sms_size, ActionChannel, ActionState, ActionStatus, CardContact, CardContactRole, DirectoryInfo,
    EmergencyAction, EmergencyAlert, EmergencyCard, EmergencyKind, EmergencyPlan, EmergencySettings,
    GeoLocation, PendingAction, Recipient, SmsEncoding, SmsSize,
};
pub use error::{error_message, InvalidReason, MigranError, Result};
pub use i18n::{Locale, LocalizedText};
pub use labels::{document_kind_label, phase_label, relation_label, sector_label};
pub use people::{
    Contact, ContactInput, DocumentInput, DocumentKind, IdentityDocument, Journey, JourneyInput, Lookup,
    PageRequest, Person, PersonInput, PersonPage, Phase, Relation, Sector, Sex, MAX_PAGE,
};
pub use screening::{
    screening_questions, Answer, FiredFlag, FollowUp, RiskLevel, ScreeningAnswer, ScreeningChange,
    ScreeningInput, ScreeningQuestion, ScreeningRecord, ScreeningResult,
};
pub use store::configure as configure_connection;
pub use time::{Clock, SystemClock};
pub use validate::is_country_code;
pub use vault::{
    calibrate_kdf_iterations, default_vault_settings, new_device_secret, Vault, VaultSettings, VaultStatus,
};

uniffi::setup_scaffolding!();

/// The core's version, for "about" screens and bug reports; also the cheapest call
/// across the FFI, used to measure its round-trip cost.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
