//! The lessons through the public API: both languages and a dated source (or a mark
//! that one is needed) for every statement, directory numbers rather than copies, the
//! publisher's signature, and a spoken form a text-to-speech engine reads correctly.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{DirectoryRole, Locale, MigranError, PackRejectReason, RecordKind, Vault};
use ring::signature::{UnparsedPublicKey, ED25519};
use std::sync::Arc;
use support::*;

const PACK: &[u8] = include_bytes!("../content/lessons/lessons.json");
const SIGNATURE: &str = include_str!("../content/lessons/lessons.json.sig");
const PUBLISHER: &str = include_str!("../content/emergency/publisher.pub");

fn locked_vault(dir: &std::path::Path) -> Arc<Vault> {
    let vault = new_vault(dir, TestClock::at(2026, 12, 3));
    vault.lock();
    vault
}

#[test]
fn every_lesson_has_both_languages_a_dated_source_for_every_statement_and_two_or_three_questions() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let ids: Vec<String> = vault
        .lessons(Locale::Id)
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    assert!(ids.len() >= 16, "{ids:?}");
    let mut statements = 0;
    for id in &ids {
        let indonesian = vault.lesson(id.clone(), Locale::Id).unwrap();
        let english = vault.lesson(id.clone(), Locale::En).unwrap();
        assert_ne!(indonesian.title, english.title, "{id}: title in two languages");
        assert_eq!(indonesian.statements.len(), english.statements.len());
        for (ind, eng) in indonesian.statements.iter().zip(&english.statements) {
            statements += 1;
            assert!(!ind.text.trim().is_empty() && !eng.text.trim().is_empty(), "{id}");
            assert_ne!(ind.text, eng.text, "{id}: a statement in two languages");
            assert!(
                !ind.source.trim().is_empty(),
                "{id}: every statement names its source"
            );
            match (&ind.source_date, ind.needs_source) {
                (Some(date), false) => assert!(
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
                        || chrono::NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d").is_ok(),
                    "{id}: {date}"
                ),
                (None, true) => assert!(ind.source.contains("needs a source"), "{id}: {}", ind.source),
                other => panic!("{id}: a statement is dated or marked, not {other:?}"),
            }
        }
        assert!((2..=3).contains(&indonesian.questions.len()), "{id}");
        for question in indonesian.questions.iter().chain(&english.questions) {
            assert!(question.options.len() >= 2);
            assert!((question.answer as usize) < question.options.len());
        }
    }
    assert!(statements > 30);
}

#[test]
fn each_destination_has_a_lesson_whose_mission_numbers_come_from_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let directory = vault.directory_entries(Locale::En).unwrap();
    let lessons = vault.lessons(Locale::En).unwrap();
    for country in ["MY", "TW", "HK", "SA", "KR", "JP", "SG"] {
        let summary = lessons
            .iter()
            .find(|l| l.country.as_deref() == Some(country))
            .unwrap_or_else(|| panic!("no lesson for {country}"));
        let lesson = vault.lesson(summary.id.clone(), Locale::En).unwrap();
        assert!(!lesson.contacts.is_empty(), "{country}");
        for contact in &lesson.contacts {
            let entry = directory
                .iter()
                .find(|e| e.id == contact.directory_id)
                .unwrap_or_else(|| panic!("{country}: {} not in the directory", contact.directory_id));
            assert_eq!(entry.number, contact.number);
        }
        let missions = directory
            .iter()
            .filter(|e| e.role == DirectoryRole::Mission && e.country.as_deref() == Some(country));
        for mission in missions {
            assert!(
                lesson.contacts.iter().any(|c| c.directory_id == mission.id),
                "{country}: the lesson names the mission {}",
                mission.id
            );
        }
    }
}

/// Issue 21 asks each destination lesson for its legal channel and its common risks:
/// said from a dated source, or said to need one (never left out silently).
#[test]
fn each_destination_lesson_speaks_of_its_legal_channel_and_its_common_risks() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    for summary in vault.lessons(Locale::En).unwrap() {
        let Some(country) = summary.country else { continue };
        let lesson = vault.lesson(summary.id, Locale::En).unwrap();
        let says = |words: &str| {
            lesson
                .statements
                .iter()
                .any(|s| s.text.to_lowercase().contains(words))
        };
        assert!(says("channel"), "{country}: the legal channel");
        assert!(says("risk"), "{country}: the common risks");
    }
}

#[test]
fn the_shipped_pack_verifies_with_the_publisher_key_and_a_changed_byte_does_not() {
    let key = UnparsedPublicKey::new(&ED25519, unhex(PUBLISHER));
    let signature = unhex(SIGNATURE);
    assert!(key.verify(PACK, &signature).is_ok());
    let mut altered = PACK.to_vec();
    let at = altered.windows(2).position(|w| w == b"18").unwrap();
    altered[at] = b'1';
    altered[at + 1] = b'6';
    assert!(key.verify(&altered, &signature).is_err());

    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let before = vault.lesson_pack_info().unwrap();
    assert_eq!(
        vault.install_lesson_pack(altered, signature.clone()),
        Err(MigranError::PackRejected {
            reason: PackRejectReason::Signature
        })
    );
    // The same pack again is not newer: refused, the built-in one stays.
    assert_eq!(
        vault.install_lesson_pack(PACK.to_vec(), signature),
        Err(MigranError::PackRejected {
            reason: PackRejectReason::Version
        })
    );
    assert_eq!(vault.lesson_pack_info().unwrap(), before);
    assert!(!before.installed);
}

#[test]
fn an_unknown_lesson_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    assert_eq!(
        vault.lesson("no-such-lesson".into(), Locale::Id),
        Err(MigranError::NotFound {
            kind: RecordKind::ContentPack
        })
    );
}

#[test]
fn the_spoken_lesson_expands_abbreviations_and_reads_directory_numbers_digit_by_digit() {
    let dir = tempfile::tempdir().unwrap();
    let vault = locked_vault(dir.path());
    let lesson = vault.lesson("destination-hk".into(), Locale::Id).unwrap();
    let spoken = vault.lesson_speech("destination-hk".into(), Locale::Id).unwrap();
    assert!(
        spoken.contains("Konsulat Jenderal Republik Indonesia"),
        "{spoken}"
    );
    assert!(!spoken.contains("KJRI"), "{spoken}");
    // +852 5242 2240, the hotline, as the directory has it.
    assert!(lesson.contacts.iter().any(|c| c.number == "+852 5242 2240"));
    assert!(
        spoken.contains("plus delapan lima dua, lima dua empat dua, dua dua empat nol"),
        "{spoken}"
    );
    // 999 is a phone number here, not "nine hundred ninety-nine".
    assert!(spoken.contains("sembilan sembilan sembilan"), "{spoken}");
    assert!(!spoken.contains("+852"));
    for question in &lesson.questions {
        let said = migran_core::speakable_text(question.question.clone(), Locale::Id).unwrap();
        assert!(spoken.contains(&said), "{said}");
    }
}
