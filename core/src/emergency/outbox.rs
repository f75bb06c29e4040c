//! The outbox and log: every trigger is kept, sealed with the device key, with one state
//! per action, so that retries survive a restart and run while the vault is locked.
//! Discreet mode (a sealed setting) puts the log, the pending actions and the
//! acknowledgements behind the PIN: locked, the button gets only what it needs (the
//! states it reports, [`EmergencyOutboxSummary`]'s counts), never a recipient or a text.
//!
//! A seized phone must not tell when, or for what, the button was pressed (issue 19): each
//! alert is one row of `emergency_outbox` with a random id (no time in it), a sequence
//! number that gives only the order of presses, and the alert sealed after padding to
//! [`SEALED_BLOCK`], so "held against my will" has the same size as every other kind. The
//! press time lives only inside the seal. Rows of `emergency_alerts` (clear `created_at`,
//! time-ordered ids, unpadded) from before are moved over at the first call that has the
//! key: plain SQL cannot re-seal them.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use chrono::{DateTime, Duration, Utc};

use super::sms::{measure, SmsSize};
use super::{from_json, to_json, ActionChannel, EmergencyAction, EmergencyKind, EmergencyPlan, GeoLocation};
use crate::audit::AuditAction;
use crate::crypto::{fill_random, hex_of, DeviceKey, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::time::{instant_text, parse_instant};
use crate::validate;
use crate::vault::Vault;
use zeroize::Zeroizing;

/// Failed sends retried this many times before the action stops being pending.
pub const MAX_ATTEMPTS: u32 = 5;

/// Every alert is padded to a multiple of this many bytes before sealing. A plan with all
/// its SMS texts, contacts and a location stays far below it, so in practice every row
/// has one sealed size; a larger one would take two blocks rather than be cut.
const SEALED_BLOCK: usize = 16 * 1024;

/// The table of alerts since locked schema step 7; `emergency_alerts` is only read to
/// move older rows.
pub(crate) const LOCKED_OUTBOX: &str = r#"
    CREATE TABLE emergency_outbox (
        id    TEXT PRIMARY KEY,
        seq   INTEGER NOT NULL UNIQUE,
        data  BLOB NOT NULL
    );
"#;

/// How far an action of an alert has got, as the UI reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ActionStatus {
    /// In the plan, not yet handed to the phone.
    Composed,
    /// The dialer or SMS app was opened with it.
    HandedToOs,
    /// Reported sent by the phone.
    Sent,
    /// Sending failed; retried while fewer than [`MAX_ATTEMPTS`] attempts were made.
    Failed,
    /// Someone confirmed they got it.
    Acknowledged,
}

crate::storage_codes!(ActionStatus {
    Composed => "composed",
    HandedToOs => "handed_to_os",
    Sent => "sent",
    Failed => "failed",
    Acknowledged => "acknowledged",
});

/// Where one action of an alert stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct ActionState {
    /// The action's `position` in the plan.
    pub position: u32,
    /// How far it has got.
    pub status: ActionStatus,
    /// Attempts made so far (a hand-over and the `Sent` or `Failed` after it are one attempt).
    pub attempts: u32,
    /// When the status last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// One press of the button, kept in the outbox: the plan and the state of each action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencyAlert {
    /// The alert's id, made by the core.
    pub id: String,
    /// When the button was pressed, RFC 3339 UTC.
    pub created_at: String,
    /// The plan composed at that moment.
    pub plan: EmergencyPlan,
    /// Where the owner was, when the phone knew; `None` otherwise.
    pub location: Option<GeoLocation>,
    /// One state per action of the plan.
    pub states: Vec<ActionState>,
    /// Who confirmed receiving the alert; `None` until someone does.
    pub acknowledged_by: Option<String>,
    /// When it was confirmed, RFC 3339 UTC; `None` until then.
    pub acknowledged_at: Option<String>,
    /// When a location last went to the alert's recipients (with the press, or by
    /// [`Vault::record_location_update`]), RFC 3339 UTC; `None` while none has.
    /// (`serde(default)` on these three: alerts stored before them still open.)
    #[serde(default)]
    pub location_sent_at: Option<String>,
    /// How many location updates were sent after the press.
    #[serde(default)]
    pub location_updates_sent: u32,
    /// When the owner stopped the location updates ([`Vault::stop_location_updates`]),
    /// RFC 3339 UTC; `None` while they run.
    #[serde(default)]
    pub location_updates_stopped_at: Option<String>,
}

