//! The PostgreSQL engine for a district, a province or the nation: a pool of
//! connections (deadpool), schema migrations under an advisory lock so that several relay
//! replicas can start at once, and the same log rules as the SQLite engine.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;

use super::{
    DeviceLookup, DistrictReport, LinkFile, LinkFileKept, LinkLookup, LinkRegistered, NewBundle, NewLink,
    NewLinkFile, Page, Pushed, Store, StoreError, Stored, Submitted,
};

/// Schema versions in order; `relay_schema` records which are applied.
const MIGRATIONS: &[&str] = &[
    // 1: teams, devices, nonces, the bundle log.
    "CREATE TABLE relay_teams (
        team_id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0,
        bytes_used BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE relay_devices (
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        device_id TEXT NOT NULL,
        public_key BYTEA NOT NULL,
        enrolled_by TEXT,
        enrolled_at BIGINT NOT NULL,
        removed_at BIGINT,
        PRIMARY KEY (team_id, device_id)
    );
    CREATE TABLE relay_nonces (
        team_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        seen_at BIGINT NOT NULL,
        PRIMARY KEY (team_id, device_id, nonce)
    );
    CREATE TABLE relay_bundles (
        team_id TEXT NOT NULL REFERENCES relay_teams(team_id),
        seq BIGINT NOT NULL,
        device_id TEXT NOT NULL,
        digest BYTEA NOT NULL,
        size BIGINT NOT NULL,
        body BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (team_id, seq),
        UNIQUE (team_id, digest)
    );",
    // 2: the district roll-up (docs/relay.md#district-roll-up): which village a team
    // reports for, and each village's latest report per period (counts only).
    "CREATE TABLE relay_district_villages (
        team_id TEXT PRIMARY KEY REFERENCES relay_teams(team_id),
        district TEXT NOT NULL,
        village_code TEXT NOT NULL,
        bound_at BIGINT NOT NULL,
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
        received_at BIGINT NOT NULL,
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
        public_key BYTEA NOT NULL,
        registered_by TEXT NOT NULL,
        registered_at BIGINT NOT NULL,
        ended_by TEXT,
        ended_at BIGINT,
        view_seq BIGINT NOT NULL DEFAULT 0,
        view BYTEA,
        view_at BIGINT,
        events_seq BIGINT NOT NULL DEFAULT 0,
        events BYTEA,
        events_at BIGINT,
        PRIMARY KEY (team_id, link_id)
    );",
];

/// Keeps the later of two reports for the same village and period: an earlier one
/// (a delayed retry, a replay) changes nothing and writes no row.
const UPSERT: &str = "INSERT INTO relay_district_reports
                     (district, village_code, period_from, period_to, village_name, team_id,
                      generated_at, received_at, counts)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (district, village_code, period_from, period_to) DO UPDATE SET
                     village_name = excluded.village_name, team_id = excluded.team_id,
                     generated_at = excluded.generated_at, received_at = excluded.received_at,
                     counts = excluded.counts
                 WHERE excluded.generated_at >= relay_district_reports.generated_at";

/// Any fixed number: the advisory lock that keeps two starting replicas from migrating
/// at the same time.
const MIGRATION_LOCK: i64 = 0x6d69_6772_616e;

pub struct PostgresStore {
    pool: Pool,
}

fn pg_error(err: tokio_postgres::Error) -> StoreError {
    // A closed connection or a server shutting down: the client may retry.
    if err.is_closed()
        || err
            .code()
            .is_some_and(|code| code.code().starts_with("57") || code.code().starts_with("08"))
    {
        StoreError::Unavailable(err.to_string())
    } else {
        StoreError::Internal(err.to_string())
    }
}

fn pool_error(err: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Unavailable(err.to_string())
}

