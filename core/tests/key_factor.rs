//! The hardware key factor (issue 19; docs/security.md, "The hardware key factor"): a vault
//! made with a factor opens only with that factor and the PIN, never with the PIN alone or
//! another factor; a PIN change makes a new PIN key and deletes the old one, so that a copy
//! of the files taken before the change no longer opens; an erase deletes the PIN key, a
//! wipe every key; a factor that fails gives a typed error, never a wrong PIN, a panic or a
//! lost vault. Through the public API, with the CLI's file factor (`FileKeyFactor`) behind a
//! recorder that can be told to fail.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use migran_core::{
    CardContact, CardContactRole, EmergencyCard, FileKeyFactor, KeyFactor, KeyFactorProblem, KeyPurpose,
    Locale, MigranError, PageRequest, Vault, VaultSettings, LOCKED_KEY_ID,
};
use support::*;

const NEW_PIN: &str = "318527";

/// Which call of the factor to fail, and how.
#[derive(Clone, Copy, PartialEq)]
enum Fail {
    None,
    /// `derive` with a PIN key (the locked key keeps working).
    DerivePin(KeyFactorProblem),
    /// `derive` with a PIN key, throwing something that is not a factor error.
    DerivePinOther,
    /// `derive` with a PIN key, answering 7 bytes.
    DerivePinShort,
    CreateKey(KeyFactorProblem),
    DeleteKey(KeyFactorProblem),
}

/// The CLI's file factor, every call written down, failing on request.
struct Recorder {
    inner: Arc<FileKeyFactor>,
    calls: Mutex<Vec<String>>,
    fail: Mutex<Fail>,
}

impl Recorder {
    fn new(dir: &Path) -> Arc<Recorder> {
        Arc::new(Recorder {
            inner: FileKeyFactor::new(dir),
            calls: Mutex::new(Vec::new()),
            fail: Mutex::new(Fail::None),
        })
    }

    fn fail(&self, how: Fail) {
        *self.fail.lock().unwrap() = how;
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    fn calls_of(&self, what: &str) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter_map(|call| call.strip_prefix(&format!("{what} ")).map(str::to_string))
            .collect()
    }
}

fn factor_error(problem: KeyFactorProblem) -> MigranError {
    MigranError::KeyFactor { problem }
}

impl KeyFactor for Recorder {
    fn create_key(&self, key_id: String, purpose: KeyPurpose) -> migran_core::Result<()> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("create {key_id} {purpose:?}"));
        if let Fail::CreateKey(problem) = *self.fail.lock().unwrap() {
            return Err(factor_error(problem));
        }
        self.inner.create_key(key_id, purpose)
    }

    fn derive(&self, key_id: String, input: Vec<u8>) -> migran_core::Result<Vec<u8>> {
        self.calls.lock().unwrap().push(format!("derive {key_id}"));
        if key_id.starts_with("pin-") {
            match *self.fail.lock().unwrap() {
                Fail::DerivePin(problem) => return Err(factor_error(problem)),
                Fail::DerivePinOther => {
                    return Err(MigranError::Internal {
                        detail: "boom".into(),
                    })
                }
                Fail::DerivePinShort => return Ok(vec![1; 7]),
                _ => {}
            }
        }
        self.inner.derive(key_id, input)
    }

    fn delete_key(&self, key_id: String) -> migran_core::Result<()> {
        self.calls.lock().unwrap().push(format!("delete {key_id}"));
        if let Fail::DeleteKey(problem) = *self.fail.lock().unwrap() {
            return Err(factor_error(problem));
        }
        self.inner.delete_key(key_id)
    }
}

fn create(dir: &Path, factor: Arc<Recorder>, settings: VaultSettings) -> Arc<Vault> {
    let argon2 = migran_core::Argon2Settings::for_iterations(settings.kdf_iterations);
    Vault::create_with_factor_and_clock(dir, PIN, factor, settings, argon2, TestClock::at(2026, 12, 3))
        .unwrap()
}

fn open(dir: &Path, factor: Arc<Recorder>) -> migran_core::Result<Arc<Vault>> {
    Vault::open_with_factor_and_clock(dir, factor, TestClock::at(2026, 12, 3))
}

