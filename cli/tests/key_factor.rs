//! The CLI on the core's key factor (issue 19): a new vault keeps its keys as owner-only
//! files in `keys/` and has no `device.secret`; a PIN change replaces the PIN key's file;
//! a wipe leaves no key behind (and no folder the CLI did not make); a vault of the older
//! layout, with its `device.secret`, opens as before; `status` says which kind it is.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use support::*;

const NEW_PIN: &str = "735109";

fn init(vault: &Path) {
    let out = migran(vault, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn add_siti(vault: &Path) {
    ok(
        vault,
        &[
            "person",
            "add",
            "--name",
            "Siti Contoh",
            "--nik",
            "3201000000000001",
            "--birth-date",
            "1998-04-12",
            "--sex",
            "F",
            "--phone",
            "0812-0000-0001",
            "--village",
            "Desa Contoh",
        ],
    );
}

fn pin_keys(vault: &Path) -> Vec<String> {
    key_files(vault)
        .into_iter()
        .filter(|name| name.starts_with("pin-"))
        .collect()
}

fn status_json(vault: &Path) -> serde_json::Value {
    let out = migran(vault, &["status", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_new_vault_keeps_owner_only_key_files_and_no_device_secret() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("desa-contoh");
    init(&vault);
    assert!(!vault.join("device.secret").exists());
    let keys = key_files(&vault);
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.contains(&"locked.key".to_string()), "{keys:?}");
    assert_eq!(pin_keys(&vault).len(), 1, "{keys:?}");
    for key in &keys {
        let path = key_folder(&vault).join(key);
        assert_eq!(std::fs::read(&path).unwrap().len(), 32, "{key}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{key}: {mode:o}");
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(key_folder(&vault))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
    assert_eq!(status_json(&vault)["device_key"], "key-files");
    let out = migran(&vault, &["status"]);
    assert!(
        stdout(&out).contains("Device key: owner-only key files"),
        "{}",
        stdout(&out)
    );
    let out = migran_with_env(&vault, &["status"], &[("MIGRAN_LANG", "id")]);
    assert!(
        stdout(&out).contains("Kunci perangkat: berkas kunci khusus pemilik"),
        "{}",
        stdout(&out)
    );

    ok(&vault, &["unlock-check"]);
    add_siti(&vault);
    assert!(ok(&vault, &["person", "list"]).contains("Siti Contoh"));
    // A wrong PIN is a wrong PIN (exit 3), counted; the keys are not touched by it.
    let out = migran_with_pin(&vault, &["unlock-check"], "999999");
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(status_json(&vault)["failed_attempts"], 1);
    assert_eq!(key_files(&vault), keys);
}

#[test]
fn a_pin_change_replaces_the_pin_key_file() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    init(&vault);
    let before = pin_keys(&vault);
    assert_eq!(before.len(), 1);
    let old_key = std::fs::read(key_folder(&vault).join(&before[0])).unwrap();
    let out = migran_with_env(&vault, &["change-pin"], &[("MIGRAN_NEW_PIN", NEW_PIN)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = pin_keys(&vault);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(after, before, "a new PIN key");
    assert!(
        !key_folder(&vault).join(&before[0]).exists(),
        "the old PIN key is deleted"
    );
    assert_ne!(
        std::fs::read(key_folder(&vault).join(&after[0])).unwrap(),
        old_key
    );
    assert!(
        key_folder(&vault).join("locked.key").exists(),
        "the locked key stays"
    );
    assert_eq!(
        code(&migran(&vault, &["unlock-check"])),
        3,
        "the old PIN is refused"
    );
    let out = migran_with_pin(&vault, &["unlock-check"], NEW_PIN);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_wipe_leaves_no_key_file_and_no_folder_the_cli_did_not_make() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    init(&vault);
    // A PIN change first: the retired PIN key must not survive either.
    let out = migran_with_env(&vault, &["change-pin"], &[("MIGRAN_NEW_PIN", NEW_PIN)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran_with_pin(&vault, &["wipe", "--yes"], NEW_PIN);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!key_folder(&vault).exists(), "{:?}", key_files(&vault));
    assert!(!vault.join("locked.db").exists() && !vault.join("vault.db").exists());
    assert_eq!(code(&migran(&vault, &["status"])), 4);

    // A file in the key folder that is no key of the vault's stays, and so does the folder.
    init(&vault);
    std::fs::write(key_folder(&vault).join("catatan.txt"), b"bukan kunci").unwrap();
    let out = migran(&vault, &["wipe", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(key_files(&vault), vec!["catatan.txt".to_string()]);
    // Then init refuses to share the folder (so a later wipe never deletes it).
    let out = migran(&vault, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(key_files(&vault), vec!["catatan.txt".to_string()]);
    assert!(!vault.join("locked.db").exists());
}

/// A key file gone (deleted, a partial copy of the folder) is a key problem, exit 3 as a
/// wrong or missing device key is, with the bilingual message; never the catch-all 1.
#[test]
fn a_missing_key_file_exits_with_the_key_problem_code() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    init(&vault);
    add_siti(&vault);
    let pin_key = key_folder(&vault).join(&pin_keys(&vault)[0]);
    std::fs::remove_file(&pin_key).unwrap();
    let out = migran(&vault, &["person", "list"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    std::fs::remove_file(key_folder(&vault).join("locked.key")).unwrap();
    for args in [&["status"][..], &["unlock-check"], &["person", "list"]] {
        let out = migran(&vault, args);
        assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_vault_with_a_device_secret_opens_as_before_and_is_not_converted() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("old");
    old_layout_vault(&vault);
    let secret = std::fs::read(vault.join("device.secret")).unwrap();
    ok(&vault, &["unlock-check"]);
    add_siti(&vault);
    let status = status_json(&vault);
    assert_eq!(status["device_key"], "device-secret");
    assert_eq!(status["uses_device_secret"], true);
    let out = migran(&vault, &["status"]);
    assert!(
        stdout(&out).contains("Device key: device secret"),
        "{}",
        stdout(&out)
    );
    let out = migran_with_env(&vault, &["change-pin"], &[("MIGRAN_NEW_PIN", NEW_PIN)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran_with_pin(&vault, &["person", "list"], NEW_PIN);
    assert!(stdout(&out).contains("Siti Contoh"), "{}", stderr(&out));
    // Still the same device secret, and no key folder was made beside it.
    assert_eq!(std::fs::read(vault.join("device.secret")).unwrap(), secret);
    assert!(!key_folder(&vault).exists());
}

#[test]
fn a_restored_backup_gets_the_key_factor() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    old_layout_vault(&vault);
    add_siti(&vault);
    let file = root.path().join("vault.backup");
    let out = ok(&vault, &["backup", "--out", file.to_str().unwrap(), "--json"]);
    let backup: serde_json::Value = serde_json::from_str(&out).unwrap();
    let recovery_key = backup["recovery_key"].as_str().unwrap().to_string();
    let fresh = root.path().join("fresh");
    let out = migran_with_env(
        &fresh,
        &["restore", file.to_str().unwrap(), "--kdf-iterations", "10000"],
        &[("MIGRAN_RECOVERY_KEY", &recovery_key)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!fresh.join("device.secret").exists());
    assert!(key_folder(&fresh).join("locked.key").exists());
    assert_eq!(status_json(&fresh)["device_key"], "key-files");
    assert!(ok(&fresh, &["person", "list"]).contains("Siti Contoh"));
}
