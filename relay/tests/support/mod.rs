//! What the relay's tests share: a relay on 127.0.0.1 in its own thread, on either
//! engine; a signing HTTP client; core devices in one team, talking through the relay.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use migran_core::{TeamRole, Vault};
use migran_relay::auth;
use migran_relay::{open_store, router, Engine, Limits};
use migran_testkit::{new_vault, TestClock};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{json, Value};

pub const PG_URL_VAR: &str = "MIGRAN_RELAY_PG_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// The engine of `kind` with its data under `dir`; `None` for PostgreSQL when
/// `MIGRAN_RELAY_PG_URL` is not set (scripts/relay-postgres.sh sets it).
pub fn engine(kind: Kind, dir: &Path) -> Option<Engine> {
    match kind {
        Kind::Sqlite => Some(Engine::Sqlite(dir.join("relay-data"))),
        Kind::Postgres => match std::env::var(PG_URL_VAR) {
            Ok(url) if !url.is_empty() => Some(Engine::Postgres { url, pool_size: 4 }),
            _ => {
                eprintln!("SKIPPED on PostgreSQL: {PG_URL_VAR} is not set (run scripts/relay-postgres.sh)");
                None
            }
        },
    }
}

/// Runs `$name(kind)` as `sqlite::$name` and `postgres::$name`: the same body on both.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(super::support::Kind::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::support::Kind::Postgres) } )*
        }
    };
}

/// A relay serving on 127.0.0.1 (a free port) until dropped.
pub struct TestRelay {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestRelay {
    pub fn start(engine: &Engine, limits: Limits) -> TestRelay {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let engine = engine.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = open_store(&engine).await.expect("relay storage opened");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, router(store, limits))
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = ready_rx.recv().expect("relay started");
        TestRelay {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

pub fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).unwrap();
    buf.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    SystemRandom::new().fill(&mut buf).unwrap();
    buf
}

pub fn new_key() -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
}

pub fn public_key_b64(key: &Ed25519KeyPair) -> String {
    BASE64.encode(key.public_key().as_ref())
}

/// An answer: the status and the JSON body (every answer of the relay is JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    /// Asserts a refusal with `code`, `status` and both messages.
    pub fn assert_refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "answer: {:?}",
            self.json
        );
        let id = self.json["message_id"].as_str().unwrap();
        let en = self.json["message_en"].as_str().unwrap();
        assert!(!id.is_empty() && !en.is_empty() && id != en, "{:?}", self.json);
    }
}

/// A device's side of the relay protocol: its key, its id, its team.
pub struct RelayClient {
    pub base: String,
    pub http: reqwest::blocking::Client,
    pub key: Ed25519KeyPair,
    pub device_id: String,
    pub team_id: String,
}

/// How to sign one request; the tests change one part at a time.
pub struct Signing<'a> {
    pub key: &'a Ed25519KeyPair,
    pub timestamp: i64,
    pub nonce: String,
}

impl RelayClient {
    pub fn new(base: &str, team_id: &str, device_id: &str) -> RelayClient {
        RelayClient {
            base: base.to_owned(),
            // No kept-alive connections: a stopped relay must not wait on idle ones.
            http: reqwest::blocking::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            key: new_key(),
            device_id: device_id.to_owned(),
            team_id: team_id.to_owned(),
        }
    }

