//! The committed test vaults (`core/tests/vectors/v1/`, `v2/`, ...): vaults written by
//! each storage format, with obviously fake data covering every record kind. Every later
//! build must open each and read back exactly what its `expected.json` says, so a change
//! of a storage code, a column, a key derivation or a cipher setting cannot slip through.
//!
//! To write the newest vector (only when a new format version is made on purpose: add
//! its folder to `VECTORS` first):
//! `MIGRAN_WRITE_TEST_VECTOR=1 cargo test -p migran-core --test vector -- --ignored`.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use migran_core::{
    ActorInput, ActorRole, Agency, AuditQuery, CardContact, CardContactRole, CaseInput, CaseStatus, CaseType,
    ChecklistItemUpdate, ConsentInput, ConsentPurpose, ContactInput, DocumentInput, DocumentKind,
    EmergencyCard, EmergencyKind, EmergencySettings, ItemState, JourneyInput, Locale, MaritalStatus,
    PageRequest, Phase, ReferralInput, ReintegrationNeed, Relation, ReportRequest, Reporter, ReturnInput,
    ReturnReason, Sector, ServiceInput, ServiceKind, StatusChangeInput, Vault, VaultSettings,
    VisitFollowUpInput, VisitInput, VisitTopic,
};
use support::*;

/// Every committed vector, oldest first: v1, the first page-encrypted format; v2, reads'
/// audit entries in blocks and pages authenticated with HMAC-SHA256; v3, the PIN stretched
/// with Argon2id and the lockout header sealed (locked schema step 5); v4, made with the
/// hardware key factor (locked schema step 6; the CLI's file factor, its key files in
/// `v4/keys/`).
const VECTORS: &[&str] = &["v1", "v2", "v3", "v4"];
const VECTOR_PIN: &str = "135790";
const VECTOR_SECRET: [u8; 32] = [0x42; 32];

fn vector_dir(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(version)
}

fn clock() -> Arc<TestClock> {
    TestClock::at(2026, 12, 1)
}

/// The folder of a vector's hardware key factor (the file factor's keys), for the
/// vectors made with one.
fn factor_keys(vector: &Path) -> Option<PathBuf> {
    Some(vector.join("keys")).filter(|keys| keys.is_dir())
}

