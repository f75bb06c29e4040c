//! The change feed: every record written through the storage kernel gets a **version**
//! in `sync_versions`, in the same transaction (docs/sync.md, "Change feed").
//!
//! A version names the record (table and key), the device that made it (origin) with
//! that device's sequence number, a hybrid logical clock (HLC) timestamp and the
//! record's **lineage**: per device, the highest edit of that device the version
//! descends from. The record's content is not copied: a bundle reads the current row.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{MigranError, Result};
use crate::store::kernel::WriteOp;
use crate::vault::Session;

/// Tables that travel between a team's devices, parents first: the order in which a
/// bundle's writes are applied, so that a row's parent is there before it.
pub(crate) const SYNCED_TABLES: &[&str] = &[
    "persons",
    "documents",
    "contacts",
    "journeys",
    "consents",
    // Processing on another basis than consent (an emergency referral on vital
    // interests) is part of the person's record: every member must see it, and whoever
    // tells the person afterwards records it on their own device.
    "processing_bases",
    "checklists",
    "checklist_items",
    "checklist_retired",
    "screenings",
    "screening_follow_ups",
    "visits",
    "visit_follow_ups",
    "cases",
    "case_events",
    "returns",
    "reintegration_services",
    "info_sessions",
    "session_attendance",
    // Follow links travel so that every cadre device can make the next view and refuses
    // an ended link; the migrants' alerts so that the whole team sees and answers them.
    "follow_links",
    "follow_alerts",
    "audit_log",
    "sync_conflicts",
];

/// The table whose deletion is an erasure (UU PDP): a tombstone that always wins.
pub(crate) const PERSONS: &str = "persons";

/// Where a table stands in [`SYNCED_TABLES`]; `None` for a table that does not travel.
pub(crate) fn rank(table: &str) -> Option<usize> {
    SYNCED_TABLES.iter().position(|synced| *synced == table)
}

/// A record's version: who made it, when, and what it descends from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    pub table: String,
    pub key: String,
    pub origin: String,
    pub seq: u64,
    pub hlc: u64,
    pub deleted: bool,
    pub lineage: Lineage,
}

impl Version {
    /// The order of two concurrent versions: HLC, then origin device id.
    pub(crate) fn clock_order(&self) -> (u64, &str) {
        (self.hlc, self.origin.as_str())
    }
}

/// Per device, the highest sequence number of that device's edits a version descends
/// from. Stored as `device:seq` pairs sorted by device, separated by `;`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lineage(BTreeMap<String, u64>);

/// How an incoming version relates to the one held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// The same history: nothing to do.
    Same,
    /// The held version already includes the incoming one.
    Older,
    /// The incoming version includes the held one: it replaces it.
    Newer,
    /// Neither includes the other: concurrent edits.
    Concurrent,
}

impl Lineage {
    pub(crate) fn parse(text: &str) -> Result<Lineage> {
        let mut map = BTreeMap::new();
        for pair in text.split(';').filter(|pair| !pair.is_empty()) {
            let (device, seq) = pair
                .split_once(':')
                .ok_or_else(|| MigranError::internal("a stored lineage is malformed"))?;
            let seq = seq
                .parse()
                .map_err(|_| MigranError::internal("a stored lineage is malformed"))?;
            map.insert(device.to_string(), seq);
        }
        Ok(Lineage(map))
    }

    pub(crate) fn text(&self) -> String {
        let mut out = String::with_capacity(self.0.len() * 40);
        for (device, seq) in &self.0 {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(device);
            out.push(':');
            out.push_str(&seq.to_string());
        }
        out
    }

    /// This lineage extended by an edit of `device` numbered `seq`.
    pub(crate) fn with(mut self, device: &str, seq: u64) -> Lineage {
        let entry = self.0.entry(device.to_string()).or_insert(0);
        *entry = (*entry).max(seq);
        self
    }

    fn includes(&self, other: &Lineage) -> bool {
        other
            .0
            .iter()
            .all(|(device, seq)| self.0.get(device).is_some_and(|mine| mine >= seq))
    }

    /// Both histories: what a merged version descends from.
    pub(crate) fn union(&self, other: &Lineage) -> Lineage {
        let mut merged = self.clone();
        for (device, seq) in &other.0 {
            merged = merged.with(device, *seq);
        }
        merged
    }

    /// How `incoming` relates to `self` (the held version's lineage).
    pub(crate) fn relation(&self, incoming: &Lineage) -> Relation {
        match (self.includes(incoming), incoming.includes(self)) {
            (true, true) => Relation::Same,
            (true, false) => Relation::Older,
            (false, true) => Relation::Newer,
            (false, false) => Relation::Concurrent,
        }
    }
}

