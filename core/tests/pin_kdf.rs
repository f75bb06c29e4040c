//! Argon2id for the PIN (issue 19; docs/security.md, "How the PIN is stretched"): new
//! vaults name Argon2id and their own setting in the header; vaults made with PBKDF2 (the
//! committed vectors v1 and v2) move to Argon2id at their next correct unlock, keeping
//! their PIN and data; the setting is covered by the header's MAC.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use migran_core::{Argon2Settings, MigranError, PageRequest, Vault, VaultSettings, MIN_KDF_ITERATIONS};
use support::*;

const VECTOR_PIN: &str = "135790";
const VECTOR_SECRET: [u8; 32] = [0x42; 32];

/// The header's KDF fields as stored: kind, memory, passes, lanes, and the salt.
fn stored_kdf(dir: &Path, secret: &[u8]) -> (String, Option<u32>, Option<u32>, Option<u32>, Vec<u8>) {
    let conn = migran_core::testing::open_locked_store(dir, Some(secret)).unwrap();
    conn.query_row(
        "SELECT kdf, argon2_memory_kib, argon2_passes, argon2_lanes, kdf_salt FROM vault_header",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
    )
    .unwrap()
}

fn names(vault: &Vault) -> Vec<String> {
    let page = PageRequest {
        offset: 0,
        limit: 100,
    };
    let mut names: Vec<String> = vault
        .list_persons(page, true)
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    names.sort();
    names
}

fn copy_vector(version: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(version);
    for file in ["vault.db", "locked.db"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
}

#[test]
fn a_new_vault_names_argon2id_and_its_own_setting_in_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    drop(new_vault(dir.path(), clock.clone()));
    let expected = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
    let (kind, memory, passes, lanes, _) = stored_kdf(dir.path(), &device_secret());
    assert_eq!(kind, "argon2id");
    assert_eq!(
        (memory, passes, lanes),
        (
            Some(expected.memory_kib),
            Some(expected.passes),
            Some(expected.lanes)
        )
    );

    let other = tempfile::tempdir().unwrap();
    let chosen = Argon2Settings {
        memory_kib: 2048,
        passes: 2,
        lanes: 1,
    };
    let vault = Vault::create_with_argon2(
        other.path(),
        PIN,
        Some(device_secret()),
        fast_settings(),
        chosen,
        clock.clone(),
    )
    .unwrap();
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    drop(vault);
    let (kind, memory, passes, lanes, _) = stored_kdf(other.path(), &device_secret());
    assert_eq!(
        (kind.as_str(), memory, passes, lanes),
        ("argon2id", Some(2048), Some(2), Some(1))
    );
    let vault = reopen(other.path(), clock.clone());
    assert_eq!(
        vault.unlock("318527".into()),
        Err(MigranError::WrongPin { attempts_left: 4 })
    );
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(names(&vault), ["Siti Contoh"]);
    // A PIN change keeps the vault's setting and makes a new salt.
    let (_, _, _, _, salt_before) = stored_kdf(other.path(), &device_secret());
    vault.change_pin(PIN.into(), "318527".into()).unwrap();
    let (kind, memory, passes, _, salt_after) = stored_kdf(other.path(), &device_secret());
    assert_eq!((kind.as_str(), memory, passes), ("argon2id", Some(2048), Some(2)));
    assert_ne!(salt_before, salt_after);
    vault.lock();
    vault.unlock("318527".into()).unwrap();
    assert_eq!(names(&vault), ["Siti Contoh"]);
}

#[test]
fn an_argon2_setting_outside_the_accepted_range_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let fine = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
    for (bad, field) in [
        (
            Argon2Settings {
                memory_kib: 64,
                ..fine
            },
            "argon2_memory_kib",
        ),
        (Argon2Settings { passes: 11, ..fine }, "argon2_passes"),
        (Argon2Settings { lanes: 0, ..fine }, "argon2_lanes"),
    ] {
        let error =
            Vault::create_with_argon2(dir.path(), PIN, None, fast_settings(), bad, clock.clone()).err();
        assert_eq!(
            error,
            Some(MigranError::Invalid {
                field: field.into(),
                reason: migran_core::InvalidReason::OutOfRange
            })
        );
    }
}

