//! The recruiter check through the public API: a signed P3MI list (obviously fake
//! sample data), looked up offline by licence number or name, and a journey whose agency
//! is unknown, suspended or revoked raising the screening's flag and a checklist warning.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    AgencyStanding, Answer, JourneyInput, Locale, MigranError, PackRejectReason, Phase, ScreeningAnswer,
    ScreeningInput, Vault, WarningKind,
};
use std::sync::Arc;
use support::*;

const SAMPLE: &[u8] = include_bytes!("../content/agencies/sample.json");
const SAMPLE_SIGNATURE: &str = include_str!("../content/agencies/sample.json.sig");

fn vault_with_sample(dir: &std::path::Path) -> Arc<Vault> {
    let vault = new_vault(dir, TestClock::at(2026, 12, 3));
    install_sample(&vault);
    vault
}

fn install_sample(vault: &Vault) {
    let info = vault
        .install_agency_pack(SAMPLE.to_vec(), unhex(SAMPLE_SIGNATURE))
        .unwrap();
    assert!(info.sample);
    assert_eq!(info.agency_count, 3);
}

#[test]
fn agencies_are_found_offline_by_licence_number_or_name_with_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    assert_eq!(
        vault
            .check_agency("PT Contoh Penempatan".into(), Locale::Id)
            .unwrap()
            .standing,
        AgencyStanding::NoRegistry
    );
    assert_eq!(vault.agency_registry_info().unwrap(), None);
    install_sample(&vault);
    vault.lock();
    let cases = [
        ("kep-0001/contoh/2026", AgencyStanding::Active),
        ("pt contoh penempatan", AgencyStanding::Active),
        ("KEP-0002/CONTOH/2026", AgencyStanding::Suspended),
        ("PT Contoh Dicabut Tbk", AgencyStanding::Revoked),
        ("PT Tidak Ada Contoh", AgencyStanding::Unknown),
    ];
    for (query, standing) in cases {
        let check = vault.check_agency(query.into(), Locale::En).unwrap();
        assert_eq!(check.standing, standing, "{query}");
        assert_eq!(
            check.agency.is_some(),
            standing != AgencyStanding::Unknown,
            "{query}"
        );
        assert_eq!(check.list_date.as_deref(), Some("2026-12-03"));
        assert!(check.sample);
    }
    assert!(matches!(
        vault.check_agency(" ".into(), Locale::Id),
        Err(MigranError::Invalid { .. })
    ));
}

#[test]
fn a_tampered_or_not_newer_list_is_refused_and_the_installed_one_stays() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault_with_sample(dir.path());
    let tampered = String::from_utf8(SAMPLE.to_vec())
        .unwrap()
        .replace("\"revoked\"", "\"active\"")
        .into_bytes();
    assert_eq!(
        vault.install_agency_pack(tampered, unhex(SAMPLE_SIGNATURE)),
        Err(MigranError::PackRejected {
            reason: PackRejectReason::Signature
        })
    );
    assert_eq!(
        vault.install_agency_pack(SAMPLE.to_vec(), unhex(SAMPLE_SIGNATURE)),
        Err(MigranError::PackRejected {
            reason: PackRejectReason::Version
        })
    );
    assert_eq!(
        vault
            .check_agency("KEP-0003/CONTOH/2026".into(), Locale::Id)
            .unwrap()
            .standing,
        AgencyStanding::Revoked
    );
}

fn journey_with(vault: &Vault, n: u32, licence: Option<&str>, name: &str) -> String {
    let person = vault.add_person(fake_person("Siti Contoh", n)).unwrap();
    vault
        .set_journey(
            person.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("TW".into()),
                agency_name: Some(name.into()),
                agency_licence: licence.map(str::to_string),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    person.id
}

fn recruiter_flag_and_warning(vault: &Vault, person_id: &str) -> (bool, bool) {
    let record = vault
        .screen_person(
            person_id.to_string(),
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: vec![ScreeningAnswer {
                    question_id: "recruiter_licensed".into(),
                    answer: Answer::Yes,
                }],
            },
        )
        .unwrap();
    let flagged = record.result.flags.iter().any(|f| f.id == "unlicensed_recruiter");
    let warned = vault
        .checklist(person_id.to_string(), Locale::Id)
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::AgencyNotInGoodStanding && w.red);
    (flagged, warned)
}

#[test]
fn an_unknown_suspended_or_revoked_agency_raises_the_flag_and_the_warning_and_an_active_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    let before = journey_with(&vault, 1, Some("KEP-9999/PALSU"), "PT Tidak Ada Contoh");
    // No list installed: nothing can be said, so neither flag nor warning.
    assert_eq!(recruiter_flag_and_warning(&vault, &before), (false, false));

    install_sample(&vault);
    // (licence, name, flag, warning)
    let cases = [
        (Some("KEP-0001/CONTOH/2026"), "PT Contoh Penempatan", false, false),
        // Listed and active by name, but a name without a licence number still raises
        // the flag by the older rule (agency_without_licence); the list adds no warning.
        (None, "PT Contoh Penempatan", true, false),
        (
            Some("KEP-0002/CONTOH/2026"),
            "PT Contoh Dibekukan Sejahtera",
            true,
            true,
        ),
        (Some("KEP-0003/CONTOH/2026"), "PT Contoh Dicabut, Tbk", true, true),
        (Some("KEP-9999/PALSU"), "PT Tidak Ada Contoh", true, true),
        // A known name with a licence number not on the list is a warning sign too.
        (Some("KEP-9999/PALSU"), "PT Contoh Penempatan", true, true),
    ];
    for (n, (licence, name, flag, warning)) in cases.into_iter().enumerate() {
        let person = journey_with(&vault, 10 + n as u32, licence, name);
        assert_eq!(
            recruiter_flag_and_warning(&vault, &person),
            (flag, warning),
            "{licence:?} {name}"
        );
    }
    assert_eq!(recruiter_flag_and_warning(&vault, &before), (true, true));
}

/// The agency fact changed the `unlicensed_recruiter` rule, so the catalogue's version
/// moved on (3): a stored screening names the rules it was scored by, and one scored
/// before the list existed must not look as if the list had been consulted.
#[test]
fn a_screening_names_the_catalogue_version_that_reads_the_agency_list() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    install_sample(&vault);
    let person = journey_with(&vault, 1, Some("KEP-0003/CONTOH/2026"), "PT Contoh Dicabut, Tbk");
    let record = vault
        .screen_person(
            person,
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: vec![],
            },
        )
        .unwrap();
    assert!(record.result.flags.iter().any(|f| f.id == "unlicensed_recruiter"));
    assert_eq!(record.result.catalogue_version, 3);
}
