//! The vault's promises, through the public API: nothing in plaintext on disk, wrong PINs
//! counted and slowed down, tampering detected, erasure real.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use chrono::Duration;
use migran_core::{
    calibrate_kdf_iterations, new_device_secret, AuditAction, ContactInput, DocumentInput, DocumentKind,
    InvalidReason, JourneyInput, Lookup, MigranError, PageRequest, Person, Phase, RecordKind, Relation,
    Sector, StorageProblem, Vault, VaultSettings, MIN_KDF_ITERATIONS,
};
use support::*;

const FIRST_PAGE: PageRequest = PageRequest {
    offset: 0,
    limit: 100,
};

#[test]
fn cadre_registers_a_family_and_no_value_reaches_the_files_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());

    let marker = "Zqxmarker";
    let mut input = fake_person(&format!("Siti {marker} Contoh"), 1);
    input.nik = "3201987654321098".to_string();
    input.phone = Some("+6281299887766".to_string());
    input.address = Some(format!("Jalan {marker} No. 5"));
    let person = vault.add_person(input).unwrap();
    vault
        .add_contact(
            person.id.clone(),
            ContactInput {
                name: format!("Ibu {marker}"),
                relation: Relation::Parent,
                phone: Some("081277665544".to_string()),
                address: None,
            },
        )
        .unwrap();
    vault
        .set_journey(
            person.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("TW".to_string()),
                sector: Some(Sector::Manufacturing),
                employer_name: Some(format!("PT {marker} Factory")),
                agency_name: Some("PT Contoh Penempatan".to_string()),
                agency_licence: Some("KEP-000/CONTOH".to_string()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    vault
        .add_document(
            person.id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "X7654321".to_string(),
                issued_on: Some("2025-01-02".to_string()),
                expires_on: Some("2035-01-01".to_string()),
            },
        )
        .unwrap();

    let secrets = [
        marker,
        "3201987654321098",
        "6281299887766",
        "81277665544",
        "X7654321",
    ];
    // While open: the WAL holds the fresh writes.
    assert!(file_names(dir.path()).contains(&"vault.db-wal".to_string()));
    for secret in secrets {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret} while open"
        );
    }
    // No table or column name, no SQLite header: the files look like random bytes.
    for name in [
        "SQLite format 3",
        "persons",
        "vault_header",
        "full_name",
        "emergency_card",
    ] {
        assert_eq!(files_containing(dir.path(), name), Vec::<String>::new(), "{name}");
    }
    // The scan can fail: it does find a value written in the clear.
    let probe = dir.path().join("probe.txt");
    std::fs::write(&probe, marker).unwrap();
    assert_eq!(files_containing(dir.path(), marker).len(), 1);
    std::fs::remove_file(probe).unwrap();

    drop(vault);
    for secret in secrets {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret} after close"
        );
    }
    let vault = reopen(dir.path(), clock);
    vault.unlock(PIN.to_string()).unwrap();
    assert_eq!(
        vault.get_person(person.id).unwrap().full_name,
        format!("Siti {marker} Contoh")
    );
}

#[test]
fn wrong_pins_are_counted_then_slowed_down_and_the_right_pin_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let settings = VaultSettings {
        free_attempts: 3,
        ..fast_settings()
    };
    let vault =
        Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone()).unwrap();
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.lock();
    assert_eq!(vault.get_person(person.id.clone()), Err(MigranError::Locked));

    assert_eq!(
        vault.unlock("111111".into()),
        Err(MigranError::WrongPin { attempts_left: 2 })
    );
    assert_eq!(
        vault.unlock("111112".into()),
        Err(MigranError::WrongPin { attempts_left: 1 })
    );
    assert_eq!(
        vault.unlock("111113".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    // Now even the right PIN has to wait, and is not checked at all.
    assert_eq!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut {
            retry_after_seconds: 30
        })
    );
    assert_eq!(vault.status().unwrap().retry_after_seconds, 30);
    clock.advance(Duration::seconds(10));
    assert_eq!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut {
            retry_after_seconds: 20
        })
    );

    // One more wrong PIN after the wait doubles it.
    clock.advance(Duration::seconds(21));
    assert_eq!(
        vault.unlock("111114".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    assert_eq!(vault.status().unwrap().retry_after_seconds, 60);
    clock.advance(Duration::seconds(60));

    vault.unlock(PIN.into()).unwrap();
    assert_eq!(vault.get_person(person.id).unwrap().full_name, "Siti Contoh");
    let status = vault.status().unwrap();
    assert_eq!((status.failed_attempts, status.retry_after_seconds), (0, 0));
}

#[test]
fn the_failure_count_survives_closing_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    drop(new_vault(dir.path(), clock.clone()));
    let vault = reopen(dir.path(), clock.clone());
    assert_eq!(
        vault.unlock("000000".into()),
        Err(MigranError::WrongPin { attempts_left: 4 })
    );
    drop(vault);
    let vault = reopen(dir.path(), clock);
    assert_eq!(
        vault.unlock("000000".into()),
        Err(MigranError::WrongPin { attempts_left: 3 })
    );
}

