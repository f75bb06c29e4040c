//! The location in the emergency button (issue 16): the map link and the age of the fix
//! in both messages, still one SMS; the location updates offered while an alert is
//! active, on the injected clock, until the owner stops them or someone acknowledges.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use chrono::Duration;
use migran_core::{
    emergency_plan_without_vault, ActionChannel, CardContact, CardContactRole, Clock, EmergencyCard,
    EmergencyKind, EmergencySettings, GeoLocation, InvalidReason, Locale, LocationUpdateStatus, MigranError,
    SmsEncoding, Vault,
};
use support::*;

fn card(full_name: &str, employer_address: &str) -> EmergencyCard {
    EmergencyCard {
        full_name: full_name.into(),
        passport_number: Some("C0000001".into()),
        country: "HK".into(),
        city: Some("Kota Contoh".into()),
        employer_name: Some("Keluarga Contoh".into()),
        employer_address: Some(employer_address.into()),
        contacts: vec![
            CardContact {
                name: "Ibu Contoh".into(),
                phone: "081299990001".into(),
                role: CardContactRole::Family,
            },
            CardContact {
                name: "Kader Contoh".into(),
                phone: "081299990002".into(),
                role: CardContactRole::Cadre,
            },
        ],
    }
}

/// A vault with a card, locked, as the phone is when the button is pressed; its clock.
fn locked_vault(dir: &std::path::Path, card: EmergencyCard) -> (Arc<Vault>, Arc<TestClock>) {
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir, clock.clone());
    vault.set_emergency_card(card).unwrap();
    vault.lock();
    (vault, clock)
}

/// Hong Kong, fixed `age` before the clock's now.
fn fix(clock: &TestClock, age: Duration) -> GeoLocation {
    GeoLocation {
        latitude: 22.31930,
        longitude: 114.16940,
        fix_time_epoch_ms: Some((clock.now() - age).timestamp_millis()),
    }
}

const LINK: &str = "https://maps.google.com/?q=22.31930,114.16940";

#[test]
fn both_messages_carry_the_map_link_and_the_age_of_the_fix_in_one_gsm7_sms() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let plan = vault
        .emergency_plan(
            EmergencyKind::Violence,
            None,
            Some(fix(&clock, Duration::minutes(5))),
            Locale::Id,
        )
        .unwrap();
    assert!(
        plan.message_id.contains(&format!("Lokasi 5 mnt lalu: {LINK}")),
        "{}",
        plan.message_id
    );
    assert!(
        plan.message_en.contains(&format!("Location 5 min ago: {LINK}")),
        "{}",
        plan.message_en
    );
    assert!(plan.message_id.contains("Siti Contoh"), "{}", plan.message_id);
    for size in [plan.sms_id, plan.sms_en] {
        assert_eq!(size.encoding, SmsEncoding::Gsm7);
        assert!(size.fits_one_sms && size.units <= 160, "{size:?}");
    }
    // The family's SMS is the Indonesian message with the age in it.
    let family = plan.actions.iter().find(|a| a.label == "Ibu Contoh").unwrap();
    assert!(family.message.contains("5 mnt lalu"), "{}", family.message);
}

#[test]
fn the_age_reads_in_minutes_then_hours_then_days_rounded_down() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let cases = [
        (Duration::seconds(59), "Lokasi baru saja:", "Location just now:"),
        (Duration::seconds(-60), "Lokasi baru saja:", "Location just now:"),
        (Duration::seconds(60), "Lokasi 1 mnt lalu:", "Location 1 min ago:"),
        (
            Duration::minutes(119),
            "Lokasi 119 mnt lalu:",
            "Location 119 min ago:",
        ),
        (
            Duration::minutes(120),
            "Lokasi 2 jam lalu:",
            "Location 2 hours ago:",
        ),
        (
            Duration::minutes(47 * 60 + 59),
            "Lokasi 47 jam lalu:",
            "Location 47 hours ago:",
        ),
        (Duration::hours(48), "Lokasi 2 hari lalu:", "Location 2 days ago:"),
        (
            Duration::days(30),
            "Lokasi 30 hari lalu:",
            "Location 30 days ago:",
        ),
    ];
    for (age, id, en) in cases {
        let plan = vault
            .emergency_plan(EmergencyKind::Other, None, Some(fix(&clock, age)), Locale::Id)
            .unwrap();
        assert!(plan.message_id.contains(id), "{age}: {}", plan.message_id);
        assert!(plan.message_en.contains(en), "{age}: {}", plan.message_en);
        assert!(plan.sms_id.fits_one_sms && plan.sms_en.fits_one_sms, "{age}");
    }
    // A phone that does not say when it took the fix: the link, and no age made up.
    let unknown = GeoLocation {
        fix_time_epoch_ms: None,
        ..fix(&clock, Duration::zero())
    };
    let plan = vault
        .emergency_plan(EmergencyKind::Other, None, Some(unknown), Locale::Id)
        .unwrap();
    assert!(
        plan.message_id.contains(&format!("Lokasi {LINK}")),
        "{}",
        plan.message_id
    );
    assert!(!plan.message_id.contains("lalu") && !plan.message_en.contains("ago"));
}

