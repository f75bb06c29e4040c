//! The embedded engine: one SQLite file (`relay.db` in the data folder), zero set-up.
//! SQLite calls block, so they run on tokio's blocking threads behind one connection:
//! a village relay's load is a few devices, and one writer is what SQLite allows anyway.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use super::{
    DeviceLookup, DistrictReport, LinkFile, LinkFileKept, LinkLookup, LinkRegistered, NewBundle, NewLink,
    NewLinkFile, Page, Pushed, Store, StoreError, Stored, Submitted,
};

fn team_known(conn: &Connection, team_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM relay_teams WHERE team_id = ?1",
            params![team_id],
            |row| row.get::<_, i64>(0),
        )
        .optional()
        .map_err(internal)?
        .is_some())
}

/// A channel's row: (kind, device id, public key, ended).
type LinkRow = (String, String, Vec<u8>, bool);

fn link_row(conn: &Connection, team_id: &str, link_id: &str) -> Result<Option<LinkRow>, StoreError> {
    conn.query_row(
        "SELECT kind, device_id, public_key, ended_at IS NOT NULL FROM relay_links
         WHERE team_id = ?1 AND link_id = ?2",
        params![team_id, link_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .optional()
    .map_err(internal)
}

/// Schema versions in order; `PRAGMA user_version` says how many are applied.
const MIGRATIONS: &[&str] = &[
    // 1: teams, devices, nonces, the bundle log.
    "CREATE TABLE relay_teams (
        team_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        bytes_used INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE relay_devices (
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        device_id TEXT NOT NULL,
        public_key BLOB NOT NULL,
        enrolled_by TEXT,
        enrolled_at INTEGER NOT NULL,
        removed_at INTEGER,
        PRIMARY KEY (team_id, device_id)
    );
    CREATE TABLE relay_nonces (
        team_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (team_id, device_id, nonce)
    );
    CREATE TABLE relay_bundles (
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        seq INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        digest BLOB NOT NULL,
        size INTEGER NOT NULL,
        body BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (team_id, seq),
        UNIQUE (team_id, digest)
    );",
    // 2: the district roll-up (docs/relay.md#district-roll-up): which village a team
    // reports for, and each village's latest report per period (counts only).
    "CREATE TABLE relay_district_villages (
        team_id TEXT PRIMARY KEY REFERENCES relay_teams(team_id),
        district TEXT NOT NULL,
        village_code TEXT NOT NULL,
        bound_at INTEGER NOT NULL,
        UNIQUE (district, village_code)
    );
    CREATE TABLE relay_district_reports (
        district TEXT NOT NULL,
        village_code TEXT NOT NULL,
        period_from TEXT NOT NULL,
        period_to TEXT NOT NULL,
        village_name TEXT NOT NULL,
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        generated_at TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (district, village_code, period_from, period_to)
    );",
    // 3: follow link channels (docs/relay.md#follow-links): per link id (random, no
    // person), the follower's key, the newest view and events file; ended links keep
    // only their id and key, so the follower is told and the id never comes back.
    "CREATE TABLE relay_links (
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        link_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        device_id TEXT NOT NULL,
        public_key BLOB NOT NULL,
        registered_by TEXT NOT NULL,
        registered_at INTEGER NOT NULL,
        ended_by TEXT,
        ended_at INTEGER,
        view_seq INTEGER NOT NULL DEFAULT 0,
        view BLOB,
        view_at INTEGER,
        events_seq INTEGER NOT NULL DEFAULT 0,
        events BLOB,
        events_at INTEGER,
        PRIMARY KEY (team_id, link_id)
    );",
];

/// Keeps the later of two reports for the same village and period: an earlier one
/// (a delayed retry, a replay) changes nothing and writes no row.
const UPSERT: &str = "INSERT INTO relay_district_reports
                     (district, village_code, period_from, period_to, village_name, team_id,
                      generated_at, received_at, counts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (district, village_code, period_from, period_to) DO UPDATE SET
                     village_name = excluded.village_name, team_id = excluded.team_id,
                     generated_at = excluded.generated_at, received_at = excluded.received_at,
                     counts = excluded.counts
                 WHERE excluded.generated_at >= relay_district_reports.generated_at";

pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

fn internal(err: rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::DiskFull | ErrorCode::CannotOpen,
        ) => StoreError::Unavailable(err.to_string()),
        _ => StoreError::Internal(err.to_string()),
    }
}

