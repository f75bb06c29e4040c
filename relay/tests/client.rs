//! The core's relay client (`Vault::sync_with_relay`) against the real relay over HTTP on
//! 127.0.0.1, on both engines (PostgreSQL when MIGRAN_RELAY_PG_URL is set). Every request
//! is signed by the core with the device's own key: the relay accepting them is the
//! check that both build the signed message byte for byte alike. docs/relay.md.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use migran_core::{
    MigranError, RelayProblem, RelaySyncListener, RelaySyncStage, RelaySyncSummary, TeamRole, Vault,
};
use migran_relay::{open_store, router, Engine, Limits};
use migran_testkit::{fake_person, new_vault, TestClock};
use support::{engine, Kind};

on_both_engines!(
    three_devices_converge_with_sync_with_relay,
    a_device_offline_for_long_catches_up_in_pages,
    connections_cut_mid_push_and_mid_pull_lose_and_double_nothing,
    a_relay_restarted_on_the_same_data_loses_and_doubles_nothing,
    a_team_id_registered_by_someone_else_is_said_plainly,
    a_new_relay_at_the_same_address_gets_the_team_again,
);

/// A relay on 127.0.0.1 (on `port`, or a free one) until dropped.
struct Relay {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    fn start(engine: &Engine, port: u16) -> Relay {
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
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
                ready_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, router(store, Limits::default()))
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = ready_rx.recv().expect("relay started");
        Relay {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Every bundle in the team's log, read from the engine itself (not through the API).
fn relay_log(engine: &Engine, team_id: &str) -> Vec<(i64, String, Vec<u8>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = open_store(engine).await.unwrap();
        let page = store.pull(team_id, 0, 1_000_000, i64::MAX).await.unwrap();
        page.bundles
            .into_iter()
            .map(|bundle| (bundle.seq, bundle.device_id, bundle.body))
            .collect()
    })
}

/// The log holds no bundle twice and its numbers are 1, 2, 3, ... without a gap.
fn assert_log_has_no_duplicate(engine: &Engine, team_id: &str) -> usize {
    let log = relay_log(engine, team_id);
    let bodies: HashSet<&Vec<u8>> = log.iter().map(|(_, _, body)| body).collect();
    assert_eq!(bodies.len(), log.len(), "a bundle is in the log twice");
    for (index, (seq, _, _)) in log.iter().enumerate() {
        assert_eq!(*seq, index as i64 + 1);
    }
    log.len()
}

/// Core vaults in one team (created, join request, admitted, accepted): none of them
/// registered on the relay; `sync_with_relay` does that.
fn core_team(root: &Path, n: usize) -> (Vec<Arc<Vault>>, String) {
    let vaults: Vec<Arc<Vault>> = (0..n)
        .map(|index| {
            let clock = TestClock::at(2027, 1, 4);
            clock.advance(chrono::Duration::minutes(index as i64 * 7));
            new_vault(&root.join(format!("device{index}")), clock)
        })
        .collect();
    let team = vaults[0].team_create(TeamRole::Officer).unwrap();
    for joining in vaults.iter().skip(1) {
        let request = joining.team_join_request().unwrap();
        let admission = vaults[0].team_admit(request.text, TeamRole::Cadre).unwrap();
        joining.team_accept(admission).unwrap();
    }
    (vaults, team.team_id)
}

fn sync(vault: &Vault, url: &str) -> RelaySyncSummary {
    vault
        .sync_with_relay(url.to_string(), None)
        .unwrap_or_else(|err| panic!("sync failed: {err:?}"))
}

fn digest(vault: &Vault) -> String {
    vault.sync_register_digest().unwrap()
}

fn persons(vault: &Vault) -> u32 {
    vault
        .list_persons(
            migran_core::PageRequest {
                offset: 0,
                limit: 1000,
            },
            true,
        )
        .unwrap()
        .total
}

fn add_people(vault: &Vault, first: u32, count: u32) {
    for n in first..first + count {
        vault.add_person(fake_person("Siti Contoh", n)).unwrap();
    }
}

