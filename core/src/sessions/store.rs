//! Sessions and attendance in `vault.db`: a session is one row of `info_sessions` (its
//! short lists in JSON columns), each registered attendee one row of
//! `session_attendance`, pointing at the person so that erasing them erases it.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{Row, ToSql};

use super::{AttendedSession, Facilitator, GuestCount, InfoSession, InfoSessionInput, PersonEducation};
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::error::{RecordKind, Result};
use crate::people::Phase;
use crate::reports::ReportCount;
use crate::store::codes::JsonColumn;
use crate::store::kernel::{storage_error, stored_sql, Stored};
use crate::vault::Session;

/// Sessions (`topics`, `facilitators`, `guests`, `follow_ups` are JSON arrays, enums by
/// their storage codes) and the registered persons who attended them.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE info_sessions (
        id            TEXT PRIMARY KEY,
        date          TEXT NOT NULL,
        place         TEXT NOT NULL,
        topics        TEXT NOT NULL,
        facilitators  TEXT NOT NULL,
        guests        TEXT NOT NULL,
        follow_ups    TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX info_sessions_by_date ON info_sessions (date, created_at);
    CREATE TABLE session_attendance (
        id          TEXT PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES info_sessions (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        UNIQUE (session_id, person_id)
    );
    CREATE INDEX session_attendance_by_person ON session_attendance (person_id);
"#;

struct StoredSession {
    id: String,
    date: String,
    place: String,
    topics: JsonColumn<Vec<String>>,
    facilitators: JsonColumn<Vec<Facilitator>>,
    guests: JsonColumn<Vec<GuestCount>>,
    follow_ups: JsonColumn<Vec<String>>,
    created_at: String,
}

impl Stored for StoredSession {
    const KIND: RecordKind = RecordKind::InfoSession;
    stored_sql!(table: "info_sessions", key: "id", columns: [
        "date", "place", "topics", "facilitators", "guests", "follow_ups", "created_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.date,
            &self.place,
            &self.topics,
            &self.facilitators,
            &self.guests,
            &self.follow_ups,
            &self.created_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredSession {
            id: row.get(0)?,
            date: row.get(1)?,
            place: row.get(2)?,
            topics: row.get(3)?,
            facilitators: row.get(4)?,
            guests: row.get(5)?,
            follow_ups: row.get(6)?,
            created_at: row.get(7)?,
        })
    }
}

struct StoredAttendance {
    id: String,
    session_id: String,
    person_id: String,
    created_at: String,
}

impl Stored for StoredAttendance {
    const KIND: RecordKind = RecordKind::SessionAttendance;
    stored_sql!(table: "session_attendance", key: "id", columns: ["session_id", "person_id", "created_at"]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![&self.id, &self.session_id, &self.person_id, &self.created_at]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredAttendance {
            id: row.get(0)?,
            session_id: row.get(1)?,
            person_id: row.get(2)?,
            created_at: row.get(3)?,
        })
    }
}

pub(super) fn new_session(
    s: &Session<'_>,
    input: &InfoSessionInput,
    lessons: &crate::lessons::LessonPack,
) -> Result<InfoSession> {
    super::checked(input, crate::time::latest_date_anywhere(s.now), s.now, lessons)
}

/// Stores the session and its attendance, each with its audit entry (an attendance's
/// entry names the person; the session's names no one).
pub(super) fn insert(s: &Session<'_>, session: &InfoSession) -> Result<()> {
    s.insert(&StoredSession {
        id: session.id.clone(),
        date: session.date.clone(),
        place: session.place.clone(),
        topics: JsonColumn(session.topics.clone()),
        facilitators: JsonColumn(session.facilitators.clone()),
        guests: JsonColumn(session.guests.clone()),
        follow_ups: JsonColumn(session.follow_ups.clone()),
        created_at: session.created_at.clone(),
    })?;
    s.audit_count(AuditAction::Create, RecordKind::InfoSession, None, 1);
    for person_id in &session.attendees {
        let attendance = StoredAttendance {
            id: crate::crypto::new_row_id()?,
            session_id: session.id.clone(),
            person_id: person_id.clone(),
            created_at: session.created_at.clone(),
        };
        s.insert(&attendance)?;
        s.audit(
            AuditAction::Create,
            RecordKind::SessionAttendance,
            &attendance.id,
            person_id,
        );
    }
    Ok(())
}

