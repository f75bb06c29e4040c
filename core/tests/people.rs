//! Registering and finding people, as a cadre and a village officer do.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    ContactInput, DocumentInput, DocumentKind, InvalidReason, JourneyInput, Lookup, MigranError, PageRequest,
    Phase, RecordKind, Relation, Sector,
};
use proptest::prelude::*;
use support::*;

fn invalid_field(result: Result<impl std::fmt::Debug, MigranError>) -> (String, InvalidReason) {
    match result {
        Err(MigranError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

#[test]
fn officer_lists_the_village_register_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    for n in 0..25 {
        vault
            .add_person(fake_person(&format!("Warga Contoh {n:02}"), n))
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut page = PageRequest { offset: 0, limit: 10 };
    loop {
        let result = vault.list_persons(page, false).unwrap();
        assert_eq!(result.total, 25);
        seen.extend(result.items.into_iter().map(|p| p.full_name));
        match result.next_offset {
            Some(next) => page.offset = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[0], "Warga Contoh 00");
    assert_eq!(seen[24], "Warga Contoh 24");
    assert_eq!(
        invalid_field(vault.list_persons(PageRequest { offset: 0, limit: 0 }, false)),
        ("limit".to_string(), InvalidReason::OutOfRange)
    );
}

#[test]
fn archived_people_leave_the_default_list_but_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    assert!(vault.set_person_archived(siti.id.clone(), true).unwrap().archived);
    let page = PageRequest { offset: 0, limit: 10 };
    assert_eq!(vault.list_persons(page, false).unwrap().total, 1);
    assert_eq!(vault.list_persons(page, true).unwrap().total, 2);
    assert!(!vault.set_person_archived(siti.id, false).unwrap().archived);
    assert_eq!(vault.list_persons(page, false).unwrap().total, 2);
}

#[test]
fn a_person_is_found_by_nik_phone_or_passport_however_it_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    vault
        .add_document(
            siti.id.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C 1234567".into(),
                issued_on: Some("2025-03-01".into()),
                expires_on: Some("2035-02-28".into()),
            },
        )
        .unwrap();

    let by_nik = vault
        .find_persons(Lookup::Nik {
            nik: "3201 0000 0000 0001".into(),
        })
        .unwrap();
    let by_phone = vault
        .find_persons(Lookup::Phone {
            phone: "0812-0000-0001".into(),
        })
        .unwrap();
    let by_passport = vault
        .find_persons(Lookup::Passport {
            number: "c1234567".into(),
        })
        .unwrap();
    for found in [by_nik, by_phone, by_passport] {
        assert_eq!(
            found.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            [siti.id.as_str()]
        );
    }
    assert!(vault
        .find_persons(Lookup::Nik {
            nik: "3201000000000099".into()
        })
        .unwrap()
        .is_empty());
    assert_eq!(
        invalid_field(vault.find_persons(Lookup::Nik { nik: "123".into() })),
        ("nik".to_string(), InvalidReason::TooShort)
    );
}

#[test]
fn updating_a_person_moves_the_lookups_along() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let mut changed = fake_person("Siti Contoh Baru", 1);
    changed.phone = Some("+6281300000009".into());
    let updated = vault.update_person(siti.id.clone(), changed).unwrap();
    assert_eq!(updated.full_name, "Siti Contoh Baru");
    assert_eq!(updated.created_at, siti.created_at);
    assert!(vault
        .find_persons(Lookup::Phone {
            phone: "+6281200000001".into()
        })
        .unwrap()
        .is_empty());
    assert_eq!(
        vault
            .find_persons(Lookup::Phone {
                phone: "081300000009".into()
            })
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        vault.find_persons(Lookup::Nik { nik: siti.nik }).unwrap().len(),
        1
    );
}

#[test]
fn the_same_nik_cannot_be_registered_twice() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    assert_eq!(
        vault.add_person(fake_person("Siti Kembar", 1)).err(),
        Some(MigranError::Duplicate { field: "nik".into() })
    );
    assert_eq!(
        vault.update_person(budi.id, fake_person("Budi Contoh", 1)).err(),
        Some(MigranError::Duplicate { field: "nik".into() })
    );
}