fn is_unique_violation(err: &tokio_postgres::Error) -> bool {
    err.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

impl PostgresStore {
    /// Connects a pool to `url` (`postgres://user@host:port/db`) and brings the schema up
    /// to date.
    pub async fn connect(url: &str, max_connections: usize) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|err: tokio_postgres::Error| StoreError::Internal(format!("bad database URL: {err}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections)
            .build()
            .map_err(|err| StoreError::Internal(err.to_string()))?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg_error)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS relay_schema (version BIGINT NOT NULL)")
            .await
            .map_err(pg_error)?;
        let applied: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0) FROM relay_schema", &[])
            .await
            .map_err(pg_error)?
            .get(0);
        let known = i64::try_from(MIGRATIONS.len()).map_err(|err| StoreError::Internal(err.to_string()))?;
        if applied > known {
            return Err(StoreError::Internal(format!(
                "database has relay schema version {applied}, newer than this relay ({known})"
            )));
        }
        for (version, sql) in (1i64..).zip(MIGRATIONS.iter()) {
            if version <= applied {
                continue;
            }
            tx.batch_execute(sql).await.map_err(pg_error)?;
            tx.execute("INSERT INTO relay_schema (version) VALUES ($1)", &[&version])
                .await
                .map_err(pg_error)?;
        }
        tx.commit().await.map_err(pg_error)
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn register_team(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        match tx
            .execute(
                "INSERT INTO relay_teams (team_id, created_at) VALUES ($1, $2)",
                &[&team_id, &now],
            )
            .await
        {
            Err(err) if is_unique_violation(&err) => return Err(StoreError::TeamExists),
            other => other.map_err(pg_error)?,
        };
        tx.execute(
            "INSERT INTO relay_devices (team_id, device_id, public_key, enrolled_by, enrolled_at)
             VALUES ($1, $2, $3, NULL, $4)",
            &[&team_id, &device_id, &public_key, &now],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)
    }

    async fn device(&self, team_id: &str, device_id: &str) -> Result<DeviceLookup, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let team = client
            .query_opt("SELECT 1 FROM relay_teams WHERE team_id = $1", &[&team_id])
            .await
            .map_err(pg_error)?;
        if team.is_none() {
            return Ok(DeviceLookup::NoTeam);
        }
        let row = client
            .query_opt(
                "SELECT public_key, removed_at FROM relay_devices WHERE team_id = $1 AND device_id = $2",
                &[&team_id, &device_id],
            )
            .await
            .map_err(pg_error)?;
        Ok(match row {
            None => DeviceLookup::NoDevice,
            Some(row) => DeviceLookup::Found {
                public_key: row.get(0),
                removed: row.get::<_, Option<i64>>(1).is_some(),
            },
        })
    }

    async fn enrol_device(
        &self,
        team_id: &str,
        device_id: &str,
        public_key: &[u8],
        enrolled_by: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        match client
            .execute(
                "INSERT INTO relay_devices (team_id, device_id, public_key, enrolled_by, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&team_id, &device_id, &public_key, &enrolled_by, &now],
            )
            .await
        {
            Err(err) if is_unique_violation(&err) => Err(StoreError::DeviceExists),
            other => other.map(|_| ()).map_err(pg_error),
        }
    }

    async fn remove_device(&self, team_id: &str, device_id: &str, now: i64) -> Result<(), StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let changed = client
            .execute(
                "UPDATE relay_devices SET removed_at = COALESCE(removed_at, $3)
                 WHERE team_id = $1 AND device_id = $2",
                &[&team_id, &device_id, &now],
            )
            .await
            .map_err(pg_error)?;
        if changed == 0 {
            Err(StoreError::UnknownDevice)
        } else {
            Ok(())
        }
    }

    async fn use_nonce(
        &self,
        team_id: &str,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client
            .execute(
                "DELETE FROM relay_nonces WHERE team_id = $1 AND device_id = $2 AND seen_at < $3",
                &[&team_id, &device_id, &forget_before],
            )
            .await
            .map_err(pg_error)?;
        let added = client
            .execute(
                "INSERT INTO relay_nonces (team_id, device_id, nonce, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&team_id, &device_id, &nonce, &now],
            )
            .await
            .map_err(pg_error)?;
        Ok(added == 1)
    }

    async fn push(&self, bundle: NewBundle, max_team_bytes: i64) -> Result<Pushed, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // The team's row lock orders the team's pushes: sequence numbers are given and
        // committed in order, so a reader at cursor N never skips a later-committed N+1.
        let Some(team) = tx
            .query_opt(
                "SELECT last_seq, bytes_used FROM relay_teams WHERE team_id = $1 FOR UPDATE",
                &[&bundle.team_id],
            )
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownTeam);
        };
        let (last_seq, bytes_used): (i64, i64) = (team.get(0), team.get(1));
        if let Some(row) = tx
            .query_opt(
                "SELECT seq FROM relay_bundles WHERE team_id = $1 AND digest = $2",
                &[&bundle.team_id, &bundle.digest],
            )
            .await
            .map_err(pg_error)?
        {
            return Ok(Pushed {
                seq: row.get(0),
                duplicate: true,
            });
        }
        let size = i64::try_from(bundle.body.len()).map_err(|_| StoreError::TeamStorageFull)?;
        if bytes_used.saturating_add(size) > max_team_bytes {
            return Err(StoreError::TeamStorageFull);
        }
        let seq = last_seq + 1;
        tx.execute(
            "UPDATE relay_teams SET last_seq = $2, bytes_used = bytes_used + $3 WHERE team_id = $1",
            &[&bundle.team_id, &seq, &size],
        )
        .await
        .map_err(pg_error)?;
        tx.execute(
            "INSERT INTO relay_bundles (team_id, seq, device_id, digest, size, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &bundle.team_id,
                &seq,
                &bundle.device_id,
                &bundle.digest,
                &size,
                &bundle.body,
                &bundle.now,
            ],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(Pushed {
            seq,
            duplicate: false,
        })
    }

    async fn pull(
        &self,
        team_id: &str,
        after: i64,
        max_count: i64,
        max_bytes: i64,
    ) -> Result<Page, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        // REPEATABLE READ: the page and `last_seq` are of the same snapshot.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(pg_error)?;
        let Some(team) = tx
            .query_opt("SELECT last_seq FROM relay_teams WHERE team_id = $1", &[&team_id])
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownTeam);
        };
        let last_seq: i64 = team.get(0);
        let rows = tx
            .query(
                "SELECT seq, device_id, body FROM (
                     SELECT seq, device_id, body, size,
                            (SUM(size) OVER (ORDER BY seq))::BIGINT AS running
                     FROM relay_bundles WHERE team_id = $1 AND seq > $2
                     ORDER BY seq LIMIT $3) page
                 WHERE running <= $4 OR running = size ORDER BY seq",
                &[&team_id, &after, &max_count, &max_bytes],
            )
            .await
            .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(Page {
            bundles: rows
                .into_iter()
                .map(|row| Stored {
                    seq: row.get(0),
                    device_id: row.get(1),
                    body: row.get(2),
                })
                .collect(),
            last_seq,
        })
    }

    async fn submit_district_report(&self, report: DistrictReport) -> Result<Submitted, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // The team's first report binds it; a village already bound to another team
        // keeps the team unbound (no row), told apart from a team bound elsewhere.
        tx.execute(
            "INSERT INTO relay_district_villages (team_id, district, village_code, bound_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[
                &report.team_id,
                &report.district,
                &report.village_code,
                &report.received_at,
            ],
        )
        .await
        .map_err(pg_error)?;
        let bound = tx
            .query_opt(
                "SELECT district, village_code FROM relay_district_villages WHERE team_id = $1",
                &[&report.team_id],
            )
            .await
            .map_err(pg_error)?;
        match bound {
            None => return Err(StoreError::VillageTaken),
            Some(row)
                if row.get::<_, String>(0) != report.district
                    || row.get::<_, String>(1) != report.village_code =>
            {
                return Err(StoreError::WrongVillage)
            }
            Some(_) => {}
        }
        let kept = tx
            .query_opt(
                "SELECT 1 FROM relay_district_reports
                 WHERE district = $1 AND village_code = $2 AND period_from = $3 AND period_to = $4
                 FOR UPDATE",
                &[
                    &report.district,
                    &report.village_code,
                    &report.period_from,
                    &report.period_to,
                ],
            )
            .await
            .map_err(pg_error)?;
        let written = tx
            .execute(
                UPSERT,
                &[
                    &report.district,
                    &report.village_code,
                    &report.period_from,
                    &report.period_to,
                    &report.village_name,
                    &report.team_id,
                    &report.generated_at,
                    &report.received_at,
                    &report.counts,
                ],
            )
            .await
            .map_err(pg_error)?;
        if written == 0 {
            return Err(StoreError::OlderReport);
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(if kept.is_some() {
            Submitted::Replaced
        } else {
            Submitted::New
        })
    }

    async fn district_reports(&self, district: &str) -> Result<Vec<DistrictReport>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client
            .query(
                "SELECT team_id, district, village_code, village_name, period_from, period_to,
                        generated_at, counts, received_at
                 FROM relay_district_reports WHERE district = $1
                 ORDER BY period_to, period_from, village_code",
                &[&district],
            )
            .await
            .map_err(pg_error)?;
        Ok(rows
            .into_iter()
            .map(|row| DistrictReport {
                team_id: row.get(0),
                district: row.get(1),
                village_code: row.get(2),
                village_name: row.get(3),
                period_from: row.get(4),
                period_to: row.get(5),
                generated_at: row.get(6),
                counts: row.get(7),
                received_at: row.get(8),
            })
            .collect())
    }

    async fn register_link(&self, link: NewLink) -> Result<LinkRegistered, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let team = tx
            .query_opt("SELECT 1 FROM relay_teams WHERE team_id = $1", &[&link.team_id])
            .await
            .map_err(pg_error)?;
        if team.is_none() {
            return Err(StoreError::UnknownTeam);
        }
        let inserted = tx
            .execute(
                "INSERT INTO relay_links (team_id, link_id, kind, device_id, public_key, registered_by,
                                          registered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &link.team_id,
                    &link.link_id,
                    &link.kind,
                    &link.device_id,
                    &link.public_key,
                    &link.registered_by,
                    &link.now,
                ],
            )
            .await
            .map_err(pg_error)?;
        if inserted == 1 {
            tx.commit().await.map_err(pg_error)?;
            return Ok(LinkRegistered::New);
        }
        let row = tx
            .query_one(
                "SELECT kind, device_id, public_key, ended_at FROM relay_links
                 WHERE team_id = $1 AND link_id = $2",
                &[&link.team_id, &link.link_id],
            )
            .await
            .map_err(pg_error)?;
        if row.get::<_, Option<i64>>(3).is_some() {
            return Err(StoreError::LinkEnded);
        }
        let same = row.get::<_, String>(0) == link.kind
            && row.get::<_, String>(1) == link.device_id
            && row.get::<_, Vec<u8>>(2) == link.public_key;
        if same {
            Ok(LinkRegistered::Again)
        } else {
            Err(StoreError::LinkExists)
        }
    }

    async fn link(&self, team_id: &str, link_id: &str) -> Result<LinkLookup, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let team = client
            .query_opt("SELECT 1 FROM relay_teams WHERE team_id = $1", &[&team_id])
            .await
            .map_err(pg_error)?;
        if team.is_none() {
            return Ok(LinkLookup::NoTeam);
        }
        let row = client
            .query_opt(
                "SELECT kind, device_id, public_key, ended_at FROM relay_links
                 WHERE team_id = $1 AND link_id = $2",
                &[&team_id, &link_id],
            )
            .await
            .map_err(pg_error)?;
        Ok(match row {
            None => LinkLookup::NoLink,
            Some(row) => LinkLookup::Found {
                kind: row.get(0),
                device_id: row.get(1),
                public_key: row.get(2),
                ended: row.get::<_, Option<i64>>(3).is_some(),
            },
        })
    }

    async fn put_link_file(
        &self,
        file: NewLinkFile,
        max_team_bytes: i64,
    ) -> Result<LinkFileKept, StoreError> {
        let (seq_column, body_column, at_column) = file.file.columns();
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // The team's row lock orders this with the team's pushes: its byte count stays
        // exact. Then the channel's row, for the number held.
        let Some(team) = tx
            .query_opt(
                "SELECT bytes_used FROM relay_teams WHERE team_id = $1 FOR UPDATE",
                &[&file.team_id],
            )
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownTeam);
        };
        let bytes_used: i64 = team.get(0);
        let Some(held) = tx
            .query_opt(
                &format!(
                    "SELECT ended_at, {seq_column}, COALESCE(length({body_column}), 0)::BIGINT
                     FROM relay_links WHERE team_id = $1 AND link_id = $2 FOR UPDATE"
                ),
                &[&file.team_id, &file.link_id],
            )
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownLink);
        };
        if held.get::<_, Option<i64>>(0).is_some() {
            return Err(StoreError::LinkEnded);
        }
        let (held_seq, held_size): (i64, i64) = (held.get(1), held.get(2));
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
            "UPDATE relay_teams SET bytes_used = bytes_used + $2 WHERE team_id = $1",
            &[&file.team_id, &grown],
        )
        .await
        .map_err(pg_error)?;
        tx.execute(
            &format!(
                "UPDATE relay_links SET {seq_column} = $3, {body_column} = $4, {at_column} = $5
                 WHERE team_id = $1 AND link_id = $2"
            ),
            &[&file.team_id, &file.link_id, &file.seq, &file.body, &file.now],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(LinkFileKept {
            kept: true,
            seq: file.seq,
        })
    }

    async fn link_file(
        &self,
        team_id: &str,
        link_id: &str,
        file: LinkFile,
        after: i64,
    ) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        let (seq_column, body_column, _) = file.columns();
        let client = self.pool.get().await.map_err(pool_error)?;
        let Some(row) = client
            .query_opt(
                &format!(
                    "SELECT ended_at, {seq_column}, {body_column} FROM relay_links
                     WHERE team_id = $1 AND link_id = $2"
                ),
                &[&team_id, &link_id],
            )
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownLink);
        };
        if row.get::<_, Option<i64>>(0).is_some() {
            return Err(StoreError::LinkEnded);
        }
        let seq: i64 = row.get(1);
        Ok(match row.get::<_, Option<Vec<u8>>>(2) {
            Some(body) if seq > after => Some((seq, body)),
            _ => None,
        })
    }

    async fn end_link(
        &self,
        team_id: &str,
        link_id: &str,
        ended_by: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        if tx
            .query_opt(
                "SELECT 1 FROM relay_teams WHERE team_id = $1 FOR UPDATE",
                &[&team_id],
            )
            .await
            .map_err(pg_error)?
            .is_none()
        {
            return Err(StoreError::UnknownTeam);
        }
        let Some(held) = tx
            .query_opt(
                "SELECT ended_at, (COALESCE(length(view), 0) + COALESCE(length(events), 0))::BIGINT
                 FROM relay_links WHERE team_id = $1 AND link_id = $2 FOR UPDATE",
                &[&team_id, &link_id],
            )
            .await
            .map_err(pg_error)?
        else {
            return Err(StoreError::UnknownLink);
        };
        if held.get::<_, Option<i64>>(0).is_some() {
            return Ok(false);
        }
        let freed: i64 = held.get(1);
        tx.execute(
            "UPDATE relay_links SET ended_by = $3, ended_at = $4, view = NULL, view_at = NULL,
                                    events = NULL, events_at = NULL
             WHERE team_id = $1 AND link_id = $2",
            &[&team_id, &link_id, &ended_by, &now],
        )
        .await
        .map_err(pg_error)?;
        tx.execute(
            "UPDATE relay_teams SET bytes_used = bytes_used - $2 WHERE team_id = $1",
            &[&team_id, &freed],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(true)
    }
}
