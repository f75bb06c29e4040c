//! Follow links: the migrant's and the family's own phones, linked to the team for one
//! person only (docs/follow.md; docs/decisions/0013-device-roles-and-follow-links.md).
//!
//! - [`link`]: the device's role, the link request (`MEL1`) and package (`MEK1`), ending
//!   a link.
//! - [`view`]: what a follower receives: an allow-list projection of one person, sent
//!   whole, numbered, sealed with the link key and signed by a cadre device.
//! - [`events`]: what the migrant's phone sends back (its alerts and missed check-ins),
//!   kept in the register as the person's records, in the cadre's agenda.
//!
//! A follower never holds the team key: a bug in a projection can leak fields of the one
//! followed person, never another person's record.

mod events;
mod link;
pub mod relay;
mod view;

pub(crate) use events::agenda_signals;
pub(crate) use link::end_family_links;

use crate::checklist::FamilyChecklistView;
use crate::emergency::{CardContact, EmergencyCard, EmergencyKind, GeoLocation};
use crate::error::Result;
use crate::i18n::Locale;
use crate::vault::Vault;

/// Schema step 7 of `vault.db`. `device_role` and `followed_link` stay on the device;
/// `follow_links` and `follow_alerts` travel with team sync, so every cadre device of the
/// team can make the next view, sees the alerts and refuses an ended link.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE device_role (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        role  TEXT NOT NULL
    );
    CREATE TABLE follow_links (
        id             TEXT PRIMARY KEY,
        person_id      TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        device_id      TEXT NOT NULL,
        signing_key    TEXT NOT NULL,
        agreement_key  TEXT NOT NULL,
        link_key       BLOB NOT NULL,
        cadre_name     TEXT,
        cadre_phone    TEXT,
        created_at     TEXT NOT NULL,
        created_by     TEXT NOT NULL,
        ended_at       TEXT,
        end_reason     TEXT,
        views_sent     INTEGER NOT NULL,
        events_seq     INTEGER NOT NULL
    );
    CREATE INDEX follow_links_by_person ON follow_links (person_id);
    CREATE TABLE follow_alerts (
        id               TEXT PRIMARY KEY,
        link_id          TEXT NOT NULL REFERENCES follow_links (id) ON DELETE CASCADE,
        person_id        TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        kind             TEXT NOT NULL,
        raised_at        TEXT NOT NULL,
        missed_check_in  INTEGER NOT NULL,
        location         TEXT,
        location_at      TEXT,
        stopped_at       TEXT,
        acknowledged_by  TEXT,
        acknowledged_at  TEXT
    );
    CREATE INDEX follow_alerts_by_person ON follow_alerts (person_id);
    CREATE TABLE followed_link (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        team_id           TEXT    NOT NULL,
        link_id           TEXT    NOT NULL,
        kind              TEXT    NOT NULL,
        link_key          BLOB    NOT NULL,
        signers           TEXT    NOT NULL,
        team_fingerprint  TEXT    NOT NULL,
        view_seq          INTEGER NOT NULL,
        view              TEXT    NOT NULL,
        received_at       TEXT    NOT NULL,
        events_seq        INTEGER NOT NULL
    );
"#;

/// The largest view or events file the core reads (`SyncRefused { Format }` above it,
/// before any parsing). A view is a few KiB and a phone's whole outbox far below this;
/// a larger file is not one of ours, and parsing it whole would only cost memory.
pub(crate) const MAX_FOLLOW_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Step 11 of `locked.db`: the role sealed with the device key, padded to one length.
pub(crate) const LOCKED_ROLE: &str = r#"
    CREATE TABLE device_role_sealed (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        data  BLOB NOT NULL
    );
"#;

/// What a device is for, chosen at set-up; it shapes the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceRole {
    /// A field cadre's phone: the team register.
    Cadre,
    /// A village officer's device: the team register.
    Officer,
    /// The migrant's own phone: their card, checklist, check-ins and alerts.
    Migrant,
    /// A family member's phone: the checklist progress of one person.
    Family,
}

crate::storage_codes!(DeviceRole {
    Cadre => "cadre",
    Officer => "officer",
    Migrant => "migrant",
    Family => "family",
});

