//! The emergency button on a locked vault, after the vault file is opened (as after a
//! restart, never unlocked):
//! - `trigger_emergency`, what the apps call on the tap: composes the plan, seals the
//!   alert (AES-GCM with the device key) and stores it in the outbox in `locked.db` with a
//!   durable commit (`synchronous=FULL`: the WAL is fsynced). The figure grows with the
//!   outbox, one alert per iteration, as it would not on a phone: it is an upper bound.
//! - `fsync_4k_baseline`: writing 4 KiB to a file in the same folder and `fdatasync`: the
//!   disk's share of a durable commit, so that the figure can be read for a slower disk.
//! - the plan alone (`emergency_plan`), with a location, with a location and its fix time
//!   (the age in the messages, issue 16), and reading the sealed card (one SQLite read and
//!   one AES-GCM open) as the baseline of the plan.
//!
//! Run: `cargo bench -p migran-core --bench emergency`. Figures in docs/performance.md.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use migran_core::{
    CardContact, CardContactRole, EmergencyCard, EmergencyKind, GeoLocation, Locale, SystemClock, Vault,
    VaultSettings,
};

fn locked_vault(dir: &std::path::Path) -> Arc<Vault> {
    let settings = VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    };
    let secret = vec![9u8; 32];
    let vault = Vault::create_with_clock(
        dir,
        "246810",
        Some(secret.clone()),
        settings,
        Arc::new(SystemClock),
    )
    .unwrap();
    vault
        .set_emergency_card(EmergencyCard {
            full_name: "Siti Contoh".into(),
            passport_number: Some("C0000001".into()),
            country: "HK".into(),
            city: Some("Kowloon".into()),
            employer_name: Some("Keluarga Contoh".into()),
            employer_address: Some("Flat 1, Jalan Contoh 2".into()),
            contacts: vec![
                CardContact {
                    name: "Ibu Contoh".into(),
                    phone: "+6281299990001".into(),
                    role: CardContactRole::Family,
                },
                CardContact {
                    name: "Kader Contoh".into(),
                    phone: "+6281299990002".into(),
                    role: CardContactRole::Cadre,
                },
            ],
        })
        .unwrap();
    drop(vault);
    // As after a restart: opened, never unlocked.
    Vault::open_with_clock(dir, Some(secret), Arc::new(SystemClock)).unwrap()
}

fn plan(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let here = GeoLocation {
        latitude: 22.3193,
        longitude: 114.1694,
        fix_time_epoch_ms: None,
    };
    let mut group = c.benchmark_group("emergency_locked");
    group.bench_function("read_card_baseline", |b| {
        b.iter(|| vault.emergency_card().unwrap())
    });
    group.bench_function("plan_violence_with_location", |b| {
        b.iter(|| {
            vault
                .emergency_plan(EmergencyKind::Violence, None, Some(here), Locale::Id)
                .unwrap()
        })
    });
    // Issue 16: the apps pass the fix time; the age is worked out and both messages carry
    // it, still fitted to one SMS. The press must stay under 1 ms on a locked vault.
    group.bench_function("plan_with_location_and_fix_age", |b| {
        let fixed_5_min_ago = GeoLocation {
            fix_time_epoch_ms: Some(chrono::Utc::now().timestamp_millis() - 5 * 60_000),
            ..here
        };
        b.iter(|| {
            vault
                .emergency_plan(EmergencyKind::Violence, None, Some(fixed_5_min_ago), Locale::Id)
                .unwrap()
        })
    });
    group.bench_function("plan_unknown_country", |b| {
        b.iter(|| {
            vault
                .emergency_plan(EmergencyKind::Other, Some("FR".into()), None, Locale::En)
                .unwrap()
        })
    });
    group.finish();
}

fn trigger(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let mut group = c.benchmark_group("emergency_tap_locked");
    let probe = dir.path().join("fsync-probe");
    let page = [0x5au8; 4096];
    group.bench_function("fsync_4k_baseline", |b| {
        b.iter(|| {
            use std::io::Write;
            let mut file = std::fs::File::create(&probe).unwrap();
            file.write_all(&page).unwrap();
            file.sync_data().unwrap();
        })
    });
    group.bench_function("trigger_emergency", |b| {
        b.iter(|| {
            vault
                .trigger_emergency(EmergencyKind::Violence, None, None, Locale::Id)
                .unwrap()
        })
    });
    group.finish();
    assert!(!vault.is_unlocked(), "the tap must be measured on a locked vault");
}

criterion_group!(benches, plan, trigger);
criterion_main!(benches);
