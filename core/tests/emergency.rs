//! The emergency button through the public API: on a locked vault, offline, never empty,
//! never lost.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    sms_size, ActionChannel, ActionStatus, EmergencyCard, EmergencyKind, EmergencyOutboxSummary,
    EmergencySettings, GeoLocation, Locale, MigranError, NotAllowedReason, PackRejectReason, Recipient,
    RecordKind, SmsEncoding, Vault,
};
use support::*;

fn card(country: &str) -> EmergencyCard {
    fake_card(country)
}

/// A vault with a card, locked, as the phone is when the button is pressed.
fn locked_vault_with_card(dir: &std::path::Path, country: &str) -> std::sync::Arc<Vault> {
    let vault = new_vault(dir, TestClock::at(2026, 11, 28));
    vault.set_emergency_card(card(country)).unwrap();
    vault.lock();
    vault
}

const HERE: GeoLocation = GeoLocation {
    latitude: 22.31930,
    longitude: 114.16940,
    fix_time_epoch_ms: None,
};

#[test]
fn violence_in_hong_kong_calls_local_police_first_then_the_consulate_hotlines_and_family() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "HK");
    let plan = vault
        .emergency_plan(EmergencyKind::Violence, None, Some(HERE), Locale::Id)
        .unwrap();
    assert_eq!(plan.country.as_deref(), Some("HK"));
    let first = &plan.actions[0];
    assert_eq!(
        (first.recipient, first.channel, first.number.as_str()),
        (Recipient::LocalEmergency, ActionChannel::Call, "999")
    );
    assert_eq!(first.message_language, Locale::En, "local services get English");
    assert_eq!(plan.actions[1].recipient, Recipient::Mission);
    // KJRI Hong Kong's hotline, then its panic button (both in the 2025 notices).
    assert_eq!(plan.actions[1].number, "+85252422240");
    assert_eq!(plan.actions[2].number, "+85267730466");
    let recipients: Vec<Recipient> = plan.actions.iter().map(|a| a.recipient).collect();
    let family_at = recipients.iter().position(|r| *r == Recipient::Family).unwrap();
    let cadre_at = recipients.iter().position(|r| *r == Recipient::Cadre).unwrap();
    let hotline_at = recipients
        .iter()
        .position(|r| *r == Recipient::NationalHotline)
        .unwrap();
    assert!(hotline_at < family_at && family_at < cadre_at);
    assert!(plan
        .actions
        .iter()
        .any(|a| a.number == "+628118080141" && a.channel == ActionChannel::WhatsApp));
    let sms_to_family = &plan.actions[family_at];
    assert_eq!(
        (sms_to_family.channel, sms_to_family.number.as_str()),
        (ActionChannel::Sms, "+6281299990001")
    );
    assert!(
        plan.message_id.starts_with("DARURAT PMI: kekerasan."),
        "{}",
        plan.message_id
    );
    assert!(plan.message_id.contains("Siti Contoh"));
    assert!(
        plan.message_id
            .contains("https://maps.google.com/?q=22.31930,114.16940"),
        "{}",
        plan.message_id
    );
    assert!(plan.message_en.starts_with("EMERGENCY"), "{}", plan.message_en);
    assert!(plan.sms_id.fits_one_sms && plan.sms_en.fits_one_sms);
    assert!(plan
        .actions
        .iter()
        .enumerate()
        .all(|(i, a)| a.position == i as u32));
}

#[test]
fn unpaid_wages_in_malaysia_starts_with_the_embassy_and_keeps_local_police_for_last_resort() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "MY");
    let plan = vault
        .emergency_plan(EmergencyKind::UnpaidWages, None, None, Locale::En)
        .unwrap();
    assert_eq!(plan.actions[0].recipient, Recipient::Mission);
    assert_eq!(plan.actions[0].number, "+60176688032");
    assert_eq!(plan.actions[0].label, "Indonesian Embassy Kuala Lumpur (hotline)");
    let local_at = plan
        .actions
        .iter()
        .position(|a| a.recipient == Recipient::LocalEmergency)
        .unwrap();
    let hotline_at = plan
        .actions
        .iter()
        .position(|a| a.recipient == Recipient::NationalHotline)
        .unwrap();
    assert!(hotline_at < local_at);
    assert!(plan.message_id.contains("gaji tidak dibayar"));
    assert_eq!(plan.country_name.as_deref(), Some("Malaysia"));
}

