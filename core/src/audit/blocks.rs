//! Reads' audit entries, stored a block per row in a compact binary form.
//!
//! A cadre's session is mostly reads, and each read makes an entry. Written one row per
//! entry, or even as JSON in one row per batch, the entries cost more than the lookup
//! they record (ids made one by one from the system's random source, ~200 bytes of text
//! per entry to encrypt, write and checkpoint). A block stores what varies: per entry a
//! flag byte, the time as a difference in milliseconds, an index into the block's tables
//! of actors and of (action, kind) codes, and record and person ids as 16 raw bytes
//! (ids the core made are 32 lowercase hex digits). An entry's id is the block's id
//! followed by its index in four hex digits; one that had another id (converted from the
//! first format) keeps it. Codes are the storage codes, written out once per block, so a
//! block never depends on Rust names or on an order of variants.
//!
//! Layout (integers are LEB128 varints; signed ones zigzag-encoded):
//! `version=1, actors: n × (role code, name), codes: n × (action code, kind code),
//! base_millis, entries: n × (flags, millis - base, actor index + 1 or 0, code index,
//! [id], [record id], [person id], [count])`; a string is its length and UTF-8 bytes,
//! an id is `0` and 16 bytes or `1` and a string. Any byte out of place reads as
//! `Tampered` for the audit log, never as a panic.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Actor, ActorRole, AuditAction, AuditEntry};
use crate::crypto::new_row_id;
use crate::error::{MigranError, RecordKind, Result};
use crate::store::codes::StorageCode;
use crate::time::{instant_text, parse_instant};
use crate::vault::Session;

/// Schema step 2: blocks replace the JSON batches of step 1 (whose rows the data
/// migration [`convert_json_batches`] moves here), and the log is read in Rust, so the
/// view over both goes.
pub(crate) const SCHEMA_BLOCKS: &str = r#"
    DROP VIEW audit_entries;
    CREATE TABLE audit_read_blocks (
        id          TEXT PRIMARY KEY,
        first_at    TEXT NOT NULL,
        last_at     TEXT NOT NULL,
        entries     BLOB NOT NULL
    );
    CREATE INDEX audit_read_blocks_by_time ON audit_read_blocks (first_at, last_at);
"#;

const VERSION: u8 = 1;
/// Entries per block: the index in an entry's id has four hex digits.
const MAX_BLOCK_ENTRIES: usize = 0xffff;

const HAS_RECORD: u8 = 1;
const HAS_PERSON: u8 = 1 << 1;
const PERSON_IS_RECORD: u8 = 1 << 2;
const HAS_COUNT: u8 = 1 << 3;
const SUBJECT_ERASED: u8 = 1 << 4;
const OWN_ID: u8 = 1 << 5;
const KNOWN_FLAGS: u8 = (1 << 6) - 1;

const RAW_ID: u8 = 0;
const TEXT_ID: u8 = 1;

/// A record or person id as an entry keeps it: an id the core made (32 lowercase hex
/// digits) as its 16 bytes, any other as text. Made when the entry is, so a waiting
/// entry holds no allocation for it and a block stores it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntryId {
    Raw([u8; 16]),
    Text(String),
}

impl EntryId {
    pub(crate) fn new(id: &str) -> Self {
        fn nibble(digit: u8) -> Option<u8> {
            match digit {
                b'0'..=b'9' => Some(digit - b'0'),
                b'a'..=b'f' => Some(digit - b'a' + 10),
                _ => None,
            }
        }
        let digits = id.as_bytes();
        if digits.len() == 32 {
            let mut raw = [0u8; 16];
            let parsed = raw.iter_mut().enumerate().all(|(i, byte)| {
                match (nibble(digits[2 * i]), nibble(digits[2 * i + 1])) {
                    (Some(high), Some(low)) => {
                        *byte = (high << 4) | low;
                        true
                    }
                    _ => false,
                }
            });
            if parsed {
                return EntryId::Raw(raw);
            }
        }
        EntryId::Text(id.to_string())
    }

    pub(crate) fn text(&self) -> String {
        match self {
            EntryId::Raw(raw) => {
                const DIGITS: &[u8; 16] = b"0123456789abcdef";
                let mut text = String::with_capacity(32);
                for byte in raw {
                    text.push(char::from(DIGITS[usize::from(byte >> 4)]));
                    text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
                }
                text
            }
            EntryId::Text(text) => text.clone(),
        }
    }

    fn put(&self, out: &mut Vec<u8>) {
        match self {
            EntryId::Raw(raw) => {
                out.push(RAW_ID);
                out.extend_from_slice(raw);
            }
            EntryId::Text(text) => {
                out.push(TEXT_ID);
                put_text(out, text);
            }
        }
    }
}

