//! The village report for 10,000 people: persons, journeys and consents counted, with
//! cases, returns, services, checklists and screenings. Goal: within 2x its baseline.
//!
//! Baseline in the same run: a plaintext copy of the very same vault (`sqlcipher_export`:
//! same rows, tables and indexes) counted with the same `GROUP BY` queries. What the vault
//! does on top: the encryption, the checklist rules per person in pre-departure (the
//! baseline counts done items against the pack's item count), reading each counted
//! person's screenings, building the labelled report and its audit entry.
//!
//! Run: `cargo bench -p migran-core --bench reports`. The figures go into
//! docs/performance.md ("Village report").
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use migran_core::{
    CaseInput, CaseType, ChecklistItemUpdate, ConsentInput, ConsentPurpose, ItemState, JourneyInput, Locale,
    PersonInput, Phase, ReintegrationNeed, ReportRequest, Reporter, ReturnInput, ReturnReason, Sector,
    ServiceInput, ServiceKind, Sex, SystemClock, Vault, VaultSettings,
};
use migran_testkit::every_answer_yes;
use rusqlite::Connection;

const PEOPLE: u32 = 10_000;

fn person(n: u32) -> PersonInput {
    PersonInput {
        full_name: format!("Warga Contoh {n:05}"),
        nik: format!("32010000{n:08}"),
        birth_date: "1998-04-12".to_string(),
        sex: if n.is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        },
        phone: Some(format!("+62812{n:08}")),
        address: Some(format!("Dusun Contoh RT {:03} RW {:02}", n % 50, n % 7)),
        village: "Desa Contoh".to_string(),
    }
}

/// A village of 10,000: all with a journey, 90% with reporting consent, one in ten with a
/// case, one in twenty returned with a service; of the 2,500 in pre-departure a third
/// have not started their checklist, a third have one item done and a third five; one
/// in eight screened (every answer "yes", so each screening also opens a follow-up).
fn village(dir: &std::path::Path) -> Arc<Vault> {
    let settings = VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    };
    let vault =
        Vault::create_with_clock(dir, "246810", Some(vec![7; 32]), settings, Arc::new(SystemClock)).unwrap();
    let persons = vault.import_persons((0..PEOPLE).map(person).collect()).unwrap();
    let phases = [
        Phase::Prospective,
        Phase::PreDeparture,
        Phase::Abroad,
        Phase::Returned,
    ];
    let countries = ["MY", "TW", "HK", "SG", "SA", "KR", "JP"];
    let sectors = [
        Sector::DomesticWork,
        Sector::Manufacturing,
        Sector::Caregiving,
        Sector::Fishing,
    ];
    for (n, p) in persons.iter().enumerate() {
        vault
            .set_journey(
                p.id.clone(),
                JourneyInput {
                    phase: Some(phases[n % 4]),
                    destination_country: Some(countries[n % 7].to_string()),
                    sector: Some(sectors[n % 4]),
                    employer_name: Some("PT Contoh".to_string()),
                    departure_date: Some("2025-06-01".to_string()),
                    ..JourneyInput::default()
                },
            )
            .unwrap();
        if n % 10 != 0 {
            vault
                .record_consent(
                    p.id.clone(),
                    ConsentInput {
                        purpose: ConsentPurpose::Reporting,
                        given: true,
                        date: None,
                        note: None,
                    },
                )
                .unwrap();
        }
        if n % 10 == 3 {
            vault
                .open_case(
                    p.id.clone(),
                    CaseInput {
                        case_type: CaseType::UnpaidWages,
                        description: "Gaji belum dibayar".to_string(),
                        reported_by: Reporter::Family,
                        reported_on: None,
                    },
                )
                .unwrap();
        }
        if n % 4 == 1 {
            let done_items = [0, 1, 5][(n / 4) % 3];
            for _ in 0..done_items {
                let view = vault.checklist(p.id.clone(), Locale::Id).unwrap();
                vault
                    .set_checklist_item(
                        p.id.clone(),
                        view.summary.next_steps[0].clone(),
                        ChecklistItemUpdate {
                            state: ItemState::Done,
                            by: Some("Kader Contoh".to_string()),
                            note: None,
                            document_id: None,
                        },
                        Locale::Id,
                    )
                    .unwrap();
            }
        }
        if n % 8 == 5 {
            vault.screen_person(p.id.clone(), every_answer_yes()).unwrap();
        }
        if n % 20 == 7 {
            let returned = vault
                .record_return(
                    p.id.clone(),
                    ReturnInput {
                        return_date: "2025-12-01".to_string(),
                        reason: ReturnReason::ContractEnd,
                        case_id: None,
                        condition: None,
                        needs: vec![ReintegrationNeed::Economic],
                        follow_up_plan: None,
                        next_follow_up_on: None,
                    },
                )
                .unwrap();
            vault
                .add_reintegration_service(
                    returned.id,
                    ServiceInput {
                        kind: ServiceKind::Training,
                        date: "2025-12-10".to_string(),
                        provider: None,
                        note: None,
                    },
                )
                .unwrap();
        }
    }
    vault
}

