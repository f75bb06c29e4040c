//! The CLI's duress PIN (issue 16): `init --duress-pin` takes it from MIGRAN_DURESS_PIN
//! (never from an argument), `duress-pin set|remove` with the real PIN; the duress PIN
//! opens an empty register and never prints; the real PIN opens the real one.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use support::*;

const DURESS_PIN: &str = "580241";

fn persons_with(vault: &Path, pin: &str) -> String {
    let out = migran_with_pin(vault, &["person", "list", "--json"], pin);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    stdout(&out)
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
            "--village",
            "Desa Contoh",
        ],
    );
}

#[test]
fn init_takes_the_duress_pin_from_the_environment_and_it_opens_an_empty_register() {
    let dir = tempfile::tempdir().unwrap();
    let out = migran_with_env(
        dir.path(),
        &["init", "--kdf-iterations", "10000", "--duress-pin"],
        &[("MIGRAN_DURESS_PIN", DURESS_PIN)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    add_siti(dir.path());
    assert!(persons_with(dir.path(), PIN).contains("Siti Contoh"));
    let decoy = persons_with(dir.path(), DURESS_PIN);
    assert!(!decoy.contains("Siti Contoh"), "{decoy}");
    assert!(!stdout(&out).contains(DURESS_PIN) && !stderr(&out).contains(DURESS_PIN));

    // Removed with the real PIN: the duress PIN is then a wrong PIN (exit 3).
    let out = migran(dir.path(), &["duress-pin", "remove"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = migran_with_pin(dir.path(), &["unlock-check"], DURESS_PIN);
    assert_eq!(code(&out), 3, "{}", stderr(&out));

    // Set again on the existing vault.
    let out = migran_with_env(
        dir.path(),
        &["duress-pin", "set"],
        &[("MIGRAN_DURESS_PIN", DURESS_PIN)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!persons_with(dir.path(), DURESS_PIN).contains("Siti Contoh"));
}

#[test]
fn the_duress_pin_never_comes_from_an_argument_and_a_bad_one_leaves_no_vault() {
    let dir = tempfile::tempdir().unwrap();
    let out = migran(
        dir.path(),
        &["init", "--kdf-iterations", "10000", "--duress-pin", DURESS_PIN],
    );
    assert_eq!(
        code(&out),
        2,
        "a value after --duress-pin is a usage error: {}",
        stderr(&out)
    );
    // The real PIN as duress PIN, and a weak one: refused, and no vault is left.
    for duress in [PIN, "123456"] {
        let out = migran_with_env(
            dir.path(),
            &["init", "--kdf-iterations", "10000", "--duress-pin"],
            &[("MIGRAN_DURESS_PIN", duress)],
        );
        assert_eq!(code(&out), 5, "{}", stderr(&out));
        let out = migran(dir.path(), &["status"]);
        assert_eq!(code(&out), 4, "no vault left behind: {}", stderr(&out));
    }
}

#[test]
fn the_help_names_the_duress_pin_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let english = stdout(&migran(dir.path(), &["help", "duress-pin", "set"]));
    assert!(english.contains("MIGRAN_DURESS_PIN"), "{english}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_migran"))
        .args(["help", "init"])
        .env("MIGRAN_LANG", "id")
        .output()
        .unwrap();
    let indonesian = stdout(&out);
    assert!(indonesian.contains("PIN paksaan"), "{indonesian}");
}
