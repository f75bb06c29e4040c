//! Upstream: the migrant's phone sends its alerts (the button's, a missed check-in's, the
//! duress PIN's) to the team as one sealed, signed file; a cadre device keeps each as a
//! record of the person (`follow_alerts`, which travels with team sync), shown in the
//! agenda until someone acknowledges it. The acknowledgement goes back in the next view.

use rusqlite::{Row, ToSql};
use serde::{Deserialize, Serialize};

use super::link::{refused, StoredLink};
use super::{FollowAlert, FollowEventsReport, FollowKind};
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::crypto;
use crate::emergency::{EmergencyAlert, EmergencyKind, GeoLocation};
use crate::error::{MigranError, RecordKind, Result, SyncRefusal};
use crate::store::codes::JsonColumn;
use crate::store::kernel::{stored_sql, Stored};
use crate::sync::team;
use crate::sync::text::{from_hex, hex};
use crate::time::{instant_text, parse_instant};
use crate::validate;
use crate::vault::Session;

/// More alerts than a phone could raise in years: a file with more is not a phone's.
const MAX_EVENTS: usize = 2_000;
/// An alert id is the outbox's: 32 hex digits; anything longer is refused.
const MAX_ALERT_ID: usize = 64;

struct StoredAlert {
    id: String,
    link_id: String,
    person_id: String,
    kind: EmergencyKind,
    raised_at: String,
    missed_check_in: bool,
    location: JsonColumn<Option<GeoLocation>>,
    location_at: Option<String>,
    stopped_at: Option<String>,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<String>,
}

impl Stored for StoredAlert {
    const KIND: RecordKind = RecordKind::FollowAlert;
    stored_sql!(table: "follow_alerts", key: "id", columns: [
        "link_id", "person_id", "kind", "raised_at", "missed_check_in", "location",
        "location_at", "stopped_at", "acknowledged_by", "acknowledged_at",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.link_id,
            &self.person_id,
            &self.kind,
            &self.raised_at,
            &self.missed_check_in,
            &self.location,
            &self.location_at,
            &self.stopped_at,
            &self.acknowledged_by,
            &self.acknowledged_at,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredAlert {
            id: row.get(0)?,
            link_id: row.get(1)?,
            person_id: row.get(2)?,
            kind: row.get(3)?,
            raised_at: row.get(4)?,
            missed_check_in: row.get(5)?,
            location: row.get(6)?,
            location_at: row.get(7)?,
            stopped_at: row.get(8)?,
            acknowledged_by: row.get(9)?,
            acknowledged_at: row.get(10)?,
        })
    }
}

impl StoredAlert {
    fn public(&self) -> FollowAlert {
        FollowAlert {
            alert_id: self.id.clone(),
            person_id: self.person_id.clone(),
            link_id: self.link_id.clone(),
            kind: self.kind,
            raised_at: self.raised_at.clone(),
            missed_check_in: self.missed_check_in,
            location: self.location.0,
            location_at: self.location_at.clone(),
            stopped_at: self.stopped_at.clone(),
            acknowledged_by: self.acknowledged_by.clone(),
            acknowledged_at: self.acknowledged_at.clone(),
        }
    }
}

/// One alert as the phone reports it: no text, no recipients, only what the team acts on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireEvent {
    alert_id: String,
    kind: EmergencyKind,
    raised_at: String,
    missed_check_in: bool,
    location: Option<GeoLocation>,
    location_at: Option<String>,
    stopped_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SealedEvents {
    link_id: String,
    device_id: String,
    seq: u64,
    sealed: String,
    signature: String,
}

impl SealedEvents {
    fn signed_bytes(&self) -> Vec<u8> {
        team::signed_text(&[
            "migran/v1/follow-events",
            &self.link_id,
            &self.device_id,
            &self.seq.to_string(),
            &self.sealed,
        ])
    }
}

fn seal_aad(link_id: &str, seq: u64) -> Vec<u8> {
    team::signed_text(&["migran/v1/follow-events", link_id, &seq.to_string()])
}

