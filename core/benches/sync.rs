//! Team sync: export and apply a bundle of exactly 10,000 changes. Goal (issue #12): each
//! under 1 s. Also reported: bundle bytes per change and per person (a registered person
//! is more than one change: the person row and the write's audit entry) against the
//! bytes a person row takes sealed on its own (AES-256-GCM of the row's JSON, as
//! decision 0001 stored it).
//!
//! Only the export or the apply is timed: making the vaults, admitting the receiver and
//! dropping its folder happen outside the measurement.
//!
//! Run: `cargo bench -p migran-core --bench sync`. The figures are in docs/sync.md
//! ("Performance").
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

/// A new member of `sender`'s team, empty, and its device id.
fn admitted(sender: &Vault, dir: &std::path::Path) -> (Arc<Vault>, String) {
    let receiver = vault(dir);
    let request = receiver.team_join_request().unwrap();
    let admission = sender.team_admit(request.text, TeamRole::Officer).unwrap();
    receiver.team_accept(admission).unwrap();
    let id = receiver.sync_status().unwrap().device_id;
    (receiver, id)
}

/// A team of two: `sender` registered `persons`; `receiver` is admitted and empty.
fn team(root: &std::path::Path, persons: u32) -> (Arc<Vault>, Arc<Vault>, String) {
    let sender = vault(&root.join("sender"));
    sender.team_create(TeamRole::Cadre).unwrap();
    let (receiver, receiver_id) = admitted(&sender, &root.join("receiver"));
    sender
        .import_persons((0..persons).map(|n| fake_person("Warga Contoh", n)).collect())
        .unwrap();
    (sender, receiver, receiver_id)
}

/// How many changes registering one person makes (counted by applying a small bundle).
fn changes_per_person() -> u32 {
    let root = tempfile::tempdir().unwrap();
    let (sender, receiver, id) = team(root.path(), 10);
    let applied = receiver
        .sync_import(sender.sync_export(Some(id)).unwrap())
        .unwrap()
        .applied;
    assert_eq!(applied % 10, 0, "{applied} changes for 10 persons");
    applied / 10
}

fn bench(c: &mut Criterion) {
    let per_person = changes_per_person();
    assert_eq!(CHANGES % per_person, 0, "{per_person} changes per person");
    let persons = CHANGES / per_person;
    let root = tempfile::tempdir().unwrap();
    let (sender, receiver, receiver_id) = team(root.path(), persons);
    let bundle = sender.sync_export(Some(receiver_id.clone())).unwrap();
    // The bundle holds exactly the number of changes measured.
    let report = receiver.sync_import(bundle.clone()).unwrap();
    assert_eq!(report.applied, CHANGES, "{report:?}");
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
        "sync: bundle of {CHANGES} changes ({persons} persons, {per_person} changes each): {} bytes, {:.0} bytes per change, {:.0} per person (a person row sealed alone: {sealed_row} bytes)",
        bundle.len(),
        bundle.len() as f64 / CHANGES as f64,
        bundle.len() as f64 / persons as f64
    );

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    // The sender learns what a peer holds only from that peer's bundles; this member
    // never sends one, so every export for it carries all 10,000 changes (checked once).
    let (stranger, stranger_id) = admitted(&sender, &root.path().join("stranger"));
    let check = sender.sync_export(Some(stranger_id.clone())).unwrap();
    assert_eq!(stranger.sync_import(check).unwrap().applied, CHANGES);
    group.bench_function("export 10,000 changes", |b| {
        b.iter(|| sender.sync_export(Some(stranger_id.clone())).unwrap())
    });
    group.bench_function("apply 10,000 changes", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let (fresh, id) = admitted(&sender, dir.path());
                (dir, fresh, sender.sync_export(Some(id)).unwrap())
            },
            // The folder and the vault are handed back, so that they are dropped (files
            // removed) outside the measurement.
            |(dir, fresh, bundle)| {
                let report = fresh.sync_import(bundle).unwrap();
                (dir, fresh, report)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
