//! Visits and their follow-ups in `vault.db`: one row each, typed columns; the short
//! lists of a visit (who was present, the topics) in JSON columns.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Row, ToSql};

use super::{Visit, VisitFollowUp, VisitTopic};
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::error::{RecordKind, Result};
use crate::store::codes::JsonColumn;
use crate::store::kernel::{storage_error, stored_sql, Stored};
use crate::time::{date_text, parse_stored_date};
use crate::vault::Session;

/// Visits and their follow-ups. `present` and `topics` are JSON arrays (topics by their
/// storage codes). The agenda reads each person's latest visit (`visits_by_person`) and
/// the open follow-ups by due date (`visit_follow_ups_open`).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE visits (
        id             TEXT PRIMARY KEY,
        person_id      TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        date           TEXT NOT NULL,
        cadre          TEXT,
        present        TEXT NOT NULL,
        topics         TEXT NOT NULL,
        observations   TEXT,
        next_visit_on  TEXT,
        created_at     TEXT NOT NULL
    );
    CREATE INDEX visits_by_person ON visits (person_id, date, created_at);
    CREATE TABLE visit_follow_ups (
        id          TEXT PRIMARY KEY,
        visit_id    TEXT NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        action      TEXT NOT NULL,
        due_on      TEXT NOT NULL,
        done_on     TEXT,
        done_note   TEXT,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX visit_follow_ups_by_person ON visit_follow_ups (person_id, created_at);
    CREATE INDEX visit_follow_ups_by_visit ON visit_follow_ups (visit_id);
    CREATE INDEX visit_follow_ups_open ON visit_follow_ups (due_on) WHERE done_on IS NULL;
"#;

/// A short list (names, topics, needs) kept in one TEXT column as a JSON array.
pub(crate) type JsonList<T> = JsonColumn<Vec<T>>;

/// A visit as its row holds it (the follow-ups are rows of their own).
pub(super) struct StoredVisit {
    pub id: String,
    pub person_id: String,
    pub date: String,
    pub cadre: Option<String>,
    pub present: JsonList<String>,
    pub topics: JsonList<VisitTopic>,
    pub observations: Option<String>,
    pub next_visit_on: Option<String>,
    pub created_at: String,
}

impl StoredVisit {
    pub(super) fn into_visit(self, follow_ups: Vec<VisitFollowUp>) -> Visit {
        Visit {
            id: self.id,
            person_id: self.person_id,
            date: self.date,
            cadre: self.cadre,
            present: self.present.0,
            topics: self.topics.0,
            observations: self.observations,
            follow_ups,
            next_visit_on: self.next_visit_on,
            created_at: self.created_at,
        }
    }
}

impl Stored for StoredVisit {
    const KIND: RecordKind = RecordKind::Visit;
    stored_sql!(table: "visits", key: "id", columns: [
        "person_id", "date", "cadre", "present", "topics", "observations", "next_visit_on", "created_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.date,
            &self.cadre,
            &self.present,
            &self.topics,
            &self.observations,
            &self.next_visit_on,
            &self.created_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredVisit {
            id: row.get(0)?,
            person_id: row.get(1)?,
            date: row.get(2)?,
            cadre: row.get(3)?,
            present: row.get(4)?,
            topics: row.get(5)?,
            observations: row.get(6)?,
            next_visit_on: row.get(7)?,
            created_at: row.get(8)?,
        })
    }
}

/// A follow-up as its row holds it: with the time it was recorded, for its order.
pub(super) struct StoredVisitFollowUp {
    pub id: String,
    pub visit_id: String,
    pub person_id: String,
    pub action: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub done_note: Option<String>,
    pub created_at: String,
}

impl From<StoredVisitFollowUp> for VisitFollowUp {
    fn from(row: StoredVisitFollowUp) -> Self {
        VisitFollowUp {
            id: row.id,
            visit_id: row.visit_id,
            person_id: row.person_id,
            action: row.action,
            due_on: row.due_on,
            done_on: row.done_on,
            done_note: row.done_note,
        }
    }
}

impl Stored for StoredVisitFollowUp {
    const KIND: RecordKind = RecordKind::VisitFollowUp;
    stored_sql!(table: "visit_follow_ups", key: "id", columns: [
        "visit_id", "person_id", "action", "due_on", "done_on", "done_note", "created_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.visit_id,
            &self.person_id,
            &self.action,
            &self.due_on,
            &self.done_on,
            &self.done_note,
            &self.created_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredVisitFollowUp {
            id: row.get(0)?,
            visit_id: row.get(1)?,
            person_id: row.get(2)?,
            action: row.get(3)?,
            due_on: row.get(4)?,
            done_on: row.get(5)?,
            done_note: row.get(6)?,
            created_at: row.get(7)?,
        })
    }
}

/// A person's visits, newest first (by visit date, then by when it was recorded), each
/// with its follow-ups in the order they were agreed.
pub(crate) fn load_visits(s: &Session<'_>, person_id: &str) -> Result<Vec<Visit>> {
    let mut by_visit = s.select_grouped(
        "WHERE person_id = ?1 ORDER BY created_at, rowid",
        [person_id],
        |follow_up: &StoredVisitFollowUp| follow_up.visit_id.clone(),
    )?;
    let visits: Vec<StoredVisit> = s.select(
        "WHERE person_id = ?1 ORDER BY date DESC, created_at DESC, rowid",
        [person_id],
    )?;
    Ok(visits
        .into_iter()
        .map(|visit| {
            let follow_ups = by_visit.remove(&visit.id).unwrap_or_default();
            visit.into_visit(follow_ups)
        })
        .collect())
}

/// Each person's latest visit (by visit date, then by when it was recorded): its date
/// and the next visit date it set.
const LATEST_VISITS: &str = "
    SELECT person_id, date, next_visit_on FROM (
        SELECT person_id, date, next_visit_on,
               row_number() OVER (
                   PARTITION BY person_id ORDER BY date DESC, created_at DESC, rowid DESC
               ) AS recency
        FROM visits
    )
    WHERE recency = 1";

/// Open follow-ups due on or before a day.
const OPEN_FOLLOW_UPS: &str = "
    SELECT id, person_id, due_on FROM visit_follow_ups
    WHERE done_on IS NULL AND due_on <= ?1";

/// The agenda's visit rules: a visit is due on the date the last visit set, or else
/// `cadence(phase)` days after the last visit (or after registration when never visited);
/// every open follow-up is due on its date. A date that does not parse (never written so
/// by this core) leaves its row out of the agenda; listing the visits shows it.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let mut latest: HashMap<String, (NaiveDate, Option<NaiveDate>)> = HashMap::new();
    {
        let mut statement = s.conn.prepare_cached(LATEST_VISITS)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|err| storage_error(err, RecordKind::Visit))?;
        for (person_id, date, next) in rows {
            let Some(date) = parse_stored_date(&date) else {
                continue;
            };
            latest.insert(person_id, (date, next.as_deref().and_then(parse_stored_date)));
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

    let mut statement = s.conn.prepare_cached(OPEN_FOLLOW_UPS)?;
    let rows = statement
        .query_map([date_text(ctx.horizon)], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|err| storage_error(err, RecordKind::VisitFollowUp))?;
    for (id, person_id, due_on) in rows {
        if !ctx.includes(&person_id) {
            continue;
        }
        let Some(due) = parse_stored_date(&due_on) else {
            continue;
        };
        signals.push(Signal {
            kind: AgendaKind::FollowUpDue,
            person_id,
            record_id: Some(id),
            due_on: Some(due),
            count: None,
        });
    }
    Ok(signals)
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Value;

    use super::super::testing::{count, meddle, row_of, text, vault_with_person};
    use super::super::{VisitFollowUpInput, VisitInput, VisitTopic};
    use crate::error::{MigranError, RecordKind};

    fn visit() -> VisitInput {
        VisitInput {
            date: "2026-06-10".into(),
            cadre: Some("Kader Contoh".into()),
            present: vec!["Ibu \"Contoh\"".into(), "Bapak Contoh".into()],
            topics: vec![VisitTopic::RedFlags, VisitTopic::SafeMigration],
            observations: Some("Rumah\nrapi".into()),
            follow_ups: vec![VisitFollowUpInput {
                action: "Cek izin P3MI".into(),
                due_on: "2026-06-20".into(),
            }],
            next_visit_on: Some("2026-07-01".into()),
        }
    }

    #[test]
    fn a_visit_is_one_row_of_typed_columns_with_its_lists_as_json_codes() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        let logged = vault.add_visit(person.clone(), visit()).unwrap();
        assert_eq!(
            row_of(
                &vault,
                "SELECT date, cadre, present, topics, observations, next_visit_on FROM visits"
            ),
            vec![
                text("2026-06-10"),
                text("Kader Contoh"),
                text(r#"["Ibu \"Contoh\"","Bapak Contoh"]"#),
                text(r#"["safe_migration","red_flags"]"#),
                text("Rumah\nrapi"),
                text("2026-07-01"),
            ]
        );
        assert_eq!(
            row_of(
                &vault,
                "SELECT visit_id, person_id, action, due_on, done_on FROM visit_follow_ups"
            ),
            vec![
                text(&logged.id),
                text(&person),
                text("Cek izin P3MI"),
                text("2026-06-20"),
                Value::Null,
            ]
        );
        assert_eq!(vault.list_visits(person).unwrap(), vec![logged]);
    }

    #[test]
    fn a_topic_stored_under_anything_but_its_code_reads_as_tampered() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        vault.add_visit(person.clone(), visit()).unwrap();
        meddle(&vault, r#"UPDATE visits SET topics = '["RedFlags"]'"#);
        assert_eq!(
            vault.list_visits(person),
            Err(MigranError::Tampered {
                kind: RecordKind::Visit
            })
        );
    }

    #[test]
    fn erasing_the_person_removes_their_visits_and_follow_ups() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, person) = vault_with_person(dir.path());
        vault.add_visit(person.clone(), visit()).unwrap();
        assert_eq!(count(&vault, "visit_follow_ups"), 1);
        vault.erase_person(person).unwrap();
        assert_eq!(count(&vault, "visits"), 0);
        assert_eq!(count(&vault, "visit_follow_ups"), 0);
    }

    #[test]
    fn a_missing_follow_up_is_named_as_a_visit_follow_up() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault_with_person(dir.path());
        assert_eq!(
            vault.complete_visit_follow_up("none".into(), None, None),
            Err(MigranError::NotFound {
                kind: RecordKind::VisitFollowUp
            })
        );
    }
}