/// One entry on its way into a block: `id` is `None` when it takes the block's derived
/// id for its place.
#[derive(Debug)]
pub(super) struct BlockEntry {
    pub id: Option<String>,
    pub at: DateTime<Utc>,
    pub actor: Option<Actor>,
    pub action: AuditAction,
    pub kind: RecordKind,
    pub record_id: Option<EntryId>,
    pub person_id: Option<EntryId>,
    pub count: Option<u32>,
    pub subject_erased: bool,
}

/// An entry as the encoder reads it, borrowed from a waiting entry or a block being
/// rewritten.
pub(super) struct EntryRef<'a> {
    pub id: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub actor: Option<&'a Actor>,
    pub action: AuditAction,
    pub kind: RecordKind,
    pub record_id: Option<&'a EntryId>,
    pub person_id: Option<&'a EntryId>,
    pub count: Option<u32>,
    pub subject_erased: bool,
}

impl BlockEntry {
    fn as_ref(&self) -> EntryRef<'_> {
        EntryRef {
            id: self.id.as_deref(),
            at: self.at,
            actor: self.actor.as_ref(),
            action: self.action,
            kind: self.kind,
            record_id: self.record_id.as_ref(),
            person_id: self.person_id.as_ref(),
            count: self.count,
            subject_erased: self.subject_erased,
        }
    }
}

/// Stores entries as blocks of at most [`MAX_BLOCK_ENTRIES`], each under a new row id.
pub(super) fn store(s: &Session<'_>, entries: &[EntryRef<'_>]) -> Result<()> {
    for chunk in entries.chunks(MAX_BLOCK_ENTRIES) {
        store_block(s, &new_row_id()?, chunk)?;
    }
    Ok(())
}

fn store_block(s: &Session<'_>, id: &str, entries: &[EntryRef<'_>]) -> Result<()> {
    let (Some(first_at), Some(last_at)) = (
        entries.iter().map(|e| e.at).min(),
        entries.iter().map(|e| e.at).max(),
    ) else {
        return Ok(());
    };
    s.conn
        .prepare_cached(
            "INSERT OR REPLACE INTO audit_read_blocks (id, first_at, last_at, entries)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            id,
            instant_text(first_at),
            instant_text(last_at),
            encode(entries)?
        ])?;
    Ok(())
}

/// The entries of every block that may hold one made in `[from, until)` (RFC 3339
/// text bounds), those of `person_id` only when given. Unordered.
pub(super) fn entries_between(
    s: &Session<'_>,
    from: &str,
    until: &str,
    person_id: Option<&str>,
) -> Result<Vec<AuditEntry>> {
    let mut statement = s
        .conn
        .prepare_cached("SELECT id, entries FROM audit_read_blocks WHERE last_at >= ?1 AND first_at < ?2")?;
    let mut rows = statement.query(params![from, until])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let bytes = row.get_ref(1)?.as_blob().map_err(|_| tampered())?;
        found.extend(decode(&id, bytes)?.into_iter().filter(|entry| {
            entry.at.as_str() >= from
                && entry.at.as_str() < until
                && (person_id.is_none() || entry.person_id.as_deref() == person_id)
        }));
    }
    Ok(found)
}

/// Removes the person and record ids from every entry about `person_id`, marking it
/// as about an erased person; the ids of the entries stay.
pub(super) fn anonymise_person(s: &Session<'_>, person_id: &str) -> Result<()> {
    let mut needle = Vec::new();
    EntryId::new(person_id).put(&mut needle);
    let blocks: Vec<(String, Vec<u8>)> = s
        .conn
        .prepare_cached("SELECT id, entries FROM audit_read_blocks WHERE instr(entries, ?1) > 0")?
        .query_map(params![&needle[1..]], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, bytes) in blocks {
        let entries = decode(&id, &bytes)?;
        if !entries.iter().any(|e| e.person_id.as_deref() == Some(person_id)) {
            continue;
        }
        let entries: Vec<BlockEntry> = entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                let about = entry.person_id.as_deref() == Some(person_id);
                let derived = entry.id == derived_id(&id, index);
                Ok(BlockEntry {
                    id: (!derived).then_some(entry.id),
                    at: parse_instant(&entry.at)?,
                    actor: entry.actor,
                    action: entry.action,
                    kind: entry.kind,
                    record_id: entry.record_id.filter(|_| !about).as_deref().map(EntryId::new),
                    person_id: entry.person_id.filter(|_| !about).as_deref().map(EntryId::new),
                    count: entry.count,
                    subject_erased: entry.subject_erased || about,
                })
            })
            .collect::<Result<_>>()?;
        store_block(
            s,
            &id,
            &entries.iter().map(BlockEntry::as_ref).collect::<Vec<_>>(),
        )?;
    }
    Ok(())
}