/// Where the location updates of an alert stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LocationUpdateStatus {
    /// An update is due: the app reads the phone's location and calls
    /// [`Vault::record_location_update`] with it.
    Due,
    /// The next update is not due yet (see `seconds_until_due`).
    NotYet,
    /// The owner stopped the updates of this alert.
    Stopped,
    /// Someone confirmed receiving the alert: help knows, no more updates are offered.
    Acknowledged,
    /// Location updates are turned off in the settings (0 minutes).
    Off,
}

/// Whether the outbox offers a location update for an alert, and when the next is due.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LocationUpdateOffer {
    /// Due, not yet, or why no update is offered any more.
    pub status: LocationUpdateStatus,
    /// When the next update is due, RFC 3339 UTC; `None` when none is offered.
    pub due_at: Option<String>,
    /// Seconds from the core's clock to `due_at` (0 once due), for the app's timer;
    /// `None` when no update is offered.
    pub seconds_until_due: Option<u64>,
    /// The minutes between updates (the settings' `location_update_minutes`).
    pub interval_minutes: u32,
}

/// A location update to send: the alert's texting actions with the new text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocationUpdate {
    /// The alert the update belongs to.
    pub alert_id: String,
    /// The SMS and WhatsApp actions of the alert's plan, in its order and with their
    /// positions, carrying the update's Indonesian text: the same recipients as the
    /// press. Calls are not repeated. These sends are not tracked as action states: the
    /// next update, due `interval_minutes` later, takes their place.
    pub actions: Vec<EmergencyAction>,
    /// The update in Bahasa Indonesia: the new location with its age, fitted to one SMS.
    pub message_id: String,
    /// The update in English, fitted to one SMS.
    pub message_en: String,
    /// What `message_id` costs as SMS.
    pub sms_id: SmsSize,
    /// What `message_en` costs as SMS.
    pub sms_en: SmsSize,
    /// Parts (the name) left out of the texts to fit one SMS.
    pub shortened: bool,
    /// The schedule after this update.
    pub next: LocationUpdateOffer,
}

/// One action still to be done (never tried, or failed and to be retried).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PendingAction {
    /// The alert the action belongs to.
    pub alert_id: String,
    /// The action to run.
    pub action: EmergencyAction,
    /// Attempts made so far.
    pub attempts: u32,
}

/// What the locked button may show of the outbox in every mode: how many actions are
/// still to be done and whether one failed. No recipient, number, text or kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct EmergencyOutboxSummary {
    /// Actions still to be done (never tried, or failed and to be retried) in alerts
    /// nobody has acknowledged: what [`Vault::pending_emergency_actions`] would list.
    pub pending_actions: u32,
    /// Whether any of them failed at least once.
    pub any_failed: bool,
}

/// The emergency button's settings, sealed with the device key; changed only with the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencySettings {
    /// The log, the pending actions and acknowledging need the PIN; locked, the outbox
    /// shows only its counts ([`Vault::emergency_outbox_summary`]); the app shows no trace
    /// of a trigger.
    pub discreet: bool,
    /// Minutes between location updates while an alert is active (default
    /// [`DEFAULT_LOCATION_UPDATE_MINUTES`]); 0 turns them off. At most
    /// [`MAX_LOCATION_UPDATE_MINUTES`] (else `Invalid { field: "location_update_minutes" }`).
    /// (`serde(default)`: settings stored before this field existed still open.)
    #[serde(default = "default_location_update_minutes")]
    #[uniffi(default = 10)]
    pub location_update_minutes: u32,
}

