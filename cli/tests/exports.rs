//! Files written with `--out`: never through a planted link or into a planted file, never
//! over an existing file without `--force` (issue 14). Real binary, real folders.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod support;

use support::{code, migran, stderr};

fn vault_with_siti(dir: &Path) -> String {
    let out = migran(dir, &["init", "--kdf-iterations", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran(
        dir,
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
            "--village",
            "Desa Contoh",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let person: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    person["id"].as_str().unwrap().to_string()
}

/// Every command that writes `--out`, with the target put after it.
fn exports(id: &str) -> Vec<Vec<String>> {
    let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    vec![
        words(&["report", "--out"]),
        words(&["audit", "--export", "json", "--out"]),
        words(&["person", "export", id, "--out"]),
        words(&["person", "export-csv", "--out"]),
    ]
}

fn run(vault: &Path, command: &[String], target: &Path, force: bool) -> std::process::Output {
    let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
    args.push(target.to_str().unwrap());
    if force {
        args.push("--force");
    }
    migran(vault, &args)
}

#[test]
fn a_planted_file_is_never_written_into_or_replaced_without_force() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let id = vault_with_siti(&vault);
    for command in exports(&id) {
        let target = root.path().join("planted.txt");
        std::fs::write(&target, "someone else's file").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = run(&vault, &command, &target, false);
        assert_eq!(code(&out), 1, "{command:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--force"), "{command:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "someone else's file");
        // With --force the file is replaced by a new one, owner-only: not written into.
        let out = run(&vault, &command, &target, true);
        assert_eq!(code(&out), 0, "{command:?}: {}", stderr(&out));
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{command:?}");
        assert_ne!(std::fs::read_to_string(&target).unwrap(), "someone else's file");
        std::fs::remove_file(&target).unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|name| name != "vault")
            .collect();
        assert!(leftovers.is_empty(), "{command:?}: {leftovers:?}");
    }
}

#[test]
fn a_planted_link_is_never_written_through() {
    let root = tempfile::tempdir().unwrap();
    let vault = root.path().join("vault");
    let id = vault_with_siti(&vault);
    let victim = root.path().join("victim.txt");
    for command in exports(&id) {
        std::fs::write(&victim, "the victim's file").unwrap();
        let target = root.path().join("export.out");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        let out = run(&vault, &command, &target, false);
        assert_eq!(code(&out), 1, "{command:?}: {}", stderr(&out));
        let out = run(&vault, &command, &target, true);
        assert_eq!(code(&out), 0, "{command:?}: {}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "the victim's file",
            "{command:?}"
        );
        assert!(!std::fs::symlink_metadata(&target)
            .unwrap()
            .file_type()
            .is_symlink());
        std::fs::remove_file(&target).unwrap();
    }
}
