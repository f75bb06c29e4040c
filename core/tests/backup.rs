//! Backup and restore through the public API.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{BackupRefusal, InvalidReason, MigranError, TeamRole, Vault};
use support::*;

fn restore(dir: &std::path::Path, backup: &[u8], key: &str) -> Result<std::sync::Arc<Vault>, MigranError> {
    Vault::restore_backup_with_clock(
        dir,
        "135790",
        Some(vec![0x33; 32]),
        fast_settings(),
        backup,
        key,
        TestClock::at(2027, 2, 1),
    )
}

#[test]
fn a_restore_on_a_fresh_device_gives_back_every_record_and_the_team() {
    let root = tempfile::tempdir().unwrap();
    let old = new_vault(&root.path().join("old"), TestClock::at(2027, 1, 4));
    old.team_create(TeamRole::Officer).unwrap();
    for n in 0..20 {
        old.add_person(fake_person("Warga Cadangan", n)).unwrap();
    }
    let key = old.backup_new_recovery_key().unwrap();
    assert_eq!(key.split('-').count(), 8, "{key}");
    let backup = old.backup_export().unwrap();
    let file = root.path().join("backup.bin");
    std::fs::write(&file, &backup).unwrap();
    for value in ["Warga Cadangan", "3201000000000007", "Dusun Contoh RT 007"] {
        assert!(files_containing(&file, value).is_empty(), "{value}");
    }

    let restored = restore(&root.path().join("new"), &backup, &key).unwrap();
    assert_eq!(
        restored.sync_register_text().unwrap(),
        old.sync_register_text().unwrap()
    );
    assert_eq!(
        restored
            .list_persons(
                migran_core::PageRequest {
                    offset: 0,
                    limit: 100
                },
                true
            )
            .unwrap()
            .total,
        20
    );
    let team = restored.sync_status().unwrap().team.unwrap();
    assert_eq!(team.team_id, old.sync_status().unwrap().team.unwrap().team_id);
    // The new vault opens with its new PIN.
    restored.lock();
    restored.unlock("135790".into()).unwrap();
    // A key typed in lower case without dashes is the same key.
    let typed = key.replace('-', "").to_lowercase();
    assert!(restore(&root.path().join("typed"), &backup, &typed).is_ok());
}

#[test]
fn a_wrong_key_or_a_damaged_file_is_refused_and_makes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let old = new_vault(&root.path().join("old"), TestClock::at(2027, 1, 4));
    old.add_person(fake_person("Warga Cadangan", 1)).unwrap();
    assert_eq!(
        old.backup_export().err(),
        Some(MigranError::BackupRefused {
            reason: BackupRefusal::NoRecoveryKey
        })
    );
    let key = old.backup_new_recovery_key().unwrap();
    let other_key = old.backup_new_recovery_key().unwrap();
    let backup = old.backup_export().unwrap();
    let target = root.path().join("new");

    assert_eq!(
        restore(&target, &backup, &key).err(),
        Some(MigranError::BackupRefused {
            reason: BackupRefusal::WrongRecoveryKey
        })
    );
    assert_eq!(
        restore(&target, &backup, "not a key").err(),
        Some(MigranError::Invalid {
            field: "recovery_key".into(),
            reason: InvalidReason::BadFormat
        })
    );
    let mut damaged = backup.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    assert_eq!(
        restore(&target, &damaged, &other_key).err(),
        Some(MigranError::BackupRefused {
            reason: BackupRefusal::Damaged
        })
    );
    assert_eq!(
        restore(
            &target,
            b"MEB1 something else entirely, not a backup file",
            &other_key
        )
        .err(),
        Some(MigranError::BackupRefused {
            reason: BackupRefusal::Format
        })
    );
    // Nothing was made, and no PIN failure was counted anywhere.
    assert_eq!(
        Vault::open(target.display().to_string(), None).err(),
        Some(MigranError::NoVault)
    );
    assert_eq!(old.status().unwrap().failed_attempts, 0);
    let restored = restore(&target, &backup, &other_key).unwrap();
    assert_eq!(restored.status().unwrap().failed_attempts, 0);
    assert_eq!(
        restored
            .list_persons(
                migran_core::PageRequest {
                    offset: 0,
                    limit: 100
                },
                true
            )
            .unwrap()
            .total,
        1
    );
}

#[test]
fn a_restored_team_device_gets_back_what_it_made_after_its_backup() {
    let root = tempfile::tempdir().unwrap();
    let phone = new_vault(&root.path().join("phone"), TestClock::at(2027, 1, 4));
    let officer = new_vault(&root.path().join("officer"), TestClock::at(2027, 1, 4));
    officer.team_create(TeamRole::Officer).unwrap();
    let request = phone.team_join_request().unwrap();
    phone
        .team_accept(officer.team_admit(request.text, TeamRole::Cadre).unwrap())
        .unwrap();
    let phone_id = phone.sync_status().unwrap().device_id;
    let officer_id = officer.sync_status().unwrap().device_id;
    phone.add_person(fake_person("Sebelum Cadangan", 1)).unwrap();
    let key = phone.backup_new_recovery_key().unwrap();
    let backup = phone.backup_export().unwrap();
    // After the backup the phone records more, sends it, and is lost.
    let after = phone.add_person(fake_person("Sesudah Cadangan", 2)).unwrap();
    officer
        .sync_import(phone.sync_export(Some(officer_id.clone())).unwrap())
        .unwrap();
    drop(phone);

    let restored = restore(&root.path().join("restored"), &backup, &key).unwrap();
    assert_eq!(restored.sync_status().unwrap().device_id, phone_id);
    let new_one = restored.add_person(fake_person("Sesudah Pemulihan", 3)).unwrap();
    // The restored phone speaks first, so the officer knows what it holds now.
    officer
        .sync_import(restored.sync_export(Some(officer_id)).unwrap())
        .unwrap();
    restored
        .sync_import(officer.sync_export(Some(phone_id)).unwrap())
        .unwrap();
    assert_eq!(
        restored.get_person(after.id).unwrap().full_name,
        "Sesudah Cadangan"
    );
    assert_eq!(
        officer.get_person(new_one.id).unwrap().full_name,
        "Sesudah Pemulihan"
    );
    assert_eq!(
        restored.sync_register_text().unwrap(),
        officer.sync_register_text().unwrap()
    );
}
