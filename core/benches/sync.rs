//! Team sync: export and apply a bundle of 10,000 person changes. Goal (issue #12): each
//! under 1 s. Also reported: bundle bytes per person-change against the bytes a person
//! row takes sealed on its own (AES-256-GCM of the row's JSON, as decision 0001 stored it).
//!
//! Run: `cargo bench -p migran-core --bench sync`. The figures go into
//! docs/performance.md ("Team sync").
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use migran_core::{TeamRole, Vault, VaultSettings};
use migran_testkit::{device_secret, fake_person, TestClock, PIN};

const CHANGES: u32 = 10_000;

fn settings() -> VaultSettings {
    VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    }
}

fn vault(dir: &std::path::Path) -> Arc<Vault> {
    Vault::create_with_clock(
        dir,
        PIN,
        Some(device_secret()),
        settings(),
        TestClock::at(2027, 1, 4),
    )
    .unwrap()
}

/// A team of two: `sender` holds 10,000 persons; `receiver` is admitted and empty.
fn team(root: &std::path::Path) -> (Arc<Vault>, Arc<Vault>) {
    let sender = vault(&root.join("sender"));
    let receiver = vault(&root.join("receiver"));
    sender.team_create(TeamRole::Cadre).unwrap();
    let request = receiver.team_join_request().unwrap();
    let admission = sender.team_admit(request.text, TeamRole::Officer).unwrap();
    receiver.team_accept(admission).unwrap();
    sender
        .import_persons((0..CHANGES).map(|n| fake_person("Warga Contoh", n)).collect())
        .unwrap();
    (sender, receiver)
}

fn bench(c: &mut Criterion) {
    let root = tempfile::tempdir().unwrap();
    let (sender, receiver) = team(root.path());
    let receiver_id = receiver.sync_status().unwrap().device_id;
    let bundle = sender.sync_export(Some(receiver_id.clone())).unwrap();
    let person_changes = CHANGES as usize;
    // Each imported person also carries a registration consent and audit entries: the
    // bundle's bytes are counted per person, everything about them included.
    let row = serde_json::to_vec(&serde_json::json!([
        "0192f3c4a1b27c3d8e9f0a1b2c3d4e5f",
        "Warga Contoh",
        "3201000000000001",
        "1998-04-12",
        "female",
        "+6281200000001",
        "Dusun Contoh RT 001",
        "Desa Contoh",
        0,
        "2027-01-04T09:00:00.000Z",
        "2027-01-04T09:00:00.000Z"
    ]))
    .unwrap();
    let sealed_row = 1 + 12 + row.len() + 16;
    eprintln!(
        "sync: bundle of {person_changes} persons: {} bytes, {:.0} bytes per person (a person row sealed alone: {sealed_row} bytes)",
        bundle.len(),
        bundle.len() as f64 / person_changes as f64
    );

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.bench_function("export 10,000 persons", |b| {
        b.iter(|| sender.sync_export(Some(receiver_id.clone())).unwrap())
    });
    group.bench_function("apply 10,000 persons", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let fresh = vault(dir.path());
                let request = fresh.team_join_request().unwrap();
                fresh
                    .team_accept(sender.team_admit(request.text, TeamRole::Cadre).unwrap())
                    .unwrap();
                let id = fresh.sync_status().unwrap().device_id;
                (dir, fresh, sender.sync_export(Some(id)).unwrap())
            },
            |(_dir, fresh, bundle)| fresh.sync_import(bundle).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
