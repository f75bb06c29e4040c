//! The emergency plan's edges, found by mutation testing (docs/testing.md): what the
//! scenario tests of `emergency.rs` pass through without pinning down.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{Duration, NaiveDate};
use migran_core::{Clock, DirectoryRole, EmergencyKind, Locale, Recipient};
use support::*;

/// The re-check age of the shipped directory, read from the file itself so that the
/// test follows the directory, not a number copied from it.
fn verify_after_days() -> i64 {
    let directory: serde_json::Value =
        serde_json::from_str(include_str!("../content/emergency/directory.json")).unwrap();
    directory["verify_after_days"].as_i64().unwrap()
}

#[test]
fn a_number_exactly_as_old_as_the_recheck_age_has_no_verify_hint_and_one_day_older_has() {
    let clock = TestClock::at(2026, 11, 28);
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), clock.clone());
    let mission = vault
        .directory_entries(Locale::En)
        .unwrap()
        .into_iter()
        .find(|e| e.role == DirectoryRole::Mission && e.country.as_deref() == Some("HK"))
        .unwrap();
    let source = NaiveDate::parse_from_str(mission.source_date.as_deref().unwrap(), "%Y-%m-%d").unwrap();
    let today = clock.now().date_naive();
    // Move the clock to the day the source is exactly the re-check age old.
    clock.advance(Duration::days((source - today).num_days() + verify_after_days()));

    let hint = || {
        let plan = vault
            .emergency_plan(EmergencyKind::Other, Some("HK".into()), None, Locale::Id)
            .unwrap();
        let action = plan
            .actions
            .iter()
            .find(|a| a.entry_id.as_deref() == Some(mission.id.as_str()))
            .unwrap();
        assert_eq!(action.recipient, Recipient::Mission);
        action.verify_hint
    };
    let listed = || {
        vault
            .directory_entries(Locale::En)
            .unwrap()
            .into_iter()
            .find(|e| e.id == mission.id)
            .unwrap()
            .verify
    };
    assert!(!hint(), "as old as the re-check age: still trusted");
    assert!(!listed(), "the directory list agrees with the plan");
    clock.advance(Duration::days(1));
    assert!(hint(), "one day older: to be verified");
    assert!(listed(), "the directory list agrees with the plan");
}
