//! The pre-departure checklist through the public API, with a fixed "today".
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    ChecklistItemUpdate, ConsentInput, ConsentPurpose, DocumentInput, DocumentKind, ItemState, JourneyInput,
    Locale, MaritalStatus, MigranError, NotAllowedReason, Phase, RecordKind, Sector, Sex, Vault, WarningKind,
};
use proptest::prelude::*;
use support::*;

fn update(state: ItemState) -> ChecklistItemUpdate {
    ChecklistItemUpdate {
        state,
        by: Some("Kader Contoh".into()),
        note: None,
        document_id: None,
    }
}

fn journey(country: &str, sector: Sector, departure: &str) -> JourneyInput {
    JourneyInput {
        phase: Some(Phase::PreDeparture),
        destination_country: Some(country.into()),
        sector: Some(sector),
        departure_date: Some(departure.into()),
        contract_end_date: Some("2030-02-28".into()),
        ..JourneyInput::default()
    }
}

fn ids(view: &migran_core::ChecklistView) -> Vec<String> {
    view.items.iter().map(|i| i.id.clone()).collect()
}

fn setup(
    sex: Sex,
    birth: &str,
    country: &str,
    sector: Sector,
    departure: &str,
) -> (tempfile::TempDir, std::sync::Arc<Vault>, String) {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut input = fake_person("Siti Contoh", 1);
    input.sex = sex;
    input.birth_date = birth.into();
    let person = vault.add_person(input).unwrap();
    vault
        .set_journey(person.id.clone(), journey(country, sector, departure))
        .unwrap();
    (dir, vault, person.id)
}

#[test]
fn conditions_pick_the_items_that_apply() {
    // Marital status: unknown shows every permission letter, flagged; known picks one.
    let (_dir, vault, id) = setup(
        Sex::Female,
        "1998-04-12",
        "TW",
        Sector::Manufacturing,
        "2027-03-01",
    );
    let view = vault.checklist(id.clone(), Locale::Id).unwrap();
    let items = ids(&view);
    assert!(
        items.contains(&"husband_permission".to_string()) && items.contains(&"parent_permission".to_string())
    );
    assert!(
        view.items
            .iter()
            .find(|i| i.id == "husband_permission")
            .unwrap()
            .condition_unknown
    );
    let married = vault
        .set_marital_status(id.clone(), MaritalStatus::Married, Locale::Id)
        .unwrap();
    let items = ids(&married);
    // Sex: a married woman needs her husband's permission, not a wife's.
    assert!(items.contains(&"husband_permission".to_string()));
    assert!(!items.contains(&"wife_permission".to_string()));
    assert!(items.contains(&"marriage_book_copy".to_string()));
    assert!(!items.contains(&"parent_permission".to_string()));
    let single = vault
        .set_marital_status(id.clone(), MaritalStatus::Single, Locale::Id)
        .unwrap();
    assert!(ids(&single).contains(&"parent_permission".to_string()));
    assert!(!ids(&single).contains(&"marriage_book_copy".to_string()));
    // Destination and sector: no moratorium item for a factory job in Taiwan, none for fishing either.
    assert!(!ids(&single).contains(&"moratorium_check".to_string()));
    assert!(!ids(&single).contains(&"seafarer_book".to_string()));
    // Age: an adult has no "not yet 18" item.
    assert!(!ids(&single).contains(&"age_not_yet_18".to_string()));

    let (_dir, vault, id) = setup(Sex::Male, "1995-01-01", "AE", Sector::DomesticWork, "2027-03-01");
    vault
        .set_marital_status(id.clone(), MaritalStatus::Married, Locale::En)
        .unwrap();
    let view = vault.checklist(id.clone(), Locale::En).unwrap();
    assert!(
        ids(&view).contains(&"moratorium_check".to_string()),
        "destination + sector"
    );
    assert!(
        ids(&view).contains(&"wife_permission".to_string()),
        "sex: a married man needs his wife's permission"
    );

    let (_dir, vault, id) = setup(Sex::Male, "1995-01-01", "TW", Sector::Fishing, "2027-03-01");
    assert!(ids(&vault.checklist(id, Locale::En).unwrap()).contains(&"seafarer_book".to_string()));

    let (_dir, vault, id) = setup(
        Sex::Female,
        "2009-06-01",
        "MY",
        Sector::Manufacturing,
        "2027-03-01",
    );
    let young = vault.checklist(id, Locale::Id).unwrap();
    assert!(
        ids(&young).contains(&"age_not_yet_18".to_string()),
        "age at departure 17"
    );
    assert!(young
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::UnderageAtDeparture && w.red));
}

