//! Cases (pengaduan: complaints): a problem reported by a migrant or their family, its
//! status workflow with a timeline of every change, and referrals to agencies.
//!
//! The workflow (docs/cadre-work.md):
//! ```text
//!   Open ──> Referred <──> InProgress ──> Resolved ──> Closed
//!     │          └───────────────────────────^  ^          │
//!     ├──> InProgress                           └─(reopen)─┤
//!     └──> Closed (with a note: why nothing was done)      └──> InProgress (reopen)
//! ```
//! Anything else is refused with `NotAllowed { reason: CaseTransition { from, to } }`.
//! The type, the status and the description live in the page-encrypted `vault.db`
//! like everything else: "person X has a trafficking case" is itself the most sensitive
//! fact the vault holds.
//!
//! Layers: this file holds the types, the workflow and the exported API; `store` keeps
//! cases and their events in `vault.db` and answers the report.

pub(crate) mod store;

use serde::Serialize;

use crate::audit::{Actor, AuditAction};
use crate::consent::{self, ConsentPurpose};
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::ensure_person;
use crate::time::{date_text, instant_text};
use crate::validate;
use crate::vault::{Session, Vault};
use crate::visits::optional_past_date;

pub(crate) use store::{details_of, load_cases, SCHEMA};

/// What kind of problem a case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum CaseType {
    /// Wages not paid (gaji tidak dibayar).
    UnpaidWages,
    /// Violence or abuse (kekerasan).
    Abuse,
    /// Passport or other documents held by the employer or agent.
    DocumentSeized,
    /// The family has lost contact with the migrant (hilang kontak).
    MissingContact,
    /// Detained abroad (ditahan).
    Detention,
    /// Suspected trafficking (dugaan TPPO).
    TraffickingSuspicion,
    /// The migrant died or fell ill.
    DeathOrIllness,
    /// Deported (deportasi).
    Deportation,
    /// Any other problem.
    Other,
}

/// Every case type, in the order the village report lists them.
pub const ALL_CASE_TYPES: [CaseType; 9] = [
    CaseType::UnpaidWages,
    CaseType::Abuse,
    CaseType::DocumentSeized,
    CaseType::MissingContact,
    CaseType::Detention,
    CaseType::TraffickingSuspicion,
    CaseType::DeathOrIllness,
    CaseType::Deportation,
    CaseType::Other,
];

/// Where a case is in its workflow; [`case_next_statuses`] gives the allowed moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum CaseStatus {
    /// Reported; nobody has acted on it yet.
    Open,
    /// Referred to an agency.
    Referred,
    /// Being handled (ditangani).
    InProgress,
    /// Solved; next closed, or reopened if needed.
    Resolved,
    /// Closed; it can still be reopened.
    Closed,
}

/// Every case status, in workflow order (also the village report's order).
pub const ALL_CASE_STATUSES: [CaseStatus; 5] = [
    CaseStatus::Open,
    CaseStatus::Referred,
    CaseStatus::InProgress,
    CaseStatus::Resolved,
    CaseStatus::Closed,
];

/// Whether the workflow lets a case go from `from` to `to`.
pub fn case_transition_allowed(from: CaseStatus, to: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(
        (from, to),
        (Open, Referred | InProgress | Closed)
            | (Referred, InProgress | Resolved)
            | (InProgress, Referred | Resolved)
            | (Resolved, Closed | InProgress)
            | (Closed, InProgress)
    )
}

/// The statuses a case in `from` may move to, for the buttons a UI shows.
#[uniffi::export]
pub fn case_next_statuses(from: CaseStatus) -> Vec<CaseStatus> {
    ALL_CASE_STATUSES
        .into_iter()
        .filter(|&to| case_transition_allowed(from, to))
        .collect()
}

/// Who reported a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Reporter {
    /// The migrant themselves.
    Migrant,
    /// Their family.
    Family,
    /// A cadre (kader).
    Cadre,
    /// Someone else.
    Other,
}

/// An agency a case is referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Agency {
    /// Dinas Tenaga Kerja: the district manpower office.
    Disnaker,
    /// KP2MI (formerly BP2MI) or its provincial office (BP3MI).
    Kp2mi,
    /// The embassy (KBRI) or consulate (KJRI) in the destination country.
    Kbri,
    /// The police.
    Police,
    /// A non-governmental organisation or companion service (LSM/pendamping).
    Ngo,
    /// Any other agency.
    Other,
}

crate::storage_codes!(CaseType {
    UnpaidWages => "unpaid_wages",
    Abuse => "abuse",
    DocumentSeized => "document_seized",
    MissingContact => "missing_contact",
    Detention => "detention",
    TraffickingSuspicion => "trafficking_suspicion",
    DeathOrIllness => "death_or_illness",
    Deportation => "deportation",
    Other => "other",
});