/// Writes a vault holding one or more records of every kind; with a file key factor
/// keeping its keys in `factor_keys` when given, else with the vector's device secret.
fn write_vault(dir: &Path, clock: Arc<TestClock>, factor_keys: Option<&Path>) {
    let settings = VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        free_attempts: 5,
        erase_after_failures: None,
    };
    let vault = match factor_keys {
        Some(keys) => Vault::create_with_factor_and_clock(
            dir,
            VECTOR_PIN,
            migran_core::FileKeyFactor::new(keys),
            settings.clone(),
            migran_core::Argon2Settings::for_iterations(settings.kdf_iterations),
            clock.clone(),
        ),
        None => Vault::create_with_clock(
            dir,
            VECTOR_PIN,
            Some(VECTOR_SECRET.to_vec()),
            settings,
            clock.clone(),
        ),
    }
    .unwrap();
    vault
        .set_actor(ActorInput {
            name: "Kader Contoh".into(),
            role: ActorRole::Cadre,
        })
        .unwrap();

    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    let dewi = vault.add_person(fake_person("Dewi Contoh", 3)).unwrap();
    for (person, purpose) in [
        (&siti.id, ConsentPurpose::ShareWithFamily),
        (&siti.id, ConsentPurpose::ShareWithAgencies),
        (&siti.id, ConsentPurpose::Reporting),
        (&dewi.id, ConsentPurpose::Reporting),
    ] {
        vault
            .record_consent(
                person.clone(),
                ConsentInput {
                    purpose,
                    given: true,
                    date: Some("2026-11-02".into()),
                    note: Some("Formulir contoh".into()),
                },
            )
            .unwrap();
    }
    vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: "Ibu Contoh".into(),
                relation: Relation::Parent,
                phone: Some("081299990001".into()),
                address: Some("Dusun Contoh".into()),
            },
        )
        .unwrap();
    vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("HK".into()),
                sector: Some(Sector::DomesticWork),
                employer_name: Some("Majikan Contoh".into()),
                employer_address: Some("Jalan Contoh 1, Hong Kong".into()),
                agency_name: Some("PT Contoh Penempatan".into()),
                agency_licence: Some("KEP-000/CONTOH".into()),
                departure_date: Some("2027-01-15".into()),
                contract_end_date: Some("2029-01-14".into()),
            },
        )
        .unwrap();
    let passport = vault
        .add_document(
            siti.id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C0000001".into(),
                issued_on: Some("2026-10-01".into()),
                expires_on: Some("2036-09-30".into()),
            },
        )
        .unwrap();
    vault
        .set_marital_status(siti.id.clone(), MaritalStatus::Single, Locale::Id)
        .unwrap();
    let view = vault.checklist(siti.id.clone(), Locale::Id).unwrap();
    vault
        .set_checklist_item(
            siti.id.clone(),
            view.summary.next_steps[0].clone(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some("Kader Contoh".into()),
                note: Some("Sudah diperiksa".into()),
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    let passport_item = vault
        .checklist(siti.id.clone(), Locale::Id)
        .unwrap()
        .items
        .into_iter()
        .find(|item| item.id == "passport")
        .map(|item| item.id);
    if let Some(item) = passport_item {
        vault
            .set_checklist_item(
                siti.id.clone(),
                item,
                ChecklistItemUpdate {
                    state: ItemState::InProgress,
                    by: None,
                    note: None,
                    document_id: Some(passport.id.clone()),
                },
                Locale::Id,
            )
            .unwrap();
    }
    clock.advance(Duration::hours(1));
    vault.screen_person(siti.id.clone(), every_answer_yes()).unwrap();
    vault
        .add_visit(
            siti.id.clone(),
            VisitInput {
                date: "2026-11-30".into(),
                cadre: Some("Kader Contoh".into()),
                present: vec!["Ibu Contoh".into()],
                topics: vec![VisitTopic::RedFlags, VisitTopic::Documents],
                observations: Some("Pengamatan contoh".into()),
                follow_ups: vec![VisitFollowUpInput {
                    action: "Tindakan contoh".into(),
                    due_on: "2026-12-07".into(),
                }],
                next_visit_on: Some("2026-12-30".into()),
            },
        )
        .unwrap();
    let case = vault
        .open_case(
            siti.id.clone(),
            CaseInput {
                case_type: CaseType::TraffickingSuspicion,
                description: "Uraian contoh".into(),
                reported_by: Reporter::Family,
                reported_on: Some("2026-11-30".into()),
            },
        )
        .unwrap();
    vault
        .refer_case(
            case.id.clone(),
            ReferralInput {
                agency: Agency::Kp2mi,
                office: Some("BP3MI Contoh".into()),
                date: None,
                note: Some("Rujukan contoh".into()),
            },
        )
        .unwrap();
    vault
        .change_case_status(
            case.id.clone(),
            StatusChangeInput {
                to: CaseStatus::InProgress,
                date: None,
                note: Some("Ditangani".into()),
            },
        )
        .unwrap();
    vault
        .add_case_note(case.id.clone(), "Catatan contoh".into(), None)
        .unwrap();

    vault
        .set_journey(
            dewi.id.clone(),
            JourneyInput {
                phase: Some(Phase::Abroad),
                destination_country: Some("MY".into()),
                sector: Some(Sector::Manufacturing),
                departure_date: Some("2024-03-01".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    let returned = vault
        .record_return(
            dewi.id.clone(),
            ReturnInput {
                return_date: "2026-11-20".into(),
                reason: ReturnReason::ContractEnd,
                case_id: None,
                condition: Some("Sehat".into()),
                needs: vec![ReintegrationNeed::Economic, ReintegrationNeed::Health],
                follow_up_plan: Some("Pelatihan usaha".into()),
                next_follow_up_on: Some("2026-12-20".into()),
            },
        )
        .unwrap();
    vault
        .add_reintegration_service(
            returned.id,
            ServiceInput {
                kind: ServiceKind::Training,
                date: "2026-11-25".into(),
                provider: Some("Penyedia contoh".into()),
                note: None,
            },
        )
        .unwrap();
    vault.set_person_archived(budi.id.clone(), true).unwrap();

    vault
        .set_emergency_card(EmergencyCard {
            full_name: "Siti Contoh".into(),
            passport_number: Some("C0000001".into()),
            country: "HK".into(),
            city: Some("Kowloon".into()),
            employer_name: Some("Majikan Contoh".into()),
            employer_address: Some("Jalan Contoh 1".into()),
            contacts: vec![
                CardContact {
                    name: "Ibu Contoh".into(),
                    phone: "081299990001".into(),
                    role: CardContactRole::Family,
                },
                CardContact {
                    name: "Kader Contoh".into(),
                    phone: "081299990002".into(),
                    role: CardContactRole::Cadre,
                },
            ],
        })
        .unwrap();
    vault
        .set_emergency_settings(EmergencySettings {
            discreet: false,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault.lock();
    clock.advance(Duration::hours(1));
    let alert = vault
        .trigger_emergency(EmergencyKind::HeldAgainstWill, None, None, Locale::Id)
        .unwrap();
    vault
        .record_emergency_action(alert.id.clone(), 0, migran_core::ActionStatus::HandedToOs)
        .unwrap();
    vault
        .acknowledge_emergency(alert.id, "Kader Contoh".into())
        .unwrap();
}

/// Everything the vault holds, read through the public API, as canonical JSON.
fn snapshot(vault: &Vault) -> serde_json::Value {
    let audit = vault
        .audit_log(AuditQuery {
            person_id: None,
            from: None,
            to: None,
            page: PageRequest {
                offset: 0,
                limit: 1_000,
            },
        })
        .unwrap();
    let persons = vault
        .list_persons(
            PageRequest {
                offset: 0,
                limit: 1_000,
            },
            true,
        )
        .unwrap();
    let exports: Vec<serde_json::Value> = persons
        .items
        .iter()
        .map(|p| serde_json::from_str(&vault.export_person(p.id.clone()).unwrap()).unwrap())
        .collect();
    let report = vault
        .village_report(ReportRequest {
            from: Some("2026-01-01".into()),
            to: Some("2026-12-31".into()),
            ..Default::default()
        })
        .unwrap();
    serde_json::json!({
        "audit_log": serde_json::to_value(&audit.items).unwrap(),
        "persons": exports,
        "emergency_card": serde_json::to_value(vault.emergency_card().unwrap()).unwrap(),
        "emergency_settings": serde_json::to_value(vault.emergency_settings().unwrap()).unwrap(),
        "emergency_log": alert_ids_masked(serde_json::to_value(vault.emergency_log().unwrap()).unwrap()),
        "village_report": serde_json::from_str::<serde_json::Value>(
            &migran_core::village_report_json(&report).unwrap()
        ).unwrap(),
    })
}

#[test]
#[ignore = "writes the committed test vector; run only when making a new format version"]
fn write_the_test_vector() {
    if std::env::var("MIGRAN_WRITE_TEST_VECTOR").as_deref() != Ok("1") {
        return;
    }
    let newest = VECTORS[VECTORS.len() - 1];
    let target = vector_dir(newest);
    assert!(
        !target.join("locked.db").exists(),
        "{newest} exists: a new format goes into a new folder"
    );
    std::fs::create_dir_all(&target).unwrap();
    // From v4 on the vector is made with the hardware key factor.
    write_vault(&target, clock(), Some(&target.join("keys")));
    // Read from a copy, exactly as the test does: reading writes audit entries, which
    // must not end up in the committed files.
    let expected = snapshot_of_copy(&target);
    std::fs::write(
        target.join("expected.json"),
        serde_json::to_string_pretty(&expected).unwrap() + "\n",
    )
    .unwrap();
}

/// Opens a copy of the vault in `source` with the vector's keys and reads everything.
fn snapshot_of_copy(source: &Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    for file in ["vault.db", "locked.db"] {
        std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
    }
    let vault = match factor_keys(source) {
        Some(keys) => {
            // The keys are copied too: a test never changes a committed file.
            let copied = dir.path().join("keys");
            std::fs::create_dir_all(&copied).unwrap();
            for entry in std::fs::read_dir(keys).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), copied.join(entry.file_name())).unwrap();
            }
            let factor = migran_core::FileKeyFactor::new(&copied);
            Vault::open_with_factor_and_clock(dir.path(), factor, clock()).unwrap()
        }
        None => Vault::open_with_clock(dir.path(), Some(VECTOR_SECRET.to_vec()), clock()).unwrap(),
    };
    vault.unlock(VECTOR_PIN.into()).unwrap();
    snapshot(&vault)
}

/// An alert's id is made anew when locked schema step 7 moves it to the padded outbox
/// (the old ids began with the time of the press: docs/security.md, "No emergency trace"),
/// so the log is compared without ids; everything else of each alert must match.
fn alert_ids_masked(mut log: serde_json::Value) -> serde_json::Value {
    for alert in log.as_array_mut().into_iter().flatten() {
        let id = alert["id"].as_str().unwrap_or_default();
        assert_eq!(id.len(), 32, "alert id {id}");
        alert["id"] = "(random, made when the alert was stored or moved)".into();
    }
    log
}

/// Fields added to stored records after a vector was written: the records stored before
/// must read with these values (`serde(default)`), so they are added to what the vector
/// expects, and every other value must still match. Issue 16: the location updates of an
/// alert and the interval between them.
fn fields_added_since_read_as_their_defaults(expected: &mut serde_json::Value) {
    let settings = expected["emergency_settings"].as_object_mut().unwrap();
    settings
        .entry("location_update_minutes")
        .or_insert(migran_core::DEFAULT_LOCATION_UPDATE_MINUTES.into());
    for alert in expected["emergency_log"].as_array_mut().into_iter().flatten() {
        let alert = alert.as_object_mut().unwrap();
        alert.entry("location_sent_at").or_insert(serde_json::Value::Null);
        alert.entry("location_updates_sent").or_insert(0.into());
        alert
            .entry("location_updates_stopped_at")
            .or_insert(serde_json::Value::Null);
        if let Some(location) = alert.get_mut("location").and_then(|l| l.as_object_mut()) {
            location
                .entry("fix_time_epoch_ms")
                .or_insert(serde_json::Value::Null);
        }
    }
}

#[test]
fn every_committed_vault_opens_and_every_record_reads_back_as_written() {
    for version in VECTORS {
        let source = vector_dir(version);
        let mut expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(source.join("expected.json")).unwrap()).unwrap();
        expected["emergency_log"] = alert_ids_masked(expected["emergency_log"].take());
        fields_added_since_read_as_their_defaults(&mut expected);
        let actual = snapshot_of_copy(&source);
        for (section, value) in expected.as_object().unwrap() {
            assert!(
                actual[section] == *value,
                "{version}: {section} differs from the committed vector"
            );
        }
        assert_eq!(actual, expected, "{version}");
        // Reads' audit entries are there (in v1 as JSON batches: reading them back
        // equal shows data migration 1 moved every one, with its id and time).
        assert!(
            expected["audit_log"]
                .as_array()
                .unwrap()
                .iter()
                .any(|entry| entry["action"] == "read"),
            "{version}"
        );
        // Not a copy of the file the test itself would write: the vector holds every kind.
        let person = &expected["persons"][0];
        for part in [
            "contacts",
            "journey",
            "documents",
            "consents",
            "visits",
            "cases",
            "checklist",
            "screening",
        ] {
            assert!(!person[part].is_null(), "{version} lacks {part}");
        }
    }
}

/// A header sealed by this build cannot be passed off as one from before the seal covered
/// the newer fields: someone holding the device secret who resets the counters and clears
/// every field added since locked schema step 4 (so that the header looks as a step-4 one
/// did) finds it read as altered, every attempt used. cargo-mutants found the old layout's
/// MAC check skippable for such a header unnoticed (docs/testing.md).
#[test]
fn a_sealed_header_made_to_look_older_reads_as_altered() {
    let dir = tempfile::tempdir().unwrap();
    // v2 is a PBKDF2 vault written before the header was sealed; this build seals it.
    for file in ["vault.db", "locked.db"] {
        std::fs::copy(vector_dir("v2").join(file), dir.path().join(file)).unwrap();
    }
    let clock = clock();
    let vault = Vault::open_with_clock(dir.path(), Some(VECTOR_SECRET.to_vec()), clock.clone()).unwrap();
    assert!(matches!(
        vault.unlock("000000".into()),
        Err(migran_core::MigranError::WrongPin { .. })
    ));
    drop(vault);
    let conn = migran_core::testing::open_locked_store(dir.path(), Some(&VECTOR_SECRET)).unwrap();
    conn.execute_batch(
        "UPDATE vault_header SET failed_attempts = 0, wrong_pins = 0, last_failure_at = NULL,
         lockout_until = NULL, last_seen_at = NULL, wait_boot_id = NULL,
         wait_end_elapsed_ms = NULL, second_slot = NULL",
    )
    .unwrap();
    drop(conn);
    let vault = Vault::open_with_clock(dir.path(), Some(VECTOR_SECRET.to_vec()), clock).unwrap();
    assert!(
        matches!(
            vault.unlock(VECTOR_PIN.into()),
            Err(migran_core::MigranError::LockedOut { .. })
        ),
        "an altered header must count as every attempt used"
    );
}
