//! What the command says back to input it does not expect (issue 14, "also seen").
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{code, key_folder, migran, old_layout_vault, stderr, stdout};

#[test]
fn unknown_command_words_are_not_echoed() {
    let root = tempfile::tempdir().unwrap();
    let typed: [&[&str]; 3] = [
        &["3201000000000001"],
        &["person", "3201000000000001"],
        &["Siti-Contoh", "list"],
    ];
    for words in typed {
        let out = migran(root.path(), words);
        assert_eq!(code(&out), 2, "{words:?}");
        for word in words {
            if *word != "person" && *word != "list" {
                assert!(!stderr(&out).contains(word), "{words:?}: {}", stderr(&out));
                assert!(!stdout(&out).contains(word), "{words:?}: {}", stdout(&out));
            }
        }
    }
    let out = migran(root.path(), &["persn", "list"]);
    assert!(stderr(&out).contains("did you mean 'person'"), "{}", stderr(&out));
}

#[test]
fn a_changed_vault_header_is_damage_never_a_wrong_pin_and_never_counted() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let out = migran(
        &vault,
        &["init", "--kdf-iterations", "10000", "--erase-after", "3"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let original = std::fs::read(vault.join("locked.db")).unwrap();
    for offset in (100..original.len()).step_by(997) {
        let mut bytes = original.clone();
        bytes[offset] ^= 0x10;
        std::fs::write(vault.join("locked.db"), &bytes).unwrap();
        let out = migran(&vault, &["unlock-check"]);
        assert!(
            !stderr(&out).to_lowercase().contains("wrong pin"),
            "byte {offset}: {}",
            stderr(&out)
        );
        // Where the damage leaves the header readable, the check was not counted.
        let out = migran(&vault, &["--json", "status"]);
        if code(&out) == 0 {
            let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(status["failed_attempts"], 0, "byte {offset}");
        }
        std::fs::write(vault.join("locked.db"), &original).unwrap();
    }
}

#[test]
fn a_device_key_that_is_a_link_is_refused_and_one_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let out = migran(&vault, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The key factor's folder (what init makes now).
    let keys = key_folder(&vault);
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = migran(&vault, &["unlock-check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("chmod 700"), "{}", stderr(&out));
    let moved = root.path().join("elsewhere-keys");
    std::fs::rename(&keys, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &keys).unwrap();
    for args in [&["unlock-check"][..], &["status"], &["wipe", "--yes"]] {
        let out = migran(&vault, args);
        assert_eq!(code(&out), 5, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not a plain folder"), "{}", stderr(&out));
    }
    assert!(
        moved.join("locked.key").exists(),
        "nothing is deleted through the link"
    );
    // A new vault's key folder is never a link either: nothing is written through one.
    let fresh = root.path().join("fresh");
    let target = root.path().join("target");
    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, key_folder(&fresh)).unwrap();
    let out = migran(&fresh, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("not a plain folder"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
    assert!(!fresh.join("locked.db").exists());

    // The older layout's device.secret.
    let vault = root.path().join("old");
    old_layout_vault(&vault);
    let key = vault.join("device.secret");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = migran(&vault, &["unlock-check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    let moved = root.path().join("elsewhere.secret");
    std::fs::rename(&key, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &key).unwrap();
    let out = migran(&vault, &["unlock-check"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("not a plain file"), "{}", stderr(&out));
}
