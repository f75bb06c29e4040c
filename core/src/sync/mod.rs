//! Team sync: a village team's devices share one register by exchanging **bundles**
//! (files), without a server (docs/sync.md; decision 0010).
//!
//! - [`feed`]: every write through the storage kernel gets a version (origin device,
//!   sequence number, HLC, lineage) in the same transaction.
//! - [`team`]: device keys, members' certificates, enrolment, removal with a new key.
//! - [`bundle`]: export what a peer lacks, sealed and signed; import atomically.
//! - [`merge`]: lineage, then HLC and device id; erasure wins; conflicts kept.
//! - [`conflicts`]: the losing versions of concurrent person edits.
//! - [`relay_client`]: the same bundles through a relay (docs/relay.md).

pub(crate) mod bundle;
mod conflicts;
pub(crate) mod feed;
mod merge;
pub(crate) mod relay_client;
pub(crate) mod rows;
pub(crate) mod team;
pub(crate) mod text;

use crate::audit::AuditAction;
use crate::error::{MigranError, RecordKind, Result};
use crate::vault::Vault;

pub use crate::error::SyncRefusal;
pub use bundle::MAX_BUNDLE_BYTES;
pub(crate) use feed::{record_local_write, version_existing_rows};
pub use relay_client::{DistrictSubmission, RelaySyncListener, RelaySyncStage, RelaySyncSummary};
pub(crate) use team::device_keys;

/// Schema step 4 of `vault.db`: the change feed, the team and the conflicts.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE sync_device (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        device_id      TEXT    NOT NULL,
        last_seq       INTEGER NOT NULL,
        last_hlc       INTEGER NOT NULL,
        signing_key    BLOB,
        agreement_key  BLOB
    );
    INSERT INTO sync_device (id, device_id, last_seq, last_hlc)
        VALUES (1, lower(hex(randomblob(16))), 0, 0);
    CREATE TABLE sync_versions (
        tbl      TEXT    NOT NULL,
        key      TEXT    NOT NULL,
        origin   TEXT    NOT NULL,
        seq      INTEGER NOT NULL,
        hlc      INTEGER NOT NULL,
        deleted  INTEGER NOT NULL,
        lineage  TEXT    NOT NULL,
        PRIMARY KEY (tbl, key)
    ) WITHOUT ROWID;
    CREATE INDEX sync_versions_by_origin ON sync_versions (origin, seq);
    CREATE TABLE sync_seen (
        origin  TEXT PRIMARY KEY,
        seq     INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sync_peers (
        device_id  TEXT    NOT NULL,
        origin     TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (device_id, origin)
    ) WITHOUT ROWID;
    CREATE TABLE sync_bundles_in (
        sender  TEXT PRIMARY KEY,
        bundle  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sync_team (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        team_id      TEXT    NOT NULL,
        role         TEXT    NOT NULL,
        last_bundle  INTEGER NOT NULL
    );
    CREATE TABLE sync_team_keys (
        key_id    TEXT    PRIMARY KEY,
        epoch     INTEGER NOT NULL,
        team_key  BLOB    NOT NULL
    );
    CREATE TABLE sync_members (
        device_id  TEXT PRIMARY KEY,
        cert       TEXT NOT NULL
    );
    CREATE TABLE sync_removals (
        device_id   TEXT    NOT NULL,
        epoch       INTEGER NOT NULL,
        removed_by  TEXT    NOT NULL,
        cert        TEXT    NOT NULL,
        PRIMARY KEY (device_id, epoch, removed_by)
    );
    CREATE TABLE sync_conflicts (
        id             TEXT    PRIMARY KEY,
        person_id      TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        reason         TEXT    NOT NULL,
        losing_origin  TEXT    NOT NULL,
        losing_seq     INTEGER NOT NULL,
        losing_hlc     INTEGER NOT NULL,
        kept_hlc       INTEGER NOT NULL,
        losing_values  TEXT    NOT NULL,
        resolved       INTEGER NOT NULL,
        kept_losing    INTEGER
    );
    CREATE INDEX sync_conflicts_by_person ON sync_conflicts (person_id);
"#;

/// A device's role in its team. Cadres and officers both hold the whole register; the
/// role travels in the member's certificate, so that migrant and family devices (a later
/// issue) can be told apart and given less.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TeamRole {
    /// A field cadre (kader).
    Cadre,
    /// A village officer.
    Officer,
}

crate::storage_codes!(TeamRole {
    Cadre => "cadre",
    Officer => "officer",
});

/// Why a version of a person was kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConflictReason {
    /// Two devices edited the person at the same time; the other edit was kept.
    ConcurrentEdit,
    /// Another device registered a person with a NIK a person here already has: the two
    /// may be the same person, registered twice.
    NikTaken,
}

crate::storage_codes!(ConflictReason {
    ConcurrentEdit => "concurrent_edit",
    NikTaken => "nik_taken",
});

