//! Information sessions through the public API: attendance reaches the person's record
//! and export, the agenda's invitations and the village report's counts, each checked
//! against counts this test keeps itself.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use migran_core::{
    AgeGroup, AgendaKind, AgendaRequest, ConsentInput, ConsentPurpose, Facilitator, FacilitatorOrganisation,
    GuestCount, InfoSessionInput, InvalidReason, ItemState, JourneyInput, Locale, MigranError,
    NotAllowedReason, PersonEducation, Phase, RecordKind, ReportRequest, Sex, Vault, ORIENTATION_ITEM,
};
use support::*;

fn consent(vault: &Vault, person_id: &str, purpose: ConsentPurpose) {
    vault
        .record_consent(
            person_id.to_string(),
            ConsentInput {
                purpose,
                given: true,
                date: None,
                note: None,
            },
        )
        .unwrap();
}

fn person(vault: &Vault, n: u32, phase: Phase, reporting: bool) -> String {
    let person = vault.add_person(fake_person("Siti Contoh", n)).unwrap();
    consent(vault, &person.id, ConsentPurpose::Registration);
    if reporting {
        consent(vault, &person.id, ConsentPurpose::Reporting);
    }
    vault
        .set_journey(
            person.id.clone(),
            JourneyInput {
                phase: Some(phase),
                destination_country: Some("MY".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    person.id
}

fn session(date: &str, topics: &[&str], attendees: &[&String], guests: Vec<GuestCount>) -> InfoSessionInput {
    InfoSessionInput {
        date: date.into(),
        place: "Balai Desa Contoh".into(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        facilitators: vec![
            Facilitator {
                name: "Bu Kades Contoh".into(),
                organisation: FacilitatorOrganisation::Village,
            },
            Facilitator {
                name: "Petugas Contoh".into(),
                organisation: FacilitatorOrganisation::Bp3mi,
            },
        ],
        attendees: attendees.iter().map(|id| id.to_string()).collect(),
        guests,
        follow_ups: vec!["Kunjungi keluarga yang belum hadir".into()],
    }
}

fn guests(female_adults: u32, male_under_18: u32) -> Vec<GuestCount> {
    vec![
        GuestCount {
            sex: Sex::Female,
            age_group: AgeGroup::Adult,
            count: female_adults,
        },
        GuestCount {
            sex: Sex::Male,
            age_group: AgeGroup::Under18,
            count: male_under_18,
        },
    ]
}

fn invited(vault: &Vault) -> BTreeSet<String> {
    vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap()
        .items
        .into_iter()
        .filter(|item| item.kind == AgendaKind::InviteToSession)
        .map(|item| item.person_id)
        .collect()
}

#[test]
fn attendance_reaches_the_record_the_agenda_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    let ani = person(&vault, 1, Phase::PreDeparture, true);
    let budi = person(&vault, 2, Phase::PreDeparture, false);
    let citra = person(&vault, 3, Phase::PreDeparture, true);
    let dewi = person(&vault, 4, Phase::Prospective, true);
    // No session recorded yet: nothing to invite to.
    assert!(invited(&vault).is_empty());

    // The counts the test keeps itself, per session in November and one in October.
    let plan = [
        (
            "2026-11-10",
            vec!["safe-migration", "costs"],
            vec![&ani, &budi],
            guests(5, 2),
        ),
        (
            "2026-11-24",
            vec!["check-recruiter", "costs", "costs"],
            vec![&ani, &dewi],
            guests(3, 0),
        ),
        ("2026-10-05", vec!["documents"], vec![&citra], guests(1, 1)),
    ];
    let reporting: BTreeSet<&String> = BTreeSet::from([&ani, &citra, &dewi]);
    let mut expected_lessons: BTreeMap<&String, BTreeSet<&str>> = BTreeMap::new();
    let (mut november_sessions, mut november_registered, mut november_others) = (0, 0, 0);
    let mut november_topics: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, (date, topics, attendees, guests)) in plan.iter().enumerate() {
        let recorded = vault
            .add_info_session(session(date, topics, attendees, guests.clone()))
            .unwrap();
        let distinct: BTreeSet<&str> = topics.iter().copied().collect();
        assert_eq!(recorded.topics.len(), distinct.len(), "repeats dropped");
        assert_eq!(
            recorded.attendance(),
            attendees.len() as u32 + guests.iter().map(|g| g.count).sum::<u32>()
        );
        for attendee in attendees {
            expected_lessons
                .entry(attendee)
                .or_default()
                .extend(distinct.iter().copied());
        }
        if i == 0 {
            // Once sessions are held, everyone in pre-departure who attended none is invited.
            assert_eq!(invited(&vault), BTreeSet::from([citra.clone()]));
        }
        if date.starts_with("2026-11") {
            november_sessions += 1;
            november_registered += attendees.iter().filter(|a| reporting.contains(**a)).count() as u32;
            november_others += guests.iter().map(|g| g.count).sum::<u32>();
            for topic in distinct {
                *november_topics.entry(topic).or_insert(0) += 1;
            }
        }
    }

    // The person's record and export.
    for (person_id, lessons) in &expected_lessons {
        let education = vault.person_education(person_id.to_string()).unwrap();
        let got: BTreeSet<&str> = education.lessons.iter().map(String::as_str).collect();
        assert_eq!(&got, lessons);
        let attended = plan.iter().filter(|(_, _, a, _)| a.contains(person_id)).count();
        assert_eq!(education.sessions.len(), attended);
    }
    let export: serde_json::Value = serde_json::from_str(&vault.export_person(ani.clone()).unwrap()).unwrap();
    assert_eq!(export["education"]["sessions"].as_array().unwrap().len(), 2);

    // The agenda now invites only who has attended nothing yet, in pre-departure.
    let someone_new = person(&vault, 5, Phase::PreDeparture, true);
    assert_eq!(invited(&vault), BTreeSet::from([someone_new]));

    // The report for November.
    let report = vault
        .village_report(ReportRequest {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            village: None,
            officer: None,
        })
        .unwrap();
    assert_eq!(report.sessions_in_period, november_sessions);
    let attendance: BTreeMap<&str, u32> = report
        .session_attendance
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(
        attendance,
        BTreeMap::from([("registered", november_registered), ("others", november_others)])
    );
    let topics: BTreeMap<&str, u32> = report
        .session_topics
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(topics, november_topics);
    let csv = migran_core::village_report_csv(&report);
    assert!(
        csv.contains(&format!("total,sessions_in_period,{november_sessions}")),
        "{csv}"
    );
    assert!(!csv.contains("Siti"));

    // Listing by period, and one session by id.
    let listed = vault.list_info_sessions(Some("2026-11-01".into()), None).unwrap();
    assert_eq!(listed.len(), november_sessions as usize);
    assert_eq!(listed[0].date, "2026-11-24");
    assert_eq!(vault.info_session(listed[0].id.clone()).unwrap(), listed[0]);

    // Erasing a person erases their attendance, not the session.
    vault.erase_person(budi.clone()).unwrap();
    let first = vault.info_session(listed[1].id.clone()).unwrap();
    assert_eq!(first.attendees, vec![ani.clone()]);
}

#[test]
fn a_session_is_refused_for_bad_input_or_an_attendee_who_withdrew_consent() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    let ani = person(&vault, 1, Phase::PreDeparture, false);
    let no_consent = vault.add_person(fake_person("Budi Contoh", 2)).unwrap().id;
    vault
        .record_consent(
            no_consent.clone(),
            ConsentInput {
                purpose: ConsentPurpose::Registration,
                given: false,
                date: None,
                note: None,
            },
        )
        .unwrap();
    let invalid = |input: InfoSessionInput| match vault.add_info_session(input) {
        Err(MigranError::Invalid { field, reason }) => (field, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        invalid(session("2026-11-10", &["no-such-lesson"], &[&ani], vec![])),
        ("topics".into(), InvalidReason::BadFormat)
    );
    assert_eq!(
        invalid(session("2026-11-10", &[], &[&ani], vec![])),
        ("topics".into(), InvalidReason::Empty)
    );
    assert_eq!(
        invalid(session("2027-01-10", &["costs"], &[&ani], vec![])),
        ("date".into(), InvalidReason::OutOfRange)
    );
    let mut twice = guests(1, 0);
    twice.push(twice[0].clone());
    assert_eq!(
        invalid(session("2026-11-10", &["costs"], &[&ani], twice)),
        ("guests".into(), InvalidReason::Inconsistent)
    );
    let refused = vault.add_info_session(session("2026-11-10", &["costs"], &[&ani, &no_consent], vec![]));
    assert!(
        matches!(
            refused,
            Err(MigranError::NotAllowed {
                reason: NotAllowedReason::ConsentWithdrawn { .. }
            })
        ),
        "{refused:?}"
    );
    assert_eq!(
        vault.add_info_session(session(
            "2026-11-10",
            &["costs"],
            &[&"nobody".to_string()],
            vec![]
        )),
        Err(MigranError::NotFound {
            kind: RecordKind::Person
        })
    );
    // Nothing was stored by the refused attempts.
    assert!(vault.list_info_sessions(None, None).unwrap().is_empty());
    assert_eq!(
        vault.info_session("nothing".into()),
        Err(MigranError::NotFound {
            kind: RecordKind::InfoSession
        })
    );
}

#[test]
fn a_session_and_its_attendance_travel_to_the_teams_other_device() {
    let root = tempfile::tempdir().unwrap();
    let officer = new_vault(&root.path().join("officer"), TestClock::at(2026, 12, 3));
    let cadre = new_vault(&root.path().join("cadre"), TestClock::at(2026, 12, 3));
    officer.team_create(migran_core::TeamRole::Officer).unwrap();
    let request = cadre.team_join_request().unwrap();
    let admission = officer
        .team_admit(request.text, migran_core::TeamRole::Cadre)
        .unwrap();
    cadre.team_accept(admission).unwrap();

    let ani = person(&officer, 1, Phase::PreDeparture, true);
    let recorded = officer
        .add_info_session(session("2026-11-10", &["costs"], &[&ani], guests(2, 1)))
        .unwrap();
    let to = cadre.sync_status().unwrap().device_id;
    cadre.sync_import(officer.sync_export(Some(to)).unwrap()).unwrap();
    assert_eq!(cadre.list_info_sessions(None, None).unwrap(), vec![recorded]);
    assert_eq!(
        cadre.person_education(ani).unwrap().lessons,
        vec!["costs".to_string()]
    );
}

/// The orientation item of the checklist, and only it, carries what the person learnt
/// (nothing while the person attended no session).
fn orientation_education(vault: &Vault, person_id: &str) -> Option<PersonEducation> {
    let view = vault.checklist(person_id.to_string(), Locale::Id).unwrap();
    let with_education: Vec<&str> = view
        .items
        .iter()
        .filter(|item| item.education.is_some())
        .map(|item| item.id.as_str())
        .collect();
    let item = view
        .items
        .iter()
        .find(|item| item.id == ORIENTATION_ITEM)
        .unwrap();
    // A village session is not the official orientation: the item stays as the cadre set it.
    assert_eq!(item.state, ItemState::NotStarted);
    // Only the orientation item, and only once the person attended a session.
    let expected: Vec<&str> = item.education.iter().map(|_| ORIENTATION_ITEM).collect();
    assert_eq!(with_education, expected);
    item.education.clone()
}

#[test]
fn the_checklists_orientation_item_shows_the_sessions_attended_and_their_lessons() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    let ani = person(&vault, 1, Phase::PreDeparture, false);
    let budi = person(&vault, 2, Phase::PreDeparture, false);
    assert_eq!(orientation_education(&vault, &ani), None);

    let first = vault
        .add_info_session(session(
            "2026-11-10",
            &["safe-migration", "costs"],
            &[&ani, &budi],
            vec![],
        ))
        .unwrap();
    let second = vault
        .add_info_session(session(
            "2026-11-24",
            &["rights-abroad", "costs"],
            &[&ani],
            vec![],
        ))
        .unwrap();

    let ani_learnt = orientation_education(&vault, &ani).unwrap();
    let sessions: Vec<(&str, &str)> = ani_learnt
        .sessions
        .iter()
        .map(|s| (s.session_id.as_str(), s.date.as_str()))
        .collect();
    assert_eq!(
        sessions,
        vec![
            (second.id.as_str(), "2026-11-24"),
            (first.id.as_str(), "2026-11-10")
        ]
    );
    assert_eq!(
        ani_learnt.lessons,
        vec!["costs", "rights-abroad", "safe-migration"]
    );
    assert_eq!(ani_learnt, vault.person_education(ani.clone()).unwrap());
    assert_eq!(
        orientation_education(&vault, &budi).unwrap().lessons,
        vec!["costs", "safe-migration"]
    );
}
