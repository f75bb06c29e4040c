//! The SQLite file under the vault: connection settings and schema migrations.
//!
//! Only sealed blobs, blind-index digests, random row ids, timestamps and flags are
//! stored; no plaintext value of a person ever reaches SQLite, its WAL or its temp files.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::crypto::Place;
use crate::error::{MigranError, Result};
use crate::vault::Session;

pub(crate) const DB_FILE: &str = "vault.db";

/// Schema steps, applied in order; step `i` takes `user_version` from `i` to `i + 1`.
/// A shipped step is never edited: a change is a new step at the end.
const MIGRATIONS: &[&str] = &[
    // 1: vault header, people and what hangs off them.
    r#"
    CREATE TABLE vault_header (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        vault_id         TEXT    NOT NULL,
        created_at       TEXT    NOT NULL,
        kdf_salt         BLOB    NOT NULL,
        kdf_iterations   INTEGER NOT NULL,
        wrapped_dek      BLOB    NOT NULL,
        device_check     BLOB,
        free_attempts    INTEGER NOT NULL,
        erase_after      INTEGER,
        failed_attempts  INTEGER NOT NULL DEFAULT 0,
        last_failure_at  TEXT,
        lockout_until    TEXT,
        erased           INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE persons (
        id          TEXT PRIMARY KEY,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        archived    INTEGER NOT NULL DEFAULT 0,
        data        BLOB NOT NULL
    );
    -- Listing order: registration time, then rowid (appended to every index entry).
    CREATE INDEX persons_by_creation ON persons (created_at);
    CREATE TABLE contacts (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX contacts_by_person ON contacts (person_id, created_at);
    CREATE TABLE journeys (
        person_id   TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE TABLE documents (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX documents_by_person ON documents (person_id, created_at);
    -- Blind indexes: keyed digests of normalized NIK, phone and passport numbers.
    -- owner_id is the row the value belongs to (the person, or the document). One
    -- B-tree (WITHOUT ROWID) instead of a table plus an index: half the writes per entry.
    CREATE TABLE lookups (
        kind        TEXT NOT NULL,
        digest      BLOB NOT NULL,
        owner_id    TEXT NOT NULL,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        PRIMARY KEY (kind, digest, owner_id)
    ) WITHOUT ROWID;
    "#,
    // 2: the emergency button: card, settings and outbox (sealed with the device key),
    // and verified content packs (public data: hotline directories).
    r#"
    CREATE TABLE emergency_card (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE TABLE emergency_settings (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        data        BLOB NOT NULL
    );
    CREATE TABLE emergency_alerts (
        id          TEXT PRIMARY KEY,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE TABLE content_packs (
        kind          TEXT PRIMARY KEY,
        version       INTEGER NOT NULL,
        body          BLOB NOT NULL,
        signature     BLOB NOT NULL,
        installed_at  TEXT NOT NULL
    );
    "#,
    // 3: TPPO screenings and the cadre's follow-ups (answers, results, reasons sealed;
    // even the risk level, which next to a person id would tell a searcher too much).
    // `follow_ups` now stays empty: a follow-up is sealed inside its screening, and rows
    // left by older builds are folded in at unlock (screening::fold_legacy_follow_ups).
    r#"
    CREATE TABLE screenings (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX screenings_by_person ON screenings (person_id, created_at);
    CREATE TABLE follow_ups (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        due_date    TEXT NOT NULL,
        done        INTEGER NOT NULL DEFAULT 0,
        data        BLOB NOT NULL
    );
    CREATE INDEX follow_ups_by_person ON follow_ups (person_id, due_date);
    "#,
    // 4: the pre-departure checklist of each person (item states, who, notes: sealed).
    r#"
    CREATE TABLE checklists (
        person_id   TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    "#,
    // 5: the cadre's work (issue 7): consents, audit log, visits, cases, returns.
    // Every value sealed in `data`; person-owned rows cascade on erasure. The audit log
    // deliberately has no foreign key: it outlives an erased person, anonymised.
    r#"
    CREATE TABLE consents (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX consents_by_person ON consents (person_id, created_at);
    CREATE TABLE audit_log (
        id          TEXT PRIMARY KEY,
        at          TEXT NOT NULL,
        -- Keyed digest of the person id (NULL: no person, or erased).
        person_ref  BLOB,
        data        BLOB NOT NULL
    );
    CREATE INDEX audit_by_time ON audit_log (at);
    CREATE INDEX audit_by_person ON audit_log (person_ref) WHERE person_ref IS NOT NULL;
    CREATE TABLE visits (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX visits_by_person ON visits (person_id, created_at);
    CREATE TABLE visit_follow_ups (
        id          TEXT PRIMARY KEY,
        visit_id    TEXT NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX visit_follow_ups_by_person ON visit_follow_ups (person_id, created_at);
    CREATE INDEX visit_follow_ups_by_visit ON visit_follow_ups (visit_id);
    CREATE TABLE cases (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX cases_by_person ON cases (person_id, created_at);
    CREATE TABLE case_events (
        id          TEXT PRIMARY KEY,
        case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX case_events_by_case ON case_events (case_id, created_at);
    CREATE INDEX case_events_by_person ON case_events (person_id);
    CREATE TABLE returns (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX returns_by_person ON returns (person_id, created_at);
    CREATE TABLE reintegration_services (
        id          TEXT PRIMARY KEY,
        return_id   TEXT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX reintegration_services_by_person ON reintegration_services (person_id, created_at);
    CREATE INDEX reintegration_services_by_return ON reintegration_services (return_id);
    "#,
];

/// The newest schema this build knows.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn open(dir: &Path, create: bool) -> Result<Connection> {
    let path = dir.join(DB_FILE);
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// Settings every connection gets, for the vault and for the plaintext benchmark baseline.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every capability prepares its statements once; rusqlite's default cache holds 16.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed write (an emergency alert, a visit) survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Freed pages are zeroed: an erased person's ciphertext does not linger in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 8 MiB of page cache (SQLite's default is 2 MiB): blind-index digests are random, so
    // their B-tree is written all over; a village register of 10,000 fits in cache.
    conn.pragma_update(None, "cache_size", -8192)?;
    Ok(())
}

/// Brings the schema to [`SCHEMA_VERSION`], each step in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(MigranError::UnsupportedVersion {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", step as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Moves everything from the WAL into the database and empties the WAL file, so that
/// pages that held erased ciphertext do not survive in the log.
pub(crate) fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// True when the file at `dir` looks like a vault (exists); used to refuse double creation.
pub(crate) fn exists(dir: &Path) -> bool {
    dir.join(DB_FILE).exists()
}

/// The side files SQLite keeps next to the database.
pub(crate) fn files(dir: &Path) -> [std::path::PathBuf; 3] {
    [
        dir.join(DB_FILE),
        dir.join(format!("{DB_FILE}-wal")),
        dir.join(format!("{DB_FILE}-shm")),
    ]
}

impl Session<'_> {
    /// The rows of `sql`, which selects an id, one text column and the sealed `data` of
    /// `table` for one parameter; each row's data opened as `T`. A row that does not open
    /// fails the read as tampered, naming `kind`.
    pub(crate) fn sealed_rows<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        param: &str,
        table: &'static str,
        kind: &str,
    ) -> Result<Vec<(String, String, T)>> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map([param], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut opened = Vec::new();
        for row in rows {
            let (id, text, sealed) = row?;
            let place = Place {
                table,
                row: &id,
                column: "data",
            };
            let data = self.keys.open_json(place, &sealed, kind)?;
            opened.push((id, text, data));
        }
        Ok(opened)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_reaches_the_newest_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(dir.path(), true).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_newer_schema_is_refused_not_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(dir.path(), true).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert_eq!(
            migrate(&mut conn),
            Err(MigranError::UnsupportedVersion {
                found: SCHEMA_VERSION + 1,
                supported: SCHEMA_VERSION
            })
        );
    }
}