/// The HLC's physical part for `now`: milliseconds since 1970, shifted left by 16 bits
/// so that the low 16 bits count events within a millisecond.
pub(crate) fn hlc_at(now: DateTime<Utc>) -> u64 {
    (now.timestamp_millis().max(0) as u64) << 16
}

/// Records a write made on this device: a new sequence number and HLC, and the record's
/// lineage extended by this edit. Called by the storage kernel for every write.
pub(crate) fn record_local_write(s: &Session<'_>, table: &'static str, key: &str, op: WriteOp) -> Result<()> {
    let (device, seq, hlc) = next_stamp(s.conn, hlc_at(s.now))?;
    let lineage = match version(s.conn, table, key)? {
        Some(held) => held.lineage,
        None => Lineage::default(),
    }
    .with(&device, seq);
    store_version(
        s.conn,
        &Version {
            table: table.to_string(),
            key: key.to_string(),
            origin: device,
            seq,
            hlc,
            deleted: op == WriteOp::Delete,
            lineage,
        },
    )
}

/// This device's next sequence number and HLC (later than any HLC it issued or saw).
fn next_stamp(conn: &Connection, now: u64) -> Result<(String, u64, u64)> {
    let stamp = conn
        .prepare_cached(
            "UPDATE sync_device SET last_seq = last_seq + 1, last_hlc = max(last_hlc + 1, ?1)
             WHERE id = 1 RETURNING device_id, last_seq, last_hlc",
        )?
        .query_row([now as i64], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
    Ok((stamp.0, stamp.1 as u64, stamp.2 as u64))
}

/// Moves this device's clock past `hlc`, so its next edit is later than what it saw.
pub(crate) fn observe_hlc(conn: &Connection, hlc: u64) -> Result<()> {
    conn.prepare_cached("UPDATE sync_device SET last_hlc = max(last_hlc, ?1) WHERE id = 1")?
        .execute([hlc as i64])?;
    Ok(())
}

/// This device's id (random, made with the vault's change feed).
pub(crate) fn device_id(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT device_id FROM sync_device WHERE id = 1")?
        .query_row([], |row| row.get(0))?)
}

/// The version held for a record, if any.
pub(crate) fn version(conn: &Connection, table: &str, key: &str) -> Result<Option<Version>> {
    let row = conn
        .prepare_cached(
            "SELECT origin, seq, hlc, deleted, lineage FROM sync_versions WHERE tbl = ?1 AND key = ?2",
        )?
        .query_row(params![table, key], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    row.map(|(origin, seq, hlc, deleted, lineage)| {
        Ok(Version {
            table: table.to_string(),
            key: key.to_string(),
            origin,
            seq: seq as u64,
            hlc: hlc as u64,
            deleted,
            lineage: Lineage::parse(&lineage)?,
        })
    })
    .transpose()
}

pub(crate) fn store_version(conn: &Connection, version: &Version) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_versions (tbl, key, origin, seq, hlc, deleted, lineage)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (tbl, key) DO UPDATE SET origin = excluded.origin, seq = excluded.seq,
             hlc = excluded.hlc, deleted = excluded.deleted, lineage = excluded.lineage",
    )?
    .execute(params![
        version.table,
        version.key,
        version.origin,
        version.seq as i64,
        version.hlc as i64,
        version.deleted,
        version.lineage.text(),
    ])?;
    Ok(())
}

/// A version vector: per origin device, the highest sequence number held.
pub(crate) type Vector = BTreeMap<String, u64>;

