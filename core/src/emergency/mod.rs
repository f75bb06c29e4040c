//! The emergency button. A migrant abroad may have seconds, no data plan and a locked
//! phone: the plan is composed from data on the phone, needs no PIN and no network, and
//! every trigger is kept in an outbox that survives a restart until each action is done.
//!
//! What must work while locked (the card, the outbox) is sealed with a key from the
//! device secret alone (docs/security.md); changing the card or the settings needs the PIN.
//!
//! One part per file: `directory` (the signed content and its checks), `pack` (packs
//! installed in the vault, which one is in use), `card`, `plan` (who, in what order,
//! with what words: a pure function), `sms` (what a text costs), `outbox` (triggers,
//! action states, retries, log), `checkin` (check-ins whose miss queues an alert).
//! This file joins them into the plan.

mod card;
mod checkin;
pub(crate) mod directory;
mod duress;
mod outbox;
mod pack;
mod plan;
mod sms;

use crate::crypto::DeviceKey;
use crate::error::{InvalidReason, MigranError, Result};
use crate::i18n::Locale;
use crate::validate;
use crate::vault::Vault;
use zeroize::Zeroizing;

pub use card::{CardContact, CardContactRole, EmergencyCard};
pub(crate) use checkin::LOCKED_CHECK_IN;
pub use checkin::{
    CheckInPoll, CheckInRequest, CheckInSchedule, CheckInState, CheckInStatus, MAX_CHECK_IN_AHEAD_DAYS,
    MAX_CHECK_IN_GRACE_MINUTES, MAX_CHECK_IN_MINUTES, MIN_CHECK_IN_MINUTES,
};
#[doc(hidden)]
pub use directory::check_unsigned_directory_pack;
pub use directory::{DirectoryRole, MAX_DIRECTORY_PACK_BYTES};
pub(crate) use outbox::LOCKED_OUTBOX;
pub use outbox::{
    ActionState, ActionStatus, EmergencyAlert, EmergencyOutboxSummary, EmergencySettings, LocationUpdate,
    LocationUpdateOffer, LocationUpdateStatus, PendingAction, DEFAULT_LOCATION_UPDATE_MINUTES, MAX_ATTEMPTS,
    MAX_LOCATION_UPDATE_MINUTES,
};
pub(crate) use pack::current_directory;
pub use pack::{DirectoryEntry, DirectoryInfo};
pub use plan::{
    ActionChannel, EmergencyAction, EmergencyKind, EmergencyPlan, GeoLocation, Recipient,
    FIX_CLOCK_TOLERANCE_SECONDS, MAX_FIX_AGE_DAYS,
};
pub use sms::{measure as measure_sms, SmsEncoding, SmsSize};

