//! `migran sync --relay URL` on the real binary against a real relay (SQLite, started in
//! the test on 127.0.0.1): two vaults made and joined with the CLI converge through it.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

#[path = "support/relay.rs"]
mod relay;
mod support;

use relay::Relay;
use support::{code, migran, ok, stderr, stdout, PIN};

/// `migran` with the PIN and the language given.
fn migran_with(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_migran"));
    command
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "en")
        .stdin(std::process::Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn json(vault: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(vault, &args)).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn digest(vault: &Path) -> String {
    json(vault, &["sync", "status"])["register_digest"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An officer's vault and a cadre's, in one team made with the CLI.
fn team(root: &Path) -> (PathBuf, PathBuf) {
    let (officer, cadre) = (root.join("officer"), root.join("cadre"));
    for vault in [&officer, &cadre] {
        ok(vault, &["init", "--kdf-iterations", "10000"]);
    }
    ok(&officer, &["team", "create", "--role", "officer"]);
    let request = root.join("request.txt");
    let asked = json(&cadre, &["team", "join", "--out", path(&request)]);
    let answer = root.join("answer.txt");
    ok(
        &officer,
        &[
            "team",
            "admit",
            path(&request),
            "--fingerprint",
            asked["fingerprint"].as_str().unwrap(),
            "--out",
            path(&answer),
        ],
    );
    ok(&cadre, &["team", "join", path(&answer)]);
    (officer, cadre)
}

fn add_person(vault: &Path, name: &str, nik: &str) {
    ok(
        vault,
        &[
            "person",
            "add",
            "--name",
            name,
            "--nik",
            nik,
            "--birth-date",
            "1998-04-12",
            "--sex",
            "P",
            "--village",
            "Desa Contoh",
        ],
    );
}

#[test]
fn two_vaults_converge_with_sync_relay_and_its_messages_are_in_both_languages() {
    let root = tempfile::tempdir().unwrap();
    let relay = Relay::start(&root.path().join("relay"));
    let url = relay.url();
    let (officer, cadre) = team(root.path());
    add_person(&officer, "Siti Contoh", "3201000000000001");
    add_person(&cadre, "Budi Contoh", "3201000000000002");

    // The cadre first: the team is not on the relay yet (exit 8, said plainly).
    let out = migran_with(&cadre, &["sync", "--relay", &url], &[("MIGRAN_LANG", "id")]);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("Perangkat pertama tim"), "{}", stderr(&out));

    let first = json(&officer, &["sync", "--relay", &url]);
    assert_eq!(first["registered_team"], true, "{first}");
    assert_eq!(first["devices_enrolled"], 1);
    assert_eq!(first["bundles_pushed"], 1);
    // Not a terminal: the progress comes as plain lines on standard error.
    let out = migran(&cadre, &["sync", "--relay", &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Synced with the relay: 1 bundles sent; 1 received"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("Receiving: 1/1"), "{}", stderr(&out));
    assert!(!stderr(&out).contains('\r'), "no bar drawn into a log");
    let out = migran_with(&officer, &["sync", "--relay", &url], &[("MIGRAN_LANG", "id")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("Sinkron dengan relay"), "{}", stdout(&out));
    assert_eq!(digest(&officer), digest(&cadre));
    let found = json(&cadre, &["person", "find", "--nik", "3201000000000001"]);
    assert!(found.to_string().contains("Siti Contoh"), "{found}");

    // Plain HTTP to another machine is refused before anything is sent (exit 8).
    let out = migran(&officer, &["sync", "--relay", "http://relay.desa-contoh.example"]);
    assert_eq!(code(&out), 8);
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
    // A relay that is not there: retried, then exit 8 with the reason.
    drop(relay);
    let out = migran(&officer, &["sync", "--relay", &url]);
    assert_eq!(code(&out), 8);
    assert!(stderr(&out).contains("cannot be reached"), "{}", stderr(&out));
}