#[test]
fn setting_the_clock_back_does_not_shorten_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let settings = VaultSettings {
        free_attempts: 1,
        ..fast_settings()
    };
    let vault =
        Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone()).unwrap();
    vault.lock();
    assert_eq!(
        vault.unlock("000000".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    clock.advance(Duration::days(-2));
    assert!(matches!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut { .. })
    ));
}

/// Runs `sql` on the vault's `locked.db` from outside the core, as someone holding the
/// device secret could.
fn meddle(dir: &std::path::Path, sql: &str) {
    let conn = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_lockout_header_reset_by_sql_counts_as_every_attempt_used_never_as_a_reset() {
    for (erase_after, tamper) in [
        (
            None,
            "UPDATE vault_header SET failed_attempts = 0, wrong_pins = 0, lockout_until = NULL",
        ),
        (
            None,
            "UPDATE vault_header SET header_mac = NULL, failed_attempts = 0, lockout_until = NULL",
        ),
        (
            Some(5),
            "UPDATE vault_header SET wrong_pins = 0, failed_attempts = 0",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::at(2026, 11, 28);
        let settings = VaultSettings {
            free_attempts: 3,
            erase_after_failures: erase_after,
            ..fast_settings()
        };
        let vault = Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone())
            .unwrap();
        vault.lock();
        assert!(matches!(
            vault.unlock("000001".into()),
            Err(MigranError::WrongPin { .. })
        ));
        drop(vault);
        meddle(dir.path(), tamper);

        // A new handle (a restarted app) knows nothing but the file.
        let vault = reopen(dir.path(), clock.clone());
        match erase_after {
            None => {
                assert_eq!(
                    vault.unlock(PIN.into()),
                    Err(MigranError::LockedOut {
                        retry_after_seconds: 24 * 60 * 60
                    }),
                    "{tamper}"
                );
                let status = vault.status().unwrap();
                assert!(status.failed_attempts >= 3, "{status:?}");
                // After the longest wait the right PIN opens again: altered, not lost.
                clock.advance(Duration::hours(24));
                vault.unlock(PIN.into()).unwrap();
            }
            Some(_) => assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased), "{tamper}"),
        }
    }
}

#[test]
fn an_earlier_header_put_back_is_caught_by_the_handle_that_saw_a_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let settings = VaultSettings {
        free_attempts: 2,
        ..fast_settings()
    };
    let vault =
        Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone()).unwrap();
    vault.lock();
    let saved: (Option<String>, i64, Vec<u8>) = {
        let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
        conn.query_row(
            "SELECT last_failure_at, generation, header_mac FROM vault_header",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap()
    };
    for _ in 0..2 {
        assert!(matches!(
            vault.unlock("000001".into()),
            Err(MigranError::WrongPin { .. })
        ));
    }
    assert!(matches!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut { .. })
    ));
    // The header as it was before the wrong PINs, validly sealed at the time.
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    conn.execute(
        "UPDATE vault_header SET failed_attempts = 0, wrong_pins = 0, last_failure_at = ?1,
             lockout_until = NULL, generation = ?2, header_mac = ?3",
        rusqlite::params![saved.0, saved.1, saved.2],
    )
    .unwrap();
    drop(conn);
    assert_eq!(
        vault.unlock(PIN.into()),
        Err(MigranError::LockedOut {
            retry_after_seconds: 24 * 60 * 60
        })
    );
}

