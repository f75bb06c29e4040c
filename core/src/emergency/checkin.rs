//! Check-ins (issue 16): the owner asks to be checked on, every so many minutes or once
//! at a time they set (before a risky meeting). When a check-in is missed by more than its
//! grace period, the alert they prepared is queued in the outbox, like a press of the
//! button, for their family and cadre; "I am fine" moves the next due time; ending the
//! check-in early needs the PIN.
//!
//! Everything that decides runs on the core's clock, and everything but setting one up
//! works locked: the app wakes now and then on a locked phone and calls
//! [`Vault::poll_check_in`], as the button does. The check-in is one row of
//! `emergency_checkin` sealed with the device key and padded to one size: the file tells
//! whether a check-in was ever set on this phone, never its times, its kind or whether it
//! still runs (a cancelled one stays as a sealed row of the same size).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::outbox::{insert_alert, new_alert};
use super::{from_json, to_json, ActionChannel, EmergencyAlert, EmergencyKind, GeoLocation, Recipient};
use crate::audit::AuditAction;
use crate::crypto::{DeviceKey, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::time::{instant_text, parse_instant};
use crate::vault::Vault;

/// The check-in's table in `locked.db` (locked schema step 9): one row, sealed.
pub(crate) const LOCKED_CHECK_IN: &str = r#"
    CREATE TABLE emergency_checkin (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        data  BLOB NOT NULL
    );
"#;

/// The shortest interval between check-ins: fifteen minutes. Shorter, the owner would
/// spend the day answering the phone.
pub const MIN_CHECK_IN_MINUTES: u32 = 15;

/// The longest interval: seven days. Longer, a missed check-in comes too late to help.
pub const MAX_CHECK_IN_MINUTES: u32 = 7 * 24 * 60;

/// The longest grace period after a due time: one day.
pub const MAX_CHECK_IN_GRACE_MINUTES: u32 = 24 * 60;

/// How far ahead a once-only check-in may be set: thirty days.
pub const MAX_CHECK_IN_AHEAD_DAYS: i64 = 30;

/// The sealed check-in is padded to this many bytes, so a running, a missed and a
/// cancelled check-in have one sealed size.
const SEALED_SIZE: usize = 1024;

const PLACE: Place<'static> = Place {
    table: "emergency_checkin",
    row: "1",
    column: "data",
};

/// When the owner is to be checked on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInSchedule {
    /// Every so many minutes, counted from the set-up and then from each "I am fine".
    Every {
        /// [`MIN_CHECK_IN_MINUTES`] to [`MAX_CHECK_IN_MINUTES`], else
        /// `Invalid { field: "check_in_minutes" }`.
        minutes: u32,
    },
    /// Once, at a time the owner sets (before a risky meeting).
    Once {
        /// RFC 3339, e.g. `2026-12-05T18:00:00+08:00`: after the core's now and at most
        /// [`MAX_CHECK_IN_AHEAD_DAYS`] ahead (else `Invalid { field: "check_in_due_at" }`,
        /// `BadFormat`, `BadDate` or `OutOfRange`).
        due_at: String,
    },
}

/// A check-in to set up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckInRequest {
    /// When the owner is to be checked on.
    pub schedule: CheckInSchedule,
    /// Minutes after the due time before the alert is queued (0 to
    /// [`MAX_CHECK_IN_GRACE_MINUTES`], else `Invalid { field: "check_in_grace_minutes" }`).
    pub grace_minutes: u32,
    /// The alert prepared for a missed check-in: its kind decides the words of the message.
    pub kind: EmergencyKind,
}

/// Where the check-in stands at the core's now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInState {
    /// No check-in runs (never set, cancelled, or a once-only one answered).
    Off,
    /// The next check-in is not due yet.
    Waiting,
    /// Due and not answered, within the grace period: the app reminds the owner.
    InGrace,
    /// Not answered within the grace period: the prepared alert was (or, at the next
    /// [`Vault::poll_check_in`], will be) queued. Stays so until "I am fine" or a cancel.
    Missed,
}

