//! Legal blocks on the real binary: a 17-year-old girl going to Saudi Arabia as a
//! domestic worker cannot tick the blocks away nor reach "ready", and the blocks lead
//! what the cadre and the family see.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
mod support;

use support::{code, migran, stderr, stdout};

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = migran(dir, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// A woman born on `birth`, going to `country` as a domestic worker on 2027-03-01.
fn domestic_worker(dir: &Path, nik: &str, birth: &str, country: &str) -> String {
    let added: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh",
            "--nik",
            nik,
            "--birth-date",
            birth,
            "--sex",
            "F",
            "--village",
            "Desa Contoh",
            "--json",
        ],
    ))
    .unwrap();
    let id = added["id"].as_str().unwrap().to_string();
    ok(
        dir,
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "pre-departure",
            "--country",
            country,
            "--sector",
            "prt",
            "--departure",
            "2027-03-01",
        ],
    );
    id
}

fn shown(dir: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["checklist", "show", id, "--json"])).unwrap()
}

#[test]
fn a_17_year_old_domestic_worker_to_saudi_arabia_cannot_tick_the_blocks_away_or_reach_ready() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init", "--kdf-iterations", "10000"]);
    let id = domestic_worker(dir.path(), "3201000000000001", "2009-06-01", "SA");

    let view = shown(dir.path(), &id);
    assert_eq!(
        view["summary"]["legal_blocks"],
        serde_json::json!(["age_not_yet_18", "single_channel_check"])
    );
    assert_eq!(view["summary"]["ready"], false);
    assert_eq!(view["warnings"][0]["kind"], "LegalBlock");
    let text = ok(dir.path(), &["checklist", "show", &id]);
    let first_lines: Vec<&str> = text.lines().take(3).collect();
    assert!(first_lines[0].starts_with("MUST NOT LEAVE"), "{text}");
    assert!(first_lines[1].contains("Not yet 18"), "{text}");

    for (item, state) in [
        ("age_not_yet_18", "done"),
        ("age_not_yet_18", "not-applicable"),
        ("single_channel_check", "not-applicable"),
        ("single_channel_check", "done"),
    ] {
        let out = migran(dir.path(), &["checklist", "set", &id, item, state]);
        assert_eq!(code(&out), 6, "{item} {state}: {}", stderr(&out));
        assert!(stderr(&out).contains("legal block"), "{}", stderr(&out));
    }
    // Every other item done: still not ready.
    for item in view["items"].as_array().unwrap() {
        let item = item["id"].as_str().unwrap();
        if item != "age_not_yet_18" && item != "single_channel_check" {
            ok(dir.path(), &["checklist", "set", &id, item, "done"]);
        }
    }
    let view = shown(dir.path(), &id);
    assert_eq!(view["summary"]["ready"], false);
    assert_eq!(
        view["summary"]["total"].as_u64().unwrap() - view["summary"]["done"].as_u64().unwrap(),
        2
    );
}

#[test]
fn a_moratorium_destination_cannot_be_set_aside_and_the_block_leads_the_family_view() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init", "--kdf-iterations", "10000"]);
    let id = domestic_worker(dir.path(), "3201000000000002", "1998-04-12", "DZ");
    let out = migran(
        dir.path(),
        &["checklist", "set", &id, "moratorium_check", "not-applicable"],
    );
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("moratorium_check"), "{}", stderr(&out));
    ok(dir.path(), &["consent", "give", &id, "family"]);
    let family = ok(dir.path(), &["checklist", "show", &id, "--family"]);
    let lines: Vec<&str> = family.lines().collect();
    assert!(lines[0].starts_with("MUST NOT LEAVE"), "{family}");
    assert!(lines[1].contains("stopped this placement"), "{family}");
}
