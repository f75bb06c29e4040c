//! Lawful bases of processing (UU PDP Pasal 20 ayat (2)) through the public API: the
//! register on the village's legal duty, a referral in an emergency on vital interests
//! with its reason recorded and the person told afterwards, a child's consent given by a
//! parent or guardian.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    lawful_basis, Agency, CaseInput, CaseStatus, CaseType, ConsentGiver, ConsentInput, ConsentPurpose,
    GuardianRelationship, InvalidReason, LawfulBasis, Locale, MigranError, NotAllowedReason, Person,
    ReferralInput, Reporter, Vault,
};
use support::*;

fn consent(purpose: ConsentPurpose, given: bool) -> ConsentInput {
    ConsentInput {
        purpose,
        given,
        date: None,
        note: Some("formulir bertanda tangan".into()),
    }
}

/// Dewi Contoh, 16 on the tests' day, registered by the cadre.
fn register_child(vault: &Vault) -> Person {
    let mut child = fake_person("Dewi Contoh", 2);
    child.birth_date = "2010-05-01".into();
    vault.add_person(child).unwrap()
}

fn referral() -> ReferralInput {
    ReferralInput {
        agency: Agency::Kbri,
        office: Some("KJRI Hong Kong".into()),
        date: None,
        note: None,
    }
}

#[test]
fn an_emergency_referral_without_consent_needs_a_recorded_vital_interest_reason() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault
        .set_actor(migran_core::ActorInput {
            name: "Kader Contoh".into(),
            role: migran_core::ActorRole::Cadre,
        })
        .unwrap();
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let case = vault
        .open_case(
            person.id.clone(),
            CaseInput {
                case_type: CaseType::TraffickingSuspicion,
                description: "Disekap majikan".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    let missing = Some(MigranError::NotAllowed {
        reason: NotAllowedReason::ConsentMissing {
            purpose: ConsentPurpose::ShareWithAgencies,
        },
    });
    // No consent: an ordinary referral is refused, and so is an emergency one without a reason.
    assert_eq!(vault.refer_case(case.id.clone(), referral()).err(), missing);
    assert_eq!(
        vault
            .refer_case_in_emergency(case.id.clone(), referral(), "  ".into())
            .err(),
        missing
    );
    assert!(vault.processing_records(person.id.clone()).unwrap().is_empty());

    // With the reason: allowed on vital interests, and the reason is on record.
    let referred = vault
        .refer_case_in_emergency(
            case.id.clone(),
            referral(),
            "Disekap, tidak bisa menelepon sendiri".into(),
        )
        .unwrap();
    assert_eq!(referred.status, CaseStatus::Referred);
    let records = vault.processing_records(person.id.clone()).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].basis, LawfulBasis::VitalInterest);
    assert_eq!(records[0].purpose, ConsentPurpose::ShareWithAgencies);
    assert_eq!(records[0].reason, "Disekap, tidak bisa menelepon sendiri");
    assert_eq!(records[0].person_told_on, None, "still to be told");
    assert_eq!(
        records[0].recorded_by,
        Some(migran_core::Actor {
            name: "Kader Contoh".into(),
            role: migran_core::ActorRole::Cadre
        })
    );

    // The person is told afterwards: not before the referral, not in the future.
    assert_eq!(
        vault
            .record_person_told(records[0].id.clone(), Some("2026-11-01".into()))
            .err(),
        Some(MigranError::Invalid {
            field: "date".into(),
            reason: InvalidReason::OutOfRange
        })
    );
    let told = vault.record_person_told(records[0].id.clone(), None).unwrap();
    assert_eq!(told.person_told_on.as_deref(), Some("2026-11-28"));

    // The person's own export shows the processing, its reason and when they were told.
    let export: serde_json::Value =
        serde_json::from_str(&vault.export_person(person.id.clone()).unwrap()).unwrap();
    let exported = &export["processing_without_consent"];
    assert_eq!(exported.as_array().map(Vec::len), Some(1), "{exported}");
    assert_eq!(exported[0]["reason"], "Disekap, tidak bisa menelepon sendiri");
    assert_eq!(exported[0]["person_told_on"], "2026-11-28");

    // With consent, an emergency referral needs no vital-interest record.
    vault
        .record_consent(
            person.id.clone(),
            consent(ConsentPurpose::ShareWithAgencies, true),
        )
        .unwrap();
    vault
        .refer_case_in_emergency(case.id.clone(), referral(), "".into())
        .unwrap();
    assert_eq!(vault.processing_records(person.id).unwrap().len(), 1);
}

