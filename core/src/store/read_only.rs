//! `locked.db` opened for reading only, for the emergency button when the vault's folder
//! cannot be written (a read-only mount, a full or failing card, a folder whose mode an
//! employer's "cleaner" changed). The normal open writes before it reads (WAL mode,
//! migrations, file modes), so it fails there; the card's contacts are still on disk and
//! a migrant in danger needs them more than the national numbers alone.
//!
//! Nothing is written: no schema step is run, no pragma that changes the file is set.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{apply_key, initialise_sqlite_once, PageHmac, LOCKED_FILE};
use crate::crypto::SecretKey;
use crate::error::{MigranError, Result};

/// Opens `locked.db` in `dir` read-only with its page key.
///
/// A file closed cleanly has its WAL folded in (no `-wal`, or an empty one): it is opened
/// `immutable=1`, which reads the main file alone, takes no lock and creates nothing, so
/// it works in a folder that cannot be written. `mode=ro` would need a `-shm` there, and
/// in a writable folder it leaves a `-wal` and `-shm` behind. When the WAL holds frames
/// (a writer is open, or was killed) they may hold the newest card: then `mode=ro`, which
/// reads them through the existing `-shm`, and an error when even that fails, never a
/// silently older card. A writer checkpointing during an `immutable` read can tear it:
/// SQLCipher's page check then fails the read, and the caller falls back to the
/// built-in plan.
pub(crate) fn open_locked_read_only(dir: &Path, key: &SecretKey) -> Result<Connection> {
    let path = dir.join(LOCKED_FILE);
    if !path.is_file() {
        return Err(MigranError::NoVault);
    }
    initialise_sqlite_once()?;
    let wal = dir.join(format!("{LOCKED_FILE}-wal"));
    let wal_has_frames = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let conn = open_with(&path, if wal_has_frames { "mode=ro" } else { "immutable=1" }, key)?;
    // An empty or truncated file opens as an empty database: no vault was ever in it, and
    // a plan read from it would claim a card it cannot have.
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
    if tables == 0 {
        return Err(MigranError::NoVault);
    }
    Ok(conn)
}

fn open_with(path: &Path, query: &str, key: &SecretKey) -> Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(file_uri(path, query)?, flags)?;
    apply_key(&conn, key, PageHmac::LOCKED_STORE)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// A `file:` URI for `path`: every byte outside the unreserved set percent-encoded, so a
/// folder name with `?`, `#` or `%` cannot change the query.
fn file_uri(path: &Path, query: &str) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| MigranError::internal("the vault's path is not UTF-8"))?;
    let mut uri = String::with_capacity(text.len() + 24);
    uri.push_str("file:");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{self, Database};

    #[test]
    fn the_uri_keeps_query_characters_of_a_folder_name_out_of_the_query() {
        let uri = file_uri(Path::new("/tmp/a?mode=rw#x%/locked.db"), "mode=ro").unwrap();
        assert_eq!(uri, "file:/tmp/a%3Fmode%3Drw%23x%25/locked.db?mode=ro");
    }

    #[test]
    fn a_cleanly_closed_file_reads_without_writing_anything() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::random().unwrap();
        let conn = store::open(dir.path(), Database::Locked, &key, PageHmac::LOCKED_STORE, true).unwrap();
        conn.execute_batch("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('Siti Contoh');")
            .unwrap();
        drop(conn);
        let files = || {
            let mut names: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|entry| entry.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let before = files();
        let conn = open_locked_read_only(dir.path(), &key).unwrap();
        let value: String = conn.query_row("SELECT v FROM t", [], |row| row.get(0)).unwrap();
        assert_eq!(value, "Siti Contoh");
        assert!(conn.execute("INSERT INTO t VALUES ('x')", []).is_err());
        drop(conn);
        assert_eq!(before, files());
    }

    #[test]
    fn rows_still_in_the_wal_of_an_open_writer_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::random().unwrap();
        let writer = store::open(dir.path(), Database::Locked, &key, PageHmac::LOCKED_STORE, true).unwrap();
        writer
            .execute_batch("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('Siti Contoh');")
            .unwrap();
        assert!(std::fs::metadata(dir.path().join("locked.db-wal")).unwrap().len() > 0);
        let conn = open_locked_read_only(dir.path(), &key).unwrap();
        let value: String = conn.query_row("SELECT v FROM t", [], |row| row.get(0)).unwrap();
        assert_eq!(value, "Siti Contoh");
        drop(writer);
    }

    #[test]
    fn an_empty_file_is_no_vault() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCKED_FILE), b"").unwrap();
        let refused = open_locked_read_only(dir.path(), &SecretKey::random().unwrap());
        assert!(matches!(refused, Err(MigranError::NoVault)), "{refused:?}");
    }

    #[test]
    fn another_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::random().unwrap();
        drop(store::open(dir.path(), Database::Locked, &key, PageHmac::LOCKED_STORE, true).unwrap());
        assert!(open_locked_read_only(dir.path(), &SecretKey::random().unwrap()).is_err());
    }
}
