//! Whole journeys through the public API, the way the apps and the officer use the core:
//! several capabilities, several sessions (reopen, lock, unlock) in one story.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use migran_core::{
    ContactInput, DocumentInput, DocumentKind, JourneyInput, Lookup, MigranError, PageRequest, PersonInput,
    Phase, Relation, Sector, Sex, SystemClock, Vault, VaultSettings,
};

const PIN: &str = "864200";

fn settings() -> VaultSettings {
    VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    }
}

fn person(name: &str, n: u32, sex: Sex) -> PersonInput {
    PersonInput {
        full_name: name.to_string(),
        nik: format!("32010000{n:08}"),
        birth_date: "1999-07-01".to_string(),
        sex,
        phone: Some(format!("0812{n:08}")),
        address: Some("Dusun Contoh".to_string()),
        village: "Desa Contoh".to_string(),
    }
}

#[test]
fn a_prospective_migrant_is_registered_followed_abroad_and_erased_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let device_secret = vec![0x42; 32];

    // The cadre registers a family during a home visit.
    let vault = Vault::create(
        dir.path().to_string_lossy().into_owned(),
        PIN.to_string(),
        Some(device_secret.clone()),
        settings(),
    )
    .unwrap();
    let siti = vault.add_person(person("Siti Contoh", 1, Sex::Female)).unwrap();
    vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: "Ibu Contoh".into(),
                relation: Relation::Parent,
                phone: Some("081299990000".into()),
                address: None,
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
                agency_name: Some("PT Contoh Penempatan".into()),
                agency_licence: Some("KEP-000/CONTOH".into()),
                departure_date: Some("2027-03-01".into()),
                contract_end_date: Some("2029-02-28".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    vault
        .add_document(
            siti.id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C0000001".into(),
                issued_on: Some("2026-10-01".into()),
                expires_on: Some("2031-10-01".into()),
            },
        )
        .unwrap();
    vault.lock();
    drop(vault);

    // Months later the officer opens the same vault and follows her abroad.
    let vault = Vault::open(
        dir.path().to_string_lossy().into_owned(),
        Some(device_secret.clone()),
    )
    .unwrap();
    assert_eq!(vault.get_person(siti.id.clone()), Err(MigranError::Locked));
    vault.unlock(PIN.into()).unwrap();
    let found = vault
        .find_persons(Lookup::Passport {
            number: "c-0000001".into(),
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    let journey = vault.get_journey(siti.id.clone()).unwrap().unwrap();
    assert_eq!(journey.phase, Phase::PreDeparture);
    vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::Abroad),
                destination_country: journey.destination_country.clone(),
                sector: journey.sector,
                ..JourneyInput::default()
            },
        )
        .unwrap();
    assert_eq!(
        vault.get_journey(siti.id.clone()).unwrap().unwrap().phase,
        Phase::Abroad
    );

    // On her request (UU PDP) everything about her is erased; her neighbour stays.
    let budi = vault.add_person(person("Budi Contoh", 2, Sex::Male)).unwrap();
    vault.erase_person(siti.id.clone()).unwrap();
    let page = vault
        .list_persons(PageRequest { offset: 0, limit: 50 }, true)
        .unwrap();
    assert_eq!(
        page.items.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        vec![budi.id]
    );
    assert!(vault
        .find_persons(Lookup::Passport {
            number: "C0000001".into()
        })
        .unwrap()
        .is_empty());
    assert_eq!(
        vault.get_journey(siti.id),
        Err(MigranError::NotFound {
            kind: migran_core::RecordKind::Person
        })
    );
}

#[test]
fn two_threads_share_one_vault_like_an_app_with_a_background_sync() {
    let dir = tempfile::tempdir().unwrap();
    let vault: Arc<Vault> =
        Vault::create_with_clock(dir.path(), PIN, None, settings(), Arc::new(SystemClock)).unwrap();
    let writers: Vec<_> = (0..4u32)
        .map(|t| {
            let vault = Arc::clone(&vault);
            std::thread::spawn(move || {
                for i in 0..25u32 {
                    let n = t * 100 + i;
                    vault
                        .add_person(person(&format!("Warga Contoh {n}"), n, Sex::Female))
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let page = vault
        .list_persons(
            PageRequest {
                offset: 0,
                limit: 1000,
            },
            false,
        )
        .unwrap();
    assert_eq!(page.total, 100);
}

#[test]
fn a_risky_recruitment_is_caught_at_home_and_the_button_works_abroad_after_a_safe_departure() {
    use migran_core::{
        Answer, CardContact, CardContactRole, EmergencyCard, EmergencyKind, Locale, Recipient, RiskLevel,
        ScreeningAnswer, ScreeningInput,
    };
    let dir = tempfile::tempdir().unwrap();
    let secret = vec![0x24; 32];
    let vault = Vault::create(
        dir.path().to_string_lossy().into_owned(),
        PIN.into(),
        Some(secret.clone()),
        settings(),
    )
    .unwrap();
    let dewi = vault.add_person(person("Dewi Contoh", 3, Sex::Female)).unwrap();

    // First offer: a sponsor, a visit visa, domestic work in the Emirates (moratorium).
    vault
        .set_journey(
            dewi.id.clone(),
            JourneyInput {
                phase: Some(Phase::Prospective),
                destination_country: Some("AE".into()),
                sector: Some(Sector::DomesticWork),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    let answer = |id: &str, answer| ScreeningAnswer {
        question_id: id.into(),
        answer,
    };
    let risky = vault
        .screen_person(
            dewi.id.clone(),
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: vec![
                    answer("work_visa", Answer::No),
                    answer("recruiter_licensed", Answer::No),
                ],
            },
        )
        .unwrap();
    assert_eq!(risky.result.level, RiskLevel::Critical);
    assert_eq!(vault.list_follow_ups(dewi.id.clone()).unwrap().len(), 1);

    // She refuses it and leaves later, legally, for Hong Kong's caregiving sector.
    vault
        .set_journey(
            dewi.id.clone(),
            JourneyInput {
                phase: Some(Phase::Abroad),
                destination_country: Some("HK".into()),
                sector: Some(Sector::Caregiving),
                agency_name: Some("PT Contoh Penempatan".into()),
                agency_licence: Some("KEP-000/CONTOH".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    vault
        .set_emergency_card(EmergencyCard {
            full_name: dewi.full_name.clone(),
            passport_number: Some("C0000003".into()),
            country: "HK".into(),
            city: None,
            employer_name: None,
            employer_address: Some("Flat 3, Jalan Contoh".into()),
            contacts: vec![CardContact {
                name: "Kader Contoh".into(),
                phone: "081299990002".into(),
                role: CardContactRole::Cadre,
            }],
        })
        .unwrap();
    vault.lock();
    drop(vault);

    // Abroad, the phone restarts locked; the button still works and the alert is kept.
    let vault = Vault::open(dir.path().to_string_lossy().into_owned(), Some(secret)).unwrap();
    let alert = vault
        .trigger_emergency(EmergencyKind::Violence, None, None, Locale::Id)
        .unwrap();
    assert_eq!(alert.plan.actions[0].recipient, Recipient::LocalEmergency);
    assert!(alert.plan.actions.iter().any(|a| a.recipient == Recipient::Cadre));
    assert_eq!(
        vault.pending_emergency_actions().unwrap().len(),
        alert.plan.actions.len()
    );
    vault
        .acknowledge_emergency(alert.id, "Kader Contoh".into())
        .unwrap();
    assert!(vault.pending_emergency_actions().unwrap().is_empty());
}
