//! The emergency directory's content, through the public API: every destination the
//! issue names has its numbers in the right roles, every number has a dated source (or
//! is a local number marked unsourced), and only the rotated publisher key is trusted.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    DirectoryEntry, DirectoryRole, EmergencyKind, Locale, MigranError, PackRejectReason, Recipient,
};
use ring::signature::{UnparsedPublicKey, ED25519};
use support::*;

const PACK: &[u8] = include_bytes!("../content/emergency/directory.json");
const SIGNATURE: &str = include_str!("../content/emergency/directory.json.sig");
const PUBLISHER: &str = include_str!("../content/emergency/publisher.pub");
/// Version 2 of the directory as the old (lost) key signed it, and that key's public half.
const OLD_PACK: &[u8] = include_bytes!("fixtures/directory-v2-old-key.json");
const OLD_SIGNATURE: &str = include_str!("fixtures/directory-v2-old-key.json.sig");
const OLD_PUBLISHER: &str = include_str!("fixtures/publisher-2026-11-29.pub");

fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn entries() -> Vec<DirectoryEntry> {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    vault.lock();
    vault.directory_entries(Locale::En).unwrap()
}

fn ids(entries: &[DirectoryEntry], country: &str, role: DirectoryRole) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.country.as_deref() == Some(country) && e.role == role)
        .map(|e| e.id.clone())
        .collect()
}

#[test]
fn every_destination_named_in_the_sources_has_its_mission_numbers() {
    let entries = entries();
    let expected: &[(&str, &[&str])] = &[
        ("TW", &["kdei-taipei-hotline", "kdei-taipei-whatsapp"]),
        ("HK", &["kjri-hongkong-hotline", "kjri-hongkong-panic"]),
        (
            "MO",
            &[
                "kjri-hongkong-hotline-macau",
                "kjri-hongkong-panic-macau",
                "kjri-hongkong-macau-2020",
            ],
        ),
        ("KR", &["kbri-seoul"]),
        ("JP", &["kbri-tokyo", "kbri-tokyo-2", "kjri-osaka"]),
        ("SA", &["kjri-jeddah", "kbri-riyadh"]),
        ("AE", &["kjri-dubai", "kjri-dubai-2", "kbri-abudhabi"]),
        ("TR", &["kbri-ankara", "kjri-istanbul"]),
        ("QA", &["kbri-doha"]),
        ("KW", &["kbri-kuwait"]),
        ("KH", &["kbri-phnompenh"]),
        ("MY", &["kbri-kualalumpur", "kjri-johorbahru-whatsapp"]),
    ];
    for (country, missions) in expected {
        let mut found = ids(&entries, country, DirectoryRole::Mission);
        found.sort();
        let mut wanted: Vec<String> = missions.iter().map(|m| m.to_string()).collect();
        wanted.sort();
        assert_eq!(found, wanted, "{country}");
    }
    let number = |id: &str| entries.iter().find(|e| e.id == id).unwrap();
    // Taiwan: the protection hotlines, not the office landline of version 2.
    assert_eq!(number("kdei-taipei-hotline").number, "+886 901 132 000");
    assert!(number("kdei-taipei-whatsapp").whatsapp);
    assert!(!entries.iter().any(|e| e.number.contains("8752 6170")));
    // Hong Kong: hotline and panic button both current; Macau reaches the same two.
    assert_eq!(number("kjri-hongkong-hotline").number, "+852 5242 2240");
    assert_eq!(number("kjri-hongkong-panic").number, "+852 6773 0466");
    assert_eq!(number("kjri-hongkong-panic-macau").number, "+852 6773 0466");
    // Macau's local numbers: 999, 110 and 112, each with the 2025 KJRI notice.
    let mut macau = ids(&entries, "MO", DirectoryRole::LocalEmergency);
    macau.sort();
    assert_eq!(macau, ["mo-110", "mo-112", "mo-999"]);
    assert!(ids(&entries, "SA", DirectoryRole::LocalEmergency).contains(&"sa-997".to_string()));
}

