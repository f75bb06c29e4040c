//! Backup and restore: the whole register of a vault as one file, sealed under a
//! **recovery key** the owner writes down once (docs/sync.md, "Backup").
//!
//! The key is 160 random bits shown as grouped base32 (`ABCD-EFGH-...`, 8 groups); the
//! vault keeps it (inside `vault.db`, behind the PIN) so that an app can make backups on
//! a schedule without asking. A backup holds every table of `vault.db` (records, audit
//! log, change feed, team membership and keys), sealed in chunks with AES-256-GCM under
//! a key derived from the recovery key and a random salt, and signed with the device's
//! Ed25519 key. Restoring makes a new vault with a new PIN; a wrong recovery key or a
//! damaged file is refused before anything is made, and never counts as a wrong PIN.
//!
//! Not in a backup: what `locked.db` holds (the emergency card, settings and outbox are
//! sealed with the old phone's device secret; they are set up again on the new phone).

use std::sync::Arc;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::crypto::{self, SecretKey};
use crate::error::{BackupRefusal, InvalidReason, MigranError, Result};
use crate::sync::{rows, text};
use crate::time::Clock;
use crate::vault::{Session, Vault, VaultSettings};

/// Schema step 4 of `vault.db` (with team sync's tables): the recovery key.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE backup_key (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        recovery_key  BLOB NOT NULL
    );
"#;

const MAGIC: &[u8; 4] = b"MEK1";
const FORMAT: u32 = 1;
const RECOVERY_KEY_BYTES: usize = 20;
const SIGNATURE_LEN: usize = 64;
const CHUNK_BYTES: usize = 64 * 1024;
/// A restored device numbers its next changes and bundles this far beyond the backup's,
/// so that nothing it hands out reuses a number it used after the backup was made.
const SEQUENCE_JUMP: i64 = 1 << 32;
/// The largest backup a restore takes.
const MAX_BACKUP_BYTES: usize = 1 << 30;

fn refused(reason: BackupRefusal) -> MigranError {
    MigranError::BackupRefused { reason }
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    salt: String,
    signing_key: String,
}

#[derive(Serialize, Deserialize)]
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Json>>,
}

fn backup_key(recovery: &[u8], salt: &[u8]) -> Result<SecretKey> {
    crypto::derive_subkey(recovery, salt, "migran/v1/backup")
}

fn chunk_aad(header_hash: &[u8; 32], index: u32, count: u32) -> Vec<u8> {
    let mut aad = b"migran/v1/backup".to_vec();
    aad.extend_from_slice(header_hash);
    aad.extend_from_slice(&index.to_be_bytes());
    aad.extend_from_slice(&count.to_be_bytes());
    aad
}

fn parse_recovery_key(recovery_key: &str) -> Result<Vec<u8>> {
    text::from_base32(recovery_key)
        .filter(|bytes| bytes.len() == RECOVERY_KEY_BYTES)
        .ok_or_else(|| MigranError::invalid("recovery_key", InvalidReason::BadFormat))
}

