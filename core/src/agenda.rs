//! The cadre's agenda: what needs doing on a day, and what falls due in the days after.
//!
//! Each capability contributes *signals* through a function in `SOURCES`; the agenda
//! adds the person's name, orders them (most overdue first) and writes the text in both
//! languages. Visits, returns, the checklist and the screening contribute today.
//!
//! Rules (docs/cadre-work.md): who is followed: every person not archived whose
//! registration consent is given. A home visit is due on the date the last visit set, or
//! else a cadence by phase after the last visit (or after registration): 90 days while
//! prospective, 30 in pre-departure, 90 while abroad (the family is visited), 30 after
//! return. These cadences are programme defaults chosen for this software, not taken from
//! a regulation.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::audit::AuditAction;
use crate::consent;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::LocalizedText;
use crate::people::{self, Phase};
use crate::time::{date_text, parse_date};
use crate::vault::{Session, Vault};

/// Longest look-ahead: a quarter.
const MAX_LOOK_AHEAD_DAYS: u32 = 92;

/// What an agenda item asks the cadre to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
pub enum AgendaKind {
    /// A home visit is due.
    VisitDue,
    /// A follow-up agreed in a visit is due.
    FollowUpDue,
    /// A returned migrant's reintegration follow-up is due.
    ReintegrationFollowUpDue,
    /// A person in pre-departure still misses checklist items (from the checklist).
    MissingChecklistItems,
    /// A high or critical screening has no follow-up yet (from the screening).
    ScreeningNotFollowedUp,
    /// A person in pre-departure has attended no information session: invite them
    /// (from the sessions; no due date).
    InviteToSession,
    /// An alert from the migrant's own phone nobody on the team acknowledged yet (from
    /// the follow links; it leads the agenda).
    MigrantAlert,
    /// The migrant's phone missed a check-in and sent its prepared alert; nobody on the
    /// team acknowledged it yet (it leads the agenda).
    MissedCheckIn,
}

impl AgendaKind {
    /// Whether someone may be in danger now: such items come before everything else.
    fn is_emergency(self) -> bool {
        matches!(self, AgendaKind::MigrantAlert | AgendaKind::MissedCheckIn)
    }
}

/// Which agenda to build: for which day, and how far ahead to look.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AgendaRequest {
    /// The day the agenda is for, `YYYY-MM-DD`; today when `None`.
    pub on: Option<String>,
    /// Also show what falls due this many days after `on` (0 to 92).
    pub look_ahead_days: u32,
}

/// One thing to do for one person, with its due date and its text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AgendaItem {
    /// What is to be done.
    pub kind: AgendaKind,
    /// The person it is about.
    pub person_id: String,
    /// The person's full name, for display.
    pub person_name: String,
    /// The follow-up, return, screening ... the item is about, when there is one.
    pub record_id: Option<String>,
    /// When it is due, `YYYY-MM-DD`; `None` when it has no date (missing checklist items
    /// without a recorded departure date).
    pub due_on: Option<String>,
    /// Days past due on the agenda's day: positive overdue, 0 due today, negative not
    /// yet due (within the look-ahead).
    pub days_overdue: i64,
    /// How many (missing checklist items), for the kinds that count.
    pub count: Option<u32>,
    /// The line to show, in Bahasa Indonesia and English (what, and how late or how soon).
    pub text: LocalizedText,
}

/// The cadre's agenda for one day, most overdue first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Agenda {
    /// The day the agenda is for, `YYYY-MM-DD`.
    pub on: String,
    /// Everything due on that day or earlier, and what falls due within the look-ahead.
    pub items: Vec<AgendaItem>,
}

/// What a capability tells the agenda.
pub(crate) struct Signal {
    pub kind: AgendaKind,
    pub person_id: String,
    pub record_id: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub count: Option<u32>,
}

/// A person the agenda follows.
pub(crate) struct AgendaPerson {
    pub id: String,
    pub name: String,
    pub registered_on: NaiveDate,
    pub phase: Phase,
}

/// What a signal source gets: the day, the horizon and the people followed.
pub(crate) struct AgendaContext<'a> {
    pub on: NaiveDate,
    /// Last day included (`on` + look-ahead).
    pub horizon: NaiveDate,
    pub persons: &'a [AgendaPerson],
    followed: HashSet<&'a str>,
    phases: HashMap<&'a str, Phase>,
}

impl AgendaContext<'_> {
    pub fn includes(&self, person_id: &str) -> bool {
        self.followed.contains(person_id)
    }

    pub fn phase(&self, person_id: &str) -> Option<Phase> {
        self.phases.get(person_id).copied()
    }

    pub fn cadence_days(&self, person_id: &str) -> i64 {
        match self.phase(person_id).unwrap_or(Phase::Prospective) {
            Phase::Prospective => 90,
            Phase::PreDeparture => 30,
            Phase::Abroad => 90,
            Phase::Returned => 30,
        }
    }
}

type SignalSource = fn(&Session<'_>, &AgendaContext<'_>) -> Result<Vec<Signal>>;

/// Every capability's contribution.
const SOURCES: &[SignalSource] = &[
    crate::visits::agenda_signals,
    crate::reintegration::agenda_signals,
    crate::checklist::agenda_signals,
    crate::screening::agenda_signals,
    crate::sessions::agenda_signals,
    crate::follow::agenda_signals,
];

