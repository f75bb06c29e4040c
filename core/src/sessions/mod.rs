//! Information sessions (sosialisasi): the officer or cadre records a session held in
//! the village (date, place, topics from the lessons, facilitators and their
//! organisation), who attended (registered persons by id; others only as counts by sex
//! and age group) and the follow-ups agreed. The agenda suggests inviting people in
//! pre-departure who have attended none; the village report counts sessions, attendance
//! and topics; a person's record shows the sessions attended and the lessons covered.
//!
//! Layers: this file holds the types and the exported API; `store` keeps a session as
//! one row of `info_sessions` and each registered attendee as one row of
//! `session_attendance` (so erasing a person erases their attendance, and nothing else).

mod store;

use serde::Serialize;

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::people::{ensure_person, Sex};
use crate::time::{date_text, instant_text};
use crate::validate;
use crate::vault::Vault;

pub(crate) use store::{agenda_signals, attended_by, report_counts, SCHEMA};

/// Most facilitators, attendees, guest counts and follow-ups one session may hold.
const MAX_FACILITATORS: usize = 20;
const MAX_ATTENDEES: usize = 500;
const MAX_FOLLOW_UPS: usize = 20;

/// The organisation a facilitator comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum FacilitatorOrganisation {
    /// The village government.
    Village,
    /// BP3MI, the ministry's provincial service office.
    Bp3mi,
    /// Disnaker, the district manpower office.
    Disnaker,
    /// A non-governmental organisation.
    Ngo,
    /// A community or religious leader.
    CommunityLeader,
}

crate::storage_codes!(FacilitatorOrganisation {
    Village => "village",
    Bp3mi => "bp3mi",
    Disnaker => "disnaker",
    Ngo => "ngo",
    CommunityLeader => "community_leader",
});

/// Age groups for the counts of attendees who are not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum AgeGroup {
    /// Under 18.
    Under18,
    /// 18 to 59.
    Adult,
    /// 60 and older.
    Older,
}

crate::storage_codes!(AgeGroup {
    Under18 => "under_18",
    Adult => "adult",
    Older => "older",
});

/// Who led (part of) a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, uniffi::Record)]
pub struct Facilitator {
    /// The facilitator's name.
    pub name: String,
    /// Where they come from.
    pub organisation: FacilitatorOrganisation,
}

/// How many attendees who are not registered came, of one sex and age group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, uniffi::Record)]
pub struct GuestCount {
    /// Their sex.
    pub sex: Sex,
    /// Their age group.
    pub age_group: AgeGroup,
    /// How many.
    pub count: u32,
}

/// A session as the officer types it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InfoSessionInput {
    /// `YYYY-MM-DD`, not in the future: a session is recorded once held.
    pub date: String,
    /// Where it was held (balai desa, a house, a mosque...).
    pub place: String,
    /// The lessons covered, by id (`Vault::lessons`); at least one, repeats dropped.
    pub topics: Vec<String>,
    /// Who led it; at least one.
    pub facilitators: Vec<Facilitator>,
    /// Registered persons who attended, by id; each needs the registration consent.
    pub attendees: Vec<String>,
    /// Everyone else, as counts by sex and age group.
    pub guests: Vec<GuestCount>,
    /// Follow-ups agreed (what, as written).
    pub follow_ups: Vec<String>,
}

/// A recorded information session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct InfoSession {
    /// The session's id, made by the core.
    pub id: String,
    /// The day it was held, `YYYY-MM-DD`.
    pub date: String,
    /// Where.
    pub place: String,
    /// The lessons covered, by id.
    pub topics: Vec<String>,
    /// Who led it.
    pub facilitators: Vec<Facilitator>,
    /// Registered persons who attended, by id.
    pub attendees: Vec<String>,
    /// The others, as counts.
    pub guests: Vec<GuestCount>,
    /// Follow-ups agreed.
    pub follow_ups: Vec<String>,
    /// When it was recorded, RFC 3339 UTC.
    pub created_at: String,
}

impl InfoSession {
    /// Everyone who attended: registered persons and the counted others.
    pub fn attendance(&self) -> u32 {
        let registered = u32::try_from(self.attendees.len()).unwrap_or(u32::MAX);
        self.guests
            .iter()
            .fold(registered, |sum, guest| sum.saturating_add(guest.count))
    }
}

/// What one person learnt in the village's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct PersonEducation {
    /// The sessions attended, newest first: id and date.
    pub sessions: Vec<AttendedSession>,
    /// The lessons covered in those sessions, by id, each once, sorted.
    pub lessons: Vec<String>,
}

/// A session a person attended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct AttendedSession {
    /// The session's id.
    pub session_id: String,
    /// The day it was held.
    pub date: String,
    /// The lessons it covered.
    pub topics: Vec<String>,
}