/// Every table of `vault.db` but SQLite's own, with its rows.
fn dump(s: &Session<'_>) -> Result<std::collections::BTreeMap<String, Table>> {
    let names: Vec<String> = s
        .conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = std::collections::BTreeMap::new();
    for name in names {
        let columns: Vec<String> = rows::table_columns(s.conn, &name)?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut statement = s.conn.prepare(&format!("SELECT * FROM {name}"))?;
        let count = statement.column_count();
        let table_rows = statement
            .query_map([], |row| {
                (0..count)
                    .map(|index| row.get::<_, rusqlite::types::Value>(index).map(rows::to_json))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        tables.insert(
            name,
            Table {
                columns,
                rows: table_rows,
            },
        );
    }
    Ok(tables)
}

#[uniffi::export]
impl Vault {
    /// Makes a new recovery key for this vault's backups and returns it, to be shown
    /// once and written down; backups made from now on need it to be restored.
    pub fn backup_new_recovery_key(&self) -> Result<String> {
        let mut recovery = vec![0u8; RECOVERY_KEY_BYTES];
        crypto::fill_random(&mut recovery)?;
        self.write(|s| {
            s.conn.execute(
                "INSERT INTO backup_key (id, recovery_key) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET recovery_key = excluded.recovery_key",
                [&recovery],
            )?;
            Ok(())
        })?;
        Ok(text::grouped(&recovery))
    }

    /// The whole register as a backup file, sealed under the recovery key.
    pub fn backup_export(&self) -> Result<Vec<u8>> {
        self.store_waiting_reads()?;
        let (backup, persons) = self.write(|s| {
            let recovery: Vec<u8> = s
                .conn
                .query_row("SELECT recovery_key FROM backup_key WHERE id = 1", [], |row| {
                    row.get(0)
                })
                .map_err(|_| refused(BackupRefusal::NoRecoveryKey))?;
            let keys = crate::sync::device_keys(s.conn)?;
            let tables = dump(s)?;
            let mut salt = [0u8; 16];
            crypto::fill_random(&mut salt)?;
            let header = Header {
                format: FORMAT,
                salt: text::hex(&salt),
                signing_key: text::hex(keys.signing_public()),
            };
            let not_serialised = |_| MigranError::internal("a backup did not serialise");
            let header_bytes = serde_json::to_vec(&header).map_err(not_serialised)?;
            let body = serde_json::to_vec(&tables).map_err(not_serialised)?;
            let key = backup_key(&recovery, &salt)?;
            let header_hash = crypto::sha256(&header_bytes);
            let chunks: Vec<&[u8]> = body.chunks(CHUNK_BYTES).collect();
            let count = chunks.len() as u32;
            let mut out = Vec::with_capacity(body.len() + 1024);
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(&header_bytes);
            out.extend_from_slice(&count.to_be_bytes());
            for (index, chunk) in chunks.iter().enumerate() {
                let sealed = crypto::seal_raw(&key, &chunk_aad(&header_hash, index as u32, count), chunk)?;
                out.extend_from_slice(&(sealed.len() as u32).to_be_bytes());
                out.extend_from_slice(&sealed);
            }
            let signature = keys.sign(&out);
            out.extend_from_slice(&signature);
            Ok((out, tables.get("persons").map_or(0, |persons| persons.rows.len())))
        })?;
        self.audit_on_this_device(crate::audit::AuditAction::Export, persons)?;
        Ok(backup)
    }
}

impl Vault {
    /// As [`Vault::restore_backup`], with the time source given.
    pub fn restore_backup_with_clock(
        dir: &std::path::Path,
        pin: &str,
        device_secret: Option<Vec<u8>>,
        settings: VaultSettings,
        backup: &[u8],
        recovery_key: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        let tables = open_backup(backup, recovery_key)?;
        let vault = Vault::create_with_clock(dir, pin, device_secret, settings, clock)?;
        Self::fill_restored(vault, pin, &tables)
    }

    /// As [`Vault::restore_backup_with_clock`], the new vault made with the hardware key
    /// factor ([`Vault::create_with_factor`]): the CLI restores into its file factor.
    pub fn restore_backup_with_factor_and_clock(
        dir: &std::path::Path,
        pin: &str,
        factor: Arc<dyn crate::key_factor::KeyFactor>,
        settings: VaultSettings,
        backup: &[u8],
        recovery_key: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        let tables = open_backup(backup, recovery_key)?;
        let argon2 = crypto::Argon2Settings::for_iterations(settings.kdf_iterations);
        let vault = Vault::create_with_factor_and_clock(dir, pin, factor, settings, argon2, clock)?;
        Self::fill_restored(vault, pin, &tables)
    }

    fn fill_restored(
        vault: Arc<Vault>,
        pin: &str,
        tables: &std::collections::BTreeMap<String, Table>,
    ) -> Result<Arc<Vault>> {
        let loaded = vault.write(|s| load(s, tables));
        if let Err(err) = loaded {
            // A vault half made from a backup is no use: leave nothing behind.
            let _ = vault.wipe();
            return Err(err);
        }
        // Unlocking again runs the data migrations a backup of an older version needs.
        vault.lock();
        vault.unlock(pin.to_string())?;
        Ok(vault)
    }
}

#[uniffi::export]
impl Vault {
    /// Makes a new vault in `dir` (with a new PIN) holding everything a backup holds.
    /// A wrong recovery key or a damaged file is refused (`BackupRefused`) before
    /// anything is made; it is not a PIN failure.
    #[uniffi::constructor]
    pub fn restore_backup(
        dir: String,
        pin: String,
        device_secret: Option<Vec<u8>>,
        settings: VaultSettings,
        backup: Vec<u8>,
        recovery_key: String,
    ) -> Result<Arc<Vault>> {
        Self::restore_backup_with_clock(
            std::path::Path::new(&dir),
            &pin,
            device_secret,
            settings,
            &backup,
            &recovery_key,
            Arc::new(crate::time::SystemClock),
        )
    }
}

fn read_u32(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let slice = take(bytes, at, 4)?;
    let mut array = [0u8; 4];
    array.copy_from_slice(slice);
    Ok(u32::from_be_bytes(array))
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, len: usize) -> Result<&'a [u8]> {
    let end = at.checked_add(len).ok_or(refused(BackupRefusal::Damaged))?;
    let slice = bytes.get(*at..end).ok_or(refused(BackupRefusal::Damaged))?;
    *at = end;
    Ok(slice)
}

/// Checks and opens a backup: its tables, or why not.
fn open_backup(backup: &[u8], recovery_key: &str) -> Result<std::collections::BTreeMap<String, Table>> {
    let recovery = parse_recovery_key(recovery_key)?;
    if backup.len() > MAX_BACKUP_BYTES
        || backup.len() < MAGIC.len() + 8 + SIGNATURE_LEN
        || &backup[..4] != MAGIC
    {
        return Err(refused(BackupRefusal::Format));
    }
    let (signed, signature) = backup.split_at(backup.len() - SIGNATURE_LEN);
    let mut at = 4;
    let header_len = read_u32(signed, &mut at)? as usize;
    let header_bytes = take(signed, &mut at, header_len)?;
    let header: Header = serde_json::from_slice(header_bytes).map_err(|_| refused(BackupRefusal::Damaged))?;
    if header.format != FORMAT {
        return Err(refused(BackupRefusal::UnsupportedVersion));
    }
    let signing_key = text::from_hex(&header.signing_key).ok_or(refused(BackupRefusal::Damaged))?;
    if ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, signing_key)
        .verify(signed, signature)
        .is_err()
    {
        return Err(refused(BackupRefusal::Damaged));
    }
    let salt = text::from_hex(&header.salt).ok_or(refused(BackupRefusal::Damaged))?;
    let key = backup_key(&recovery, &salt)?;
    let header_hash = crypto::sha256(header_bytes);
    let count = read_u32(signed, &mut at)?;
    let mut body = Vec::new();
    for index in 0..count {
        let len = read_u32(signed, &mut at)? as usize;
        let sealed = take(signed, &mut at, len)?;
        // The signature checked out, so a chunk that does not open was sealed under
        // another key: the recovery key is wrong.
        let plain = crypto::open_raw(&key, &chunk_aad(&header_hash, index, count), sealed)?
            .ok_or(refused(BackupRefusal::WrongRecoveryKey))?;
        body.extend_from_slice(&plain);
    }
    if at != signed.len() {
        return Err(refused(BackupRefusal::Damaged));
    }
    serde_json::from_slice(&body).map_err(|_| refused(BackupRefusal::Damaged))
}

