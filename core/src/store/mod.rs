//! The vault's two SQLite files, both encrypted page by page (SQLCipher, raw 256-bit keys;
//! docs/decisions/0008-page-encryption.md):
//!
//! - `vault.db`, the **records**: keyed with a key derived from the data key (DEK), so it
//!   opens only after the PIN. Records live in typed columns with ordinary indexes; the
//!   file, its WAL pages and its free pages are ciphertext: no table name, row count or
//!   value shows.
//! - `locked.db`, what must work **without the PIN**: the vault header (wrapped DEK,
//!   lockout counter), the emergency card, settings and outbox, and installed content
//!   packs. Keyed with a key derived from the device secret alone; the emergency values in
//!   it are sealed once more with the device key, bound to their place.
//!
//! `kernel` is the one write path every record kind goes through; `codes` gives stored
//! enums their fixed names; `schema` holds the migrations of both files.

pub(crate) mod codes;
pub(crate) mod kernel;
pub(crate) mod read_only;
mod schema;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::crypto::SecretKey;
use crate::error::{MigranError, Result, StorageProblem};

pub(crate) use schema::{DataMigration, DATA_MIGRATIONS};

/// The records, keyed with the page key from the DEK.
pub(crate) const MAIN_FILE: &str = "vault.db";
/// What works locked, keyed from the device secret.
pub(crate) const LOCKED_FILE: &str = "locked.db";

/// Which of the two files a connection is for; each has its own migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Database {
    Main,
    Locked,
}

impl Database {
    fn file(self) -> &'static str {
        match self {
            Database::Main => MAIN_FILE,
            Database::Locked => LOCKED_FILE,
        }
    }

    fn migrations(self) -> &'static [&'static [&'static str]] {
        match self {
            Database::Main => schema::MAIN,
            Database::Locked => schema::LOCKED,
        }
    }
}

/// How SQLCipher authenticates a file's pages. A vault keeps the algorithm it was made
/// with, named in its header (`vault_header.page_hmac`); vaults made since December 2026
/// use SHA-256, which the SHA extensions of ARMv8 phones and of x86 accelerate, where
/// SHA-512 (SQLCipher's default, the first vaults') mostly runs in software: a commit's
/// pages are encrypted and authenticated faster. `locked.db` keeps the default: its key
/// and settings must be known before any header is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageHmac {
    Sha512,
    Sha256,
}

crate::storage_codes!(PageHmac {
    Sha512 => "hmac_sha512",
    Sha256 => "hmac_sha256",
});

impl PageHmac {
    /// What new vaults use for `vault.db`.
    pub(crate) const NEW: PageHmac = PageHmac::Sha256;
    /// What `locked.db` uses, always.
    pub(crate) const LOCKED_STORE: PageHmac = PageHmac::Sha512;

    fn pragma(self) -> &'static str {
        match self {
            PageHmac::Sha512 => "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
            PageHmac::Sha256 => "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
        }
    }
}

/// Opens (or creates) one of the vault's files with its raw key and brings its schema
/// up to date. A wrong key, or a file that is not ours, fails here with
/// [`StorageProblem::NotADatabase`], never later in the middle of a read.
pub(crate) fn open(
    dir: &Path,
    database: Database,
    key: &SecretKey,
    hmac: PageHmac,
    create: bool,
) -> Result<Connection> {
    open_from_step(dir, database, key, hmac, create).map(|(conn, _)| conn)
}

/// As [`open`], also returning the schema step the file was at before this open brought
/// it up to date (0 for a new file): for what a migration cannot do in SQL alone.
pub(crate) fn open_from_step(
    dir: &Path,
    database: Database,
    key: &SecretKey,
    hmac: PageHmac,
    create: bool,
) -> Result<(Connection, u32)> {
    let path = dir.join(database.file());
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(MigranError::NoVault);
    }
    initialise_sqlite_once()?;
    let mut conn = Connection::open_with_flags(&path, flags)?;
    apply_key(&conn, key, hmac)?;
    configure(&conn)?;
    let earlier = migrate(&mut conn, database.migrations())?;
    restrict_files_to_owner(dir);
    Ok((conn, earlier))
}

/// A database of `database`'s schema in memory only, never written to any file: the
/// duress PIN's decoy register. Unencrypted, since it holds nothing but what is typed into
/// the decoy, and gone when closed.
pub(crate) fn open_in_memory(database: Database) -> Result<Connection> {
    initialise_sqlite_once()?;
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&mut conn, database.migrations())?;
    Ok(conn)
}

