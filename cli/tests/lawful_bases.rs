//! Lawful bases and placement facts on the real binary: a child's consent given by a
//! parent, a referral in an emergency without consent (the danger recorded, the person
//! told afterwards, both in their export), and the placement facts the legal blocks read.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
mod support;

use chrono::Datelike;
use serde_json::Value;
use support::{code, migran, stderr, stdout};

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = migran(dir, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

/// A day `years` before today (and `days` after), as the command reads dates: the tests
/// must hold whatever the real date is (CI runs them again with the clock moved ahead).
fn from_today(years: i32, days: i64) -> String {
    let today = chrono::Local::now().date_naive();
    let shifted = today
        .with_year(today.year() - years)
        .unwrap_or_else(|| today - chrono::Duration::days(365 * i64::from(years)));
    (shifted + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A fresh vault with one woman `age` years old, leaving for Malaysia as a domestic
/// worker in half a year.
fn vault_with(age: i32) -> (tempfile::TempDir, String) {
    let birth = from_today(age, -30);
    let departure = from_today(0, 180);
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init", "--kdf-iterations", "10000"]);
    let added = json(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh",
            "--nik",
            "3201000000000001",
            "--birth-date",
            &birth,
            "--sex",
            "F",
            "--village",
            "Desa Contoh",
        ],
    );
    let id = added["id"].as_str().unwrap().to_string();
    ok(
        dir.path(),
        &[
            "journey",
            "set",
            &id,
            "--phase",
            "pre-departure",
            "--country",
            "MY",
            "--sector",
            "prt",
            "--departure",
            &departure,
        ],
    );
    (dir, id)
}

#[test]
fn a_childs_consent_is_given_by_a_parent_named_on_the_command_line() {
    let (dir, id) = vault_with(15);

    let refused = migran(dir.path(), &["consent", "give", &id, "family"]);
    assert_eq!(code(&refused), 6, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--given-by NAME --relationship"),
        "{}",
        stderr(&refused)
    );

    // Half of the pair is a usage error, and nothing is recorded.
    let half = migran(
        dir.path(),
        &["consent", "give", &id, "family", "--given-by", "Ibu Contoh"],
    );
    assert_eq!(code(&half), 2, "{}", stderr(&half));

    let out = ok(
        dir.path(),
        &[
            "consent",
            "give",
            &id,
            "family",
            "--given-by",
            "Ibu Contoh",
            "--relationship",
            "ibu",
        ],
    );
    assert!(out.contains("by Ibu Contoh"), "{out}");
    let history = json(dir.path(), &["consent", "history", &id]);
    let family: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["purpose"] == "share_with_family")
        .collect();
    assert_eq!(family.len(), 1, "{history}");
    assert_eq!(family[0]["given_by"]["name"], "Ibu Contoh");
    assert_eq!(family[0]["given_by"]["relationship"], "parent");
    // The family's view needed that consent.
    ok(dir.path(), &["checklist", "show", &id, "--family"]);
}

#[test]
fn an_emergency_referral_without_consent_is_recorded_told_and_exported() {
    let (dir, id) = vault_with(28);
    let case = json(
        dir.path(),
        &[
            "case",
            "open",
            &id,
            "--type",
            "dokumen-ditahan",
            "--description",
            "Disekap majikan",
            "--reported-by",
            "keluarga",
        ],
    );
    let case_id = case["id"].as_str().unwrap().to_string();

    let refused = migran(dir.path(), &["case", "refer", &case_id, "police"]);
    assert_eq!(code(&refused), 6, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--emergency-reason"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        json(dir.path(), &["consent", "processing", &id]),
        serde_json::json!([])
    );

    ok(
        dir.path(),
        &[
            "case",
            "refer",
            &case_id,
            "police",
            "--emergency-reason",
            "Disekap, tidak bisa menelepon",
        ],
    );
    let records = json(dir.path(), &["consent", "processing", &id]);
    assert_eq!(records.as_array().unwrap().len(), 1, "{records}");
    assert_eq!(records[0]["basis"], "vital_interest");
    assert_eq!(records[0]["reason"], "Disekap, tidak bisa menelepon");
    assert_eq!(records[0]["person_told_on"], Value::Null);
    let listed = ok(dir.path(), &["consent", "processing", &id]);
    assert!(listed.contains("migran consent told"), "{listed}");

    let record_id = records[0]["id"].as_str().unwrap().to_string();
    ok(dir.path(), &["consent", "told", &record_id]);
    let told = json(dir.path(), &["consent", "processing", &id]);
    assert!(told[0]["person_told_on"].is_string(), "{told}");

    let export: Value = serde_json::from_str(&ok(dir.path(), &["person", "export", &id])).unwrap();
    assert_eq!(export["processing_without_consent"], told, "{export}");
}

#[test]
fn placement_facts_change_only_what_is_given_and_drive_the_fee_block() {
    let (dir, id) = vault_with(28);
    let blocks = |view: &Value| -> Vec<String> {
        view["legal_blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["item_id"].as_str().unwrap().to_string())
            .collect()
    };

    let charged = json(
        dir.path(),
        &["checklist", "placement", &id, "--fee-charged", "ya"],
    );
    assert_eq!(charged["fee_charged"], true);
    assert!(
        blocks(&charged).contains(&"placement_fee_charged".to_string()),
        "{charged}"
    );
    assert_eq!(charged["ready"], false);

    // Another fact given alone keeps the fee on record.
    let channel = json(
        dir.path(),
        &["checklist", "placement", &id, "--official-channel", "yes"],
    );
    assert_eq!(channel["fee_charged"], true, "{channel}");
    assert_eq!(channel["official_channel"], true);

    let refunded = json(
        dir.path(),
        &["checklist", "placement", &id, "--fee-charged", "no"],
    );
    assert!(
        !blocks(&refunded).contains(&"placement_fee_charged".to_string()),
        "{refunded}"
    );
    // Without a fact it only shows what is recorded.
    let shown = json(dir.path(), &["checklist", "placement", &id]);
    assert_eq!(shown["fee_charged"], false);
    assert_eq!(shown["official_channel"], true);

    let bad = migran(
        dir.path(),
        &["checklist", "placement", &id, "--fee-charged", "maybe"],
    );
    assert_eq!(code(&bad), 5, "{}", stderr(&bad));
}
