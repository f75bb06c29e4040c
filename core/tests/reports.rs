//! The village report on a generated village, checked against counts the test keeps
//! itself while generating; and the report's outputs hold no personal value.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use migran_core::{
    Answer, CaseInput, CaseStatus, CaseType, ChecklistItemUpdate, ConsentInput, ConsentPurpose, ItemState,
    JourneyInput, Locale, MaritalStatus, Phase, ReintegrationNeed, ReportRequest, Reporter, ReturnInput,
    ReturnReason, RiskLevel, ScreeningAnswer, ScreeningInput, Sector, ServiceInput, ServiceKind,
    StatusChangeInput, VillageReport, VisitFollowUpInput, VisitInput, VisitTopic,
};
use support::*;

const MARKER: &str = "Qvzmarker";
const PEOPLE: u32 = 300;

/// What the test itself counted while making the village.
#[derive(Default)]
struct Expected {
    counted: u32,
    not_counted: u32,
    phase: BTreeMap<&'static str, u32>,
    sex: BTreeMap<&'static str, u32>,
    destination: BTreeMap<String, u32>,
    sector: BTreeMap<String, u32>,
    departures_in_q1: u32,
    cases_all: BTreeMap<&'static str, u32>,
    cases_q1: BTreeMap<&'static str, u32>,
    status_all: BTreeMap<&'static str, u32>,
    returns_q1: BTreeMap<&'static str, u32>,
    needs_q1: BTreeMap<&'static str, u32>,
    services_q1: BTreeMap<&'static str, u32>,
    completeness: BTreeMap<&'static str, u32>,
    risk_latest: BTreeMap<&'static str, u32>,
}

fn bump<K: Ord>(map: &mut BTreeMap<K, u32>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

/// A small deterministic generator, so that a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % u64::from(n)) as u32
    }
}

