//! What the district roll-up's tests share: obviously fake village reports turned into
//! submissions by the core's own `district_submission_json`, their expected sums, and
//! reading the published cells.
#![allow(dead_code)]

use std::collections::BTreeMap;

use migran_core::{district_submission_json, ReportCount, VillageReport};
use serde_json::Value;

use crate::support::{random_text, RelayClient};

/// A fake district of its own for each test (no province has the code 99; the
/// PostgreSQL database is shared by every test of a run).
pub fn new_district() -> String {
    format!("99.{}", random_text(4))
}
pub const FROM: &str = "2026-01-01";
pub const TO: &str = "2026-03-31";

/// One village's counts, as the test writes them.
#[derive(Clone)]
pub struct Village {
    /// After the district's code: `.01.2001` makes `99.xxxx.01.2001`.
    pub code: &'static str,
    pub name: &'static str,
    pub generated_at: String,
    /// prospective, pre_departure, abroad, returned
    pub phases: [u32; 4],
    pub destinations: Vec<(&'static str, u32)>,
    pub sectors: Vec<(&'static str, u32)>,
    pub cases: Vec<(&'static str, u32)>,
    pub returns: Vec<(&'static str, u32)>,
}

fn counts(pairs: &[(&str, u32)]) -> Vec<ReportCount> {
    pairs
        .iter()
        .map(|(key, count)| ReportCount {
            key: (*key).to_owned(),
            count: *count,
        })
        .collect()
}

impl Village {
    pub fn report(&self) -> VillageReport {
        let phases = ["prospective", "pre_departure", "abroad", "returned"];
        let by_phase: Vec<(&str, u32)> = phases.iter().copied().zip(self.phases).collect();
        VillageReport {
            generated_at: self.generated_at.clone(),
            generated_on: self.generated_at[..10].to_owned(),
            village: Some(self.name.to_owned()),
            officer: Some("Siti Contoh".to_owned()),
            period_from: Some(FROM.to_owned()),
            period_to: Some(TO.to_owned()),
            people_counted: self.phases.iter().sum(),
            people_not_counted: 1,
            by_phase: counts(&by_phase),
            by_sex: vec![],
            by_destination: counts(&self.destinations),
            by_sector: counts(&self.sectors),
            departures_in_period: 0,
            pre_departure_completeness: vec![],
            cases_in_period: self.cases.iter().map(|(_, n)| n).sum(),
            cases_by_type: counts(&self.cases),
            cases_by_status: vec![],
            screenings_by_risk: vec![],
            returns_in_period: self.returns.iter().map(|(_, n)| n).sum(),
            returns_by_reason: counts(&self.returns),
            reintegration_needs: vec![],
            services_in_period: 0,
            services_by_kind: vec![],
            sessions_in_period: 0,
            session_attendance: vec![],
            session_topics: vec![],
        }
    }

    pub fn full_code(&self, district: &str) -> String {
        format!("{district}{}", self.code)
    }

    /// The submission body for `district`, made by the core.
    pub fn body(&self, district: &str) -> Vec<u8> {
        district_submission_json(&self.report(), district, &self.full_code(district))
            .unwrap()
            .into_bytes()
    }
}

/// Three villages whose district sums have small cells in every table (see
/// `expected_display`).
pub fn villages() -> Vec<Village> {
    vec![
        Village {
            code: ".01.2001",
            name: "Desa Contoh Satu",
            generated_at: "2026-04-02T08:00:00.000Z".to_owned(),
            phases: [10, 4, 12, 6],
            destinations: vec![("MY", 8), ("TW", 6), ("HK", 2)],
            sectors: vec![("domestic_work", 10), ("manufacturing", 6)],
            cases: vec![("unpaid_wages", 2), ("abuse", 0)],
            returns: vec![("contract_end", 3), ("early_return", 1)],
        },
        Village {
            code: ".01.2002",
            name: "Desa Contoh Dua",
            generated_at: "2026-04-01T09:30:00.000Z".to_owned(),
            phases: [5, 0, 7, 3],
            destinations: vec![("MY", 5), ("TW", 2)],
            sectors: vec![("domestic_work", 4), ("caregiving", 3)],
            cases: vec![("unpaid_wages", 3), ("document_seized", 1)],
            returns: vec![("contract_end", 3)],
        },
        Village {
            code: ".02.2003",
            name: "Desa Contoh Tiga",
            generated_at: "2026-04-03T07:15:00.000Z".to_owned(),
            phases: [6, 1, 9, 2],
            destinations: vec![("MY", 6), ("SG", 4)],
            sectors: vec![("manufacturing", 7), ("fishing", 3)],
            cases: vec![],
            returns: vec![("contract_end", 2), ("deported", 0)],
        },
    ]
}

/// The first village's earlier report of the same period: replaced by `villages()[0]`.
pub fn earlier_first_village() -> Village {
    Village {
        generated_at: "2026-04-01T08:00:00.000Z".to_owned(),
        phases: [40, 10, 30, 0],
        destinations: vec![("MY", 40)],
        sectors: vec![("fishing", 40)],
        cases: vec![("abuse", 7)],
        returns: vec![],
        ..villages()[0].clone()
    }
}

/// Sums over villages of each table's keys: table name -> key -> sum.
pub fn sums(villages: &[Village]) -> BTreeMap<&'static str, BTreeMap<String, u64>> {
    let mut out: BTreeMap<&'static str, BTreeMap<String, u64>> = BTreeMap::new();
    for village in villages {
        let report = village.report();
        for (table, rows) in [
            ("by_phase", &report.by_phase),
            ("by_destination", &report.by_destination),
            ("by_sector", &report.by_sector),
            ("cases_by_type", &report.cases_by_type),
            ("returns_by_reason", &report.returns_by_reason),
        ] {
            for row in rows {
                *out.entry(table).or_default().entry(row.key.clone()).or_insert(0) += u64::from(row.count);
            }
        }
        for (total, value) in [
            ("people_counted", report.people_counted),
            ("cases_in_period", report.cases_in_period),
            ("returns_in_period", report.returns_in_period),
        ] {
            *out.entry("totals")
                .or_default()
                .entry(total.to_owned())
                .or_insert(0) += u64::from(value);
        }
    }
    out
}

/// What the district must show for `villages()`, worked out by hand from the rule
/// (docs/relay.md#small-cells): a sum as a number, "<5" or "≥5".
pub fn expected_display() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        // Phases: no small sum (21, 5, 28, 11).
        ("by_phase", "prospective", "21"),
        ("by_phase", "pre_departure", "5"),
        ("by_phase", "abroad", "28"),
        ("by_phase", "returned", "11"),
        // Destinations 33 = MY 19 + TW 8 + SG 4 + HK 2: SG and HK are small; with the
        // total known they would add up to 6, so one is 2 to 4 and the other 2 to 4,
        // never 1: TW is hidden too.
        ("by_destination", "MY", "19"),
        ("by_destination", "TW", "≥5"),
        ("by_destination", "SG", "<5"),
        ("by_destination", "HK", "<5"),
        // Sectors 33 = 14 + 13 + 3 + 3: the same, manufacturing (13) hidden.
        ("by_sector", "domestic_work", "14"),
        ("by_sector", "manufacturing", "≥5"),
        ("by_sector", "caregiving", "<5"),
        ("by_sector", "fishing", "<5"),
        // Cases 6 = 5 + 1: no choice protects the 1 when 6 is known, so the table and
        // its total are hidden by size.
        ("cases_by_type", "unpaid_wages", "≥5"),
        ("cases_by_type", "document_seized", "<5"),
        ("cases_by_type", "abuse", "0"),
        ("totals", "cases_in_period", "≥5"),
        // Returns 9 = 8 + 1 + 0: the 8 hidden, 9 shown (the 1 is then 1 to 4).
        ("returns_by_reason", "contract_end", "≥5"),
        ("returns_by_reason", "early_return", "<5"),
        ("returns_by_reason", "deported", "0"),
        ("totals", "returns_in_period", "9"),
        ("totals", "people_counted", "65"),
    ]
}

/// A published cell of the totals JSON: `display`, and `count` when shown.
pub fn json_cell<'a>(totals: &'a Value, table: &str, key: &str) -> &'a Value {
    if table == "totals" {
        return &totals[key];
    }
    totals[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["key"] == key)
        .unwrap_or_else(|| panic!("{table}/{key} missing in {totals}"))
}

/// The relay's answer to an unsigned GET: status and body text.
pub fn get(base: &str, path: &str) -> (u16, String, String) {
    let response = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().unwrap())
}

/// A team registered on the relay at `base` whose device sends village reports.
pub fn village_team(base: &str, name: &str) -> RelayClient {
    let client = RelayClient::new(
        base,
        &format!("tim-{name}-{}", random_text(8)),
        &format!("hp-{name}"),
    );
    let answer = client.register_team();
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    client
}

pub fn submit(client: &RelayClient, body: Vec<u8>) -> crate::support::Answer {
    client.send(
        "POST",
        &format!("/v1/teams/{}/district-reports", client.team_id),
        body,
    )
}