fn names(vault: &Vault) -> Vec<String> {
    let page = PageRequest { offset: 0, limit: 10 };
    vault
        .list_persons(page, true)
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.full_name)
        .collect()
}

fn key_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A vault with Siti in it, made with a recorder whose keys are in `keys`; closed.
fn vault_with_siti(dir: &Path, keys: &Path, settings: VaultSettings) -> (Arc<Recorder>, String) {
    let factor = Recorder::new(keys);
    let vault = create(dir, factor.clone(), settings);
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    drop(vault);
    let pin_key = factor
        .calls_of("create")
        .into_iter()
        .find(|call| call.ends_with(" Pin"))
        .unwrap()
        .trim_end_matches(" Pin")
        .to_string();
    (factor, pin_key)
}

#[test]
fn a_factor_vault_opens_with_its_factor_and_pin_and_never_with_the_pin_alone_or_another_factor() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, pin_key) = vault_with_siti(&dir, &keys, fast_settings());
    assert_eq!(
        factor.calls_of("create"),
        vec![format!("{LOCKED_KEY_ID} Locked"), format!("{pin_key} Pin")]
    );
    assert_eq!(
        key_files(&keys),
        vec!["locked.key".to_string(), format!("{pin_key}.key")]
    );

    let vault = open(&dir, factor.clone()).unwrap();
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(names(&vault), vec!["Siti Contoh"]);
    drop(vault);

    // No device secret, a made-up one, or another phone's factor: locked.db does not open.
    for secret in [None, Some(device_secret())] {
        assert_eq!(
            Vault::open(dir.display().to_string(), secret).err(),
            Some(MigranError::DeviceSecretMismatch)
        );
    }
    let other_keys = root.path().join("other-keys");
    let other = Recorder::new(&other_keys);
    other
        .create_key(LOCKED_KEY_ID.into(), KeyPurpose::Locked)
        .unwrap();
    assert_eq!(open(&dir, other).err(), Some(MigranError::DeviceSecretMismatch));
    // A factor without the keys at all.
    assert_eq!(
        open(&dir, Recorder::new(&root.path().join("empty"))).err(),
        Some(factor_error(KeyFactorProblem::KeyMissing))
    );

    // Whoever learnt the locked secret (a memory dump while the button ran) opens locked.db,
    // yet no PIN can be checked without the PIN key, and none is counted.
    let locked_secret = factor
        .derive(LOCKED_KEY_ID.into(), b"migran/v6/locked-secret".to_vec())
        .unwrap();
    let pin_alone = Vault::open(dir.display().to_string(), Some(locked_secret)).unwrap();
    assert_eq!(
        pin_alone.unlock(PIN.into()),
        Err(factor_error(KeyFactorProblem::KeyMissing))
    );
    assert_eq!(pin_alone.status().unwrap().failed_attempts, 0);
    drop(pin_alone);

    // The same locked key with another PIN key of the same name: the right PIN is wrong.
    let cloned_keys = root.path().join("cloned");
    std::fs::create_dir_all(&cloned_keys).unwrap();
    std::fs::copy(keys.join("locked.key"), cloned_keys.join("locked.key")).unwrap();
    let cloned = Recorder::new(&cloned_keys);
    cloned.create_key(pin_key.clone(), KeyPurpose::Pin).unwrap();
    let vault = open(&dir, cloned).unwrap();
    assert!(matches!(
        vault.unlock(PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
}

#[test]
fn a_device_secret_vault_made_today_still_opens_and_names_no_factor() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 12, 3);
    drop(new_vault(dir.path(), clock.clone()));
    let vault = reopen(dir.path(), clock);
    vault.unlock(PIN.into()).unwrap();
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    let id: Option<String> = conn
        .query_row("SELECT factor_key_id FROM vault_header", [], |row| row.get(0))
        .unwrap();
    assert_eq!(id, None);
}

