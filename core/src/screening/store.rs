//! Screenings and their follow-ups in `vault.db`: one row per record, typed columns,
//! written only through the storage kernel.
//!
//! The lists inside a screening (answers, fired flags, undecided flags, questions still
//! to ask) are JSON arrays in TEXT columns, in the shapes below, with enums written as
//! their storage codes (`"no"`, `"critical"`), never as Rust names.

use chrono::NaiveDate;
use rusqlite::{params, Row, ToSql};
use serde::{Deserialize, Serialize};

use super::rules::{self, RecordFacts};
use super::{Answer, FiredFlag, FollowUp, RiskLevel, ScreeningAnswer, ScreeningRecord, ScreeningResult};
use crate::error::{RecordKind, Result};
use crate::i18n::LocalizedText;
use crate::people;
use crate::store::codes::JsonColumn;
use crate::store::codes::StorageCode;
use crate::store::kernel::{storage_error, stored_sql, Stored};
use crate::time::{date_text, parse_date};
use crate::vault::Session;

/// A screening per row, and the follow-up a high or critical one asks for.
///
/// The follow-up has a table of its own (it used to be sealed inside its screening's row,
/// so that the file would not show which screenings were high-risk; the whole file is now
/// encrypted page by page, so that reason is gone): completing it writes one small row,
/// the change feed sees a `screening_follow_up`, not a rewritten screening, and the
/// agenda reads the open ones from a small index instead of every screening. Its key is
/// its screening's id, as before: one follow-up per screening.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE screenings (
        id                 TEXT PRIMARY KEY,
        person_id          TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        screened_at        TEXT NOT NULL,
        screened_by        TEXT NOT NULL,
        risk_level         TEXT NOT NULL,
        complete           INTEGER NOT NULL,
        catalogue_version  INTEGER NOT NULL,
        answers            TEXT NOT NULL,
        flags              TEXT NOT NULL,
        undecided_flags    TEXT NOT NULL,
        unknown_questions  TEXT NOT NULL
    );
    -- A person's history in order; covers the village report (latest level per person).
    CREATE INDEX screenings_by_person ON screenings (person_id, screened_at, risk_level);
    CREATE TABLE screening_follow_ups (
        screening_id  TEXT PRIMARY KEY REFERENCES screenings (id) ON DELETE CASCADE,
        person_id     TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at    TEXT NOT NULL,
        due_date      TEXT NOT NULL,
        done          INTEGER NOT NULL,
        risk_level    TEXT NOT NULL
    );
    CREATE INDEX screening_follow_ups_by_person ON screening_follow_ups (person_id, due_date);
    -- The agenda: open follow-ups by due date.
    CREATE INDEX screening_follow_ups_open ON screening_follow_ups (due_date, person_id, screening_id)
        WHERE done = 0;
"#;

/// An answer in the `answers` column: `["work_visa", "no"]`.
type StoredAnswer = (String, Answer);

/// A fired flag in the `flags` column, as shown when the screening was made (the
/// catalogue may change later; the history keeps what the cadre saw). The field names
/// are part of the stored format.
#[derive(Serialize, Deserialize)]
struct StoredFlag {
    id: String,
    severity: RiskLevel,
    title: LocalizedText,
    explanation: LocalizedText,
    reasons: Vec<LocalizedText>,
    legal_basis: String,
    action: LocalizedText,
}

/// A screening as its row holds it.
struct StoredScreening {
    id: String,
    person_id: String,
    screened_at: String,
    screened_by: String,
    risk_level: RiskLevel,
    complete: bool,
    catalogue_version: u32,
    answers: JsonColumn<Vec<StoredAnswer>>,
    flags: JsonColumn<Vec<StoredFlag>>,
    undecided_flags: JsonColumn<Vec<String>>,
    unknown_questions: JsonColumn<Vec<String>>,
}

impl Stored for StoredScreening {
    const KIND: RecordKind = RecordKind::Screening;
    stored_sql!(table: "screenings", key: "id", columns: [
        "person_id", "screened_at", "screened_by", "risk_level", "complete", "catalogue_version", "answers",
        "flags", "undecided_flags", "unknown_questions",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.screened_at,
            &self.screened_by,
            &self.risk_level,
            &self.complete,
            &self.catalogue_version,
            &self.answers,
            &self.flags,
            &self.undecided_flags,
            &self.unknown_questions,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredScreening {
            id: row.get(0)?,
            person_id: row.get(1)?,
            screened_at: row.get(2)?,
            screened_by: row.get(3)?,
            risk_level: row.get(4)?,
            complete: row.get(5)?,
            catalogue_version: row.get(6)?,
            answers: row.get(7)?,
            flags: row.get(8)?,
            undecided_flags: row.get(9)?,
            unknown_questions: row.get(10)?,
        })
    }
}

