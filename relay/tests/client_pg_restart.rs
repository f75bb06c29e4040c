//! PostgreSQL stopped and restarted under the core's relay client (issue 13): the relay
//! answers `unavailable`, the client retries and then says so, and after the restart
//! the next sync carries on, losing and doubling nothing. Its own test binary, so that
//! stopping the shared cluster cannot disturb the other tests (cargo runs test binaries
//! one after another). Runs when scripts/relay-postgres.sh sets MIGRAN_RELAY_PG_URL and
//! MIGRAN_RELAY_PG_DATA; otherwise prints SKIPPED and passes.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use migran_core::{MigranError, RelayProblem, TeamRole, Vault};
use migran_relay::{open_store, router, Engine, Limits};
use migran_testkit::{fake_person, new_vault, TestClock};

/// The tests of this file stop the one cluster: one at a time.
static CLUSTER: Mutex<()> = Mutex::new(());

/// `pg_ctl -D DATA ARGS` as the cluster's owner.
fn pg_ctl(data: &str, args: &[&str]) {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false);
    let mut command = if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", "pg_ctl"]);
        command
    } else {
        Command::new("pg_ctl")
    };
    let status = command
        .arg("-D")
        .arg(data)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctl {args:?}");
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

#[test]
fn postgres_restarted_under_a_client_loses_and_doubles_nothing() {
    let (Ok(url), Ok(data)) = (
        std::env::var("MIGRAN_RELAY_PG_URL"),
        std::env::var("MIGRAN_RELAY_PG_DATA"),
    ) else {
        eprintln!(
            "SKIPPED: MIGRAN_RELAY_PG_URL / MIGRAN_RELAY_PG_DATA not set (run scripts/relay-postgres.sh)"
        );
        return;
    };
    let _cluster = CLUSTER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let engine = Engine::Postgres { url, pool_size: 2 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = runtime.block_on(open_store(&engine)).unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let relay_url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        axum::serve(listener, router(store.clone(), Limits::default()))
            .await
            .unwrap();
    });

    let root = tempfile::tempdir().unwrap();
    let vaults: Vec<Arc<Vault>> = (0..2)
        .map(|index| {
            new_vault(
                &root.path().join(format!("device{index}")),
                TestClock::at(2027, 1, 4),
            )
        })
        .collect();
    let team = vaults[0].team_create(TeamRole::Officer).unwrap();
    let request = vaults[1].team_join_request().unwrap();
    vaults[1]
        .team_accept(vaults[0].team_admit(request.text, TeamRole::Cadre).unwrap())
        .unwrap();
    vaults[0].sync_with_relay(relay_url.clone(), None).unwrap();
    vaults[1].sync_with_relay(relay_url.clone(), None).unwrap();
    for n in 0..5 {
        vaults[0].add_person(fake_person("Siti Contoh", n)).unwrap();
    }

    // PostgreSQL stops: the relay says `unavailable`, the client retries, then says so.
    pg_ctl(&data, &["-m", "fast", "-w", "stop"]);
    let refused = vaults[0].sync_with_relay(relay_url.clone(), None);
    // Back with the options it had (postmaster.opts), before anything is asserted.
    let log = format!("{data}/../restart.log");
    pg_ctl(&data, &["-w", "-l", &log, "restart"]);
    assert_eq!(
        refused,
        Err(MigranError::RelayFailed {
            problem: RelayProblem::Unavailable
        })
    );

    // The pool reconnects; the next syncs carry everything over, once.
    vaults[0].sync_with_relay(relay_url.clone(), None).unwrap();
    vaults[1].sync_with_relay(relay_url.clone(), None).unwrap();
    assert_eq!(persons(&vaults[1]), 5);
    assert_eq!(
        vaults[1].sync_register_digest().unwrap(),
        vaults[0].sync_register_digest().unwrap()
    );
    let page = runtime
        .block_on(async {
            let store = open_store(&engine).await?;
            store.pull(&team.team_id, 0, 1_000_000, i64::MAX).await
        })
        .unwrap();
    let bodies: HashSet<&Vec<u8>> = page.bundles.iter().map(|bundle| &bundle.body).collect();
    assert_eq!(bodies.len(), page.bundles.len(), "a bundle is in the log twice");
}

