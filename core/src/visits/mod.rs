//! Home visits: the cadre's log of visits to a person's household, with who was present,
//! what was discussed, what the cadre observed (sealed like everything else) and the
//! follow-ups agreed, each with a due date. The agenda (module `agenda`) reads them.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{new_row_id, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::ensure_person;
use crate::time::{date_text, instant_text, latest_date_anywhere, parse_date, parse_stored_date};
use crate::validate;
use crate::vault::{Session, Vault};

/// The visits and their follow-ups (still sealed rows).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE visits (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX visits_by_person ON visits (person_id, created_at);
    CREATE TABLE visit_follow_ups (
        id          TEXT PRIMARY KEY,
        visit_id    TEXT NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX visit_follow_ups_by_person ON visit_follow_ups (person_id, created_at);
    CREATE INDEX visit_follow_ups_by_visit ON visit_follow_ups (visit_id);
"#;

const VISITS: &str = "visits";
const FOLLOW_UPS: &str = "visit_follow_ups";
/// More would be a meeting, not a home visit; the limit keeps a typo from filling memory.
const MAX_PRESENT: usize = 30;
const MAX_FOLLOW_UPS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, uniffi::Enum)]
pub enum VisitTopic {
    /// Safe, procedural migration: the official route, costs, rights.
    SafeMigration,
    Documents,
    /// Trafficking red flags (TPPO).
    RedFlags,
    Remittances,
    Reintegration,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitFollowUpInput {
    /// What is to be done.
    pub action: String,
    /// `YYYY-MM-DD`, not before the visit.
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitInput {
    /// `YYYY-MM-DD`, not in the future.
    pub date: String,
    /// The cadre who visited; the vault's actor when `None`.
    pub cadre: Option<String>,
    /// Who was present (names or relations, as the cadre writes them).
    pub present: Vec<String>,
    pub topics: Vec<VisitTopic>,
    pub observations: Option<String>,
    pub follow_ups: Vec<VisitFollowUpInput>,
    /// When the next visit should be; the agenda's cadence by phase when `None`.
    pub next_visit_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct VisitFollowUp {
    pub id: String,
    pub visit_id: String,
    pub person_id: String,
    pub action: String,
    pub due_on: String,
    /// `None` while open.
    pub done_on: Option<String>,
    pub done_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Visit {
    pub id: String,
    pub person_id: String,
    pub date: String,
    pub cadre: Option<String>,
    pub present: Vec<String>,
    pub topics: Vec<VisitTopic>,
    pub observations: Option<String>,
    pub follow_ups: Vec<VisitFollowUp>,
    pub next_visit_on: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize)]
struct VisitData {
    date: String,
    cadre: Option<String>,
    present: Vec<String>,
    topics: Vec<VisitTopic>,
    observations: Option<String>,
    next_visit_on: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct VisitFollowUpData {
    action: String,
    due_on: String,
    done_on: Option<String>,
    done_note: Option<String>,
}

#[uniffi::export]
impl Vault {
    /// Logs a home visit and the follow-ups agreed in it. Needs the registration consent.
    pub fn add_visit(&self, person_id: String, input: VisitInput) -> Result<Visit> {
        self.write(|s| {
            ensure_person(s, &person_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let (data, follow_ups) = visit_data(s, &input)?;
            let id = new_row_id()?;
            let now = instant_text(s.now);
            let sealed = s.keys.seal_json(place(VISITS, &id), &data)?;
            s.conn
                .prepare_cached(
                    "INSERT INTO visits (id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, person_id, now, sealed])?;
            s.audit(AuditAction::Create, RecordKind::Visit, &id, &person_id);
            let mut stored = Vec::with_capacity(follow_ups.len());
            for follow_up in follow_ups {
                let follow_up_id = new_row_id()?;
                let sealed = s.keys.seal_json(place(FOLLOW_UPS, &follow_up_id), &follow_up)?;
                s.conn
                    .prepare_cached(
                        "INSERT INTO visit_follow_ups (id, visit_id, person_id, created_at, data)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![follow_up_id, id, person_id, now, sealed])?;
                s.audit(
                    AuditAction::Create,
                    RecordKind::VisitFollowUp,
                    &follow_up_id,
                    &person_id,
                );
                stored.push(follow_up_from(
                    follow_up_id,
                    id.clone(),
                    person_id.clone(),
                    follow_up,
                ));
            }
            Ok(visit_from(id, person_id.clone(), data, stored, now))
        })
    }

    /// A person's visits, newest first, with their follow-ups.
    pub fn list_visits(&self, person_id: String) -> Result<Vec<Visit>> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let visits = load_visits(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Visit,
                Some(&person_id),
                visits.len(),
            );
            Ok(visits)
        })
    }

    /// Marks a follow-up done (on `done_on`, today when `None`).
    pub fn complete_visit_follow_up(
        &self,
        follow_up_id: String,
        done_on: Option<String>,
        note: Option<String>,
    ) -> Result<VisitFollowUp> {
        let note = validate::optional_multiline("note", note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let (visit_id, person_id, mut data) = load_follow_up(s, &follow_up_id)?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let today = s.now.date_naive();
            let done = optional_past_date(s, "done_on", done_on.as_deref())?.unwrap_or(today);
            data.done_on = Some(date_text(done));
            data.done_note = note.clone();
            let sealed = s.keys.seal_json(place(FOLLOW_UPS, &follow_up_id), &data)?;
            s.conn
                .prepare_cached("UPDATE visit_follow_ups SET data = ?2 WHERE id = ?1")?
                .execute(params![follow_up_id, sealed])?;
            s.audit(
                AuditAction::Update,
                RecordKind::VisitFollowUp,
                &follow_up_id,
                &person_id,
            );
            Ok(follow_up_from(follow_up_id.clone(), visit_id, person_id, data))
        })
    }
}

fn visit_data(s: &Session<'_>, input: &VisitInput) -> Result<(VisitData, Vec<VisitFollowUpData>)> {
    let date = parse_date("date", &input.date)?;
    if date > latest_date_anywhere(s.now) {
        return Err(MigranError::invalid("date", InvalidReason::OutOfRange));
    }
    let cadre = match input.cadre.as_deref() {
        Some(name) => validate::optional_text("cadre", Some(name), validate::SHORT_TEXT_MAX)?,
        None => None,
    }
    .or_else(|| s.actor.map(|actor| actor.name.clone()));
    if input.present.len() > MAX_PRESENT {
        return Err(MigranError::invalid("present", InvalidReason::TooLong));
    }
    let present = input
        .present
        .iter()
        .map(|name| validate::required_text("present", name, validate::SHORT_TEXT_MAX))
        .collect::<Result<Vec<_>>>()?;
    let mut topics = input.topics.clone();
    topics.sort();
    topics.dedup();
    let next_visit_on = match input
        .next_visit_on
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(text) => {
            let next = parse_date("next_visit_on", text)?;
            if next <= date {
                return Err(MigranError::invalid("next_visit_on", InvalidReason::Inconsistent));
            }
            Some(date_text(next))
        }
    };
    if input.follow_ups.len() > MAX_FOLLOW_UPS {
        return Err(MigranError::invalid("follow_ups", InvalidReason::TooLong));
    }
    let mut follow_ups = Vec::with_capacity(input.follow_ups.len());
    for follow_up in &input.follow_ups {
        let due = parse_date("due_on", &follow_up.due_on)?;
        if due < date {
            return Err(MigranError::invalid("due_on", InvalidReason::Inconsistent));
        }
        follow_ups.push(VisitFollowUpData {
            action: validate::required_text("action", &follow_up.action, validate::LONG_TEXT_MAX)?,
            due_on: date_text(due),
            done_on: None,
            done_note: None,
        });
    }
    Ok((
        VisitData {
            date: date_text(date),
            cadre,
            present,
            topics,
            observations: validate::optional_multiline(
                "observations",
                input.observations.as_deref(),
                validate::LONG_TEXT_MAX,
            )?,
            next_visit_on,
        },
        follow_ups,
    ))
}

/// A date a person gives for something that already happened; `None` when blank.
pub(crate) fn optional_past_date(
    s: &Session<'_>,
    field: &str,
    text: Option<&str>,
) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let date = parse_date(field, text)?;
            if date > latest_date_anywhere(s.now) {
                return Err(MigranError::invalid(field, InvalidReason::OutOfRange));
            }
            Ok(Some(date))
        }
    }
}