crate::storage_codes!(CaseStatus {
    Open => "open",
    Referred => "referred",
    InProgress => "in_progress",
    Resolved => "resolved",
    Closed => "closed",
});

crate::storage_codes!(Reporter {
    Migrant => "migrant",
    Family => "family",
    Cadre => "cadre",
    Other => "other",
});

crate::storage_codes!(Agency {
    Disnaker => "disnaker",
    Kp2mi => "kp2mi",
    Kbri => "kbri",
    Police => "police",
    Ngo => "ngo",
    Other => "other",
});

/// A case as reported.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseInput {
    /// What kind of problem it is.
    pub case_type: CaseType,
    /// What happened; may span lines, at most 2,000 characters, not blank.
    pub description: String,
    /// Who reported it.
    pub reported_by: Reporter,
    /// `YYYY-MM-DD`; today when `None`.
    pub reported_on: Option<String>,
}

/// A case: a problem reported about a person, with its place in the workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Case {
    /// The case's id, made by the core.
    pub id: String,
    /// The person the case is about.
    pub person_id: String,
    /// What kind of problem it is.
    pub case_type: CaseType,
    /// What happened, as reported.
    pub description: String,
    /// Who reported it.
    pub reported_by: Reporter,
    /// The day it was reported, `YYYY-MM-DD`.
    pub reported_on: String,
    /// Where the case is in the workflow.
    pub status: CaseStatus,
    /// When the case was recorded, RFC 3339 UTC.
    pub opened_at: String,
    /// When the case last changed (status, referral or note), RFC 3339 UTC.
    pub updated_at: String,
}

/// A move of a case along the workflow.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusChangeInput {
    /// The status to move to; see [`case_next_statuses`].
    pub to: CaseStatus,
    /// `YYYY-MM-DD`; today when `None`.
    pub date: Option<String>,
    /// Why; required when closing a case that is still `Open`. May span lines.
    pub note: Option<String>,
}

/// A referral of a case to an agency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReferralInput {
    /// The agency referred to.
    pub agency: Agency,
    /// Which office of the agency (e.g. "Disnaker Kabupaten Contoh").
    pub office: Option<String>,
    /// `YYYY-MM-DD`, not in the future nor before the case was reported; today when `None`.
    pub date: Option<String>,
    /// A note; may span lines.
    pub note: Option<String>,
}

/// What a line of the timeline records. In JSON (exports, the CLI) each variant is
/// named by the storage code of its kind (`store::ChangeKind`): `"opened"`, `"note"`,
/// `{"status_changed": {"from": "open", "to": "referred"}}`,
/// `{"referred": {"agency": "kbri", "office": null}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Enum)]
pub enum CaseChange {
    /// The case was opened.
    #[serde(rename = "opened")]
    Opened,
    /// The status changed.
    #[serde(rename = "status_changed")]
    StatusChanged {
        /// The status before.
        from: CaseStatus,
        /// The status after.
        to: CaseStatus,
    },
    /// The case was referred to an agency.
    #[serde(rename = "referred")]
    Referred {
        /// The agency referred to.
        agency: Agency,
        /// Which office of the agency; `None` when not given.
        office: Option<String>,
    },
    /// A note was added (its text is the event's `note`).
    #[serde(rename = "note")]
    Note,
}

/// One line of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct CaseEvent {
    /// The event's id, made by the core.
    pub id: String,
    /// The case it belongs to.
    pub case_id: String,
    /// The day it happened, `YYYY-MM-DD`.
    pub date: String,
    /// What changed.
    pub change: CaseChange,
    /// The note written with it; `None` when none.
    pub note: Option<String>,
    /// Who recorded it (see `Vault::set_actor`); `None` when no actor was set.
    pub actor: Option<Actor>,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
}

/// A referral of a case to an agency, as the timeline records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Referral {
    /// The timeline event that records it.
    pub event_id: String,
    /// The agency referred to.
    pub agency: Agency,
    /// Which office of the agency; `None` when not given.
    pub office: Option<String>,
    /// The day of the referral, `YYYY-MM-DD`.
    pub date: String,
    /// The note written with it; `None` when none.
    pub note: Option<String>,
}

/// A case with its timeline and its referrals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct CaseDetail {
    /// The case.
    pub case: Case,
    /// Every change, oldest first.
    pub timeline: Vec<CaseEvent>,
    /// Every referral, oldest first.
    pub referrals: Vec<Referral>,
}

