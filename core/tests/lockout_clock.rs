//! Waits against a wall clock the phone's owner can set (docs/security.md, "Lockout and
//! the clock"), with injected clocks. What holds: a clock set back keeps the wait's
//! remaining length as of the vault's last look at the clock (never restarted, never
//! shortened); waits begun while the clock was ahead survive its return; a clock fixed
//! from far ahead does not lock the owner out for the difference; a forward jump
//! shortens a pending wait by at most the jump (the wall clock cannot know better).
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use chrono::Duration;
use migran_core::{MigranError, MonotonicTime, Vault, VaultSettings};
use support::*;

/// A locked vault with one free attempt: each wrong PIN after it waits 30 s, doubling.
fn strict_vault(dir: &std::path::Path, clock: Arc<TestClock>) -> Arc<Vault> {
    let settings = VaultSettings {
        free_attempts: 1,
        ..fast_settings()
    };
    let vault = Vault::create_with_clock(dir, PIN, Some(device_secret()), settings, clock).unwrap();
    vault.lock();
    vault
}

fn retry_after(vault: &Vault) -> u64 {
    vault.status().unwrap().retry_after_seconds
}

fn locked_out(seconds: u64) -> Result<(), MigranError> {
    Err(MigranError::LockedOut {
        retry_after_seconds: seconds,
    })
}

#[test]
fn a_clock_set_back_keeps_the_wait_left_neither_restarted_nor_shortened() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert_eq!(
        vault.unlock("318527".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    clock.advance(Duration::seconds(10));
    assert_eq!(retry_after(&vault), 20);
    clock.advance(Duration::days(-2));
    assert_eq!(vault.unlock(PIN.into()), locked_out(20));
    // From another handle too: what was kept is in the sealed header.
    let other = reopen(dir.path(), clock.clone());
    assert_eq!(retry_after(&other), 20);
    clock.advance(Duration::seconds(20));
    vault.unlock(PIN.into()).unwrap();
}

#[test]
fn waits_begun_with_the_clock_ahead_survive_setting_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert_eq!(
        vault.unlock("318527".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    // Forward a day: the 30 s wait is over (a wall clock cannot tell), so guesses go on...
    clock.advance(Duration::days(1));
    assert_eq!(
        vault.unlock("318528".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    assert_eq!(retry_after(&vault), 60);
    // ... and going back to the real time does not erase the wait they earned.
    clock.advance(Duration::days(-1));
    assert_eq!(vault.unlock(PIN.into()), locked_out(60));
    assert_eq!(retry_after(&reopen(dir.path(), clock.clone())), 60);
}

#[test]
fn a_clock_fixed_from_far_ahead_does_not_lock_the_owner_out_for_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    // The phone booted believing it was 2030 (a flat battery, no network yet).
    let clock = TestClock::at(2030, 1, 1);
    let vault = strict_vault(dir.path(), clock.clone());
    assert_eq!(
        vault.unlock("318527".into()),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    clock.advance(Duration::days(-(365 * 3 + 34)));
    assert_eq!(vault.unlock(PIN.into()), locked_out(30));
    clock.advance(Duration::seconds(30));
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(vault.status().unwrap().failed_attempts, 0);
}

#[test]
fn a_forward_jump_shortens_a_pending_wait_by_at_most_the_jump() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    for pin in ["318527", "318528"] {
        assert!(matches!(
            vault.unlock(pin.into()),
            Err(MigranError::WrongPin { .. })
        ));
        clock.advance(Duration::seconds(30));
    }
    // The second wrong PIN came at +30 s: a 60 s wait, 30 s of it passed.
    assert_eq!(retry_after(&vault), 30);
    clock.advance(Duration::seconds(20));
    assert_eq!(retry_after(&vault), 10);
    // The vault cannot tell a jump from time passing: setting the clock back afterwards
    // keeps the 10 s left as of its last look (at most the jump was lost, never more).
    clock.advance(Duration::seconds(-20));
    assert_eq!(retry_after(&vault), 10);
    clock.advance(Duration::seconds(9));
    assert_eq!(vault.unlock(PIN.into()), locked_out(1));
}

#[test]
fn an_unchanged_clock_during_a_wait_keeps_it_and_the_right_pin_then_opens() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert!(matches!(
        vault.unlock("318527".into()),
        Err(MigranError::WrongPin { .. })
    ));
    assert_eq!(retry_after(&vault), 30);
    assert_eq!(retry_after(&vault), 30);
    assert_eq!(vault.unlock(PIN.into()), locked_out(30));
    clock.advance(Duration::seconds(30));
    vault.unlock(PIN.into()).unwrap();
}

fn uptime(boot: &str, seconds: u64) -> MonotonicTime {
    MonotonicTime {
        boot_id: boot.into(),
        elapsed_millis: seconds * 1000,
    }
}

#[test]
fn with_the_monotonic_clock_a_forward_jump_no_longer_shortens_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert_eq!(
        vault.unlock_with_uptime("318527".into(), uptime("boot-1", 100)),
        Err(MigranError::WrongPin { attempts_left: 0 })
    );
    // A day forward on the wall clock, one second on the phone's own.
    clock.advance(Duration::days(1));
    let status = vault.status_with_uptime(uptime("boot-1", 101)).unwrap();
    assert_eq!(status.retry_after_seconds, 29);
    assert_eq!(
        vault.unlock_with_uptime(PIN.into(), uptime("boot-1", 101)),
        locked_out(29)
    );
    // The plain calls see the wait the header now holds, too.
    assert_eq!(retry_after(&vault), 29);
    clock.advance(Duration::seconds(29));
    vault
        .unlock_with_uptime(PIN.into(), uptime("boot-1", 130))
        .unwrap();
    assert_eq!(vault.status().unwrap().retry_after_seconds, 0);
}

#[test]
fn after_a_restart_a_pending_wait_starts_again_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert!(matches!(
        vault.unlock_with_uptime("318527".into(), uptime("boot-1", 100)),
        Err(MigranError::WrongPin { .. })
    ));
    clock.advance(Duration::seconds(20));
    // Restarted, and the wall clock moved on a day: how much of the wait passed is unknown.
    clock.advance(Duration::days(1));
    assert_eq!(
        vault.unlock_with_uptime(PIN.into(), uptime("boot-2", 5)),
        locked_out(30)
    );
    clock.advance(Duration::seconds(30));
    vault
        .unlock_with_uptime(PIN.into(), uptime("boot-2", 35))
        .unwrap();
}