pub(crate) fn load_visits(s: &Session<'_>, person_id: &str) -> Result<Vec<Visit>> {
    let mut follow_ups = load_follow_ups_of(s, person_id)?;
    let mut visits = Vec::new();
    for (id, created_at, data) in s.sealed_rows::<VisitData>(
        "SELECT id, created_at, data FROM visits WHERE person_id = ?1 ORDER BY created_at, rowid",
        person_id,
        VISITS,
        "visit",
    )? {
        let (mine, rest): (Vec<VisitFollowUp>, Vec<VisitFollowUp>) =
            follow_ups.into_iter().partition(|f| f.visit_id == id);
        follow_ups = rest;
        visits.push(visit_from(id, person_id.to_string(), data, mine, created_at));
    }
    // Newest first: by visit date, then by when it was recorded.
    visits.sort_by(|a, b| (&b.date, &b.created_at).cmp(&(&a.date, &a.created_at)));
    Ok(visits)
}

fn load_follow_ups_of(s: &Session<'_>, person_id: &str) -> Result<Vec<VisitFollowUp>> {
    let mut follow_ups = Vec::new();
    for (id, visit_id, data) in s.sealed_rows::<VisitFollowUpData>(
        "SELECT id, visit_id, data FROM visit_follow_ups WHERE person_id = ?1 ORDER BY created_at, rowid",
        person_id,
        FOLLOW_UPS,
        "follow_up",
    )? {
        follow_ups.push(follow_up_from(id, visit_id, person_id.to_string(), data));
    }
    Ok(follow_ups)
}

