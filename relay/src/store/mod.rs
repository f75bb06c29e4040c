//! Where the relay keeps teams, enrolled device keys, used nonces and the bundles: one
//! trait, two engines (SQLite for a village office, PostgreSQL for a district or more),
//! run by the same tests. The bundles are opaque bytes to every engine.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Code;

pub mod postgres;
pub mod sqlite;

/// Why a storage call did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("team already registered")]
    TeamExists,
    #[error("device already enrolled")]
    DeviceExists,
    #[error("unknown team")]
    UnknownTeam,
    #[error("unknown device")]
    UnknownDevice,
    #[error("team storage full")]
    TeamStorageFull,
    /// The village's reports come from another team.
    #[error("village reported by another team")]
    VillageTaken,
    /// The team reports for another village.
    #[error("team bound to another village")]
    WrongVillage,
    /// A report for the village and period made later is already kept.
    #[error("a newer report is kept")]
    OlderReport,
    /// No follow link channel of that id in the team.
    #[error("unknown link")]
    UnknownLink,
    /// The link id is registered with another follower key or kind.
    #[error("link already registered")]
    LinkExists,
    /// The link was ended: its channel is gone and its id is never used again.
    #[error("link ended")]
    LinkEnded,
    /// The engine cannot be reached now (a restarting PostgreSQL, a locked file): retry.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("storage failure: {0}")]
    Internal(String),
}

impl StoreError {
    pub fn code(&self) -> Code {
        match self {
            StoreError::TeamExists => Code::TeamExists,
            StoreError::DeviceExists => Code::DeviceExists,
            StoreError::UnknownTeam => Code::UnknownTeam,
            StoreError::UnknownDevice => Code::UnknownDevice,
            StoreError::TeamStorageFull => Code::TeamStorageFull,
            StoreError::VillageTaken => Code::VillageTaken,
            StoreError::WrongVillage => Code::WrongVillage,
            StoreError::OlderReport => Code::OlderReport,
            StoreError::UnknownLink => Code::UnknownLink,
            StoreError::LinkExists => Code::LinkExists,
            StoreError::LinkEnded => Code::LinkEnded,
            StoreError::Unavailable(_) => Code::Unavailable,
            StoreError::Internal(_) => Code::Internal,
        }
    }
}

/// A device as the relay knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceLookup {
    NoTeam,
    NoDevice,
    Found { public_key: Vec<u8>, removed: bool },
}

/// What a push did: the bundle's place in the team's log, and whether the same bytes
/// were already there (a client retrying after a lost answer), in which case nothing
/// was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    pub seq: i64,
    pub duplicate: bool,
}

/// One bundle of a team's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub seq: i64,
    pub device_id: String,
    pub body: Vec<u8>,
}

/// A page of a team's log, and the last sequence number the team has now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub bundles: Vec<Stored>,
    pub last_seq: i64,
}

/// A push as the store receives it (already authenticated and within the size limit).
#[derive(Debug, Clone)]
pub struct NewBundle {
    pub team_id: String,
    pub device_id: String,
    pub body: Vec<u8>,
    /// SHA-256 of `body`: the same bytes pushed twice are one bundle.
    pub digest: Vec<u8>,
    pub now: i64,
}

/// A village's report to its district, as validated by the server: counts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictReport {
    pub team_id: String,
    pub district: String,
    pub village_code: String,
    pub village_name: String,
    /// `YYYY-MM-DD`, both ends of the period, inclusive.
    pub period_from: String,
    pub period_to: String,
    /// When the village made the report, `YYYY-MM-DDTHH:MM:SS.mmmZ` (fixed width, so
    /// text order is time order): a later one replaces an earlier one.
    pub generated_at: String,
    /// The counts, as the server's own JSON (`district::Counts`).
    pub counts: String,
    pub received_at: i64,
}

/// What a district report submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// The first report of the village for the period.
    New,
    /// It replaced the village's earlier report for the period (or was the same again).
    Replaced,
}

/// A follow link's channel as a member registers it: which follower key may read its
/// views and push its events. It names no person: the link id is random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub team_id: String,
    pub link_id: String,
    /// `migrant` or `family`.
    pub kind: String,
    /// The follower device's id and its Ed25519 public key.
    pub device_id: String,
    pub public_key: Vec<u8>,
    /// The member device that registered it (the relay's audit: who, when; no person).
    pub registered_by: String,
    pub now: i64,
}

/// A link channel as the relay knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkLookup {
    NoTeam,
    NoLink,
    Found {
        kind: String,
        device_id: String,
        public_key: Vec<u8>,
        ended: bool,
    },
}