#[test]
fn the_old_numbers_carry_the_verify_hint_and_the_demoted_macau_line_comes_last() {
    let entries = entries();
    let entry = |id: &str| entries.iter().find(|e| e.id == id).unwrap().clone();
    for old in [
        "kbri-riyadh",
        "kjri-jeddah",
        "kbri-abudhabi",
        "kbri-doha",
        "kbri-kuwait",
        "kbri-phnompenh",
        "kjri-hongkong-macau-2020",
    ] {
        assert!(entry(old).verify, "{old} is older than two years");
    }
    for fresh in [
        "kbri-ankara",
        "kjri-hongkong-hotline",
        "kjri-johorbahru-whatsapp",
        "sa-997",
    ] {
        assert!(!entry(fresh).verify, "{fresh}");
    }
    // Unsourced first, then oldest first: the maintainer's re-check list.
    let first_dated = entries.iter().position(|e| e.age_days.is_some()).unwrap();
    assert!(entries[..first_dated]
        .iter()
        .all(|e| e.verify && e.source_date.is_none()));
    let ages: Vec<i64> = entries[first_dated..]
        .iter()
        .map(|e| e.age_days.unwrap())
        .collect();
    assert!(ages.windows(2).all(|pair| pair[0] >= pair[1]), "{ages:?}");

    // The plan lists Macau's old line after the 2025 ones, and marks it.
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    vault.lock();
    let plan = vault
        .emergency_plan(EmergencyKind::UnpaidWages, Some("MO".into()), None, Locale::Id)
        .unwrap();
    let missions: Vec<_> = plan
        .actions
        .iter()
        .filter(|a| a.recipient == Recipient::Mission)
        .collect();
    assert_eq!(missions[0].number, "+85252422240");
    let old = missions.last().unwrap();
    assert_eq!((old.number.as_str(), old.verify_hint), ("+85362736655", true));
}

#[test]
fn every_entry_has_a_source_and_the_source_date_or_is_a_local_number_marked_unsourced() {
    for entry in entries() {
        assert!(!entry.source.trim().is_empty(), "{}", entry.id);
        match &entry.source_date {
            Some(date) => assert_eq!(date.len(), 10, "{}", entry.id),
            None => {
                assert_eq!(
                    entry.role,
                    DirectoryRole::LocalEmergency,
                    "{} has no date",
                    entry.id
                );
                assert!(entry.source.contains("No dated source"), "{}", entry.id);
            }
        }
    }
}

#[test]
fn kp2mi_toll_free_line_is_for_people_inside_indonesia_and_never_in_a_plan_abroad() {
    let entries = entries();
    let domestic: Vec<_> = entries
        .iter()
        .filter(|e| e.role == DirectoryRole::DomesticHotline)
        .collect();
    assert_eq!(domestic.len(), 1);
    assert_eq!(domestic[0].number, "0800-1000");
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    vault.lock();
    let plan = vault
        .emergency_plan(EmergencyKind::Other, Some("TW".into()), None, Locale::Id)
        .unwrap();
    assert!(!plan.actions.iter().any(|a| a.number == "08001000"));
}

#[test]
fn the_pack_verifies_with_the_new_key_only_and_a_pack_signed_with_the_old_key_is_refused() {
    let signature = unhex(SIGNATURE);
    assert!(UnparsedPublicKey::new(&ED25519, unhex(PUBLISHER))
        .verify(PACK, &signature)
        .is_ok());
    assert!(UnparsedPublicKey::new(&ED25519, unhex(OLD_PUBLISHER))
        .verify(PACK, &signature)
        .is_err());
    assert_ne!(PUBLISHER.trim(), OLD_PUBLISHER.trim(), "the key was rotated");
    // The old pack is genuine under the old key...
    let old_signature = unhex(OLD_SIGNATURE);
    assert!(UnparsedPublicKey::new(&ED25519, unhex(OLD_PUBLISHER))
        .verify(OLD_PACK, &old_signature)
        .is_ok());
    // ...and this build refuses it: the signature no longer verifies.
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    vault.lock();
    assert_eq!(
        vault
            .install_directory_pack(OLD_PACK.to_vec(), old_signature)
            .err(),
        Some(MigranError::PackRejected {
            reason: PackRejectReason::Signature
        })
    );
    assert_eq!(vault.directory_info().unwrap().version, 3);
}

#[test]
fn a_pack_over_the_size_bound_is_refused_before_its_signature_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 12, 3));
    let oversized = vec![b' '; migran_core::MAX_DIRECTORY_PACK_BYTES + 1];
    assert_eq!(
        vault.install_directory_pack(oversized, vec![0; 64]).err(),
        Some(MigranError::PackRejected {
            reason: PackRejectReason::Format
        })
    );
}

#[test]
fn the_fuzz_targets_check_of_a_pack_body_accepts_the_built_in_pack_and_refuses_garbage() {
    let built_in = include_bytes!("../content/emergency/directory.json");
    assert_eq!(migran_core::check_unsigned_directory_pack(built_in), Ok(()));
    assert!(migran_core::check_unsigned_directory_pack(b"{\"kind\": 1}").is_err());
    assert!(migran_core::check_unsigned_directory_pack(&built_in[..built_in.len() / 2]).is_err());
}
