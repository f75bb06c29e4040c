//! The cadre's work: home visits and the agenda, cases and their workflow, returns.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use migran_core::{
    Agency, AgendaKind, AgendaRequest, CaseChange, CaseInput, CaseStatus, CaseType, ConsentInput,
    ConsentPurpose, InvalidReason, JourneyInput, MigranError, NotAllowedReason, Phase, RecordKind,
    ReferralInput, ReintegrationNeed, Reporter, ReturnInput, ReturnReason, ServiceInput, ServiceKind,
    StatusChangeInput, VisitFollowUpInput, VisitInput, VisitTopic,
};
use support::*;

fn visit(date: &str) -> VisitInput {
    VisitInput {
        date: date.into(),
        cadre: Some("Kader Contoh".into()),
        present: vec!["Ibu Contoh".into()],
        topics: vec![VisitTopic::SafeMigration, VisitTopic::Documents],
        observations: None,
        follow_ups: vec![],
        next_visit_on: None,
    }
}

/// The visit and return items of the agenda (the checklist's and the screening's have
/// their own test below).
fn agenda_on(vault: &migran_core::Vault, on: &str, ahead: u32) -> Vec<(AgendaKind, String, i64)> {
    full_agenda_on(vault, on, ahead)
        .into_iter()
        .filter(|(kind, _, _)| {
            !matches!(
                kind,
                AgendaKind::MissingChecklistItems | AgendaKind::ScreeningNotFollowedUp
            )
        })
        .collect()
}

fn full_agenda_on(vault: &migran_core::Vault, on: &str, ahead: u32) -> Vec<(AgendaKind, String, i64)> {
    vault
        .agenda(AgendaRequest {
            on: Some(on.into()),
            look_ahead_days: ahead,
        })
        .unwrap()
        .items
        .into_iter()
        .map(|item| (item.kind, item.person_name, item.days_overdue))
        .collect()
}

fn phase(vault: &migran_core::Vault, id: &str, phase: Phase) {
    vault
        .set_journey(
            id.into(),
            JourneyInput {
                phase: Some(phase),
                ..JourneyInput::default()
            },
        )
        .unwrap();
}

#[test]
fn the_agenda_shows_visits_due_by_phase_cadence_and_by_the_date_the_cadre_set() {
    // Registered on 2026-01-05 (the clock), agenda asked for later days.
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 1, 5));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    let dewi = vault.add_person(fake_person("Dewi Contoh", 3)).unwrap();
    phase(&vault, &siti.id, Phase::PreDeparture); // every 30 days
    phase(&vault, &budi.id, Phase::Abroad); // every 90 days
                                            // Dewi has no journey: prospective, every 90 days; visited with a date set.
    let mut dewi_visit = visit("2026-01-05");
    dewi_visit.next_visit_on = Some("2026-01-20".into());
    vault.add_visit(dewi.id.clone(), dewi_visit).unwrap();

    assert!(agenda_on(&vault, "2026-01-19", 0).is_empty());
    assert_eq!(
        agenda_on(&vault, "2026-01-20", 0),
        vec![(AgendaKind::VisitDue, "Dewi Contoh".to_string(), 0)]
    );
    // Siti: registered 2026-01-05 + 30 days = 2026-02-04; on 2026-02-10 six days overdue.
    let on_feb_10 = agenda_on(&vault, "2026-02-10", 0);
    assert_eq!(
        on_feb_10,
        vec![
            (AgendaKind::VisitDue, "Dewi Contoh".to_string(), 21),
            (AgendaKind::VisitDue, "Siti Contoh".to_string(), 6),
        ]
    );
    // Looking a week ahead from 2026-01-29 shows Siti due in 6 days, not Budi (April).
    assert_eq!(
        agenda_on(&vault, "2026-01-29", 7),
        vec![
            (AgendaKind::VisitDue, "Dewi Contoh".to_string(), 9),
            (AgendaKind::VisitDue, "Siti Contoh".to_string(), -6),
        ]
    );
    assert!(agenda_on(&vault, "2026-04-05", 0).contains(&(
        AgendaKind::VisitDue,
        "Budi Contoh".to_string(),
        0
    )));
    // Archived people leave the agenda.
    vault.set_person_archived(dewi.id, true).unwrap();
    assert_eq!(agenda_on(&vault, "2026-02-10", 0).len(), 1);
    // The default day is the clock's today.
    let today = vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap();
    assert_eq!(today.on, "2026-01-05");
    assert_eq!(
        vault.agenda(AgendaRequest {
            on: None,
            look_ahead_days: 400
        }),
        Err(MigranError::Invalid {
            field: "look_ahead_days".into(),
            reason: InvalidReason::OutOfRange
        })
    );
}