// A correct unlock ends the wait on both clocks: without that, a wait begun on one boot
// and ended on the wall clock alone would start again after a restart, against the
// right PIN with no failure counted (cargo-mutants found `clear_wait` removable
// unnoticed; docs/testing.md).
#[test]
fn a_correct_unlock_ends_the_wait_on_both_clocks_so_a_restart_brings_none_back() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock.clone());
    assert!(matches!(
        vault.unlock_with_uptime("318527".into(), uptime("boot-1", 100)),
        Err(MigranError::WrongPin { .. })
    ));
    clock.advance(Duration::seconds(30));
    // The wait over on the wall clock, the right PIN through the call without uptime.
    vault.unlock(PIN.into()).unwrap();
    vault.lock();
    clock.advance(Duration::days(1));
    vault.unlock_with_uptime(PIN.into(), uptime("boot-2", 5)).unwrap();
}

#[test]
fn a_boot_id_must_name_something() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = strict_vault(dir.path(), clock);
    for (boot, reason) in [
        (String::new(), migran_core::InvalidReason::Empty),
        ("x".repeat(65), migran_core::InvalidReason::TooLong),
    ] {
        assert_eq!(
            vault.status_with_uptime(MonotonicTime {
                boot_id: boot,
                elapsed_millis: 1
            }),
            Err(MigranError::Invalid {
                field: "boot_id".into(),
                reason
            })
        );
    }
    assert_eq!(vault.status().unwrap().failed_attempts, 0);
}