#[test]
fn name_search_ignores_case_and_word_order() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault.add_person(fake_person("Siti Aminah Contoh", 1)).unwrap();
    vault.add_person(fake_person("Budi Santoso Contoh", 2)).unwrap();
    vault.add_person(fake_person("Aminah Contoh", 3)).unwrap();
    let names = |query: &str| -> Vec<String> {
        vault
            .search_persons(query.into(), 10)
            .unwrap()
            .into_iter()
            .map(|p| p.full_name)
            .collect()
    };
    assert_eq!(names("AMINAH"), ["Aminah Contoh", "Siti Aminah Contoh"]);
    assert_eq!(names("contoh siti"), ["Siti Aminah Contoh"]);
    assert!(names("Joko").is_empty());
    assert_eq!(vault.search_persons("contoh".into(), 2).unwrap().len(), 2);
    assert_eq!(
        invalid_field(vault.search_persons("   ".into(), 10)),
        ("query".to_string(), InvalidReason::Empty)
    );
}

#[test]
fn family_contacts_journey_and_documents_hang_off_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();

    let mother = vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: "Ibu Contoh".into(),
                relation: Relation::Parent,
                phone: Some("0812 9999 0001".into()),
                address: Some("Desa Contoh".into()),
            },
        )
        .unwrap();
    assert_eq!(mother.phone.as_deref(), Some("+6281299990001"));
    assert_eq!(
        vault.list_contacts(siti.id.clone()).unwrap(),
        vec![mother.clone()]
    );

    assert_eq!(vault.get_journey(siti.id.clone()).unwrap(), None);
    let journey = vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("tw".into()),
                sector: Some(Sector::Caregiving),
                departure_date: Some("2027-02-01".into()),
                contract_end_date: Some("2030-01-31".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    assert_eq!(journey.destination_country.as_deref(), Some("TW"));
    assert_eq!(vault.get_journey(siti.id.clone()).unwrap(), Some(journey));
    let abroad = vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::Abroad),
                destination_country: Some("TW".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    assert_eq!(
        vault.get_journey(siti.id.clone()).unwrap().unwrap().phase,
        Phase::Abroad
    );
    assert_eq!(abroad.sector, None);

    let ktp = vault
        .add_document(
            siti.id.clone(),
            DocumentInput {
                kind: DocumentKind::Ktp,
                number: "3201000000000001".into(),
                issued_on: None,
                expires_on: None,
            },
        )
        .unwrap();
    assert_eq!(vault.list_documents(siti.id.clone()).unwrap(), vec![ktp.clone()]);
    vault.remove_document(ktp.id.clone()).unwrap();
    vault.remove_contact(mother.id.clone()).unwrap();
    assert!(vault.list_documents(siti.id.clone()).unwrap().is_empty());
    assert!(vault.list_contacts(siti.id.clone()).unwrap().is_empty());
    assert_eq!(
        vault.remove_document(ktp.id),
        Err(MigranError::NotFound {
            kind: RecordKind::Document
        })
    );
    assert_eq!(
        vault.remove_contact(mother.id),
        Err(MigranError::NotFound {
            kind: RecordKind::Contact
        })
    );
    assert_eq!(
        vault.list_contacts("no-such-person".into()),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let base = fake_person("Siti Contoh", 1);
    let cases: Vec<(migran_core::PersonInput, &str, InvalidReason)> = vec![
        (
            migran_core::PersonInput {
                full_name: "  ".into(),
                ..base.clone()
            },
            "full_name",
            InvalidReason::Empty,
        ),
        (
            migran_core::PersonInput {
                full_name: "x".repeat(201),
                ..base.clone()
            },
            "full_name",
            InvalidReason::TooLong,
        ),
        (
            migran_core::PersonInput {
                nik: "320100000000001".into(),
                ..base.clone()
            },
            "nik",
            InvalidReason::TooShort,
        ),
        (
            migran_core::PersonInput {
                nik: "320100000000000A".into(),
                ..base.clone()
            },
            "nik",
            InvalidReason::BadFormat,
        ),
        (
            migran_core::PersonInput {
                birth_date: "2001-02-30".into(),
                ..base.clone()
            },
            "birth_date",
            InvalidReason::BadDate,
        ),
        (
            migran_core::PersonInput {
                birth_date: "12/04/1998".into(),
                ..base.clone()
            },
            "birth_date",
            InvalidReason::BadFormat,
        ),
        (
            migran_core::PersonInput {
                birth_date: "2027-01-01".into(),
                ..base.clone()
            },
            "birth_date",
            InvalidReason::OutOfRange,
        ),
        (
            migran_core::PersonInput {
                phone: Some("halo".into()),
                ..base.clone()
            },
            "phone",
            InvalidReason::BadFormat,
        ),
        (
            migran_core::PersonInput {
                village: "".into(),
                ..base.clone()
            },
            "village",
            InvalidReason::Empty,
        ),
        (
            migran_core::PersonInput {
                address: Some("a\u{7}b".into()),
                ..base.clone()
            },
            "address",
            InvalidReason::BadCharacters,
        ),
    ];
    for (input, field, reason) in cases {
        assert_eq!(
            invalid_field(vault.add_person(input)),
            (field.to_string(), reason)
        );
    }
    let siti = vault.add_person(base).unwrap();
    let journey = |input: JourneyInput| invalid_field(vault.set_journey(siti.id.clone(), input));
    assert_eq!(
        journey(JourneyInput {
            destination_country: Some("XX".into()),
            ..JourneyInput::default()
        }),
        ("destination_country".to_string(), InvalidReason::UnknownCountry)
    );
    assert_eq!(
        journey(JourneyInput {
            departure_date: Some("2027-05-01".into()),
            contract_end_date: Some("2027-01-01".into()),
            ..JourneyInput::default()
        }),
        ("contract_end_date".to_string(), InvalidReason::Inconsistent)
    );
    let document = invalid_field(vault.add_document(
        siti.id.clone(),
        DocumentInput {
            kind: DocumentKind::Passport,
            number: "C1234567".into(),
            issued_on: Some("2030-01-01".into()),
            expires_on: Some("2029-01-01".into()),
        },
    ));
    assert_eq!(document, ("expires_on".to_string(), InvalidReason::Inconsistent));
    // Nothing half-written: the refused inputs left no person behind.
    assert_eq!(
        vault
            .list_persons(PageRequest { offset: 0, limit: 10 }, true)
            .unwrap()
            .total,
        1
    );
}

#[test]
fn errors_speak_indonesian_first_and_english_too_without_values() {
    let error = MigranError::Invalid {
        field: "nik".into(),
        reason: InvalidReason::TooShort,
    };
    let indonesian = error.message(migran_core::Locale::Id);
    let english = error.message(migran_core::Locale::En);
    assert!(
        indonesian.contains("NIK") && indonesian.contains("terlalu pendek"),
        "{indonesian}"
    );
    assert!(english.contains("too short"), "{english}");
    assert_eq!(
        migran_core::error_message(error, migran_core::Locale::En),
        english
    );
    assert!(MigranError::WrongPin { attempts_left: 2 }
        .message(migran_core::Locale::Id)
        .contains("Sisa 2"));
}

fn text(max: usize) -> impl Strategy<Value = String> {
    // Printable text, including non-Latin scripts, with no surrounding blanks.
    proptest::string::string_regex(&format!(
        "[A-Za-z0-9À-ɏ\u{0600}-\u{06FF}\u{4E00}-\u{4E2F} '.-]{{1,{max}}}"
    ))
    .unwrap()
    .prop_map(|s| s.trim().to_string())
    .prop_filter("not blank", |s| !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_person_round_trips_exactly(
        name in text(60),
        village in text(40),
        address in proptest::option::of(text(120)),
        nik in "[0-9]{16}",
        phone in proptest::option::of("\\+62[1-9][0-9]{8,11}"),
        year in 1940i32..2008,
        month in 1u32..=12,
        day in 1u32..=28,
        female in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
        let input = migran_core::PersonInput {
            full_name: name,
            nik,
            birth_date: format!("{year:04}-{month:02}-{day:02}"),
            sex: if female { migran_core::Sex::Female } else { migran_core::Sex::Male },
            phone,
            address,
            village,
        };
        let added = vault.add_person(input.clone()).unwrap();
        let read = vault.get_person(added.id.clone()).unwrap();
        prop_assert_eq!(&read, &added);
        prop_assert_eq!(&read.full_name, &input.full_name);
        prop_assert_eq!(&read.nik, &input.nik);
        prop_assert_eq!(&read.birth_date, &input.birth_date);
        prop_assert_eq!(read.sex, input.sex);
        prop_assert_eq!(&read.phone, &input.phone);
        prop_assert_eq!(&read.address, &input.address);
        prop_assert_eq!(&read.village, &input.village);
    }
}

/// A field as a person (or a fuzzer) might type it: well formed three times in four,
/// anything at all otherwise.
fn typed_or_arbitrary(well_formed: &str) -> BoxedStrategy<String> {
    prop_oneof![
        3 => proptest::string::string_regex(well_formed).unwrap(),
        1 => any::<String>(),
    ]
    .boxed()
}

/// Whatever a person (or a fuzzer) types, the answer is a record or a typed error. The
/// inputs are a mix of well-formed and arbitrary fields, and the test counts both
/// outcomes: a generator that only ever produced refusals would never test the branch
/// that stores a person and goes on to the journey.
#[test]
fn arbitrary_input_gives_a_record_or_a_typed_error_never_a_panic() {
    use proptest::test_runner::{Config, TestRunner};
    let input = (
        typed_or_arbitrary("[A-Za-z][A-Za-z '.-]{0,40}[a-z]"),
        typed_or_arbitrary("3201[0-9]{12}"),
        typed_or_arbitrary("19[5-9][0-9]-0[1-9]-1[0-9]"),
        proptest::option::of(typed_or_arbitrary("\\+62[1-9][0-9]{8,11}")),
        proptest::option::of(typed_or_arbitrary("[A-Za-z0-9][A-Za-z0-9 .,]{0,60}")),
        typed_or_arbitrary("[A-Z][a-z]{2,20}"),
        typed_or_arbitrary("[A-Z]{2}"),
        any::<String>(),
    );
    let stored = std::cell::Cell::new(0u32);
    let refused = std::cell::Cell::new(0u32);
    let mut runner = TestRunner::new(Config {
        cases: 128,
        ..Config::default()
    });
    runner
        .run(
            &input,
            |(name, nik, birth_date, phone, address, village, country, query)| {
                let dir = tempfile::tempdir().unwrap();
                let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
                let input = migran_core::PersonInput {
                    full_name: name,
                    nik: nik.clone(),
                    birth_date,
                    sex: migran_core::Sex::Female,
                    phone,
                    address,
                    village,
                };
                match vault.add_person(input) {
                    Ok(person) => {
                        stored.set(stored.get() + 1);
                        let journey = JourneyInput {
                            destination_country: Some(country),
                            ..JourneyInput::default()
                        };
                        match vault.set_journey(person.id, journey) {
                            Ok(_) | Err(MigranError::Invalid { .. }) => {}
                            Err(other) => prop_assert!(false, "unexpected {other:?}"),
                        }
                    }
                    Err(MigranError::Invalid { .. }) => refused.set(refused.get() + 1),
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
                match vault.search_persons(query, 10) {
                    Ok(_) | Err(MigranError::Invalid { .. }) => {}
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
                match vault.find_persons(Lookup::Nik { nik }) {
                    Ok(_) | Err(MigranError::Invalid { .. }) => {}
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
                Ok(())
            },
        )
        .unwrap();
    // About one case in four stores a person (four required fields well formed with
    // 3/4 each, the optional ones absent or well formed), so with 128 cases "none" or
    // "all" would take a broken generator, not bad luck.
    assert!(
        stored.get() > 0,
        "no case stored a person ({} refused)",
        refused.get()
    );
    assert!(refused.get() > 0, "no case was refused ({} stored)", stored.get());
}

#[test]
fn an_import_is_all_or_nothing_and_names_the_refused_row() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut batch: Vec<_> = (1..=5)
        .map(|n| fake_person(&format!("Warga Contoh {n}"), n))
        .collect();
    batch[2].nik = "12".into();
    let error = vault.import_persons(batch.clone()).unwrap_err();
    assert_eq!(
        error,
        MigranError::Invalid {
            field: "3.nik".into(),
            reason: InvalidReason::TooShort
        }
    );
    assert!(error.message(migran_core::Locale::En).contains("row 3: NIK"));
    assert_eq!(
        vault
            .list_persons(PageRequest { offset: 0, limit: 10 }, true)
            .unwrap()
            .total,
        0
    );

    batch[2].nik = batch[0].nik.clone();
    assert_eq!(
        vault.import_persons(batch.clone()).unwrap_err(),
        MigranError::Duplicate {
            field: "3.nik".into()
        }
    );
    batch[2] = fake_person("Warga Contoh 3", 3);
    assert_eq!(vault.import_persons(batch).unwrap().len(), 5);
    assert_eq!(
        vault
            .list_persons(PageRequest { offset: 0, limit: 10 }, true)
            .unwrap()
            .total,
        5
    );
}