/// Watches the relay's answers: counts `503 unavailable` and, once one went out, holds
/// every later request until the test says PostgreSQL is back. So the client's retry is
/// in flight while PostgreSQL restarts, however long the restart takes: no sleep decides
/// the outcome.
struct Gate {
    unavailable: AtomicUsize,
    first: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    restarted: tokio::sync::watch::Receiver<bool>,
}

#[test]
fn postgres_restarted_while_one_sync_retries_that_sync_succeeds() {
    let (Ok(url), Ok(data)) = (
        std::env::var("MIGRAN_RELAY_PG_URL"),
        std::env::var("MIGRAN_RELAY_PG_DATA"),
    ) else {
        eprintln!(
            "SKIPPED: MIGRAN_RELAY_PG_URL / MIGRAN_RELAY_PG_DATA not set (run scripts/relay-postgres.sh)"
        );
        return;
    };
    let _cluster = CLUSTER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let engine = Engine::Postgres { url, pool_size: 2 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = runtime.block_on(open_store(&engine)).unwrap();
    let (first_tx, first_rx) = std::sync::mpsc::channel();
    let (restarted_tx, restarted_rx) = tokio::sync::watch::channel(false);
    let gate = Arc::new(Gate {
        unavailable: AtomicUsize::new(0),
        first: Mutex::new(Some(first_tx)),
        restarted: restarted_rx,
    });
    let watching = gate.clone();
    let app = router(store, Limits::default()).layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let gate = watching.clone();
            async move {
                if gate.unavailable.load(Ordering::SeqCst) > 0 {
                    let mut restarted = gate.restarted.clone();
                    let _ = restarted.wait_for(|back| *back).await;
                }
                let response = next.run(request).await;
                if response.status() == 503 && gate.unavailable.fetch_add(1, Ordering::SeqCst) == 0 {
                    if let Some(first) = gate.first.lock().unwrap().take() {
                        let _ = first.send(());
                    }
                }
                response
            }
        },
    ));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let relay_url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });

    let root = tempfile::tempdir().unwrap();
    let vaults: Vec<Arc<Vault>> = (0..2)
        .map(|index| {
            new_vault(
                &root.path().join(format!("device{index}")),
                TestClock::at(2027, 1, 4),
            )
        })
        .collect();
    let team = vaults[0].team_create(TeamRole::Officer).unwrap();
    let request = vaults[1].team_join_request().unwrap();
    vaults[1]
        .team_accept(vaults[0].team_admit(request.text, TeamRole::Cadre).unwrap())
        .unwrap();
    vaults[0].sync_with_relay(relay_url.clone(), None).unwrap();
    vaults[1].sync_with_relay(relay_url.clone(), None).unwrap();
    for n in 0..5 {
        vaults[0].add_person(fake_person("Siti Contoh", n)).unwrap();
    }

    // PostgreSQL stops; one sync starts and meets `unavailable`.
    pg_ctl(&data, &["-m", "fast", "-w", "stop"]);
    let syncing = {
        let vault = vaults[0].clone();
        let url = relay_url.clone();
        std::thread::spawn(move || vault.sync_with_relay(url, None))
    };
    first_rx.recv().expect("the relay answered unavailable");
    // Restarted while that sync waits to retry (its retry is held until PostgreSQL is up).
    let log = format!("{data}/../restart.log");
    pg_ctl(&data, &["-w", "-l", &log, "restart"]);
    restarted_tx.send(true).unwrap();

    // The same call succeeds: it pulled and pushed after its failed try.
    let summary = syncing.join().unwrap().expect("the retried sync succeeded");
    assert!(gate.unavailable.load(Ordering::SeqCst) >= 1);
    assert_eq!(summary.bundles_pushed, 1, "{summary:?}");
    vaults[1].sync_with_relay(relay_url.clone(), None).unwrap();
    assert_eq!(persons(&vaults[1]), 5);
    assert_eq!(
        vaults[1].sync_register_digest().unwrap(),
        vaults[0].sync_register_digest().unwrap()
    );
    let page = runtime
        .block_on(async {
            let store = open_store(&engine).await?;
            store.pull(&team.team_id, 0, 1_000_000, i64::MAX).await
        })
        .unwrap();
    let bodies: HashSet<&Vec<u8>> = page.bundles.iter().map(|bundle| &bundle.body).collect();
    assert_eq!(bodies.len(), page.bundles.len(), "a bundle is in the log twice");
}