#[test]
fn wrong_pins_tried_at_once_from_many_handles_are_each_counted() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let settings = VaultSettings {
        free_attempts: 100,
        ..fast_settings()
    };
    drop(Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone()).unwrap());
    const THREADS: usize = 6;
    const TRIES: usize = 3;
    let start = Arc::new(std::sync::Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|n| {
            let (dir, clock, start) = (dir.path().to_path_buf(), clock.clone(), start.clone());
            std::thread::spawn(move || {
                // Each thread its own handle, as separate processes would have.
                let vault = reopen(&dir, clock);
                start.wait();
                for try_number in 0..TRIES {
                    let wrong = format!("90{n}{try_number}00");
                    assert!(matches!(vault.unlock(wrong), Err(MigranError::WrongPin { .. })));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let vault = reopen(dir.path(), clock);
    assert_eq!(vault.status().unwrap().failed_attempts, (THREADS * TRIES) as u32);
}

#[test]
fn too_many_wrong_pins_crypto_erase_the_vault_when_the_owner_chose_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let settings = VaultSettings {
        free_attempts: 10,
        erase_after_failures: Some(3),
        ..fast_settings()
    };
    let vault =
        Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock.clone()).unwrap();
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.lock();
    assert_eq!(
        vault.unlock("000001".into()),
        Err(MigranError::WrongPin { attempts_left: 2 })
    );
    assert_eq!(
        vault.unlock("000002".into()),
        Err(MigranError::WrongPin { attempts_left: 1 })
    );
    assert_eq!(vault.unlock("000003".into()), Err(MigranError::Erased));
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
    drop(vault);
    let vault = reopen(dir.path(), clock);
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
}

#[test]
fn changing_the_pin_rewraps_the_key_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    assert_eq!(
        vault.change_pin("999999".into(), "135790".into()),
        Err(MigranError::WrongPin { attempts_left: 4 })
    );
    vault.change_pin(PIN.into(), "135790".into()).unwrap();
    drop(vault);

    let vault = reopen(dir.path(), clock);
    assert_eq!(
        vault.unlock(PIN.into()),
        Err(MigranError::WrongPin { attempts_left: 4 })
    );
    vault.unlock("135790".into()).unwrap();
    assert_eq!(vault.get_person(person.id).unwrap().nik, "3201000000000001");
}

#[test]
fn the_device_secret_is_needed_to_open_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    drop(new_vault(dir.path(), clock.clone()));
    assert_eq!(
        Vault::open_with_clock(dir.path(), None, clock.clone()).err(),
        Some(MigranError::DeviceSecretMismatch)
    );
    assert_eq!(
        Vault::open_with_clock(dir.path(), Some(vec![1u8; 32]), clock.clone()).err(),
        Some(MigranError::DeviceSecretMismatch)
    );
    let vault = reopen(dir.path(), clock);
    vault.unlock(PIN.into()).unwrap();
}

#[test]
fn a_vault_is_created_once_and_opened_only_where_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    assert_eq!(
        Vault::open_with_clock(dir.path(), None, clock.clone()).err(),
        Some(MigranError::NoVault)
    );
    drop(new_vault(dir.path(), clock.clone()));
    assert_eq!(
        Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), fast_settings(), clock).err(),
        Some(MigranError::VaultExists)
    );
}

/// Reads every person through the public API, page by page.
fn read_everyone(vault: &Vault) -> Result<Vec<Person>, MigranError> {
    let mut everyone = Vec::new();
    let mut offset = Some(0);
    while let Some(start) = offset {
        let page = vault.list_persons(
            PageRequest {
                offset: start,
                limit: 100,
            },
            true,
        )?;
        everyone.extend(page.items);
        offset = page.next_offset;
    }
    Ok(everyone)
}

const PAGE_SIZE: usize = 4096;

/// Damage shows as tampering with a record, or as a damaged file (when the page a
/// query needs first is one that unlock already reads): never as data.
fn assert_damage_reported(read: Result<Vec<Person>, MigranError>) {
    match read {
        Err(MigranError::Tampered { .. })
        | Err(MigranError::Storage {
            problem: StorageProblem::Corrupt,
        }) => {}
        Ok(persons) => panic!("damage went unnoticed: {} persons read", persons.len()),
        Err(other) => panic!("damage reported as {other:?}"),
    }
}