/// SQLite marks itself initialised, and lets every other thread through, before it runs
/// SQLCipher's start-up (`SQLITE_EXTRA_INIT`) outside its own mutex; a thread keying its
/// first connection meanwhile can fail (seen as a rare `Storage { problem: Other }` when
/// tests created their first vaults at once). Here the first caller initialises and every
/// other waits until that has finished, cipher included.
fn initialise_sqlite_once() -> Result<()> {
    static INITIALISED: std::sync::OnceLock<std::os::raw::c_int> = std::sync::OnceLock::new();
    // Safety: sqlite3_initialize takes no arguments and may be called any number of times.
    let code = *INITIALISED.get_or_init(|| unsafe { rusqlite::ffi::sqlite3_initialize() });
    if code == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into())
    }
}

/// Gives SQLCipher the raw key (no second KDF: the key is already 256 random bits) and
/// checks it by reading the schema, the first thing that needs page 1.
fn apply_key(conn: &Connection, key: &SecretKey, hmac: PageHmac) -> Result<()> {
    // SQLCipher writes its own error lines to stderr (page numbers of failed HMAC checks)
    // unless told not to: a phone's log must not hint at a vault, and the core reports
    // damage through its errors only.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key_pragma(key))?;
    conn.execute_batch(hmac.pragma())?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(())
}

/// `PRAGMA key = "x'<hex>'";` for `key`, in a buffer wiped when dropped, so the hex key
/// does not linger in freed memory. Sized once and written in place: a buffer that grew
/// (the 80 bytes this once reserved were 3 short) or a `format!` per byte would leave
/// copies that nothing wipes.
fn key_pragma(key: &SecretKey) -> Zeroizing<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    const PREFIX: &str = "PRAGMA key = \"x'";
    const SUFFIX: &str = "'\";";
    let mut pragma = Zeroizing::new(String::with_capacity(
        PREFIX.len() + 2 * key.expose().len() + SUFFIX.len(),
    ));
    pragma.push_str(PREFIX);
    for byte in key.expose() {
        pragma.push(char::from(DIGITS[usize::from(byte >> 4)]));
        pragma.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    pragma.push_str(SUFFIX);
    pragma
}

/// Settings every connection gets, the vault's and the plaintext benchmark baseline's
/// (which is the same library without a key).
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // The query planner stability guarantee: a prepared statement keeps its plan whatever
    // values are bound. Without it this SQLite (built with STAT4) prepares a lookup again
    // on every call when a parameter meets an indexed column, which cost a NIK lookup a
    // quarter of its time and made a one-person checklist count seven times slower.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // Every capability prepares its statements once; rusqlite's default cache holds 16.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed write (an emergency alert, a visit) survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Freed pages are zeroed before encryption: an erased person leaves no page behind
    // that a later key compromise could open.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Up to 16 MiB of page cache (SQLite's default is 2 MiB), taken only as pages are
    // read: a village register of 10,000 (about 12 MB) fits whole, so its pages are
    // decrypted once per unlock; a district's 100,000 keep their indexes and the pages
    // in use. A page not in the cache costs a decryption (AES and HMAC of 4 KiB).
    conn.pragma_update(None, "cache_size", -16384)?;
    Ok(())
}

/// Brings the schema to the newest step, each step in its own transaction. A step is a
/// list of statements (one per capability); a shipped step is never edited. Returns the
/// step the file was at.
fn migrate(conn: &mut Connection, steps: &[&[&str]]) -> Result<u32> {
    let newest = steps.len() as u32;
    let current: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > newest {
        return Err(MigranError::UnsupportedVersion {
            found: current,
            supported: newest,
        });
    }
    for (step, statements) in steps.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        for sql in *statements {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", step as u32 + 1)?;
        tx.commit()?;
    }
    Ok(current)
}

/// Every statement of every step of `vault.db`'s schema, in order.
pub(crate) fn records_schema() -> Vec<&'static str> {
    schema::MAIN
        .iter()
        .flat_map(|step| step.iter().copied())
        .collect()
}

/// The newest schema step of a file, for tests and the test vector.
#[cfg(test)]
pub(crate) fn schema_version(database: Database) -> u32 {
    database.migrations().len() as u32
}