#[test]
fn a_country_override_and_several_kinds_all_give_full_plans() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "HK");
    for (country, kind) in [
        ("TW", EmergencyKind::Medical),
        ("CN", EmergencyKind::Detention),
        ("SG", EmergencyKind::HeldAgainstWill),
        ("MO", EmergencyKind::PassportTaken),
        ("JP", EmergencyKind::WantToGoHome),
    ] {
        let plan = vault
            .emergency_plan(kind, Some(country.into()), None, Locale::Id)
            .unwrap();
        assert_eq!(plan.country.as_deref(), Some(country));
        assert!(
            plan.actions
                .iter()
                .any(|a| a.recipient == Recipient::NationalHotline),
            "{country}"
        );
        assert!(
            plan.actions.iter().any(|a| a.recipient == Recipient::Family),
            "{country}"
        );
        if kind.is_life_threatening() {
            assert_eq!(plan.actions[0].recipient, Recipient::LocalEmergency, "{country}");
        }
    }
    // Singapore has no dated mission number in the directory: the national hotlines stand in.
    let plan = vault
        .emergency_plan(EmergencyKind::PassportTaken, Some("SG".into()), None, Locale::Id)
        .unwrap();
    assert_eq!(plan.actions[0].recipient, Recipient::NationalHotline);
}

#[test]
fn an_unknown_country_or_no_card_still_gives_the_national_hotlines_never_an_empty_plan() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "FR");
    let plan = vault
        .emergency_plan(EmergencyKind::Violence, None, None, Locale::Id)
        .unwrap();
    assert_eq!(plan.actions[0].recipient, Recipient::NationalHotline);
    assert!(plan.actions.iter().any(|a| a.recipient == Recipient::Family));
    assert!(plan.country_name.is_none());

    let empty_dir = tempfile::tempdir().unwrap();
    let no_card = new_vault(empty_dir.path(), TestClock::at(2026, 11, 28));
    no_card.lock();
    let plan = no_card
        .emergency_plan(EmergencyKind::Other, None, None, Locale::Id)
        .unwrap();
    assert!(plan.actions.len() >= 3);
    assert!(plan
        .actions
        .iter()
        .all(|a| a.recipient == Recipient::NationalHotline));

    // Even a vault made without a device secret can say whom to call.
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = Vault::create_with_clock(
        bare_dir.path(),
        PIN,
        None,
        fast_settings(),
        TestClock::at(2026, 11, 28),
    )
    .unwrap();
    assert!(!bare
        .emergency_plan(EmergencyKind::Violence, Some("MY".into()), None, Locale::En)
        .unwrap()
        .actions
        .is_empty());
    assert_eq!(
        bare.set_emergency_card(card("MY")).err(),
        Some(MigranError::NotAllowed {
            reason: NotAllowedReason::DeviceSecretRequired
        })
    );
}

#[test]
fn old_numbers_carry_a_verify_hint() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "TW");
    let plan = vault
        .emergency_plan(EmergencyKind::Other, None, None, Locale::Id)
        .unwrap();
    let kdei = plan
        .actions
        .iter()
        .find(|a| a.recipient == Recipient::Mission)
        .unwrap();
    assert_eq!(kdei.number, "+886901132000");
    assert!(
        kdei.verify_hint,
        "the KDEI source dates from April 2024, over two years back"
    );
    // A local number without a dated source is marked too.
    let police = plan.actions.iter().find(|a| a.number == "110").unwrap();
    assert!(police.verify_hint);
    let plan = vault
        .emergency_plan(EmergencyKind::Other, Some("HK".into()), None, Locale::Id)
        .unwrap();
    let hotline = plan
        .actions
        .iter()
        .find(|a| a.recipient == Recipient::Mission)
        .unwrap();
    assert!(!hotline.verify_hint, "the 2025 KJRI notice is recent");
}

