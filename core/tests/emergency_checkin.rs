//! Check-ins (issue 16): due, within grace, missed (the prepared alert queued once, not on
//! every poll), "I am fine" moving the next due time, cancelling with the PIN (a wrong one
//! refused and counted as at unlock), a once-only check-in, all on a locked vault and on
//! the injected clock; nothing of it readable in the files.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use chrono::Duration;
use migran_core::{
    ActionChannel, CheckInRequest, CheckInSchedule, CheckInState, Clock, EmergencyCard, EmergencyKind,
    EmergencySettings, GeoLocation, InvalidReason, Locale, MigranError, Recipient, Vault,
};
use support::*;

fn card() -> EmergencyCard {
    EmergencyCard {
        city: None,
        employer_name: None,
        ..fake_card("HK")
    }
}

fn every(minutes: u32, grace_minutes: u32) -> CheckInRequest {
    CheckInRequest {
        schedule: CheckInSchedule::Every { minutes },
        grace_minutes,
        kind: EmergencyKind::HeldAgainstWill,
    }
}

/// A vault with a card and a check-in every 24 hours with an hour's grace, then locked,
/// as the phone is when the app wakes to check.
fn locked_with_daily_check_in(dir: &std::path::Path) -> (Arc<Vault>, Arc<TestClock>) {
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir, clock.clone());
    vault.set_emergency_card(card()).unwrap();
    vault.set_check_in(every(24 * 60, 60)).unwrap();
    vault.lock();
    (vault, clock)
}

fn outbox_size(vault: &Vault) -> usize {
    vault.emergency_log().unwrap().len()
}

#[test]
fn a_check_in_waits_then_is_due_within_grace_then_missed_and_queues_its_alert_once() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_daily_check_in(dir.path());

    let status = vault.poll_check_in(None, Locale::Id).unwrap().status;
    assert_eq!(status.state, CheckInState::Waiting);
    assert_eq!(status.seconds_until_due, Some(24 * 3600));
    assert_eq!(status.seconds_until_alert, Some(25 * 3600));

    clock.advance(Duration::hours(24));
    let poll = vault.poll_check_in(None, Locale::Id).unwrap();
    assert_eq!(poll.status.state, CheckInState::InGrace);
    assert_eq!(poll.queued, None);
    clock.advance(Duration::minutes(59));
    let poll = vault.poll_check_in(None, Locale::Id).unwrap();
    assert_eq!(poll.status.state, CheckInState::InGrace);
    assert_eq!(poll.status.seconds_until_alert, Some(60));
    assert_eq!(outbox_size(&vault), 0, "nothing queued within the grace period");

    clock.advance(Duration::minutes(1));
    // The status alone queues nothing; it says the poll will.
    assert_eq!(vault.check_in_status().unwrap().state, CheckInState::Missed);
    assert_eq!(outbox_size(&vault), 0);
    let poll = vault.poll_check_in(None, Locale::Id).unwrap();
    let alert = poll
        .queued
        .expect("the missed check-in queues the prepared alert");
    assert_eq!(poll.status.state, CheckInState::Missed);
    assert_eq!(poll.status.missed_alert_id.as_deref(), Some(alert.id.as_str()));
    assert_eq!(alert.plan.kind, EmergencyKind::HeldAgainstWill);
    // To the family and the cadre, by text: no call is placed without the owner.
    let reached: Vec<_> = alert
        .plan
        .actions
        .iter()
        .map(|a| (a.recipient, a.label.as_str()))
        .collect();
    assert!(
        reached.contains(&(Recipient::Family, "Ibu Contoh")),
        "{reached:?}"
    );
    assert!(
        reached.contains(&(Recipient::Cadre, "Kader Contoh")),
        "{reached:?}"
    );
    assert!(alert
        .plan
        .actions
        .iter()
        .all(|a| a.channel != ActionChannel::Call
            && matches!(a.recipient, Recipient::Family | Recipient::Cadre)));
    // In the outbox like a press: pending, retried as usual.
    let pending = vault.pending_emergency_actions().unwrap();
    assert_eq!(pending.len(), alert.plan.actions.len());
    assert!(pending.iter().all(|p| p.alert_id == alert.id));

    // Every later poll, however late, queues nothing more.
    for hours in [0, 1, 30] {
        clock.advance(Duration::hours(hours));
        let poll = vault.poll_check_in(None, Locale::Id).unwrap();
        assert_eq!(poll.queued, None);
        assert_eq!(poll.status.state, CheckInState::Missed);
    }
    assert_eq!(outbox_size(&vault), 1);
}