/// The migrant phone's events file: every alert of its outbox (the team merges by id,
/// so a lost file costs nothing), numbered so that an old file replayed is refused.
pub(super) fn export(s: &Session<'_>, alerts: &[EmergencyAlert], missed: Option<&str>) -> Result<Vec<u8>> {
    let held = super::view::followed(s)?;
    if held.link.kind != FollowKind::Migrant {
        return Err(refused(SyncRefusal::WrongLinkKind));
    }
    let keys = team::device_keys(s.conn)?;
    let events: Vec<WireEvent> = alerts
        .iter()
        .map(|alert| WireEvent {
            alert_id: alert.id.clone(),
            kind: alert.plan.kind,
            raised_at: alert.created_at.clone(),
            missed_check_in: missed == Some(alert.id.as_str()),
            location: alert.location,
            location_at: alert.location_sent_at.clone(),
            stopped_at: alert.location_updates_stopped_at.clone(),
        })
        .collect();
    let json = serde_json::to_vec(&events).map_err(|_| MigranError::internal("events did not serialise"))?;
    let seq = held.events_seq + 1;
    s.conn.execute(
        "UPDATE followed_link SET events_seq = ?1 WHERE id = 1",
        [seq as i64],
    )?;
    let sealed = crypto::seal_raw(&held.link_key, &seal_aad(&held.link.link_id, seq), &json)?;
    let mut file = SealedEvents {
        link_id: held.link.link_id.clone(),
        device_id: keys.device_id.clone(),
        seq,
        sealed: hex(&sealed),
        signature: String::new(),
    };
    file.signature = hex(&keys.sign(&file.signed_bytes()));
    serde_json::to_vec(&file).map_err(|_| MigranError::internal("events did not serialise"))
}

/// Imports a migrant phone's events into the register.
pub(super) fn import(s: &Session<'_>, bytes: &[u8]) -> Result<FollowEventsReport> {
    team::require_team(s.conn)?;
    if bytes.len() > super::MAX_FOLLOW_FILE_BYTES {
        return Err(refused(SyncRefusal::Format));
    }
    let file: SealedEvents = serde_json::from_slice(bytes).map_err(|_| refused(SyncRefusal::Format))?;
    let mut link: StoredLink = s
        .find(&file.link_id)?
        .ok_or(refused(SyncRefusal::UnknownDevice))?;
    if link.ended_at.is_some() {
        return Err(refused(SyncRefusal::LinkEnded));
    }
    if link.kind != FollowKind::Migrant {
        return Err(refused(SyncRefusal::WrongLinkKind));
    }
    if file.device_id != link.device_id
        || !team::verify(&link.signing_key, &file.signed_bytes(), &file.signature)
    {
        return Err(refused(SyncRefusal::Tampered));
    }
    if file.seq <= link.events_seq.max(0) as u64 {
        return Err(refused(SyncRefusal::Replayed));
    }
    let sealed = from_hex(&file.sealed).ok_or(refused(SyncRefusal::Format))?;
    let plain = crypto::open_raw(&link.key()?, &seal_aad(&link.id, file.seq), &sealed)?
        .ok_or(refused(SyncRefusal::Tampered))?;
    let events: Vec<WireEvent> = serde_json::from_slice(&plain).map_err(|_| refused(SyncRefusal::Format))?;
    if events.len() > MAX_EVENTS {
        return Err(refused(SyncRefusal::Format));
    }
    let mut report = FollowEventsReport::default();
    for event in events {
        checked(&event)?;
        match s.find::<StoredAlert>(&event.alert_id)? {
            None => {
                s.insert(&StoredAlert {
                    id: event.alert_id,
                    link_id: link.id.clone(),
                    person_id: link.person_id.clone(),
                    kind: event.kind,
                    raised_at: event.raised_at,
                    missed_check_in: event.missed_check_in,
                    location: JsonColumn(event.location),
                    location_at: event.location_at,
                    stopped_at: event.stopped_at,
                    acknowledged_by: None,
                    acknowledged_at: None,
                })?;
                report.new_alerts += 1;
            }
            // An id held for another link is another person's alert: a phone never
            // changes what it did not raise.
            Some(held) if held.link_id != link.id => {}
            Some(mut held) => {
                let changed = held.location.0 != event.location
                    || held.location_at != event.location_at
                    || held.stopped_at != event.stopped_at
                    || held.missed_check_in != event.missed_check_in;
                if changed {
                    held.location = JsonColumn(event.location);
                    held.location_at = event.location_at;
                    held.stopped_at = event.stopped_at;
                    held.missed_check_in = event.missed_check_in;
                    s.upsert(&held)?;
                    report.updated += 1;
                }
            }
        }
    }
    link.events_seq = file.seq as i64;
    s.upsert(&link)?;
    s.audit_count(
        AuditAction::Import,
        RecordKind::FollowAlert,
        Some(&link.person_id),
        (report.new_alerts + report.updated) as usize,
    );
    Ok(report)
}