// The plan says "shortened" when either language lost a part: the Indonesian message
// carries the employer's name and the English one does not, so a long name shortens the
// first only (cargo-mutants found `||` read as `&&` unnoticed; docs/testing.md).
#[test]
fn a_plan_is_shortened_when_only_the_indonesian_message_lost_a_part() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut long_employer = card("HK");
    let employer = "Keluarga Contoh Besar dengan Nama yang Sangat Panjang Sekali untuk Uji";
    long_employer.employer_name = Some(employer.into());
    vault.set_emergency_card(long_employer).unwrap();
    vault.lock();
    let plan = vault
        .emergency_plan(EmergencyKind::Medical, None, None, Locale::Id)
        .unwrap();
    assert!(!plan.message_id.contains(employer), "{}", plan.message_id);
    assert!(
        plan.message_en.ends_with("Kota Contoh."),
        "nothing left out: {}",
        plan.message_en
    );
    assert!(plan.shortened);
}

#[test]
fn long_details_are_dropped_to_fit_one_sms_and_non_gsm_names_switch_to_70() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut long = card("HK");
    long.employer_address = Some("Flat 12B, Tower 3, Contoh Garden Estate, 88 Contoh Road, Kowloon".into());
    vault.set_emergency_card(long).unwrap();
    vault.lock();
    let plan = vault
        .emergency_plan(EmergencyKind::Violence, None, Some(HERE), Locale::Id)
        .unwrap();
    assert!(plan.shortened);
    assert_eq!(plan.sms_id.encoding, SmsEncoding::Gsm7);
    assert!(
        plan.sms_id.units <= 160 && plan.sms_id.fits_one_sms,
        "{:?}",
        plan.sms_id
    );
    assert!(
        plan.message_id.contains("maps.google.com"),
        "location outranks the address"
    );

    vault.unlock(PIN.into()).unwrap();
    let mut unicode = card("HK");
    unicode.full_name = "Siti Ŝontoh".into();
    vault.set_emergency_card(unicode).unwrap();
    let plan = vault
        .emergency_plan(EmergencyKind::Medical, None, None, Locale::Id)
        .unwrap();
    assert_eq!(plan.sms_id.encoding, SmsEncoding::Ucs2);
    assert!(plan.sms_id.units <= 70, "{:?} {}", plan.sms_id, plan.message_id);
    assert!(plan.message_id.contains("Siti Ŝontoh"));
    assert_eq!(sms_size(plan.message_id.clone()), plan.sms_id);
}

#[test]
fn an_address_in_a_non_latin_script_is_kept_with_the_name_and_location_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    let mut chinese = card("HK");
    chinese.employer_address = Some("香港九龍旺角道1號".into());
    vault.set_emergency_card(chinese).unwrap();
    vault.lock();
    let plan = vault
        .emergency_plan(EmergencyKind::Violence, None, Some(HERE), Locale::Id)
        .unwrap();
    for message in [&plan.message_id, &plan.message_en] {
        assert!(message.contains("香港九龍旺角道1號"), "{message}");
        assert!(
            message.contains("Siti Contoh") && message.contains("maps.google.com"),
            "{message}"
        );
    }
    assert_eq!(plan.sms_id.encoding, SmsEncoding::Ucs2);
    assert!(!plan.sms_id.fits_one_sms, "the address is worth a second SMS");
    assert!(plan.sms_id.parts <= 3, "{:?}", plan.sms_id);
}