/// Minutes between location updates unless the owner chose otherwise: Amnesty's Panic
/// Button resends every few minutes; ten keeps a searched phone from lighting up too often.
pub const DEFAULT_LOCATION_UPDATE_MINUTES: u32 = 10;

/// The longest interval the settings take: two hours. Longer, an update is no update.
pub const MAX_LOCATION_UPDATE_MINUTES: u32 = 120;

fn default_location_update_minutes() -> u32 {
    DEFAULT_LOCATION_UPDATE_MINUTES
}

impl Default for EmergencySettings {
    fn default() -> Self {
        EmergencySettings {
            discreet: false,
            location_update_minutes: DEFAULT_LOCATION_UPDATE_MINUTES,
        }
    }
}

const SETTINGS: Place<'static> = Place {
    table: "emergency_settings",
    row: "1",
    column: "data",
};

#[uniffi::export]
impl Vault {
    /// The button: composes the plan and records it in the outbox, in one step.
    pub fn trigger_emergency(
        &self,
        kind: EmergencyKind,
        country: Option<String>,
        location: Option<GeoLocation>,
        locale: Locale,
    ) -> Result<EmergencyAlert> {
        let plan = self.emergency_plan(kind, country, location, locale)?;
        let key = self.emergency_key()?;
        let alert = new_alert(plan, location, self.now())?;
        self.with_outbox(&key, |conn| {
            let tx = conn.transaction()?;
            insert_alert(&tx, &key, &alert)?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(alert)
    }

    /// What the UI reports after running an action; works locked, in discreet mode too.
    /// Returns that action's new state only: the button needs nothing more, and the
    /// alert's content stays out of a locked phone's reach (see [`EmergencySettings`]).
    pub fn record_emergency_action(
        &self,
        alert_id: String,
        position: u32,
        status: ActionStatus,
    ) -> Result<ActionState> {
        let now = instant_text(self.now());
        let alert = self.update_alert(&alert_id, |alert| {
            let state = alert
                .states
                .iter_mut()
                .find(|s| s.position == position)
                .ok_or_else(|| MigranError::invalid("position", InvalidReason::OutOfRange))?;
            if starts_an_attempt(state.status, status) {
                state.attempts = state.attempts.saturating_add(1);
            }
            state.status = status;
            state.updated_at = now.clone();
            Ok(())
        })?;
        alert
            .states
            .into_iter()
            .find(|s| s.position == position)
            .ok_or_else(|| MigranError::internal("the recorded action vanished"))
    }

    /// A cadre or family member confirms they received the alert. In discreet mode only
    /// after unlock (`Locked`): it returns the whole alert.
    pub fn acknowledge_emergency(&self, alert_id: String, by: String) -> Result<EmergencyAlert> {
        let by = validate::required_text("name", &by, validate::SHORT_TEXT_MAX)?;
        self.refuse_if_discreet_and_locked()?;
        let now = instant_text(self.now());
        self.update_alert(&alert_id, |alert| {
            alert.acknowledged_by = Some(by.clone());
            alert.acknowledged_at = Some(now.clone());
            Ok(())
        })
    }

    /// Actions to (re)try, oldest alert first: never tried, or failed fewer than
    /// [`MAX_ATTEMPTS`] times, in alerts nobody has acknowledged. Works locked, except in
    /// discreet mode (`Locked`: each holds a recipient and a text); the locked button
    /// then has [`Vault::emergency_outbox_summary`].
    pub fn pending_emergency_actions(&self) -> Result<Vec<PendingAction>> {
        self.refuse_if_discreet_and_locked()?;
        if self.decoy_hides_the_outbox()? {
            return Ok(Vec::new());
        }
        self.pending_actions()
    }

    /// How many actions are still to be done and whether one failed; works locked, in
    /// discreet mode too: what the locked button shows of the outbox.
    pub fn emergency_outbox_summary(&self) -> Result<EmergencyOutboxSummary> {
        let pending = self.pending_actions()?;
        Ok(EmergencyOutboxSummary {
            pending_actions: u32::try_from(pending.len()).unwrap_or(u32::MAX),
            any_failed: pending.iter().any(|p| p.attempts > 0),
        })
    }

    /// Every alert, newest first. In discreet mode only after unlock.
    pub fn emergency_log(&self) -> Result<Vec<EmergencyAlert>> {
        self.refuse_if_discreet_and_locked()?;
        if self.decoy_hides_the_outbox()? {
            return Ok(Vec::new());
        }
        let key = self.emergency_key()?;
        let mut alerts = self.with_outbox(&key, |conn| load_alerts(conn, &key, Damaged::Refuse))?;
        alerts.reverse();
        Ok(alerts)
    }

    /// The button's settings (the defaults when never set); works locked.
    pub fn emergency_settings(&self) -> Result<EmergencySettings> {
        let key = self.emergency_key()?;
        self.with_locked_store(|conn| {
            let sealed: Option<Vec<u8>> = conn
                .query_row("SELECT data FROM emergency_settings WHERE id = 1", [], |row| {
                    row.get(0)
                })
                .optional()?;
            match sealed {
                None => Ok(EmergencySettings::default()),
                Some(sealed) => from_json(&key.open(SETTINGS, &sealed, "emergency")?),
            }
        })
    }

    /// Changing the settings needs the PIN.
    pub fn set_emergency_settings(&self, settings: EmergencySettings) -> Result<()> {
        if settings.location_update_minutes > MAX_LOCATION_UPDATE_MINUTES {
            return Err(MigranError::invalid(
                "location_update_minutes",
                InvalidReason::OutOfRange,
            ));
        }
        let key = self.emergency_key()?;
        self.write(|s| {
            let sealed = key.seal(SETTINGS, &to_json(&settings)?)?;
            s.locked.execute(
                "INSERT INTO emergency_settings (id, data) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                params![sealed],
            )?;
            s.audit_count(AuditAction::Update, RecordKind::EmergencySettings, None, 1);
            Ok(())
        })
    }
}

#[uniffi::export]
impl Vault {
    /// Whether a location update is due for the alert, on the core's clock: every
    /// `location_update_minutes` (default 10) after the last location went out, at once
    /// when the press went out without one, until the owner stops the updates or someone
    /// acknowledges the alert. Works locked, in discreet mode too: like
    /// [`Vault::record_emergency_action`] it needs the alert's id, which only the button
    /// that pressed holds, and it tells nothing of the alert's content.
    pub fn location_update_offer(&self, alert_id: String) -> Result<LocationUpdateOffer> {
        let key = self.emergency_key()?;
        let alert = self.with_outbox(&key, |conn| load_alert(conn, &key, &alert_id))?;
        let interval = self.emergency_settings()?.location_update_minutes;
        offer(&alert, interval, self.now())
    }

    /// Sends the alert's recipients the phone's new location: returns the texting
    /// actions of the alert with a new text (the location, its age, the name when it
    /// fits one SMS) and records that a location went out now, so the next update is
    /// due `location_update_minutes` later. Allowed whatever the schedule says (the owner
    /// may send one early, or after stopping the updates); it does not restart stopped
    /// updates. Works locked, in discreet mode too (see [`Vault::location_update_offer`]).
    /// A malformed location or fix time is refused as by `emergency_plan`.
    pub fn record_location_update(&self, alert_id: String, location: GeoLocation) -> Result<LocationUpdate> {
        let now = self.now();
        super::check_location(Some(&location), now)?;
        let key = self.emergency_key()?;
        let card = self.plan_inputs(Some(&key))?.0;
        let now_text = instant_text(now);
        let alert = self.update_alert(&alert_id, |alert| {
            alert.location_sent_at = Some(now_text.clone());
            alert.location_updates_sent = alert.location_updates_sent.saturating_add(1);
            Ok(())
        })?;
        let ((message_id, shortened_id), (message_en, shortened_en)) =
            super::plan::location_update_messages(alert.plan.kind, card.as_deref(), &location, now);
        let interval = self.emergency_settings()?.location_update_minutes;
        let actions = alert
            .plan
            .actions
            .iter()
            .filter(|a| a.channel != ActionChannel::Call)
            .map(|a| EmergencyAction {
                message: message_id.clone(),
                message_language: Locale::Id,
                ..a.clone()
            })
            .collect();
        Ok(LocationUpdate {
            next: offer(&alert, interval, now)?,
            alert_id,
            actions,
            sms_id: measure(&message_id),
            sms_en: measure(&message_en),
            message_id,
            message_en,
            shortened: shortened_id || shortened_en,
        })
    }

    /// The owner stops the location updates of the alert (no PIN: the button may be all
    /// they can reach). Stopping twice keeps the first time. Returns the schedule,
    /// `Stopped` (or `Acknowledged` when someone already confirmed).
    pub fn stop_location_updates(&self, alert_id: String) -> Result<LocationUpdateOffer> {
        let now = self.now();
        let alert = self.update_alert(&alert_id, |alert| {
            alert
                .location_updates_stopped_at
                .get_or_insert_with(|| instant_text(now));
            Ok(())
        })?;
        let interval = self.emergency_settings()?.location_update_minutes;
        offer(&alert, interval, now)
    }
}

/// The location-update schedule of `alert` at `now`, updates every `interval` minutes:
/// an acknowledged alert first (help knows), then a stopped one, then updates off; else
/// due `interval` after the last location went out, or at once when none has.
fn offer(alert: &EmergencyAlert, interval: u32, now: DateTime<Utc>) -> Result<LocationUpdateOffer> {
    let ended = |status| LocationUpdateOffer {
        status,
        due_at: None,
        seconds_until_due: None,
        interval_minutes: interval,
    };
    if alert.acknowledged_at.is_some() {
        return Ok(ended(LocationUpdateStatus::Acknowledged));
    }
    if alert.location_updates_stopped_at.is_some() {
        return Ok(ended(LocationUpdateStatus::Stopped));
    }
    if interval == 0 {
        return Ok(ended(LocationUpdateStatus::Off));
    }
    let due_at = match &alert.location_sent_at {
        Some(sent) => parse_instant(sent)? + Duration::minutes(i64::from(interval)),
        None => parse_instant(&alert.created_at)?,
    };
    let wait = (due_at - now).num_seconds().max(0);
    Ok(LocationUpdateOffer {
        status: if wait == 0 {
            LocationUpdateStatus::Due
        } else {
            LocationUpdateStatus::NotYet
        },
        due_at: Some(instant_text(due_at)),
        seconds_until_due: Some(u64::try_from(wait).unwrap_or(0)),
        interval_minutes: interval,
    })
}

impl Vault {
    /// `Locked` while the vault is locked in discreet mode: for the calls that return an
    /// alert's content (who was told, with what words, who answered).
    fn refuse_if_discreet_and_locked(&self) -> Result<()> {
        if !self.is_unlocked() && self.emergency_settings()?.discreet {
            return Err(MigranError::Locked);
        }
        Ok(())
    }

    /// Whether what only the PIN shows in discreet mode is to be shown: the real profile
    /// unlocked. The duress PIN's decoy shows what a new profile would: no alert (its own
    /// duress alert included).
    pub(super) fn shows_emergency_details(&self) -> bool {
        self.is_unlocked() && !self.decoy_is_open()
    }

    /// In discreet mode the decoy profile has an empty log and no pending actions, as a
    /// new profile has: the duress alert it just queued must not show on its screen.
    /// (Without discreet mode the log is readable locked anyway, so the decoy shows it.)
    fn decoy_hides_the_outbox(&self) -> Result<bool> {
        Ok(self.decoy_is_open() && self.emergency_settings()?.discreet)
    }

    fn pending_actions(&self) -> Result<Vec<PendingAction>> {
        let key = self.emergency_key()?;
        // A damaged alert row must not stop the retries of every other alert; the log
        // still reports it (as `Tampered`), so the damage is not hidden.
        let alerts = self.with_outbox(&key, |conn| load_alerts(conn, &key, Damaged::Skip))?;
        Ok(alerts
            .into_iter()
            .filter(|alert| alert.acknowledged_at.is_none())
            .flat_map(|alert| {
                let id = alert.id.clone();
                alert.plan.actions.into_iter().filter_map(move |action| {
                    let state = alert.states.iter().find(|s| s.position == action.position)?;
                    let pending = state.status == ActionStatus::Composed
                        || (state.status == ActionStatus::Failed && state.attempts < MAX_ATTEMPTS);
                    pending.then(|| PendingAction {
                        alert_id: id.clone(),
                        action,
                        attempts: state.attempts,
                    })
                })
            })
            .collect())
    }

    /// Runs `work` on `locked.db` after moving any alert stored before step 7.
    pub(super) fn with_outbox<T>(
        &self,
        key: &DeviceKey,
        work: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<T> {
        self.with_locked_store(|conn| {
            move_legacy_alerts(conn, key)?;
            work(conn)
        })
    }

    fn update_alert(
        &self,
        alert_id: &str,
        change: impl FnOnce(&mut EmergencyAlert) -> Result<()>,
    ) -> Result<EmergencyAlert> {
        let key = self.emergency_key()?;
        self.with_outbox(&key, |conn| {
            let tx = conn.transaction()?;
            let mut alert = load_alert(&tx, &key, alert_id)?;
            change(&mut alert)?;
            let sealed = seal_alert(&key, &alert)?;
            tx.execute(
                "UPDATE emergency_outbox SET data = ?2 WHERE id = ?1",
                params![alert_id, sealed],
            )?;
            tx.commit()?;
            Ok(alert)
        })
    }
}

/// A new alert for `plan`, pressed at `now`: a random id, every action `Composed`. Shared
/// by the button and a missed check-in (`checkin.rs`), so both reach the outbox alike.
pub(super) fn new_alert(
    plan: EmergencyPlan,
    location: Option<GeoLocation>,
    now: DateTime<Utc>,
) -> Result<EmergencyAlert> {
    let now = instant_text(now);
    Ok(EmergencyAlert {
        id: random_alert_id()?,
        created_at: now.clone(),
        states: plan
            .actions
            .iter()
            .map(|a| ActionState {
                position: a.position,
                status: ActionStatus::Composed,
                attempts: 0,
                updated_at: now.clone(),
            })
            .collect(),
        plan,
        location,
        acknowledged_by: None,
        acknowledged_at: None,
        location_sent_at: location.map(|_| now.clone()),
        location_updates_sent: 0,
        location_updates_stopped_at: None,
    })
}

/// Whether reporting `new` for an action now in `old` is a new try. An attempt starts when
/// an action not (or no longer) under way is handed over, sent or fails; the `Failed` or
/// `Sent` that closes a hand-over belongs to that same attempt. Counting both would
/// spend [`MAX_ATTEMPTS`] in half the real tries.
fn starts_an_attempt(old: ActionStatus, new: ActionStatus) -> bool {
    let tried = matches!(
        new,
        ActionStatus::HandedToOs | ActionStatus::Sent | ActionStatus::Failed
    );
    let idle = matches!(old, ActionStatus::Composed | ActionStatus::Failed);
    tried && idle
}

fn alert_place(id: &str) -> Place<'_> {
    Place {
        table: "emergency_outbox",
        row: id,
        column: "data",
    }
}

/// Where an alert was sealed before locked schema step 7.
fn legacy_alert_place(id: &str) -> Place<'_> {
    Place {
        table: "emergency_alerts",
        row: id,
        column: "data",
    }
}

/// 128 random bits, hex: unlike [`crate::crypto::new_row_id`], no time in it.
fn random_alert_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(hex_of(&bytes))
}

