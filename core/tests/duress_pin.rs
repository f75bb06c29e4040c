//! The duress PIN (issue 16; docs/security.md, "The duress PIN"): entered at unlock it
//! opens an empty decoy and silently queues the alert to the card's family and cadre, once
//! per unlock; the real PIN still opens the real vault; wrong PINs still count and either
//! PIN resets the count; the files are the same length with and without a duress PIN and
//! hold nothing that names it; removing it leaves no trace; vaults of earlier formats open
//! and take one; check-ins answered with it queue the alert. All on the injected clock.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use migran_core::testing::decoy_profile_is_open;
use migran_core::{
    ActionChannel, CheckInRequest, CheckInSchedule, CheckInState, EmergencyCard, EmergencyKind,
    EmergencySettings, InvalidReason, MigranError, PageRequest, Recipient, Vault,
};
use support::*;

const DURESS_PIN: &str = "580241";

fn card() -> EmergencyCard {
    EmergencyCard {
        city: None,
        employer_name: None,
        ..fake_card("HK")
    }
}

/// A vault with one person and the card, a duress PIN set, then locked.
fn locked_with_duress_pin(dir: &Path) -> (Arc<Vault>, Arc<TestClock>) {
    let clock = TestClock::at(2026, 12, 4);
    let vault = new_vault(dir, clock.clone());
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.set_emergency_card(card()).unwrap();
    vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    vault.lock();
    (vault, clock)
}

fn persons(vault: &Vault) -> u32 {
    vault
        .list_persons(PageRequest { offset: 0, limit: 50 }, true)
        .unwrap()
        .total
}

fn outbox_size(vault: &Vault) -> usize {
    vault.emergency_log().unwrap().len()
}

#[test]
fn the_duress_pin_opens_an_empty_decoy_and_queues_the_alert_once_per_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    assert_eq!(outbox_size(&vault), 0);

    // The same answer as a real unlock: nothing for the app to tell apart.
    vault.unlock(DURESS_PIN.into()).unwrap();
    assert!(vault.is_unlocked());
    assert!(decoy_profile_is_open(&vault));
    assert_eq!(persons(&vault), 0, "no real record is visible in the decoy");
    assert!(vault.search_persons("Siti".into(), 10).unwrap().is_empty());
    // What is typed into the decoy lives in memory and is gone at lock.
    vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    assert_eq!(persons(&vault), 1);

    // The alert: in the outbox, to the family and cadre by text, no call.
    let log = vault.emergency_log().unwrap();
    assert_eq!(log.len(), 1, "one alert per duress unlock");
    let alert = &log[0];
    assert_eq!(alert.plan.kind, EmergencyKind::HeldAgainstWill);
    assert!(!alert.plan.actions.is_empty());
    assert!(alert
        .plan
        .actions
        .iter()
        .all(|a| a.channel != ActionChannel::Call
            && matches!(a.recipient, Recipient::Family | Recipient::Cadre)));
    let labels: Vec<_> = alert.plan.actions.iter().map(|a| a.label.as_str()).collect();
    assert!(
        labels.contains(&"Ibu Contoh") && labels.contains(&"Kader Contoh"),
        "{labels:?}"
    );
    assert_eq!(
        vault.emergency_outbox_summary().unwrap().pending_actions as usize,
        alert.plan.actions.len()
    );

    vault.lock();
    vault.unlock(DURESS_PIN.into()).unwrap();
    assert_eq!(persons(&vault), 0, "the decoy's entries went with the lock");
    assert_eq!(
        outbox_size(&vault),
        2,
        "a second duress unlock queues a second alert"
    );

    // The real PIN still opens the real vault, and queues nothing.
    vault.lock();
    vault.unlock(PIN.into()).unwrap();
    assert!(!decoy_profile_is_open(&vault));
    assert_eq!(persons(&vault), 1);
    assert_eq!(outbox_size(&vault), 2);
}

#[test]
fn without_a_family_or_cadre_contact_the_decoy_opens_and_nothing_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 4));
    vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    vault.lock();
    vault.unlock(DURESS_PIN.into()).unwrap();
    assert!(decoy_profile_is_open(&vault));
    assert_eq!(outbox_size(&vault), 0);
}