#[test]
fn the_card_is_readable_locked_changeable_only_with_the_pin_and_never_in_plaintext_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    assert_eq!(vault.emergency_card().unwrap(), None);
    let stored = vault.set_emergency_card(card("HK")).unwrap();
    assert_eq!(stored.contacts[0].phone, "+6281299990001");
    vault.lock();
    assert_eq!(vault.emergency_card().unwrap(), Some(stored));
    assert_eq!(
        vault.set_emergency_card(card("MY")).err(),
        Some(MigranError::Locked)
    );
    for secret in ["Siti Contoh", "C0000001", "Jalan Contoh", "6281299990001"] {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret}"
        );
    }
    vault
        .trigger_emergency(EmergencyKind::Violence, None, Some(HERE), Locale::Id)
        .unwrap();
    for secret in ["Siti Contoh", "22.31930", "DARURAT"] {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret} after a trigger"
        );
    }
    let mut bad = card("XX");
    bad.country = "XX".into();
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(
        vault.set_emergency_card(bad).err(),
        Some(MigranError::Invalid {
            field: "country".into(),
            reason: migran_core::InvalidReason::UnknownCountry
        })
    );
}

#[test]
fn the_outbox_survives_a_restart_with_pending_actions_intact() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault.set_emergency_card(card("MY")).unwrap();
    vault.lock();
    let alert = vault
        .trigger_emergency(EmergencyKind::PassportTaken, None, None, Locale::Id)
        .unwrap();
    let total = alert.plan.actions.len();
    assert!(total >= 5);
    vault
        .record_emergency_action(alert.id.clone(), 0, ActionStatus::HandedToOs)
        .unwrap();
    vault
        .record_emergency_action(alert.id.clone(), 1, ActionStatus::Failed)
        .unwrap();
    drop(vault);

    // The app was killed; it comes back, still locked.
    let vault = reopen(dir.path(), clock);
    let pending = vault.pending_emergency_actions().unwrap();
    assert_eq!(pending.len(), total - 1, "all but the one handed to the phone");
    assert_eq!(pending[0].action.position, 1);
    assert_eq!(pending[0].attempts, 1);
    assert!(pending.iter().all(|p| p.alert_id == alert.id));

    for _ in 0..4 {
        vault
            .record_emergency_action(alert.id.clone(), 1, ActionStatus::Failed)
            .unwrap();
    }
    assert!(
        vault
            .pending_emergency_actions()
            .unwrap()
            .iter()
            .all(|p| p.action.position != 1),
        "gave up after 5"
    );

    let acknowledged = vault
        .acknowledge_emergency(alert.id.clone(), "Kader Contoh".into())
        .unwrap();
    assert_eq!(acknowledged.acknowledged_by.as_deref(), Some("Kader Contoh"));
    assert!(vault.pending_emergency_actions().unwrap().is_empty());
    let log = vault.emergency_log().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].states[0].status, ActionStatus::HandedToOs);
    assert_eq!(
        vault
            .record_emergency_action(alert.id.clone(), 999, ActionStatus::Sent)
            .err(),
        Some(MigranError::Invalid {
            field: "position".into(),
            reason: migran_core::InvalidReason::OutOfRange
        })
    );
    assert_eq!(
        vault
            .record_emergency_action("no-such-alert".into(), 0, ActionStatus::Sent)
            .err(),
        Some(MigranError::NotFound {
            kind: RecordKind::EmergencyAlert
        })
    );
}