/// The same village, rows, tables and indexes, in a plaintext copy of the vault.
fn plain_village(vault: &Vault, dir: &std::path::Path) -> Connection {
    let path = dir.join("plain.db");
    migran_core::testing::plaintext_copy(vault, &path).unwrap();
    let conn = Connection::open(&path).unwrap();
    migran_core::configure_connection(&conn).unwrap();
    conn
}

/// The report's sections as `GROUP BY` queries over the plaintext copy: who is counted
/// (not archived, latest reporting consent given), by phase, sex, destination and sector,
/// departures, cases by type and status, the latest screening's level, returns by
/// reason, their needs, services by kind, and checklist completeness counted as done
/// items against the pack's item count (cheaper than the vault's per-person rules).
fn plain_report(conn: &Connection) -> Vec<(String, String, i64)> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS counted (person_id TEXT PRIMARY KEY) WITHOUT ROWID;
         DELETE FROM temp.counted;
         INSERT INTO temp.counted SELECT p.id FROM persons p JOIN (SELECT person_id, given,
             ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY date DESC, rowid DESC) AS latest
             FROM consents WHERE purpose = 'reporting') r
           ON r.person_id = p.id AND r.latest = 1 AND r.given = 1 WHERE p.archived = 0;",
    )
    .unwrap();
    let queries = [
        "SELECT 'phase', coalesce(j.phase, 'prospective'), count(*) FROM temp.counted c
         LEFT JOIN journeys j ON j.person_id = c.person_id GROUP BY 2",
        "SELECT 'sex', p.sex, count(*) FROM temp.counted c JOIN persons p ON p.id = c.person_id GROUP BY 2",
        "SELECT 'destination', coalesce(j.destination_country, 'unknown'), count(*) FROM temp.counted c
         JOIN journeys j ON j.person_id = c.person_id WHERE j.phase IN ('pre_departure', 'abroad') GROUP BY 2",
        "SELECT 'sector', coalesce(j.sector, 'unknown'), count(*) FROM temp.counted c
         JOIN journeys j ON j.person_id = c.person_id WHERE j.phase IN ('pre_departure', 'abroad') GROUP BY 2",
        "SELECT 'departures', '', count(*) FROM temp.counted c JOIN journeys j ON j.person_id = c.person_id
         WHERE j.departure_date IS NOT NULL",
        "SELECT 'completeness', CASE WHEN done >= 21 THEN 'complete' WHEN done > 0 THEN 'incomplete'
         ELSE 'not_started' END AS k, count(*) FROM (SELECT c.person_id, (SELECT count(*) FROM checklist_items i
         WHERE i.person_id = c.person_id AND i.state = 'done') AS done FROM temp.counted c
         JOIN journeys j ON j.person_id = c.person_id WHERE j.phase = 'pre_departure') GROUP BY k",
        "SELECT 'case_type', k.case_type, count(*) FROM cases k JOIN temp.counted c ON c.person_id = k.person_id
         GROUP BY 2",
        "SELECT 'case_status', k.status, count(*) FROM cases k JOIN temp.counted c ON c.person_id = k.person_id
         GROUP BY 2",
        "SELECT 'risk', risk_level, count(*) FROM (SELECT s.risk_level, ROW_NUMBER() OVER (PARTITION BY
         s.person_id ORDER BY s.screened_at DESC, s.rowid DESC) AS latest FROM screenings s
         JOIN temp.counted c ON c.person_id = s.person_id) WHERE latest = 1 GROUP BY 2",
        "SELECT 'return_reason', r.reason, count(*) FROM returns r JOIN temp.counted c ON c.person_id = r.person_id
         GROUP BY 2",
        "SELECT 'needs', n.value, count(*) FROM returns r JOIN temp.counted c ON c.person_id = r.person_id,
         json_each(r.needs) n GROUP BY 2",
        "SELECT 'service', v.kind, count(*) FROM reintegration_services v
         JOIN temp.counted c ON c.person_id = v.person_id GROUP BY 2",
    ];
    let mut out = Vec::new();
    for sql in queries {
        let mut statement = conn.prepare_cached(sql).unwrap();
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    conn.execute_batch("DELETE FROM temp.counted;").unwrap();
    out
}

fn bench_report(c: &mut Criterion) {
    // tmpfs where there is one: the setup makes ~21,000 committed writes, and their fsyncs
    // are not what is measured.
    let dir = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap();
    let vault = village(dir.path());
    let plain = plain_village(&vault, dir.path());
    let mut group = c.benchmark_group("village_report");
    group.sample_size(20);
    group.bench_function("plaintext_sqlite_baseline", |b| b.iter(|| plain_report(&plain)));
    group.bench_function("10000_people", |b| {
        b.iter(|| vault.village_report(ReportRequest::default()).unwrap())
    });
    group.bench_function("10000_people_period_and_csv", |b| {
        b.iter(|| {
            let report = vault
                .village_report(ReportRequest {
                    from: Some("2025-01-01".to_string()),
                    to: Some("2025-12-31".to_string()),
                    ..Default::default()
                })
                .unwrap();
            migran_core::village_report_csv(&report)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_report);
criterion_main!(benches);