#[uniffi::export]
impl Vault {
    /// Records an information session. Every topic must be a lesson of the pack in use,
    /// every attendee a registered person with the registration consent given.
    pub fn add_info_session(&self, input: InfoSessionInput) -> Result<InfoSession> {
        let lesson_pack = {
            let key = crate::emergency::directory::publisher_key()?;
            let mark_key = self.pack_mark_key()?;
            self.with_locked_store(|conn| crate::lessons::current_pack(conn, &key, &mark_key))?
        };
        self.write(|s| {
            let session = store::new_session(s, &input, &lesson_pack)?;
            for person_id in &session.attendees {
                ensure_person(s, person_id)?;
                consent::require(s, person_id, ConsentPurpose::Registration)?;
            }
            store::insert(s, &session)?;
            Ok(session)
        })
    }

    /// Sessions held in the period (inclusive `YYYY-MM-DD` bounds, open when `None`),
    /// newest first.
    pub fn list_info_sessions(&self, from: Option<String>, to: Option<String>) -> Result<Vec<InfoSession>> {
        let from = optional_day("from", from.as_deref())?;
        let to = optional_day("to", to.as_deref())?;
        self.read(|s| {
            let sessions = store::load_sessions(s, from.as_deref(), to.as_deref())?;
            s.audit_count(AuditAction::List, RecordKind::InfoSession, None, sessions.len());
            Ok(sessions)
        })
    }

    /// One session; `NotFound { InfoSession }` when there is none.
    pub fn info_session(&self, session_id: String) -> Result<InfoSession> {
        self.read(|s| {
            let session = store::load_session(s, &session_id)?;
            for person_id in &session.attendees {
                s.audit(
                    AuditAction::Read,
                    RecordKind::SessionAttendance,
                    &session.id,
                    person_id,
                );
            }
            Ok(session)
        })
    }

    /// The sessions a person attended and the lessons covered in them.
    pub fn person_education(&self, person_id: String) -> Result<PersonEducation> {
        self.read(|s| {
            ensure_person(s, &person_id)?;
            let education = attended_by(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::SessionAttendance,
                Some(&person_id),
                education.sessions.len(),
            );
            Ok(education)
        })
    }
}

fn optional_day(field: &str, text: Option<&str>) -> Result<Option<String>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| crate::time::parse_date(field, t).map(date_text))
        .transpose()
}

/// Checks what the officer typed; the ids and the time are made here.
pub(super) fn checked(
    input: &InfoSessionInput,
    latest: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    lessons: &crate::lessons::LessonPack,
) -> Result<InfoSession> {
    let date = crate::time::parse_date("date", &input.date)?;
    if date > latest {
        return Err(MigranError::invalid("date", InvalidReason::OutOfRange));
    }
    let place = validate::required_text("place", &input.place, validate::SHORT_TEXT_MAX)?;
    let mut topics: Vec<String> = Vec::new();
    for topic in &input.topics {
        let topic = topic.trim();
        if !lessons.lessons.iter().any(|lesson| lesson.id == topic) {
            return Err(MigranError::invalid("topics", InvalidReason::BadFormat));
        }
        if !topics.iter().any(|t| t == topic) {
            topics.push(topic.to_string());
        }
    }
    if topics.is_empty() {
        return Err(MigranError::invalid("topics", InvalidReason::Empty));
    }
    if input.facilitators.is_empty() {
        return Err(MigranError::invalid("facilitators", InvalidReason::Empty));
    }
    if input.facilitators.len() > MAX_FACILITATORS
        || input.attendees.len() > MAX_ATTENDEES
        || input.follow_ups.len() > MAX_FOLLOW_UPS
        || input.guests.len() > AgeGroup::COUNT * 2
    {
        return Err(MigranError::invalid("session", InvalidReason::TooLong));
    }
    let facilitators = input
        .facilitators
        .iter()
        .map(|f| {
            Ok(Facilitator {
                name: validate::required_text("facilitators", &f.name, validate::SHORT_TEXT_MAX)?,
                organisation: f.organisation,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut attendees: Vec<String> = Vec::new();
    for id in &input.attendees {
        if !attendees.contains(id) {
            attendees.push(id.clone());
        }
    }
    let mut guests: Vec<GuestCount> = Vec::new();
    for guest in input.guests.iter().filter(|g| g.count > 0) {
        if guests
            .iter()
            .any(|g| g.sex == guest.sex && g.age_group == guest.age_group)
        {
            return Err(MigranError::invalid("guests", InvalidReason::Inconsistent));
        }
        guests.push(guest.clone());
    }
    let follow_ups = input
        .follow_ups
        .iter()
        .map(|f| validate::required_text("follow_ups", f, validate::LONG_TEXT_MAX))
        .collect::<Result<Vec<_>>>()?;
    Ok(InfoSession {
        id: crate::crypto::new_row_id()?,
        date: date_text(date),
        place,
        topics,
        facilitators,
        attendees,
        guests,
        follow_ups,
        created_at: instant_text(now),
    })
}

impl AgeGroup {
    const COUNT: usize = 3;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    #[test]
    fn every_stored_code_of_the_session_enums_is_pinned() {
        let codes = |all: Vec<&str>| all.join(",");
        assert_eq!(
            codes(FacilitatorOrganisation::ALL.iter().map(|v| v.code()).collect()),
            "village,bp3mi,disnaker,ngo,community_leader"
        );
        assert_eq!(
            codes(AgeGroup::ALL.iter().map(|v| v.code()).collect()),
            "under_18,adult,older"
        );
    }
}
