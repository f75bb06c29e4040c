//! The core sends its village report to the district roll-up (`Vault::submit_district_report`)
//! over real HTTP on 127.0.0.1, on both engines (PostgreSQL when MIGRAN_RELAY_PG_URL is
//! set): accepted, the district's totals are the report's counts (small cells `<5`), a
//! later report of the same village and period replaces the first, and refusals come
//! back as typed errors. docs/relay.md#sending-the-report-submit_district_report.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard_support;
mod support;

use std::sync::Arc;

use dashboard_support::{get, json_cell, new_district};
use migran_core::{
    AuditQuery, CaseInput, CaseType, ConsentInput, ConsentPurpose, MigranError, PageRequest, RecordKind,
    RelayProblem, ReportCount, ReportRequest, Reporter, TeamRole, Vault, VillageReport, MAX_PAGE,
};
use migran_relay::Limits;
use migran_testkit::{fake_person, new_vault, TestClock};
use serde_json::Value;
use support::{engine, Kind, TestRelay};

on_both_engines!(a_village_report_reaches_its_district_and_a_later_one_replaces_it);

const FROM: &str = "2026-07-01";
const TO: &str = "2026-09-30";

fn request(village: &str) -> ReportRequest {
    ReportRequest {
        from: Some(FROM.into()),
        to: Some(TO.into()),
        village: Some(village.into()),
        officer: None,
    }
}

/// Persons with the reporting consent (so they are counted), `first..first + n`.
fn add_counted(vault: &Vault, first: u32, n: u32) -> Vec<String> {
    (first..first + n)
        .map(|index| {
            let person = vault.add_person(fake_person("Siti Contoh", index)).unwrap();
            vault
                .record_consent(
                    person.id.clone(),
                    ConsentInput {
                        purpose: ConsentPurpose::Reporting,
                        given: true,
                        date: None,
                        note: None,
                    },
                )
                .unwrap();
            person.id
        })
        .collect()
}

/// How many "village report made" entries the audit log holds (every page).
fn report_audit_entries(vault: &Vault) -> usize {
    let mut found = 0;
    let mut offset = Some(0);
    while let Some(at) = offset {
        let page = vault
            .audit_log(AuditQuery {
                person_id: None,
                from: None,
                to: None,
                page: PageRequest {
                    offset: at,
                    limit: MAX_PAGE,
                },
            })
            .unwrap();
        found += page
            .items
            .iter()
            .filter(|entry| entry.kind == RecordKind::VillageReport)
            .count();
        offset = page.next_offset;
    }
    found
}