impl From<&ScreeningRecord> for StoredScreening {
    fn from(record: &ScreeningRecord) -> Self {
        let result = &record.result;
        StoredScreening {
            id: record.id.clone(),
            person_id: record.person_id.clone(),
            screened_at: record.screened_at.clone(),
            screened_by: record.screened_by.clone(),
            risk_level: result.level,
            complete: result.complete,
            catalogue_version: result.catalogue_version,
            answers: JsonColumn(
                record
                    .answers
                    .iter()
                    .map(|a| (a.question_id.clone(), a.answer))
                    .collect(),
            ),
            flags: JsonColumn(
                result
                    .flags
                    .iter()
                    .map(|f| StoredFlag {
                        id: f.id.clone(),
                        severity: f.severity,
                        title: f.title.clone(),
                        explanation: f.explanation.clone(),
                        reasons: f.reasons.clone(),
                        legal_basis: f.legal_basis.clone(),
                        action: f.action.clone(),
                    })
                    .collect(),
            ),
            undecided_flags: JsonColumn(result.undecided_flags.clone()),
            unknown_questions: JsonColumn(result.unknown_questions.clone()),
        }
    }
}

impl From<StoredScreening> for ScreeningRecord {
    /// The record without its change: that is worked out against the previous one.
    fn from(row: StoredScreening) -> Self {
        ScreeningRecord {
            id: row.id,
            person_id: row.person_id,
            screened_at: row.screened_at,
            screened_by: row.screened_by,
            answers: row
                .answers
                .0
                .into_iter()
                .map(|(question_id, answer)| ScreeningAnswer { question_id, answer })
                .collect(),
            result: ScreeningResult {
                level: row.risk_level,
                flags: row
                    .flags
                    .0
                    .into_iter()
                    .map(|f| FiredFlag {
                        id: f.id,
                        severity: f.severity,
                        title: f.title,
                        explanation: f.explanation,
                        reasons: f.reasons,
                        legal_basis: f.legal_basis,
                        action: f.action,
                    })
                    .collect(),
                undecided_flags: row.undecided_flags.0,
                unknown_questions: row.unknown_questions.0,
                complete: row.complete,
                catalogue_version: row.catalogue_version,
            },
            change: None,
        }
    }
}

/// A follow-up as its row holds it. The level of the screening that asked for it is
/// kept; the reason shown is made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredFollowUp {
    pub screening_id: String,
    pub person_id: String,
    pub created_at: String,
    pub due_date: String,
    pub done: bool,
    pub risk_level: RiskLevel,
}

impl Stored for StoredFollowUp {
    const KIND: RecordKind = RecordKind::ScreeningFollowUp;
    stored_sql!(table: "screening_follow_ups", key: "screening_id", columns: [
        "person_id", "created_at", "due_date", "done", "risk_level",
    ]);

    fn key(&self) -> &str {
        &self.screening_id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.screening_id,
            &self.person_id,
            &self.created_at,
            &self.due_date,
            &self.done,
            &self.risk_level,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredFollowUp {
            screening_id: row.get(0)?,
            person_id: row.get(1)?,
            created_at: row.get(2)?,
            due_date: row.get(3)?,
            done: row.get(4)?,
            risk_level: row.get(5)?,
        })
    }
}

impl From<StoredFollowUp> for FollowUp {
    fn from(row: StoredFollowUp) -> Self {
        FollowUp {
            id: row.screening_id.clone(),
            person_id: row.person_id,
            created_at: row.created_at,
            due_date: row.due_date,
            done: row.done,
            kind: "screening".to_string(),
            source_id: row.screening_id,
            reason: rules::follow_up_reason(row.risk_level),
        }
    }
}

/// Stores a new screening, and the follow-up its level asks for (due from `today`).
/// A person has at most one open follow-up: a re-screening while one is open keeps it,
/// brought forward (with the new level) when the new result asks for an earlier date.
/// `true` when a follow-up was opened.
pub(super) fn insert_screening(s: &Session<'_>, record: &ScreeningRecord, today: NaiveDate) -> Result<bool> {
    s.insert(&StoredScreening::from(record))?;
    let Some(due) = rules::follow_up_due(record.result.level, today) else {
        return Ok(false);
    };
    let open: Vec<StoredFollowUp> = s.select(
        "WHERE person_id = ?1 AND done = 0 ORDER BY due_date, rowid LIMIT 1",
        [record.person_id.as_str()],
    )?;
    if let Some(mut existing) = open.into_iter().next() {
        let due = date_text(due);
        if due < existing.due_date {
            existing.due_date = due;
            existing.risk_level = record.result.level;
            s.upsert(&existing)?;
        }
        return Ok(false);
    }
    s.insert(&StoredFollowUp {
        screening_id: record.id.clone(),
        person_id: record.person_id.clone(),
        created_at: record.screened_at.clone(),
        due_date: date_text(due),
        done: false,
        risk_level: record.result.level,
    })?;
    Ok(true)
}