fn build_village(vault: &migran_core::Vault) -> Expected {
    let mut rng = Lcg(7);
    let mut expected = Expected::default();
    let phases = [
        (Phase::Prospective, "prospective"),
        (Phase::PreDeparture, "pre_departure"),
        (Phase::Abroad, "abroad"),
        (Phase::Returned, "returned"),
    ];
    let countries = ["MY", "TW", "HK", "SG", "SA"];
    let sectors = [
        (Some(Sector::DomesticWork), "domestic_work"),
        (Some(Sector::Manufacturing), "manufacturing"),
        (Some(Sector::Caregiving), "caregiving"),
        (None, "unknown"),
    ];
    let case_types = [
        (CaseType::UnpaidWages, "unpaid_wages"),
        (CaseType::DocumentSeized, "document_seized"),
        (CaseType::TraffickingSuspicion, "trafficking_suspicion"),
    ];
    for n in 0..PEOPLE {
        let mut input = fake_person(&format!("Warga {MARKER} {n:03}"), n);
        input.address = Some(format!("Dusun {MARKER} RT {n:03}"));
        let person = vault.add_person(input).unwrap();
        let sex = if n.is_multiple_of(2) { "female" } else { "male" };
        let archived = n % 50 == 49;
        let reporting = rng.next(10) < 8;
        if reporting {
            vault
                .record_consent(
                    person.id.clone(),
                    ConsentInput {
                        purpose: ConsentPurpose::Reporting,
                        given: true,
                        date: Some("2025-12-01".into()),
                        note: None,
                    },
                )
                .unwrap();
        }
        // Some gave it and withdrew it later: not counted.
        let withdrew = reporting && rng.next(20) == 0;
        if withdrew {
            vault
                .record_consent(
                    person.id.clone(),
                    ConsentInput {
                        purpose: ConsentPurpose::Reporting,
                        given: false,
                        date: Some("2026-01-10".into()),
                        note: Some(format!("Ditarik {MARKER}")),
                    },
                )
                .unwrap();
        }
        let counted = reporting && !withdrew && !archived;

        let (phase, phase_code) = phases[rng.next(4) as usize];
        let has_journey = rng.next(10) < 9;
        let country = countries[rng.next(5) as usize];
        let (sector, sector_code) = sectors[rng.next(4) as usize];
        let departure = format!("2026-{:02}-{:02}", 1 + rng.next(6), 1 + rng.next(28));
        if has_journey {
            vault
                .set_journey(
                    person.id.clone(),
                    JourneyInput {
                        phase: Some(phase),
                        destination_country: Some(country.into()),
                        sector,
                        employer_name: Some(format!("Majikan {MARKER}")),
                        departure_date: Some(departure.clone()),
                        ..JourneyInput::default()
                    },
                )
                .unwrap();
        }
        let phase_code = if has_journey { phase_code } else { "prospective" };

        // Cases for about one in five; reported in 2025 or in Q1 2026.
        let mut case_ids = Vec::new();
        if rng.next(5) == 0 {
            let (case_type, type_code) = case_types[rng.next(3) as usize];
            let in_q1 = rng.next(2) == 0;
            let reported_on = if in_q1 { "2026-02-10" } else { "2025-11-10" };
            let case = vault
                .open_case(
                    person.id.clone(),
                    CaseInput {
                        case_type,
                        description: format!("Uraian {MARKER}"),
                        reported_by: Reporter::Migrant,
                        reported_on: Some(reported_on.into()),
                    },
                )
                .unwrap();
            let progressed = rng.next(2) == 0;
            if progressed {
                vault
                    .change_case_status(
                        case.id.clone(),
                        StatusChangeInput {
                            to: CaseStatus::InProgress,
                            date: None,
                            note: Some(format!("Catatan {MARKER}")),
                        },
                    )
                    .unwrap();
            }
            if counted {
                bump(&mut expected.cases_all, type_code);
                bump(
                    &mut expected.status_all,
                    if progressed { "in_progress" } else { "open" },
                );
                if in_q1 {
                    bump(&mut expected.cases_q1, type_code);
                }
            }
            if progressed {
                vault
                    .add_case_note(case.id.clone(), format!("Catatan kasus {MARKER}"), None)
                    .unwrap();
            }
            case_ids.push(case.id);
        }
        // A home visit for one in six, with sealed observations and a follow-up.
        if rng.next(6) == 0 {
            vault
                .add_visit(
                    person.id.clone(),
                    VisitInput {
                        date: "2026-03-20".into(),
                        cadre: Some(format!("Kader {MARKER}")),
                        present: vec![format!("Ibu {MARKER}")],
                        topics: vec![VisitTopic::RedFlags],
                        observations: Some(format!("Pengamatan {MARKER}")),
                        follow_ups: vec![VisitFollowUpInput {
                            action: format!("Tindakan {MARKER}"),
                            due_on: "2026-04-01".into(),
                        }],
                        next_visit_on: None,
                    },
                )
                .unwrap();
        }

        // Returns (which move the phase to Returned) for about one in eight.
        let mut final_phase = phase_code;
        if rng.next(8) == 0 {
            let reasons = [
                (ReturnReason::ContractEnd, "contract_end"),
                (ReturnReason::Deported, "deported"),
            ];
            let (reason, reason_code) = reasons[rng.next(2) as usize];
            let in_q1 = rng.next(2) == 0;
            let date = if in_q1 { "2026-03-01" } else { "2025-10-01" };
            let returned = vault
                .record_return(
                    person.id.clone(),
                    ReturnInput {
                        return_date: date.into(),
                        reason,
                        case_id: case_ids.first().cloned(),
                        condition: Some(format!("Kondisi {MARKER}")),
                        needs: vec![ReintegrationNeed::Economic, ReintegrationNeed::Psychosocial],
                        follow_up_plan: None,
                        next_follow_up_on: None,
                    },
                )
                .unwrap();
            vault
                .add_reintegration_service(
                    returned.id,
                    ServiceInput {
                        kind: ServiceKind::Counselling,
                        date: "2026-03-05".into(),
                        provider: Some(format!("Penyedia {MARKER}")),
                        note: None,
                    },
                )
                .unwrap();
            final_phase = "returned";
            if counted {
                bump(&mut expected.services_q1, "counselling");
                if in_q1 {
                    bump(&mut expected.returns_q1, reason_code);
                    bump(&mut expected.needs_q1, "economic");
                    bump(&mut expected.needs_q1, "psychosocial");
                }
            }
        }
        let completeness =
            (final_phase == "pre_departure").then(|| prepare_checklist(vault, &person.id, &mut rng));
        let risk = (rng.next(4) == 0).then(|| screen(vault, &person.id, &mut rng));
        if archived {
            vault.set_person_archived(person.id.clone(), true).unwrap();
        }
        if !counted {
            if !archived {
                expected.not_counted += 1;
            }
            continue;
        }
        expected.counted += 1;
        bump(&mut expected.phase, final_phase);
        bump(&mut expected.sex, sex);
        if let Some(completeness) = completeness {
            bump(&mut expected.completeness, completeness);
        }
        if let Some(risk) = risk {
            bump(&mut expected.risk_latest, risk);
        }
        if matches!(final_phase, "pre_departure" | "abroad") {
            bump(&mut expected.destination, country.to_string());
            bump(&mut expected.sector, sector_code.to_string());
        }
        // Departures are all in 2026, so Q1 is "up to 31 March". A returned person with
        // no journey before got one without a departure date.
        if has_journey && departure.as_str() <= "2026-03-31" {
            expected.departures_in_q1 += 1;
        }
    }
    expected
}