#[test]
fn a_fix_from_the_future_or_older_than_a_month_is_refused_with_its_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let refused = |location: GeoLocation| match vault.emergency_plan(
        EmergencyKind::Other,
        None,
        Some(location),
        Locale::Id,
    ) {
        Err(MigranError::Invalid { field, reason }) => {
            assert_eq!(field, "location_fix_time");
            reason
        }
        other => panic!("{other:?}"),
    };
    // Two minutes ahead is clock drift ("just now"); three minutes is another clock.
    assert!(vault
        .emergency_plan(
            EmergencyKind::Other,
            None,
            Some(fix(&clock, -Duration::minutes(2))),
            Locale::Id
        )
        .is_ok());
    assert_eq!(
        refused(fix(&clock, -Duration::minutes(3))),
        InvalidReason::BadDate
    );
    assert_eq!(
        refused(fix(&clock, Duration::days(30) + Duration::seconds(1))),
        InvalidReason::OutOfRange
    );
    let never = GeoLocation {
        fix_time_epoch_ms: Some(i64::MAX),
        ..fix(&clock, Duration::zero())
    };
    assert_eq!(refused(never), InvalidReason::OutOfRange);
    // The button records nothing for a refused location; the same press without one goes out.
    assert!(vault
        .trigger_emergency(
            EmergencyKind::Other,
            None,
            Some(fix(&clock, -Duration::hours(1))),
            Locale::Id
        )
        .is_err());
    let alert = vault
        .trigger_emergency(EmergencyKind::Other, None, None, Locale::Id)
        .unwrap();
    assert!(!alert.plan.actions.is_empty());
    assert!(!alert.plan.message_id.contains("Lokasi"));
    // Without a vault too (its clock is the system's: a fix in 2100 is from the future).
    let future = GeoLocation {
        fix_time_epoch_ms: Some(4_102_444_800_000),
        ..fix(&clock, Duration::zero())
    };
    assert!(matches!(
        emergency_plan_without_vault(EmergencyKind::Other, Some("HK".into()), Some(future), Locale::Id),
        Err(MigranError::Invalid { ref field, reason: InvalidReason::BadDate }) if field == "location_fix_time"
    ));
}

#[test]
fn a_name_that_needs_ucs2_gives_way_to_the_location_and_the_message_stays_one_sms() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Ŝontoh", "Flat 1, Jalan Contoh 2"));
    let plan = vault
        .emergency_plan(
            EmergencyKind::HeldAgainstWill,
            None,
            Some(fix(&clock, Duration::minutes(5))),
            Locale::Id,
        )
        .unwrap();
    for (message, size) in [(&plan.message_id, plan.sms_id), (&plan.message_en, plan.sms_en)] {
        assert!(message.contains(LINK) && message.contains('5'), "{message}");
        assert!(size.fits_one_sms, "{size:?} {message}");
        assert!(!message.contains("Ŝontoh"), "{message}");
    }
    assert!(plan.shortened);
    // Without a location the same name is in the message, as one UCS-2 SMS.
    let plan = vault
        .emergency_plan(EmergencyKind::HeldAgainstWill, None, None, Locale::Id)
        .unwrap();
    assert!(plan.message_id.contains("Siti Ŝontoh"), "{}", plan.message_id);
    assert_eq!(plan.sms_id.encoding, SmsEncoding::Ucs2);
    assert!(plan.sms_id.fits_one_sms, "{:?}", plan.sms_id);
}

#[test]
fn an_address_in_chinese_keeps_the_location_and_its_age_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "香港九龍旺角道1號"));
    let plan = vault
        .emergency_plan(
            EmergencyKind::Violence,
            None,
            Some(fix(&clock, Duration::hours(3))),
            Locale::Id,
        )
        .unwrap();
    assert!(
        plan.message_id.contains(&format!("Lokasi 3 jam lalu: {LINK}")),
        "{}",
        plan.message_id
    );
    assert!(
        plan.message_en.contains(&format!("Location 3 hours ago: {LINK}")),
        "{}",
        plan.message_en
    );
    for message in [&plan.message_id, &plan.message_en] {
        assert!(message.contains("香港九龍旺角道1號"), "{message}");
    }
    assert_eq!(plan.sms_id.encoding, SmsEncoding::Ucs2);
    assert!(plan.sms_id.parts <= 3, "{:?}", plan.sms_id);
}