/// Who a follow link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FollowKind {
    /// The person's own phone: their card, journey, checklist; their alerts come back.
    Migrant,
    /// A family member's phone: the family's checklist view and whether alerts were
    /// raised and answered. Needs the person's consent to share with family.
    Family,
}

crate::storage_codes!(FollowKind {
    Migrant => "migrant",
    Family => "family",
});

/// Why a link was ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LinkEndReason {
    /// The person withdrew their consent to share with family.
    ConsentWithdrawn,
    /// The follower's phone was lost, stolen or taken.
    PhoneLost,
    /// The link is no longer needed (the person came home, asked to stop).
    NoLongerNeeded,
}

crate::storage_codes!(LinkEndReason {
    ConsentWithdrawn => "consent_withdrawn",
    PhoneLost => "phone_lost",
    NoLongerNeeded => "no_longer_needed",
});

/// What a phone that wants to follow shows the cadre: a QR code or a file, and the
/// fingerprint both read aloud.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowRequest {
    /// `MEL1...`: the device id and its two public keys. Nothing secret.
    pub text: String,
    /// Ten bytes of the request's SHA-256 in groups of four characters.
    pub fingerprint: String,
}

/// A follow link as the team keeps it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowLink {
    /// The link's id (also its relay channel: it names no person).
    pub link_id: String,
    /// The person followed.
    pub person_id: String,
    /// Migrant or family.
    pub kind: FollowKind,
    /// The follower device's id.
    pub device_id: String,
    /// When it was made, RFC 3339 UTC.
    pub created_at: String,
    /// The cadre device that made it.
    pub created_by: String,
    /// When it was ended, RFC 3339 UTC; `None` while it runs.
    pub ended_at: Option<String>,
    /// Why it was ended.
    pub end_reason: Option<LinkEndReason>,
    /// Views made for it so far (the last view's number).
    pub views_sent: u64,
}

/// The package for the follower's phone, and the link it made.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowPackage {
    /// `MEK1...`: the link certificate, the link key wrapped to the follower, the team's
    /// certificates and the first view. For a QR code sequence or a file.
    pub text: String,
    /// The link.
    pub link: FollowLink,
}

/// The link this phone follows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowedLink {
    /// The link's id.
    pub link_id: String,
    /// Migrant or family.
    pub kind: FollowKind,
    /// The team's fingerprint: compare it with the cadre's screen.
    pub team_fingerprint: String,
    /// The number of the view held.
    pub view_number: u64,
    /// When the cadre's device made the view held, RFC 3339 UTC.
    pub view_made_at: String,
    /// When this phone received it, RFC 3339 UTC.
    pub received_at: String,
}

/// An alert the family is told of: that it was raised and whether someone answered.
/// Never its text, location or recipients.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyAlertNotice {
    /// The day it was raised, `YYYY-MM-DD`.
    pub raised_on: String,
    /// What it was about.
    pub kind: EmergencyKind,
    /// Whether the cadre acknowledged it.
    pub acknowledged: bool,
}

/// What a family phone shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyFollowView {
    /// The family's checklist view, in the locale asked for.
    pub checklist: FamilyChecklistView,
    /// The person's alerts, newest first.
    pub alerts: Vec<FamilyAlertNotice>,
    /// The link and the view's number and age.
    pub link: FollowedLink,
}

/// The cadre's answer to one of the migrant's alerts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AlertAcknowledgement {
    /// The alert's id, as the migrant's outbox has it.
    pub alert_id: String,
    /// Who acknowledged it.
    pub by: String,
    /// When, RFC 3339 UTC.
    pub at: String,
}

/// What the migrant's own phone shows from the team.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MigrantFollowView {
    /// Their checklist in plain words, in the locale asked for.
    pub checklist: FamilyChecklistView,
    /// Destination country, ISO 3166-1 alpha-2; `None` when not known.
    pub destination_country: Option<String>,
    /// Departure date, `YYYY-MM-DD`; `None` when not known.
    pub departure_date: Option<String>,
    /// The emergency card the cadre prepared (also stored as this phone's card);
    /// `None` while the destination country is not recorded.
    pub card: Option<EmergencyCard>,
    /// The team's answers to their alerts.
    pub acknowledgements: Vec<AlertAcknowledgement>,
    /// The link and the view's number and age.
    pub link: FollowedLink,
}