/// The check-in as the app shows it and schedules its next wake-up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckInStatus {
    /// Where it stands.
    pub state: CheckInState,
    /// The interval of a repeating check-in; `None` for a once-only one or none.
    pub every_minutes: Option<u32>,
    /// The grace period, minutes (0 when none runs).
    pub grace_minutes: u32,
    /// The alert prepared; `None` when none runs, and on a locked vault in discreet mode
    /// (the kind says what the owner fears).
    pub kind: Option<EmergencyKind>,
    /// When the check-in is due, RFC 3339 UTC; `None` when none runs.
    pub due_at: Option<String>,
    /// When the alert is queued unless the owner answers (due plus grace).
    pub alert_at: Option<String>,
    /// Seconds from the core's now to `due_at` (0 once due), for the app's timer.
    pub seconds_until_due: Option<u64>,
    /// Seconds from the core's now to `alert_at` (0 once reached).
    pub seconds_until_alert: Option<u64>,
    /// When the missed check-in's alert was queued, RFC 3339 UTC.
    pub missed_at: Option<String>,
    /// The id of that alert in the outbox; `None` on a locked vault in discreet mode.
    pub missed_alert_id: Option<String>,
}

/// What [`Vault::poll_check_in`] found and did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInPoll {
    /// The check-in after this poll.
    pub status: CheckInStatus,
    /// The alert this poll queued, returned to the app once (as `trigger_emergency`
    /// returns the button's) so that it hands the texts to the phone; `None` on every
    /// other poll. Failed or unsent actions are retried through the outbox as usual.
    pub queued: Option<EmergencyAlert>,
}

/// The sealed record. `active: false` is a cancelled or finished check-in, kept as a row
/// of the same sealed size rather than deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredCheckIn {
    active: bool,
    every_minutes: Option<u32>,
    grace_minutes: u32,
    kind: EmergencyKind,
    due_at: String,
    missed_at: Option<String>,
    missed_alert_id: Option<String>,
}

impl StoredCheckIn {
    fn off() -> Self {
        StoredCheckIn {
            active: false,
            every_minutes: None,
            grace_minutes: 0,
            kind: EmergencyKind::Other,
            due_at: String::new(),
            missed_at: None,
            missed_alert_id: None,
        }
    }

    fn alert_at(&self) -> Result<DateTime<Utc>> {
        Ok(parse_instant(&self.due_at)? + Duration::minutes(i64::from(self.grace_minutes)))
    }

    /// Missed and no alert queued for it yet: the poll's one moment to queue.
    fn alert_to_queue(&self, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.active && self.missed_alert_id.is_none() && now >= self.alert_at()?)
    }
}

#[uniffi::export]
impl Vault {
    /// Sets up a check-in, replacing any running one. Needs the PIN (an unlocked vault,
    /// else `Locked`): a new schedule would end the old one. Returns the status.
    pub fn set_check_in(&self, request: CheckInRequest) -> Result<CheckInStatus> {
        if !self.is_unlocked() {
            return Err(MigranError::Locked);
        }
        let now = self.now();
        let (every_minutes, due_at) = match &request.schedule {
            CheckInSchedule::Every { minutes } => {
                if !(MIN_CHECK_IN_MINUTES..=MAX_CHECK_IN_MINUTES).contains(minutes) {
                    return Err(MigranError::invalid(
                        "check_in_minutes",
                        InvalidReason::OutOfRange,
                    ));
                }
                (Some(*minutes), now + Duration::minutes(i64::from(*minutes)))
            }
            CheckInSchedule::Once { due_at } => (None, once_due_at(due_at, now)?),
        };
        if request.grace_minutes > MAX_CHECK_IN_GRACE_MINUTES {
            return Err(MigranError::invalid(
                "check_in_grace_minutes",
                InvalidReason::OutOfRange,
            ));
        }
        let record = StoredCheckIn {
            active: true,
            every_minutes,
            grace_minutes: request.grace_minutes,
            kind: request.kind,
            due_at: instant_text(due_at),
            missed_at: None,
            missed_alert_id: None,
        };
        let key = self.emergency_key()?;
        self.write(|s| {
            store(s.locked, &key, &record)?;
            s.audit_count(AuditAction::Update, RecordKind::EmergencySettings, None, 1);
            Ok(())
        })?;
        self.check_in_status()
    }

    /// "I am fine": with the PIN (checked as at unlock, a wrong one counted as a failed
    /// attempt), so that whoever holds the phone cannot silence the check-in. A repeating
    /// check-in is next due one interval from now (also after a miss; the alert already
    /// queued stays in the outbox); a once-only one ends. Works locked.
    /// `NotFound` when no check-in runs.
    pub fn check_in_done(&self, pin: String) -> Result<CheckInStatus> {
        let pin = Zeroizing::new(pin);
        let duress = self.check_pin(&pin)?;
        let now = self.now();
        self.change_check_in(|record| {
            if !record.active {
                return Err(MigranError::not_found("check_in"));
            }
            match record.every_minutes {
                Some(minutes) => {
                    record.due_at = instant_text(now + Duration::minutes(i64::from(minutes)));
                    record.missed_at = None;
                    record.missed_alert_id = None;
                }
                None => *record = StoredCheckIn::off(),
            }
            Ok(())
        })?;
        self.queue_if_duress(duress);
        self.check_in_status()
    }