fn load_follow_up(s: &Session<'_>, id: &str) -> Result<(String, String, VisitFollowUpData)> {
    let row: Option<(String, String, Vec<u8>)> = s
        .conn
        .prepare_cached("SELECT visit_id, person_id, data FROM visit_follow_ups WHERE id = ?1")?
        .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let (visit_id, person_id, sealed) = row.ok_or_else(|| MigranError::not_found("follow_up"))?;
    let data = s.keys.open_json(place(FOLLOW_UPS, id), &sealed, "follow_up")?;
    Ok((visit_id, person_id, data))
}

/// The agenda's visit rules: a visit is due on the date the last visit set, or else
/// `cadence(phase)` days after the last visit (or after registration when never visited);
/// every open follow-up is due on its date. Damaged rows are skipped here (they surface
/// when the person's visits are listed).
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    use std::collections::HashMap;
    // Latest visit per person: (visit date, the next visit date it set).
    let mut latest: HashMap<String, (NaiveDate, Option<NaiveDate>)> = HashMap::new();
    let mut statement = s.conn.prepare_cached("SELECT id, person_id, data FROM visits")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, person_id, sealed) = row?;
        let Ok(data) = s
            .keys
            .open_json::<VisitData>(place(VISITS, &id), &sealed, "visit")
        else {
            continue;
        };
        let Some(date) = parse_stored_date(&data.date) else {
            continue;
        };
        let next = data.next_visit_on.as_deref().and_then(parse_stored_date);
        let entry = latest.entry(person_id).or_insert((date, next));
        if date > entry.0 {
            *entry = (date, next);
        }
    }

    let mut signals = Vec::new();
    for person in ctx.persons {
        let due = match latest.get(&person.id) {
            Some((_, Some(next))) => *next,
            Some((last, None)) => *last + chrono::Duration::days(ctx.cadence_days(&person.id)),
            None => person.registered_on + chrono::Duration::days(ctx.cadence_days(&person.id)),
        };
        if due <= ctx.horizon {
            signals.push(Signal {
                kind: AgendaKind::VisitDue,
                person_id: person.id.clone(),
                record_id: None,
                due_on: Some(due),
                count: None,
            });
        }
    }

    let mut statement = s
        .conn
        .prepare_cached("SELECT id, person_id, data FROM visit_follow_ups")?;
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
            .open_json::<VisitFollowUpData>(place(FOLLOW_UPS, &id), &sealed, "follow_up")
        else {
            continue;
        };
        if data.done_on.is_some() {
            continue;
        }
        let Some(due) = parse_stored_date(&data.due_on) else {
            continue;
        };
        if due <= ctx.horizon {
            signals.push(Signal {
                kind: AgendaKind::FollowUpDue,
                person_id,
                record_id: Some(id),
                due_on: Some(due),
                count: None,
            });
        }
    }
    Ok(signals)
}

fn place<'a>(table: &'static str, id: &'a str) -> Place<'a> {
    Place {
        table,
        row: id,
        column: "data",
    }
}

fn visit_from(
    id: String,
    person_id: String,
    data: VisitData,
    follow_ups: Vec<VisitFollowUp>,
    created_at: String,
) -> Visit {
    Visit {
        id,
        person_id,
        date: data.date,
        cadre: data.cadre,
        present: data.present,
        topics: data.topics,
        observations: data.observations,
        follow_ups,
        next_visit_on: data.next_visit_on,
        created_at,
    }
}

fn follow_up_from(id: String, visit_id: String, person_id: String, data: VisitFollowUpData) -> VisitFollowUp {
    VisitFollowUp {
        id,
        visit_id,
        person_id,
        action: data.action,
        due_on: data.due_on,
        done_on: data.done_on,
        done_note: data.done_note,
    }
}