/// Moves everything from the WAL into the database file and empties the WAL, so that
/// pages with old content (a replaced wrapped key, an erased person) do not survive in
/// the log. A checkpoint that another reader keeps from finishing is an error: the
/// caller must not report the old content gone when it is not.
pub(crate) fn checkpoint(conn: &Connection) -> Result<()> {
    let (busy, _log_frames, _checkpointed): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    if busy != 0 {
        return Err(MigranError::Storage {
            problem: StorageProblem::Busy,
        });
    }
    Ok(())
}

/// Every file of the vault that may hold data, existing or not.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    [MAIN_FILE, LOCKED_FILE]
        .iter()
        .flat_map(|file| {
            [
                dir.join(file),
                dir.join(format!("{file}-wal")),
                dir.join(format!("{file}-shm")),
                dir.join(format!("{file}-journal")),
            ]
        })
        .collect()
}

/// Deletes every vault file that exists; a missing one is not an error.
pub(crate) fn remove_files(dir: &Path) -> Result<()> {
    for file in files(dir) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Makes the vault's files readable by their owner only (SQLite creates them 0644).
#[cfg(unix)]
pub(crate) fn restrict_files_to_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for file in files(dir) {
        if file.exists() {
            // Best effort: on a phone the app's private directory is already private.
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn restrict_files_to_owner(dir: &Path) {
    // Files made in the vault folder inherit its owner-only access list; this covers a
    // folder made before it had one.
    for file in files(dir) {
        if file.exists() {
            let _ = crate::owner_only::restrict_to_owner(&file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::random().unwrap()
    }

    #[test]
    fn the_key_pragma_is_built_in_place_and_its_bytes_are_zeroed() {
        use zeroize::Zeroize;
        let key = SecretKey::from_slice(&[0xab; crate::crypto::KEY_LEN]).unwrap();
        let mut pragma = key_pragma(&key);
        assert_eq!(*pragma, format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
        // Never grown: the only copy of the hex key is the one `Zeroizing` wipes.
        assert_eq!(pragma.capacity(), pragma.len());
        let capacity = pragma.capacity();
        pragma.zeroize();
        assert!(pragma.is_empty());
        // What the wipe left in the buffer, read back over its whole capacity.
        let bytes = unsafe { std::slice::from_raw_parts(pragma.as_ptr(), capacity) };
        assert!(bytes.iter().all(|byte| *byte == 0));
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_reaches_the_newest_version() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        drop(open(dir.path(), Database::Main, &key, PageHmac::NEW, true).unwrap());
        let conn = open(dir.path(), Database::Main, &key, PageHmac::NEW, false).unwrap();
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, schema_version(Database::Main));
    }

    #[test]
    fn a_newer_schema_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        let conn = open(dir.path(), Database::Locked, &key, PageHmac::LOCKED_STORE, true).unwrap();
        let newer = schema_version(Database::Locked) + 1;
        conn.pragma_update(None, "user_version", newer).unwrap();
        drop(conn);
        assert_eq!(
            open(dir.path(), Database::Locked, &key, PageHmac::LOCKED_STORE, false).err(),
            Some(MigranError::UnsupportedVersion {
                found: newer,
                supported: newer - 1
            })
        );
    }

    #[test]
    fn another_key_cannot_open_the_file() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(dir.path(), Database::Main, &key(), PageHmac::NEW, true).unwrap());
        assert_eq!(
            open(dir.path(), Database::Main, &key(), PageHmac::NEW, false).err(),
            Some(MigranError::Storage {
                problem: StorageProblem::NotADatabase
            })
        );
    }

    #[test]
    fn a_file_opens_only_with_the_page_hmac_it_was_made_with() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        drop(open(dir.path(), Database::Main, &key, PageHmac::Sha256, true).unwrap());
        assert_eq!(
            open(dir.path(), Database::Main, &key, PageHmac::Sha512, false).err(),
            Some(MigranError::Storage {
                problem: StorageProblem::NotADatabase
            })
        );
        assert!(open(dir.path(), Database::Main, &key, PageHmac::Sha256, false).is_ok());
    }

    #[test]
    fn the_file_starts_with_random_bytes_not_a_sqlite_header() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path(), Database::Main, &key(), PageHmac::NEW, true).unwrap();
        checkpoint(&conn).unwrap();
        drop(conn);
        let bytes = std::fs::read(dir.path().join(MAIN_FILE)).unwrap();
        assert!(bytes.len() >= 4096);
        assert!(!bytes.starts_with(b"SQLite format 3"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("CREATE TABLE"));
    }
}