/// Leaves the person's checklist not started, started, or complete (driven through the
/// public API item by item, as a cadre would); returns which.
fn prepare_checklist(vault: &migran_core::Vault, person_id: &str, rng: &mut Lcg) -> &'static str {
    let done = || ChecklistItemUpdate {
        state: ItemState::Done,
        by: Some(format!("Kader {MARKER}")),
        note: None,
        document_id: None,
    };
    match rng.next(3) {
        0 => "not_started",
        1 => {
            let view = vault.checklist(person_id.to_string(), Locale::Id).unwrap();
            vault
                .set_checklist_item(
                    person_id.to_string(),
                    view.summary.next_steps[0].clone(),
                    done(),
                    Locale::Id,
                )
                .unwrap();
            "incomplete"
        }
        _ => {
            let mut view = vault
                .set_marital_status(person_id.to_string(), MaritalStatus::Single, Locale::Id)
                .unwrap();
            while view.summary.done < view.summary.total {
                let next = view.summary.next_steps[0].clone();
                view = vault
                    .set_checklist_item(person_id.to_string(), next, done(), Locale::Id)
                    .unwrap();
            }
            "complete"
        }
    }
}

/// Screens the person once or twice (answers drawn at random); returns the level of the
/// latest screening, which is the one the report counts.
fn screen(vault: &migran_core::Vault, person_id: &str, rng: &mut Lcg) -> &'static str {
    let questions = migran_core::screening_questions(Locale::Id).unwrap();
    let mut level = RiskLevel::None;
    for _ in 0..=rng.next(2) {
        let answers = questions
            .iter()
            .map(|q| ScreeningAnswer {
                question_id: q.id.clone(),
                answer: [Answer::Yes, Answer::No, Answer::Unknown][rng.next(3) as usize],
            })
            .collect();
        level = vault
            .screen_person(
                person_id.to_string(),
                ScreeningInput {
                    screened_by: format!("Kader {MARKER}"),
                    answers,
                },
            )
            .unwrap()
            .result
            .level;
    }
    match level {
        RiskLevel::None => "none",
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
        RiskLevel::Critical => "critical",
    }
}

fn as_map(counts: &[migran_core::ReportCount]) -> BTreeMap<String, u32> {
    counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.key.clone(), c.count))
        .collect()
}