#[test]
fn a_visa_cannot_be_done_before_the_passport_and_the_work_agreement() {
    let (_dir, vault, id) = setup(
        Sex::Female,
        "1998-04-12",
        "TW",
        Sector::Manufacturing,
        "2027-03-01",
    );
    let refused = vault
        .set_checklist_item(
            id.clone(),
            "work_visa".into(),
            update(ItemState::Done),
            Locale::Id,
        )
        .unwrap_err();
    assert_eq!(
        refused,
        MigranError::NotAllowed {
            reason: NotAllowedReason::ChecklistDependency {
                item: "work_visa".into(),
                missing: vec!["passport".into(), "work_agreement".into()]
            }
        }
    );
    assert!(refused
        .message(Locale::Id)
        .contains("selesaikan dulu passport, work_agreement"));
    // In progress is allowed: work can start before the paperwork is complete.
    vault
        .set_checklist_item(
            id.clone(),
            "work_visa".into(),
            update(ItemState::InProgress),
            Locale::Id,
        )
        .unwrap();
    for step in [
        "ktp",
        "family_card",
        "birth_certificate",
        "passport",
        "registration_disnaker",
        "placement_agreement",
        "work_agreement",
    ] {
        vault
            .set_checklist_item(id.clone(), step.into(), update(ItemState::Done), Locale::Id)
            .unwrap();
    }
    let view = vault
        .set_checklist_item(
            id.clone(),
            "work_visa".into(),
            update(ItemState::Done),
            Locale::Id,
        )
        .unwrap();
    let visa = view.items.iter().find(|i| i.id == "work_visa").unwrap();
    assert_eq!(
        (visa.state, visa.done_by.as_deref()),
        (ItemState::Done, Some("Kader Contoh"))
    );
    assert!(view
        .summary
        .next_steps
        .contains(&"pre_departure_orientation".to_string()));
    assert!(!view
        .summary
        .blocked
        .contains(&"pre_departure_orientation".to_string()));
    let unknown = vault.set_checklist_item(id, "fly_to_the_moon".into(), update(ItemState::Done), Locale::Id);
    assert!(matches!(unknown, Err(MigranError::Invalid { ref field, .. }) if field == "item"));
}

#[test]
fn warnings_come_from_the_core_with_a_fixed_today() {
    // Departure on 2026-12-20, 22 days after "today": near, with items missing.
    let (_dir, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2026-12-20");
    vault
        .add_document(
            id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C0000001".into(),
                issued_on: Some("2022-01-01".into()),
                expires_on: Some("2027-03-01".into()),
            },
        )
        .unwrap();
    let view = vault.checklist(id.clone(), Locale::En).unwrap();
    let kinds: Vec<WarningKind> = view.warnings.iter().map(|w| w.kind).collect();
    assert!(
        kinds.contains(&WarningKind::DepartureNearItemsMissing),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&WarningKind::PassportValidityTooShort),
        "expires 2027-03-01, under 6 months after 2026-12-20"
    );
    assert!(
        kinds.contains(&WarningKind::DocumentExpiresBeforeContractEnd),
        "contract ends 2030-02-28"
    );
    assert!(
        kinds.contains(&WarningKind::ItemOverdue),
        "registration was due 90 days before departure"
    );
    assert!(!kinds.contains(&WarningKind::UnderageAtDeparture));
    // The document is named in the person's language, never by its code name.
    let expiry_text = |locale| {
        let view = vault.checklist(id.clone(), locale).unwrap();
        let warning = view
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::DocumentExpiresBeforeContractEnd)
            .unwrap()
            .message
            .clone();
        warning
    };
    let in_indonesian = expiry_text(Locale::Id);
    assert!(in_indonesian.starts_with("Dokumen paspor "), "{in_indonesian}");
    assert!(!in_indonesian.contains("Passport"), "{in_indonesian}");
    assert!(expiry_text(Locale::En).starts_with("The passport expires"));
    assert_eq!(
        view.summary.red_warnings,
        view.warnings.iter().filter(|w| w.red).count() as u32
    );
    let registration = view
        .items
        .iter()
        .find(|i| i.id == "registration_disnaker")
        .unwrap();
    assert_eq!(registration.due_date.as_deref(), Some("2026-09-21"));
    let passport = view.items.iter().find(|i| i.id == "passport").unwrap();
    assert!(passport.document_id.is_some(), "the stored passport links itself");

    // A departure far away and a long passport: none of those warnings.
    let (_dir, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
    vault
        .add_document(
            id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C0000002".into(),
                issued_on: None,
                expires_on: Some("2035-01-01".into()),
            },
        )
        .unwrap();
    let kinds: Vec<WarningKind> = vault
        .checklist(id, Locale::En)
        .unwrap()
        .warnings
        .iter()
        .map(|w| w.kind)
        .collect();
    assert!(kinds.is_empty(), "{kinds:?}");
}

