//! Whole journeys through the public API, the way the apps and the officer use the core:
//! several capabilities, several sessions (reopen, lock, unlock) in one story.

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
            kind: "person".into()
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
    assert!(page.unreadable_ids.is_empty());
}