#[test]
fn discreet_mode_hides_the_log_behind_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault
        .set_emergency_settings(EmergencySettings {
            discreet: true,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault.lock();
    assert!(vault.emergency_settings().unwrap().discreet);
    vault
        .trigger_emergency(EmergencyKind::Other, Some("HK".into()), None, Locale::Id)
        .unwrap();
    assert_eq!(vault.emergency_log().err(), Some(MigranError::Locked));
    assert_eq!(vault.pending_emergency_actions().err(), Some(MigranError::Locked));
    assert_eq!(
        vault
            .set_emergency_settings(EmergencySettings {
                discreet: false,
                ..EmergencySettings::default()
            })
            .err(),
        Some(MigranError::Locked)
    );
    vault.unlock(PIN.into()).unwrap();
    assert_eq!(vault.emergency_log().unwrap().len(), 1);
}

/// What a card contact and the owner look like inside an alert: none of it may come out
/// of a locked vault in discreet mode, except from the press itself.
const MARKERS: [&str; 4] = ["Ibu Contoh", "6281299990001", "Siti Contoh", "Kader Contoh"];

fn shows_a_marker(value: &impl std::fmt::Debug) -> bool {
    let text = format!("{value:?}");
    MARKERS.iter().any(|marker| text.contains(marker))
}

/// Presses the button on a locked vault with a card in `discreet` mode, then reports one
/// action failed: an outbox with content to hide.
fn pressed(dir: &std::path::Path, discreet: bool) -> (std::sync::Arc<Vault>, String) {
    let vault = new_vault(dir, TestClock::at(2026, 11, 28));
    vault.set_emergency_card(card("MY")).unwrap();
    vault
        .set_emergency_settings(EmergencySettings {
            discreet,
            ..EmergencySettings::default()
        })
        .unwrap();
    vault.lock();
    let alert = vault
        .trigger_emergency(EmergencyKind::HeldAgainstWill, None, None, Locale::Id)
        .unwrap();
    assert!(shows_a_marker(&alert), "the press itself gets its plan");
    let state = vault
        .record_emergency_action(alert.id.clone(), 0, ActionStatus::Failed)
        .unwrap();
    assert!(!shows_a_marker(&state));
    (vault, alert.id)
}

#[test]
fn in_discreet_mode_locked_calls_return_only_what_the_button_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, alert_id) = pressed(dir.path(), true);
    let total = {
        let summary = vault.emergency_outbox_summary().unwrap();
        assert!(summary.pending_actions >= 5, "{summary:?}");
        assert!(summary.any_failed);
        summary.pending_actions
    };
    assert_eq!(vault.pending_emergency_actions().err(), Some(MigranError::Locked));
    assert_eq!(vault.emergency_log().err(), Some(MigranError::Locked));
    assert_eq!(
        vault
            .acknowledge_emergency(alert_id.clone(), "Kader Contoh".into())
            .err(),
        Some(MigranError::Locked)
    );
    // Recording still works locked (the button reports what the phone did) and gives
    // back the state alone.
    let state = vault
        .record_emergency_action(alert_id.clone(), 1, ActionStatus::HandedToOs)
        .unwrap();
    assert_eq!((state.position, state.status), (1, ActionStatus::HandedToOs));
    assert!(!shows_a_marker(&state));
    assert_eq!(
        vault.emergency_outbox_summary().unwrap().pending_actions,
        total - 1
    );

    // After unlock: the whole content.
    vault.unlock(PIN.into()).unwrap();
    let pending = vault.pending_emergency_actions().unwrap();
    assert_eq!(pending.len() as u32, total - 1);
    assert!(shows_a_marker(&pending));
    let acknowledged = vault
        .acknowledge_emergency(alert_id, "Kader Contoh".into())
        .unwrap();
    assert_eq!(acknowledged.acknowledged_by.as_deref(), Some("Kader Contoh"));
    assert!(shows_a_marker(&vault.emergency_log().unwrap()));
    assert_eq!(
        vault.emergency_outbox_summary().unwrap(),
        EmergencyOutboxSummary::default(),
        "an acknowledged alert has nothing pending"
    );
}

#[test]
fn without_discreet_mode_locked_calls_still_return_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, alert_id) = pressed(dir.path(), false);
    let pending = vault.pending_emergency_actions().unwrap();
    assert!(shows_a_marker(&pending), "retries run while locked");
    let summary = vault.emergency_outbox_summary().unwrap();
    assert_eq!(summary.pending_actions as usize, pending.len());
    assert!(summary.any_failed);
    assert!(shows_a_marker(&vault.emergency_log().unwrap()));
    let acknowledged = vault
        .acknowledge_emergency(alert_id, "Kader Contoh".into())
        .unwrap();
    assert!(shows_a_marker(&acknowledged));
}