/// The alert's JSON behind its length (4 bytes, big-endian), zero-padded to a multiple of
/// [`SEALED_BLOCK`], then sealed: the sealed size says nothing of the kind or the plan.
fn seal_alert(key: &DeviceKey, alert: &EmergencyAlert) -> Result<Vec<u8>> {
    let json = to_json(alert)?;
    let len = u32::try_from(json.len()).map_err(|_| MigranError::internal("alert too large"))?;
    let padded_len = (4 + json.len()).div_ceil(SEALED_BLOCK) * SEALED_BLOCK;
    let mut padded = Zeroizing::new(Vec::with_capacity(padded_len));
    padded.extend_from_slice(&len.to_be_bytes());
    padded.extend_from_slice(&json);
    padded.resize(padded_len, 0);
    key.seal(alert_place(&alert.id), &padded)
}

fn open_alert(key: &DeviceKey, id: &str, sealed: &[u8]) -> Result<EmergencyAlert> {
    let padded = key.open(alert_place(id), sealed, "emergency")?;
    let tampered = || MigranError::tampered("emergency");
    let (len, rest) = padded.split_first_chunk::<4>().ok_or_else(tampered)?;
    let json = rest
        .get(..u32::from_be_bytes(*len) as usize)
        .ok_or_else(tampered)?;
    from_json(json)
}

