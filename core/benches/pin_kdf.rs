//! What one PIN guess costs an attacker who holds the device secret and a copy of the
//! files (docs/security.md, "Brute-force cost"): one stretching of the PIN under the
//! vault's KDF, then the HKDF with the device secret, exactly as `unlock` derives it.
//! - `pbkdf2_600000`: PBKDF2-HMAC-SHA256 at today's default (`RECOMMENDED_KDF_ITERATIONS`);
//! - `argon2id_default`: what a vault made with the default settings gets
//!   (`Argon2Settings::for_iterations(600_000)`: 64 MiB, 3 passes, 1 lane);
//! - `argon2id_floor`: the least calibration ever picks (19 MiB, 2 passes);
//! - `argon2id_calibrated_1s`: what `calibrate_argon2(1000)` picks on this machine
//!   (printed before the run).
//!
//! One thread: the figure is guesses per second per core. The unlock (wrap check) after
//! the stretching is microseconds and left out.
//!
//! `unlock_by_pin` (issue 16): a whole `unlock` at the default settings on a vault holding
//! a duress PIN, with the real PIN, the duress PIN and a wrong one: an observer timing
//! the unlock must not tell them apart (docs/security.md, "The duress PIN").
//!
//! Run: `cargo bench -p migran-core --bench pin_kdf`. Figures in docs/security.md.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use migran_core::{
    calibrate_argon2, stretch_pin_once, Argon2Settings, Vault, VaultSettings, ARGON2_CALIBRATION_FLOOR,
    RECOMMENDED_KDF_ITERATIONS,
};
use migran_testkit::{device_secret, fake_card, TestClock, PIN};

const DURESS_PIN: &str = "580241";

fn bench(c: &mut Criterion) {
    let calibrated = calibrate_argon2(1000).unwrap();
    println!(
        "calibrate_argon2(1000) on this machine: {} KiB, {} passes, {} lane(s)",
        calibrated.memory_kib, calibrated.passes, calibrated.lanes
    );
    let mut group = c.benchmark_group("pin_guess");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("pbkdf2_600000", |b| {
        b.iter(|| stretch_pin_once("318527", None, RECOMMENDED_KDF_ITERATIONS).unwrap())
    });
    let settings: [(&str, Argon2Settings); 3] = [
        (
            "argon2id_default",
            Argon2Settings::for_iterations(RECOMMENDED_KDF_ITERATIONS),
        ),
        ("argon2id_floor", ARGON2_CALIBRATION_FLOOR),
        ("argon2id_calibrated_1s", calibrated),
    ];
    for (name, setting) in settings {
        group.bench_function(name, |b| {
            b.iter(|| stretch_pin_once("318527", Some(setting), 0).unwrap())
        });
    }
    group.finish();
}

fn unlock_by_pin(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let settings = VaultSettings::default();
    let clock = TestClock::at(2026, 12, 4);
    let vault = Vault::create_with_clock(dir.path(), PIN, Some(device_secret()), settings, clock).unwrap();
    vault.set_emergency_card(fake_card("HK")).unwrap();
    vault.set_duress_pin(PIN.into(), DURESS_PIN.into()).unwrap();
    vault.lock();
    let mut group = c.benchmark_group("unlock_by_pin");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for (name, pin) in [("real", PIN), ("duress", DURESS_PIN), ("wrong", "975310")] {
        group.bench_function(name, |b| {
            // Each timed unlock starts from a reset count (a real unlock, untimed), so the
            // wrong PIN never reaches a wait: the guess's cost, not a lockout's refusal.
            b.iter_batched(
                || {
                    vault.unlock(PIN.into()).unwrap();
                    vault.lock();
                },
                |()| {
                    let _ = vault.unlock(pin.into());
                    vault.lock();
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench, unlock_by_pin);
criterion_main!(benches);
