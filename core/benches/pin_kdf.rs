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
//! Run: `cargo bench -p migran-core --bench pin_kdf`. Figures in docs/security.md.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use migran_core::{
    calibrate_argon2, stretch_pin_once, Argon2Settings, ARGON2_CALIBRATION_FLOOR, RECOMMENDED_KDF_ITERATIONS,
};

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

criterion_group!(benches, bench);
criterion_main!(benches);
