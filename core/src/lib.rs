//! Migran Emas core: the encrypted vault, the records of migrant workers and their
//! families, and every rule of the app. The Android and iOS apps and the `migran`
//! command are thin front ends over this crate (through uniffi for the apps).
//!
//! Capabilities, one module each: [`vault`] (PIN, keys, lockout, wipe), [`people`]
//! (persons, family contacts, journeys, identity documents), [`emergency`] (the button:
//! signed directory, card, plan, outbox), [`screening`] (TPPO red flags, follow-ups),
//! [`checklist`] (pre-departure checklist from a content pack), [`consent`], [`audit`],
//! [`visits`], [`cases`], [`reintegration`], [`agenda`], [`reports`] and [`sync`] (team sync by bundles); `access`
//! exports everything about one person. Beneath them: `crypto` (ring), `store` (SQLite),
//! `validate`, `time`, [`i18n`] and [`error`].
#![warn(missing_docs)]

mod access;
pub mod agencies;
pub mod agenda;
pub mod audit;
mod backup;
pub mod cases;
pub mod checklist;
pub mod consent;
mod crypto;
pub mod emergency;
pub mod error;
pub mod follow;
pub mod i18n;
pub mod key_factor;
pub mod labels;
pub mod lessons;
pub mod owner_only;
pub mod people;
mod pin;
pub mod reintegration;
mod report_format;
pub mod reports;
pub mod screening;
pub mod sessions;
mod signed_pack;
pub mod speech;
mod store;
pub mod sync;
#[doc(hidden)]
pub mod testing;
pub mod time;
mod validate;
pub mod vault;
pub mod visits;

