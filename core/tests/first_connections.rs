//! The first vaults a process opens, opened from several threads at once. SQLite marks
//! itself initialised before SQLCipher's own start-up has run, so a second thread could
//! key its connection before the cipher was ready (a rare `Storage { problem: Other }` at
//! vault creation, seen in CI). Each test binary is a fresh process: this one races once.

use std::sync::{Arc, Barrier};

use migran_core::Vault;
use migran_testkit::{device_secret, fast_settings, TestClock, PIN};

#[test]
fn vaults_created_by_several_threads_at_process_start_all_open() {
    const THREADS: usize = 8;
    let start = Arc::new(Barrier::new(THREADS));
    let folders: Vec<_> = (0..THREADS).map(|_| tempfile::tempdir().unwrap()).collect();
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = folders
            .iter()
            .map(|folder| {
                let start = start.clone();
                scope.spawn(move || {
                    start.wait();
                    Vault::create_with_clock(
                        folder.path(),
                        PIN,
                        Some(device_secret()),
                        fast_settings(),
                        TestClock::at(2026, 11, 28),
                    )
                    .map(|_| ())
                    .map_err(|err| {
                        let unlisted = migran_core::testing::last_unlisted_storage_failure();
                        format!("{err:?} (unlisted: {unlisted:?})")
                    })
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    let failures: Vec<_> = outcomes.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:?}");
}