#[test]
fn a_pin_change_makes_a_new_pin_key_deletes_the_old_and_an_earlier_copy_no_longer_opens() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, old_key) = vault_with_siti(&dir, &keys, fast_settings());
    let before = root.path().join("copy-before");
    copy_files(&dir, &before);

    let vault = open(&dir, factor.clone()).unwrap();
    vault.unlock(PIN.into()).unwrap();
    vault.change_pin(PIN.into(), NEW_PIN.into()).unwrap();
    let created = factor.calls_of("create");
    let new_key = created.last().unwrap().trim_end_matches(" Pin").to_string();
    assert_ne!(new_key, old_key);
    assert!(new_key.starts_with("pin-"));
    assert_eq!(factor.calls_of("delete"), vec![old_key.clone()]);
    assert_eq!(
        key_files(&keys),
        vec!["locked.key".to_string(), format!("{new_key}.key")]
    );
    drop(vault);

    let vault = open(&dir, factor.clone()).unwrap();
    assert!(matches!(
        vault.unlock(PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
    vault.unlock(NEW_PIN.into()).unwrap();
    assert_eq!(names(&vault), vec!["Siti Contoh"]);
    drop(vault);

    // The copy taken before the change, with the old PIN: its PIN key is gone.
    let copy = open(&before, factor).unwrap();
    assert_eq!(
        copy.unlock(PIN.into()),
        Err(factor_error(KeyFactorProblem::KeyMissing))
    );
}

#[test]
fn a_factor_failing_in_a_pin_change_keeps_the_old_pin_and_a_failed_deletion_is_retried() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, old_key) = vault_with_siti(&dir, &keys, fast_settings());
    let vault = open(&dir, factor.clone()).unwrap();

    factor.fail(Fail::CreateKey(KeyFactorProblem::Unavailable));
    assert_eq!(
        vault.change_pin(PIN.into(), NEW_PIN.into()),
        Err(factor_error(KeyFactorProblem::Unavailable))
    );
    factor.fail(Fail::None);
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(names(&vault), vec!["Siti Contoh"]);

    // The old key cannot be deleted now: the change still succeeds, the key is kept in
    // the header and deleted at the next correct unlock.
    factor.fail(Fail::DeleteKey(KeyFactorProblem::Platform));
    vault.change_pin(PIN.into(), NEW_PIN.into()).unwrap();
    assert!(key_files(&keys).contains(&format!("{old_key}.key")));
    factor.fail(Fail::None);
    vault.lock();
    vault.unlock(NEW_PIN.into()).unwrap();
    assert!(!key_files(&keys).contains(&format!("{old_key}.key")));
    assert_eq!(key_files(&keys).len(), 2);
    // Deleted, its id leaves the header: later unlocks ask for no deletion again
    // (cargo-mutants found the id kept forever unnoticed).
    let deletions = factor.calls_of("delete").len();
    vault.lock();
    vault.unlock(NEW_PIN.into()).unwrap();
    assert_eq!(factor.calls_of("delete").len(), deletions);
}

#[test]
fn wipe_deletes_every_hardware_key_and_no_earlier_copy_opens() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, pin_key) = vault_with_siti(&dir, &keys, fast_settings());
    let before = root.path().join("copy-before");
    copy_files(&dir, &before);

    let vault = open(&dir, factor.clone()).unwrap();
    vault.wipe().unwrap();
    let mut deleted = factor.calls_of("delete");
    deleted.sort();
    assert_eq!(deleted, vec![LOCKED_KEY_ID.to_string(), pin_key]);
    assert!(key_files(&keys).is_empty(), "{:?}", key_files(&keys));
    assert_eq!(
        open(&before, factor).err(),
        Some(factor_error(KeyFactorProblem::KeyMissing))
    );
}

#[test]
fn a_wipe_whose_key_deletion_fails_still_deletes_the_files_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, _) = vault_with_siti(&dir, &keys, fast_settings());
    let vault = open(&dir, factor.clone()).unwrap();
    factor.fail(Fail::DeleteKey(KeyFactorProblem::Platform));
    assert_eq!(vault.wipe(), Err(factor_error(KeyFactorProblem::Platform)));
    assert!(!dir.join("locked.db").exists());
    assert!(!dir.join("vault.db").exists());
}

