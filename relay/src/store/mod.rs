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
}

pub type SharedStore = Arc<dyn Store>;
