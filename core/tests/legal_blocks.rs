//! Legal blocks of the checklist through the public API: under 18, a moratorium
//! destination for domestic work, a fee for one of the ten zero-cost jobs. They lead the
//! checklist and the family view, cannot be ticked away, keep the checklist from
//! "ready", and clear only when the facts change.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    ChecklistItemUpdate, ConsentGiver, ConsentInput, ConsentPurpose, GuardianRelationship, ItemState,
    JourneyInput, Locale, MigranError, NotAllowedReason, Phase, PlacementFacts, Sector, Sex, Vault,
    WarningKind,
};
use support::*;

fn update(state: ItemState) -> ChecklistItemUpdate {
    ChecklistItemUpdate {
        state,
        by: Some("Kader Contoh".into()),
        note: None,
        document_id: None,
    }
}

fn person(birth: &str, country: &str, sector: Sector) -> (tempfile::TempDir, std::sync::Arc<Vault>, String) {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut input = fake_person("Siti Contoh", 1);
    input.sex = Sex::Female;
    input.birth_date = birth.into();
    let person = vault.add_person(input).unwrap();
    vault
        .set_journey(
            person.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some(country.into()),
                sector: Some(sector),
                departure_date: Some("2027-03-01".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    (dir, vault, person.id)
}

fn refused(item: &str) -> Option<MigranError> {
    Some(MigranError::NotAllowed {
        reason: NotAllowedReason::LegalBlock { item: item.into() },
    })
}

fn facts(fee_charged: Option<bool>, official_channel: Option<bool>) -> PlacementFacts {
    PlacementFacts {
        fee_charged,
        official_channel,
    }
}

#[test]
fn a_17_year_old_domestic_worker_to_saudi_arabia_cannot_reach_ready_and_the_blocks_lead() {
    let (_dir, vault, id) = person("2009-06-01", "SA", Sector::DomesticWork);
    let view = vault.checklist(id.clone(), Locale::En).unwrap();
    assert_eq!(
        view.summary.legal_blocks,
        ["age_not_yet_18", "single_channel_check"]
    );
    assert_eq!(view.legal_blocks[0].item_id, "age_not_yet_18");
    assert!(view.legal_blocks[1]
        .legal_basis
        .contains("Kepmenaker No. 291 Tahun 2018"));
    assert_eq!(
        view.warnings[..2].iter().map(|w| w.kind).collect::<Vec<_>>(),
        [WarningKind::LegalBlock, WarningKind::LegalBlock]
    );
    assert!(!view.summary.next_steps.contains(&"age_not_yet_18".to_string()));

    // Neither block can be ticked away, done or "not applicable".
    for item in ["age_not_yet_18", "single_channel_check"] {
        for state in [ItemState::Done, ItemState::NotApplicable] {
            assert_eq!(
                vault
                    .set_checklist_item(id.clone(), item.into(), update(state), Locale::Id)
                    .err(),
                refused(item),
                "{item} {state:?}"
            );
        }
    }
    // Every other item done: still not ready, and the count shows what is left.
    for item in view
        .items
        .iter()
        .filter(|i| !view.summary.legal_blocks.contains(&i.id))
    {
        vault
            .set_checklist_item(id.clone(), item.id.clone(), update(ItemState::Done), Locale::Id)
            .unwrap();
    }
    let done = vault.checklist(id.clone(), Locale::Id).unwrap();
    assert!(!done.summary.ready);
    assert_eq!(done.summary.total - done.summary.done, 2);

    // The family view leads with the blocks: first the block sentences, the blocking
    // items first among the items, the block warning first.
    vault
        .record_guardian_consent(
            id.clone(),
            ConsentInput {
                purpose: ConsentPurpose::ShareWithFamily,
                given: true,
                date: None,
                note: None,
            },
            ConsentGiver {
                name: "Ibu Contoh".into(),
                relationship: GuardianRelationship::Parent,
            },
        )
        .unwrap();
    let family = vault.family_checklist(id.clone(), Locale::En).unwrap();
    assert_eq!(family.legal_blocks.len(), 2);
    assert_eq!(family.legal_blocks[0], "Cannot leave before turning 18.");
    assert_eq!(family.items[0].title, "Not yet 18 years old");
    assert!(family.warnings[0].starts_with("MUST NOT LEAVE"));
}

#[test]
fn the_saudi_block_clears_only_when_the_cadre_records_the_official_channel() {
    let (_dir, vault, id) = person("1998-04-12", "SA", Sector::DomesticWork);
    let blocks = |vault: &Vault| {
        vault
            .checklist(id.clone(), Locale::Id)
            .unwrap()
            .summary
            .legal_blocks
    };
    assert_eq!(blocks(&vault), ["single_channel_check"]);
    // A fee fact does not clear it; "not through the channel" does not either.
    vault
        .set_placement_facts(id.clone(), facts(Some(false), Some(false)), Locale::Id)
        .unwrap();
    assert_eq!(blocks(&vault), ["single_channel_check"]);
    let view = vault
        .set_placement_facts(id.clone(), facts(None, Some(true)), Locale::Id)
        .unwrap();
    assert!(view.summary.legal_blocks.is_empty());
    assert_eq!(view.placement.official_channel, Some(true));
    // Taken back: the block is there again.
    vault
        .set_placement_facts(id.clone(), facts(None, None), Locale::Id)
        .unwrap();
    assert_eq!(blocks(&vault), ["single_channel_check"]);
}

#[test]
fn a_moratorium_country_without_a_channel_stays_blocked_whatever_is_recorded() {
    let (_dir, vault, id) = person("1998-04-12", "DZ", Sector::DomesticWork);
    let view = vault
        .set_placement_facts(id.clone(), facts(None, Some(true)), Locale::Id)
        .unwrap();
    assert_eq!(view.summary.legal_blocks, ["moratorium_check"]);
    assert!(view.legal_blocks[0].legal_basis.contains("diperselisihkan"));
    // Another sector: no block. The facts changed, the block cleared.
    let mut journey = JourneyInput {
        phase: Some(Phase::PreDeparture),
        destination_country: Some("DZ".into()),
        sector: Some(Sector::Construction),
        departure_date: Some("2027-03-01".into()),
        ..JourneyInput::default()
    };
    vault.set_journey(id.clone(), journey.clone()).unwrap();
    assert!(vault
        .checklist(id.clone(), Locale::Id)
        .unwrap()
        .summary
        .legal_blocks
        .is_empty());
    // An uncertain country: a step to check, not a block.
    journey.destination_country = Some("TN".into());
    journey.sector = Some(Sector::DomesticWork);
    vault.set_journey(id.clone(), journey).unwrap();
    let view = vault.checklist(id.clone(), Locale::Id).unwrap();
    assert!(view.summary.legal_blocks.is_empty());
    assert!(view.items.iter().any(|i| i.id == "moratorium_uncertain_check"));
}

#[test]
fn a_fee_charged_for_a_zero_cost_job_blocks_until_it_is_recorded_as_not_charged() {
    let (_dir, vault, id) = person("1998-04-12", "TW", Sector::Fishing);
    assert!(vault
        .checklist(id.clone(), Locale::Id)
        .unwrap()
        .summary
        .legal_blocks
        .is_empty());
    let view = vault
        .set_placement_facts(id.clone(), facts(Some(true), None), Locale::En)
        .unwrap();
    assert_eq!(view.summary.legal_blocks, ["placement_fee_charged"]);
    assert_eq!(
        view.legal_blocks[0].legal_basis,
        "UU 18/2017 Pasal 30 ayat (1); Peraturan BP2MI No. 9 Tahun 2020"
    );
    assert_eq!(
        vault
            .set_checklist_item(
                id.clone(),
                "placement_fee_charged".into(),
                update(ItemState::NotApplicable),
                Locale::Id
            )
            .err(),
        refused("placement_fee_charged")
    );
    // "In progress" (the cadre is on it) is allowed; it does not clear the block.
    let view = vault
        .set_checklist_item(
            id.clone(),
            "placement_fee_charged".into(),
            update(ItemState::InProgress),
            Locale::Id,
        )
        .unwrap();
    assert_eq!(view.summary.legal_blocks, ["placement_fee_charged"]);
    let view = vault
        .set_placement_facts(id.clone(), facts(Some(false), None), Locale::Id)
        .unwrap();
    assert!(view.summary.legal_blocks.is_empty());

    // A factory job is not one of the ten: a fee is a red flag there, not this block.
    let (_dir2, vault, id) = person("1998-04-12", "TW", Sector::Manufacturing);
    let view = vault
        .set_placement_facts(id, facts(Some(true), None), Locale::Id)
        .unwrap();
    assert!(view.summary.legal_blocks.is_empty());
}