/// Appends `alert` after every other one; `seq` is the only trace of order.
pub(super) fn insert_alert(conn: &Connection, key: &DeviceKey, alert: &EmergencyAlert) -> Result<()> {
    let sealed = seal_alert(key, alert)?;
    conn.execute(
        "INSERT INTO emergency_outbox (id, seq, data)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM emergency_outbox), ?2)",
        params![alert.id, sealed],
    )?;
    Ok(())
}

/// Moves rows of `emergency_alerts` (before step 7) into `emergency_outbox` under new
/// random ids, padded, in their old order, in one transaction. A row that no longer opens
/// is moved as it is under a new id (sealed for its old place, it does not open there
/// either, so the log reports it as `Tampered`, as before, and the pending list skips it).
fn move_legacy_alerts(conn: &mut Connection, key: &DeviceKey) -> Result<()> {
    let waiting: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM emergency_alerts)", [], |row| {
        row.get(0)
    })?;
    if !waiting {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let rows: Vec<(String, Vec<u8>)> = {
        let mut statement = tx.prepare("SELECT id, data FROM emergency_alerts ORDER BY created_at, rowid")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (old_id, sealed) in rows {
        let opened = key
            .open(legacy_alert_place(&old_id), &sealed, "emergency")
            .and_then(|plain| from_json::<EmergencyAlert>(&plain));
        match opened {
            Ok(mut alert) => {
                alert.id = random_alert_id()?;
                insert_alert(&tx, key, &alert)?;
            }
            Err(_) => {
                tx.execute(
                    "INSERT INTO emergency_outbox (id, seq, data)
                     VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM emergency_outbox), ?2)",
                    params![random_alert_id()?, sealed],
                )?;
            }
        }
    }
    tx.execute("DELETE FROM emergency_alerts", [])?;
    tx.commit()?;
    Ok(())
}