/// An alert from a migrant's phone, as the team holds it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FollowAlert {
    /// The alert's id (the one on the migrant's phone).
    pub alert_id: String,
    /// The person who raised it.
    pub person_id: String,
    /// The link it came through.
    pub link_id: String,
    /// What it is about.
    pub kind: EmergencyKind,
    /// When it was raised, RFC 3339 UTC.
    pub raised_at: String,
    /// Whether it was raised by a missed check-in rather than the button.
    pub missed_check_in: bool,
    /// The latest location the phone sent with it.
    pub location: Option<GeoLocation>,
    /// When that location was sent, RFC 3339 UTC.
    pub location_at: Option<String>,
    /// When the migrant stopped its location updates, RFC 3339 UTC.
    pub stopped_at: Option<String>,
    /// Who on the team acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When, RFC 3339 UTC.
    pub acknowledged_at: Option<String>,
}

/// What importing a migrant's events did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct FollowEventsReport {
    /// Alerts the team did not hold yet.
    pub new_alerts: u32,
    /// Alerts held whose location or stop changed.
    pub updated: u32,
}

#[uniffi::export]
impl Vault {
    /// Chooses what this device is for. A device in a team is a cadre's or an officer's;
    /// a device following a link keeps that link's role (`Invalid { field: "role" }`).
    pub fn set_device_role(&self, role: DeviceRole) -> Result<DeviceRole> {
        let key = self.emergency_key().ok();
        self.write(|s| link::set_role(s, role, key.as_ref()))
    }

    /// What this device is for: the role chosen, else the team role; `None` before set-up.
    /// Works locked, and the duress PIN's decoy answers the real role, from a copy sealed
    /// with the device key (so the decoy opens on the same home as the real profile);
    /// `None` there when the role was never chosen or the vault has no device secret.
    pub fn device_role(&self) -> Result<Option<DeviceRole>> {
        if self.is_unlocked() && !self.decoy_is_open() {
            return self.read(link::role);
        }
        let Ok(key) = self.emergency_key() else {
            return Ok(None);
        };
        self.with_locked_store(|conn| link::sealed_role(conn, &key))
    }

    /// This phone's request to follow one person, for the cadre to scan.
    pub fn follow_request(&self) -> Result<FollowRequest> {
        self.write(link::request)
    }

    /// Links the phone whose request is `request` to one person (after both compared its
    /// fingerprint) and returns the package to hand it. A family link needs the person's
    /// consent to share with family; a migrant link their registration consent.
    /// `cadre_contact` goes on a migrant's emergency card (and is kept for later views).
    pub fn follow_link(
        &self,
        person_id: String,
        kind: FollowKind,
        request: String,
        cadre_contact: Option<CardContact>,
    ) -> Result<FollowPackage> {
        self.write(|s| link::create(s, &person_id, kind, &request, cadre_contact))
    }

    /// A person's follow links, ended ones included, oldest first.
    pub fn follow_links(&self, person_id: String) -> Result<Vec<FollowLink>> {
        self.read(|s| link::list(s, &person_id))
    }

    /// Ends a link at once: no view is made for it and its events are refused from now
    /// on, on this device and, after sync, on every device of the team. Audited.
    pub fn end_follow_link(&self, link_id: String, reason: LinkEndReason) -> Result<FollowLink> {
        self.write(|s| link::end(s, &link_id, reason))
    }

    /// The next view for a link's phone, as a file: sealed with the link key, signed by
    /// this device. `SyncRefused { LinkEnded }` once the link was ended.
    pub fn follow_view_export(&self, link_id: String) -> Result<Vec<u8>> {
        self.write(|s| view::export(s, &link_id))
    }

    /// Imports a migrant phone's events file: its alerts join the person's record and
    /// the agenda.
    pub fn follow_events_import(&self, events: Vec<u8>) -> Result<FollowEventsReport> {
        self.write(|s| events::import(s, &events))
    }

