//! The `migran-relay` binary itself, on both engines (SQLite always, PostgreSQL when
//! MIGRAN_RELAY_PG_URL is set): started with `--listen 127.0.0.1:0` it prints the address
//! the kernel bound, so a script or test can start it without guessing a free port
//! (docs/relay.md#running-it), and that address answers.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use migran_relay::Engine;
use support::*;

on_both_engines!(started_on_port_zero_it_prints_the_bound_address_which_answers);

/// The child relay, killed when dropped (a failed assertion must not leave it running).
struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn started_on_port_zero_it_prints_the_bound_address_which_answers(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_migran-relay"));
    match &engine {
        Engine::Sqlite(dir) => command.arg("--data").arg(dir),
        Engine::Postgres { url, .. } => command.args(["--database", url, "--pool-size", "2"]),
    };
    let mut relay = Relay(
        command
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );

    // Its lines until the one that says where it listens (it binds before saying so).
    let mut stderr = BufReader::new(relay.0.stderr.take().unwrap());
    let mut seen = String::new();
    let addr: SocketAddr = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the relay stopped before listening: {seen}"
        );
        seen.push_str(&line);
        if let Some(rest) = line.trim().split("listening on http://").nth(1) {
            break rest.parse().unwrap_or_else(|err| panic!("{rest:?}: {err}"));
        }
    };
    // Later lines are read and dropped, so that a full pipe never blocks it.
    std::thread::spawn(move || {
        let _ = stderr.read_to_end(&mut Vec::new());
    });
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(
        addr.port(),
        0,
        "the printed address is the requested one, not the bound one"
    );

    let health = reqwest::blocking::get(format!("http://{addr}/v1/health")).unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let body: serde_json::Value = serde_json::from_slice(&health.bytes().unwrap()).unwrap();
    assert_eq!(body["status"], "ok", "{body}");
    // A request the engine answers (the district roll-up is read from the store): a
    // district nobody reported for is the relay's own JSON refusal.
    let district = format!("99.{}", std::process::id());
    let totals = reqwest::blocking::get(format!("http://{addr}/v1/districts/{district}/totals")).unwrap();
    assert_eq!(totals.status().as_u16(), 404);
    let body: serde_json::Value = serde_json::from_slice(&totals.bytes().unwrap()).unwrap();
    assert_eq!(body["code"], "unknown_district", "{body}");
}