#[test]
fn the_family_view_shows_progress_in_plain_words_and_nothing_sensitive() {
    let (_dir, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2026-12-20");
    vault
        .add_document(
            id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C7777777".into(),
                issued_on: None,
                expires_on: Some("2027-01-01".into()),
            },
        )
        .unwrap();
    vault
        .set_checklist_item(
            id.clone(),
            "ktp".into(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some("Kader Zqxmarker".into()),
                note: Some("catatan rahasia Zqxnote".into()),
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    // The family sees it only with the person's consent to share with them.
    assert_eq!(
        vault.family_checklist(id.clone(), Locale::Id),
        Err(MigranError::NotAllowed {
            reason: NotAllowedReason::ConsentMissing {
                purpose: ConsentPurpose::ShareWithFamily
            }
        })
    );
    vault
        .record_consent(
            id.clone(),
            ConsentInput {
                purpose: ConsentPurpose::ShareWithFamily,
                given: true,
                date: None,
                note: None,
            },
        )
        .unwrap();
    let family = vault.family_checklist(id.clone(), Locale::Id).unwrap();
    assert_eq!(family.first_name, "Siti");
    assert_eq!(family.done, 1);
    assert!(family.total > 10);
    assert!(!family.next_steps.is_empty());
    assert!(
        family.warnings.iter().any(|w| w.contains("paspor")),
        "{:?}",
        family.warnings
    );
    let text = format!("{family:?}");
    for secret in [
        "3201000000000001",
        "C7777777",
        "Zqxmarker",
        "Zqxnote",
        "Contoh",
        "2027-01-01",
    ] {
        assert!(!text.contains(secret), "family view leaks {secret}");
    }
    let full = vault.checklist(id, Locale::Id).unwrap();
    let ktp = full.items.iter().find(|i| i.id == "ktp").unwrap();
    assert_eq!(
        ktp.note.as_deref(),
        Some("catatan rahasia Zqxnote"),
        "the cadre's view has the note"
    );
}

#[test]
fn the_checklist_is_sealed_and_erased_with_the_person() {
    let (dir, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-03-01");
    vault
        .set_checklist_item(
            id.clone(),
            "ktp".into(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some("Kader Zqxmarker".into()),
                note: None,
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    assert_eq!(files_containing(dir.path(), "Zqxmarker"), Vec::<String>::new());
    assert_eq!(
        files_containing(dir.path(), "registration_disnaker"),
        Vec::<String>::new()
    );
    vault.erase_person(id.clone()).unwrap();
    assert_eq!(
        vault.checklist(id, Locale::Id).err(),
        Some(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
    assert_eq!(vault.checklist_pack_version().unwrap(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Whatever valid changes a cadre makes, the summary agrees with the item states.
    #[test]
    fn the_summary_always_matches_the_items(choices in proptest::collection::vec((0usize..40, 0u8..4), 1..40)) {
        let (_dir, vault, id) = setup(Sex::Female, "1998-04-12", "TW", Sector::Manufacturing, "2027-03-01");
        for (pick, state) in choices {
            let view = vault.checklist(id.clone(), Locale::Id).unwrap();
            let item = &view.items[pick % view.items.len()];
            let state = [ItemState::NotStarted, ItemState::InProgress, ItemState::Done, ItemState::NotApplicable][state as usize];
            let result = vault.set_checklist_item(id.clone(), item.id.clone(), update(state), Locale::Id);
            match result {
                Ok(_) => {}
                Err(MigranError::NotAllowed { reason: NotAllowedReason::ChecklistDependency { .. } }) => prop_assert!(state == ItemState::Done && !item.blocked_by.is_empty()),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
            let view = vault.checklist(id.clone(), Locale::Id).unwrap();
            let done = view.items.iter().filter(|i| i.state == ItemState::Done).count() as u32;
            let total = view.items.iter().filter(|i| i.state != ItemState::NotApplicable).count() as u32;
            prop_assert_eq!(view.summary.done, done);
            prop_assert_eq!(view.summary.total, total);
            for item in &view.items {
                let open = !matches!(item.state, ItemState::Done | ItemState::NotApplicable);
                prop_assert_eq!(view.summary.next_steps.contains(&item.id), open && item.blocked_by.is_empty());
                prop_assert_eq!(view.summary.blocked.contains(&item.id), open && !item.blocked_by.is_empty());
                prop_assert!(item.blocked_by.iter().all(|b| item.depends_on.contains(b)));
            }
        }
    }
}

/// The kinds of warning one person's checklist raises, with their red flags.
fn warnings_of(vault: &Vault, id: &str) -> Vec<(WarningKind, bool, Option<String>)> {
    vault
        .checklist(id.into(), Locale::En)
        .unwrap()
        .warnings
        .into_iter()
        .map(|w| (w.kind, w.red, w.item_id))
        .collect()
}

fn with_document(vault: &Vault, id: &str, kind: DocumentKind, expires_on: &str) {
    vault
        .add_document(
            id.into(),
            DocumentInput {
                kind,
                number: "C0000009".into(),
                issued_on: None,
                expires_on: Some(expires_on.into()),
            },
        )
        .unwrap();
}

// Each rule's line falls on one day; found missing by cargo-mutants (`<` read as `<=`,
// the red flag's `||` read as `&&`), see docs/testing.md.
#[test]
fn each_warning_starts_the_day_after_its_line() {
    let has = |found: &[(WarningKind, bool, Option<String>)], kind| found.iter().any(|w| w.0 == kind);

    // Eighteen on the day of departure is allowed; one day short is not.
    let (_d, vault, id) = setup(Sex::Female, "2008-12-20", "HK", Sector::Caregiving, "2026-12-20");
    assert!(!has(&warnings_of(&vault, &id), WarningKind::UnderageAtDeparture));
    let (_d, vault, id) = setup(Sex::Female, "2008-12-21", "HK", Sector::Caregiving, "2026-12-20");
    assert!(has(&warnings_of(&vault, &id), WarningKind::UnderageAtDeparture));

    // A document valid until the contract's last day (2030-02-28) covers it; a day less does not.
    let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
    with_document(&vault, &id, DocumentKind::Passport, "2030-02-28");
    assert!(!has(
        &warnings_of(&vault, &id),
        WarningKind::DocumentExpiresBeforeContractEnd
    ));
    let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
    with_document(&vault, &id, DocumentKind::Passport, "2030-02-27");
    assert!(has(
        &warnings_of(&vault, &id),
        WarningKind::DocumentExpiresBeforeContractEnd
    ));

    // Red for the documents the work abroad stands on, a caution for the others.
    for (kind, red) in [
        (DocumentKind::Passport, true),
        (DocumentKind::WorkVisa, true),
        (DocumentKind::HealthCertificate, false),
    ] {
        let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
        with_document(&vault, &id, kind, "2029-01-01");
        let found = warnings_of(&vault, &id);
        let expiry = found
            .iter()
            .find(|w| w.0 == WarningKind::DocumentExpiresBeforeContractEnd)
            .unwrap();
        assert_eq!(expiry.1, red, "{kind:?}");
    }

    // The passport must last six months after departure (2027-09-01): to 2028-03-01 is enough.
    let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
    with_document(&vault, &id, DocumentKind::Passport, "2028-03-01");
    assert!(!has(
        &warnings_of(&vault, &id),
        WarningKind::PassportValidityTooShort
    ));
    let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, "2027-09-01");
    with_document(&vault, &id, DocumentKind::Passport, "2028-02-29");
    assert!(has(
        &warnings_of(&vault, &id),
        WarningKind::PassportValidityTooShort
    ));

    // Registration is due 90 days before departure: due today (2026-11-28) is not yet overdue.
    let registration_overdue = |departure: &str| {
        let (_d, vault, id) = setup(Sex::Female, "1998-04-12", "HK", Sector::Caregiving, departure);
        warnings_of(&vault, &id)
            .iter()
            .any(|w| w.0 == WarningKind::ItemOverdue && w.2.as_deref() == Some("registration_disnaker"))
    };
    assert!(!registration_overdue("2027-02-26"));
    assert!(registration_overdue("2027-02-25"));
}