    /// Ends the check-in, with the PIN (checked as at unlock, a wrong one counted as a
    /// failed attempt). Works locked. Cancelling when none runs is not an error.
    pub fn cancel_check_in(&self, pin: String) -> Result<CheckInStatus> {
        let pin = Zeroizing::new(pin);
        let duress = self.check_pin(&pin)?;
        self.change_check_in(|record| {
            *record = StoredCheckIn::off();
            Ok(())
        })?;
        self.queue_if_duress(duress);
        self.check_in_status()
    }

    /// Where the check-in stands; changes nothing. Works locked (in discreet mode
    /// without the kind and the alert's id).
    pub fn check_in_status(&self) -> Result<CheckInStatus> {
        let key = self.emergency_key()?;
        let record = self.with_locked_store(|conn| load(conn, &key))?;
        self.status_of(record.as_ref(), self.now())
    }

    /// What the app calls when it wakes (a timer, a periodic job, the screen opened),
    /// locked or not: when the check-in was missed by more than its grace period and no
    /// alert was queued for it yet, queues the prepared alert in the outbox and returns it
    /// (once: a later poll returns `None` until the next miss). `location`, when the phone
    /// has one, goes into the alert; one the plan would refuse (off Earth, too old) is left
    /// out rather than stop the alert. Works locked, in discreet mode too.
    pub fn poll_check_in(&self, location: Option<GeoLocation>, locale: Locale) -> Result<CheckInPoll> {
        let key = self.emergency_key()?;
        let now = self.now();
        let record = self.with_locked_store(|conn| load(conn, &key))?;
        let queued = match record {
            Some(record) if record.alert_to_queue(now)? => {
                self.queue_missed(&key, &record, location, locale, now)?
            }
            _ => None,
        };
        Ok(CheckInPoll {
            status: self.check_in_status()?,
            queued,
        })
    }
}

impl Vault {
    /// The alert the latest missed check-in queued, if any: the team is told which of
    /// the outbox's alerts came from a miss (docs/follow.md).
    pub(crate) fn missed_check_in_alert_id(&self) -> Result<Option<String>> {
        let key = self.emergency_key()?;
        let record = self.with_locked_store(|conn| load(conn, &key))?;
        Ok(record.and_then(|record| record.missed_alert_id))
    }

    /// After "I am fine" or a cancel answered with the duress PIN, which acts on the
    /// check-in as the real PIN does: the duress alert, silently (a failure to queue it is
    /// not shown, so the answer is the real PIN's).
    fn queue_if_duress(&self, duress: bool) {
        if duress {
            let _ = self.queue_duress_alert();
        }
    }

    /// Composes the prepared alert, then stores it and marks the check-in missed in one
    /// transaction, after reading the check-in again inside it: two polls at once (the
    /// timer and the screen) queue one alert, and a kill between the two writes leaves
    /// neither. The plan is composed outside the transaction because it reads the store.
    fn queue_missed(
        &self,
        key: &DeviceKey,
        record: &StoredCheckIn,
        location: Option<GeoLocation>,
        locale: Locale,
        now: DateTime<Utc>,
    ) -> Result<Option<EmergencyAlert>> {
        let location = location.filter(|l| super::check_location(Some(l), now).is_ok());
        let mut plan = self.emergency_plan(record.kind, None, location, locale)?;
        // The owner prepared this alert for their family and cadre: the phone can text
        // them without anyone at the screen, not place calls. Without such a contact on
        // the card the whole plan is kept, so the alert still reaches someone.
        let for_contacts: Vec<_> = plan
            .actions
            .iter()
            .filter(|a| matches!(a.recipient, Recipient::Family | Recipient::Cadre))
            .filter(|a| a.channel != ActionChannel::Call)
            .cloned()
            .collect();
        if !for_contacts.is_empty() {
            plan.actions = for_contacts;
        }
        let alert = new_alert(plan, location, now)?;
        let queued = self.with_outbox(key, |conn| {
            let tx = conn.transaction()?;
            let Some(mut current) = load(&tx, key)? else {
                return Ok(false);
            };
            if !current.alert_to_queue(now)? {
                return Ok(false);
            }
            insert_alert(&tx, key, &alert)?;
            current.missed_at = Some(instant_text(now));
            current.missed_alert_id = Some(alert.id.clone());
            store(&tx, key, &current)?;
            tx.commit()?;
            Ok(true)
        })?;
        Ok(queued.then_some(alert))
    }