#[test]
fn the_alert_of_a_missed_check_in_carries_the_phones_location_and_survives_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_daily_check_in(dir.path());
    clock.advance(Duration::hours(25));
    let here = GeoLocation {
        latitude: 22.31930,
        longitude: 114.16940,
        fix_time_epoch_ms: Some((clock.now() - Duration::minutes(5)).timestamp_millis()),
    };
    let alert = vault
        .poll_check_in(Some(here), Locale::Id)
        .unwrap()
        .queued
        .unwrap();
    assert!(
        alert.plan.message_id.contains("22.31930"),
        "{}",
        alert.plan.message_id
    );

    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_daily_check_in(dir.path());
    clock.advance(Duration::hours(25));
    let off_earth = GeoLocation {
        latitude: 91.0,
        longitude: 0.0,
        fix_time_epoch_ms: None,
    };
    let alert = vault.poll_check_in(Some(off_earth), Locale::Id).unwrap().queued;
    assert!(
        alert.is_some(),
        "a location the plan refuses must not stop the alert"
    );
    assert_eq!(alert.unwrap().location, None);
}

#[test]
fn i_am_fine_moves_the_next_due_time_one_interval_from_now_even_after_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_daily_check_in(dir.path());
    clock.advance(Duration::hours(10));
    let status = vault.check_in_done(PIN.into()).unwrap();
    assert_eq!(status.state, CheckInState::Waiting);
    assert_eq!(status.seconds_until_due, Some(24 * 3600));
    // The first due time (24 h after the set-up) passes without a reminder.
    clock.advance(Duration::hours(15));
    assert_eq!(vault.check_in_status().unwrap().state, CheckInState::Waiting);
    assert_eq!(vault.poll_check_in(None, Locale::Id).unwrap().queued, None);

    // Missed, then fine: the check-in runs again and can be missed again, once more.
    clock.advance(Duration::hours(10));
    assert!(vault.poll_check_in(None, Locale::Id).unwrap().queued.is_some());
    let status = vault.check_in_done(PIN.into()).unwrap();
    assert_eq!(status.state, CheckInState::Waiting);
    assert_eq!(status.missed_alert_id, None);
    clock.advance(Duration::hours(25));
    assert!(vault.poll_check_in(None, Locale::Id).unwrap().queued.is_some());
    assert_eq!(outbox_size(&vault), 2);
}

#[test]
fn cancelling_needs_the_right_pin_and_a_wrong_one_counts_as_a_failed_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_with_daily_check_in(dir.path());
    let before = vault.status().unwrap().failed_attempts;
    assert!(matches!(
        vault.cancel_check_in("999999".into()),
        Err(MigranError::WrongPin { .. })
    ));
    assert_eq!(vault.status().unwrap().failed_attempts, before + 1);
    assert!(matches!(
        vault.check_in_done("999999".into()),
        Err(MigranError::WrongPin { .. })
    ));
    assert_eq!(vault.check_in_status().unwrap().state, CheckInState::Waiting);

    let status = vault.cancel_check_in(PIN.into()).unwrap();
    assert_eq!(status.state, CheckInState::Off);
    assert_eq!(
        vault.status().unwrap().failed_attempts,
        0,
        "the right PIN resets the count"
    );
    assert!(!vault.is_unlocked(), "checking the PIN does not unlock");
    clock.advance(Duration::days(3));
    let poll = vault.poll_check_in(None, Locale::Id).unwrap();
    assert_eq!((poll.status.state, poll.queued), (CheckInState::Off, None));
    assert_eq!(outbox_size(&vault), 0);
    assert!(matches!(
        vault.check_in_done(PIN.into()),
        Err(MigranError::NotFound { .. })
    ));
}