fn owned<K: ToString>(map: &BTreeMap<K, u32>) -> BTreeMap<String, u32> {
    map.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn the_village_report_matches_counts_kept_while_generating_the_village() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 4, 15));
    let expected = build_village(&vault);
    assert!(
        expected.counted > 150 && expected.not_counted > 20,
        "the village is varied"
    );

    let all = vault.village_report(ReportRequest::default()).unwrap();
    assert_eq!(all.people_counted, expected.counted);
    assert_eq!(all.people_not_counted, expected.not_counted);
    assert_eq!(as_map(&all.by_phase), owned(&expected.phase));
    assert_eq!(as_map(&all.by_sex), owned(&expected.sex));
    assert_eq!(as_map(&all.by_destination), expected.destination);
    assert_eq!(as_map(&all.by_sector), expected.sector);
    assert_eq!(as_map(&all.cases_by_type), owned(&expected.cases_all));
    assert_eq!(as_map(&all.cases_by_status), owned(&expected.status_all));
    assert_eq!(all.by_phase.len(), 4, "every phase is listed, zeros included");
    assert_eq!(
        as_map(&all.pre_departure_completeness),
        owned(&expected.completeness)
    );
    assert!(
        expected.completeness.len() == 3,
        "the village has complete, started and untouched checklists: {:?}",
        expected.completeness
    );
    assert_eq!(as_map(&all.screenings_by_risk), owned(&expected.risk_latest));
    assert!(expected.risk_latest.values().sum::<u32>() > 20);
    assert_eq!(
        all.screenings_by_risk.len(),
        5,
        "every level is listed, zeros included"
    );
    // Sex totals add up to the people counted.
    assert_eq!(all.by_sex.iter().map(|c| c.count).sum::<u32>(), expected.counted);

    // The first quarter of 2026.
    let q1 = vault
        .village_report(ReportRequest {
            from: Some("2026-01-01".into()),
            to: Some("2026-03-31".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        q1.people_counted, expected.counted,
        "population sections are as of now"
    );
    assert_eq!(as_map(&q1.cases_by_type), owned(&expected.cases_q1));
    assert_eq!(q1.cases_in_period, expected.cases_q1.values().sum::<u32>());
    assert_eq!(as_map(&q1.returns_by_reason), owned(&expected.returns_q1));
    assert_eq!(as_map(&q1.reintegration_needs), owned(&expected.needs_q1));
    assert_eq!(as_map(&q1.services_by_kind), owned(&expected.services_q1));
    assert_eq!(q1.departures_in_period, expected.departures_in_q1);
    assert!(
        q1.screenings_by_risk.iter().all(|c| c.count == 0),
        "every screening was made on 15 April, after the quarter"
    );
    assert_eq!(
        as_map(&q1.pre_departure_completeness),
        owned(&expected.completeness),
        "completeness is as of now"
    );
    let april = vault
        .village_report(ReportRequest {
            from: Some("2026-04-15".into()),
            to: None,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(as_map(&april.screenings_by_risk), owned(&expected.risk_latest));

    assert!(matches!(
        vault.village_report(ReportRequest {
            from: Some("2026-04-01".into()),
            to: Some("2026-03-01".into()),
            ..Default::default()
        }),
        Err(migran_core::MigranError::Invalid { field, .. }) if field == "to"
    ));
}

fn outputs(report: &VillageReport) -> [String; 4] {
    [
        migran_core::village_report_csv(report),
        migran_core::village_report_json(report).unwrap(),
        migran_core::village_report_text(report, migran_core::Locale::Id),
        migran_core::village_report_text(report, migran_core::Locale::En),
    ]
}

#[test]
fn the_report_in_every_format_holds_counts_and_codes_only() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 4, 15));
    build_village(&vault);
    let persons = vault
        .list_persons(
            migran_core::PageRequest {
                offset: 0,
                limit: 1000,
            },
            true,
        )
        .unwrap()
        .items;
    let report = vault.village_report(ReportRequest::default()).unwrap();
    for output in outputs(&report) {
        assert!(!output.contains(MARKER), "a typed value leaked: {output}");
        for person in persons.iter().take(50) {
            for value in [&person.id, &person.nik, &person.full_name] {
                assert!(!output.contains(value.as_str()));
            }
        }
    }
    let [csv, json, indonesian, english] = outputs(&report);
    assert!(csv.starts_with("section,key,value\r\n"));
    assert!(csv.contains(&format!("total,people_counted,{}\r\n", report.people_counted)));
    assert!(csv.contains("screenings_by_risk,none,"));
    assert!(csv.contains("pre_departure_completeness,complete,"));
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["people_counted"], report.people_counted);
    assert!(indonesian.contains("Menurut tahap") && indonesian.contains("Pra-penempatan"));
    assert!(english.contains("By phase") && english.contains("Screenings by risk level"));
    // Nor anything typed, in any file of the vault (database, WAL): the marker is in
    // names, addresses, case descriptions and notes, visits, conditions and providers.
    drop(vault);
    assert_eq!(files_containing(dir.path(), MARKER), Vec::<String>::new());
}