#[test]
fn a_visit_resets_the_cadence_and_its_follow_ups_are_due_until_done() {
    let clock = TestClock::at(2026, 3, 1);
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), clock.clone());
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    phase(&vault, &siti.id, Phase::PreDeparture);
    clock.advance(Duration::days(10));
    let mut input = visit("2026-03-10");
    input.topics = vec![VisitTopic::RedFlags, VisitTopic::RedFlags, VisitTopic::Documents];
    input.follow_ups = vec![
        VisitFollowUpInput {
            action: "Bawa fotokopi paspor ke Disnaker".into(),
            due_on: "2026-03-15".into(),
        },
        VisitFollowUpInput {
            action: "Cek izin P3MI".into(),
            due_on: "2026-04-30".into(),
        },
    ];
    let logged = vault.add_visit(siti.id.clone(), input).unwrap();
    assert_eq!(logged.topics, vec![VisitTopic::Documents, VisitTopic::RedFlags]);
    assert_eq!(logged.follow_ups.len(), 2);

    // 2026-03-20: first follow-up 5 days overdue; the visit is not due (2026-04-09).
    let items = agenda_on(&vault, "2026-03-20", 0);
    assert_eq!(
        items,
        vec![(AgendaKind::FollowUpDue, "Siti Contoh".to_string(), 5)]
    );
    // 2026-04-10: visit due (10 March + 30 days = 9 April), follow-up still overdue.
    let items = agenda_on(&vault, "2026-04-10", 0);
    assert_eq!(
        items,
        vec![
            (AgendaKind::FollowUpDue, "Siti Contoh".to_string(), 26),
            (AgendaKind::VisitDue, "Siti Contoh".to_string(), 1),
        ]
    );
    let done = vault
        .complete_visit_follow_up(logged.follow_ups[0].id.clone(), Some("2026-03-11".into()), None)
        .unwrap();
    assert_eq!(done.done_on.as_deref(), Some("2026-03-11"));
    assert_eq!(
        agenda_on(&vault, "2026-04-10", 0),
        vec![(AgendaKind::VisitDue, "Siti Contoh".to_string(), 1)]
    );
    assert_eq!(
        vault.list_visits(siti.id.clone()).unwrap()[0].follow_ups[0].done_on,
        done.done_on
    );

    // Bad visits are refused with the field named.
    let mut future = visit("2026-03-12");
    future.date = "2026-03-12".into();
    assert!(matches!(
        vault.add_visit(siti.id.clone(), future),
        Err(MigranError::Invalid { field, reason: InvalidReason::OutOfRange }) if field == "date"
    ));
    let mut early = visit("2026-03-10");
    early.follow_ups = vec![VisitFollowUpInput {
        action: "x".into(),
        due_on: "2026-03-01".into(),
    }];
    assert!(matches!(
        vault.add_visit(siti.id.clone(), early),
        Err(MigranError::Invalid { field, reason: InvalidReason::Inconsistent }) if field == "due_on"
    ));
}

#[test]
fn a_returned_migrants_reintegration_follow_up_appears_on_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 5, 1));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::Abroad),
                destination_country: Some("MY".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    let returned = vault
        .record_return(
            siti.id.clone(),
            ReturnInput {
                return_date: "2026-04-20".into(),
                reason: ReturnReason::EarlyReturn,
                case_id: None,
                condition: Some("Lelah, sehat".into()),
                needs: vec![
                    ReintegrationNeed::Economic,
                    ReintegrationNeed::Health,
                    ReintegrationNeed::Economic,
                ],
                follow_up_plan: Some("Pelatihan usaha".into()),
                next_follow_up_on: Some("2026-05-15".into()),
            },
        )
        .unwrap();
    assert_eq!(
        returned.needs,
        vec![ReintegrationNeed::Health, ReintegrationNeed::Economic]
    );
    let journey = vault.get_journey(siti.id.clone()).unwrap().unwrap();
    assert_eq!(journey.phase, Phase::Returned);
    assert_eq!(journey.destination_country.as_deref(), Some("MY"));

    let items = vault
        .agenda(AgendaRequest {
            on: Some("2026-05-16".into()),
            look_ahead_days: 0,
        })
        .unwrap()
        .items;
    let reintegration: Vec<_> = items
        .iter()
        .filter(|i| i.kind == AgendaKind::ReintegrationFollowUpDue)
        .collect();
    assert_eq!(reintegration.len(), 1);
    assert_eq!(reintegration[0].record_id.as_deref(), Some(returned.id.as_str()));
    assert_eq!(
        reintegration[0].text.en,
        "Reintegration follow-up: 1 days overdue"
    );

    vault
        .add_reintegration_service(
            returned.id.clone(),
            ServiceInput {
                kind: ServiceKind::Training,
                date: "2026-04-28".into(),
                provider: Some("BLK Contoh".into()),
                note: None,
            },
        )
        .unwrap();
    let plan = vault
        .update_return_plan(
            returned.id.clone(),
            migran_core::ReturnPlanInput {
                needs: vec![ReintegrationNeed::Economic],
                follow_up_plan: None,
                next_follow_up_on: Some("2026-08-01".into()),
            },
        )
        .unwrap();
    assert_eq!(plan.services.len(), 1);
    let items = agenda_on(&vault, "2026-05-16", 0);
    assert!(items
        .iter()
        .all(|(kind, _, _)| *kind != AgendaKind::ReintegrationFollowUpDue));
    assert_eq!(
        vault.list_returns(siti.id).unwrap()[0].services[0].kind,
        ServiceKind::Training
    );
    // A service before the return date contradicts it.
    assert!(matches!(
        vault.add_reintegration_service(
            returned.id,
            ServiceInput {
                kind: ServiceKind::Counselling,
                date: "2026-04-01".into(),
                provider: None,
                note: None
            }
        ),
        Err(MigranError::Invalid { field, reason: InvalidReason::Inconsistent }) if field == "date"
    ));
}