/// The team this device is in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamInfo {
    /// The team's id.
    pub team_id: String,
    /// This device's id.
    pub device_id: String,
    /// This device's role.
    pub role: TeamRole,
    /// What every member's screen shows alike: compare it after joining.
    pub fingerprint: String,
    /// Members not removed, this device included.
    pub active_members: u32,
}

/// What a device that wants to join shows: the text for a QR code or a file, and the
/// fingerprint both people read aloud before the member admits it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JoinRequest {
    /// `MEJ1...`: the device id and its two public keys. Nothing secret.
    pub text: String,
    /// Ten bytes of the request's SHA-256 in groups of four characters.
    pub fingerprint: String,
}

/// A member device of the team.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamDevice {
    /// The device's id.
    pub device_id: String,
    /// Its role.
    pub role: TeamRole,
    /// The member that admitted it (itself for the team's creator).
    pub admitted_by: String,
    /// Whether it was removed (it receives nothing new).
    pub removed: bool,
    /// Whether it is this device.
    pub this_device: bool,
}

/// What importing a bundle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Changes written.
    pub applied: u32,
    /// Changes already held or older than what is held.
    pub unchanged: u32,
    /// Persons erased.
    pub erased: u32,
    /// Changes dropped because what they belong to was erased here.
    pub dropped: u32,
    /// Changes kept apart as conflicts.
    pub conflicts: u32,
}

/// Where this device stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStatus {
    /// This device's id.
    pub device_id: String,
    /// The team, if any.
    pub team: Option<TeamInfo>,
    /// Changes this device holds, made on any device (its own included).
    pub changes_held: u64,
    /// Conflicts waiting to be resolved.
    pub unresolved_conflicts: u32,
}

/// One field on which the kept and the losing version of a person differ.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConflictField {
    /// The field (column) name: `full_name`, `phone`, ...
    pub field: String,
    /// The value now held.
    pub kept: Option<String>,
    /// The value of the losing version.
    pub losing: Option<String>,
}

/// A person's version that lost to a concurrent edit, kept to be resolved.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncConflict {
    /// The conflict's id (the same on every device).
    pub id: String,
    /// The person it is about.
    pub person_id: String,
    /// Why it was kept apart.
    pub reason: ConflictReason,
    /// The fields that differ.
    pub fields: Vec<ConflictField>,
    /// The kept version's HLC.
    pub kept_hlc: u64,
    /// The losing version's HLC.
    pub losing_hlc: u64,
    /// The device the losing version was made on.
    pub losing_device: String,
}

#[uniffi::export]
impl Vault {
    /// Makes a new team with this device as its first member.
    pub fn team_create(&self, role: TeamRole) -> Result<TeamInfo> {
        self.write(|s| {
            team::create(s.conn, role)?;
            team_info(s.conn)
        })
    }

    /// This device's join request, to show as a QR code or hand over as a file.
    pub fn team_join_request(&self) -> Result<JoinRequest> {
        self.write(|s| {
            let request = team::join_request(s.conn)?;
            Ok(JoinRequest {
                text: request.text()?,
                fingerprint: request.fingerprint()?,
            })
        })
    }

    /// Admits the device whose request is `request` (after both people compared its
    /// fingerprint). Returns the answer to hand back (`MEA1...`): the team key wrapped
    /// to that device and the team's certificates.
    pub fn team_admit(&self, request: String, role: TeamRole) -> Result<String> {
        let request = team::JoinRequest::parse(&request)?;
        self.write(|s| team::admit(s.conn, &request, role))
    }

    /// Joins the team an admission answer names.
    pub fn team_accept(&self, admission: String) -> Result<TeamInfo> {
        self.write(|s| {
            team::accept(s.conn, &admission)?;
            team_info(s.conn)
        })
    }

    /// The team's devices.
    pub fn team_devices(&self) -> Result<Vec<TeamDevice>> {
        self.read(|s| {
            team::require_team(s.conn)?;
            let own = feed::device_id(s.conn)?;
            let roster = team::roster(s.conn)?;
            Ok(roster
                .members
                .iter()
                .map(|member| TeamDevice {
                    device_id: member.device_id.clone(),
                    role: member.role,
                    admitted_by: member.admitted_by.clone(),
                    removed: roster.removed_in(&member.device_id).is_some(),
                    this_device: member.device_id == own,
                })
                .collect())
        })
    }

    /// Removes a device from the team: a new team key for the others; the removed
    /// device can open nothing sealed from now on and its bundles are refused.
    pub fn team_remove(&self, device_id: String) -> Result<()> {
        self.write(|s| {
            if device_id == feed::device_id(s.conn)? {
                return Err(MigranError::invalid(
                    "device_id",
                    crate::error::InvalidReason::Inconsistent,
                ));
            }
            team::remove(s.conn, &device_id)
        })
    }