fn three_devices_converge_with_sync_with_relay(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = Relay::start(&engine, 0);
    let url = relay.url();
    let (devices, team_id) = core_team(root.path(), 3);

    // A cadre before the team's first device: the relay does not know the team yet.
    assert_eq!(
        devices[1].sync_with_relay(url.clone(), None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::TeamNotRegistered
        })
    );

    add_people(&devices[0], 1, 2);
    add_people(&devices[1], 10, 2);
    add_people(&devices[2], 20, 2);
    let first = sync(&devices[0], &url);
    assert!(first.registered_team);
    assert_eq!(first.devices_enrolled, 2);
    assert_eq!(first.bundles_pushed, 1);
    for _round in 0..2 {
        for device in &devices {
            sync(device, &url);
        }
    }
    let expected = digest(&devices[0]);
    for (index, device) in devices.iter().enumerate() {
        assert_eq!(digest(device), expected, "device {index} differs");
        assert_eq!(persons(device), 6);
    }
    // The news settles: soon a round of syncs pushes nothing (a device pushes only
    // when it holds something it has not sent), and after it nothing is left to pull.
    let mut rounds_to_quiet = 0;
    while (0..devices.len()).any(|index| sync(&devices[index], &url).bundles_pushed > 0) {
        rounds_to_quiet += 1;
        assert!(rounds_to_quiet < 3, "the team keeps pushing");
    }
    for device in &devices {
        let quiet = sync(device, &url);
        // Nothing pulled again either: the cursor was kept with each import.
        assert_eq!(
            (quiet.bundles_pushed, quiet.bundles_pulled, quiet.bundles_skipped),
            (0, 0, 0),
            "{quiet:?}"
        );
    }

    // A removed device is refused by the relay too, after a member's next sync.
    devices[0]
        .team_remove(devices[2].sync_status().unwrap().device_id)
        .unwrap();
    let removal = sync(&devices[0], &url);
    assert_eq!(removal.devices_removed, 1);
    assert_eq!(
        devices[2].sync_with_relay(url.clone(), None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::RemovedDevice
        })
    );
    sync(&devices[1], &url);
    assert_eq!(digest(&devices[1]), digest(&devices[0]));
    assert_log_has_no_duplicate(&engine, &team_id);
}

/// Remembers every progress call.
#[derive(Default)]
struct Progress(Mutex<Vec<(RelaySyncStage, u32, u32)>>);

impl RelaySyncListener for Progress {
    fn on_progress(&self, stage: RelaySyncStage, done: u32, total: u32) -> Result<(), MigranError> {
        self.0.lock().unwrap().push((stage, done, total));
        Ok(())
    }
}

fn a_device_offline_for_long_catches_up_in_pages(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = Relay::start(&engine, 0);
    let url = relay.url();
    let (devices, team_id) = core_team(root.path(), 3);
    sync(&devices[0], &url);
    sync(&devices[2], &url);

    // Devices 0 and 1 work for a long time (more bundles than one page holds); device 2
    // is away.
    for n in 0..55u32 {
        for (index, device) in devices.iter().take(2).enumerate() {
            add_people(device, 100 + n * 2 + index as u32, 1);
            assert_eq!(sync(device, &url).bundles_pushed, 1);
        }
    }
    let progress = Arc::new(Progress::default());
    let listener: Arc<dyn RelaySyncListener> = progress.clone();
    let summary = devices[2].sync_with_relay(url.clone(), Some(listener)).unwrap();
    // 110 bundles of the others (and its own news pushed after them).
    assert_eq!(summary.bundles_pulled, 110, "{summary:?}");
    assert_eq!(summary.bundles_pushed, 1);
    let log_length = assert_log_has_no_duplicate(&engine, &team_id) as u64;
    assert_eq!(summary.cursor, log_length);
    sync(&devices[0], &url);
    sync(&devices[1], &url);
    assert_eq!(digest(&devices[2]), digest(&devices[0]));
    assert_eq!(digest(&devices[1]), digest(&devices[0]));
    assert_eq!(persons(&devices[2]), 110);

    // The progress counted up to the 110 news, in two pages: a page starts with a call
    // that repeats where the previous one ended.
    let calls = progress.0.lock().unwrap().clone();
    let pulling: Vec<(u32, u32)> = calls
        .iter()
        .filter(|(stage, _, total)| *stage == RelaySyncStage::Pulling && *total == 110)
        .map(|(_, done, total)| (*done, *total))
        .collect();
    assert_eq!(pulling.first(), Some(&(0, 110)));
    assert_eq!(pulling.last(), Some(&(110, 110)));
    assert!(
        pulling.windows(2).all(|pair| pair[1].0 >= pair[0].0),
        "{pulling:?}"
    );
    let page_starts = pulling.windows(2).filter(|pair| pair[0] == pair[1]).count() + 1;
    assert_eq!(page_starts, 2, "110 bundles in pages of 100");
}

