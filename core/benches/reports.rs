//! The village report for 10,000 people: every person, journey and consent decrypted and
//! counted, with cases, returns and services. Goal: under 200 ms.
//!
//! Run: `cargo bench -p migran-core --bench reports`. The figure goes into
//! docs/performance.md ("Village report").

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use migran_core::{
    CaseInput, CaseType, ConsentInput, ConsentPurpose, JourneyInput, PersonInput, Phase, ReintegrationNeed,
    ReportRequest, Reporter, ReturnInput, ReturnReason, Sector, ServiceInput, ServiceKind, Sex, SystemClock,
    Vault, VaultSettings,
};

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
/// case, one in twenty returned with a service.
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

fn bench_report(c: &mut Criterion) {
    // tmpfs where there is one: the setup makes ~21,000 committed writes, and their fsyncs
    // are not what is measured.
    let dir = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap();
    let vault = village(dir.path());
    let mut group = c.benchmark_group("village_report");
    group.sample_size(20);
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