    /// A bundle of what `for_device` lacks, or (with `None`) what the member knowing
    /// least is known to lack, for every member.
    pub fn sync_export(&self, for_device: Option<String>) -> Result<Vec<u8>> {
        let (bundle, changes) = self.write(|s| bundle::export(s, for_device.as_deref()))?;
        self.audit_on_this_device(AuditAction::Export, changes)?;
        Ok(bundle)
    }

    /// Applies a bundle: all of it or, refused with `SyncRefused`, nothing.
    pub fn sync_import(&self, bundle: Vec<u8>) -> Result<SyncReport> {
        let report = self.write(|s| bundle::import(s, &bundle))?;
        if report.erased > 0 {
            // Erased persons' old pages must not survive in the WAL.
            self.checkpoint()?;
        }
        let written = report.applied + report.erased + report.conflicts;
        self.audit_on_this_device(AuditAction::Import, written as usize)?;
        Ok(report)
    }

    /// This device's id, team and counts.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.read(|s| {
            let team = match team::team(s.conn)? {
                Some(_) => Some(team_info(s.conn)?),
                None => None,
            };
            let changes_held: i64 = s
                .conn
                .query_row("SELECT count(*) FROM sync_versions", [], |row| row.get(0))?;
            let unresolved: i64 = s.conn.query_row(
                "SELECT count(*) FROM sync_conflicts WHERE resolved = 0",
                [],
                |row| row.get(0),
            )?;
            Ok(SyncStatus {
                device_id: feed::device_id(s.conn)?,
                team,
                changes_held: changes_held as u64,
                unresolved_conflicts: unresolved as u32,
            })
        })
    }

    /// SHA-256 (hex) of [`Vault::sync_register_text`]: two devices that show the same
    /// digest hold the same register.
    pub fn sync_register_digest(&self) -> Result<String> {
        Ok(text::hex(&crate::crypto::sha256(
            self.sync_register_text()?.as_bytes(),
        )))
    }

    /// Conflicts not resolved yet.
    pub fn list_conflicts(&self) -> Result<Vec<SyncConflict>> {
        self.read(|s| {
            let conflicts = conflicts::list(s)?;
            s.audit_count(AuditAction::List, RecordKind::Person, None, conflicts.len());
            Ok(conflicts)
        })
    }

    /// Resolves a conflict: `keep_losing` writes the losing version back as a new edit
    /// (it then wins on every device); otherwise the current version stays.
    pub fn resolve_conflict(&self, id: String, keep_losing: bool) -> Result<()> {
        self.write(|s| conflicts::resolve(s, &id, keep_losing))
    }
}

impl Vault {
    /// Records in this device's audit log that records went out or came in, with the
    /// reads' entries (which stay on the device): an entry in the shared log would make
    /// every exchange a new change to send.
    pub(crate) fn audit_on_this_device(&self, action: AuditAction, count: usize) -> Result<()> {
        self.read(|s| {
            s.audit_count(action, RecordKind::Person, None, count);
            Ok(())
        })
    }

    /// Every record that travels, as canonical JSON: tables in apply order, rows sorted
    /// by key, values in column order. For comparing devices (tests, the digest); it
    /// holds every value, so it is never written anywhere by the core.
    #[doc(hidden)]
    pub fn sync_register_text(&self) -> Result<String> {
        self.read(|s| {
            let mut register = serde_json::Map::new();
            for table in feed::SYNCED_TABLES {
                let key_column = rows::key_column(s.conn, table)?;
                let mut statement = s
                    .conn
                    .prepare(&format!("SELECT {key_column} FROM {table} ORDER BY {key_column}"))?;
                let keys = statement
                    .query_map([], |row| row.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let mut table_rows = Vec::with_capacity(keys.len());
                for key in keys {
                    if let Some(values) = rows::read_row(s.conn, table, &key_column, &key)? {
                        table_rows.push(serde_json::Value::Array(values));
                    }
                }
                register.insert(table.to_string(), serde_json::Value::Array(table_rows));
            }
            serde_json::to_string(&register)
                .map_err(|_| MigranError::internal("the register did not serialise"))
        })
    }
}

/// Whether `request` is a join request, and its fingerprint, for the admitting member
/// to compare with the one the joining device shows.
#[uniffi::export]
pub fn join_request_fingerprint(request: String) -> Result<String> {
    team::JoinRequest::parse(&request)?.fingerprint()
}

fn team_info(conn: &rusqlite::Connection) -> Result<TeamInfo> {
    let team = team::require_team(conn)?;
    let roster = team::roster(conn)?;
    let device_id = feed::device_id(conn)?;
    Ok(TeamInfo {
        fingerprint: team::team_fingerprint(&team.team_id, &roster),
        active_members: roster
            .members
            .iter()
            .filter(|member| roster.removed_in(&member.device_id).is_none())
            .count() as u32,
        team_id: team.team_id,
        device_id,
        role: team.role,
    })
}
