//! Load bench (issue 13), not part of CI: simulated devices in teams push and pull
//! concurrently against a relay on 127.0.0.1 for a fixed time, on SQLite and (when
//! MIGRAN_RELAY_PG_URL is set) PostgreSQL; prints requests/s and p50/p99 latencies, then
//! checks that every acknowledged bundle is readable, once, with its bytes.
//!
//! `cargo bench -p migran-relay --bench load` (release build), or a quick smoke in the
//! test profile: `RELAY_BENCH_SECS=3 cargo test -p migran-relay --bench load`.
//! Sizes: RELAY_BENCH_DEVICES (default 100), RELAY_BENCH_TEAMS (10), RELAY_BENCH_SECS (10),
//! RELAY_BENCH_BUNDLE_BYTES (2048). The figure is 500 devices in 50 teams.
//!
//! After the PostgreSQL run it prints what the relay's tables take on disk
//! (`pg_total_relation_size`: table, indexes and TOAST) per stored bundle and per team,
//! the figures docs/relay.md#what-one-postgresql-holds extrapolates from.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use migran_relay::{auth, open_store, router, Engine, Limits};
use ring::digest::{digest, SHA256};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn random(len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    SystemRandom::new().fill(&mut buf).unwrap();
    buf
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Device {
    base: String,
    http: reqwest::blocking::Client,
    key: Ed25519KeyPair,
    id: String,
    team: String,
}

impl Device {
    fn new(base: &str, team: &str) -> Device {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Device {
            base: base.to_owned(),
            http: reqwest::blocking::Client::new(),
            key: Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap(),
            id: hex(&random(8)),
            team: team.to_owned(),
        }
    }

    fn send(&self, method: &str, path: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let signed = auth::sign(&self.key, &self.id, method, path, &body, now, &hex(&random(16)));
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .body(body);
        for (name, value) in signed.pairs() {
            request = request.header(name, value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (
            status,
            serde_json::from_slice(&response.bytes().unwrap()).unwrap(),
        )
    }

    fn public_key(&self) -> String {
        BASE64.encode(self.key.public_key().as_ref())
    }
}

/// One device's push and pull latencies, its acknowledged (team, seq, SHA-256), refusals.
type DeviceRun = (Vec<Duration>, Vec<Duration>, Vec<(String, i64, Vec<u8>)>, usize);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// What the relay's tables take in PostgreSQL after a run, per stored bundle and per team.
/// Sizes as they are right after the run (dead rows of `relay_teams` and
/// `relay_nonces` included, as a busy relay carries them between autovacuums).
async fn print_postgres_sizes(url: &str) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    // Every table of the relay's schema, whatever migrations add later.
    let tables = client
        .query(
            "SELECT c.relname::TEXT, pg_total_relation_size(c.oid), pg_relation_size(c.oid),
                    pg_indexes_size(c.oid),
                    COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND c.relname LIKE 'relay\\_%' AND n.nspname = current_schema()
             ORDER BY c.relname",
            &[],
        )
        .await
        .unwrap();
    let count = |table: &'static str| {
        let client = &client;
        async move {
            let row = client
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .await
                .unwrap();
            row.get::<_, i64>(0)
        }
    };
    let (bundles, teams, devices, nonces) = (
        count("relay_bundles").await,
        count("relay_teams").await,
        count("relay_devices").await,
        count("relay_nonces").await,
    );
    let payload: i64 = client
        .query_one("SELECT COALESCE(SUM(size), 0)::BIGINT FROM relay_bundles", &[])
        .await
        .unwrap()
        .get(0);
    let mut all = 0i64;
    let mut log = 0i64;
    println!("postgres sizes: {bundles} bundles ({payload} B of bundle bytes), {teams} teams, {devices} devices, {nonces} nonces");
    for row in &tables {
        let (name, total, heap, indexes, toast): (String, i64, i64, i64, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        println!("  {name}: {total} B (table {heap}, indexes {indexes}, TOAST {toast})");
        all += total;
        if name == "relay_bundles" {
            log = total;
        }
    }
    let per = |bytes: i64, n: i64| bytes as f64 / n.max(1) as f64;
    println!(
        "postgres per bundle: {:.0} B in relay_bundles for {:.0} B of bundle ({:.0} B or {:.1}% over); \
         all relay tables {all} B, {:.0} B per stored bundle, {:.0} B per team",
        per(log, bundles),
        per(payload, bundles),
        per(log - payload, bundles),
        100.0 * per(log - payload, payload),
        per(all, bundles),
        per(all, teams),
    );
}

fn run(name: &str, engine: Engine) {
    let devices_n = env_usize("RELAY_BENCH_DEVICES", 100);
    let teams_n = env_usize("RELAY_BENCH_TEAMS", 10).max(1);
    let secs = env_usize("RELAY_BENCH_SECS", 10) as u64;
    let bundle_bytes = env_usize("RELAY_BENCH_BUNDLE_BYTES", 2048);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = runtime.block_on(open_store(&engine)).unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let limits = Limits {
        requests_per_minute: u32::MAX,
        ..Limits::default()
    };
    runtime.spawn(async move { axum::serve(listener, router(store, limits)).await });

    // Teams: the first device registers, and enrols the rest.
    let mut devices: Vec<Device> = Vec::new();
    for team_index in 0..teams_n {
        let team = hex(&random(16));
        let members = devices_n / teams_n + usize::from(team_index < devices_n % teams_n);
        let first = Device::new(&base, &team);
        let body =
            serde_json::json!({"team_id": team, "device_id": first.id, "public_key": first.public_key()});
        assert_eq!(
            first
                .send("POST", "/v1/teams", serde_json::to_vec(&body).unwrap())
                .0,
            201
        );
        for _ in 1..members {
            let other = Device::new(&base, &team);
            let body = serde_json::json!({"device_id": other.id, "public_key": other.public_key()});
            let path = format!("/v1/teams/{team}/devices");
            assert_eq!(
                first.send("POST", &path, serde_json::to_vec(&body).unwrap()).0,
                201
            );
            devices.push(other);
        }
        devices.push(first);
    }

    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let results: Vec<DeviceRun> = std::thread::scope(|scope| {
        let handles: Vec<_> = devices
            .iter()
            .map(|device| {
                scope.spawn(move || {
                    let (mut pushes, mut pulls, mut acked, mut errors) =
                        (Vec::new(), Vec::new(), Vec::new(), 0usize);
                    let mut cursor = 0i64;
                    let path = format!("/v1/teams/{}/bundles", device.team);
                    while Instant::now() < deadline {
                        let body = random(bundle_bytes);
                        let sha = digest(&SHA256, &body).as_ref().to_vec();
                        let at = Instant::now();
                        let (status, json) = device.send("POST", &path, body);
                        pushes.push(at.elapsed());
                        match (status, json["seq"].as_i64()) {
                            (201, Some(seq)) => acked.push((device.team.clone(), seq, sha)),
                            _ => errors += 1,
                        }
                        let at = Instant::now();
                        let (status, json) =
                            device.send("GET", &format!("{path}?after={cursor}&limit=100"), Vec::new());
                        pulls.push(at.elapsed());
                        if status == 200 {
                            if let Some(last) = json["bundles"].as_array().and_then(|b| b.last()) {
                                cursor = last["seq"].as_i64().unwrap_or(cursor);
                            }
                        } else {
                            errors += 1;
                        }
                    }
                    (pushes, pulls, acked, errors)
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();

    let mut pushes: Vec<Duration> = results.iter().flat_map(|r| r.0.clone()).collect();
    let mut pulls: Vec<Duration> = results.iter().flat_map(|r| r.1.clone()).collect();
    let errors: usize = results.iter().map(|r| r.3).sum();
    pushes.sort();
    pulls.sort();
    let requests = pushes.len() + pulls.len();

    // Every acknowledged bundle, read back once per team: present, once, same bytes.
    let mut acked: HashMap<String, HashMap<i64, Vec<u8>>> = HashMap::new();
    for (team, seq, sha) in results.into_iter().flat_map(|r| r.2) {
        assert!(
            acked.entry(team).or_default().insert(seq, sha).is_none(),
            "a sequence number given twice"
        );
    }
    let mut verified = 0usize;
    for reader in &devices {
        let Some(expected) = acked.remove(&reader.team) else {
            continue;
        };
        let mut cursor = 0i64;
        let mut seen = HashMap::new();
        loop {
            let (status, json) = reader.send(
                "GET",
                &format!("/v1/teams/{}/bundles?after={cursor}&limit=100", reader.team),
                Vec::new(),
            );
            assert_eq!(status, 200);
            for bundle in json["bundles"].as_array().unwrap() {
                let seq = bundle["seq"].as_i64().unwrap();
                let body = BASE64.decode(bundle["body"].as_str().unwrap()).unwrap();
                seen.insert(seq, digest(&SHA256, &body).as_ref().to_vec());
                cursor = seq;
            }
            if !json["more"].as_bool().unwrap() {
                break;
            }
        }
        assert_eq!(seen, expected, "the log is exactly the acknowledged bundles");
        verified += expected.len();
    }

    println!(
        "{name}: {devices_n} devices in {teams_n} teams, {:.1} s, bundles of {bundle_bytes} B: \
         {requests} requests ({:.0}/s), {errors} refused; push p50 {:.1} ms p99 {:.1} ms; \
         pull p50 {:.1} ms p99 {:.1} ms; {verified} acknowledged bundles read back, each once",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        percentile(&pushes, 0.5).as_secs_f64() * 1000.0,
        percentile(&pushes, 0.99).as_secs_f64() * 1000.0,
        percentile(&pulls, 0.5).as_secs_f64() * 1000.0,
        percentile(&pulls, 0.99).as_secs_f64() * 1000.0,
    );
    if let Engine::Postgres { url, .. } = &engine {
        runtime.block_on(print_postgres_sizes(url));
    }
    runtime.shutdown_background();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    run("sqlite", Engine::Sqlite(dir.path().join("relay")));
    match std::env::var("MIGRAN_RELAY_PG_URL") {
        Ok(url) if !url.is_empty() => run("postgres", Engine::Postgres { url, pool_size: 16 }),
        _ => println!("postgres: skipped (MIGRAN_RELAY_PG_URL not set)"),
    }
}