fn derived_id(block_id: &str, index: usize) -> String {
    format!("{block_id}{index:04x}")
}

fn tampered() -> MigranError {
    MigranError::Tampered {
        kind: RecordKind::AuditEntry,
    }
}

fn encode(entries: &[EntryRef<'_>]) -> Result<Vec<u8>> {
    let mut actors: Vec<&Actor> = Vec::new();
    let mut codes: Vec<(AuditAction, RecordKind)> = Vec::new();
    let base = entries.first().map_or(0, |e| e.at.timestamp_millis());
    let mut body = Vec::with_capacity(entries.len() * 24);
    put_uint(&mut body, entries.len() as u64);
    for entry in entries {
        let actor = match entry.actor {
            None => 0,
            Some(actor) => match actors.iter().position(|known| *known == actor) {
                Some(found) => found + 1,
                None => {
                    actors.push(actor);
                    actors.len()
                }
            },
        };
        let code = (entry.action, entry.kind);
        let code = codes.iter().position(|known| *known == code).unwrap_or_else(|| {
            codes.push(code);
            codes.len() - 1
        });
        let person_is_record = entry.record_id.is_some() && entry.person_id == entry.record_id;
        let mut flags = 0;
        for (set, flag) in [
            (entry.record_id.is_some(), HAS_RECORD),
            (entry.person_id.is_some(), HAS_PERSON),
            (person_is_record, PERSON_IS_RECORD),
            (entry.count.is_some(), HAS_COUNT),
            (entry.subject_erased, SUBJECT_ERASED),
            (entry.id.is_some(), OWN_ID),
        ] {
            if set {
                flags |= flag;
            }
        }
        body.push(flags);
        put_int(&mut body, entry.at.timestamp_millis() - base);
        put_uint(&mut body, actor as u64);
        put_uint(&mut body, code as u64);
        if let Some(id) = entry.id {
            put_text(&mut body, id);
        }
        if let Some(record_id) = entry.record_id {
            record_id.put(&mut body);
        }
        match entry.person_id {
            Some(person_id) if !person_is_record => person_id.put(&mut body),
            _ => {}
        }
        if let Some(count) = entry.count {
            put_uint(&mut body, u64::from(count));
        }
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    out.push(VERSION);
    put_uint(&mut out, actors.len() as u64);
    for actor in actors {
        put_text(&mut out, actor.role.code());
        put_text(&mut out, &actor.name);
    }
    put_uint(&mut out, codes.len() as u64);
    for (action, kind) in &codes {
        put_text(&mut out, action.code());
        put_text(&mut out, kind.code());
    }
    put_int(&mut out, base);
    out.extend_from_slice(&body);
    Ok(out)
}

fn decode(block_id: &str, bytes: &[u8]) -> Result<Vec<AuditEntry>> {
    let mut input = Reader { bytes };
    if input.byte()? != VERSION {
        return Err(tampered());
    }
    let actors = (0..input.count()?)
        .map(|_| {
            let role = ActorRole::from_code(input.text()?).ok_or_else(tampered)?;
            Ok(Actor {
                role,
                name: input.text()?.to_string(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let codes = (0..input.count()?)
        .map(|_| {
            let action = AuditAction::from_code(input.text()?).ok_or_else(tampered)?;
            let kind = RecordKind::from_code(input.text()?).ok_or_else(tampered)?;
            Ok((action, kind))
        })
        .collect::<Result<Vec<_>>>()?;
    let base = input.int()?;
    let count = input.count()?;
    let mut entries = Vec::with_capacity(count);
    for index in 0..count {
        let flags = input.byte()?;
        if flags & !KNOWN_FLAGS != 0 || (flags & PERSON_IS_RECORD != 0 && flags & HAS_RECORD == 0) {
            return Err(tampered());
        }
        let millis = base.checked_add(input.int()?).ok_or_else(tampered)?;
        let at = DateTime::from_timestamp_millis(millis).ok_or_else(tampered)?;
        let actor = match input.uint()? {
            0 => None,
            n => Some(
                actors
                    .get(usize::try_from(n - 1).map_err(|_| tampered())?)
                    .ok_or_else(tampered)?
                    .clone(),
            ),
        };
        let code = usize::try_from(input.uint()?).map_err(|_| tampered())?;
        let (action, kind) = *codes.get(code).ok_or_else(tampered)?;
        let id = if flags & OWN_ID != 0 {
            input.text()?.to_string()
        } else {
            derived_id(block_id, index)
        };
        let record_id = (flags & HAS_RECORD != 0).then(|| input.id()).transpose()?;
        let person_id = match flags & (HAS_PERSON | PERSON_IS_RECORD) {
            0 => None,
            HAS_PERSON => Some(input.id()?),
            _ if flags & HAS_PERSON != 0 => record_id.clone(),
            _ => return Err(tampered()),
        };
        let count = (flags & HAS_COUNT != 0)
            .then(|| {
                input
                    .uint()
                    .and_then(|n| u32::try_from(n).map_err(|_| tampered()))
            })
            .transpose()?;
        entries.push(AuditEntry {
            id,
            at: instant_text(at),
            actor,
            action,
            kind,
            record_id,
            person_id,
            count,
            subject_erased: flags & SUBJECT_ERASED != 0,
        });
    }
    if !input.bytes.is_empty() {
        return Err(tampered());
    }
    Ok(entries)
}

fn put_uint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_int(out: &mut Vec<u8>, value: i64) {
    put_uint(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put_uint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(tampered());
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn uint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(tampered())
    }

    fn int(&mut self) -> Result<i64> {
        let raw = self.uint()?;
        Ok((raw >> 1) as i64 ^ -((raw & 1) as i64))
    }

    /// A count of items still to read: each takes at least one byte, so a count larger
    /// than what is left is damage (and never a huge allocation).
    fn count(&mut self) -> Result<usize> {
        let n = usize::try_from(self.uint()?).map_err(|_| tampered())?;
        if n > self.bytes.len() {
            return Err(tampered());
        }
        Ok(n)
    }

    fn text(&mut self) -> Result<&'a str> {
        let len = self.count()?;
        std::str::from_utf8(self.take(len)?).map_err(|_| tampered())
    }

    fn id(&mut self) -> Result<String> {
        match self.byte()? {
            RAW_ID => {
                let mut raw = [0u8; 16];
                raw.copy_from_slice(self.take(16)?);
                Ok(EntryId::Raw(raw).text())
            }
            TEXT_ID => Ok(self.text()?.to_string()),
            _ => Err(tampered()),
        }
    }
}

/// One entry of a step-1 batch row: a JSON array in the column order of `audit_log`.
#[derive(serde::Deserialize)]
struct JsonBatchEntry(
    String,
    String,
    Option<String>,
    Option<ActorRole>,
    AuditAction,
    RecordKind,
    Option<String>,
    Option<String>,
    Option<u32>,
    u8,
);

/// Data migration 1: moves the reads' entries of schema step 1 (JSON batches) into
/// blocks, every entry keeping its id and time, and drops the batches' table.
pub(crate) fn convert_json_batches(s: &Session<'_>) -> Result<()> {
    let batches: Vec<(String, String)> = s
        .conn
        .prepare("SELECT id, entries FROM audit_read_batches ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, json) in batches {
        let entries: Vec<JsonBatchEntry> = serde_json::from_str(&json).map_err(|_| tampered())?;
        let entries = entries
            .into_iter()
            .map(|e| {
                let at = parse_instant(&e.1)?;
                // Times are kept to the millisecond a block holds; one written otherwise
                // was not written by the core.
                if instant_text(at) != e.1 {
                    return Err(tampered());
                }
                let actor = match (e.2, e.3) {
                    (Some(name), Some(role)) => Some(Actor { name, role }),
                    _ => None,
                };
                Ok(BlockEntry {
                    id: Some(e.0),
                    at,
                    actor,
                    action: e.4,
                    kind: e.5,
                    record_id: e.6.as_deref().map(EntryId::new),
                    person_id: e.7.as_deref().map(EntryId::new),
                    count: e.8,
                    subject_erased: e.9 != 0,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Step 1 stored at most 1,000 entries a batch.
        if entries.len() > MAX_BLOCK_ENTRIES {
            return Err(tampered());
        }
        store_block(
            s,
            &id,
            &entries.iter().map(BlockEntry::as_ref).collect::<Vec<_>>(),
        )?;
    }
    s.conn.execute_batch("DROP TABLE audit_read_batches")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PERSON: &str = "0123456789abcdef0123456789abcdef";

    fn entry(n: i64) -> BlockEntry {
        BlockEntry {
            id: None,
            at: DateTime::from_timestamp_millis(1_796_000_000_000 + n * 37).unwrap(),
            actor: Some(Actor {
                name: "Kader Contoh".into(),
                role: ActorRole::Cadre,
            }),
            action: AuditAction::Search,
            kind: RecordKind::Person,
            record_id: Some(EntryId::new(PERSON)),
            person_id: Some(EntryId::new(PERSON)),
            count: None,
            subject_erased: false,
        }
    }

    fn as_audit_entry(block_id: &str, index: usize, e: &BlockEntry) -> AuditEntry {
        AuditEntry {
            id: e.id.clone().unwrap_or_else(|| derived_id(block_id, index)),
            at: instant_text(e.at),
            actor: e.actor.clone(),
            action: e.action,
            kind: e.kind,
            record_id: e.record_id.as_ref().map(EntryId::text),
            person_id: e.person_id.as_ref().map(EntryId::text),
            count: e.count,
            subject_erased: e.subject_erased,
        }
    }

    #[test]
    fn a_lookup_entry_takes_a_few_bytes_and_reads_back_equal() {
        let entries: Vec<BlockEntry> = (0..1_000).map(entry).collect();
        let bytes = encode(&entries.iter().map(BlockEntry::as_ref).collect::<Vec<_>>()).unwrap();
        // The point of blocks: a JSON row per entry took about 200 bytes.
        assert!(bytes.len() < 1_000 * 24, "{} bytes", bytes.len());
        let decoded = decode("b0", &bytes).unwrap();
        let expected: Vec<AuditEntry> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| as_audit_entry("b0", i, e))
            .collect();
        assert_eq!(decoded, expected);
        assert_eq!(decoded[10].id, "b0000a");
    }

    fn any_id() -> impl Strategy<Value = String> {
        prop_oneof!["[0-9a-f]{32}", "[0-9A-Za-z-]{0,40}", "\\PC{0,12}"]
    }

    fn any_entry() -> impl Strategy<Value = BlockEntry> {
        (
            (
                proptest::option::of(any_id()),
                -10_000_000i64..10_000_000,
                proptest::option::of(("\\PC{0,20}", 0..ActorRole::ALL.len())),
                0..AuditAction::ALL.len(),
                0..RecordKind::ALL.len(),
            ),
            (
                proptest::option::of(any_id()),
                proptest::option::of(any_id()),
                any::<bool>(),
                proptest::option::of(any::<u32>()),
                any::<bool>(),
            ),
        )
            .prop_map(
                |((id, millis, actor, action, kind), (record_id, person_id, same, count, erased))| {
                    BlockEntry {
                        id,
                        at: DateTime::from_timestamp_millis(1_796_000_000_000 + millis).unwrap(),
                        actor: actor.map(|(name, role)| Actor {
                            name,
                            role: ActorRole::ALL[role],
                        }),
                        action: AuditAction::ALL[action],
                        kind: RecordKind::ALL[kind],
                        person_id: if same { record_id.clone() } else { person_id }
                            .as_deref()
                            .map(EntryId::new),
                        record_id: record_id.as_deref().map(EntryId::new),
                        count,
                        subject_erased: erased,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn every_entry_reads_back_as_it_was_stored(entries in proptest::collection::vec(any_entry(), 0..40)) {
            let bytes = encode(&entries.iter().map(BlockEntry::as_ref).collect::<Vec<_>>()).unwrap();
            let expected: Vec<AuditEntry> = entries
                .iter()
                .enumerate()
                .map(|(i, e)| as_audit_entry("blk", i, e))
                .collect();
            prop_assert_eq!(decode("blk", &bytes).unwrap(), expected);
        }

        #[test]
        fn damaged_bytes_read_as_tampered_or_as_entries_never_a_panic(
            entries in proptest::collection::vec(any_entry(), 1..8),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let bytes = encode(&entries.iter().map(BlockEntry::as_ref).collect::<Vec<_>>()).unwrap();
            let truncated = &bytes[..cut.index(bytes.len())];
            let kind = match decode("blk", truncated) {
                Err(MigranError::Tampered { kind }) => Some(kind),
                _ => None,
            };
            prop_assert_eq!(kind, Some(RecordKind::AuditEntry));
            let mut flipped = bytes.clone();
            let at = flip.index(flipped.len());
            flipped[at] ^= 1 << bit;
            match decode("blk", &flipped) {
                Ok(_) | Err(MigranError::Tampered { kind: RecordKind::AuditEntry }) => {}
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode("blk", &bytes);
        }
    }

    #[test]
    fn a_derived_id_sorts_after_its_block_and_before_later_ids() {
        let block = new_row_id().unwrap();
        let later = new_row_id().unwrap();
        assert!(block < derived_id(&block, 0));
        assert!(derived_id(&block, 0) < derived_id(&block, 1));
        assert!(derived_id(&block, 0xfffe) < later);
    }
}