/// Every screening of the person, oldest first, each with what changed since the one
/// before.
pub(super) fn load_screenings(s: &Session<'_>, person_id: &str) -> Result<Vec<ScreeningRecord>> {
    let rows: Vec<StoredScreening> =
        s.select("WHERE person_id = ?1 ORDER BY screened_at, rowid", [person_id])?;
    let mut records: Vec<ScreeningRecord> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut record = ScreeningRecord::from(row);
        record.change = records
            .last()
            .map(|previous| rules::change(&previous.result, &record.result));
        records.push(record);
    }
    Ok(records)
}

/// The person's latest screening, if any (without its change).
pub(super) fn latest_screening(s: &Session<'_>, person_id: &str) -> Result<Option<ScreeningRecord>> {
    let mut rows: Vec<StoredScreening> = s.select(
        "WHERE person_id = ?1 ORDER BY screened_at DESC, rowid DESC LIMIT 1",
        [person_id],
    )?;
    Ok(rows.pop().map(ScreeningRecord::from))
}

/// Follow-ups of one person (`Some`) or of everyone, by due date, then as opened.
pub(crate) fn load_follow_ups(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<FollowUp>> {
    let rows: Vec<StoredFollowUp> = match person_id {
        Some(person_id) => s.select(
            "WHERE person_id = ?1 ORDER BY due_date, created_at, rowid",
            [person_id],
        )?,
        None => s.select("ORDER BY due_date, created_at, rowid", [])?,
    };
    Ok(rows.into_iter().map(FollowUp::from).collect())
}

pub(super) fn find_follow_up(s: &Session<'_>, id: &str) -> Result<Option<StoredFollowUp>> {
    s.find(id)
}

pub(super) fn update_follow_up(s: &Session<'_>, follow_up: &StoredFollowUp) -> Result<()> {
    s.upsert(follow_up)
}

/// An open follow-up the agenda shows.
pub(super) struct OpenFollowUp {
    pub id: String,
    pub person_id: String,
    pub due_date: String,
}

/// The follow-ups not done and due on or before `until`, by due date.
pub(super) fn open_follow_ups_until(s: &Session<'_>, until: NaiveDate) -> Result<Vec<OpenFollowUp>> {
    let mut statement = s.conn.prepare_cached(
        "SELECT screening_id, person_id, due_date FROM screening_follow_ups
         WHERE done = 0 AND due_date <= ?1 ORDER BY due_date, rowid",
    )?;
    let rows = statement.query_map(params![date_text(until)], |row| {
        Ok(OpenFollowUp {
            id: row.get(0)?,
            person_id: row.get(1)?,
            due_date: row.get(2)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|err| storage_error(err, RecordKind::ScreeningFollowUp))
}

/// Every screening's person, day (`YYYY-MM-DD`) and level, by person and then in the
/// order made; read from the index alone. A level this build has no code for is `None`.
pub(super) fn screening_levels(s: &Session<'_>) -> Result<Vec<(String, String, Option<RiskLevel>)>> {
    let mut statement = s.conn.prepare_cached(
        "SELECT person_id, substr(screened_at, 1, 10), risk_level FROM screenings
         ORDER BY person_id, screened_at, rowid",
    )?;
    let rows = statement.query_map([], |row| {
        let code: String = row.get(2)?;
        Ok((row.get(0)?, row.get(1)?, RiskLevel::from_code(&code)))
    })?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|err| storage_error(err, RecordKind::Screening))
}

/// What the rules need from the person's record and journey.
pub(super) fn record_facts(s: &Session<'_>, person_id: &str) -> Result<RecordFacts> {
    let person = people::load_person(s, person_id)?;
    let journey = people::load_journey(s, person_id)?;
    let stored_date = |text: Option<&String>| text.and_then(|t| parse_date("date", t).ok());
    Ok(RecordFacts {
        destination: journey.as_ref().and_then(|j| j.destination_country.clone()),
        sector: journey.as_ref().and_then(|j| j.sector),
        agency_name: journey.as_ref().and_then(|j| j.agency_name.clone()),
        agency_licence: journey.as_ref().and_then(|j| j.agency_licence.clone()),
        agency_standing: crate::agencies::check_recorded(
            s.locked,
            journey.as_ref().and_then(|j| j.agency_licence.as_deref()),
            journey.as_ref().and_then(|j| j.agency_name.as_deref()),
            crate::i18n::Locale::Id,
        )?
        .map(|check| check.standing),
        birth_date: parse_date("birth_date", &person.birth_date).ok(),
        departure_date: stored_date(journey.as_ref().and_then(|j| j.departure_date.as_ref())),
        today: Some(s.today),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn record() -> ScreeningRecord {
        let text = |t: &str| LocalizedText::new(t, t);
        ScreeningRecord {
            id: "s1".into(),
            person_id: "p1".into(),
            screened_at: "2026-11-28T08:00:00Z".into(),
            screened_by: "Kader Contoh".into(),
            answers: vec![
                ScreeningAnswer {
                    question_id: "work_visa".into(),
                    answer: Answer::No,
                },
                ScreeningAnswer {
                    question_id: "fees_paid".into(),
                    answer: Answer::Unknown,
                },
            ],
            result: ScreeningResult {
                level: RiskLevel::Critical,
                flags: vec![FiredFlag {
                    id: "non_work_visa".into(),
                    severity: RiskLevel::Critical,
                    title: text("Visa bukan visa kerja"),
                    explanation: text("Penjelasan"),
                    reasons: vec![text("Alasan")],
                    legal_basis: "UU 18/2017".into(),
                    action: text("Tindakan"),
                }],
                undecided_flags: vec!["fees_charged".into()],
                unknown_questions: vec!["fees_paid".into()],
                complete: false,
                catalogue_version: 1,
            },
            change: None,
        }
    }

    /// The tables, next to a stand-in for the persons table they point at.
    fn tables() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON; CREATE TABLE persons (id TEXT PRIMARY KEY); INSERT INTO persons VALUES ('p1');")
            .unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn
    }

    #[test]
    fn a_screening_row_reads_back_equal_and_holds_codes_not_rust_names() {
        let conn = tables();
        let record = record();
        let row = StoredScreening::from(&record);
        conn.execute(StoredScreening::INSERT, row.values().as_slice())
            .unwrap();
        let read = conn
            .query_row(StoredScreening::BY_KEY, ["s1"], StoredScreening::from_row)
            .unwrap();
        assert_eq!(ScreeningRecord::from(read), record);

        let (level, answers, flags): (String, String, String) = conn
            .query_row("SELECT risk_level, answers, flags FROM screenings", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap();
        assert_eq!(level, "critical");
        assert_eq!(answers, r#"[["work_visa","no"],["fees_paid","unknown"]]"#);
        assert!(flags.contains(r#""severity":"critical""#), "{flags}");
        for rust_name in ["Critical", "\"No\"", "Unknown"] {
            assert!(!answers.contains(rust_name) && !flags.contains(rust_name));
        }
    }

    #[test]
    fn a_follow_up_row_reads_back_and_its_reason_names_the_level() {
        let conn = tables();
        let follow_up = StoredFollowUp {
            screening_id: "s1".into(),
            person_id: "p1".into(),
            created_at: "2026-11-28T08:00:00Z".into(),
            due_date: "2026-11-29".into(),
            done: false,
            risk_level: RiskLevel::High,
        };
        conn.execute(
            StoredScreening::INSERT,
            StoredScreening::from(&record()).values().as_slice(),
        )
        .unwrap();
        conn.execute(StoredFollowUp::INSERT, follow_up.values().as_slice())
            .unwrap();
        let read = conn
            .query_row(StoredFollowUp::BY_KEY, ["s1"], StoredFollowUp::from_row)
            .unwrap();
        assert_eq!(read, follow_up);
        let shown = FollowUp::from(read);
        assert_eq!((shown.id.as_str(), shown.source_id.as_str()), ("s1", "s1"));
        assert_eq!(shown.kind, "screening");
        assert!(shown.reason.id.contains("tinggi") && shown.reason.en.contains("high"));
    }

    #[test]
    fn a_list_column_that_does_not_parse_is_a_conversion_failure() {
        let conn = tables();
        let mut row = StoredScreening::from(&record());
        row.answers = JsonColumn(vec![("work_visa".into(), Answer::Yes)]);
        conn.execute(StoredScreening::INSERT, row.values().as_slice())
            .unwrap();
        conn.execute("UPDATE screenings SET answers = '[[\"work_visa\",\"Yes\"]]'", [])
            .unwrap();
        let read = conn.query_row(StoredScreening::BY_KEY, ["s1"], StoredScreening::from_row);
        assert!(
            matches!(read, Err(rusqlite::Error::FromSqlConversionFailure(..))),
            "a Rust variant name is not a stored code"
        );
    }
}
