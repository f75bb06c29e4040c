//! Bundles: the changes a peer lacks, sealed with the team key and signed by the
//! sending device (layout in docs/sync.md, "Bundles").

use std::collections::BTreeMap;

use ring::signature::{UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::crypto::{self, SecretKey};
use crate::error::{MigranError, Result};
use crate::vault::Session;

use super::feed::{self, Lineage, Vector, Version, SYNCED_TABLES};
use super::merge::{self, Applied, Incoming};
use super::team::{self, Roster};
use super::text::from_hex;
use super::{SyncRefusal, SyncReport};

const MAGIC: &[u8; 4] = b"MEB1";
const FORMAT: u32 = 1;
const SIGNATURE_LEN: usize = 64;
/// Plaintext bytes per sealed chunk: a damaged chunk is found without holding more.
const CHUNK_BYTES: usize = 64 * 1024;
/// The largest bundle an import takes (a district-sized register fits many times).
pub const MAX_BUNDLE_BYTES: usize = 256 * 1024 * 1024;

fn refused(reason: SyncRefusal) -> MigranError {
    MigranError::SyncRefused { reason }
}

/// Readable by whoever carries the file; authenticated by the signature.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    team_id: String,
    key_id: String,
    sender: String,
    bundle: u64,
    roster: Roster,
}