#[test]
fn an_update_is_offered_ten_minutes_after_the_press_then_ten_minutes_after_each_update() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let alert = vault
        .trigger_emergency(
            EmergencyKind::Violence,
            None,
            Some(fix(&clock, Duration::minutes(1))),
            Locale::Id,
        )
        .unwrap();
    assert!(alert.location_sent_at.is_some());
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(offer.status, LocationUpdateStatus::NotYet);
    assert_eq!((offer.seconds_until_due, offer.interval_minutes), (Some(600), 10));
    clock.advance(Duration::minutes(10) - Duration::seconds(1));
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(
        (offer.status, offer.seconds_until_due),
        (LocationUpdateStatus::NotYet, Some(1))
    );
    clock.advance(Duration::seconds(1));
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(
        (offer.status, offer.seconds_until_due),
        (LocationUpdateStatus::Due, Some(0))
    );
    assert_eq!(offer.due_at.as_deref(), Some("2026-11-28T09:10:00.000Z"));

    // The owner has moved: the new place goes to the same recipients, by text only.
    let moved = GeoLocation {
        latitude: 22.28000,
        longitude: 114.15000,
        fix_time_epoch_ms: Some((clock.now() - Duration::minutes(2)).timestamp_millis()),
    };
    let update = vault.record_location_update(alert.id.clone(), moved).unwrap();
    let texted: Vec<_> = alert
        .plan
        .actions
        .iter()
        .filter(|a| a.channel != ActionChannel::Call)
        .map(|a| (a.position, a.channel, a.number.clone()))
        .collect();
    assert!(
        texted.len() >= 3,
        "mission or hotline WhatsApp, family, cadre: {texted:?}"
    );
    assert_eq!(
        update
            .actions
            .iter()
            .map(|a| (a.position, a.channel, a.number.clone()))
            .collect::<Vec<_>>(),
        texted
    );
    let new_link = "https://maps.google.com/?q=22.28000,114.15000";
    assert!(
        update
            .message_id
            .contains(&format!("Lokasi 2 mnt lalu: {new_link}")),
        "{}",
        update.message_id
    );
    assert!(
        update
            .message_en
            .contains(&format!("Location 2 min ago: {new_link}")),
        "{}",
        update.message_en
    );
    assert!(update.message_id.contains("Siti Contoh"), "{}", update.message_id);
    assert!(update.actions.iter().all(|a| a.message == update.message_id));
    for size in [update.sms_id, update.sms_en] {
        assert!(
            size.fits_one_sms && size.encoding == SmsEncoding::Gsm7,
            "{size:?}"
        );
    }
    assert_eq!(update.next.status, LocationUpdateStatus::NotYet);
    assert_eq!(update.next.seconds_until_due, Some(600));

    clock.advance(Duration::minutes(9));
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(offer.status, LocationUpdateStatus::NotYet);
    clock.advance(Duration::minutes(1));
    assert_eq!(
        vault.location_update_offer(alert.id.clone()).unwrap().status,
        LocationUpdateStatus::Due
    );
    // The log (not discreet: it works locked) counts the update.
    assert_eq!(vault.emergency_log().unwrap()[0].location_updates_sent, 1);
}

#[test]
fn a_press_without_a_location_offers_the_first_one_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let alert = vault
        .trigger_emergency(EmergencyKind::PassportTaken, None, None, Locale::Id)
        .unwrap();
    assert!(alert.location_sent_at.is_none());
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(
        (offer.status, offer.seconds_until_due),
        (LocationUpdateStatus::Due, Some(0))
    );
    let update = vault
        .record_location_update(alert.id.clone(), fix(&clock, Duration::minutes(1)))
        .unwrap();
    assert!(
        update.message_id.contains("paspor ditahan"),
        "{}",
        update.message_id
    );
    assert_eq!(update.next.status, LocationUpdateStatus::NotYet);
}

