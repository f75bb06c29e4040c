//! `migran report --relay URL --district CODE --village-code CODE ...` on the real binary
//! against a real relay (SQLite, started in the test on 127.0.0.1): the village report's
//! counts go to the district roll-up, a later send replaces the first, refusals exit 8
//! with the reason in both languages. docs/relay.md, docs/cli.md.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[path = "support/relay.rs"]
mod relay;
mod support;

use relay::Relay;
use support::{code, migran, ok, stderr, stdout, PIN};

/// `migran` in Bahasa Indonesia.
fn migran_id(vault: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("MIGRAN_PIN", PIN)
        .env("MIGRAN_LANG", "id")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn submit_args<'a>(url: &'a str, village_code: &'a str, village: &'a str) -> Vec<&'a str> {
    vec![
        "report",
        "--relay",
        url,
        "--district",
        "99.01",
        "--village-code",
        village_code,
        "--village",
        village,
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
    ]
}

#[test]
fn the_village_report_goes_to_its_district_and_refusals_are_said_plainly() {
    let root = tempfile::tempdir().unwrap();
    let relay = Relay::start(&root.path().join("relay"));
    let url = relay.url();
    let vault = root.path().join("officer");
    ok(&vault, &["init", "--kdf-iterations", "10000"]);
    for (name, nik) in [
        ("Siti Contoh", "3201000000000001"),
        ("Budi Contoh", "3201000000000002"),
    ] {
        let added = ok(
            &vault,
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
                "--json",
            ],
        );
        let id = serde_json::from_str::<serde_json::Value>(&added).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        ok(&vault, &["consent", "give", &id, "reporting"]);
    }

    // Not in a team: said plainly, nothing sent.
    let out = migran(&vault, &submit_args(&url, "99.01.01.2001", "Desa Contoh Satu"));
    assert_ne!(code(&out), 0);
    ok(&vault, &["team", "create", "--role", "officer"]);
    // The team not on the relay yet: exit 8, in Bahasa Indonesia by default.
    let out = migran_id(&vault, &submit_args(&url, "99.01.01.2001", "Desa Contoh Satu"));
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("Perangkat pertama tim"), "{}", stderr(&out));
    ok(&vault, &["sync", "--relay", &url]);

    // Accepted: the two counted persons, the first report for the period.
    let mut args = submit_args(&url, "99.01.01.2001", "Desa Contoh Satu");
    args.push("--json");
    let sent: serde_json::Value = serde_json::from_str(&ok(&vault, &args)).unwrap();
    assert_eq!(sent["replaced"], false, "{sent}");
    assert_eq!(sent["people_counted"], 2, "{sent}");
    assert_eq!(sent["district"], "99.01");
    assert_eq!(sent["period_to"], "2026-06-30");
    // Again: it replaces the first (said in both languages).
    let out = migran_id(&vault, &submit_args(&url, "99.01.01.2001", "Desa Contoh Satu"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("menggantikan laporan sebelumnya"),
        "{}",
        stdout(&out)
    );
    let out = migran(&vault, &submit_args(&url, "99.01.01.2001", "Desa Contoh Satu"));
    assert!(
        stdout(&out).contains("sent to district 99.01 (2 persons counted; replacing"),
        "{}",
        stdout(&out)
    );

    // Another village for this team: refused by the relay, exit 8 with the reason.
    let out = migran(&vault, &submit_args(&url, "99.01.01.2002", "Desa Contoh Dua"));
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("another village"), "{}", stderr(&out));
    // Missing a code: a usage error before anything is opened or sent.
    let out = migran(&vault, &["report", "--relay", &url, "--district", "99.01"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--village-code"), "{}", stderr(&out));
    // A relay that is not there: retried, then exit 8.
    drop(relay);
    let out = migran(&vault, &submit_args(&url, "99.01.01.2001", "Desa Contoh Satu"));
    assert_eq!(code(&out), 8);
    assert!(stderr(&out).contains("cannot be reached"), "{}", stderr(&out));
}