/// Replaces every row of a fresh vault with the backup's, in one transaction.
fn load(s: &Session<'_>, tables: &std::collections::BTreeMap<String, Table>) -> Result<()> {
    s.conn.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
    for (name, table) in tables {
        let known = rows::table_columns(s.conn, name)?;
        if known.is_empty() || table.columns.iter().any(|c| !known.iter().any(|(k, _)| k == c)) {
            return Err(refused(BackupRefusal::UnsupportedVersion));
        }
        s.conn.execute(&format!("DELETE FROM {name}"), [])?;
        let names = table.columns.join(", ");
        let slots = (1..=table.columns.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {name} ({names}) VALUES ({slots})");
        let mut statement = s.conn.prepare(&sql)?;
        for row in &table.rows {
            if row.len() != table.columns.len() {
                return Err(refused(BackupRefusal::Damaged));
            }
            let values = row
                .iter()
                .map(rows::from_json)
                .collect::<Result<Vec<_>>>()
                .map_err(|_| refused(BackupRefusal::Damaged))?;
            statement.execute(rusqlite::params_from_iter(values.iter()))?;
        }
    }
    s.conn.execute(
        "INSERT INTO sync_seen (origin, seq) SELECT device_id, last_seq FROM sync_device WHERE id = 1
         ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq",
        [],
    )?;
    s.conn.execute(
        "UPDATE sync_device SET last_seq = last_seq + ?1 WHERE id = 1",
        params![SEQUENCE_JUMP],
    )?;
    s.conn.execute(
        "UPDATE sync_team SET last_bundle = last_bundle + ?1 WHERE id = 1",
        params![SEQUENCE_JUMP],
    )?;
    Ok(())
}