#[doc(hidden)]
pub use agencies::check_unsigned_agency_pack;
pub use agencies::{
    agency_pack_from_csv, AgencyCheck, AgencyRegistryInfo, AgencyStanding, AgencyStatus, RegisteredAgency,
};
pub use agenda::{Agenda, AgendaItem, AgendaKind, AgendaRequest};
pub use audit::{Actor, ActorInput, ActorRole, AuditAction, AuditEntry, AuditPage, AuditQuery};
pub use cases::{
    case_next_statuses, case_transition_allowed, Agency, Case, CaseChange, CaseDetail, CaseEvent, CaseInput,
    CaseStatus, CaseType, Referral, ReferralInput, Reporter, StatusChangeInput,
};
pub use checklist::{
    ChecklistItem, ChecklistItemUpdate, ChecklistSummary, ChecklistView, ChecklistWarning,
    FamilyChecklistView, FamilyItem, ItemKind, ItemState, LegalBlock, MaritalStatus, PlacementFacts,
    RetiredItem, WarningKind, ORIENTATION_ITEM,
};
pub use consent::{
    consent_text, lawful_basis, ConsentGiver, ConsentInput, ConsentPurpose, ConsentRecord, ConsentState,
    ConsentStatus, GuardianRelationship, LawfulBasis, LawfulBasisInfo, ProcessingRecord,
};
pub use crypto::{
    calibrate_argon2, stretch_pin_once, Argon2Settings, ARGON2_CALIBRATION_FLOOR,
    ARGON2_CALIBRATION_MAX_MEMORY_KIB, ARGON2_RECOMMENDED, MIN_ARGON2_MEMORY_KIB,
};
pub use crypto::{MAX_KDF_ITERATIONS, MIN_KDF_ITERATIONS, RECOMMENDED_KDF_ITERATIONS};
#[doc(hidden)]
pub use emergency::check_unsigned_directory_pack;
pub use emergency::{
    emergency_plan_without_vault, sms_size, ActionChannel, ActionState, ActionStatus, CardContact,
    CardContactRole, CheckInPoll, CheckInRequest, CheckInSchedule, CheckInState, CheckInStatus,
    DirectoryEntry, DirectoryInfo, DirectoryRole, EmergencyAction, EmergencyAlert, EmergencyCard,
    EmergencyKind, EmergencyOutboxSummary, EmergencyPlan, EmergencySettings, GeoLocation, LocationUpdate,
    LocationUpdateOffer, LocationUpdateStatus, PendingAction, Recipient, SmsEncoding, SmsSize,
    DEFAULT_LOCATION_UPDATE_MINUTES, FIX_CLOCK_TOLERANCE_SECONDS, MAX_CHECK_IN_AHEAD_DAYS,
    MAX_CHECK_IN_GRACE_MINUTES, MAX_CHECK_IN_MINUTES, MAX_DIRECTORY_PACK_BYTES, MAX_FIX_AGE_DAYS,
    MAX_LOCATION_UPDATE_MINUTES, MIN_CHECK_IN_MINUTES,
};
pub use error::{
    error_message, BackupRefusal, InvalidReason, KeyFactorProblem, MigranError, NotAllowedReason,
    PackRejectReason, RecordKind, RelayProblem, Result, StorageProblem, SyncRefusal,
};
pub use follow::{
    follow_request_fingerprint, AlertAcknowledgement, DeviceRole, FamilyAlertNotice, FamilyFollowView,
    FollowAlert, FollowEventsReport, FollowKind, FollowLink, FollowPackage, FollowRequest, FollowedLink,
    LinkEndReason, MigrantFollowView,
};
pub use i18n::{Locale, LocalizedText};
pub use key_factor::{FileKeyFactor, KeyFactor, KeyPurpose, LOCKED_KEY_ID};
pub use labels::{
    agency_label, case_status_label, case_type_label, consent_purpose_label, consent_state_label,
    document_kind_label, phase_label, record_kind_label, reintegration_need_label, relation_label,
    return_reason_label, sector_label, service_kind_label, visit_topic_label,
};
#[doc(hidden)]
pub use lessons::check_unsigned_lesson_pack;
pub use lessons::{CheckQuestion, Lesson, LessonContact, LessonPackInfo, LessonStatement, LessonSummary};
pub use people::{
    import_issue_message, CsvExportOptions, CsvSeparator, ImportIssue, ImportListener, ImportOptions,
    ImportProblem, ImportReport, ImportStage, ProgressFn, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
pub use people::{
    Contact, ContactInput, DocumentInput, DocumentKind, IdentityDocument, Journey, JourneyInput, Lookup,
    PageRequest, Person, PersonInput, PersonPage, Phase, Relation, Sector, Sex, MAX_PAGE,
};
pub use reintegration::{
    ReintegrationNeed, ReintegrationService, ReturnInput, ReturnPlanInput, ReturnReason, ReturnRecord,
    ServiceInput, ServiceKind,
};
pub use report_format::ExportFormat;
pub use reports::{
    district_submission_json, village_report_csv, village_report_json, village_report_text, ReportCount,
    ReportRequest, VillageReport,
};
pub use screening::{
    screening_questions, Answer, FiredFlag, FollowUp, RiskLevel, ScreeningAnswer, ScreeningChange,
    ScreeningInput, ScreeningQuestion, ScreeningRecord, ScreeningResult,
};
pub use sessions::{
    AgeGroup, AttendedSession, Facilitator, FacilitatorOrganisation, GuestCount, InfoSession,
    InfoSessionInput, PersonEducation,
};
pub use signed_pack::content_pack_key_id;
pub use signed_pack::MAX_CONTENT_PACK_BYTES;
pub use speech::{speakable_text, ABBREVIATIONS};
pub use store::configure as configure_connection;
pub use sync::{
    join_request_fingerprint, ConflictField, ConflictReason, DistrictSubmission, JoinRequest,
    RelaySyncListener, RelaySyncStage, RelaySyncSummary, SyncConflict, SyncReport, SyncStatus, TeamDevice,
    TeamInfo, TeamRole, MAX_BUNDLE_BYTES,
};
pub use time::{Clock, SystemClock};
pub use validate::{is_country_code, is_direction_override};
pub use vault::{
    calibrate_kdf_iterations, default_vault_settings, new_device_secret, MonotonicTime, Vault, VaultSettings,
    VaultStatus,
};
pub use visits::{Visit, VisitFollowUp, VisitFollowUpInput, VisitInput, VisitTopic};

uniffi::setup_scaffolding!();

/// The core's version, for "about" screens and bug reports; also the cheapest call
/// across the FFI, used to measure its round-trip cost.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