#[test]
fn the_owner_stopping_or_a_cadre_acknowledging_ends_the_updates() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, clock) = locked_vault(dir.path(), card("Siti Contoh", "Flat 1, Jalan Contoh 2"));
    let here = fix(&clock, Duration::minutes(1));
    let stopped = vault
        .trigger_emergency(EmergencyKind::Medical, None, Some(here), Locale::Id)
        .unwrap();
    let acknowledged = vault
        .trigger_emergency(EmergencyKind::Medical, None, Some(here), Locale::Id)
        .unwrap();

    // Locked: the owner stops it from the button.
    let offer = vault.stop_location_updates(stopped.id.clone()).unwrap();
    assert_eq!(offer.status, LocationUpdateStatus::Stopped);
    assert_eq!((offer.due_at, offer.seconds_until_due), (None, None));
    vault
        .acknowledge_emergency(acknowledged.id.clone(), "Kader Contoh".into())
        .unwrap();
    clock.advance(Duration::hours(1));
    for (alert, status) in [
        (&stopped, LocationUpdateStatus::Stopped),
        (&acknowledged, LocationUpdateStatus::Acknowledged),
    ] {
        assert_eq!(
            vault.location_update_offer(alert.id.clone()).unwrap().status,
            status
        );
    }
    // The owner may still send one by hand; it does not restart the updates.
    let update = vault
        .record_location_update(stopped.id.clone(), fix(&clock, Duration::zero()))
        .unwrap();
    assert_eq!(update.next.status, LocationUpdateStatus::Stopped);
    // Stopping twice keeps the first time.
    let first = vault.emergency_log().unwrap()[1]
        .location_updates_stopped_at
        .clone();
    vault.stop_location_updates(stopped.id.clone()).unwrap();
    assert_eq!(
        vault.emergency_log().unwrap()[1].location_updates_stopped_at,
        first
    );
    assert!(matches!(
        vault.location_update_offer("0".repeat(32)),
        Err(MigranError::NotFound { .. })
    ));
}

#[test]
fn the_interval_is_a_setting_changed_with_the_pin_and_zero_turns_updates_off() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    assert_eq!(vault.emergency_settings().unwrap().location_update_minutes, 10);
    let every = |minutes| EmergencySettings {
        location_update_minutes: minutes,
        ..EmergencySettings::default()
    };
    assert!(matches!(
        vault.set_emergency_settings(every(121)),
        Err(MigranError::Invalid { ref field, .. }) if field == "location_update_minutes"
    ));
    vault.set_emergency_settings(every(15)).unwrap();
    vault.lock();
    assert_eq!(vault.set_emergency_settings(every(1)), Err(MigranError::Locked));
    let alert = vault
        .trigger_emergency(
            EmergencyKind::Other,
            Some("HK".into()),
            Some(fix(&clock, Duration::zero())),
            Locale::En,
        )
        .unwrap();
    clock.advance(Duration::minutes(14));
    assert_eq!(
        vault.location_update_offer(alert.id.clone()).unwrap().status,
        LocationUpdateStatus::NotYet
    );
    clock.advance(Duration::minutes(1));
    assert_eq!(
        vault.location_update_offer(alert.id.clone()).unwrap().status,
        LocationUpdateStatus::Due
    );
    vault.unlock(PIN.into()).unwrap();
    vault.set_emergency_settings(every(0)).unwrap();
    vault.lock();
    let offer = vault.location_update_offer(alert.id.clone()).unwrap();
    assert_eq!(
        (offer.status, offer.interval_minutes),
        (LocationUpdateStatus::Off, 0)
    );
}

#[test]
fn in_discreet_mode_the_locked_button_still_runs_the_updates_of_its_alert() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault
        .set_emergency_card(card("Siti Contoh", "Flat 1, Jalan Contoh 2"))
        .unwrap();
    vault
        .set_emergency_settings(EmergencySettings {
            discreet: true,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault.lock();
    let alert = vault
        .trigger_emergency(
            EmergencyKind::HeldAgainstWill,
            None,
            Some(fix(&clock, Duration::zero())),
            Locale::Id,
        )
        .unwrap();
    clock.advance(Duration::minutes(10));
    assert_eq!(
        vault.location_update_offer(alert.id.clone()).unwrap().status,
        LocationUpdateStatus::Due
    );
    let update = vault
        .record_location_update(alert.id.clone(), fix(&clock, Duration::zero()))
        .unwrap();
    assert!(!update.actions.is_empty());
    assert_eq!(
        vault.stop_location_updates(alert.id.clone()).unwrap().status,
        LocationUpdateStatus::Stopped
    );
    // The rest of the outbox stays behind the PIN.
    assert_eq!(vault.emergency_log().err(), Some(MigranError::Locked));
    // Nothing of the update is readable in the files.
    for marker in ["22.31930", "lokasi baru", "Siti Contoh"] {
        assert_eq!(
            files_containing(dir.path(), marker),
            Vec::<String>::new(),
            "{marker}"
        );
    }
}