/// What [`load_alerts`] does with a row that fails to open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Damaged {
    Skip,
    Refuse,
}

/// One alert by id; `NotFound` when there is none, `Tampered` when it does not open.
fn load_alert(conn: &Connection, key: &DeviceKey, alert_id: &str) -> Result<EmergencyAlert> {
    let sealed: Vec<u8> = conn
        .query_row(
            "SELECT data FROM emergency_outbox WHERE id = ?1",
            params![alert_id],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| MigranError::not_found("emergency"))?;
    open_alert(key, alert_id, &sealed)
}

fn load_alerts(conn: &Connection, key: &DeviceKey, damaged: Damaged) -> Result<Vec<EmergencyAlert>> {
    let mut statement = conn.prepare_cached("SELECT id, data FROM emergency_outbox ORDER BY seq")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut alerts = Vec::new();
    for row in rows {
        let (id, sealed) = row?;
        let alert = open_alert(key, &id, &sealed);
        match (alert, damaged) {
            (Ok(alert), _) => alerts.push(alert),
            (Err(_), Damaged::Skip) => {}
            (Err(err), Damaged::Refuse) => return Err(err),
        }
    }
    Ok(alerts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::VaultSettings;
    use std::sync::Arc;

    /// Alerts stored as before step 7 (clear time, time-ordered id, unpadded seal) are
    /// moved at the first call: new random ids, padded, the old order kept, nothing left.
    #[test]
    fn alerts_stored_before_the_padded_outbox_are_moved_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let settings = VaultSettings {
            kdf_iterations: crate::MIN_KDF_ITERATIONS,
            ..VaultSettings::default()
        };
        let vault = Vault::create_with_clock(
            dir.path(),
            "246810",
            Some(vec![7; 32]),
            settings,
            Arc::new(crate::SystemClock),
        )
        .unwrap();
        vault.lock();
        let key = vault.emergency_key().unwrap();
        let mut old_ids = Vec::new();
        for kind in [EmergencyKind::HeldAgainstWill, EmergencyKind::Medical] {
            let mut alert = vault
                .trigger_emergency(kind, Some("HK".into()), None, Locale::Id)
                .unwrap();
            let old_id = crate::crypto::new_row_id().unwrap();
            vault
                .with_locked_store(|conn| {
                    conn.execute("DELETE FROM emergency_outbox WHERE id = ?1", params![alert.id])?;
                    alert.id = old_id.clone();
                    let sealed = key.seal(legacy_alert_place(&old_id), &to_json(&alert)?)?;
                    conn.execute(
                        "INSERT INTO emergency_alerts (id, created_at, data) VALUES (?1, ?2, ?3)",
                        params![old_id, alert.created_at, sealed],
                    )?;
                    Ok(())
                })
                .unwrap();
            old_ids.push(old_id);
        }

        let pending = vault.pending_emergency_actions().unwrap();
        assert!(!pending.is_empty());
        assert!(pending.iter().all(|p| !old_ids.contains(&p.alert_id)));
        let (left, sizes): (i64, Vec<i64>) = vault
            .with_locked_store(|conn| {
                let left = conn.query_row("SELECT count(*) FROM emergency_alerts", [], |row| row.get(0))?;
                let mut statement = conn.prepare("SELECT length(data) FROM emergency_outbox ORDER BY seq")?;
                let sizes = statement
                    .query_map([], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok((left, sizes))
            })
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(sizes.len(), 2);
        assert_eq!(sizes[0], sizes[1]);
        // Newest first, as before the move: the medical alert was pressed last.
        let log = vault.emergency_log().unwrap();
        assert_eq!(log[0].plan.kind, EmergencyKind::Medical);
        assert_eq!(log[1].plan.kind, EmergencyKind::HeldAgainstWill);
    }

    #[test]
    fn a_hand_over_and_its_outcome_are_one_attempt() {
        use ActionStatus::*;
        // Handed to the phone, then failed, retried, then sent: two tries.
        let mut attempts = 0;
        let mut status = Composed;
        for next in [HandedToOs, Failed, HandedToOs, Sent] {
            attempts += u32::from(starts_an_attempt(status, next));
            status = next;
        }
        assert_eq!(attempts, 2);
        // Failing before the phone took it (no SMS app, no signal) is a try each time.
        assert!(starts_an_attempt(Composed, Failed));
        assert!(starts_an_attempt(Failed, Failed));
        assert!(
            !starts_an_attempt(Sent, Failed),
            "a late delivery failure closes that try"
        );
        assert!(!starts_an_attempt(Composed, Acknowledged));
    }
}