#[test]
fn erasure_after_wrong_pins_deletes_the_pin_key_and_keeps_the_emergency_button_key() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let settings = VaultSettings {
        erase_after_failures: Some(3),
        ..fast_settings()
    };
    let (factor, pin_key) = vault_with_siti(&dir, &keys, settings);
    let card = EmergencyCard {
        full_name: "Siti Contoh".into(),
        passport_number: None,
        country: "MY".into(),
        city: None,
        employer_name: None,
        employer_address: None,
        contacts: vec![CardContact {
            name: "Ibu Contoh".into(),
            phone: "081299990001".into(),
            role: CardContactRole::Family,
        }],
    };
    let vault = open(&dir, factor.clone()).unwrap();
    vault.unlock(PIN.into()).unwrap();
    let stored = vault.set_emergency_card(card).unwrap();
    drop(vault);
    let before = root.path().join("copy-before");
    copy_files(&dir, &before);

    let vault = open(&dir, factor.clone()).unwrap();
    for _ in 0..2 {
        assert!(matches!(
            vault.unlock("975318".into()),
            Err(MigranError::WrongPin { .. })
        ));
    }
    assert_eq!(vault.unlock("975318".into()), Err(MigranError::Erased));
    assert!(factor.calls_of("delete").contains(&pin_key));
    assert_eq!(key_files(&keys), vec!["locked.key".to_string()]);
    drop(vault);

    // The button's key stays: the erased vault still opens locked, its card readable.
    let vault = open(&dir, factor.clone()).unwrap();
    assert_eq!(vault.emergency_card().unwrap(), Some(stored));
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
    // A copy from before the erasure, with the right PIN: its PIN key is gone.
    let copy = open(&before, factor).unwrap();
    assert_eq!(
        copy.unlock(PIN.into()),
        Err(factor_error(KeyFactorProblem::KeyMissing))
    );
}

#[test]
fn a_failing_factor_is_a_typed_bilingual_error_never_a_wrong_pin_nor_an_erasure() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let settings = VaultSettings {
        erase_after_failures: Some(3),
        free_attempts: 10,
        ..fast_settings()
    };
    let (factor, _) = vault_with_siti(&dir, &keys, settings);
    let vault = open(&dir, factor.clone()).unwrap();
    for (how, problem) in [
        (
            Fail::DerivePin(KeyFactorProblem::Unavailable),
            KeyFactorProblem::Unavailable,
        ),
        (
            Fail::DerivePin(KeyFactorProblem::Invalidated),
            KeyFactorProblem::Invalidated,
        ),
        (Fail::DerivePinOther, KeyFactorProblem::Platform),
        (Fail::DerivePinShort, KeyFactorProblem::Platform),
        (
            Fail::DerivePin(KeyFactorProblem::Platform),
            KeyFactorProblem::Platform,
        ),
    ] {
        factor.fail(how);
        let error = vault.unlock(PIN.into()).unwrap_err();
        assert_eq!(error, factor_error(problem));
        let (id, en) = (error.message(Locale::Id), error.message(Locale::En));
        assert!(!id.is_empty() && !en.is_empty() && id != en, "{id} / {en}");
        assert!(!en.contains("pin-"), "{en}");
    }
    // Five failures with erase-after at 3: counted for the wait only, never erased.
    factor.fail(Fail::None);
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(names(&vault), vec!["Siti Contoh"]);
    assert_eq!(vault.status().unwrap().failed_attempts, 0);
}

#[test]
fn a_creation_the_factor_refuses_leaves_no_vault_and_can_be_tried_again() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let factor = Recorder::new(&keys);
    factor.fail(Fail::CreateKey(KeyFactorProblem::Unavailable));
    let argon2 = migran_core::Argon2Settings::for_iterations(fast_settings().kdf_iterations);
    let refused = Vault::create_with_factor_and_clock(
        &dir,
        PIN,
        factor.clone(),
        fast_settings(),
        argon2,
        TestClock::at(2026, 12, 3),
    );
    assert_eq!(refused.err(), Some(factor_error(KeyFactorProblem::Unavailable)));
    assert!(!dir.join("locked.db").exists());
    factor.fail(Fail::None);
    drop(create(&dir, factor.clone(), fast_settings()));
    open(&dir, factor).unwrap().unlock(PIN.into()).unwrap();
}