#[uniffi::export]
impl Vault {
    /// The cadre's agenda for a day, most overdue first.
    pub fn agenda(&self, request: AgendaRequest) -> Result<Agenda> {
        if request.look_ahead_days > MAX_LOOK_AHEAD_DAYS {
            return Err(MigranError::invalid("look_ahead_days", InvalidReason::OutOfRange));
        }
        let on = request
            .on
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| parse_date("on", t))
            .transpose()?;
        self.read(|s| {
            let on = on.unwrap_or(s.today);
            let horizon = on + chrono::Duration::days(i64::from(request.look_ahead_days));
            let persons = followed_persons(s)?;
            let ctx = AgendaContext {
                on,
                horizon,
                persons: &persons,
                followed: persons.iter().map(|p| p.id.as_str()).collect(),
                phases: persons.iter().map(|p| (p.id.as_str(), p.phase)).collect(),
            };
            let mut signals = Vec::new();
            for source in SOURCES {
                signals.extend(source(s, &ctx)?);
            }
            let names: HashMap<&str, &str> =
                persons.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
            let mut items: Vec<AgendaItem> = signals
                .into_iter()
                .filter_map(|signal| {
                    let name = names.get(signal.person_id.as_str())?;
                    Some(item(signal, name, on))
                })
                .collect();
            items.sort_by(|a, b| {
                b.kind
                    .is_emergency()
                    .cmp(&a.kind.is_emergency())
                    .then(b.days_overdue.cmp(&a.days_overdue))
                    .then(a.kind.cmp(&b.kind))
                    .then(a.person_name.cmp(&b.person_name))
                    .then(a.record_id.cmp(&b.record_id))
            });
            s.audit_count(AuditAction::List, RecordKind::Agenda, None, items.len());
            Ok(Agenda {
                on: date_text(on),
                items,
            })
        })
    }
}

fn followed_persons(s: &Session<'_>) -> Result<Vec<AgendaPerson>> {
    let consents = consent::all_current(s)?;
    let journeys = people::all_journeys(s)?;
    let mut followed = Vec::new();
    for person in people::all_persons(s)? {
        let registered = consents
            .get(&person.id)
            .is_some_and(|given| consent::is_given(given, consent::ConsentPurpose::Registration));
        if person.archived || !registered {
            continue;
        }
        let Some(registered_on) = person
            .created_at
            .get(..10)
            .and_then(crate::time::parse_stored_date)
        else {
            continue;
        };
        followed.push(AgendaPerson {
            phase: journeys.get(&person.id).map_or(Phase::Prospective, |j| j.phase),
            id: person.id,
            name: person.full_name,
            registered_on,
        });
    }
    Ok(followed)
}

fn item(signal: Signal, name: &str, on: NaiveDate) -> AgendaItem {
    let days_overdue = signal.due_on.map_or(0, |due| (on - due).num_days());
    AgendaItem {
        text: text(signal.kind, days_overdue, signal.count),
        kind: signal.kind,
        person_id: signal.person_id,
        person_name: name.to_string(),
        record_id: signal.record_id,
        due_on: signal.due_on.map(date_text),
        days_overdue,
        count: signal.count,
    }
}

/// The line the agenda shows, in both languages.
fn text(kind: AgendaKind, days_overdue: i64, count: Option<u32>) -> LocalizedText {
    let (what_id, what_en) = match kind {
        AgendaKind::VisitDue => ("Kunjungan rumah".to_string(), "Home visit".to_string()),
        AgendaKind::FollowUpDue => (
            "Tindak lanjut kunjungan".to_string(),
            "Visit follow-up".to_string(),
        ),
        AgendaKind::ReintegrationFollowUpDue => (
            "Tindak lanjut reintegrasi purna".to_string(),
            "Reintegration follow-up".to_string(),
        ),
        AgendaKind::MissingChecklistItems => match count {
            Some(n) => (
                format!("{n} item persiapan keberangkatan belum lengkap"),
                format!("{n} pre-departure checklist items missing"),
            ),
            None => (
                "Daftar persiapan keberangkatan tidak dapat dibuka, periksa bersama keluarga".to_string(),
                "The pre-departure checklist cannot be opened: go through it with the family".to_string(),
            ),
        },
        AgendaKind::ScreeningNotFollowedUp => (
            "Skrining risiko tinggi belum ditindaklanjuti".to_string(),
            "High-risk screening not yet followed up".to_string(),
        ),
        AgendaKind::InviteToSession => (
            "Undang ke sesi informasi (sosialisasi), belum pernah hadir".to_string(),
            "Invite to an information session (none attended yet)".to_string(),
        ),
        AgendaKind::MigrantAlert => (
            "DARURAT: peringatan dari HP migran belum dijawab".to_string(),
            "EMERGENCY: alert from the migrant's phone not yet acknowledged".to_string(),
        ),
        AgendaKind::MissedCheckIn => (
            "DARURAT: migran melewatkan lapor diri (check-in), belum dijawab".to_string(),
            "EMERGENCY: the migrant missed a check-in, not yet acknowledged".to_string(),
        ),
    };
    let (when_id, when_en) = match days_overdue {
        d if d > 0 => (format!("terlambat {d} hari"), format!("{d} days overdue")),
        0 if kind.is_emergency() => ("hari ini".to_string(), "today".to_string()),
        0 => ("jatuh tempo hari ini".to_string(), "due today".to_string()),
        d => (
            format!("jatuh tempo dalam {} hari", -d),
            format!("due in {} days", -d),
        ),
    };
    LocalizedText {
        id: format!("{what_id}: {when_id}"),
        en: format!("{what_en}: {when_en}"),
    }
}