#[test]
fn a_once_only_check_in_is_due_at_its_time_and_ends_with_i_am_fine() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault.set_emergency_card(card()).unwrap();
    let meeting = (clock.now() + Duration::hours(6)).to_rfc3339();
    let once = |due_at: String| CheckInRequest {
        schedule: CheckInSchedule::Once { due_at },
        grace_minutes: 30,
        kind: EmergencyKind::Violence,
    };
    let status = vault.set_check_in(once(meeting.clone())).unwrap();
    assert_eq!(
        (status.state, status.every_minutes),
        (CheckInState::Waiting, None)
    );
    vault.lock();
    clock.advance(Duration::hours(6));
    assert_eq!(vault.check_in_status().unwrap().state, CheckInState::InGrace);
    let status = vault.check_in_done(PIN.into()).unwrap();
    assert_eq!(
        status.state,
        CheckInState::Off,
        "answered, a once-only check-in ends"
    );
    clock.advance(Duration::days(1));
    assert_eq!(vault.poll_check_in(None, Locale::Id).unwrap().queued, None);

    // Set again and missed: its alert is queued once, and it stays missed.
    vault.unlock(PIN.into()).unwrap();
    vault
        .set_check_in(once((clock.now() + Duration::hours(1)).to_rfc3339()))
        .unwrap();
    vault.lock();
    clock.advance(Duration::minutes(90));
    let alert = vault.poll_check_in(None, Locale::En).unwrap().queued.unwrap();
    assert_eq!(alert.plan.kind, EmergencyKind::Violence);
    clock.advance(Duration::days(2));
    let poll = vault.poll_check_in(None, Locale::En).unwrap();
    assert_eq!((poll.status.state, poll.queued), (CheckInState::Missed, None));
}

#[test]
fn setting_up_needs_the_pin_and_refuses_schedules_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    let field_of = |result: Result<_, MigranError>| match result {
        Err(MigranError::Invalid { field, reason }) => (field, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field_of(vault.set_check_in(every(14, 0))),
        ("check_in_minutes".into(), InvalidReason::OutOfRange)
    );
    assert_eq!(
        field_of(vault.set_check_in(every(7 * 24 * 60 + 1, 0))),
        ("check_in_minutes".into(), InvalidReason::OutOfRange)
    );
    assert_eq!(
        field_of(vault.set_check_in(every(60, 24 * 60 + 1))),
        ("check_in_grace_minutes".into(), InvalidReason::OutOfRange)
    );
    let once = |due_at: &str| CheckInRequest {
        schedule: CheckInSchedule::Once {
            due_at: due_at.into(),
        },
        grace_minutes: 0,
        kind: EmergencyKind::Other,
    };
    assert_eq!(
        field_of(vault.set_check_in(once("besok sore"))),
        ("check_in_due_at".into(), InvalidReason::BadFormat)
    );
    assert_eq!(
        field_of(vault.set_check_in(once(&(clock.now() - Duration::minutes(1)).to_rfc3339()))),
        ("check_in_due_at".into(), InvalidReason::BadDate)
    );
    assert_eq!(
        field_of(vault.set_check_in(once(&(clock.now() + Duration::days(31)).to_rfc3339()))),
        ("check_in_due_at".into(), InvalidReason::OutOfRange)
    );
    vault.lock();
    assert_eq!(vault.set_check_in(every(60, 0)), Err(MigranError::Locked));
}

#[test]
fn in_discreet_mode_the_locked_status_hides_the_kind_and_nothing_is_readable_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault.set_emergency_card(card()).unwrap();
    vault
        .set_emergency_settings(EmergencySettings {
            discreet: true,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault.set_check_in(every(24 * 60, 60)).unwrap();
    let size_running = sealed_check_in_size(dir.path());
    vault.lock();
    let status = vault.check_in_status().unwrap();
    assert_eq!((status.state, status.kind), (CheckInState::Waiting, None));
    clock.advance(Duration::hours(25));
    let poll = vault.poll_check_in(None, Locale::Id).unwrap();
    assert!(poll.queued.is_some(), "discreet mode still queues the alert");
    assert_eq!(poll.status.missed_alert_id, None);
    let size_missed = sealed_check_in_size(dir.path());
    vault.cancel_check_in(PIN.into()).unwrap();
    let size_cancelled = sealed_check_in_size(dir.path());
    assert_eq!((size_running, size_missed), (size_cancelled, size_cancelled));
    for marker in [
        "held_against_will",
        "due_at",
        "missed",
        "Siti Contoh",
        "every_minutes",
    ] {
        assert_eq!(
            files_containing(dir.path(), marker),
            Vec::<String>::new(),
            "{marker}"
        );
    }
}

/// The sealed check-in's size in `locked.db`, read through the store's key.
fn sealed_check_in_size(dir: &std::path::Path) -> i64 {
    let conn = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
    conn.query_row(
        "SELECT length(data) FROM emergency_checkin WHERE id = 1",
        [],
        |row| row.get(0),
    )
    .unwrap()
}