#[test]
fn creating_over_an_existing_vault_is_refused_before_any_key_is_replaced() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, _) = vault_with_siti(&dir, &keys, fast_settings());
    let calls = factor.calls().len();
    let argon2 = migran_core::Argon2Settings::for_iterations(fast_settings().kdf_iterations);
    let again = Vault::create_with_factor_and_clock(
        &dir,
        PIN,
        factor.clone(),
        fast_settings(),
        argon2,
        TestClock::at(2026, 12, 3),
    );
    assert_eq!(again.err(), Some(MigranError::VaultExists));
    assert_eq!(factor.calls().len(), calls, "{:?}", factor.calls());
    let vault = open(&dir, factor).unwrap();
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(names(&vault), vec!["Siti Contoh"]);
}

#[test]
fn the_factor_key_id_is_under_the_header_mac() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let (factor, _) = vault_with_siti(&dir, &keys, fast_settings());
    let secret = factor
        .derive(LOCKED_KEY_ID.into(), b"migran/v6/locked-secret".to_vec())
        .unwrap();
    // Someone with the locked secret points the header at a PIN key of their own making.
    factor
        .create_key("pin-0000000000000000".into(), KeyPurpose::Pin)
        .unwrap();
    let conn = migran_core::testing::open_locked_store(&dir, Some(&secret)).unwrap();
    conn.execute(
        "UPDATE vault_header SET factor_key_id = 'pin-0000000000000000'",
        [],
    )
    .unwrap();
    drop(conn);
    let vault = open(&dir, factor).unwrap();
    assert!(matches!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut { .. })
    ));
}

/// The apps' creation path (issue 19): the Argon2id setting measured on the phone
/// (`calibrate_argon2`) is the one the header keeps and the PIN is stretched with; one
/// outside what the vault accepts is refused by name, and nothing is made.
#[test]
fn a_vault_made_with_a_calibrated_argon2_setting_keeps_that_setting() {
    let root = tempfile::tempdir().unwrap();
    let (dir, keys) = (root.path().join("vault"), root.path().join("keys"));
    let factor = Recorder::new(&keys);
    let floor = migran_core::ARGON2_CALIBRATION_FLOOR;
    let calibrated = migran_core::calibrate_argon2(50).unwrap();
    assert!(calibrated.memory_kib >= floor.memory_kib && calibrated.passes >= floor.passes);

    let create = |argon2: migran_core::Argon2Settings| {
        Vault::create_with_factor_and_argon2(
            dir.display().to_string(),
            PIN.into(),
            factor.clone(),
            fast_settings(),
            argon2,
        )
    };
    let too_little = migran_core::Argon2Settings {
        memory_kib: 64,
        ..calibrated
    };
    assert_eq!(
        create(too_little).err(),
        Some(MigranError::Invalid {
            field: "argon2_memory_kib".into(),
            reason: migran_core::InvalidReason::OutOfRange
        })
    );
    assert!(!dir.join("locked.db").exists());

    // Not the setting `kdf_iterations` maps to, so the header can only have it from here.
    let chosen = migran_core::Argon2Settings {
        memory_kib: floor.memory_kib + 1024,
        passes: floor.passes + 1,
        lanes: 1,
    };
    assert_ne!(
        chosen,
        migran_core::Argon2Settings::for_iterations(fast_settings().kdf_iterations)
    );
    drop(create(chosen).unwrap());
    let locked_secret = factor
        .derive(LOCKED_KEY_ID.into(), b"migran/v6/locked-secret".to_vec())
        .unwrap();
    let conn = migran_core::testing::open_locked_store(&dir, Some(&locked_secret)).unwrap();
    let stored: (String, u32, u32, u32) = conn
        .query_row(
            "SELECT kdf, argon2_memory_kib, argon2_passes, argon2_lanes FROM vault_header",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        stored,
        (
            "argon2id".to_string(),
            chosen.memory_kib,
            chosen.passes,
            chosen.lanes
        )
    );
    drop(conn);
    open(&dir, factor).unwrap().unlock(PIN.into()).unwrap();
}