fn totals(relay: &TestRelay, district: &str) -> Value {
    let (status, _, text) = get(&relay.url(), &format!("/v1/districts/{district}/totals"));
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Every cell the relay publishes is the report's own count, or hides it the relay's
/// way: `<5` for 1 to 4 (no number), `≥5` only for a count of at least 5.
fn assert_totals_are_the_report(totals: &Value, report: &VillageReport) {
    let tables: [(&str, &[ReportCount]); 5] = [
        ("by_phase", &report.by_phase),
        ("by_destination", &report.by_destination),
        ("by_sector", &report.by_sector),
        ("cases_by_type", &report.cases_by_type),
        ("returns_by_reason", &report.returns_by_reason),
    ];
    let mut cells: Vec<(String, u32)> = vec![
        ("totals/people_counted".into(), report.people_counted),
        ("totals/cases_in_period".into(), report.cases_in_period),
        ("totals/returns_in_period".into(), report.returns_in_period),
    ];
    for (table, counts) in tables {
        cells.extend(counts.iter().map(|c| (format!("{table}/{}", c.key), c.count)));
    }
    for (path, count) in cells {
        let (table, key) = path.split_once('/').unwrap();
        // A zero cell a report lists may be left out of the totals.
        if count == 0 && table != "totals" {
            continue;
        }
        let cell = json_cell(totals, table, key);
        match cell["display"].as_str().unwrap() {
            "<5" => {
                assert!((1..=4).contains(&count), "{path}: {count} shown as <5");
                assert!(cell["count"].is_null(), "{path}: {cell}");
            }
            "≥5" => assert!(count >= 5, "{path}: {count} shown as ≥5"),
            shown => {
                assert_eq!(shown, count.to_string(), "{path}");
                assert_eq!(cell["count"].as_u64(), Some(u64::from(count)), "{path}");
                assert!(!(1..=4).contains(&count), "{path}: {count} published");
            }
        }
    }
}

fn a_village_report_reaches_its_district_and_a_later_one_replaces_it(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let url = relay.url();
    let district = new_district();
    let village = format!("{district}.01.2001");
    // The report's day must not be ahead of the relay's (real) clock.
    let clock = TestClock::at(2026, 8, 10);
    let vault: Arc<Vault> = new_vault(&root.path().join("satu"), clock.clone());

    // Not in a team, not on the relay: typed errors, nothing sent.
    assert!(matches!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::SyncRefused { .. })
    ));
    // Refused before a report is made: no audit entry says one was.
    assert_eq!(report_audit_entries(&vault), 0);
    vault.team_create(TeamRole::Officer).unwrap();
    assert_eq!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::TeamNotRegistered
        })
    );
    // That one was made and sent (the relay refused it): its audit entry stays. The
    // refusals below happen on the device, before a report is made.
    let made = report_audit_entries(&vault);
    assert_eq!(made, 1);
    assert_eq!(
        vault.submit_district_report(
            "http://192.0.2.1:8780".into(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::BadAddress
        })
    );
    // A report without its village's name, or with a bad code, never leaves.
    assert!(matches!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            ReportRequest {
                village: None,
                ..request("x")
            }
        ),
        Err(MigranError::Invalid { .. })
    ));
    assert!(matches!(
        vault.submit_district_report(
            url.clone(),
            "99 01".into(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::Invalid { .. })
    ));
    assert!(matches!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            "desa satu".into(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::Invalid { .. })
    ));
    assert!(matches!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            ReportRequest {
                from: None,
                ..request("Desa Contoh Satu")
            }
        ),
        Err(MigranError::Invalid { .. })
    ));
    // None of them left an audit entry saying a village report was made (the accepted
    // one below does leave one).
    assert_eq!(report_audit_entries(&vault), made);
    vault.sync_with_relay(url.clone(), None).unwrap();

    // Seven counted persons, one case: the case is a small cell.
    let people = add_counted(&vault, 1, 7);
    vault
        .open_case(
            people[0].clone(),
            CaseInput {
                case_type: CaseType::UnpaidWages,
                description: "Gaji contoh belum dibayar".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    clock.advance(chrono::Duration::days(60));
    let sent = vault
        .submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu"),
        )
        .unwrap();
    assert!(!sent.replaced, "{sent:?}");
    assert_eq!(report_audit_entries(&vault), made + 1);
    assert_eq!(
        (
            sent.district.as_str(),
            sent.village_code.as_str(),
            sent.people_counted
        ),
        (district.as_str(), village.as_str(), 7)
    );
    assert_eq!((sent.period_from.as_str(), sent.period_to.as_str()), (FROM, TO));
    let report = vault.village_report(request("Desa Contoh Satu")).unwrap();
    let first = totals(&relay, &district);
    assert_eq!(first["people_counted"]["count"], 7, "{first}");
    assert_eq!(first["cases_in_period"]["display"], "<5", "{first}");
    assert!(first["cases_in_period"]["count"].is_null(), "{first}");
    assert_eq!(first["period_from"], FROM);
    assert_totals_are_the_report(&first, &report);

    // Two more persons, a later report for the same village and period: it replaces
    // the first, whose counts are gone from the totals.
    add_counted(&vault, 8, 2);
    clock.advance(chrono::Duration::days(1));
    let again = vault
        .submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu"),
        )
        .unwrap();
    assert!(again.replaced, "{again:?}");
    assert_eq!(again.people_counted, 9);
    let report = vault.village_report(request("Desa Contoh Satu")).unwrap();
    let second = totals(&relay, &district);
    assert_eq!(second["people_counted"]["count"], 9, "{second}");
    assert_eq!(second["villages"].as_array().unwrap().len(), 1, "{second}");
    assert_totals_are_the_report(&second, &report);

    // Refusals, typed: an earlier report (the device's clock went back), another village
    // for this team, this village for another team. None changes the totals.
    clock.advance(chrono::Duration::days(-10));
    assert_eq!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::OlderReport
        })
    );
    clock.advance(chrono::Duration::days(10));
    assert_eq!(
        vault.submit_district_report(
            url.clone(),
            district.clone(),
            format!("{district}.01.2002"),
            request("Desa Contoh Dua")
        ),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::WrongVillage
        })
    );
    let other = new_vault(&root.path().join("dua"), TestClock::at(2026, 10, 20));
    other.team_create(TeamRole::Officer).unwrap();
    other.sync_with_relay(url.clone(), None).unwrap();
    assert_eq!(
        other.submit_district_report(
            url.clone(),
            district.clone(),
            village.clone(),
            request("Desa Contoh Satu")
        ),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::VillageTaken
        })
    );
    assert_eq!(totals(&relay, &district), second);

    // The relay gone: the same call retries, then says so.
    drop(relay);
    assert_eq!(
        vault.submit_district_report(url, district, village, request("Desa Contoh Satu")),
        Err(MigranError::RelayFailed {
            problem: RelayProblem::Unreachable
        })
    );
}