#[uniffi::export]
impl Vault {
    /// Opens a case for a person. Needs the registration consent.
    pub fn open_case(&self, person_id: String, input: CaseInput) -> Result<Case> {
        let description =
            validate::optional_multiline("description", Some(&input.description), validate::LONG_TEXT_MAX)?
                .ok_or_else(|| MigranError::invalid("description", InvalidReason::Empty))?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let reported_on =
                optional_past_date(s, "reported_on", input.reported_on.as_deref())?.unwrap_or(s.today);
            let now = instant_text(s.now);
            let case = Case {
                id: new_row_id()?,
                person_id: person_id.clone(),
                case_type: input.case_type,
                description: description.clone(),
                reported_by: input.reported_by,
                reported_on: date_text(reported_on),
                status: CaseStatus::Open,
                opened_at: now.clone(),
                updated_at: now,
            };
            s.insert(&case)?;
            s.audit(AuditAction::Create, RecordKind::Case, &case.id, &person_id);
            store::add_event(s, &case, case.reported_on.clone(), CaseChange::Opened, None)?;
            Ok(case)
        })
    }

    /// A case with its timeline and referrals.
    pub fn get_case(&self, case_id: String) -> Result<CaseDetail> {
        self.read(|s| {
            let detail = store::load_detail(s, s.get(&case_id)?)?;
            s.audit(
                AuditAction::Read,
                RecordKind::Case,
                &case_id,
                &detail.case.person_id,
            );
            Ok(detail)
        })
    }

    /// A person's cases, oldest first; all cases of the village when `person_id` is `None`.
    pub fn list_cases(&self, person_id: Option<String>) -> Result<Vec<Case>> {
        self.read(|s| {
            if let Some(person) = &person_id {
                ensure_person(s, person)?;
            }
            let cases = load_cases(s, person_id.as_deref())?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Case,
                person_id.as_deref(),
                cases.len(),
            );
            Ok(cases)
        })
    }

    /// Moves a case along the workflow; an illegal move is refused.
    pub fn change_case_status(&self, case_id: String, change: StatusChangeInput) -> Result<Case> {
        let note = validate::optional_multiline("note", change.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let mut case: Case = s.get(&case_id)?;
            consent::require(s, &case.person_id, ConsentPurpose::Registration)?;
            let from = case.status;
            if !case_transition_allowed(from, change.to) {
                return Err(transition_refused(from, change.to));
            }
            // Closing a case nobody acted on needs the reason written down.
            if from == CaseStatus::Open && change.to == CaseStatus::Closed && note.is_none() {
                return Err(MigranError::invalid("note", InvalidReason::Empty));
            }
            let date = event_date(s, change.date.as_deref(), &case)?;
            case.status = change.to;
            store_case(s, &mut case)?;
            store::add_event(
                s,
                &case,
                date,
                CaseChange::StatusChanged { from, to: change.to },
                note.clone(),
            )?;
            Ok(case)
        })
    }

    /// Refers a case to an agency: needs the person's consent to share with agencies.
    /// An open or in-progress case becomes `Referred`; a referred one stays so (a second
    /// agency); a resolved or closed case must be reopened first.
    pub fn refer_case(&self, case_id: String, referral: ReferralInput) -> Result<Case> {
        self.refer(case_id, referral, None)
    }

    /// Refers a case in an emergency (life or safety at risk). With the person's consent
    /// to share with agencies it is an ordinary referral; without it the referral rests on
    /// the person's vital interests (UU PDP Pasal 20 ayat (2) huruf d): `reason` is
    /// required and recorded (`processing_records`), and the person is to be told
    /// afterwards (`record_person_told`). An empty reason without consent gets the
    /// consent refusal.
    pub fn refer_case_in_emergency(
        &self,
        case_id: String,
        referral: ReferralInput,
        reason: String,
    ) -> Result<Case> {
        self.refer(case_id, referral, Some(reason))
    }
}

impl Vault {
    fn refer(
        &self,
        case_id: String,
        referral: ReferralInput,
        vital_interest_reason: Option<String>,
    ) -> Result<Case> {
        let note = validate::optional_multiline("note", referral.note.as_deref(), validate::LONG_TEXT_MAX)?;
        let office = validate::optional_text("office", referral.office.as_deref(), validate::SHORT_TEXT_MAX)?;
        self.write(|s| {
            let mut case: Case = s.get(&case_id)?;
            consent::require(s, &case.person_id, ConsentPurpose::Registration)?;
            match &vital_interest_reason {
                None => consent::require(s, &case.person_id, ConsentPurpose::ShareWithAgencies)?,
                Some(reason) => {
                    consent::require_or_vital_interest(
                        s,
                        &case.person_id,
                        ConsentPurpose::ShareWithAgencies,
                        reason,
                    )?;
                }
            }
            let from = case.status;
            if from != CaseStatus::Referred && !case_transition_allowed(from, CaseStatus::Referred) {
                return Err(transition_refused(from, CaseStatus::Referred));
            }
            let date = event_date(s, referral.date.as_deref(), &case)?;
            if from != CaseStatus::Referred {
                case.status = CaseStatus::Referred;
                store::add_event(
                    s,
                    &case,
                    date.clone(),
                    CaseChange::StatusChanged {
                        from,
                        to: CaseStatus::Referred,
                    },
                    None,
                )?;
            }
            store_case(s, &mut case)?;
            store::add_event(
                s,
                &case,
                date,
                CaseChange::Referred {
                    agency: referral.agency,
                    office: office.clone(),
                },
                note.clone(),
            )?;
            Ok(case)
        })
    }
}