#[test]
fn a_flipped_byte_in_the_database_file_is_reported_as_tampering_never_read_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    for n in 1..=300 {
        vault.add_person(fake_person("Warga Contoh", n)).unwrap();
    }
    drop(vault);
    let file = dir.path().join("vault.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let pages = bytes.len() / PAGE_SIZE;
    assert!(pages > 10, "{pages} pages");
    // One bit in the middle of every other page after the schema's: whichever page a
    // read needs, it meets one.
    for page in (2..pages).step_by(2) {
        bytes[page * PAGE_SIZE + PAGE_SIZE / 2] ^= 0x20;
    }
    std::fs::write(&file, &bytes).unwrap();

    let vault = reopen(dir.path(), clock);
    assert_damage_reported(vault.unlock(PIN.into()).and_then(|()| read_everyone(&vault)));
}

#[test]
fn swapping_two_pages_of_the_database_file_is_reported_as_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    for n in 1..=300 {
        vault.add_person(fake_person("Warga Contoh", n)).unwrap();
    }
    let everyone = read_everyone(&vault).unwrap();
    drop(vault);
    let file = dir.path().join("vault.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let pages = bytes.len() / PAGE_SIZE;
    // Each page's authentication covers its number: a page moved elsewhere is refused.
    for page in (2..pages - 1).step_by(2) {
        let (a, b) = (page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
        let first: Vec<u8> = bytes[a..b].to_vec();
        bytes.copy_within(b..b + PAGE_SIZE, a);
        bytes[b..b + PAGE_SIZE].copy_from_slice(&first);
    }
    std::fs::write(&file, &bytes).unwrap();

    assert_eq!(everyone.len(), 300);
    let vault = reopen(dir.path(), clock);
    assert_damage_reported(vault.unlock(PIN.into()).and_then(|()| read_everyone(&vault)));
}

#[test]
fn an_erased_person_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock);
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault
        .add_document(
            person.id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C1234567".into(),
                issued_on: None,
                expires_on: None,
            },
        )
        .unwrap();
    vault.erase_person(person.id.clone()).unwrap();
    // The pages that held the person are not left in the log for the key to read back.
    assert_eq!(
        std::fs::metadata(dir.path().join("vault.db-wal")).unwrap().len(),
        0
    );

    assert_eq!(
        vault.get_person(person.id.clone()),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
    assert!(vault
        .find_persons(Lookup::Nik {
            nik: person.nik.clone()
        })
        .unwrap()
        .is_empty());
    assert!(vault
        .find_persons(Lookup::Passport {
            number: "C1234567".into()
        })
        .unwrap()
        .is_empty());
    assert_eq!(
        vault.list_documents(person.id.clone()),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
    assert_eq!(files_containing(dir.path(), &person.id), Vec::<String>::new());
    assert_eq!(
        vault.erase_person(person.id),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
}

#[test]
fn quick_wipe_removes_the_vault_and_the_handle_stops_working() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault: Arc<Vault> = new_vault(dir.path(), clock.clone());
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.wipe().unwrap();
    assert!(file_names(dir.path())
        .iter()
        .all(|name| !name.starts_with("vault.db")));
    assert_eq!(
        vault.list_persons(FIRST_PAGE, false).err(),
        Some(MigranError::Erased)
    );
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
    assert_eq!(
        Vault::open_with_clock(dir.path(), Some(device_secret()), clock).err(),
        Some(MigranError::NoVault)
    );
}

#[test]
fn bad_settings_and_pins_are_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let weak = VaultSettings {
        kdf_iterations: 10,
        ..VaultSettings::default()
    };
    let error = Vault::create_with_clock(dir.path(), PIN, None, weak, clock.clone()).err();
    assert!(matches!(error, Some(MigranError::Invalid { ref field, .. }) if field == "kdf_iterations"));
    let error = Vault::create_with_clock(dir.path(), "12", None, fast_settings(), clock.clone()).err();
    assert!(matches!(error, Some(MigranError::Invalid { ref field, .. }) if field == "pin"));
    let error = Vault::create_with_clock(dir.path(), PIN, Some(vec![1, 2, 3]), fast_settings(), clock).err();
    assert!(matches!(error, Some(MigranError::Invalid { ref field, .. }) if field == "device_secret"));
}