#[test]
fn a_forged_directory_pack_is_refused_and_the_shipped_one_stays() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    vault.lock();
    let before = vault.directory_info().unwrap();
    assert!(!before.installed);
    assert!(before.countries.contains(&"HK".to_string()));
    let forged = br#"{"kind":"emergency-directory","version":99,"verify_after_days":365,"national":[],"countries":{}}"#;
    for signature in [vec![], vec![0u8; 64]] {
        assert_eq!(
            vault.install_directory_pack(forged.to_vec(), signature).err(),
            Some(MigranError::PackRejected {
                reason: PackRejectReason::Signature
            })
        );
    }
    assert_eq!(vault.directory_info().unwrap(), before);
    let plan = vault
        .emergency_plan(EmergencyKind::Violence, Some("HK".into()), None, Locale::Id)
        .unwrap();
    assert_eq!(plan.actions[0].number, "999");
    let message = MigranError::PackRejected {
        reason: PackRejectReason::Signature,
    }
    .message(Locale::Id);
    assert!(message.contains("tanda tangan"), "{message}");
}

#[test]
fn bad_locations_and_countries_are_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 11, 28));
    for location in [
        GeoLocation {
            latitude: 91.0,
            longitude: 0.0,
            fix_time_epoch_ms: None,
        },
        GeoLocation {
            latitude: 0.0,
            longitude: f64::NAN,
            fix_time_epoch_ms: None,
        },
    ] {
        assert!(matches!(
            vault.emergency_plan(EmergencyKind::Other, None, Some(location), Locale::Id),
            Err(MigranError::Invalid { ref field, .. }) if field == "location"
        ));
    }
    assert!(matches!(
        vault.emergency_plan(EmergencyKind::Other, Some("ZZ".into()), None, Locale::Id),
        Err(MigranError::Invalid { ref field, .. }) if field == "country"
    ));
}

/// Flips one byte of a sealed value in the locked store, as a meddler holding the device
/// key (or a bug) could: the value's own seal must catch it.
fn damage(dir: &std::path::Path, sql_select: &str, sql_update: &str) {
    let raw = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
    let mut blob: Vec<u8> = raw.query_row(sql_select, [], |row| row.get(0)).unwrap();
    let last = blob.len() - 1;
    blob[last] ^= 0x01;
    raw.execute(sql_update, rusqlite::params![blob]).unwrap();
}

#[test]
fn a_damaged_card_still_gives_a_plan_and_says_the_card_was_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault_with_card(dir.path(), "MY");
    let intact = vault
        .emergency_plan(EmergencyKind::Violence, None, None, Locale::Id)
        .unwrap();
    assert!(!intact.card_unreadable);
    damage(
        dir.path(),
        "SELECT data FROM emergency_card WHERE id = 1",
        "UPDATE emergency_card SET data = ?1 WHERE id = 1",
    );
    assert!(matches!(
        vault.emergency_card(),
        Err(MigranError::Tampered { .. })
    ));

    let plan = vault
        .emergency_plan(EmergencyKind::Violence, Some("MY".into()), None, Locale::Id)
        .unwrap();
    assert!(plan.card_unreadable);
    assert_eq!(plan.actions[0].number, "999", "the country given still counts");
    assert!(plan
        .actions
        .iter()
        .any(|a| a.recipient == Recipient::NationalHotline));
    assert!(!plan.message_id.contains("Siti"), "nothing from the damaged card");
    // Without a country the plan falls back to the national hotlines, and the button
    // still records the trigger.
    let alert = vault
        .trigger_emergency(EmergencyKind::Other, None, None, Locale::Id)
        .unwrap();
    assert!(alert.plan.card_unreadable);
    assert_eq!(alert.plan.actions[0].recipient, Recipient::NationalHotline);
}

