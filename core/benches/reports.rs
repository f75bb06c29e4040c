//! The village report for 10,000 people: every person, journey and consent decrypted and
//! counted, with cases, returns, services, checklists and screenings. Goal: under 200 ms.
//!
//! Baseline in the same run: the same counts from the same facts kept in plain SQLite
//! columns and counted with `GROUP BY` (what the report would cost with no encryption and
//! with its counts precomputable by SQL). The checklist part of the baseline counts done
//! items against a fixed total, which is cheaper than the vault's rule evaluation; the
//! ratio is therefore an upper bound on what sealing costs.
//!
//! Run: `cargo bench -p migran-core --bench reports`. The figures go into
//! docs/performance.md ("Village report").

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use migran_core::{
    Answer, CaseInput, CaseType, ChecklistItemUpdate, ConsentInput, ConsentPurpose, ItemState, JourneyInput,
    Locale, PersonInput, Phase, ReintegrationNeed, ReportRequest, Reporter, ReturnInput, ReturnReason,
    ScreeningAnswer, ScreeningInput, Sector, ServiceInput, ServiceKind, Sex, SystemClock, Vault,
    VaultSettings,
};
use rusqlite::{params, Connection};

const PEOPLE: u32 = 10_000;

fn person(n: u32) -> PersonInput {
    PersonInput {
        full_name: format!("Warga Contoh {n:05}"),
        nik: format!("32010000{n:08}"),
        birth_date: "1998-04-12".to_string(),
        sex: if n % 2 == 0 { Sex::Female } else { Sex::Male },
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

fn every_answer_yes() -> ScreeningInput {
    ScreeningInput {
        screened_by: "Kader Contoh".to_string(),
        answers: migran_core::screening_questions(Locale::Id)
            .unwrap()
            .into_iter()
            .map(|q| ScreeningAnswer {
                question_id: q.id,
                answer: Answer::Yes,
            })
            .collect(),
    }
}

/// The same village's facts in plain columns, with the indexes a plaintext report would
/// use; written once by the same loop rules as `village`.
fn plain_village(dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join("plain.db")).unwrap();
    migran_core::configure_connection(&conn).unwrap();
    conn.execute_batch(
        "CREATE TABLE persons (id INTEGER PRIMARY KEY, archived INTEGER NOT NULL, sex TEXT NOT NULL,
             reporting INTEGER NOT NULL);
         CREATE TABLE journeys (person_id INTEGER PRIMARY KEY, phase TEXT NOT NULL, country TEXT,
             sector TEXT, departure_date TEXT);
         CREATE TABLE cases (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, case_type TEXT NOT NULL,
             status TEXT NOT NULL, reported_on TEXT NOT NULL);
         CREATE TABLE returns (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, reason TEXT NOT NULL,
             return_date TEXT NOT NULL, needs TEXT NOT NULL);
         CREATE TABLE services (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, kind TEXT NOT NULL,
             date TEXT NOT NULL);
         CREATE TABLE checklist_items (person_id INTEGER NOT NULL, item TEXT NOT NULL, state TEXT NOT NULL,
             PRIMARY KEY (person_id, item));
         CREATE TABLE screenings (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, day TEXT NOT NULL,
             level TEXT NOT NULL);
         CREATE INDEX screenings_by_person ON screenings (person_id, day);",
    )
    .unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    let countries = ["MY", "TW", "HK", "SG", "SA", "KR", "JP"];
    let phases = ["prospective", "pre_departure", "abroad", "returned"];
    let sectors = ["domestic_work", "manufacturing", "caregiving", "fishing"];
    for n in 0..PEOPLE as usize {
        let id = n as i64;
        let sex = if n % 2 == 0 { "female" } else { "male" };
        tx.execute(
            "INSERT INTO persons VALUES (?1, 0, ?2, ?3)",
            params![id, sex, n % 10 != 0],
        )
        .unwrap();
        let phase = if n % 20 == 7 { "returned" } else { phases[n % 4] };
        tx.execute(
            "INSERT INTO journeys VALUES (?1, ?2, ?3, ?4, '2025-06-01')",
            params![id, phase, countries[n % 7], sectors[n % 4]],
        )
        .unwrap();
        if n % 10 == 3 {
            tx.execute(
                "INSERT INTO cases (person_id, case_type, status, reported_on)
                 VALUES (?1, 'unpaid_wages', 'open', '2026-11-29')",
                params![id],
            )
            .unwrap();
        }
        if n % 4 == 1 {
            for item in 0..[0, 1, 5][(n / 4) % 3] {
                tx.execute(
                    "INSERT INTO checklist_items VALUES (?1, ?2, 'done')",
                    params![id, format!("item{item}")],
                )
                .unwrap();
            }
        }
        if n % 8 == 5 {
            tx.execute(
                "INSERT INTO screenings (person_id, day, level) VALUES (?1, '2026-11-29', 'critical')",
                params![id],
            )
            .unwrap();
        }
        if n % 20 == 7 {
            tx.execute(
                "INSERT INTO returns (person_id, reason, return_date, needs)
                 VALUES (?1, 'contract_end', '2025-12-01', 'economic')",
                params![id],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO services (person_id, kind, date) VALUES (?1, 'training', '2025-12-10')",
                params![id],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    conn
}

/// The report's sections as `GROUP BY` queries over the plain tables.
fn plain_report(conn: &Connection) -> Vec<(String, String, i64)> {
    const COUNTED: &str = "SELECT id FROM persons WHERE archived = 0 AND reporting = 1";
    let queries = [
        format!("SELECT 'phase', phase, count(*) FROM journeys WHERE person_id IN ({COUNTED}) GROUP BY phase"),
        format!("SELECT 'sex', sex, count(*) FROM persons WHERE id IN ({COUNTED}) GROUP BY sex"),
        format!(
            "SELECT 'destination', country, count(*) FROM journeys WHERE person_id IN ({COUNTED})
             AND phase IN ('pre_departure', 'abroad') GROUP BY country"
        ),
        format!(
            "SELECT 'sector', sector, count(*) FROM journeys WHERE person_id IN ({COUNTED})
             AND phase IN ('pre_departure', 'abroad') GROUP BY sector"
        ),
        format!("SELECT 'departures', '', count(*) FROM journeys WHERE person_id IN ({COUNTED})"),
        format!(
            "SELECT 'completeness', CASE WHEN done >= 23 THEN 'complete' WHEN done > 0 THEN 'incomplete'
             ELSE 'not_started' END AS c, count(*) FROM (SELECT j.person_id, (SELECT count(*) FROM
             checklist_items i WHERE i.person_id = j.person_id AND i.state = 'done') AS done FROM journeys j
             WHERE j.phase = 'pre_departure' AND j.person_id IN ({COUNTED})) GROUP BY c"
        ),
        format!("SELECT 'case_type', case_type, count(*) FROM cases WHERE person_id IN ({COUNTED}) GROUP BY case_type"),
        format!("SELECT 'case_status', status, count(*) FROM cases WHERE person_id IN ({COUNTED}) GROUP BY status"),
        format!(
            "SELECT 'risk', level, count(*) FROM screenings s WHERE person_id IN ({COUNTED}) AND day =
             (SELECT max(day) FROM screenings t WHERE t.person_id = s.person_id) GROUP BY level"
        ),
        format!("SELECT 'return_reason', reason, count(*) FROM returns WHERE person_id IN ({COUNTED}) GROUP BY reason"),
        format!("SELECT 'needs', needs, count(*) FROM returns WHERE person_id IN ({COUNTED}) GROUP BY needs"),
        format!("SELECT 'service', kind, count(*) FROM services WHERE person_id IN ({COUNTED}) GROUP BY kind"),
    ];
    let mut out = Vec::new();
    for sql in &queries {
        let mut statement = conn.prepare_cached(sql).unwrap();
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn bench_report(c: &mut Criterion) {
    // tmpfs where there is one: the setup makes ~21,000 committed writes, and their fsyncs
    // are not what is measured.
    let dir = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap();
    let vault = village(dir.path());
    let plain = plain_village(dir.path());
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
                })
                .unwrap();
            migran_core::village_report_csv(&report)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_report);
criterion_main!(benches);