fn with_attendees(s: &Session<'_>, stored: StoredSession) -> Result<InfoSession> {
    let attendees = s
        .select::<StoredAttendance, _>("WHERE session_id = ?1 ORDER BY rowid", [&stored.id])?
        .into_iter()
        .map(|a| a.person_id)
        .collect();
    Ok(InfoSession {
        id: stored.id,
        date: stored.date,
        place: stored.place,
        topics: stored.topics.0,
        facilitators: stored.facilitators.0,
        attendees,
        guests: stored.guests.0,
        follow_ups: stored.follow_ups.0,
        created_at: stored.created_at,
    })
}

pub(super) fn load_session(s: &Session<'_>, session_id: &str) -> Result<InfoSession> {
    let stored: StoredSession = s.get(session_id)?;
    with_attendees(s, stored)
}

pub(super) fn load_sessions(
    s: &Session<'_>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<InfoSession>> {
    s.select::<StoredSession, _>(
        "WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) ORDER BY date DESC, created_at DESC",
        rusqlite::params![from, to],
    )?
    .into_iter()
    .map(|stored| with_attendees(s, stored))
    .collect()
}

/// The sessions a person attended, newest first, and the lessons they covered.
pub(crate) fn attended_by(s: &Session<'_>, person_id: &str) -> Result<PersonEducation> {
    let mut sessions = Vec::new();
    let mut lessons = BTreeSet::new();
    for attendance in s.select::<StoredAttendance, _>("WHERE person_id = ?1", [person_id])? {
        let session: StoredSession = s.get(&attendance.session_id)?;
        lessons.extend(session.topics.0.iter().cloned());
        sessions.push(AttendedSession {
            session_id: session.id,
            date: session.date,
            topics: session.topics.0,
        });
    }
    sessions.sort_by(|a, b| b.date.cmp(&a.date).then(a.session_id.cmp(&b.session_id)));
    Ok(PersonEducation {
        sessions,
        lessons: lessons.into_iter().collect(),
    })
}

/// The agenda's suggestion: invite every followed person in pre-departure who has
/// attended no session. No due date: a suggestion, not a deadline. Only once the
/// village records sessions at all: without any there is nothing to invite to.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let any_session: bool = s
        .conn
        .query_row("SELECT EXISTS (SELECT 1 FROM info_sessions)", [], |row| {
            row.get(0)
        })
        .map_err(|err| storage_error(err, RecordKind::InfoSession))?;
    if !any_session {
        return Ok(Vec::new());
    }
    let attended: HashSet<String> = s
        .conn
        .prepare_cached("SELECT DISTINCT person_id FROM session_attendance")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .map_err(|err| storage_error(err, RecordKind::SessionAttendance))?;
    Ok(ctx
        .persons
        .iter()
        .filter(|p| p.phase == Phase::PreDeparture && !attended.contains(&p.id))
        .map(|p| Signal {
            kind: AgendaKind::InviteToSession,
            person_id: p.id.clone(),
            record_id: None,
            due_on: None,
            count: None,
        })
        .collect())
}

/// For the village report, over the sessions held in the period (`?1`..`?2`, open when
/// NULL): how many; attendance (`registered`: attendees among the people the report
/// counts; `others`: the counted guests); and per lesson, the sessions that covered it.
pub(crate) fn report_counts(
    s: &Session<'_>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(u32, Vec<ReportCount>, Vec<ReportCount>)> {
    let sessions = s.select::<StoredSession, _>(
        "WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2)",
        rusqlite::params![from, to],
    )?;
    let registered: u32 = s
        .conn
        .query_row(
            "SELECT count(*) FROM session_attendance a
             JOIN info_sessions i ON i.id = a.session_id
             JOIN temp.report_counted c ON c.person_id = a.person_id
             WHERE (?1 IS NULL OR i.date >= ?1) AND (?2 IS NULL OR i.date <= ?2)",
            rusqlite::params![from, to],
            |row| row.get(0),
        )
        .map_err(|err| storage_error(err, RecordKind::SessionAttendance))?;
    let others = sessions
        .iter()
        .flat_map(|session| session.guests.0.iter())
        .fold(0u32, |sum, guest| sum.saturating_add(guest.count));
    let mut topics: BTreeMap<&str, u32> = BTreeMap::new();
    for topic in sessions.iter().flat_map(|session| session.topics.0.iter()) {
        *topics.entry(topic.as_str()).or_insert(0) += 1;
    }
    let count = |key: &str, count: u32| ReportCount {
        key: key.to_string(),
        count,
    };
    Ok((
        u32::try_from(sessions.len()).unwrap_or(u32::MAX),
        vec![count("registered", registered), count("others", others)],
        topics.into_iter().map(|(topic, n)| count(topic, n)).collect(),
    ))
}
