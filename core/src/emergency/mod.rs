//! The emergency button. A migrant abroad may have seconds, no data plan and a locked
//! phone: the plan is composed from data on the phone, needs no PIN and no network, and
//! every trigger is kept in an outbox that survives a restart until each action is done.
//!
//! What must work while locked (the card, the outbox) is sealed with a key from the
//! device secret alone (docs/security.md); changing the card or the settings needs the PIN.

mod directory;
mod plan;
mod sms;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::crypto::{new_row_id, DeviceKey, Place};
use crate::error::{InvalidReason, MigranError, Result};
use crate::i18n::Locale;
use crate::time::instant_text;
use crate::validate;
use crate::vault::Vault;

pub use plan::{ActionChannel, EmergencyAction, EmergencyKind, EmergencyPlan, GeoLocation, Recipient};
pub use sms::{measure as measure_sms, SmsEncoding, SmsSize};

const DEVICE_KEY_PURPOSE: &str = "migran/v1/emergency";
const MAX_CARD_CONTACTS: usize = 10;
/// Failed sends retried this many times before the action stops being pending.
pub const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
pub enum CardContactRole {
    Family,
    Cadre,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct CardContact {
    pub name: String,
    pub phone: String,
    pub role: CardContactRole,
}

/// The few facts the button needs, chosen and seen by the owner. Readable while locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencyCard {
    pub full_name: String,
    pub passport_number: Option<String>,
    /// ISO 3166-1 alpha-2 code of the country the owner works in.
    pub country: String,
    pub city: Option<String>,
    pub employer_name: Option<String>,
    pub employer_address: Option<String>,
    pub contacts: Vec<CardContact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
pub enum ActionStatus {
    /// In the plan, not yet handed to the phone.
    Composed,
    /// The dialer or SMS app was opened with it.
    HandedToOs,
    Sent,
    Failed,
    /// Someone confirmed they got it.
    Acknowledged,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct ActionState {
    pub position: u32,
    pub status: ActionStatus,
    pub attempts: u32,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencyAlert {
    pub id: String,
    pub created_at: String,
    pub plan: EmergencyPlan,
    pub location: Option<GeoLocation>,
    pub states: Vec<ActionState>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// One action still to be done (never tried, or failed and to be retried).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PendingAction {
    pub alert_id: String,
    pub action: EmergencyAction,
    pub attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencySettings {
    /// The log needs the PIN to be seen, and the app shows no trace of a trigger.
    pub discreet: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryInfo {
    pub version: u32,
    /// Whether a pack newer than the built-in one is installed and in use.
    pub installed: bool,
    pub countries: Vec<String>,
}

const CARD: Place<'static> = Place {
    table: "emergency_card",
    row: "1",
    column: "data",
};
const SETTINGS: Place<'static> = Place {
    table: "emergency_settings",
    row: "1",
    column: "data",
};

#[uniffi::export]
impl Vault {
    /// Sets the card (needs the PIN: nobody else may change where help is sent).
    pub fn set_emergency_card(&self, card: EmergencyCard) -> Result<EmergencyCard> {
        let card = checked_card(card)?;
        let key = self.emergency_key()?;
        let now = instant_text(self.now());
        self.write(|s| {
            let sealed = key.seal(CARD, &to_json(&card)?)?;
            s.conn.execute(
                "INSERT INTO emergency_card (id, updated_at, data) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data",
                params![now, sealed],
            )?;
            Ok(())
        })?;
        Ok(card)
    }

    /// The card as stored; readable while locked, so the owner sees what it holds.
    pub fn emergency_card(&self) -> Result<Option<EmergencyCard>> {
        let key = self.emergency_key()?;
        self.with_connection(|conn| load_card(conn, &key))
    }

    pub fn clear_emergency_card(&self) -> Result<()> {
        self.write(|s| {
            s.conn.execute("DELETE FROM emergency_card", [])?;
            Ok(())
        })?;
        self.checkpoint()
    }

    /// The ordered actions for an emergency. Works locked and offline; never empty.
    /// `country` overrides the card's country (e.g. the phone knows where it is).
    /// Fails only on a malformed `country` or `location` from the caller: nothing read
    /// from the vault file can stop it (see `plan_inputs`).
    pub fn emergency_plan(
        &self,
        kind: EmergencyKind,
        country: Option<String>,
        location: Option<GeoLocation>,
        locale: Locale,
    ) -> Result<EmergencyPlan> {
        let country = country
            .filter(|c| !c.trim().is_empty())
            .map(|c| validate::country("country", &c))
            .transpose()?;
        check_location(location.as_ref())?;
        let key = self.device_secret().map(Self::key_from).transpose()?;
        let today = self.now().date_naive();
        let (card, card_unreadable, directory) = self.plan_inputs(key.as_ref())?;
        let request = plan::PlanRequest {
            kind,
            country: country.as_deref(),
            location,
            locale,
            today,
        };
        let mut plan = plan::compose(&request, card.as_ref(), &directory);
        plan.card_unreadable = card_unreadable;
        Ok(plan)
    }

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
        let now = instant_text(self.now());
        let alert = EmergencyAlert {
            id: new_row_id()?,
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
        };
        self.with_connection(|conn| {
            let sealed = key.seal(alert_place(&alert.id), &to_json(&alert)?)?;
            conn.execute(
                "INSERT INTO emergency_alerts (id, created_at, data) VALUES (?1, ?2, ?3)",
                params![alert.id, alert.created_at, sealed],
            )?;
            Ok(())
        })?;
        Ok(alert)
    }

    /// What the UI reports after running an action; works locked.
    pub fn record_emergency_action(
        &self,
        alert_id: String,
        position: u32,
        status: ActionStatus,
    ) -> Result<EmergencyAlert> {
        let now = instant_text(self.now());
        self.update_alert(&alert_id, |alert| {
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
        })
    }

    /// A cadre or family member confirms they received the alert.
    pub fn acknowledge_emergency(&self, alert_id: String, by: String) -> Result<EmergencyAlert> {
        let by = validate::required_text("name", &by, validate::SHORT_TEXT_MAX)?;
        let now = instant_text(self.now());
        self.update_alert(&alert_id, |alert| {
            alert.acknowledged_by = Some(by.clone());
            alert.acknowledged_at = Some(now.clone());
            Ok(())
        })
    }

    /// Actions to (re)try, oldest alert first: never tried, or failed fewer than
    /// [`MAX_ATTEMPTS`] times, in alerts nobody has acknowledged. Works locked.
    pub fn pending_emergency_actions(&self) -> Result<Vec<PendingAction>> {
        let key = self.emergency_key()?;
        // A damaged alert row must not stop the retries of every other alert; the log
        // still reports it (as `Tampered`), so the damage is not hidden.
        let alerts = self.with_connection(|conn| load_alerts(conn, &key, Damaged::Skip))?;
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

    /// Every alert, newest first. In discreet mode only after unlock.
    pub fn emergency_log(&self) -> Result<Vec<EmergencyAlert>> {
        if self.emergency_settings()?.discreet && !self.is_unlocked() {
            return Err(MigranError::Locked);
        }
        let key = self.emergency_key()?;
        let mut alerts = self.with_connection(|conn| load_alerts(conn, &key, Damaged::Refuse))?;
        alerts.reverse();
        Ok(alerts)
    }

    pub fn emergency_settings(&self) -> Result<EmergencySettings> {
        let key = self.emergency_key()?;
        self.with_connection(|conn| {
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
        let key = self.emergency_key()?;
        self.write(|s| {
            let sealed = key.seal(SETTINGS, &to_json(&settings)?)?;
            s.conn.execute(
                "INSERT INTO emergency_settings (id, data) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                params![sealed],
            )?;
            Ok(())
        })
    }

    /// Installs a newer signed directory. A bad signature, a malformed pack or one not
    /// newer than the one in use is refused, and the one in use stays. Works locked:
    /// the signature, not the PIN, is what makes a pack trustworthy.
    pub fn install_directory_pack(&self, pack: Vec<u8>, signature: Vec<u8>) -> Result<DirectoryInfo> {
        self.install_directory_pack_trusting(&pack, &signature, &directory::publisher_key()?)
    }

    pub fn directory_info(&self) -> Result<DirectoryInfo> {
        self.with_connection(|conn| directory_info(&current_directory(conn)?))
    }
}

impl Vault {
    /// Installs a pack if `trusted_key` signed it; the exported method passes the
    /// publisher key, tests pass a key they made.
    fn install_directory_pack_trusting(
        &self,
        pack: &[u8],
        signature: &[u8],
        trusted_key: &[u8],
    ) -> Result<DirectoryInfo> {
        let candidate = directory::verify_with(pack, signature, trusted_key)?;
        self.with_connection(|conn| {
            let current = current_directory_trusting(conn, trusted_key)?;
            if candidate.version <= current.version {
                return Err(directory::rejected("version"));
            }
            conn.execute(
                "INSERT INTO content_packs (kind, version, body, signature, installed_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind) DO UPDATE SET version = excluded.version, body = excluded.body,
                     signature = excluded.signature, installed_at = excluded.installed_at",
                params![directory::PACK_KIND, candidate.version, pack, signature, instant_text(self.now())],
            )?;
            Ok(())
        })?;
        self.with_connection(|conn| directory_info(&current_directory_trusting(conn, trusted_key)?))
    }

    /// The card and the directory for a plan. Nothing here may stop the button: a card
    /// that fails to open gives a plan without it (flagged `card_unreadable`), a stored
    /// pack that cannot be read gives the built-in one, and a vault file that cannot be
    /// read at all (wiped) still leaves the built-in directory's national hotlines.
    fn plan_inputs(
        &self,
        key: Option<&DeviceKey>,
    ) -> Result<(Option<EmergencyCard>, bool, directory::Directory)> {
        let builtin = directory::default_directory()?;
        let read = self.with_connection(|conn| {
            let card = match key.map(|key| load_card(conn, key)) {
                None | Some(Ok(None)) => (None, false),
                Some(Ok(Some(card))) => (Some(card), false),
                Some(Err(_)) => (None, true),
            };
            let directory = current_directory(conn).unwrap_or_else(|_| builtin.clone());
            Ok((card, directory))
        });
        Ok(match read {
            Ok(((card, unreadable), directory)) => (card, unreadable, directory),
            Err(_) => (None, false, builtin.clone()),
        })
    }

    fn emergency_key(&self) -> Result<DeviceKey> {
        let secret = self.device_secret().ok_or_else(|| MigranError::NotAllowed {
            reason: "device_secret_required".to_string(),
        })?;
        Self::key_from(secret)
    }

    fn key_from(secret: &[u8]) -> Result<DeviceKey> {
        DeviceKey::from_device_secret(secret, DEVICE_KEY_PURPOSE)
    }

    fn update_alert(
        &self,
        alert_id: &str,
        change: impl FnOnce(&mut EmergencyAlert) -> Result<()>,
    ) -> Result<EmergencyAlert> {
        let key = self.emergency_key()?;
        self.with_connection(|conn| {
            let tx = conn.transaction()?;
            let sealed: Vec<u8> = tx
                .query_row(
                    "SELECT data FROM emergency_alerts WHERE id = ?1",
                    params![alert_id],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or_else(|| MigranError::not_found("emergency"))?;
            let mut alert: EmergencyAlert =
                from_json(&key.open(alert_place(alert_id), &sealed, "emergency")?)?;
            change(&mut alert)?;
            let sealed = key.seal(alert_place(alert_id), &to_json(&alert)?)?;
            tx.execute(
                "UPDATE emergency_alerts SET data = ?2 WHERE id = ?1",
                params![alert_id, sealed],
            )?;
            tx.commit()?;
            Ok(alert)
        })
    }
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
        table: "emergency_alerts",
        row: id,
        column: "data",
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|_| MigranError::internal("encoding an emergency record failed"))
}

fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|_| MigranError::tampered("emergency"))
}

fn load_card(conn: &Connection, key: &DeviceKey) -> Result<Option<EmergencyCard>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT data FROM emergency_card WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    sealed
        .map(|sealed| from_json(&key.open(CARD, &sealed, "emergency")?))
        .transpose()
}

/// What [`load_alerts`] does with a row that fails to open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Damaged {
    Skip,
    Refuse,
}

fn load_alerts(conn: &Connection, key: &DeviceKey, damaged: Damaged) -> Result<Vec<EmergencyAlert>> {
    let mut statement =
        conn.prepare_cached("SELECT id, data FROM emergency_alerts ORDER BY created_at, rowid")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut alerts = Vec::new();
    for row in rows {
        let (id, sealed) = row?;
        let alert = key
            .open(alert_place(&id), &sealed, "emergency")
            .and_then(|plain| from_json(&plain));
        match (alert, damaged) {
            (Ok(alert), _) => alerts.push(alert),
            (Err(_), Damaged::Skip) => {}
            (Err(err), Damaged::Refuse) => return Err(err),
        }
    }
    Ok(alerts)
}

fn directory_info(current: &directory::Directory) -> Result<DirectoryInfo> {
    let builtin = directory::default_directory()?.version;
    Ok(DirectoryInfo {
        version: current.version,
        installed: current.version > builtin,
        countries: current.countries.keys().cloned().collect(),
    })
}

fn current_directory(conn: &Connection) -> Result<directory::Directory> {
    current_directory_trusting(conn, &directory::publisher_key()?)
}

/// The installed pack if it still verifies and is newer, else the built-in one: a pack
/// altered in the database falls back to the last good one instead of failing the button.
fn current_directory_trusting(conn: &Connection, trusted_key: &[u8]) -> Result<directory::Directory> {
    let builtin = directory::default_directory()?;
    let installed: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT body, signature FROM content_packs WHERE kind = ?1",
            params![directory::PACK_KIND],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(installed
        .and_then(|(body, signature)| directory::verify_with(&body, &signature, trusted_key).ok())
        .filter(|pack| pack.version > builtin.version)
        .unwrap_or_else(|| builtin.clone()))
}

fn checked_card(card: EmergencyCard) -> Result<EmergencyCard> {
    if card.contacts.len() > MAX_CARD_CONTACTS {
        return Err(MigranError::invalid("contacts", InvalidReason::TooLong));
    }
    let short = |field: &str, value: Option<String>| {
        validate::optional_text(field, value.as_deref(), validate::SHORT_TEXT_MAX)
    };
    Ok(EmergencyCard {
        full_name: validate::required_text("full_name", &card.full_name, validate::SHORT_TEXT_MAX)?,
        passport_number: card
            .passport_number
            .filter(|p| !p.trim().is_empty())
            .map(|p| validate::document_number("passport", &p))
            .transpose()?,
        country: validate::country("country", &card.country)?,
        city: short("city", card.city)?,
        employer_name: short("employer_name", card.employer_name)?,
        employer_address: validate::optional_multiline(
            "employer_address",
            card.employer_address.as_deref(),
            validate::LONG_TEXT_MAX,
        )?,
        contacts: card
            .contacts
            .into_iter()
            .map(|c| {
                Ok(CardContact {
                    name: validate::required_text("name", &c.name, validate::SHORT_TEXT_MAX)?,
                    phone: validate::phone("phone", &c.phone)?,
                    role: c.role,
                })
            })
            .collect::<Result<_>>()?,
    })
}

fn check_location(location: Option<&GeoLocation>) -> Result<()> {
    if let Some(location) = location {
        let valid = location.latitude.is_finite()
            && location.longitude.is_finite()
            && (-90.0..=90.0).contains(&location.latitude)
            && (-180.0..=180.0).contains(&location.longitude);
        if !valid {
            return Err(MigranError::invalid("location", InvalidReason::OutOfRange));
        }
    }
    Ok(())
}

/// Counts what a text costs as SMS: the UI shows it before sending.
#[uniffi::export]
pub fn sms_size(text: String) -> SmsSize {
    sms::measure(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::VaultSettings;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use std::sync::Arc;

    fn vault(dir: &std::path::Path) -> Arc<Vault> {
        let settings = VaultSettings {
            kdf_iterations: crate::MIN_KDF_ITERATIONS,
            ..VaultSettings::default()
        };
        Vault::create_with_clock(
            dir,
            "246810",
            Some(vec![7; 32]),
            settings,
            Arc::new(crate::SystemClock),
        )
        .unwrap()
    }

    fn newer_pack(version: u32) -> Vec<u8> {
        let mut pack: serde_json::Value =
            serde_json::from_slice(include_bytes!("../../content/emergency/directory.json")).unwrap();
        pack["version"] = version.into();
        pack["countries"]["AE"] = serde_json::json!({
            "name": {"id": "Uni Emirat Arab", "en": "United Arab Emirates"},
            "mission": [],
            "local": [{"id": "ae-999", "label": {"id": "Polisi UEA", "en": "UAE police"}, "number": "999",
                       "channels": ["call"], "source": "test pack", "checked": "2026-11-01"}]
        });
        serde_json::to_vec(&pack).unwrap()
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

    #[test]
    fn a_newer_signed_pack_is_installed_and_an_altered_copy_falls_back_to_the_last_good_one() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault(dir.path());
        vault.lock();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = key.public_key().as_ref().to_vec();

        let pack = newer_pack(3);
        let info = vault
            .install_directory_pack_trusting(&pack, key.sign(&pack).as_ref(), &public)
            .unwrap();
        assert_eq!((info.version, info.installed), (3, true));
        assert!(info.countries.contains(&"AE".to_string()));

        // Not newer: refused, version 3 stays.
        let same = newer_pack(3);
        assert_eq!(
            vault
                .install_directory_pack_trusting(&same, key.sign(&same).as_ref(), &public)
                .err(),
            Some(directory::rejected("version"))
        );
        // Altered in the database: the built-in pack takes over, the button still works.
        vault
            .with_connection(|conn| {
                let body: Vec<u8> = conn.query_row("SELECT body FROM content_packs", [], |row| row.get(0))?;
                let altered = String::from_utf8_lossy(&body).replace("999", "998").into_bytes();
                conn.execute("UPDATE content_packs SET body = ?1", params![altered])?;
                Ok(())
            })
            .unwrap();
        let current = vault
            .with_connection(|conn| current_directory_trusting(conn, &public))
            .unwrap();
        assert_eq!(current.version, directory::default_directory().unwrap().version);
    }
}