// The device secret's bounds, each on both sides (16 to 1,024 bytes); cargo-mutants found
// both lines movable by one unnoticed (docs/testing.md).
#[test]
fn a_device_secret_of_16_to_1024_bytes_is_taken_and_one_byte_beyond_is_refused() {
    let clock = TestClock::at(2026, 11, 28);
    for (length, refusal) in [
        (15, Some(InvalidReason::TooShort)),
        (16, None),
        (1024, None),
        (1025, Some(InvalidReason::TooLong)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let made = Vault::create_with_clock(
            dir.path(),
            PIN,
            Some(vec![7; length]),
            fast_settings(),
            clock.clone(),
        );
        match refusal {
            None => assert!(made.is_ok(), "{length} bytes: {:?}", made.err()),
            Some(reason) => assert_eq!(
                made.err(),
                Some(MigranError::Invalid {
                    field: "device_secret".into(),
                    reason
                }),
                "{length} bytes"
            ),
        }
    }
}

#[test]
fn short_and_weak_new_pins_are_refused_and_an_old_short_pin_still_opens() {
    let clock = TestClock::at(2026, 11, 28);
    let refused = |pin: &str| {
        let dir = tempfile::tempdir().unwrap();
        match Vault::create_with_clock(dir.path(), pin, None, fast_settings(), clock.clone()) {
            Err(MigranError::Invalid { field, reason }) if field == "pin" => reason,
            other => panic!("{pin}: {:?}", other.map(|_| "created")),
        }
    };
    for short in ["1357", "97531"] {
        assert_eq!(refused(short), InvalidReason::TooShort, "{short}");
    }
    for weak in [
        "000000", "123456", "654321", "121212", "112233", "147258", "1231231",
    ] {
        assert_eq!(refused(weak), InvalidReason::Weak, "{weak}");
    }

    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), clock.clone());
    let invalid_new_pin = |reason| {
        Err(MigranError::Invalid {
            field: "new_pin".into(),
            reason,
        })
    };
    assert_eq!(
        vault.change_pin(PIN.into(), "111111".into()),
        invalid_new_pin(InvalidReason::Weak)
    );
    // A refused new PIN is not a wrong old one: nothing was counted.
    assert_eq!(vault.status().unwrap().failed_attempts, 0);
    // A vault made before the policy with a 4-digit PIN keeps opening with it, and its
    // owner can move to a PIN the policy accepts, not to another short one.
    let old_pin = "1234";
    migran_core::testing::set_pin_without_policy(&vault, PIN, old_pin).unwrap();
    drop(vault);
    let vault = reopen(dir.path(), clock);
    vault.unlock(old_pin.into()).unwrap();
    assert_eq!(
        vault.change_pin(old_pin.into(), "4321".into()),
        invalid_new_pin(InvalidReason::TooShort)
    );
    vault.change_pin(old_pin.into(), "318527".into()).unwrap();
    vault.lock();
    vault.unlock("318527".into()).unwrap();
}

#[test]
fn a_vault_without_device_secret_works_with_the_pin_alone() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = Vault::create_with_clock(dir.path(), PIN, None, fast_settings(), clock.clone()).unwrap();
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    drop(vault);
    assert_eq!(
        Vault::open_with_clock(dir.path(), Some(device_secret()), clock.clone()).err(),
        Some(MigranError::DeviceSecretMismatch)
    );
    let vault = Vault::open_with_clock(dir.path(), None, clock).unwrap();
    assert!(!vault.status().unwrap().uses_device_secret);
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(vault.list_persons(FIRST_PAGE, false).unwrap().total, 1);
}

/// A read must not cost a durable commit (a cadre's phone reads far more than it
/// writes): its audit entry waits in memory until the oldest waiting one is a minute old
/// or a thousand wait, and then the read that finds them so stores them all in one
/// commit. None is lost on the way.
#[test]
fn reads_are_audited_in_one_commit_after_a_minute_or_a_thousand_and_none_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let entries_about_the_person = || {
        vault
            .audit_log(audit_query(Some(person.id.clone())))
            .unwrap()
            .total
    };
    let before = entries_about_the_person();
    // A commit appends frames to the WAL; nothing else here checkpoints it.
    let wal = dir.path().join("vault.db-wal");
    let wal_length = || std::fs::metadata(&wal).unwrap().len();
    let read = || {
        vault.get_person(person.id.clone()).unwrap();
    };

    let stored = wal_length();
    for _ in 0..3 {
        read();
    }
    clock.advance(Duration::seconds(59));
    read();
    assert_eq!(wal_length(), stored, "a read within the minute was committed");
    clock.advance(Duration::seconds(1));
    read();
    let after_a_minute = wal_length();
    assert!(after_a_minute > stored, "a minute-old batch was not committed");

    for _ in 0..999 {
        read();
    }
    assert_eq!(
        wal_length(),
        after_a_minute,
        "fewer than a thousand young reads were committed"
    );
    read();
    assert!(
        wal_length() > after_a_minute,
        "a thousand waiting reads were not committed"
    );

    // Viewing the log stores what waits first: the read just made is in it.
    read();
    assert_eq!(entries_about_the_person() - before, 3 + 1 + 1 + 1_000 + 1);
}