    /// Alerts from migrants' phones, newest first; of one person when `person_id` is given.
    pub fn follow_alerts(&self, person_id: Option<String>) -> Result<Vec<FollowAlert>> {
        self.read(|s| events::list(s, person_id.as_deref()))
    }

    /// Records that the team answered an alert; the migrant's phone sees it with the
    /// next view.
    pub fn acknowledge_follow_alert(&self, alert_id: String, by: String) -> Result<FollowAlert> {
        self.write(|s| events::acknowledge(s, &alert_id, &by))
    }

    /// Follows the link a package makes: checks it is addressed to this phone and signed
    /// by a member of the team it names, and keeps its first view.
    pub fn follow_accept(&self, package: String) -> Result<FollowedLink> {
        let key = self.emergency_key().ok();
        let card = self.write(|s| link::accept(s, &package, key.as_ref()))?;
        self.apply_migrant_view(card)?;
        self.followed_link()
    }

    /// Replaces the view held with a newer one (`SyncRefused { Replayed }` for one not
    /// newer).
    pub fn follow_view_import(&self, view: Vec<u8>) -> Result<FollowedLink> {
        let card = self.write(|s| view::import(s, &view))?;
        self.apply_migrant_view(card)?;
        self.followed_link()
    }

    /// The link this phone follows (`SyncRefused { NotFollowing }` when none).
    pub fn followed_link(&self) -> Result<FollowedLink> {
        self.read(|s| view::followed(s).map(|held| held.link))
    }

    /// What a family phone shows, in `locale`.
    pub fn followed_family_view(&self, locale: Locale) -> Result<FamilyFollowView> {
        self.read(|s| view::family(s, locale))
    }

    /// What the migrant's own phone shows from the team, in `locale`.
    pub fn followed_migrant_view(&self, locale: Locale) -> Result<MigrantFollowView> {
        self.read(|s| view::migrant(s, locale))
    }

    /// The migrant phone's alerts and missed check-ins as a file for the team, sealed
    /// with the link key and signed by this phone.
    pub fn follow_events_export(&self) -> Result<Vec<u8>> {
        let alerts = self.emergency_log()?;
        let missed = self.missed_check_in_alert_id()?;
        self.write(|s| events::export(s, &alerts, missed.as_deref()))
    }

    /// Forgets the followed link and its view (a phone handed on, a link ended).
    pub fn forget_followed_link(&self) -> Result<()> {
        self.write(link::forget)
    }
}

impl Vault {
    /// A migrant view's card becomes this phone's card (the first view's always, a later
    /// view's when the team changed it), and the team's answers mark the outbox's alerts
    /// acknowledged. Run after the view is stored: the card and the outbox live in
    /// `locked.db`, which no transaction shares with `vault.db`.
    fn apply_migrant_view(&self, applied: Option<view::MigrantUpdate>) -> Result<()> {
        let Some(update) = applied else {
            return Ok(());
        };
        if let Some(card) = update.card {
            if self.emergency_card()?.as_ref() != Some(&card) {
                self.set_emergency_card(card)?;
            }
        }
        let held = self.emergency_log()?;
        for ack in update.acknowledgements {
            let open = held
                .iter()
                .any(|alert| alert.id == ack.alert_id && alert.acknowledged_at.is_none());
            if open {
                self.acknowledge_emergency(ack.alert_id, ack.by)?;
            }
        }
        Ok(())
    }

    /// Every view a phone holds, as received (decrypted): for the bundle-level test that
    /// no field outside the allow-list ever reaches a follower.
    #[doc(hidden)]
    pub fn followed_view_text(&self) -> Result<String> {
        self.read(|s| view::followed(s).map(|held| held.payload_text))
    }
}

/// Whether `request` is a follow request, and its fingerprint, for the cadre to compare
/// with the one the phone shows.
#[uniffi::export]
pub fn follow_request_fingerprint(request: String) -> Result<String> {
    link::parse_request(&request)?.fingerprint_with(link::REQUEST_PREFIX)
}