/// The emergency button's tables in `locked.db`: card, settings and outbox sealed with the device key, and installed content packs (public data).
pub(crate) const LOCKED_SCHEMA: &str = r#"
    CREATE TABLE emergency_card (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE TABLE emergency_settings (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        data        BLOB NOT NULL
    );
    CREATE TABLE emergency_alerts (
        id          TEXT PRIMARY KEY,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE TABLE content_packs (
        kind          TEXT PRIMARY KEY,
        version       INTEGER NOT NULL,
        body          BLOB NOT NULL,
        signature     BLOB NOT NULL,
        installed_at  TEXT NOT NULL
    );
"#;

const DEVICE_KEY_PURPOSE: &str = "migran/v1/emergency";

#[uniffi::export]
impl Vault {
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
        let country = typed_country(country)?;
        let now = self.now();
        check_location(location.as_ref(), now)?;
        let key = self.device_secret().map(Self::key_from).transpose()?;
        let today = self.today();
        let (card, card_unreadable, directory) = self.plan_inputs(key.as_ref())?;
        let request = plan::PlanRequest {
            kind,
            country: country.as_deref(),
            location,
            locale,
            today,
            now,
        };
        Ok(compose_plan(
            &request,
            card.as_deref(),
            card_unreadable,
            &directory,
        ))
    }
}

/// The plan when no vault opens at all: its folder deleted or unreadable, its files
/// empty, damaged or wiped, the device secret lost or another one. The apps call it
/// whenever `Vault::open` (or `emergency_plan` on the opened vault) fails, so the button
/// never depends on storage. Built from the built-in directory alone: the mission of
/// `country` (when given) and the national hotlines; no card could be read, so
/// `card_unreadable` is true. Fails only on a malformed `country` or `location`.
#[uniffi::export]
pub fn emergency_plan_without_vault(
    kind: EmergencyKind,
    country: Option<String>,
    location: Option<GeoLocation>,
    locale: Locale,
) -> Result<EmergencyPlan> {
    let country = typed_country(country)?;
    let clock = crate::time::SystemClock;
    let now = crate::time::Clock::now(&clock);
    check_location(location.as_ref(), now)?;
    let today = crate::time::local_date(&clock, now);
    let request = plan::PlanRequest {
        kind,
        country: country.as_deref(),
        location,
        locale,
        today,
        now,
    };
    Ok(compose_plan(
        &request,
        None,
        true,
        directory::default_directory()?,
    ))
}

/// The plan from a vault whose folder cannot be written (a read-only mount or folder, a
/// failing card): `Vault::open` writes before it reads and fails there, yet the card is
/// still on disk. `locked.db` is opened read-only (`store::read_only`) with the key from
/// `device_secret`, the card opened with the device key, and the installed directory pack
/// used when it verifies, the built-in one otherwise. Nothing is written, so nothing of
/// this plan is recorded (no outbox entry).
///
/// Unlike [`emergency_plan_without_vault`] this fails when the file cannot be read (gone,
/// damaged, another device secret): the caller then falls back to that function, which
/// cannot fail on storage. A card that is present but does not open gives a plan without
/// it, flagged `card_unreadable`, as on an opened vault. The `bool` says whether the
/// card was read, so the caller's warning does not promise contacts the plan lacks. Not
/// exported to the apps yet: the CLI uses it; an export needs its Kotlin and Swift tests
/// (docs/bindings.md).
pub fn emergency_plan_read_only(
    dir: &std::path::Path,
    device_secret: Option<&[u8]>,
    kind: EmergencyKind,
    country: Option<String>,
    location: Option<GeoLocation>,
    locale: Locale,
) -> Result<(EmergencyPlan, bool)> {
    let country = typed_country(country)?;
    let clock = crate::time::SystemClock;
    let now = crate::time::Clock::now(&clock);
    check_location(location.as_ref(), now)?;
    let store_key = crate::crypto::locked_store_key(device_secret)?;
    let conn = crate::store::read_only::open_locked_read_only(dir, &store_key)?;
    let card_key = device_secret.map(Vault::key_from).transpose()?;
    let (card, card_unreadable) = read_card(&conn, card_key.as_ref());
    let builtin = directory::default_directory()?;
    let directory = pack::current_directory(&conn, device_secret).unwrap_or_else(|_| builtin.clone());
    let today = crate::time::local_date(&clock, now);
    let request = plan::PlanRequest {
        kind,
        country: country.as_deref(),
        location,
        locale,
        today,
        now,
    };
    let card_read = card.is_some();
    Ok((
        compose_plan(&request, card.as_deref(), card_unreadable, &directory),
        card_read,
    ))
}

/// As [`emergency_plan_read_only`], for a vault made with the hardware key factor: its
/// locked key's output takes the device secret's place, as in `Vault::open_with_factor`.
/// Not exported to the apps yet (the CLI's file factor uses it).
pub fn emergency_plan_read_only_with_factor(
    dir: &std::path::Path,
    factor: &dyn crate::key_factor::KeyFactor,
    kind: EmergencyKind,
    country: Option<String>,
    location: Option<GeoLocation>,
    locale: Locale,
) -> Result<(EmergencyPlan, bool)> {
    // Wiped when dropped (`Zeroizing`).
    let secret = crate::key_factor::locked_secret(factor)?;
    emergency_plan_read_only(dir, Some(&secret), kind, country, location, locale)
}

/// The plan for `request`, flagged when a card was there but did not open: the one
/// tail of every way to the plan (opened vault, read-only folder, no vault).
fn compose_plan(
    request: &plan::PlanRequest<'_>,
    card: Option<&EmergencyCard>,
    card_unreadable: bool,
    directory: &directory::Directory,
) -> EmergencyPlan {
    let mut plan = plan::compose(request, card, directory);
    plan.card_unreadable = card_unreadable;
    plan
}

/// The card, if one is stored and opens; `true` when one is stored but does not open
/// (damaged, or another device key), so the plan can say its contacts are missing. The
/// card is the core's copy, for the plan only: wiped when dropped.
fn read_card(
    conn: &rusqlite::Connection,
    key: Option<&DeviceKey>,
) -> (Option<Zeroizing<EmergencyCard>>, bool) {
    match key.map(|key| card::load_card(conn, key)) {
        None | Some(Ok(None)) => (None, false),
        Some(Ok(Some(card))) => (Some(Zeroizing::new(card)), false),
        Some(Err(_)) => (None, true),
    }
}

fn typed_country(country: Option<String>) -> Result<Option<String>> {
    country
        .filter(|c| !c.trim().is_empty())
        .map(|c| validate::country("country", &c))
        .transpose()
}

impl Vault {
    /// The card and the directory for a plan. Nothing here may stop the button: a card
    /// that fails to open gives a plan without it (flagged `card_unreadable`), a stored
    /// pack that cannot be read gives the built-in one, and a vault file that cannot be
    /// read at all (wiped) still leaves the built-in directory's national hotlines.
    fn plan_inputs(
        &self,
        key: Option<&DeviceKey>,
    ) -> Result<(Option<Zeroizing<EmergencyCard>>, bool, directory::Directory)> {
        let builtin = directory::default_directory()?;
        let read = self.with_locked_store(|conn| {
            let card = read_card(conn, key);
            let directory =
                pack::current_directory(conn, self.device_secret()).unwrap_or_else(|_| builtin.clone());
            Ok((card, directory))
        });
        Ok(match read {
            Ok(((card, unreadable), directory)) => (card, unreadable, directory),
            Err(_) => (None, false, builtin.clone()),
        })
    }

    pub(crate) fn emergency_key(&self) -> Result<DeviceKey> {
        let secret = self.device_secret().ok_or(MigranError::NotAllowed {
            reason: crate::error::NotAllowedReason::DeviceSecretRequired,
        })?;
        Self::key_from(secret)
    }

    fn key_from(secret: &[u8]) -> Result<DeviceKey> {
        DeviceKey::from_device_secret(secret, DEVICE_KEY_PURPOSE)
    }
}

/// `value` as JSON, in a buffer wiped when dropped (the card, an alert: what is sealed).
/// Reserved large enough for any card or alert, so that the buffer does not grow and
/// leave unwiped copies behind.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    let mut json = Zeroizing::new(Vec::with_capacity(JSON_RESERVE));
    serde_json::to_writer(&mut *json, value)
        .map_err(|_| MigranError::internal("encoding an emergency record failed"))?;
    Ok(json)
}