/// What this device holds: every origin it has received from, and itself.
pub(crate) fn own_vector(conn: &Connection) -> Result<Vector> {
    let mut vector: Vector = conn
        .prepare_cached("SELECT origin, seq FROM sync_seen")?
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (device, seq): (String, i64) = conn
        .prepare_cached("SELECT device_id, last_seq FROM sync_device WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    // A restored device lacks its own changes made after the backup: `sync_seen` then
    // holds how far it has them, until peers have sent them back.
    let own = vector
        .get(&device)
        .copied()
        .map_or(seq as u64, |held| held.min(seq as u64));
    vector.insert(device, own);
    Ok(vector)
}

/// Raises what this device holds from `origin` to `seq`. For its own changes (a
/// restored device receiving back what it made after its backup) the gap closes once
/// peers hold everything it numbered.
pub(crate) fn raise_seen(conn: &Connection, origin: &str, seq: u64) -> Result<()> {
    if origin == device_id(conn)? {
        conn.prepare_cached("UPDATE sync_seen SET seq = max(seq, ?2) WHERE origin = ?1")?
            .execute(params![origin, seq as i64])?;
        conn.prepare_cached(
            "DELETE FROM sync_seen WHERE origin = ?1
                 AND seq >= (SELECT last_seq FROM sync_device WHERE id = 1)",
        )?
        .execute([origin])?;
    } else {
        conn.prepare_cached(
            "INSERT INTO sync_seen (origin, seq) VALUES (?1, ?2)
             ON CONFLICT (origin) DO UPDATE SET seq = max(seq, excluded.seq)",
        )?
        .execute(params![origin, seq as i64])?;
    }
    Ok(())
}

/// Data migration 2: the rows a vault held before the change feed get a version, so
/// that a device joining a team shares what it recorded before.
pub(crate) fn version_existing_rows(s: &Session<'_>) -> Result<()> {
    for table in SYNCED_TABLES {
        let key_column = crate::sync::rows::key_column(s.conn, table)?;
        let keys: Vec<String> = s
            .conn
            .prepare(&format!(
                "SELECT {key_column} FROM {table} WHERE {key_column} NOT IN
                     (SELECT key FROM sync_versions WHERE tbl = '{table}')"
            ))?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for key in keys {
            record_local_write(s, table, &key, WriteOp::Put)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of `vault.db` that stay on the device, and why. A new table must be
    /// put here or in [`SYNCED_TABLES`]: a personal record left out of both would stay
    /// on one phone without anyone deciding so.
    const DEVICE_LOCAL_TABLES: &[(&str, &str)] = &[
        ("vault_meta", "this vault's data version"),
        (
            "audit_read_blocks",
            "reads' audit entries: who looked, on this device (docs/sync.md)",
        ),
        (
            "audit_read_batches",
            "step 1's reads' entries, moved into blocks by data migration 1",
        ),
        ("backup_key", "this device's recovery key"),
        ("sync_device", "this device's id, counters and private keys"),
        ("device_role", "what this device is for, chosen at its set-up"),
        (
            "followed_link",
            "the one link a migrant's or family's phone follows, with its view",
        ),
        (
            "sync_versions",
            "the change feed itself (travels as the versions of changes)",
        ),
        ("sync_seen", "what this device holds, per origin"),
        ("sync_peers", "what this device believes each peer holds"),
        (
            "sync_bundles_in",
            "the last bundle applied per sender (replay guard)",
        ),
        ("sync_team", "this device's team and role"),
        (
            "sync_team_keys",
            "team keys (travel wrapped, in certificates, never as rows)",
        ),
        ("sync_members", "certificates (travel in every bundle's header)"),
        (
            "sync_relays",
            "where this device stands with each relay (its cursor and last push)",
        ),
        (
            "sync_relay_devices",
            "which team devices this device enrolled or removed at each relay",
        ),
        (
            "sync_removals",
            "removal certificates (travel in every bundle's header)",
        ),
    ];

    #[test]
    fn every_table_of_the_vault_is_synced_or_named_as_staying_on_the_device() {
        let conn = Connection::open_in_memory().unwrap();
        for statement in crate::store::records_schema() {
            conn.execute_batch(statement).unwrap();
        }
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for table in &tables {
            let synced = SYNCED_TABLES.contains(&table.as_str());
            let local = DEVICE_LOCAL_TABLES.iter().any(|(name, _)| name == table);
            assert!(
                synced != local,
                "{table}: synced {synced}, device-local {local}; decide whether it travels"
            );
        }
        for table in SYNCED_TABLES
            .iter()
            .chain(DEVICE_LOCAL_TABLES.iter().map(|(name, _)| name))
        {
            assert!(tables.contains(&table.to_string()), "{table} is no table");
        }
        assert!(SYNCED_TABLES.contains(&"processing_bases"));
    }

    fn lineage(pairs: &[(&str, u64)]) -> Lineage {
        pairs.iter().fold(Lineage::default(), |lineage, (device, seq)| {
            lineage.with(device, *seq)
        })
    }

    #[test]
    fn lineages_order_causal_successors_and_spot_concurrent_edits() {
        let base = lineage(&[("a", 1)]);
        let edited_by_b = base.clone().with("b", 4);
        let edited_by_a = base.clone().with("a", 2);
        assert_eq!(base.relation(&edited_by_b), Relation::Newer);
        assert_eq!(edited_by_b.relation(&base), Relation::Older);
        assert_eq!(edited_by_a.relation(&edited_by_b), Relation::Concurrent);
        assert_eq!(edited_by_a.relation(&edited_by_a.clone()), Relation::Same);
        let merged = edited_by_a.union(&edited_by_b);
        assert_eq!(merged.relation(&edited_by_a), Relation::Older);
        assert_eq!(Lineage::parse(&merged.text()).unwrap(), merged);
    }
}
