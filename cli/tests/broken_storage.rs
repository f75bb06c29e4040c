//! What the command does when the vault folder is damaged, half made or gone: the
//! emergency plan still comes, a killed `init` is no dead end, interrupted unlocks never
//! erase. Real binary, real folders (issue 14).
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

mod support;

use support::{code, migran, stderr, stdout};

const HK_CONSULATE: &str = "+85252422240";
const FAMILY_PHONE: &str = "081299990001";

fn init(dir: &Path) {
    let out = migran(dir, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// A vault with a card for Hong Kong naming a family contact.
fn vault_with_card(dir: &Path) {
    init(dir);
    let out = migran(
        dir,
        &[
            "emergency",
            "card",
            "set",
            "--name",
            "Siti Contoh",
            "--country",
            "HK",
            "--family-contact",
            &format!("Ibu Contoh:{FAMILY_PHONE}"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn plan(dir: &Path) -> std::process::Output {
    migran(
        dir,
        &["emergency", "plan", "--kind", "violence", "--country", "HK"],
    )
}

/// The plan from the built-in directory: exit 0, the consulate's and the national
/// numbers, a warning on standard error, no card contact.
fn assert_builtin_plan(dir: &Path, case: &str) {
    let out = plan(dir);
    assert_eq!(code(&out), 0, "{case}: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(HK_CONSULATE), "{case}: {text}");
    assert!(text.contains("KP2MI") || text.contains("BP2MI"), "{case}: {text}");
    assert!(!text.contains("Ibu Contoh"), "{case}: {text}");
    assert!(stderr(&out).contains("warning"), "{case}: {}", stderr(&out));
}

/// What a test does to a vault folder.
type Damage = fn(&Path);

#[test]
fn the_plan_comes_in_every_broken_storage_case() {
    let cases: &[(&str, Damage)] = &[
        ("folder deleted", |dir| std::fs::remove_dir_all(dir).unwrap()),
        ("locked.db empty", |dir| {
            std::fs::write(dir.join("locked.db"), b"").unwrap()
        }),
        ("locked.db garbage", |dir| {
            std::fs::write(dir.join("locked.db"), vec![0x5a; 8192]).unwrap()
        }),
        ("device key missing", |dir| {
            std::fs::remove_file(dir.join("device.secret")).unwrap()
        }),
        ("device key wrong", |dir| {
            std::fs::write(dir.join("device.secret"), [7u8; 32]).unwrap()
        }),
        ("device key empty", |dir| {
            std::fs::write(dir.join("device.secret"), b"").unwrap()
        }),
        ("wiped", |dir| {
            let out = migran(dir, &["wipe", "--yes"]);
            assert_eq!(code(&out), 0, "{}", stderr(&out));
        }),
    ];
    for (case, damage) in cases {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("vault");
        vault_with_card(&dir);
        damage(&dir);
        assert_builtin_plan(&dir, case);
    }
}

#[test]
fn the_plan_keeps_the_cards_contacts_when_only_the_records_are_lost() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("vault");
    vault_with_card(&dir);
    std::fs::remove_file(dir.join("vault.db")).unwrap();
    let out = plan(&dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("(Ibu Contoh)"), "{}", stdout(&out));
    assert!(stdout(&out).contains(HK_CONSULATE), "{}", stdout(&out));
}

#[test]
fn the_plan_comes_from_a_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("vault");
    vault_with_card(&dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let out = plan(&dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(HK_CONSULATE), "{}", stdout(&out));
}

#[test]
fn the_plan_without_a_vault_is_bilingual_and_json_too() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("never-made");
    let out = Command::new(env!("CARGO_BIN_EXE_migran"))
        .arg("--vault")
        .arg(&dir)
        .args(["emergency", "plan", "--kind", "held", "--country", "HK"])
        .env("MIGRAN_LANG", "id")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("peringatan: brankas tidak dapat dibuka"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("Rencana darurat"), "{}", stdout(&out));
    let out = migran(
        &dir,
        &[
            "--json",
            "emergency",
            "trigger",
            "--kind",
            "held",
            "--country",
            "HK",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let numbers: Vec<&str> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|action| action["number"].as_str().unwrap())
        .collect();
    assert!(numbers.contains(&HK_CONSULATE), "{numbers:?}");
    assert_eq!(plan["card_unreadable"], true);
    assert!(!dir.exists(), "a plan must not create a vault folder");
}