/// Room reserved for an emergency record's JSON: the outbox's padded block.
const JSON_RESERVE: usize = 16 * 1024;

pub(super) fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|_| MigranError::tampered("emergency"))
}

/// A location from the phone, checked against the core's clock `now`: coordinates on
/// Earth (`Invalid { field: "location" }`), and a fix time neither ahead of `now` by more
/// than the clocks may drift (`Invalid { field: "location_fix_time", reason: BadDate }`)
/// nor older than [`plan::MAX_FIX_AGE_DAYS`] (`reason: OutOfRange`). The apps then send
/// the plan without the location: a position whose age cannot be told honestly does not go
/// into a message.
pub(crate) fn check_location(
    location: Option<&GeoLocation>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let Some(location) = location else {
        return Ok(());
    };
    let valid = location.latitude.is_finite()
        && location.longitude.is_finite()
        && (-90.0..=90.0).contains(&location.latitude)
        && (-180.0..=180.0).contains(&location.longitude);
    if !valid {
        return Err(MigranError::invalid("location", InvalidReason::OutOfRange));
    }
    if let Some(millis) = location.fix_time_epoch_ms {
        const FIELD: &str = "location_fix_time";
        let fixed = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(millis)
            .ok_or_else(|| MigranError::invalid(FIELD, InvalidReason::OutOfRange))?;
        if fixed - now > chrono::Duration::seconds(plan::FIX_CLOCK_TOLERANCE_SECONDS) {
            return Err(MigranError::invalid(FIELD, InvalidReason::BadDate));
        }
        if now - fixed > chrono::Duration::days(plan::MAX_FIX_AGE_DAYS) {
            return Err(MigranError::invalid(FIELD, InvalidReason::OutOfRange));
        }
    }
    Ok(())
}

/// Counts what a text costs as SMS: the UI shows it before sending.
#[uniffi::export]
pub fn sms_size(text: String) -> SmsSize {
    sms::measure(&text)
}