/// The apps and the CLI make the device secret with this: 32 bytes, never twice the same.
#[test]
fn a_new_device_secret_is_32_random_bytes() {
    let first = new_device_secret().unwrap();
    let second = new_device_secret().unwrap();
    assert_eq!(first.len(), 32);
    assert_eq!(second.len(), 32);
    assert_ne!(first, second);
}

/// However fast the device, calibration never goes below the floor a vault accepts.
#[test]
fn calibrated_iterations_never_fall_below_the_floor() {
    assert_eq!(calibrate_kdf_iterations(0).unwrap(), MIN_KDF_ITERATIONS);
    let calibrated = calibrate_kdf_iterations(20).unwrap();
    assert!(calibrated >= MIN_KDF_ITERATIONS, "{calibrated}");
}

/// `init` over old files removes only what no one can open again: a vault that opens
/// with the secret given is refused and left whole; one whose secret is lost (another
/// secret, or one too short to be any vault's) is removed.
#[test]
fn only_a_vault_that_cannot_be_opened_is_removed() {
    let clock = TestClock::at(2026, 11, 28);
    let dir = tempfile::tempdir().unwrap();
    let person = new_vault(dir.path(), clock.clone())
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();

    assert_eq!(
        Vault::remove_unopenable(dir.path(), Some(device_secret())),
        Err(MigranError::VaultExists)
    );
    let vault = reopen(dir.path(), clock.clone());
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(vault.get_person(person.id).unwrap().full_name, "Siti Contoh");
    drop(vault);

    for lost_secret in [vec![0x11; 32], vec![0x5a; 8]] {
        let dir = tempfile::tempdir().unwrap();
        drop(new_vault(dir.path(), clock.clone()));
        assert!(!file_names(dir.path()).is_empty());
        Vault::remove_unopenable(dir.path(), Some(lost_secret.clone())).unwrap();
        assert_eq!(
            file_names(dir.path()),
            Vec::<String>::new(),
            "{} bytes",
            lost_secret.len()
        );
        assert!(matches!(
            Vault::open_with_clock(dir.path(), Some(device_secret()), clock.clone()),
            Err(MigranError::NoVault)
        ));
    }
}

/// An app that lets go of the vault without locking it (killed by the system, closed by
/// the user) keeps the reads made just before: dropping the handle stores them.
#[test]
fn reads_waiting_when_the_handle_is_dropped_are_in_the_log_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let reads_of = |vault: &Vault, person_id: &str| {
        let page = vault.audit_log(audit_query(Some(person_id.to_string()))).unwrap();
        page.items
            .iter()
            .filter(|entry| entry.action == AuditAction::Read)
            .count()
    };
    let vault = new_vault(dir.path(), clock.clone());
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    assert_eq!(reads_of(&vault, &person.id), 0);
    vault.get_person(person.id.clone()).unwrap();
    vault.get_person(person.id.clone()).unwrap();
    drop(vault);

    let vault = reopen(dir.path(), clock);
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(reads_of(&vault, &person.id), 2);
}

/// On a shared computer (the CLI) no other account may list or open the vault: the
/// folder made for it is 0700 and every file in it 0600 or stricter.
#[cfg(unix)]
#[test]
fn a_new_vault_folder_and_its_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("vault");
    let vault = new_vault(&dir, TestClock::at(2026, 11, 28));
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;

    assert_eq!(mode(&dir), 0o700);
    let names = file_names(&dir);
    assert!(names.contains(&"vault.db-wal".to_string()), "{names:?}");
    for name in names {
        assert_eq!(mode(&dir.join(&name)) & 0o077, 0, "{name}");
    }
}