fn checked(event: &WireEvent) -> Result<()> {
    let malformed = || refused(SyncRefusal::Format);
    if event.alert_id.is_empty()
        || event.alert_id.len() > MAX_ALERT_ID
        || !event
            .alert_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(malformed());
    }
    parse_instant(&event.raised_at).map_err(|_| malformed())?;
    for time in [&event.location_at, &event.stopped_at].into_iter().flatten() {
        parse_instant(time).map_err(|_| malformed())?;
    }
    if let Some(location) = &event.location {
        let on_earth =
            (-90.0..=90.0).contains(&location.latitude) && (-180.0..=180.0).contains(&location.longitude);
        if !on_earth {
            return Err(malformed());
        }
    }
    Ok(())
}

/// Alerts held, newest first; of one person when given.
pub(super) fn alerts_of(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<FollowAlert>> {
    let alerts: Vec<StoredAlert> = match person_id {
        Some(person_id) => s.select(
            "WHERE person_id = ?1 ORDER BY raised_at DESC, id DESC",
            [person_id],
        )?,
        None => s.select("ORDER BY raised_at DESC, id DESC", [])?,
    };
    Ok(alerts.iter().map(StoredAlert::public).collect())
}

pub(super) fn list(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<FollowAlert>> {
    if let Some(person_id) = person_id {
        crate::people::ensure_person(s, person_id)?;
    }
    let alerts = alerts_of(s, person_id)?;
    s.audit_count(
        AuditAction::List,
        RecordKind::FollowAlert,
        person_id,
        alerts.len(),
    );
    Ok(alerts)
}

pub(super) fn acknowledge(s: &Session<'_>, alert_id: &str, by: &str) -> Result<FollowAlert> {
    let by = validate::required_text("name", by, validate::SHORT_TEXT_MAX)?;
    let mut alert: StoredAlert = s.get(alert_id)?;
    if alert.acknowledged_at.is_none() {
        alert.acknowledged_by = Some(by);
        alert.acknowledged_at = Some(instant_text(s.now));
        s.upsert(&alert)?;
        s.audit(
            AuditAction::Update,
            RecordKind::FollowAlert,
            &alert.id,
            &alert.person_id,
        );
    }
    Ok(alert.public())
}

/// The agenda's part: every alert nobody acknowledged, due the day it was raised, so it
/// leads the agenda until someone answers it.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let open: Vec<StoredAlert> = s.select("WHERE acknowledged_at IS NULL ORDER BY raised_at", [])?;
    Ok(open
        .into_iter()
        .filter(|alert| ctx.includes(&alert.person_id))
        .map(|alert| Signal {
            kind: if alert.missed_check_in {
                AgendaKind::MissedCheckIn
            } else {
                AgendaKind::MigrantAlert
            },
            due_on: parse_instant(&alert.raised_at).ok().map(|at| at.date_naive()),
            person_id: alert.person_id,
            record_id: Some(alert.id),
            count: None,
        })
        .collect())
}