fn new_case(vault: &migran_core::Vault, person_id: &str) -> migran_core::Case {
    vault
        .open_case(
            person_id.into(),
            CaseInput {
                case_type: CaseType::UnpaidWages,
                description: "Gaji tiga bulan belum dibayar".into(),
                reported_by: Reporter::Family,
                reported_on: Some("2026-06-01".into()),
            },
        )
        .unwrap()
}

fn to(status: CaseStatus, note: Option<&str>) -> StatusChangeInput {
    StatusChangeInput {
        to: status,
        date: None,
        note: note.map(str::to_string),
    }
}

#[test]
fn a_case_follows_its_workflow_and_keeps_a_timeline_of_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 6, 3));
    vault
        .set_actor(migran_core::ActorInput {
            name: "Kader Contoh".into(),
            role: migran_core::ActorRole::Cadre,
        })
        .unwrap();
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let case = new_case(&vault, &siti.id);
    assert_eq!(case.status, CaseStatus::Open);

    // Illegal moves are refused, with a fixed code and a sentence in both languages.
    let refused = vault
        .change_case_status(case.id.clone(), to(CaseStatus::Resolved, None))
        .unwrap_err();
    assert_eq!(
        refused,
        MigranError::NotAllowed {
            reason: NotAllowedReason::CaseTransition {
                from: CaseStatus::Open,
                to: CaseStatus::Resolved
            }
        }
    );
    assert!(refused
        .message(migran_core::Locale::En)
        .contains("from 'open' to 'resolved'"));
    assert!(refused
        .message(migran_core::Locale::Id)
        .contains("dari 'baru' ke 'selesai'"));
    assert_eq!(
        vault
            .change_case_status(case.id.clone(), to(CaseStatus::Open, None))
            .unwrap_err(),
        MigranError::NotAllowed {
            reason: NotAllowedReason::CaseTransition {
                from: CaseStatus::Open,
                to: CaseStatus::Open
            }
        }
    );
    // Closing an untouched case needs the reason.
    assert_eq!(
        vault
            .change_case_status(case.id.clone(), to(CaseStatus::Closed, None))
            .unwrap_err(),
        MigranError::invalid_for_tests("note", InvalidReason::Empty)
    );

    // Referral needs the consent to share with agencies.
    let referral = ReferralInput {
        agency: Agency::Disnaker,
        office: Some("Disnaker Kabupaten Contoh".into()),
        date: Some("2026-06-02".into()),
        note: Some("Diserahkan berkas".into()),
    };
    assert_eq!(
        vault.refer_case(case.id.clone(), referral.clone()).unwrap_err(),
        MigranError::NotAllowed {
            reason: NotAllowedReason::ConsentMissing {
                purpose: ConsentPurpose::ShareWithAgencies
            }
        }
    );
    vault
        .record_consent(
            siti.id.clone(),
            ConsentInput {
                purpose: ConsentPurpose::ShareWithAgencies,
                given: true,
                date: None,
                note: Some("Formulir ditandatangani".into()),
            },
        )
        .unwrap();
    assert_eq!(
        vault
            .refer_case(case.id.clone(), referral.clone())
            .unwrap()
            .status,
        CaseStatus::Referred
    );
    // A second agency: the case stays referred.
    let mut kbri = referral.clone();
    kbri.agency = Agency::Kbri;
    kbri.office = None;
    assert_eq!(
        vault.refer_case(case.id.clone(), kbri).unwrap().status,
        CaseStatus::Referred
    );
    vault
        .change_case_status(case.id.clone(), to(CaseStatus::InProgress, None))
        .unwrap();
    vault
        .add_case_note(case.id.clone(), "Agen dihubungi".into(), None)
        .unwrap();
    vault
        .change_case_status(case.id.clone(), to(CaseStatus::Resolved, Some("Gaji dibayar")))
        .unwrap();
    vault
        .change_case_status(case.id.clone(), to(CaseStatus::Closed, None))
        .unwrap();
    // Closed: only reopening is allowed.
    let closed_to = |to| {
        Some(MigranError::NotAllowed {
            reason: NotAllowedReason::CaseTransition {
                from: CaseStatus::Closed,
                to,
            },
        })
    };
    assert_eq!(
        vault.refer_case(case.id.clone(), referral).err(),
        closed_to(CaseStatus::Referred)
    );
    assert_eq!(
        vault
            .change_case_status(case.id.clone(), to(CaseStatus::Resolved, None))
            .err(),
        closed_to(CaseStatus::Resolved)
    );

    let detail = vault.get_case(case.id.clone()).unwrap();
    assert_eq!(detail.case.status, CaseStatus::Closed);
    let changes: Vec<CaseChange> = detail.timeline.iter().map(|e| e.change.clone()).collect();
    assert_eq!(
        changes,
        vec![
            CaseChange::Opened,
            CaseChange::StatusChanged {
                from: CaseStatus::Open,
                to: CaseStatus::Referred
            },
            CaseChange::Referred {
                agency: Agency::Disnaker,
                office: Some("Disnaker Kabupaten Contoh".into())
            },
            CaseChange::Referred {
                agency: Agency::Kbri,
                office: None
            },
            CaseChange::StatusChanged {
                from: CaseStatus::Referred,
                to: CaseStatus::InProgress
            },
            CaseChange::Note,
            CaseChange::StatusChanged {
                from: CaseStatus::InProgress,
                to: CaseStatus::Resolved
            },
            CaseChange::StatusChanged {
                from: CaseStatus::Resolved,
                to: CaseStatus::Closed
            },
        ]
    );
    assert_eq!(detail.timeline[0].date, "2026-06-01");
    assert!(detail
        .timeline
        .iter()
        .all(|e| e.actor.as_ref().map(|a| a.name.as_str()) == Some("Kader Contoh")));
    assert_eq!(detail.referrals.len(), 2);
    assert_eq!(detail.referrals[0].date, "2026-06-02");
    assert_eq!(vault.list_cases(Some(siti.id)).unwrap().len(), 1);
    assert_eq!(vault.list_cases(None).unwrap().len(), 1);
    assert_eq!(
        migran_core::case_next_statuses(CaseStatus::Closed),
        vec![CaseStatus::InProgress]
    );
}