#[test]
fn a_childs_consent_is_given_by_a_parent_or_guardian_and_recorded_with_who_gave_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let child = register_child(&vault);
    let refused = Some(MigranError::NotAllowed {
        reason: NotAllowedReason::GuardianConsentRequired,
    });
    assert_eq!(
        vault
            .record_consent(child.id.clone(), consent(ConsentPurpose::ShareWithFamily, true))
            .err(),
        refused
    );
    // Withdrawing stays open to the child.
    vault
        .record_consent(child.id.clone(), consent(ConsentPurpose::Reporting, false))
        .unwrap();
    let mother = ConsentGiver {
        name: "Ibu Contoh".into(),
        relationship: GuardianRelationship::Parent,
    };
    let record = vault
        .record_guardian_consent(
            child.id.clone(),
            consent(ConsentPurpose::ShareWithFamily, true),
            mother.clone(),
        )
        .unwrap();
    assert_eq!(record.given_by, Some(mother.clone()));
    let history = vault.consent_history(child.id.clone()).unwrap();
    assert_eq!(history.last().unwrap().given_by, Some(mother.clone()));
    // The family view, which needs that consent, opens for the child now.
    assert!(vault.family_checklist(child.id.clone(), Locale::Id).is_ok());

    // An adult gives their own consent: a guardian's is refused as inconsistent.
    let adult = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    assert_eq!(
        vault
            .record_guardian_consent(adult.id, consent(ConsentPurpose::ShareWithFamily, true), mother)
            .err(),
        Some(MigranError::Invalid {
            field: "given_by".into(),
            reason: InvalidReason::Inconsistent
        })
    );
}

#[test]
fn every_purpose_names_its_lawful_basis_and_articles_in_both_languages() {
    let register = lawful_basis(ConsentPurpose::Registration, Locale::Id).unwrap();
    assert_eq!(
        register.bases,
        [LawfulBasis::LegalObligation, LawfulBasis::PublicTask]
    );
    assert!(register.articles.contains("UU 18/2017 Pasal 42"));
    assert!(register.articles.contains("huruf c dan e"));
    let agencies = lawful_basis(ConsentPurpose::ShareWithAgencies, Locale::En).unwrap();
    assert_eq!(agencies.bases, [LawfulBasis::Consent, LawfulBasis::VitalInterest]);
    assert!(agencies.explanation.contains("told afterwards"));
    for purpose in [ConsentPurpose::ShareWithFamily, ConsentPurpose::Reporting] {
        let id = lawful_basis(purpose, Locale::Id).unwrap();
        let en = lawful_basis(purpose, Locale::En).unwrap();
        assert_eq!(id.bases, [LawfulBasis::Consent]);
        assert!(id.articles.contains("Pasal 25") || id.explanation.contains("Pasal 25"));
        assert_ne!(id.explanation, en.explanation);
    }
}

/// Adult from the 18th birthday on (UU 18/2017 Pasal 5), on the vault's day: the day
/// before it a guardian gives the consent (found by mutation testing: no test sat on
/// the boundary).
#[test]
fn a_person_gives_their_own_consent_from_their_eighteenth_birthday() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut eighteen_today = fake_person("Dewi Contoh", 2);
    eighteen_today.birth_date = "2008-11-28".into();
    let eighteen_today = vault.add_person(eighteen_today).unwrap();
    vault
        .record_consent(eighteen_today.id, consent(ConsentPurpose::ShareWithFamily, true))
        .unwrap();

    let mut eighteen_tomorrow = fake_person("Rina Contoh", 3);
    eighteen_tomorrow.birth_date = "2008-11-29".into();
    let eighteen_tomorrow = vault.add_person(eighteen_tomorrow).unwrap();
    assert_eq!(
        vault
            .record_consent(
                eighteen_tomorrow.id,
                consent(ConsentPurpose::ShareWithFamily, true)
            )
            .err(),
        Some(MigranError::NotAllowed {
            reason: NotAllowedReason::GuardianConsentRequired
        })
    );
}

/// A consent a person gave as an adult no longer opens what needs it once their birth
/// date is corrected to a child's: a parent or guardian has to give it (found by
/// mutation testing: no test reached the check at use).
#[test]
fn a_consent_given_without_a_guardian_does_not_cover_a_child_after_a_birth_date_correction() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let input = fake_person("Dewi Contoh", 2);
    let person = vault.add_person(input.clone()).unwrap();
    vault
        .record_consent(person.id.clone(), consent(ConsentPurpose::ShareWithFamily, true))
        .unwrap();
    assert!(vault.family_checklist(person.id.clone(), Locale::Id).is_ok());

    let mut corrected = input;
    corrected.birth_date = "2010-05-01".into();
    vault.update_person(person.id.clone(), corrected).unwrap();
    assert_eq!(
        vault.family_checklist(person.id, Locale::Id).err(),
        Some(MigranError::NotAllowed {
            reason: NotAllowedReason::GuardianConsentRequired
        })
    );
}

/// The register rests on the village's legal duty, not on consent: a child's
/// registration, recorded with no parent or guardian, still lets the cadre open a case
/// for the child, while what rests on consent asks for the guardian (found by mutation
/// testing: no test used a child's record on the register's basis).
#[test]
fn a_childs_registration_needs_no_guardian_but_a_consent_does() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let child = register_child(&vault);
    let case = CaseInput {
        case_type: CaseType::TraffickingSuspicion,
        description: "Dijanjikan kerja di luar negeri".into(),
        reported_by: Reporter::Family,
        reported_on: None,
    };
    assert!(vault.open_case(child.id.clone(), case).is_ok());
    assert_eq!(
        vault
            .record_consent(child.id, consent(ConsentPurpose::ShareWithFamily, true))
            .err(),
        Some(MigranError::NotAllowed {
            reason: NotAllowedReason::GuardianConsentRequired
        })
    );
}