#[test]
fn a_damaged_alert_does_not_stop_the_retries_of_the_others_and_the_log_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault.set_emergency_card(card("HK")).unwrap();
    vault.lock();
    let first = vault
        .trigger_emergency(EmergencyKind::UnpaidWages, None, None, Locale::Id)
        .unwrap();
    clock.advance(chrono::Duration::minutes(1));
    let second = vault
        .trigger_emergency(EmergencyKind::Violence, None, None, Locale::Id)
        .unwrap();
    damage(
        dir.path(),
        &format!("SELECT data FROM emergency_outbox WHERE id = '{}'", first.id),
        &format!("UPDATE emergency_outbox SET data = ?1 WHERE id = '{}'", first.id),
    );
    let pending = vault.pending_emergency_actions().unwrap();
    assert_eq!(pending.len(), second.plan.actions.len());
    assert!(pending.iter().all(|p| p.alert_id == second.id));
    assert!(matches!(vault.emergency_log(), Err(MigranError::Tampered { .. })));
}

#[test]
fn a_hand_over_that_fails_is_one_attempt_and_is_retried_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28);
    let vault = new_vault(dir.path(), clock.clone());
    vault.set_emergency_card(card("TW")).unwrap();
    vault.lock();
    let alert = vault
        .trigger_emergency(EmergencyKind::Detention, None, None, Locale::Id)
        .unwrap();
    let family = alert
        .plan
        .actions
        .iter()
        .find(|a| a.recipient == Recipient::Family)
        .unwrap()
        .position;
    vault
        .record_emergency_action(alert.id.clone(), family, ActionStatus::HandedToOs)
        .unwrap();
    let state = vault
        .record_emergency_action(alert.id.clone(), family, ActionStatus::Failed)
        .unwrap();
    assert_eq!(
        (state.position, state.status, state.attempts),
        (family, ActionStatus::Failed, 1)
    );
    drop(vault);

    let vault = reopen(dir.path(), clock);
    let retry = vault
        .pending_emergency_actions()
        .unwrap()
        .into_iter()
        .find(|p| p.action.position == family)
        .unwrap();
    assert_eq!(retry.attempts, 1);
    assert_eq!(retry.action.number, "+6281299990001");
    // Four more tries that each reach the phone and fail: five in all, then it stops.
    for _ in 0..4 {
        vault
            .record_emergency_action(alert.id.clone(), family, ActionStatus::HandedToOs)
            .unwrap();
        assert!(vault
            .pending_emergency_actions()
            .unwrap()
            .iter()
            .all(|p| p.action.position != family));
        vault
            .record_emergency_action(alert.id.clone(), family, ActionStatus::Failed)
            .unwrap();
    }
    assert!(vault
        .pending_emergency_actions()
        .unwrap()
        .iter()
        .all(|p| p.action.position != family));
    let log = vault.emergency_log().unwrap();
    let state = log[0].states.iter().find(|s| s.position == family).unwrap();
    assert_eq!(state.attempts, 5);
}

#[test]
fn a_plan_comes_even_when_no_vault_opens() {
    let dir = tempfile::tempdir().unwrap();
    let vault_dir = dir.path().join("vault");
    drop(locked_vault_with_card(&vault_dir, "HK"));
    // The device key lost: the vault does not open, the plan still does.
    assert_eq!(
        Vault::open(vault_dir.display().to_string(), None).err(),
        Some(MigranError::DeviceSecretMismatch)
    );
    let plan = migran_core::emergency_plan_without_vault(
        EmergencyKind::PassportTaken,
        Some("hk".into()),
        None,
        Locale::Id,
    )
    .unwrap();
    assert_eq!(plan.country.as_deref(), Some("HK"));
    assert_eq!(plan.actions[0].recipient, Recipient::Mission);
    assert!(plan
        .actions
        .iter()
        .any(|a| a.recipient == Recipient::NationalHotline));
    assert!(plan.actions.iter().all(|a| a.recipient != Recipient::Family));
    assert!(plan.card_unreadable);
    let nowhere =
        migran_core::emergency_plan_without_vault(EmergencyKind::Other, None, None, Locale::En).unwrap();
    assert!(!nowhere.actions.is_empty());
    assert!(matches!(
        migran_core::emergency_plan_without_vault(EmergencyKind::Other, Some("XX1".into()), None, Locale::En),
        Err(MigranError::Invalid { .. })
    ));
}