#[test]
fn a_change_dated_before_the_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 6, 3));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let case = new_case(&vault, &siti.id);
    let early = StatusChangeInput {
        to: CaseStatus::InProgress,
        date: Some("2026-05-01".into()),
        note: None,
    };
    assert_eq!(
        vault.change_case_status(case.id, early).unwrap_err(),
        MigranError::invalid_for_tests("date", InvalidReason::Inconsistent)
    );
    assert_eq!(
        vault.get_case("no-such-case".into()).unwrap_err(),
        MigranError::NotFound {
            kind: RecordKind::Case
        }
    );
}

/// `MigranError::invalid` is crate-private; the tests spell the variant.
trait InvalidForTests {
    fn invalid_for_tests(field: &str, reason: InvalidReason) -> MigranError;
}

impl InvalidForTests for MigranError {
    fn invalid_for_tests(field: &str, reason: InvalidReason) -> MigranError {
        MigranError::Invalid {
            field: field.into(),
            reason,
        }
    }
}

#[test]
fn the_agenda_lists_missing_checklist_items_and_screenings_not_followed_up() {
    let clock = TestClock::at(2026, 5, 1);
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), clock.clone());
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    vault
        .set_journey(
            siti.id.clone(),
            JourneyInput {
                phase: Some(Phase::PreDeparture),
                destination_country: Some("TW".into()),
                departure_date: Some("2026-06-10".into()),
                ..JourneyInput::default()
            },
        )
        .unwrap();
    // Budi is abroad: his checklist is not the agenda's business any more.
    phase(&vault, &budi.id, Phase::Abroad);
    let only = |items: Vec<(AgendaKind, String, i64)>, kind: AgendaKind| -> Vec<(String, i64)> {
        items
            .into_iter()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, name, days)| (name, days))
            .collect()
    };

    // Siti's checklist: every applicable item missing, due on her departure (40 days on).
    let view = vault.checklist(siti.id.clone(), migran_core::Locale::Id).unwrap();
    let agenda = vault
        .agenda(AgendaRequest {
            on: Some("2026-05-01".into()),
            look_ahead_days: 0,
        })
        .unwrap();
    let missing: Vec<_> = agenda
        .items
        .iter()
        .filter(|i| i.kind == AgendaKind::MissingChecklistItems)
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].person_name, "Siti Contoh");
    assert_eq!(missing[0].count, Some(view.summary.total - view.summary.done));
    assert_eq!(missing[0].due_on.as_deref(), Some("2026-06-10"));
    assert_eq!(missing[0].days_overdue, -40);
    assert!(missing[0].text.id.contains("belum lengkap") && missing[0].text.en.contains("missing"));
    // One item done: one fewer missing.
    vault
        .set_checklist_item(
            siti.id.clone(),
            view.summary.next_steps[0].clone(),
            migran_core::ChecklistItemUpdate {
                state: migran_core::ItemState::Done,
                by: None,
                note: None,
                document_id: None,
            },
            migran_core::Locale::Id,
        )
        .unwrap();
    let after = vault
        .agenda(AgendaRequest {
            on: Some("2026-05-01".into()),
            look_ahead_days: 0,
        })
        .unwrap();
    let count = after
        .items
        .iter()
        .find(|i| i.kind == AgendaKind::MissingChecklistItems)
        .and_then(|i| i.count);
    assert_eq!(count, Some(view.summary.total - view.summary.done - 1));

    // A screening with every answer "yes" is high or critical: a follow-up is due within
    // three days; it shows until it is done.
    let screening = vault.screen_person(budi.id.clone(), every_answer_yes()).unwrap();
    assert!(screening.result.level >= migran_core::RiskLevel::High);
    assert!(only(
        full_agenda_on(&vault, "2026-05-01", 0),
        AgendaKind::ScreeningNotFollowedUp
    )
    .is_empty());
    let due = only(
        full_agenda_on(&vault, "2026-05-01", 3),
        AgendaKind::ScreeningNotFollowedUp,
    );
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].0, "Budi Contoh");
    assert!(due[0].1 < 0, "not yet due on the day of the screening");
    let late = only(
        full_agenda_on(&vault, "2026-05-09", 0),
        AgendaKind::ScreeningNotFollowedUp,
    );
    assert_eq!(late.len(), 1);
    assert!(late[0].1 >= 5);
    let follow_up = vault.list_follow_ups(budi.id.clone()).unwrap().remove(0);
    vault.complete_follow_up(follow_up.id).unwrap();
    assert!(only(
        full_agenda_on(&vault, "2026-05-09", 0),
        AgendaKind::ScreeningNotFollowedUp
    )
    .is_empty());

    // Withdrawn registration consent: neither shows any more.
    for person in [&siti.id, &budi.id] {
        vault
            .record_consent(
                person.clone(),
                ConsentInput {
                    purpose: ConsentPurpose::Registration,
                    given: false,
                    date: None,
                    note: None,
                },
            )
            .unwrap();
    }
    assert!(full_agenda_on(&vault, "2026-05-09", 30).is_empty());
    // Another purpose given afterwards is not the registration consent (each purpose
    // keeps its own state; found by mutation testing).
    vault
        .record_consent(
            siti.id.clone(),
            ConsentInput {
                purpose: ConsentPurpose::Reporting,
                given: true,
                date: None,
                note: None,
            },
        )
        .unwrap();
    assert!(full_agenda_on(&vault, "2026-05-09", 30).is_empty());
}

#[test]
fn a_visit_dated_with_the_cadres_own_today_is_accepted_before_utc_midnight() {
    // 9 March, 23:00 UTC is 10 March, 06:00 in Jakarta (WIB, UTC+7).
    let clock = TestClock::at(2026, 3, 9);
    clock.advance(Duration::hours(14));
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), clock);
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let logged = vault.add_visit(siti.id.clone(), visit("2026-03-10")).unwrap();
    assert_eq!(logged.date, "2026-03-10");
    // No place on Earth is on 11 March yet.
    assert_eq!(
        vault.add_visit(siti.id, visit("2026-03-11")).unwrap_err(),
        MigranError::Invalid {
            field: "date".into(),
            reason: InvalidReason::OutOfRange
        }
    );
}
