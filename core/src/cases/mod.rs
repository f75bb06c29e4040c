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
//! Anything else is refused with `NotAllowed { reason: "case_transition:<from>-><to>" }`.
//! The type, the status and the description are all sealed: "person X has a trafficking
//! case" is itself the most sensitive fact the vault holds.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::{Actor, AuditAction};
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{new_row_id, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::ensure_person;
use crate::time::{date_text, instant_text};
use crate::validate;
use crate::vault::{Session, Vault};
use crate::visits::optional_past_date;

/// Cases and their events (still sealed rows).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE cases (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX cases_by_person ON cases (person_id, created_at);
    CREATE TABLE case_events (
        id          TEXT PRIMARY KEY,
        case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX case_events_by_case ON case_events (case_id, created_at);
    CREATE INDEX case_events_by_person ON case_events (person_id);
"#;

const CASES: &str = "cases";
const EVENTS: &str = "case_events";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum CaseType {
    UnpaidWages,
    Abuse,
    /// Passport or other documents held by the employer or agent.
    DocumentSeized,
    MissingContact,
    Detention,
    TraffickingSuspicion,
    DeathOrIllness,
    Deportation,
    Other,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum CaseStatus {
    Open,
    Referred,
    InProgress,
    Resolved,
    Closed,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
pub enum Reporter {
    Migrant,
    Family,
    Cadre,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
pub enum Agency {
    /// Dinas Tenaga Kerja: the district manpower office.
    Disnaker,
    /// KP2MI (formerly BP2MI) or its provincial office (BP3MI).
    Kp2mi,
    /// The embassy (KBRI) or consulate (KJRI) in the destination country.
    Kbri,
    Police,
    Ngo,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseInput {
    pub case_type: CaseType,
    pub description: String,
    pub reported_by: Reporter,
    /// `YYYY-MM-DD`; today when `None`.
    pub reported_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Case {
    pub id: String,
    pub person_id: String,
    pub case_type: CaseType,
    pub description: String,
    pub reported_by: Reporter,
    pub reported_on: String,
    pub status: CaseStatus,
    pub opened_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusChangeInput {
    pub to: CaseStatus,
    /// `YYYY-MM-DD`; today when `None`.
    pub date: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReferralInput {
    pub agency: Agency,
    /// Which office of the agency (e.g. "Disnaker Kabupaten Contoh").
    pub office: Option<String>,
    pub date: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
pub enum CaseChange {
    Opened,
    StatusChanged { from: CaseStatus, to: CaseStatus },
    Referred { agency: Agency, office: Option<String> },
    Note,
}

/// One line of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct CaseEvent {
    pub id: String,
    pub case_id: String,
    /// The day it happened, `YYYY-MM-DD`.
    pub date: String,
    pub change: CaseChange,
    pub note: Option<String>,
    pub actor: Option<Actor>,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Referral {
    pub event_id: String,
    pub agency: Agency,
    pub office: Option<String>,
    pub date: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct CaseDetail {
    pub case: Case,
    /// Every change, oldest first.
    pub timeline: Vec<CaseEvent>,
    pub referrals: Vec<Referral>,
}

#[derive(Serialize, Deserialize)]
struct CaseData {
    case_type: CaseType,
    description: String,
    reported_by: Reporter,
    reported_on: String,
    status: CaseStatus,
}

#[derive(Serialize, Deserialize)]
struct EventData {
    date: String,
    change: CaseChange,
    note: Option<String>,
    actor: Option<Actor>,
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
            let reported_on = optional_past_date(s, "reported_on", input.reported_on.as_deref())?
                .unwrap_or_else(|| s.now.date_naive());
            let data = CaseData {
                case_type: input.case_type,
                description: description.clone(),
                reported_by: input.reported_by,
                reported_on: date_text(reported_on),
                status: CaseStatus::Open,
            };
            let id = new_row_id()?;
            let now = instant_text(s.now);
            let sealed = s.keys.seal_json(place(CASES, &id), &data)?;
            s.conn
                .prepare_cached(
                    "INSERT INTO cases (id, person_id, created_at, updated_at, data) VALUES (?1, ?2, ?3, ?3, ?4)",
                )?
                .execute(params![id, person_id, now, sealed])?;
            s.audit(AuditAction::Create, RecordKind::Case, &id, &person_id);
            add_event(s, &id, &person_id, data.reported_on.clone(), CaseChange::Opened, None)?;
            Ok(case_from(id, person_id.clone(), data, now.clone(), now))
        })
    }

    /// A case with its timeline and referrals.
    pub fn get_case(&self, case_id: String) -> Result<CaseDetail> {
        self.read(|s| {
            let detail = load_detail(s, &case_id)?;
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
            let (person_id, mut data, opened_at) = load_case_row(s, &case_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let from = data.status;
            if !case_transition_allowed(from, change.to) {
                return Err(transition_refused(from, change.to));
            }
            // Closing a case nobody acted on needs the reason written down.
            if from == CaseStatus::Open && change.to == CaseStatus::Closed && note.is_none() {
                return Err(MigranError::invalid("note", InvalidReason::Empty));
            }
            let date = event_date(s, change.date.as_deref(), &data)?;
            data.status = change.to;
            let updated = store_case(s, &case_id, &data)?;
            add_event(
                s,
                &case_id,
                &person_id,
                date,
                CaseChange::StatusChanged { from, to: change.to },
                note.clone(),
            )?;
            Ok(case_from(case_id.clone(), person_id, data, opened_at, updated))
        })
    }

    /// Refers a case to an agency: needs the person's consent to share with agencies.
    /// An open or in-progress case becomes `Referred`; a referred one stays so (a second
    /// agency); a resolved or closed case must be reopened first.
    pub fn refer_case(&self, case_id: String, referral: ReferralInput) -> Result<Case> {
        let note = validate::optional_multiline("note", referral.note.as_deref(), validate::LONG_TEXT_MAX)?;
        let office = validate::optional_text("office", referral.office.as_deref(), validate::SHORT_TEXT_MAX)?;
        self.write(|s| {
            let (person_id, mut data, opened_at) = load_case_row(s, &case_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            consent::require(s, &person_id, ConsentPurpose::ShareWithAgencies)?;
            let from = data.status;
            if from != CaseStatus::Referred && !case_transition_allowed(from, CaseStatus::Referred) {
                return Err(transition_refused(from, CaseStatus::Referred));
            }
            let date = event_date(s, referral.date.as_deref(), &data)?;
            if from != CaseStatus::Referred {
                data.status = CaseStatus::Referred;
                add_event(
                    s,
                    &case_id,
                    &person_id,
                    date.clone(),
                    CaseChange::StatusChanged {
                        from,
                        to: CaseStatus::Referred,
                    },
                    None,
                )?;
            }
            let updated = store_case(s, &case_id, &data)?;
            add_event(
                s,
                &case_id,
                &person_id,
                date,
                CaseChange::Referred {
                    agency: referral.agency,
                    office: office.clone(),
                },
                note.clone(),
            )?;
            Ok(case_from(case_id.clone(), person_id, data, opened_at, updated))
        })
    }

    /// Adds a note to a case's timeline (a call made, news from the agency).
    pub fn add_case_note(&self, case_id: String, note: String, date: Option<String>) -> Result<CaseEvent> {
        let note = validate::optional_multiline("note", Some(&note), validate::LONG_TEXT_MAX)?
            .ok_or_else(|| MigranError::invalid("note", InvalidReason::Empty))?;
        self.write(|s| {
            let (person_id, data, _) = load_case_row(s, &case_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let date = event_date(s, date.as_deref(), &data)?;
            s.conn
                .prepare_cached("UPDATE cases SET updated_at = ?2 WHERE id = ?1")?
                .execute(params![case_id, instant_text(s.now)])?;
            add_event(
                s,
                &case_id,
                &person_id,
                date,
                CaseChange::Note,
                Some(note.clone()),
            )
        })
    }
}

fn transition_refused(from: CaseStatus, to: CaseStatus) -> MigranError {
    MigranError::not_allowed(crate::error::NotAllowedReason::CaseTransition { from, to })
}

/// The day of a change: given (not in the future, not before the report) or today.
fn event_date(s: &Session<'_>, given: Option<&str>, data: &CaseData) -> Result<String> {
    let date = optional_past_date(s, "date", given)?.unwrap_or_else(|| s.now.date_naive());
    let date = date_text(date);
    if date < data.reported_on {
        return Err(MigranError::invalid("date", InvalidReason::Inconsistent));
    }
    Ok(date)
}

fn store_case(s: &Session<'_>, id: &str, data: &CaseData) -> Result<String> {
    let now = instant_text(s.now);
    let sealed = s.keys.seal_json(place(CASES, id), data)?;
    s.conn
        .prepare_cached("UPDATE cases SET data = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, sealed, now])?;
    Ok(now)
}

fn add_event(
    s: &Session<'_>,
    case_id: &str,
    person_id: &str,
    date: String,
    change: CaseChange,
    note: Option<String>,
) -> Result<CaseEvent> {
    let id = new_row_id()?;
    let now = instant_text(s.now);
    let data = EventData {
        date,
        change,
        note,
        actor: s.actor.cloned(),
    };
    let sealed = s.keys.seal_json(place(EVENTS, &id), &data)?;
    s.conn
        .prepare_cached(
            "INSERT INTO case_events (id, case_id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id, case_id, person_id, now, sealed])?;
    s.audit(AuditAction::Update, RecordKind::Case, case_id, person_id);
    Ok(event_from(id, case_id.to_string(), data, now))
}

fn load_case_row(s: &Session<'_>, id: &str) -> Result<(String, CaseData, String)> {
    let row: Option<(String, String, Vec<u8>)> = s
        .conn
        .prepare_cached("SELECT person_id, created_at, data FROM cases WHERE id = ?1")?
        .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let (person_id, created_at, sealed) = row.ok_or_else(|| MigranError::not_found("case"))?;
    let data = s.keys.open_json(place(CASES, id), &sealed, "case")?;
    Ok((person_id, data, created_at))
}

fn load_detail(s: &Session<'_>, case_id: &str) -> Result<CaseDetail> {
    let (person_id, data, opened_at) = load_case_row(s, case_id)?;
    let updated_at: String = s.conn.query_row(
        "SELECT updated_at FROM cases WHERE id = ?1",
        params![case_id],
        |row| row.get(0),
    )?;
    let case = case_from(case_id.to_string(), person_id, data, opened_at, updated_at);
    let mut timeline = Vec::new();
    for (id, recorded_at, data) in s.sealed_rows::<EventData>(
        "SELECT id, created_at, data FROM case_events WHERE case_id = ?1 ORDER BY created_at, rowid",
        case_id,
        EVENTS,
        "case_event",
    )? {
        timeline.push(event_from(id, case_id.to_string(), data, recorded_at));
    }
    let referrals = timeline
        .iter()
        .filter_map(|event| match &event.change {
            CaseChange::Referred { agency, office } => Some(Referral {
                event_id: event.id.clone(),
                agency: *agency,
                office: office.clone(),
                date: event.date.clone(),
                note: event.note.clone(),
            }),
            _ => None,
        })
        .collect();
    Ok(CaseDetail {
        case,
        timeline,
        referrals,
    })
}

pub(crate) fn load_cases(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<Case>> {
    let mut statement = s.conn.prepare_cached(
        "SELECT id, person_id, created_at, updated_at, data FROM cases
         WHERE ?1 IS NULL OR person_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map(params![person_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Vec<u8>>(4)?,
        ))
    })?;
    let mut cases = Vec::new();
    for row in rows {
        let (id, person, created_at, updated_at, sealed) = row?;
        let data: CaseData = s.keys.open_json(place(CASES, &id), &sealed, "case")?;
        cases.push(case_from(id, person, data, created_at, updated_at));
    }
    Ok(cases)
}

/// Every case's person, type, status and report date, for the village report; damaged
/// rows are left out.
pub(crate) fn report_rows(s: &Session<'_>) -> Result<Vec<(String, CaseType, CaseStatus, String)>> {
    #[derive(Deserialize)]
    struct Slim {
        case_type: CaseType,
        status: CaseStatus,
        reported_on: String,
    }
    let mut statement = s.conn.prepare_cached("SELECT id, person_id, data FROM cases")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, person_id, sealed) = row?;
        match s.keys.open_json::<Slim>(place(CASES, &id), &sealed, "case") {
            Ok(slim) => out.push((person_id, slim.case_type, slim.status, slim.reported_on)),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// A person's cases with their timelines, for the person's export.
pub(crate) fn details_of(s: &Session<'_>, person_id: &str) -> Result<Vec<CaseDetail>> {
    load_cases(s, Some(person_id))?
        .into_iter()
        .map(|case| load_detail(s, &case.id))
        .collect()
}

fn place<'a>(table: &'static str, id: &'a str) -> Place<'a> {
    Place {
        table,
        row: id,
        column: "data",
    }
}

fn case_from(id: String, person_id: String, data: CaseData, opened_at: String, updated_at: String) -> Case {
    Case {
        id,
        person_id,
        case_type: data.case_type,
        description: data.description,
        reported_by: data.reported_by,
        reported_on: data.reported_on,
        status: data.status,
        opened_at,
        updated_at,
    }
}

fn event_from(id: String, case_id: String, data: EventData, recorded_at: String) -> CaseEvent {
    CaseEvent {
        id,
        case_id,
        date: data.date,
        change: data.change,
        note: data.note,
        actor: data.actor,
        recorded_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