    fn change_check_in(&self, change: impl FnOnce(&mut StoredCheckIn) -> Result<()>) -> Result<()> {
        let key = self.emergency_key()?;
        self.with_locked_store(|conn| {
            let tx = conn.transaction()?;
            let mut record = load(&tx, &key)?.unwrap_or_else(StoredCheckIn::off);
            change(&mut record)?;
            store(&tx, &key, &record)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn status_of(&self, record: Option<&StoredCheckIn>, now: DateTime<Utc>) -> Result<CheckInStatus> {
        let Some(record) = record.filter(|r| r.active) else {
            return Ok(CheckInStatus {
                state: CheckInState::Off,
                every_minutes: None,
                grace_minutes: 0,
                kind: None,
                due_at: None,
                alert_at: None,
                seconds_until_due: None,
                seconds_until_alert: None,
                missed_at: None,
                missed_alert_id: None,
            });
        };
        let due_at = parse_instant(&record.due_at)?;
        let alert_at = record.alert_at()?;
        let state = if record.missed_alert_id.is_some() || now >= alert_at {
            CheckInState::Missed
        } else if now >= due_at {
            CheckInState::InGrace
        } else {
            CheckInState::Waiting
        };
        let hidden = !self.shows_emergency_details() && self.emergency_settings()?.discreet;
        let seconds_until = |at: DateTime<Utc>| u64::try_from((at - now).num_seconds().max(0)).unwrap_or(0);
        Ok(CheckInStatus {
            state,
            every_minutes: record.every_minutes,
            grace_minutes: record.grace_minutes,
            kind: (!hidden).then_some(record.kind),
            due_at: Some(instant_text(due_at)),
            alert_at: Some(instant_text(alert_at)),
            seconds_until_due: Some(seconds_until(due_at)),
            seconds_until_alert: Some(seconds_until(alert_at)),
            missed_at: record.missed_at.clone(),
            missed_alert_id: record.missed_alert_id.clone().filter(|_| !hidden),
        })
    }
}

/// A once-only due time from the owner: a valid RFC 3339 instant, after `now`, at most
/// [`MAX_CHECK_IN_AHEAD_DAYS`] ahead.
fn once_due_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    const FIELD: &str = "check_in_due_at";
    let due_at = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| MigranError::invalid(FIELD, InvalidReason::BadFormat))?
        .with_timezone(&Utc);
    if due_at <= now {
        return Err(MigranError::invalid(FIELD, InvalidReason::BadDate));
    }
    if due_at - now > Duration::days(MAX_CHECK_IN_AHEAD_DAYS) {
        return Err(MigranError::invalid(FIELD, InvalidReason::OutOfRange));
    }
    Ok(due_at)
}

/// The check-in, if one was ever stored; `Tampered` when it does not open.
fn load(conn: &Connection, key: &DeviceKey) -> Result<Option<StoredCheckIn>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT data FROM emergency_checkin WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let padded = key.open(PLACE, &sealed, "emergency")?;
    let tampered = || MigranError::tampered("emergency");
    let (len, rest) = padded.split_first_chunk::<4>().ok_or_else(tampered)?;
    let json = rest
        .get(..u32::from_be_bytes(*len) as usize)
        .ok_or_else(tampered)?;
    from_json(json).map(Some)
}

/// Seals `record` behind its length, zero-padded to [`SEALED_SIZE`].
fn store(conn: &Connection, key: &DeviceKey, record: &StoredCheckIn) -> Result<()> {
    let json = to_json(record)?;
    let len = u32::try_from(json.len()).map_err(|_| MigranError::internal("check-in too large"))?;
    let padded_len = (4 + json.len()).div_ceil(SEALED_SIZE) * SEALED_SIZE;
    let mut padded = Zeroizing::new(Vec::with_capacity(padded_len));
    padded.extend_from_slice(&len.to_be_bytes());
    padded.extend_from_slice(&json);
    padded.resize(padded_len, 0);
    let sealed = key.seal(PLACE, &padded)?;
    conn.execute(
        "INSERT INTO emergency_checkin (id, data) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data",
        params![sealed],
    )?;
    Ok(())
}