/// Sealed with the team key.
#[derive(Debug, Serialize, Deserialize)]
struct Body {
    base: Vector,
    covers: Vector,
    /// Per table, its columns in the order the changes' values follow.
    tables: BTreeMap<String, Vec<String>>,
    changes: Vec<Change>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Change {
    t: String,
    k: String,
    o: String,
    s: u64,
    h: u64,
    l: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<Vec<Json>>,
}

/// What a peer (or, with `None`, every member) lacks, as a bundle. Counts as a write:
/// the bundle number is this device's next.
/// Returns the bundle and how many changes it carries.
pub(crate) fn export(s: &Session<'_>, for_device: Option<&str>) -> Result<(Vec<u8>, usize)> {
    let team = team::require_team(s.conn)?;
    let keys = team::device_keys(s.conn)?;
    let roster = team::roster(s.conn)?;
    let covers = feed::own_vector(s.conn)?;
    let peers = team::peer_vectors(s.conn)?;
    let base: Vector = match for_device {
        // A member admitted by another device may not be known here yet: it gets
        // everything, as any device this one has not heard from.
        Some(device) => peers.get(device).cloned().unwrap_or_default(),
        None => {
            let others = roster.active_except(&keys.device_id);
            covers
                .keys()
                .map(|origin| {
                    let lowest = others
                        .iter()
                        .map(|member| {
                            peers
                                .get(&member.device_id)
                                .and_then(|vector| vector.get(origin))
                                .copied()
                                .unwrap_or(0)
                        })
                        .min()
                        .unwrap_or(0);
                    (origin.clone(), lowest)
                })
                .filter(|(_, seq)| *seq > 0)
                .collect()
        }
    };
    let mut tables = BTreeMap::new();
    let mut key_columns = BTreeMap::new();
    for table in SYNCED_TABLES {
        let columns = super::rows::table_columns(s.conn, table)?;
        key_columns.insert(table.to_string(), super::rows::key_column(s.conn, table)?);
        tables.insert(
            table.to_string(),
            columns.into_iter().map(|(name, _)| name).collect(),
        );
    }
    let mut changes = Vec::new();
    for (origin, held) in &covers {
        let from = base.get(origin).copied().unwrap_or(0);
        if from >= *held {
            continue;
        }
        let versions = s
            .conn
            .prepare_cached(
                "SELECT tbl, key, seq, hlc, deleted, lineage FROM sync_versions
                 WHERE origin = ?1 AND seq > ?2 ORDER BY seq",
            )?
            .query_map(rusqlite::params![origin, from as i64], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (table, key, seq, hlc, deleted, lineage) in versions {
            let Some(key_column) = key_columns.get(&table) else {
                continue;
            };
            let values = if deleted {
                None
            } else {
                match super::rows::read_row(s.conn, &table, key_column, &key)? {
                    Some(values) => Some(values),
                    // Gone with an erased parent: nothing to send.
                    None => continue,
                }
            };
            changes.push(Change {
                t: table,
                k: key,
                o: origin.clone(),
                s: seq as u64,
                h: hlc as u64,
                l: lineage,
                v: values,
            });
        }
    }
    let count = changes.len();
    let body = Body {
        base,
        covers,
        tables,
        changes,
    };
    let bundle_number = team.last_bundle + 1;
    s.conn.execute(
        "UPDATE sync_team SET last_bundle = ?1 WHERE id = 1",
        [bundle_number as i64],
    )?;
    let (key_id, _, key) = team::current_key(s.conn)?;
    let header = Header {
        format: FORMAT,
        team_id: team.team_id,
        key_id,
        sender: keys.device_id.clone(),
        bundle: bundle_number,
        roster,
    };
    Ok((seal(&header, &body, &key, &keys)?, count))
}

fn seal(header: &Header, body: &Body, key: &SecretKey, keys: &team::DeviceKeys) -> Result<Vec<u8>> {
    let not_serialised = |_| MigranError::internal("a bundle did not serialise");
    let header_bytes = serde_json::to_vec(header).map_err(not_serialised)?;
    let body_bytes = serde_json::to_vec(body).map_err(not_serialised)?;
    let header_hash = crypto::sha256(&header_bytes);
    let chunks: Vec<&[u8]> = if body_bytes.is_empty() {
        vec![&[][..]]
    } else {
        body_bytes.chunks(CHUNK_BYTES).collect()
    };
    let count = chunks.len() as u32;
    let mut out = Vec::with_capacity(body_bytes.len() + header_bytes.len() + 64 + 40 * chunks.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(&count.to_be_bytes());
    for (index, chunk) in chunks.iter().enumerate() {
        let sealed = crypto::seal_raw(key, &chunk_aad(&header_hash, index as u32, count), chunk)?;
        out.extend_from_slice(&(sealed.len() as u32).to_be_bytes());
        out.extend_from_slice(&sealed);
    }
    let signature = keys.sign(&out);
    out.extend_from_slice(&signature);
    Ok(out)
}

fn chunk_aad(header_hash: &[u8; 32], index: u32, count: u32) -> Vec<u8> {
    let mut aad = b"migran/v1/bundle".to_vec();
    aad.extend_from_slice(header_hash);
    aad.extend_from_slice(&index.to_be_bytes());
    aad.extend_from_slice(&count.to_be_bytes());
    aad
}

/// Reads a big-endian u32 at `at`, moving past it.
fn read_u32(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let end = at.checked_add(4).ok_or(refused(SyncRefusal::Format))?;
    let slice = bytes.get(*at..end).ok_or(refused(SyncRefusal::Format))?;
    *at = end;
    let mut array = [0u8; 4];
    array.copy_from_slice(slice);
    Ok(u32::from_be_bytes(array))
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, len: usize) -> Result<&'a [u8]> {
    let end = at.checked_add(len).ok_or(refused(SyncRefusal::Format))?;
    let slice = bytes.get(*at..end).ok_or(refused(SyncRefusal::Format))?;
    *at = end;
    Ok(slice)
}

/// Applies a bundle in the session's transaction; any refusal leaves everything as it
/// was (the caller's transaction is rolled back).
pub(crate) fn import(s: &Session<'_>, bytes: &[u8]) -> Result<SyncReport> {
    if bytes.len() > MAX_BUNDLE_BYTES || bytes.len() < MAGIC.len() + 8 + SIGNATURE_LEN {
        return Err(refused(SyncRefusal::Format));
    }
    if &bytes[..4] != MAGIC {
        return Err(refused(SyncRefusal::Format));
    }
    let (signed, signature) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
    let mut at = 4;
    let header_len = read_u32(signed, &mut at)? as usize;
    let header_bytes = take(signed, &mut at, header_len)?;
    let header: Header = serde_json::from_slice(header_bytes).map_err(|_| refused(SyncRefusal::Format))?;
    if header.format != FORMAT {
        return Err(refused(SyncRefusal::UnsupportedVersion));
    }
    let team = team::require_team(s.conn)?;
    if header.team_id != team.team_id {
        return Err(refused(SyncRefusal::ForeignTeam));
    }
    let keys = team::device_keys(s.conn)?;
    let mut roster = team::roster(s.conn)?;
    roster.absorb(&team.team_id, &header.roster);
    let sender = roster
        .member(&header.sender)
        .ok_or(refused(SyncRefusal::UnknownDevice))?;
    let sender_key = from_hex(&sender.signing_key).ok_or(refused(SyncRefusal::UnknownDevice))?;
    if UnparsedPublicKey::new(&ED25519, sender_key)
        .verify(signed, signature)
        .is_err()
    {
        return Err(refused(SyncRefusal::Tampered));
    }
    if roster.removed_in(&header.sender).is_some() || roster.removed_in(&keys.device_id).is_some() {
        return Err(refused(SyncRefusal::RemovedDevice));
    }
    if header.sender == keys.device_id {
        return Err(refused(SyncRefusal::Replayed));
    }
    let last: Option<i64> = s
        .conn
        .prepare_cached("SELECT bundle FROM sync_bundles_in WHERE sender = ?1")?
        .query_row([&header.sender], |row| row.get(0))
        .ok();
    if last.is_some_and(|last| last as u64 >= header.bundle) {
        return Err(refused(SyncRefusal::Replayed));
    }
    // New certificates (and keys of new epochs wrapped for this device) first: the
    // bundle may be sealed with a key its own header brings.
    team::store_roster(s.conn, &roster, &keys)?;
    let key = team::key_by_id(s.conn, &header.key_id)?.ok_or(refused(SyncRefusal::NoTeamKey))?;

    let header_hash = crypto::sha256(header_bytes);
    let count = read_u32(signed, &mut at)?;
    let mut body_bytes = Vec::new();
    for index in 0..count {
        let len = read_u32(signed, &mut at)? as usize;
        let sealed = take(signed, &mut at, len)?;
        let plain = crypto::open_raw(&key, &chunk_aad(&header_hash, index, count), sealed)?
            .ok_or(refused(SyncRefusal::Tampered))?;
        body_bytes.extend_from_slice(&plain);
    }
    if at != signed.len() {
        return Err(refused(SyncRefusal::Format));
    }
    let body: Body = serde_json::from_slice(&body_bytes).map_err(|_| refused(SyncRefusal::Format))?;
    let held = feed::own_vector(s.conn)?;
    if body
        .base
        .iter()
        .any(|(origin, seq)| held.get(origin).copied().unwrap_or(0) < *seq)
    {
        return Err(refused(SyncRefusal::MissingEarlierChanges));
    }
    let report = apply_changes(s, &body)?;
    // What the sender holds is what its newest bundle says (not the most it ever said:
    // a device restored from a backup holds less than before).
    s.conn
        .prepare_cached("DELETE FROM sync_peers WHERE device_id = ?1")?
        .execute([&header.sender])?;
    for (origin, seq) in &body.covers {
        feed::raise_seen(s.conn, origin, *seq)?;
        s.conn
            .prepare_cached("INSERT INTO sync_peers (device_id, origin, seq) VALUES (?1, ?2, ?3)")?
            .execute(rusqlite::params![header.sender, origin, *seq as i64])?;
    }
    s.conn
        .prepare_cached(
            "INSERT INTO sync_bundles_in (sender, bundle) VALUES (?1, ?2)
             ON CONFLICT (sender) DO UPDATE SET bundle = excluded.bundle",
        )?
        .execute(rusqlite::params![header.sender, header.bundle as i64])?;
    Ok(report)
}

/// Erasures first, then writes parents first, then other deletions.
fn apply_changes(s: &Session<'_>, body: &Body) -> Result<SyncReport> {
    let mut order: Vec<(usize, usize, &Change)> = Vec::with_capacity(body.changes.len());
    for change in &body.changes {
        let rank = feed::rank(&change.t).ok_or(refused(SyncRefusal::UnsupportedVersion))?;
        let phase = match (change.t == feed::PERSONS, change.v.is_some()) {
            (true, false) => 0,
            (_, true) => 1,
            (false, false) => 2,
        };
        order.push((phase, rank, change));
    }
    order.sort_by_key(|(phase, rank, _)| (*phase, *rank));
    // Each table's key column here, once the bundle's columns for it were checked.
    let mut key_columns: BTreeMap<&str, String> = BTreeMap::new();
    for (table, columns) in &body.tables {
        feed::rank(table).ok_or(refused(SyncRefusal::UnsupportedVersion))?;
        let known = super::rows::table_columns(s.conn, table)?;
        if columns
            .iter()
            .any(|column| !known.iter().any(|(name, _)| name == column))
        {
            return Err(refused(SyncRefusal::UnsupportedVersion));
        }
        key_columns.insert(table.as_str(), super::rows::key_column(s.conn, table)?);
    }
    let mut report = SyncReport::default();
    let mut latest_hlc = 0;
    for (_, _, change) in order {
        let columns = body.tables.get(&change.t).ok_or(refused(SyncRefusal::Format))?;
        let key_column = key_columns
            .get(change.t.as_str())
            .ok_or(refused(SyncRefusal::Format))?;
        if change
            .v
            .as_ref()
            .is_some_and(|values| values.len() != columns.len())
        {
            return Err(refused(SyncRefusal::Format));
        }
        let lineage = Lineage::parse(&change.l).map_err(|_| refused(SyncRefusal::Format))?;
        latest_hlc = latest_hlc.max(change.h);
        let incoming = Incoming {
            version: Version {
                table: change.t.clone(),
                key: change.k.clone(),
                origin: change.o.clone(),
                seq: change.s,
                hlc: change.h,
                deleted: change.v.is_none(),
                lineage,
            },
            columns,
            values: change.v.as_deref(),
            key_column,
        };
        match merge::apply(s, &incoming)? {
            Applied::Unchanged => report.unchanged += 1,
            Applied::Written => report.applied += 1,
            Applied::Erased => report.erased += 1,
            Applied::Dropped => report.dropped += 1,
            Applied::Conflict => report.conflicts += 1,
        }
    }
    feed::observe_hlc(s.conn, latest_hlc)?;
    if report.erased > 0 || report.applied > 0 {
        // Entries of other devices about a person erased here lose their link to them.
        s.conn.execute_batch(
            "UPDATE audit_log SET person_id = NULL, record_id = NULL, subject_erased = 1
             WHERE person_id IN (SELECT key FROM sync_versions WHERE tbl = 'persons' AND deleted = 1)",
        )?;
    }
    Ok(report)
}