#[test]
fn pbkdf2_vectors_move_to_argon2id_at_their_next_correct_unlock_and_keep_pin_and_data() {
    for version in ["v1", "v2"] {
        let dir = tempfile::tempdir().unwrap();
        copy_vector(version, dir.path());
        let clock = TestClock::at(2026, 12, 2);
        let vault = Vault::open_with_clock(dir.path(), Some(VECTOR_SECRET.to_vec()), clock.clone()).unwrap();
        let (kind, memory, _, _, old_salt) = stored_kdf(dir.path(), &VECTOR_SECRET);
        assert_eq!((kind.as_str(), memory), ("pbkdf2_sha256", None), "{version}");

        // A wrong PIN changes nothing about the KDF.
        assert_eq!(
            vault.unlock("318527".into()),
            Err(MigranError::WrongPin { attempts_left: 4 }),
            "{version}"
        );
        assert_eq!(stored_kdf(dir.path(), &VECTOR_SECRET).0, "pbkdf2_sha256");

        vault.unlock(VECTOR_PIN.into()).unwrap();
        let expected = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
        let (kind, memory, passes, lanes, new_salt) = stored_kdf(dir.path(), &VECTOR_SECRET);
        assert_eq!(
            (kind.as_str(), memory, passes, lanes),
            (
                "argon2id",
                Some(expected.memory_kib),
                Some(expected.passes),
                Some(expected.lanes)
            ),
            "{version}"
        );
        assert_ne!(old_salt, new_salt, "{version}: a fresh salt");
        let before = names(&vault);
        assert_eq!(before.len(), 3, "{version}: {before:?}");
        assert_eq!(vault.status().unwrap().failed_attempts, 0);
        drop(vault);

        // The same PIN opens the upgraded vault from a fresh handle, with the same data.
        let vault = Vault::open_with_clock(dir.path(), Some(VECTOR_SECRET.to_vec()), clock).unwrap();
        vault.unlock(VECTOR_PIN.into()).unwrap();
        assert_eq!(names(&vault), before, "{version}");
        assert_eq!(
            stored_kdf(dir.path(), &VECTOR_SECRET).4,
            new_salt,
            "{version}: no second upgrade"
        );
    }
}

#[test]
fn the_v3_vector_names_argon2id_and_opens_with_its_pin() {
    let dir = tempfile::tempdir().unwrap();
    copy_vector("v3", dir.path());
    let expected = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
    let (kind, memory, passes, lanes, salt) = stored_kdf(dir.path(), &VECTOR_SECRET);
    assert_eq!(
        (kind.as_str(), memory, passes, lanes),
        (
            "argon2id",
            Some(expected.memory_kib),
            Some(expected.passes),
            Some(expected.lanes)
        )
    );
    let vault = Vault::open_with_clock(
        dir.path(),
        Some(VECTOR_SECRET.to_vec()),
        TestClock::at(2026, 12, 2),
    )
    .unwrap();
    vault.unlock(VECTOR_PIN.into()).unwrap();
    assert_eq!(names(&vault).len(), 3);
    assert_eq!(
        stored_kdf(dir.path(), &VECTOR_SECRET).4,
        salt,
        "not wrapped again"
    );
}

#[test]
fn a_lowered_argon2_setting_in_the_header_reads_as_altered_never_as_cheaper_guessing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    drop(new_vault(dir.path(), clock.clone()));
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    conn.execute_batch("UPDATE vault_header SET argon2_passes = 1, argon2_memory_kib = 1024")
        .unwrap();
    drop(conn);
    let vault = reopen(dir.path(), clock);
    assert_eq!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut {
            retry_after_seconds: 24 * 60 * 60
        })
    );
}

#[test]
fn default_settings_give_the_recommended_argon2_setting() {
    assert_eq!(
        Argon2Settings::for_iterations(VaultSettings::default().kdf_iterations),
        migran_core::ARGON2_RECOMMENDED
    );
}
