//! Return and reintegration (purna: after work): when and why a migrant came back, in
//! what condition, what they need, the services they received and the follow-up plan.
//! Recording a return moves the person's journey to `Phase::Returned`.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{new_row_id, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::{self, ensure_person, Phase};
use crate::time::{date_text, instant_text, parse_date, parse_stored_date};
use crate::validate;
use crate::vault::{Session, Vault};
use crate::visits::optional_past_date;

/// Returns and reintegration services (still sealed rows).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE returns (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX returns_by_person ON returns (person_id, created_at);
    CREATE TABLE reintegration_services (
        id          TEXT PRIMARY KEY,
        return_id   TEXT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX reintegration_services_by_person ON reintegration_services (person_id, created_at);
    CREATE INDEX reintegration_services_by_return ON reintegration_services (return_id);
"#;

const RETURNS: &str = "returns";
const SERVICES: &str = "reintegration_services";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum ReturnReason {
    ContractEnd,
    EarlyReturn,
    Deported,
    /// Came back because of a case (abuse, unpaid wages, trafficking ...).
    Case,
}

pub const ALL_RETURN_REASONS: [ReturnReason; 4] = [
    ReturnReason::ContractEnd,
    ReturnReason::EarlyReturn,
    ReturnReason::Deported,
    ReturnReason::Case,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum ReintegrationNeed {
    Health,
    Legal,
    Psychosocial,
    Economic,
}

pub const ALL_NEEDS: [ReintegrationNeed; 4] = [
    ReintegrationNeed::Health,
    ReintegrationNeed::Legal,
    ReintegrationNeed::Psychosocial,
    ReintegrationNeed::Economic,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum ServiceKind {
    Training,
    BusinessSupport,
    Counselling,
    HealthCare,
    LegalAid,
    Other,
}

pub const ALL_SERVICE_KINDS: [ServiceKind; 6] = [
    ServiceKind::Training,
    ServiceKind::BusinessSupport,
    ServiceKind::Counselling,
    ServiceKind::HealthCare,
    ServiceKind::LegalAid,
    ServiceKind::Other,
];

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReturnInput {
    /// `YYYY-MM-DD`, not in the future.
    pub return_date: String,
    pub reason: ReturnReason,
    /// The case that brought the person back, when there is one.
    pub case_id: Option<String>,
    /// Condition on return (health, state of mind, belongings), as the cadre saw it.
    pub condition: Option<String>,
    pub needs: Vec<ReintegrationNeed>,
    pub follow_up_plan: Option<String>,
    /// `YYYY-MM-DD`: when the cadre should follow up; it appears on the agenda.
    pub next_follow_up_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReturnPlanInput {
    pub needs: Vec<ReintegrationNeed>,
    pub follow_up_plan: Option<String>,
    pub next_follow_up_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceInput {
    pub kind: ServiceKind,
    /// `YYYY-MM-DD`, not in the future.
    pub date: String,
    /// Who gave it (a training centre, an NGO, the health centre).
    pub provider: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReintegrationService {
    pub id: String,
    pub return_id: String,
    pub person_id: String,
    pub kind: ServiceKind,
    pub date: String,
    pub provider: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReturnRecord {
    pub id: String,
    pub person_id: String,
    pub return_date: String,
    pub reason: ReturnReason,
    pub case_id: Option<String>,
    pub condition: Option<String>,
    pub needs: Vec<ReintegrationNeed>,
    pub follow_up_plan: Option<String>,
    pub next_follow_up_on: Option<String>,
    pub services: Vec<ReintegrationService>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize)]
struct ReturnData {
    return_date: String,
    reason: ReturnReason,
    case_id: Option<String>,
    condition: Option<String>,
    needs: Vec<ReintegrationNeed>,
    follow_up_plan: Option<String>,
    next_follow_up_on: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ServiceData {
    kind: ServiceKind,
    date: String,
    provider: Option<String>,
    note: Option<String>,
}

#[uniffi::export]
impl Vault {
    /// Records a return; the person's journey moves to `Returned`.
    pub fn record_return(&self, person_id: String, input: ReturnInput) -> Result<ReturnRecord> {
        let condition =
            validate::optional_multiline("condition", input.condition.as_deref(), validate::LONG_TEXT_MAX)?;
        let plan = validate::optional_multiline(
            "follow_up_plan",
            input.follow_up_plan.as_deref(),
            validate::LONG_TEXT_MAX,
        )?;
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let return_date = optional_past_date(s, "return_date", Some(&input.return_date))?
                .ok_or_else(|| MigranError::invalid("return_date", InvalidReason::Empty))?;
            if let Some(case_id) = &input.case_id {
                let owner: Option<String> = s
                    .conn
                    .query_row(
                        "SELECT person_id FROM cases WHERE id = ?1",
                        params![case_id],
                        |row| row.get(0),
                    )
                    .optional()?;
                if owner.as_deref() != Some(person_id.as_str()) {
                    return Err(MigranError::not_found("case"));
                }
            }
            let data = ReturnData {
                return_date: date_text(return_date),
                reason: input.reason,
                case_id: input.case_id.clone(),
                condition: condition.clone(),
                needs: needs(&input.needs),
                follow_up_plan: plan.clone(),
                next_follow_up_on: follow_up_date(input.next_follow_up_on.as_deref(), return_date)?,
            };
            let id = new_row_id()?;
            let now = instant_text(s.now);
            let sealed = s.keys.seal_json(place(RETURNS, &id), &data)?;
            s.conn
                .prepare_cached(
                    "INSERT INTO returns (id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, person_id, now, sealed])?;
            s.audit(AuditAction::Create, RecordKind::Return, &id, &person_id);
            people::set_phase(s, &person_id, Phase::Returned)?;
            Ok(return_from(id, person_id.clone(), data, Vec::new(), now))
        })
    }

    /// Replaces the needs and the follow-up plan of a return (after a follow-up visit).
    pub fn update_return_plan(&self, return_id: String, input: ReturnPlanInput) -> Result<ReturnRecord> {
        let plan = validate::optional_multiline(
            "follow_up_plan",
            input.follow_up_plan.as_deref(),
            validate::LONG_TEXT_MAX,
        )?;
        self.write(|s| {
            let (person_id, mut data, created_at) = load_return_row(s, &return_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let returned =
                parse_stored_date(&data.return_date).ok_or_else(|| MigranError::tampered("return"))?;
            data.needs = needs(&input.needs);
            data.follow_up_plan = plan.clone();
            data.next_follow_up_on = follow_up_date(input.next_follow_up_on.as_deref(), returned)?;
            let sealed = s.keys.seal_json(place(RETURNS, &return_id), &data)?;
            s.conn
                .prepare_cached("UPDATE returns SET data = ?2 WHERE id = ?1")?
                .execute(params![return_id, sealed])?;
            s.audit(AuditAction::Update, RecordKind::Return, &return_id, &person_id);
            let services = load_services(s, &person_id)?
                .into_iter()
                .filter(|service| service.return_id == return_id)
                .collect();
            Ok(return_from(
                return_id.clone(),
                person_id,
                data,
                services,
                created_at,
            ))
        })
    }

    /// Records a reintegration service the returned migrant received.
    pub fn add_reintegration_service(
        &self,
        return_id: String,
        input: ServiceInput,
    ) -> Result<ReintegrationService> {
        let provider =
            validate::optional_text("provider", input.provider.as_deref(), validate::SHORT_TEXT_MAX)?;
        let note = validate::optional_multiline("note", input.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let (person_id, data, _) = load_return_row(s, &return_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let date = optional_past_date(s, "date", Some(&input.date))?
                .ok_or_else(|| MigranError::invalid("date", InvalidReason::Empty))?;
            if date_text(date) < data.return_date {
                return Err(MigranError::invalid("date", InvalidReason::Inconsistent));
            }
            let service = ServiceData {
                kind: input.kind,
                date: date_text(date),
                provider: provider.clone(),
                note: note.clone(),
            };
            let id = new_row_id()?;
            let sealed = s.keys.seal_json(place(SERVICES, &id), &service)?;
            s.conn
                .prepare_cached(
                    "INSERT INTO reintegration_services (id, return_id, person_id, created_at, data)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, return_id, person_id, instant_text(s.now), sealed])?;
            s.audit(
                AuditAction::Create,
                RecordKind::ReintegrationService,
                &id,
                &person_id,
            );
            Ok(service_from(id, return_id.clone(), person_id, service))
        })
    }

    /// A person's returns, oldest first, each with its services.
    pub fn list_returns(&self, person_id: String) -> Result<Vec<ReturnRecord>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let returns = load_returns(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Return,
                Some(&person_id),
                returns.len(),
            );
            Ok(returns)
        })
    }
}

fn needs(given: &[ReintegrationNeed]) -> Vec<ReintegrationNeed> {
    let mut needs = given.to_vec();
    needs.sort();
    needs.dedup();
    needs
}

fn follow_up_date(text: Option<&str>, returned: NaiveDate) -> Result<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let date = parse_date("next_follow_up_on", text)?;
            if date < returned {
                return Err(MigranError::invalid(
                    "next_follow_up_on",
                    InvalidReason::Inconsistent,
                ));
            }
            Ok(Some(date_text(date)))
        }
    }
}

fn load_return_row(s: &Session<'_>, id: &str) -> Result<(String, ReturnData, String)> {
    let row: Option<(String, String, Vec<u8>)> = s
        .conn
        .prepare_cached("SELECT person_id, created_at, data FROM returns WHERE id = ?1")?
        .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let (person_id, created_at, sealed) = row.ok_or_else(|| MigranError::not_found("return"))?;
    let data = s.keys.open_json(place(RETURNS, id), &sealed, "return")?;
    Ok((person_id, data, created_at))
}

pub(crate) fn load_returns(s: &Session<'_>, person_id: &str) -> Result<Vec<ReturnRecord>> {
    let mut services = load_services(s, person_id)?;
    let mut returns = Vec::new();
    for (id, created_at, data) in s.sealed_rows::<ReturnData>(
        "SELECT id, created_at, data FROM returns WHERE person_id = ?1 ORDER BY created_at, rowid",
        person_id,
        RETURNS,
        "return",
    )? {
        let (mine, rest): (Vec<_>, Vec<_>) = services.into_iter().partition(|sv| sv.return_id == id);
        services = rest;
        returns.push(return_from(id, person_id.to_string(), data, mine, created_at));
    }
    returns.sort_by(|a, b| (&a.return_date, &a.created_at).cmp(&(&b.return_date, &b.created_at)));
    Ok(returns)
}

fn load_services(s: &Session<'_>, person_id: &str) -> Result<Vec<ReintegrationService>> {
    let mut services = Vec::new();
    for (id, return_id, data) in s.sealed_rows::<ServiceData>(
        "SELECT id, return_id, data FROM reintegration_services WHERE person_id = ?1 ORDER BY created_at, rowid",
        person_id,
        SERVICES,
        "service",
    )? {
        services.push(service_from(id, return_id, person_id.to_string(), data));
    }
    Ok(services)
}

/// What the village report counts of a return.
pub(crate) struct ReturnFacts {
    pub person_id: String,
    pub return_date: String,
    pub reason: ReturnReason,
    pub needs: Vec<ReintegrationNeed>,
}

/// For the village report: every readable return.
pub(crate) fn report_returns(s: &Session<'_>) -> Result<Vec<ReturnFacts>> {
    let mut statement = s.conn.prepare_cached("SELECT id, person_id, data FROM returns")?;
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
        match s
            .keys
            .open_json::<ReturnData>(place(RETURNS, &id), &sealed, "return")
        {
            Ok(data) => out.push(ReturnFacts {
                person_id,
                return_date: data.return_date,
                reason: data.reason,
                needs: data.needs,
            }),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// For the village report: (person, date, kind) of every service.
pub(crate) fn report_services(s: &Session<'_>) -> Result<Vec<(String, String, ServiceKind)>> {
    let mut statement = s
        .conn
        .prepare_cached("SELECT id, person_id, data FROM reintegration_services")?;
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
        match s
            .keys
            .open_json::<ServiceData>(place(SERVICES, &id), &sealed, "service")
        {
            Ok(data) => out.push((person_id, data.date, data.kind)),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// The agenda's reintegration rule: the latest return of each followed person whose
/// `next_follow_up_on` falls on or before the horizon.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    use std::collections::HashMap;
    let mut latest: HashMap<String, (String, String, Option<String>)> = HashMap::new();
    let mut statement = s.conn.prepare_cached("SELECT id, person_id, data FROM returns")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, person_id, sealed) = row?;
        if !ctx.includes(&person_id) {
            continue;
        }
        let Ok(data) = s
            .keys
            .open_json::<ReturnData>(place(RETURNS, &id), &sealed, "return")
        else {
            continue;
        };
        let newer = match latest.get(&person_id) {
            None => true,
            Some((date, _, _)) => data.return_date >= *date,
        };
        if newer {
            latest.insert(person_id, (data.return_date, id, data.next_follow_up_on));
        }
    }
    Ok(latest
        .into_iter()
        .filter_map(|(person_id, (_, return_id, next))| {
            let due = next.as_deref().and_then(parse_stored_date)?;
            (due <= ctx.horizon).then_some(Signal {
                kind: AgendaKind::ReintegrationFollowUpDue,
                person_id,
                record_id: Some(return_id),
                due_on: Some(due),
                count: None,
            })
        })
        .collect())
}

fn place<'a>(table: &'static str, id: &'a str) -> Place<'a> {
    Place {
        table,
        row: id,
        column: "data",
    }
}

fn return_from(
    id: String,
    person_id: String,
    data: ReturnData,
    services: Vec<ReintegrationService>,
    created_at: String,
) -> ReturnRecord {
    ReturnRecord {
        id,
        person_id,
        return_date: data.return_date,
        reason: data.reason,
        case_id: data.case_id,
        condition: data.condition,
        needs: data.needs,
        follow_up_plan: data.follow_up_plan,
        next_follow_up_on: data.next_follow_up_on,
        services,
        created_at,
    }
}

fn service_from(id: String, return_id: String, person_id: String, data: ServiceData) -> ReintegrationService {
    ReintegrationService {
        id,
        return_id,
        person_id,
        kind: data.kind,
        date: data.date,
        provider: data.provider,
        note: data.note,
    }
}