impl SqliteStore {
    /// Opens (or makes) `relay.db` in `dir` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|err| StoreError::Unavailable(err.to_string()))?;
        let mut conn = Connection::open(dir.join("relay.db")).map_err(internal)?;
        // WAL: readers never see a half-written push and do not wait for the writer.
        // synchronous=FULL: an acknowledged bundle survives a power cut.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(internal)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave a transaction open (it rolls
            // back on drop), so the connection is still sound.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(|err| StoreError::Internal(err.to_string()))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(internal)?;
    let applied: usize = tx
        .query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))
        .map_err(internal)?
        .try_into()
        .map_err(|_| StoreError::Internal("negative schema version".into()))?;
    if applied > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "relay.db has schema version {applied}, newer than this relay ({})",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        tx.execute_batch(sql).map_err(internal)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))
            .map_err(internal)?;
    }
    tx.commit().map_err(internal)
}

fn is_constraint(err: &rusqlite::Error) -> bool {
    err.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

#[async_trait]
impl Store for SqliteStore {
    async fn register_team(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        let (team_id, device_id, public_key) =
            (team_id.to_owned(), device_id.to_owned(), public_key.to_vec());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            match tx.execute(
                "INSERT INTO relay_teams (team_id, created_at) VALUES (?1, ?2)",
                params![team_id, now],
            ) {
                Err(err) if is_constraint(&err) => return Err(StoreError::TeamExists),
                other => other.map_err(internal)?,
            };
            tx.execute(
                "INSERT INTO relay_devices (team_id, device_id, public_key, enrolled_by, enrolled_at)
                 VALUES (?1, ?2, ?3, NULL, ?4)",
                params![team_id, device_id, public_key, now],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)
        })
        .await
    }

    async fn device(&self, team_id: &str, device_id: &str) -> Result<DeviceLookup, StoreError> {
        let (team_id, device_id) = (team_id.to_owned(), device_id.to_owned());
        self.run(move |conn| {
            let team: Option<i64> = conn
                .query_row(
                    "SELECT 1 FROM relay_teams WHERE team_id = ?1",
                    params![team_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(internal)?;
            if team.is_none() {
                return Ok(DeviceLookup::NoTeam);
            }
            let device: Option<(Vec<u8>, Option<i64>)> = conn
                .query_row(
                    "SELECT public_key, removed_at FROM relay_devices WHERE team_id = ?1 AND device_id = ?2",
                    params![team_id, device_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(internal)?;
            Ok(match device {
                None => DeviceLookup::NoDevice,
                Some((public_key, removed_at)) => DeviceLookup::Found {
                    public_key,
                    removed: removed_at.is_some(),
                },
            })
        })
        .await
    }

    async fn enrol_device(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        enrolled_by: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let (team_id, device_id, public_key, enrolled_by) = (
            team_id.to_owned(),
            device_id.to_owned(),
            public_key.to_vec(),
            enrolled_by.to_owned(),
        );
        self.run(move |conn| {
            match conn.execute(
                "INSERT INTO relay_devices (team_id, device_id, public_key, enrolled_by, enrolled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![team_id, device_id, public_key, enrolled_by, now],
            ) {
                Err(err) if is_constraint(&err) => Err(StoreError::DeviceExists),
                other => other.map(|_| ()).map_err(internal),
            }
        })
        .await
    }

    async fn remove_device(&self, team_id: &str, device_id: &str, now: i64) -> Result<(), StoreError> {
        let (team_id, device_id) = (team_id.to_owned(), device_id.to_owned());
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE relay_devices SET removed_at = COALESCE(removed_at, ?3)
                     WHERE team_id = ?1 AND device_id = ?2",
                    params![team_id, device_id, now],
                )
                .map_err(internal)?;
            if changed == 0 {
                Err(StoreError::UnknownDevice)
            } else {
                Ok(())
            }
        })
        .await
    }

    async fn use_nonce(
        &self,
        team_id: &str,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError> {
        let (team_id, device_id, nonce) = (team_id.to_owned(), device_id.to_owned(), nonce.to_owned());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            tx.execute(
                "DELETE FROM relay_nonces WHERE team_id = ?1 AND device_id = ?2 AND seen_at < ?3",
                params![team_id, device_id, forget_before],
            )
            .map_err(internal)?;
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO relay_nonces (team_id, device_id, nonce, seen_at) VALUES (?1, ?2, ?3, ?4)",
                    params![team_id, device_id, nonce, now],
                )
                .map_err(internal)?;
            tx.commit().map_err(internal)?;
            Ok(added == 1)
        })
        .await
    }

    async fn push(&self, bundle: NewBundle, max_team_bytes: i64) -> Result<Pushed, StoreError> {
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            let team: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT last_seq, bytes_used FROM relay_teams WHERE team_id = ?1",
                    params![bundle.team_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(internal)?;
            let Some((last_seq, bytes_used)) = team else {
                return Err(StoreError::UnknownTeam);
            };
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM relay_bundles WHERE team_id = ?1 AND digest = ?2",
                    params![bundle.team_id, bundle.digest],
                    |row| row.get(0),
                )
                .optional()
                .map_err(internal)?;
            if let Some(seq) = existing {
                return Ok(Pushed { seq, duplicate: true });
            }
            let size = i64::try_from(bundle.body.len()).map_err(|_| StoreError::TeamStorageFull)?;
            if bytes_used.saturating_add(size) > max_team_bytes {
                return Err(StoreError::TeamStorageFull);
            }
            let seq = last_seq + 1;
            tx.execute(
                "UPDATE relay_teams SET last_seq = ?2, bytes_used = bytes_used + ?3 WHERE team_id = ?1",
                params![bundle.team_id, seq, size],
            )
            .map_err(internal)?;
            tx.execute(
                "INSERT INTO relay_bundles (team_id, seq, device_id, digest, size, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    bundle.team_id,
                    seq,
                    bundle.device_id,
                    bundle.digest,
                    size,
                    bundle.body,
                    bundle.now
                ],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)?;
            Ok(Pushed {
                seq,
                duplicate: false,
            })
        })
        .await
    }

    async fn pull(
        &self,
        team_id: &str,
        after: i64,
        max_count: i64,
        max_bytes: i64,
    ) -> Result<Page, StoreError> {
        let team_id = team_id.to_owned();
        self.run(move |conn| {
            // One read transaction: the page and `last_seq` are of the same moment.
            let tx = conn.transaction().map_err(internal)?;
            let last_seq: Option<i64> = tx
                .query_row(
                    "SELECT last_seq FROM relay_teams WHERE team_id = ?1",
                    params![team_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(internal)?;
            let Some(last_seq) = last_seq else {
                return Err(StoreError::UnknownTeam);
            };
            let mut statement = tx
                .prepare(
                    "SELECT seq, device_id, body FROM (
                         SELECT seq, device_id, body, size,
                                SUM(size) OVER (ORDER BY seq) AS running
                         FROM relay_bundles WHERE team_id = ?1 AND seq > ?2
                         ORDER BY seq LIMIT ?3)
                     WHERE running <= ?4 OR running = size ORDER BY seq",
                )
                .map_err(internal)?;
            let bundles = statement
                .query_map(params![team_id, after, max_count, max_bytes], |row| {
                    Ok(Stored {
                        seq: row.get(0)?,
                        device_id: row.get(1)?,
                        body: row.get(2)?,
                    })
                })
                .map_err(internal)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(internal)?;
            Ok(Page { bundles, last_seq })
        })
        .await
    }

    async fn submit_district_report(&self, report: DistrictReport) -> Result<Submitted, StoreError> {
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            // The team's first report binds it; a village already bound to another
            // team keeps the team unbound (no row), told apart from a team bound elsewhere.
            tx.execute(
                "INSERT INTO relay_district_villages (team_id, district, village_code, bound_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![
                    report.team_id,
                    report.district,
                    report.village_code,
                    report.received_at
                ],
            )
            .map_err(internal)?;
            let bound: Option<(String, String)> = tx
                .query_row(
                    "SELECT district, village_code FROM relay_district_villages WHERE team_id = ?1",
                    params![report.team_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(internal)?;
            match bound {
                None => return Err(StoreError::VillageTaken),
                Some((district, village))
                    if district != report.district || village != report.village_code =>
                {
                    return Err(StoreError::WrongVillage)
                }
                Some(_) => {}
            }
            let kept: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM relay_district_reports
                     WHERE district = ?1 AND village_code = ?2 AND period_from = ?3 AND period_to = ?4",
                    params![
                        report.district,
                        report.village_code,
                        report.period_from,
                        report.period_to
                    ],
                    |row| row.get(0),
                )
                .optional()
                .map_err(internal)?;
            let written = tx
                .execute(
                    UPSERT,
                    params![
                        report.district,
                        report.village_code,
                        report.period_from,
                        report.period_to,
                        report.village_name,
                        report.team_id,
                        report.generated_at,
                        report.received_at,
                        report.counts
                    ],
                )
                .map_err(internal)?;
            if written == 0 {
                return Err(StoreError::OlderReport);
            }
            tx.commit().map_err(internal)?;
            Ok(if kept.is_some() {
                Submitted::Replaced
            } else {
                Submitted::New
            })
        })
        .await
    }

    async fn district_reports(&self, district: &str) -> Result<Vec<DistrictReport>, StoreError> {
        let district = district.to_owned();
        self.run(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT team_id, district, village_code, village_name, period_from, period_to,
                            generated_at, counts, received_at
                     FROM relay_district_reports WHERE district = ?1
                     ORDER BY period_to, period_from, village_code",
                )
                .map_err(internal)?;
            let rows = statement
                .query_map(params![district], |row| {
                    Ok(DistrictReport {
                        team_id: row.get(0)?,
                        district: row.get(1)?,
                        village_code: row.get(2)?,
                        village_name: row.get(3)?,
                        period_from: row.get(4)?,
                        period_to: row.get(5)?,
                        generated_at: row.get(6)?,
                        counts: row.get(7)?,
                        received_at: row.get(8)?,
                    })
                })
                .map_err(internal)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(internal)?;
            Ok(rows)
        })
        .await
    }

    async fn register_link(&self, link: NewLink) -> Result<LinkRegistered, StoreError> {
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            if !team_known(&tx, &link.team_id)? {
                return Err(StoreError::UnknownTeam);
            }
            match link_row(&tx, &link.team_id, &link.link_id)? {
                Some((_, _, _, true)) => return Err(StoreError::LinkEnded),
                Some((kind, device_id, public_key, false)) => {
                    return if kind == link.kind
                        && device_id == link.device_id
                        && public_key == link.public_key
                    {
                        Ok(LinkRegistered::Again)
                    } else {
                        Err(StoreError::LinkExists)
                    };
                }
                None => {}
            }
            tx.execute(
                "INSERT INTO relay_links (team_id, link_id, kind, device_id, public_key, registered_by,
                                          registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    link.team_id,
                    link.link_id,
                    link.kind,
                    link.device_id,
                    link.public_key,
                    link.registered_by,
                    link.now
                ],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)?;
            Ok(LinkRegistered::New)
        })
        .await
    }

    async fn link(&self, team_id: &str, link_id: &str) -> Result<LinkLookup, StoreError> {
        let (team_id, link_id) = (team_id.to_owned(), link_id.to_owned());
        self.run(move |conn| {
            if !team_known(conn, &team_id)? {
                return Ok(LinkLookup::NoTeam);
            }
            Ok(match link_row(conn, &team_id, &link_id)? {
                None => LinkLookup::NoLink,
                Some((kind, device_id, public_key, ended)) => LinkLookup::Found {
                    kind,
                    device_id,
                    public_key,
                    ended,
                },
            })
        })
        .await
    }

    async fn put_link_file(
        &self,
        file: NewLinkFile,
        max_team_bytes: i64,
    ) -> Result<LinkFileKept, StoreError> {
        self.run(move |conn| {
            let (seq_column, body_column, at_column) = file.file.columns();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            let bytes_used: Option<i64> = tx
                .query_row(
                    "SELECT bytes_used FROM relay_teams WHERE team_id = ?1",
                    params![file.team_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(internal)?;
            let Some(bytes_used) = bytes_used else {
                return Err(StoreError::UnknownTeam);
            };
            let held: Option<(bool, i64, i64)> = tx
                .query_row(
                    &format!(
                        "SELECT ended_at IS NOT NULL, {seq_column}, COALESCE(length({body_column}), 0)
                         FROM relay_links WHERE team_id = ?1 AND link_id = ?2"
                    ),
                    params![file.team_id, file.link_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
                .map_err(internal)?;
            let Some((ended, held_seq, held_size)) = held else {
                return Err(StoreError::UnknownLink);
            };
            if ended {
                return Err(StoreError::LinkEnded);
            }
            if file.seq <= held_seq {
                return Ok(LinkFileKept {
                    kept: false,
                    seq: held_seq,
                });
            }
            let size = i64::try_from(file.body.len()).map_err(|_| StoreError::TeamStorageFull)?;
            let grown = size - held_size;
            if bytes_used.saturating_add(grown) > max_team_bytes {
                return Err(StoreError::TeamStorageFull);
            }
            tx.execute(
                "UPDATE relay_teams SET bytes_used = bytes_used + ?2 WHERE team_id = ?1",
                params![file.team_id, grown],
            )
            .map_err(internal)?;
            tx.execute(
                &format!(
                    "UPDATE relay_links SET {seq_column} = ?3, {body_column} = ?4, {at_column} = ?5
                     WHERE team_id = ?1 AND link_id = ?2"
                ),
                params![file.team_id, file.link_id, file.seq, file.body, file.now],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)?;
            Ok(LinkFileKept {
                kept: true,
                seq: file.seq,
            })
        })
        .await
    }

    async fn link_file(
        &self,
        team_id: &str,
        link_id: &str,
        file: LinkFile,
        after: i64,
    ) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        let (team_id, link_id) = (team_id.to_owned(), link_id.to_owned());
        self.run(move |conn| {
            let (seq_column, body_column, _) = file.columns();
            let row: Option<(bool, i64, Option<Vec<u8>>)> = conn
                .query_row(
                    &format!(
                        "SELECT ended_at IS NOT NULL, {seq_column}, {body_column} FROM relay_links
                         WHERE team_id = ?1 AND link_id = ?2"
                    ),
                    params![team_id, link_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
                .map_err(internal)?;
            let Some((ended, seq, body)) = row else {
                return Err(StoreError::UnknownLink);
            };
            if ended {
                return Err(StoreError::LinkEnded);
            }
            Ok(match body {
                Some(body) if seq > after => Some((seq, body)),
                _ => None,
            })
        })
        .await
    }

    async fn end_link(
        &self,
        team_id: &str,
        link_id: &str,
        ended_by: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (team_id, link_id, ended_by) = (team_id.to_owned(), link_id.to_owned(), ended_by.to_owned());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(internal)?;
            if !team_known(&tx, &team_id)? {
                return Err(StoreError::UnknownTeam);
            }
            let held: Option<(bool, i64)> = tx
                .query_row(
                    "SELECT ended_at IS NOT NULL, COALESCE(length(view), 0) + COALESCE(length(events), 0)
                     FROM relay_links WHERE team_id = ?1 AND link_id = ?2",
                    params![team_id, link_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(internal)?;
            let Some((ended, freed)) = held else {
                return Err(StoreError::UnknownLink);
            };
            if ended {
                return Ok(false);
            }
            tx.execute(
                "UPDATE relay_links SET ended_by = ?3, ended_at = ?4, view = NULL, view_at = NULL,
                                        events = NULL, events_at = NULL
                 WHERE team_id = ?1 AND link_id = ?2",
                params![team_id, link_id, ended_by, now],
            )
            .map_err(internal)?;
            tx.execute(
                "UPDATE relay_teams SET bytes_used = bytes_used - ?2 WHERE team_id = ?1",
                params![team_id, freed],
            )
            .map_err(internal)?;
            tx.commit().map_err(internal)?;
            Ok(true)
        })
        .await
    }
}