#[uniffi::export]
impl Vault {
    /// Adds a note to a case's timeline (a call made, news from the agency).
    pub fn add_case_note(&self, case_id: String, note: String, date: Option<String>) -> Result<CaseEvent> {
        let note = validate::optional_multiline("note", Some(&note), validate::LONG_TEXT_MAX)?
            .ok_or_else(|| MigranError::invalid("note", InvalidReason::Empty))?;
        self.write(|s| {
            let mut case: Case = s.get(&case_id)?;
            consent::require(s, &case.person_id, ConsentPurpose::Registration)?;
            let date = event_date(s, date.as_deref(), &case)?;
            store_case(s, &mut case)?;
            store::add_event(s, &case, date, CaseChange::Note, Some(note.clone()))
        })
    }
}

fn transition_refused(from: CaseStatus, to: CaseStatus) -> MigranError {
    MigranError::not_allowed(crate::error::NotAllowedReason::CaseTransition { from, to })
}

/// The day of a change: given (not in the future, not before the report) or today.
fn event_date(s: &Session<'_>, given: Option<&str>, case: &Case) -> Result<String> {
    let date = optional_past_date(s, "date", given)?.unwrap_or(s.today);
    let date = date_text(date);
    if date < case.reported_on {
        return Err(MigranError::invalid("date", InvalidReason::Inconsistent));
    }
    Ok(date)
}

/// Stores the case as changed now.
fn store_case(s: &Session<'_>, case: &mut Case) -> Result<()> {
    case.updated_at = instant_text(s.now);
    s.upsert(&*case)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    #[test]
    fn the_workflow_allows_exactly_its_arrows() {
        use CaseStatus::*;
        let allowed = [
            (Open, Referred),
            (Open, InProgress),
            (Open, Closed),
            (Referred, InProgress),
            (Referred, Resolved),
            (InProgress, Referred),
            (InProgress, Resolved),
            (Resolved, Closed),
            (Resolved, InProgress),
            (Closed, InProgress),
        ];
        for from in ALL_CASE_STATUSES {
            for to in ALL_CASE_STATUSES {
                assert_eq!(
                    case_transition_allowed(from, to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    fn codes<T: StorageCode>() -> String {
        T::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn every_stored_code_of_the_case_enums_is_pinned() {
        assert_eq!(
            codes::<CaseType>(),
            "unpaid_wages,abuse,document_seized,missing_contact,detention,trafficking_suspicion,\
             death_or_illness,deportation,other"
        );
        assert_eq!(codes::<CaseStatus>(), "open,referred,in_progress,resolved,closed");
        assert_eq!(codes::<Reporter>(), "migrant,family,cadre,other");
        assert_eq!(codes::<Agency>(), "disnaker,kp2mi,kbri,police,ngo,other");
        assert_eq!(
            codes::<store::ChangeKind>(),
            "opened,status_changed,referred,note"
        );
        // The lists the report counts by hold every variant, in declaration order.
        assert_eq!(ALL_CASE_TYPES.as_slice(), CaseType::ALL);
        assert_eq!(ALL_CASE_STATUSES.as_slice(), CaseStatus::ALL);
    }

    #[test]
    fn a_change_is_named_in_json_by_the_code_of_its_kind() {
        let json = |change: CaseChange| serde_json::to_value(change).unwrap();
        assert_eq!(json(CaseChange::Opened), "opened");
        assert_eq!(json(CaseChange::Note), "note");
        assert_eq!(
            json(CaseChange::StatusChanged {
                from: CaseStatus::Open,
                to: CaseStatus::InProgress
            }),
            serde_json::json!({"status_changed": {"from": "open", "to": "in_progress"}})
        );
        assert_eq!(
            json(CaseChange::Referred {
                agency: Agency::Kp2mi,
                office: None
            }),
            serde_json::json!({"referred": {"agency": "kp2mi", "office": null}})
        );
    }
}