/// How the proxy breaks the next connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    None,
    /// Closes a connection once this many request bytes went through: a push cut off in
    /// its body, never stored.
    RequestAfter(usize),
    /// Forwards the whole request but drops its answer: a push stored whose answer was
    /// lost.
    AnswerAfterRequest(usize),
    /// Closes a connection once this many answer bytes went through: a page cut off.
    AnswerAfter(usize),
    /// Answers `503 unavailable` itself, as the relay does when its database is down
    /// (a PostgreSQL restart).
    Unavailable,
}

/// A TCP proxy in front of the relay that breaks connections as told, `budget` times.
struct Proxy {
    addr: SocketAddr,
    cut: Arc<Mutex<Cut>>,
    budget: Arc<AtomicU32>,
    cuts_made: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            cut: Arc::new(Mutex::new(Cut::None)),
            budget: Arc::new(AtomicU32::new(0)),
            cuts_made: Arc::new(AtomicUsize::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (cut, budget, cuts_made, stop) = (
            proxy.cut.clone(),
            proxy.budget.clone(),
            proxy.cuts_made.clone(),
            proxy.stop.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut client) = client else { continue };
                let mode = *cut.lock().unwrap();
                let busy = mode == Cut::Unavailable
                    && budget
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
                        .is_ok();
                if busy {
                    cuts_made.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"code":"unavailable","message_id":"Layanan sedang tidak tersedia.","message_en":"The service is unavailable."}"#;
                    let _ = write!(
                        client,
                        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 0\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = client.shutdown(Shutdown::Write);
                    // The request is read and dropped, so that closing does not reset it.
                    let _ = std::io::copy(&mut client, &mut std::io::sink());
                    continue;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let connection = Arc::new(Connection {
                    mode,
                    budget: budget.clone(),
                    cuts_made: cuts_made.clone(),
                    cut: AtomicBool::new(false),
                    drop_answers: AtomicBool::new(false),
                    client: client.try_clone().unwrap(),
                    server: server.try_clone().unwrap(),
                });
                let up = connection.clone();
                let (mut from_client, mut to_server) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || up.pump(&mut from_client, &mut to_server, true));
                let down = connection;
                let (mut from_server, mut to_client) = (server, client);
                std::thread::spawn(move || down.pump(&mut from_server, &mut to_client, false));
            }
        });
        proxy
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn set(&self, cut: Cut, budget: u32) {
        *self.cut.lock().unwrap() = cut;
        self.budget.store(budget, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

struct Connection {
    mode: Cut,
    budget: Arc<AtomicU32>,
    cuts_made: Arc<AtomicUsize>,
    cut: AtomicBool,
    drop_answers: AtomicBool,
    client: TcpStream,
    server: TcpStream,
}

impl Connection {
    /// Takes one cut from the budget for this connection (once).
    fn take_cut(&self) -> bool {
        if self.cut.swap(true, Ordering::SeqCst) {
            return true;
        }
        let taken = self
            .budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
            .is_ok();
        if taken {
            self.cuts_made.fetch_add(1, Ordering::SeqCst);
        } else {
            self.cut.store(false, Ordering::SeqCst);
        }
        taken
    }

    fn close(&self) {
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.server.shutdown(Shutdown::Both);
    }

    fn pump(&self, from: &mut TcpStream, to: &mut TcpStream, request: bool) {
        let mut buf = vec![0u8; 4096];
        let mut passed = 0usize;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => {
                    self.close();
                    return;
                }
                Ok(n) => n,
            };
            let mut send = n;
            match (self.mode, request) {
                (Cut::RequestAfter(limit), true) if passed + n >= limit && self.take_cut() => {
                    send = limit.saturating_sub(passed);
                    let _ = to.write_all(&buf[..send]);
                    self.close();
                    return;
                }
                (Cut::AnswerAfterRequest(limit), true) if passed + n >= limit && self.take_cut() => {
                    // Set before the request's last bytes reach the relay: its answer
                    // comes after them.
                    self.drop_answers.store(true, Ordering::SeqCst);
                }
                (Cut::AnswerAfter(limit), false) if passed + n >= limit && self.take_cut() => {
                    send = limit.saturating_sub(passed);
                    let _ = to.write_all(&buf[..send]);
                    self.close();
                    return;
                }
                _ => {}
            }
            if !request && self.drop_answers.load(Ordering::SeqCst) {
                self.close();
                return;
            }
            passed += send;
            if to.write_all(&buf[..send]).is_err() {
                self.close();
                return;
            }
        }
    }
}