/// What registering a link did: a new channel, or the same registration again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRegistered {
    New,
    Again,
}

/// The two files a channel keeps, the newest of each only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFile {
    /// The team's latest view for the follower (pushed by members).
    View,
    /// The migrant phone's latest events file (pushed by the follower).
    Events,
}

impl LinkFile {
    /// The columns of `relay_links` holding this file: (number, body, when).
    pub fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            LinkFile::View => ("view_seq", "view", "view_at"),
            LinkFile::Events => ("events_seq", "events", "events_at"),
        }
    }
}

/// A file put into a channel, as the store receives it (authenticated, within limits).
#[derive(Debug, Clone)]
pub struct NewLinkFile {
    pub team_id: String,
    pub link_id: String,
    pub file: LinkFile,
    /// The sender's own number for the file (a view's or an events file's sequence): the
    /// relay keeps the highest.
    pub seq: i64,
    pub body: Vec<u8>,
    pub now: i64,
}

/// What putting a file did: kept (it is the newest) or not (a newer or the same number is
/// held), and the number the channel holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkFileKept {
    pub kept: bool,
    pub seq: i64,
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Registers a team with its first device; `TeamExists` if the id is taken.
    async fn register_team(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        now: i64,
    ) -> Result<(), StoreError>;

    async fn device(&self, team_id: &str, device_id: &str) -> Result<DeviceLookup, StoreError>;

    /// Enrols a device; `DeviceExists` if the id is enrolled or was removed (a removed id
    /// never comes back: the device must be enrolled under a new id).
    async fn enrol_device(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        enrolled_by: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Marks a device removed; `UnknownDevice` if it is not enrolled.
    async fn remove_device(&self, team_id: &str, device_id: &str, now: i64) -> Result<(), StoreError>;

    /// Records a request nonce; `false` if this device used it already. Nonces older
    /// than `forget_before` are dropped (their timestamps are refused as stale anyway).
    async fn use_nonce(
        &self,
        team_id: &str,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError>;

    /// Appends a bundle to the team's log in one transaction: a reader sees all of it
    /// or nothing, and sequence numbers become visible in order.
    async fn push(&self, bundle: NewBundle, max_team_bytes: i64) -> Result<Pushed, StoreError>;

    /// Bundles after `after`, in order: at most `max_count`, and no more than
    /// `max_bytes` of bodies unless the first alone is larger (a page is never empty
    /// while bundles remain).
    async fn pull(
        &self,
        team_id: &str,
        after: i64,
        max_count: i64,
        max_bytes: i64,
    ) -> Result<Page, StoreError>;

    /// Keeps a village's report for its district and period, in one transaction. The
    /// team's first report binds it to its district and village: a team reports for one
    /// village (`WrongVillage` otherwise) and a village is reported by one team
    /// (`VillageTaken`). A report made earlier than the kept one is `OlderReport`.
    async fn submit_district_report(&self, report: DistrictReport) -> Result<Submitted, StoreError>;

    /// Every kept report of the district (all villages, all periods).
    async fn district_reports(&self, district: &str) -> Result<Vec<DistrictReport>, StoreError>;

    /// Registers a follow link's channel; the same registration again is `Again`, the id
    /// with another key, device or kind `LinkExists`, an ended id `LinkEnded`.
    async fn register_link(&self, link: NewLink) -> Result<LinkRegistered, StoreError>;

    async fn link(&self, team_id: &str, link_id: &str) -> Result<LinkLookup, StoreError>;

    /// Keeps `file` as the channel's newest of its kind if its number is higher than the
    /// one held, replacing it, in one transaction that also counts its bytes in the
    /// team's storage (`TeamStorageFull` past `max_team_bytes`). `UnknownLink`,
    /// `LinkEnded`.
    async fn put_link_file(&self, file: NewLinkFile, max_team_bytes: i64)
        -> Result<LinkFileKept, StoreError>;

    /// The channel's newest file of `file`'s kind if its number is above `after`:
    /// `(seq, body)`. `UnknownLink`, `LinkEnded`.
    async fn link_file(
        &self,
        team_id: &str,
        link_id: &str,
        file: LinkFile,
        after: i64,
    ) -> Result<Option<(i64, Vec<u8>)>, StoreError>;

    /// Ends a link: deletes both files (their bytes leave the team's count) and keeps only
    /// the id, the key and who ended it when, so that the follower is told `link_ended`
    /// and the id is never registered again. Ending an ended link changes nothing.
    /// `UnknownLink`. `true` when this call ended it.
    async fn end_link(
        &self,
        team_id: &str,
        link_id: &str,
        ended_by: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
}

pub type SharedStore = Arc<dyn Store>;
