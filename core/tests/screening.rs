//! TPPO screening as a cadre runs it at the kitchen table, through the public API.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    Answer, JourneyInput, MigranError, Phase, RecordKind, RiskLevel, ScreeningAnswer, ScreeningInput, Sector,
};
use support::*;

fn answer(id: &str, answer: Answer) -> ScreeningAnswer {
    ScreeningAnswer {
        question_id: id.into(),
        answer,
    }
}

#[test]
fn a_domestic_worker_bound_for_a_moratorium_country_on_a_visit_visa_via_a_sponsor_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::Prospective),
                destination_country: Some("AE".into()),
                sector: Some(Sector::DomesticWork),
                agency_name: Some("Pak Sponsor".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    let record = vault
        .screen_person(
            siti.id.clone(),
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: vec![
                    answer("work_visa", Answer::No),
                    answer("recruiter_licensed", Answer::No),
                ],
            },
        )
        .unwrap();
    assert_eq!(record.result.level, RiskLevel::Critical);
    let ids: Vec<&str> = record.result.flags.iter().map(|f| f.id.as_str()).collect();
    for expected in [
        "moratorium_domestic_work",
        "unlicensed_recruiter",
        "non_work_visa",
    ] {
        assert!(ids.contains(&expected), "{ids:?}");
    }
    let moratorium = &record.result.flags[0];
    assert!(moratorium.legal_basis.contains("260"));
    assert!(moratorium.action.id.contains("0800-1000"));
    // Nothing still unknown can raise a critical result, and what was answered is not
    // asked again.
    assert!(record.result.complete, "{:?}", record.result);
    for answered in ["work_visa", "recruiter_licensed"] {
        assert!(
            !record.result.unknown_questions.iter().any(|q| q == answered),
            "{answered} was answered: {:?}",
            record.result.unknown_questions
        );
    }
    assert_eq!(record.change, None);

    // A critical result opens a follow-up due the next day.
    let follow_ups = vault.list_follow_ups(siti.id.clone()).unwrap();
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(
        (follow_ups[0].due_date.as_str(), follow_ups[0].done),
        ("2026-11-29", false)
    );
    assert_eq!(follow_ups[0].source_id, record.id);
    // The file does not tell that this screening was high-risk: without the key it
    // does not even open as a database.
    let raw = rusqlite::Connection::open(dir.path().join("vault.db")).unwrap();
    let unopened = raw.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    });
    assert!(
        matches!(
            &unopened,
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::NotADatabase
        ),
        "{unopened:?}"
    );
    vault.complete_follow_up(follow_ups[0].id.clone()).unwrap();
    assert!(vault.list_follow_ups(siti.id).unwrap()[0].done);
    assert_eq!(
        vault.complete_follow_up("no-such-follow-up".into()),
        Err(MigranError::NotFound {
            kind: RecordKind::ScreeningFollowUp
        })
    );
}

#[test]
fn a_licensed_placement_to_taiwan_with_all_documents_is_none_or_low() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    vault
        .set_journey(
            budi.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("TW".into()),
                sector: Some(Sector::Manufacturing),
                agency_name: Some("PT Contoh Penempatan".into()),
                agency_licence: Some("KEP-000/CONTOH".into()),
                departure_date: Some("2027-03-01".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    let safe: Vec<ScreeningAnswer> = migran_core::screening_questions(migran_core::Locale::Id)
        .unwrap()
        .into_iter()
        .map(|q| {
            let risky_if_yes = [
                "fees_paid",
                "debt_to_recruiter",
                "documents_held",
                "age_documents_changed",
                "domestic_work",
                "unrealistic_promise",
            ];
            answer(
                &q.id,
                if risky_if_yes.contains(&q.id.as_str()) {
                    Answer::No
                } else {
                    Answer::Yes
                },
            )
        })
        .collect();
    let preview = vault.preview_screening(budi.id.clone(), safe.clone()).unwrap();
    assert!(preview.level <= RiskLevel::Low, "{preview:?}");
    assert!(preview.complete && preview.flags.is_empty());
    assert!(
        vault.screening_history(budi.id.clone()).unwrap().is_empty(),
        "a preview stores nothing"
    );
    let record = vault
        .screen_person(
            budi.id.clone(),
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: safe,
            },
        )
        .unwrap();
    assert_eq!(record.result.level, RiskLevel::None);
    assert!(vault.list_follow_ups(budi.id).unwrap().is_empty());
}

#[test]
fn a_later_screening_shows_what_changed_and_everything_is_sealed_and_erased_with_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let first = vault
        .screen_person(
            siti.id.clone(),
            ScreeningInput {
                screened_by: "Kader Zqxmarker".into(),
                answers: vec![
                    answer("documents_held", Answer::Yes),
                    answer("fees_paid", Answer::Yes),
                ],
            },
        )
        .unwrap();
    assert_eq!(first.result.level, RiskLevel::High);
    let second = vault
        .screen_person(
            siti.id.clone(),
            ScreeningInput {
                screened_by: "Kader Contoh".into(),
                answers: vec![
                    answer("documents_held", Answer::No),
                    answer("written_contract", Answer::No),
                    answer("fees_paid", Answer::Yes),
                ],
            },
        )
        .unwrap();
    let change = second.change.clone().unwrap();
    assert_eq!(change.previous_level, RiskLevel::High);
    assert_eq!(change.flags_added, vec!["no_written_contract".to_string()]);
    assert_eq!(change.flags_removed, vec!["documents_held".to_string()]);
    let history = vault.screening_history(siti.id.clone()).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].change, second.change);

    for secret in ["Zqxmarker", "documents_held", "High", "Jeratan"] {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret}"
        );
    }
    vault.erase_person(siti.id.clone()).unwrap();
    assert_eq!(
        vault.screening_history(siti.id.clone()),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
    assert_eq!(files_containing(dir.path(), &first.id), Vec::<String>::new());
}

#[test]
fn unknown_questions_and_bad_answers_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let result = vault.preview_screening(siti.id.clone(), vec![]).unwrap();
    assert!(!result.complete);
    assert_ne!(result.level, RiskLevel::None);
    assert!(result.unknown_questions.len() >= 5);
    let bad = vault.preview_screening(siti.id.clone(), vec![answer("favourite_colour", Answer::Yes)]);
    assert!(matches!(bad, Err(MigranError::Invalid { ref field, .. }) if field == "question_id"));
    let twice = vault.preview_screening(
        siti.id.clone(),
        vec![answer("fees_paid", Answer::Yes), answer("fees_paid", Answer::No)],
    );
    assert!(matches!(twice, Err(MigranError::Invalid { ref field, .. }) if field == "question_id"));
    let nobody = vault.screen_person(
        siti.id,
        ScreeningInput {
            screened_by: " ".into(),
            answers: vec![],
        },
    );
    assert!(matches!(nobody, Err(MigranError::Invalid { ref field, .. }) if field == "screened_by"));
}