fn connections_cut_mid_push_and_mid_pull_lose_and_double_nothing(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = Relay::start(&engine, 0);
    let proxy = Proxy::start(relay.addr);
    let url = proxy.url();
    let (devices, team_id) = core_team(root.path(), 2);
    sync(&devices[0], &url);
    sync(&devices[1], &url);
    // Bundles of tens of KB, so that only pushes pass 8 KB of request and only pages
    // with bundles pass 2 KB of answer.
    add_people(&devices[0], 1, 20);

    // A push cut off in its body, then one whose answer is lost: each retried within
    // the same sync, with the same bytes; the relay keeps each bundle once.
    proxy.set(Cut::RequestAfter(8 * 1024), 1);
    assert_eq!(sync(&devices[0], &url).bundles_pushed, 1);
    assert_eq!(proxy.cuts_made.load(Ordering::SeqCst), 1);
    add_people(&devices[0], 30, 20);
    proxy.set(Cut::AnswerAfterRequest(8 * 1024), 1);
    assert_eq!(sync(&devices[0], &url).bundles_pushed, 1);
    assert_eq!(proxy.cuts_made.load(Ordering::SeqCst), 2);
    let log_before = assert_log_has_no_duplicate(&engine, &team_id);

    // The relay's database unavailable for a moment (503 three times): retried, then
    // done within the same sync.
    add_people(&devices[0], 60, 1);
    proxy.set(Cut::Unavailable, 3);
    assert_eq!(sync(&devices[0], &url).bundles_pushed, 1);
    assert_eq!(proxy.cuts_made.load(Ordering::SeqCst), 5);
    // Unavailable for longer than the retries: a typed error, and the next sync works.
    add_people(&devices[0], 70, 1);
    proxy.set(Cut::Unavailable, 1000);
    assert_eq!(
        devices[0].sync_with_relay(url.clone(), None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::Unavailable
        })
    );
    proxy.set(Cut::None, 0);
    assert_eq!(sync(&devices[0], &url).bundles_pushed, 1);
    let log_before = log_before + 2;

    // Pages cut off every time: the sync gives up with a typed error after its retries
    // and nothing half-received is applied ...
    proxy.set(Cut::AnswerAfter(2 * 1024), 1000);
    let before = digest(&devices[1]);
    assert_eq!(
        devices[1].sync_with_relay(url.clone(), None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::Unreachable
        })
    );
    assert_eq!(digest(&devices[1]), before);
    // ... and the next sync, on a connection that holds, brings everything once.
    proxy.set(Cut::None, 0);
    let summary = sync(&devices[1], &url);
    assert_eq!(summary.bundles_pulled, 4, "{summary:?}");
    sync(&devices[0], &url);
    assert_eq!(digest(&devices[1]), digest(&devices[0]));
    assert_eq!(persons(&devices[1]), 42);
    assert_eq!(assert_log_has_no_duplicate(&engine, &team_id), log_before + 1);
}