    pub fn signing(&self) -> Signing<'_> {
        Signing {
            key: &self.key,
            timestamp: unix_now(),
            nonce: random_text(16),
        }
    }

    /// A request signed as `signing` says, with the headers the signature was made for.
    pub fn send_signed(&self, method: &str, path: &str, body: Vec<u8>, signing: Signing<'_>) -> Answer {
        let headers = auth::sign(
            signing.key,
            &self.device_id,
            method,
            path,
            &body,
            signing.timestamp,
            &signing.nonce,
        );
        self.send_with(method, path, body, &headers.pairs())
    }

    pub fn send_with(&self, method: &str, path: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().expect("the relay answered");
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Answer { status, json }
    }

    pub fn send(&self, method: &str, path: &str, body: Vec<u8>) -> Answer {
        self.send_signed(method, path, body, self.signing())
    }

    pub fn register_team(&self) -> Answer {
        let body = json!({
            "team_id": self.team_id,
            "device_id": self.device_id,
            "public_key": public_key_b64(&self.key),
        });
        self.send("POST", "/v1/teams", serde_json::to_vec(&body).unwrap())
    }

    pub fn enrol(&self, other: &RelayClient) -> Answer {
        let body = json!({ "device_id": other.device_id, "public_key": public_key_b64(&other.key) });
        self.send(
            "POST",
            &format!("/v1/teams/{}/devices", self.team_id),
            serde_json::to_vec(&body).unwrap(),
        )
    }

    pub fn remove(&self, device_id: &str) -> Answer {
        self.send(
            "DELETE",
            &format!("/v1/teams/{}/devices/{device_id}", self.team_id),
            Vec::new(),
        )
    }

    pub fn push(&self, bundle: Vec<u8>) -> Answer {
        self.send("POST", &format!("/v1/teams/{}/bundles", self.team_id), bundle)
    }

    pub fn pull_page(&self, after: i64, limit: i64) -> Answer {
        self.send(
            "GET",
            &format!("/v1/teams/{}/bundles?after={after}&limit={limit}", self.team_id),
            Vec::new(),
        )
    }

    /// Every bundle after `after`, page by page: (seq, device id, body) and the number of
    /// pages it took.
    pub fn pull_all(&self, after: i64, limit: i64) -> (Vec<(i64, String, Vec<u8>)>, usize) {
        let mut cursor = after;
        let mut bundles = Vec::new();
        let mut pages = 0;
        loop {
            let answer = self.pull_page(cursor, limit);
            assert_eq!(answer.status, 200, "{:?}", answer.json);
            pages += 1;
            for bundle in answer.json["bundles"].as_array().unwrap() {
                let seq = bundle["seq"].as_i64().unwrap();
                assert!(seq > cursor, "the log goes forward");
                cursor = seq;
                bundles.push((
                    seq,
                    bundle["device_id"].as_str().unwrap().to_owned(),
                    BASE64.decode(bundle["body"].as_str().unwrap()).unwrap(),
                ));
            }
            if !answer.json["more"].as_bool().unwrap() {
                return (bundles, pages);
            }
        }
    }
}

/// A core device (its own vault and clock) with its relay client and its cursor.
pub struct Device {
    pub vault: Arc<Vault>,
    pub clock: Arc<TestClock>,
    pub id: String,
    pub dir: PathBuf,
    pub relay: RelayClient,
    pub cursor: i64,
}

impl Device {
    /// Writes a bundle for the whole team and pushes it.
    pub fn push_news(&self) -> i64 {
        let bundle = self.vault.sync_export(None).unwrap();
        let answer = self.relay.push(bundle);
        assert_eq!(answer.status, 201, "{:?}", answer.json);
        answer.json["seq"].as_i64().unwrap()
    }

    /// Pulls everything after its cursor (pages of `limit`) and imports the others'
    /// bundles in log order; returns (bundles imported, pages).
    pub fn pull_news(&mut self, limit: i64) -> (usize, usize) {
        let (bundles, pages) = self.relay.pull_all(self.cursor, limit);
        let mut imported = 0;
        for (seq, sender, body) in bundles {
            if sender != self.id {
                self.vault.sync_import(body).unwrap();
                imported += 1;
            }
            self.cursor = seq;
        }
        (imported, pages)
    }

    pub fn digest(&self) -> String {
        self.vault.sync_register_digest().unwrap()
    }
}

/// A core team of `n` devices (made with team_create / team_join_request / team_admit /
/// team_accept), registered on the relay at `base` by the first, which enrols the others.
pub fn core_team(root: &Path, base: &str, n: usize) -> Vec<Device> {
    let mut devices: Vec<Device> = (0..n)
        .map(|index| {
            let dir = root.join(format!("device{index}"));
            let clock = TestClock::at(2027, 1, 4);
            clock.advance(chrono::Duration::minutes(index as i64 * 7));
            let vault = new_vault(&dir, clock.clone());
            let id = vault.sync_status().unwrap().device_id;
            Device {
                relay: RelayClient::new(base, "", &id),
                vault,
                clock,
                id,
                dir,
                cursor: 0,
            }
        })
        .collect();
    let team = devices[0].vault.team_create(TeamRole::Officer).unwrap();
    for joining in devices.iter().skip(1) {
        let request = joining.vault.team_join_request().unwrap();
        let admission = devices[0]
            .vault
            .team_admit(request.text, TeamRole::Cadre)
            .unwrap();
        joining.vault.team_accept(admission).unwrap();
    }
    for device in devices.iter_mut() {
        device.relay.team_id = team.team_id.clone();
    }
    let answer = devices[0].relay.register_team();
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    for other in devices.iter().skip(1) {
        let answer = devices[0].relay.enrol(&other.relay);
        assert_eq!(answer.status, 201, "{:?}", answer.json);
    }
    devices
}