#[test]
fn wrong_pins_still_count_and_either_pin_resets_the_count_in_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    for _ in 0..2 {
        assert!(matches!(
            vault.unlock("975310".into()),
            Err(MigranError::WrongPin { .. })
        ));
    }
    assert_eq!(vault.status().unwrap().failed_attempts, 2);
    vault.unlock(DURESS_PIN.into()).unwrap();
    let after_duress = vault.status().unwrap();
    vault.lock();

    for _ in 0..2 {
        assert!(vault.unlock("975310".into()).is_err());
    }
    vault.unlock(PIN.into()).unwrap();
    let after_real = vault.status().unwrap();
    assert_eq!(after_duress.failed_attempts, 0);
    assert_eq!(after_real.failed_attempts, 0);
    assert_eq!(
        format!("{after_duress:?}"),
        format!("{after_real:?}"),
        "the status says the same after either PIN"
    );
}

#[test]
fn setting_it_needs_the_unlocked_vault_the_real_pin_and_a_pin_the_policy_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 4));
    let invalid = |result: Result<(), MigranError>| match result {
        Err(MigranError::Invalid { field, reason }) if field == "duress_pin" => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        invalid(vault.set_duress_pin(PIN.into(), PIN.into())),
        InvalidReason::Inconsistent
    );
    assert_eq!(
        invalid(vault.set_duress_pin(PIN.into(), "123456".into())),
        InvalidReason::Weak
    );
    assert_eq!(
        invalid(vault.set_duress_pin(PIN.into(), "12".into())),
        InvalidReason::TooShort
    );
    assert!(matches!(
        vault.set_duress_pin("975310".into(), DURESS_PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
    assert_eq!(
        vault.status().unwrap().failed_attempts,
        1,
        "a wrong real PIN counts"
    );
    vault.lock();
    assert!(matches!(
        vault.set_duress_pin(PIN.into(), DURESS_PIN.into()),
        Err(MigranError::Locked)
    ));
    assert!(matches!(
        vault.remove_duress_pin(PIN.into()),
        Err(MigranError::Locked)
    ));
    // Nothing was set by any of these.
    assert!(matches!(
        vault.unlock(DURESS_PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
}

#[test]
fn removing_it_leaves_no_trace_and_a_real_pin_change_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    vault.unlock(PIN.into()).unwrap();
    vault.remove_duress_pin(PIN.into()).unwrap();
    // Removing when none is set is not an error either.
    vault.remove_duress_pin(PIN.into()).unwrap();
    vault.lock();
    assert!(matches!(
        vault.unlock(DURESS_PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
    assert_eq!(outbox_size(&vault), 0);
    assert_no_marker(dir.path());

    vault.unlock(PIN.into()).unwrap();
    vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    vault.change_pin(PIN.into(), "864202".into()).unwrap();
    vault.lock();
    assert!(matches!(
        vault.unlock(DURESS_PIN.into()),
        Err(MigranError::WrongPin { .. })
    ));
    vault.unlock("864202".into()).unwrap();
    assert!(!decoy_profile_is_open(&vault));
}

#[test]
fn in_the_decoy_the_pin_calls_answer_as_in_a_real_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    vault.unlock(DURESS_PIN.into()).unwrap();
    // Setting a "duress PIN" in the decoy is accepted and changes nothing.
    vault.set_duress_pin(DURESS_PIN.into(), "790135".into()).unwrap();
    // Changing the decoy's "PIN" moves the duress PIN; the real one is untouched.
    vault.change_pin(DURESS_PIN.into(), "318642".into()).unwrap();
    vault.lock();
    assert!(vault.unlock(DURESS_PIN.into()).is_err());
    vault.unlock("318642".into()).unwrap();
    assert!(decoy_profile_is_open(&vault));
    vault.lock();
    vault.unlock(PIN.into()).unwrap();
    assert!(!decoy_profile_is_open(&vault));
    assert_eq!(persons(&vault), 1);
}

#[test]
fn in_discreet_mode_the_decoy_shows_no_alert_and_the_outbox_still_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    vault.unlock(PIN.into()).unwrap();
    vault
        .set_emergency_settings(EmergencySettings {
            discreet: true,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault
        .set_check_in(CheckInRequest {
            schedule: CheckInSchedule::Every { minutes: 24 * 60 },
            grace_minutes: 60,
            kind: EmergencyKind::Violence,
        })
        .unwrap();
    assert_eq!(
        vault.check_in_status().unwrap().kind,
        Some(EmergencyKind::Violence)
    );
    vault.lock();
    vault.unlock(DURESS_PIN.into()).unwrap();
    assert!(vault.emergency_log().unwrap().is_empty());
    assert!(vault.pending_emergency_actions().unwrap().is_empty());
    assert_eq!(
        vault.check_in_status().unwrap().kind,
        None,
        "the decoy sees the check-in as a locked phone does in discreet mode"
    );
    vault.lock();
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(outbox_size(&vault), 1);
}

#[test]
fn a_check_in_answered_with_the_duress_pin_acts_as_with_the_real_pin_and_queues_the_alert() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_duress_pin(dir.path());
    vault.unlock(PIN.into()).unwrap();
    vault
        .set_check_in(CheckInRequest {
            schedule: CheckInSchedule::Every { minutes: 24 * 60 },
            grace_minutes: 60,
            kind: EmergencyKind::Violence,
        })
        .unwrap();
    vault.lock();
    clock.advance(Duration::hours(23));

    let with_duress = vault.check_in_done(DURESS_PIN.into()).unwrap();
    assert_eq!(with_duress.state, CheckInState::Waiting);
    assert_eq!(with_duress.seconds_until_due, Some(24 * 3600));
    assert!(!vault.is_unlocked(), "answering never unlocks");
    assert_eq!(outbox_size(&vault), 1, "the duress alert is queued");
    let with_real = vault.check_in_done(PIN.into()).unwrap();
    assert_eq!(format!("{with_duress:?}"), format!("{with_real:?}"));
    assert_eq!(outbox_size(&vault), 1, "the real PIN queues nothing");

    let cancelled = vault.cancel_check_in(DURESS_PIN.into()).unwrap();
    assert_eq!(cancelled.state, CheckInState::Off);
    assert_eq!(outbox_size(&vault), 2);
}

/// Every file of the folder with its length, sorted by name.
fn file_lengths(dir: &Path) -> Vec<(String, u64)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.metadata().unwrap().len(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The lengths of every column of the header, as someone holding the device secret reads
/// them.
fn header_lengths(dir: &Path) -> Vec<i64> {
    let conn = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('vault_header') ORDER BY cid")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(|name| name.unwrap())
        .collect();
    columns
        .iter()
        .map(|column| {
            conn.query_row(
                &format!("SELECT coalesce(length({column}), -1) FROM vault_header"),
                [],
                |row| row.get(0),
            )
            .unwrap()
        })
        .collect()
}

/// The same operations on two vaults, one with a duress PIN set, one with it removed at
/// the same point; `set` picks which.
fn vault_after_the_same_operations(dir: &Path, set: bool) -> Arc<Vault> {
    let clock = TestClock::at(2026, 12, 4);
    let vault = new_vault(dir, clock.clone());
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.set_emergency_card(card()).unwrap();
    if set {
        vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    } else {
        vault.remove_duress_pin(PIN.into()).unwrap();
    }
    vault.lock();
    clock.advance(Duration::minutes(5));
    assert!(vault.unlock("975310".into()).is_err());
    vault.unlock(PIN.into()).unwrap();
    vault.add_person(fake_person("Dewi Contoh", 3)).unwrap();
    vault.lock();
    vault.status().unwrap();
    // Left open and locked: its WAL is still there.
    vault
}

#[test]
fn every_file_and_every_header_field_has_the_same_length_with_and_without_a_duress_pin() {
    let with = tempfile::tempdir().unwrap();
    let without = tempfile::tempdir().unwrap();
    let open_with = vault_after_the_same_operations(with.path(), true);
    let open_without = vault_after_the_same_operations(without.path(), false);
    let files = file_lengths(with.path());
    assert!(
        files.iter().any(|(name, _)| name.ends_with("-wal")),
        "the WAL is compared too: {files:?}"
    );
    assert_eq!(files, file_lengths(without.path()));
    assert_eq!(header_lengths(with.path()), header_lengths(without.path()));
    assert_no_marker(with.path());
    // And once closed (the WAL checkpointed into the files), then opened again.
    drop((open_with, open_without));
    assert_eq!(file_lengths(with.path()), file_lengths(without.path()));
    let clock = TestClock::at(2026, 12, 4);
    let (_a, _b) = (reopen(with.path(), clock.clone()), reopen(without.path(), clock));
    assert_eq!(file_lengths(with.path()), file_lengths(without.path()));
    assert_eq!(header_lengths(with.path()), header_lengths(without.path()));
}

#[test]
fn the_decoy_leaves_no_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _clock) = locked_with_duress_pin(dir.path());
    vault.unlock(PIN.into()).unwrap();
    vault.lock();
    let after_real = file_names(dir.path());
    vault.unlock(DURESS_PIN.into()).unwrap();
    vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    assert_eq!(file_names(dir.path()), after_real);
    vault.lock();
    assert_eq!(file_names(dir.path()), after_real);
    assert_eq!(files_containing(dir.path(), "Budi Contoh"), Vec::<String>::new());
    assert_no_marker(dir.path());
}

/// No file holds the duress PIN, the words that would name it, or its slot's label.
fn assert_no_marker(dir: &Path) {
    for marker in [
        DURESS_PIN,
        "duress",
        "decoy",
        "second_slot",
        "second-slot",
        "Siti Contoh",
    ] {
        assert_eq!(files_containing(dir, marker), Vec::<String>::new(), "{marker}");
    }
}

/// A copy of a committed test vault (vectors of earlier formats), its keys included.
fn copy_of_vector(version: &str, into: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(version);
    for file in ["vault.db", "locked.db"] {
        std::fs::copy(source.join(file), into.join(file)).unwrap();
    }
    let keys = source.join("keys");
    let copied = into.join("keys");
    if keys.is_dir() {
        std::fs::create_dir_all(&copied).unwrap();
        for entry in std::fs::read_dir(keys).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), copied.join(entry.file_name())).unwrap();
        }
    }
    copied
}

/// The header's second slot (`None` while unset by any build) and the wrapped data key,
/// read from `locked.db` of the vault in `dir`, made with the vectors' device secret.
fn slot_and_wrapped_key(dir: &Path) -> (Option<Vec<u8>>, Vec<u8>) {
    let conn = migran_core::testing::open_locked_store(dir, Some(&[0x42; 32])).unwrap();
    conn.query_row("SELECT second_slot, wrapped_dek FROM vault_header", [], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .unwrap()
}

const VECTOR_PIN: &str = "135790";

fn open_vector(dir: &Path, keys: &Path) -> Arc<Vault> {
    let clock = TestClock::at(2026, 12, 4);
    if keys.is_dir() {
        Vault::open_with_factor_and_clock(dir, migran_core::FileKeyFactor::new(keys), clock).unwrap()
    } else {
        Vault::open_with_clock(dir, Some(vec![0x42; 32]), clock).unwrap()
    }
}

#[test]
fn vaults_of_earlier_formats_open_get_an_unset_slot_and_take_a_duress_pin() {
    for version in ["v1", "v2", "v3", "v4"] {
        let dir = tempfile::tempdir().unwrap();
        let keys = copy_of_vector(version, dir.path());
        let vault = open_vector(dir.path(), &keys);
        if !keys.is_dir() {
            // The slot is filled at the first open, before any PIN: from then on the
            // header looks like every other vault's, unlocked or not.
            let (slot, dek) = slot_and_wrapped_key(dir.path());
            let slot = slot.unwrap_or_else(|| panic!("{version}: no second slot after opening"));
            assert_eq!(slot.len(), dek.len(), "{version}");
        }
        vault.unlock(VECTOR_PIN.into()).unwrap();
        let real_persons = persons(&vault);
        assert!(real_persons > 0, "{version}");
        vault
            .set_duress_pin(VECTOR_PIN.into(), DURESS_PIN.into())
            .unwrap();
        vault.lock();
        drop(vault);

        let vault = open_vector(dir.path(), &keys);
        let alerts_before = outbox_size(&vault);
        vault.unlock(DURESS_PIN.into()).unwrap();
        assert!(decoy_profile_is_open(&vault), "{version}");
        assert_eq!(persons(&vault), 0, "{version}");
        vault.lock();
        vault.unlock(VECTOR_PIN.into()).unwrap();
        assert_eq!(persons(&vault), real_persons, "{version}");
        assert_eq!(outbox_size(&vault), alerts_before + 1, "{version}");
    }
}

/// How long a real, a duress and a wrong unlock take, at the default Argon2id setting
/// (64 MiB, 3 passes): printed, not asserted (a shared machine's timings vary). Run with
/// `cargo test -p migran-core --test duress_pin -- --ignored --nocapture`; the figures are
/// in docs/security.md, "The duress PIN".
#[test]
fn an_erased_vault_keeps_no_duress_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let settings = migran_core::VaultSettings {
        erase_after_failures: Some(3),
        ..fast_settings()
    };
    let vault = Vault::create_with_clock(
        dir.path(),
        PIN,
        Some(device_secret()),
        settings,
        TestClock::at(2026, 12, 4),
    )
    .unwrap();
    vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    vault.lock();
    let mut last = None;
    for _ in 0..3 {
        last = Some(vault.unlock("975310".into()));
    }
    assert!(matches!(last, Some(Err(MigranError::Erased))), "{last:?}");
    assert!(matches!(
        vault.unlock(DURESS_PIN.into()),
        Err(MigranError::Erased)
    ));
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    let (slot, dek): (Vec<u8>, Vec<u8>) = conn
        .query_row("SELECT second_slot, wrapped_dek FROM vault_header", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!(slot.len(), dek.len());
    assert!(slot.iter().chain(&dek).all(|byte| *byte == 0));
}