fn a_relay_restarted_on_the_same_data_loses_and_doubles_nothing(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = Relay::start(&engine, 0);
    let url = relay.url();
    let port = relay.addr.port();
    let (devices, team_id) = core_team(root.path(), 2);
    sync(&devices[0], &url);
    sync(&devices[1], &url);
    add_people(&devices[0], 1, 5);
    add_people(&devices[1], 10, 5);

    // The relay is gone: the sync retries, then says so, in both languages.
    drop(relay);
    let err = devices[0].sync_with_relay(url.clone(), None).unwrap_err();
    assert_eq!(
        err,
        MigranError::RelayFailed {
            problem: RelayProblem::Unreachable
        }
    );
    let id = migran_core::error_message(err.clone(), migran_core::Locale::Id);
    let en = migran_core::error_message(err, migran_core::Locale::En);
    assert!(
        id.contains("relay") && en.contains("relay") && id != en,
        "{id} / {en}"
    );

    // Back on the same port and data: the next syncs carry on where they stood.
    let _relay = Relay::start(&engine, port);
    sync(&devices[0], &url);
    sync(&devices[1], &url);
    sync(&devices[0], &url);
    assert_eq!(digest(&devices[1]), digest(&devices[0]));
    assert_eq!(persons(&devices[0]), 10);
    assert_log_has_no_duplicate(&engine, &team_id);
}

fn a_team_id_registered_by_someone_else_is_said_plainly(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = Relay::start(&engine, 0);
    let url = relay.url();
    let (devices, team_id) = core_team(root.path(), 2);
    // Somebody who saw the team id (on a bundle's header) registers it with their key.
    let squatter = support::RelayClient::new(&url, &team_id, "squatter");
    assert_eq!(squatter.register_team().status, 201);
    assert_eq!(
        devices[0].sync_with_relay(url.clone(), None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::TeamTaken
        })
    );
    // A cadre is simply not enrolled there.
    assert_eq!(
        devices[1].sync_with_relay(url, None),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::NotEnrolled
        })
    );
}

fn a_new_relay_at_the_same_address_gets_the_team_again(kind: Kind) {
    if kind == Kind::Postgres {
        eprintln!("SKIPPED on PostgreSQL: a new relay is a new SQLite folder here");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let (first_engine, second_engine) = (
        Engine::Sqlite(root.path().join("first")),
        Engine::Sqlite(root.path().join("second")),
    );
    let relay = Relay::start(&first_engine, 0);
    let (url, port) = (relay.url(), relay.addr.port());
    let (devices, team_id) = core_team(root.path(), 2);
    add_people(&devices[0], 1, 3);
    sync(&devices[0], &url);
    sync(&devices[1], &url);
    drop(relay);

    // An empty relay at the same address: the first device registers the team again,
    // enrols the cadre again and pushes everything from the start.
    let _relay = Relay::start(&second_engine, port);
    let again = sync(&devices[0], &url);
    assert!(again.registered_team, "{again:?}");
    assert_eq!(
        (again.devices_enrolled, again.bundles_pushed),
        (1, 1),
        "{again:?}"
    );
    add_people(&devices[1], 10, 2);
    sync(&devices[1], &url);
    sync(&devices[0], &url);
    assert_eq!(persons(&devices[0]), 5);
    assert_eq!(digest(&devices[1]), digest(&devices[0]));
    assert_log_has_no_duplicate(&second_engine, &team_id);
}
