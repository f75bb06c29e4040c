//! What the command does when the vault folder is damaged, half made or gone: the
//! emergency plan still comes, a killed `init` is no dead end, interrupted unlocks never
//! erase. Real binary, real folders (issue 14).
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod support;

use support::{code, key_files, key_folder, migran, old_layout_vault, stderr, stdout};

const HK_CONSULATE: &str = "+85252422240";
const FAMILY_PHONE: &str = "081299990001";

fn init(dir: &Path) {
    let out = migran(dir, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// `emergency card set` for Hong Kong naming a family contact.
fn card_set_args() -> Vec<String> {
    [
        "emergency",
        "card",
        "set",
        "--name",
        "Siti Contoh",
        "--country",
        "HK",
    ]
    .map(String::from)
    .into_iter()
    .chain([
        "--family-contact".to_string(),
        format!("Ibu Contoh:{FAMILY_PHONE}"),
    ])
    .collect()
}

/// A vault with a card for Hong Kong naming a family contact.
fn vault_with_card(dir: &Path) {
    init(dir);
    let args = card_set_args();
    let out = migran(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
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
    assert!(
        stderr(&out).contains("without the emergency card's contacts"),
        "{case}: the warning must say the card's contacts are missing: {}",
        stderr(&out)
    );
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
        ("locked key missing", |dir| {
            std::fs::remove_file(key_folder(dir).join("locked.key")).unwrap()
        }),
        ("locked key wrong", |dir| {
            std::fs::write(key_folder(dir).join("locked.key"), [7u8; 32]).unwrap()
        }),
        ("locked key empty", |dir| {
            std::fs::write(key_folder(dir).join("locked.key"), b"").unwrap()
        }),
        ("key folder deleted", |dir| {
            std::fs::remove_dir_all(key_folder(dir)).unwrap()
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
    let cases: &[(&str, Damage)] = &[
        ("vault.db deleted", |dir| {
            std::fs::remove_file(dir.join("vault.db")).unwrap()
        }),
        ("vault.db empty", |dir| {
            std::fs::write(dir.join("vault.db"), b"").unwrap()
        }),
        ("vault.db garbage", |dir| {
            std::fs::write(dir.join("vault.db"), vec![0x5a; 8192]).unwrap()
        }),
    ];
    for (case, damage) in cases {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("vault");
        vault_with_card(&dir);
        damage(&dir);
        let out = plan(&dir);
        assert_eq!(code(&out), 0, "{case}: {}", stderr(&out));
        assert!(stdout(&out).contains("(Ibu Contoh)"), "{case}: {}", stdout(&out));
        assert!(stdout(&out).contains(HK_CONSULATE), "{case}: {}", stdout(&out));
    }
}

/// Runs `migran` as a user a read-only folder stops: the test's own user, or, when the
/// tests run as root (whom file modes do not stop), the unprivileged `nobody` (65534)
/// through util-linux's `setpriv`, with a copy of the binary it can execute.
struct Unprivileged {
    binary: PathBuf,
    as_nobody: bool,
}

const NOBODY: u32 = 65534;

impl Unprivileged {
    /// `None` (with the reason printed) when the tests run as root and cannot switch user.
    fn new(root: &Path) -> Option<Unprivileged> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let as_root = std::fs::metadata(root).unwrap().uid() == 0;
        if !as_root {
            return Some(Unprivileged {
                binary: PathBuf::from(env!("CARGO_BIN_EXE_migran")),
                as_nobody: false,
            });
        }
        let switches = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|status| status.success());
        if !switches {
            eprintln!("skipped: running as root and `setpriv` (util-linux) cannot switch to nobody");
            return None;
        }
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let binary = root.join("migran");
        std::fs::copy(env!("CARGO_BIN_EXE_migran"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        Some(Unprivileged {
            binary,
            as_nobody: true,
        })
    }

    /// A folder this user owns, for the vault.
    fn folder(&self, path: &Path) {
        std::fs::create_dir(path).unwrap();
        if self.as_nobody {
            std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
        }
    }

    fn run(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        let mut command = if self.as_nobody {
            let mut command = Command::new("setpriv");
            command
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&self.binary);
            command
        } else {
            Command::new(&self.binary)
        };
        command
            .arg("--vault")
            .arg(dir)
            .args(args)
            .env("MIGRAN_PIN", support::PIN)
            .env("MIGRAN_LANG", "en")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

/// A folder the user cannot write (a read-only mount, a mode changed behind their back):
/// the vault does not open, yet the card is on disk and is read without writing, so the
/// family contact comes with the consulate and the national numbers (issue 14, item 1).
#[test]
fn the_plan_from_a_read_only_folder_keeps_the_cards_contacts() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let Some(user) = Unprivileged::new(root.path()) else {
        return;
    };
    let dir = root.path().join("vault");
    user.folder(&dir);
    let card = card_set_args();
    for args in [
        vec!["init", "--kdf-iterations", "10000"],
        card.iter().map(String::as_str).collect(),
    ] {
        let out = user.run(&dir, &args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    // The folder really is read-only for this user: a write is refused.
    let write = user.run(&dir, &["emergency", "card", "clear", "--yes"]);
    let files_before = sorted_names(&dir);
    let out = user.run(
        &dir,
        &["emergency", "plan", "--kind", "violence", "--country", "HK"],
    );
    let json = user.run(
        &dir,
        &[
            "--json",
            "emergency",
            "plan",
            "--kind",
            "violence",
            "--country",
            "HK",
        ],
    );
    let files_after = sorted_names(&dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(
        code(&write) != 0 && stderr(&write).contains("cannot be written"),
        "a write went through: {}",
        stderr(&write)
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(HK_CONSULATE), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("KP2MI") || stdout(&out).contains("BP2MI"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
    // The card keeps the number in international form.
    assert!(
        stdout(&out).contains("+6281299990001 (Ibu Contoh)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("without writing anything"),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&json), 0, "{}", stderr(&json));
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(plan["card_unreadable"], false, "{plan}");
    assert_eq!(files_before, files_after, "reading the plan changed the folder");
}

fn sorted_names(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    names
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

/// `status`, `init` and `wipe` agree on a folder: either a vault is there (status 0,
/// init refused, wipe erases it) or none is (status 4, init makes one).
fn assert_init_completes_or_exists(dir: &Path, case: &str) {
    let status = code(&migran(dir, &["status"]));
    let init = migran(dir, &["init", "--kdf-iterations", "10000"]);
    match status {
        0 => assert_ne!(code(&init), 0, "{case}: init over a vault"),
        4 => assert_eq!(
            code(&init),
            0,
            "{case}: init after status said none: {}",
            stderr(&init)
        ),
        other => panic!("{case}: status exit {other}"),
    }
    let out = migran(dir, &["status"]);
    assert_eq!(code(&out), 0, "{case}: {}", stderr(&out));
    let out = migran(dir, &["person", "list"]);
    assert_eq!(code(&out), 0, "{case}: {}", stderr(&out));
    let out = migran(dir, &["wipe", "--yes"]);
    assert_eq!(code(&out), 0, "{case}: {}", stderr(&out));
    assert_eq!(code(&migran(dir, &["status"])), 4, "{case}");
}

#[test]
fn a_killed_init_can_be_run_again() {
    let root = tempfile::tempdir().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        | 1;
    for round in 0..25 {
        let dir = root.path().join(format!("vault-{round}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_migran"))
            .arg("--vault")
            .arg(&dir)
            .args(["init", "--kdf-iterations", "10000"])
            .env("MIGRAN_PIN", support::PIN)
            .env("MIGRAN_LANG", "en")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(std::time::Duration::from_micros(seed % 40_000));
        let _ = child.kill();
        let _ = child.wait();
        assert_init_completes_or_exists(&dir, &format!("kill {round} after {} µs", seed % 40_000));
    }
}

#[test]
fn remains_of_a_failed_init_are_no_dead_end() {
    let cases: &[(&str, Damage)] = &[
        ("empty device key alone", |dir| {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("device.secret"), b"").unwrap();
        }),
        ("device key and records, no header", |dir| {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("device.secret"), [3u8; 32]).unwrap();
            std::fs::write(dir.join("vault.db"), vec![9u8; 4096]).unwrap();
        }),
        ("empty locked store", |dir| {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("device.secret"), [3u8; 32]).unwrap();
            std::fs::write(dir.join("locked.db"), b"").unwrap();
        }),
        // The key factor's: keys made, the header never written.
        ("keys alone", |dir| {
            std::fs::create_dir_all(key_folder(dir)).unwrap();
            std::fs::write(key_folder(dir).join("locked.key"), [3u8; 32]).unwrap();
            std::fs::write(key_folder(dir).join("pin-0123456789abcdef.key"), [4u8; 32]).unwrap();
        }),
        ("keys and records, no header", |dir| {
            std::fs::create_dir_all(key_folder(dir)).unwrap();
            std::fs::write(key_folder(dir).join("locked.key"), [3u8; 32]).unwrap();
            std::fs::write(dir.join("vault.db"), vec![9u8; 4096]).unwrap();
        }),
        ("an empty key folder", |dir| {
            std::fs::create_dir_all(key_folder(dir)).unwrap();
        }),
    ];
    for (case, plant) in cases {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("vault");
        plant(&dir);
        assert_init_completes_or_exists(&dir, case);
    }
}

#[test]
fn a_vault_whose_device_key_is_lost_is_refused_by_init_and_deleted_by_wipe() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("vault");
    init(&dir);
    std::fs::remove_file(key_folder(&dir).join("locked.key")).unwrap();
    // The factor's KeyMissing: a key problem, 3, as a lost device.secret is below.
    assert_eq!(code(&migran(&dir, &["status"])), 3, "the factor's KeyMissing");
    let out = migran(&dir, &["init", "--kdf-iterations", "10000"]);
    assert_ne!(code(&out), 0, "init must not replace a vault silently");
    assert!(dir.join("locked.db").exists());
    let out = migran(&dir, &["wipe", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!dir.join("locked.db").exists() && !dir.join("vault.db").exists());
    // The PIN key left without its vault goes too, and the folder init made.
    assert!(!key_folder(&dir).exists(), "{:?}", key_files(&dir));
    assert_init_completes_or_exists(&dir, "after wiping a keyless vault");

    // The older layout: its device.secret lost.
    let old = root.path().join("old");
    old_layout_vault(&old);
    std::fs::remove_file(old.join("device.secret")).unwrap();
    assert_eq!(code(&migran(&old, &["status"])), 3);
    let out = migran(&old, &["init", "--kdf-iterations", "10000"]);
    assert_ne!(code(&out), 0, "init must not replace a vault silently");
    assert!(old.join("locked.db").exists());
    let out = migran(&old, &["wipe", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!old.join("locked.db").exists() && !old.join("vault.db").exists());
}

/// A full disk during `init` (a 48 KiB tmpfs, where the test may mount one: as root on
/// Linux; elsewhere the planted remains above stand for it).
#[test]
fn an_init_on_a_full_disk_leaves_nothing_in_the_way() {
    let root = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=48k", "tmpfs"])
        .arg(root.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        eprintln!("no tmpfs could be mounted here; the full-disk case is covered by planted remains only");
        return;
    }
    let dir = root.path().join("vault");
    let out = migran(&dir, &["init", "--kdf-iterations", "10000"]);
    let status = code(&migran(&dir, &["status"]));
    let init_again = code(&migran(&dir, &["init", "--kdf-iterations", "10000"]));
    let wipe = code(&migran(&dir, &["wipe", "--yes"]));
    let _ = Command::new("umount").arg(root.path()).status();
    assert_ne!(code(&out), 0, "a vault does not fit in 48 KiB");
    assert!(stderr(&out).contains("full"), "{}", stderr(&out));
    assert_eq!(status, 4);
    // Still full, so init fails again, but for the disk, not for a vault "already there".
    assert_ne!(init_again, 0);
    assert_eq!(wipe, 0, "wipe removes the remains");
}

fn failed_attempts(dir: &Path) -> u64 {
    let out = migran(dir, &["--json", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    status["failed_attempts"].as_u64().unwrap()
}

#[test]
fn unlocks_killed_mid_check_never_lead_to_erasure() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("vault");
    // A slow PIN check (about half a second here), so a kill lands inside it.
    let out = migran(
        &dir,
        &["init", "--kdf-iterations", "2000000", "--erase-after", "3"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut interrupted = 0;
    let mut wait_ms = 150;
    for _ in 0..20 {
        if interrupted == 2 {
            break;
        }
        let before = failed_attempts(&dir);
        let mut child = Command::new(env!("CARGO_BIN_EXE_migran"))
            .arg("--vault")
            .arg(&dir)
            .arg("unlock-check")
            .env("MIGRAN_PIN", support::PIN)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if finished {
            wait_ms = wait_ms * 2 / 3;
        } else if failed_attempts(&dir) > before {
            interrupted += 1;
        } else {
            wait_ms += 50;
        }
    }
    assert_eq!(interrupted, 2, "two correct-PIN unlocks were killed mid-check");
    let typo = support::migran_with_pin(&dir, &["unlock-check"], "000000");
    assert_eq!(code(&typo), 3, "{}", stderr(&typo));
    let out = migran(&dir, &["unlock-check"]);
    assert_eq!(
        code(&out),
        0,
        "two interruptions and one typo erased the vault: {}",
        stderr(&out)
    );
    assert_eq!(failed_attempts(&dir), 0);
}
