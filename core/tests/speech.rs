//! The speakable form, one test per rule, and applied to every kind of text the apps
//! read aloud: a checklist item, a consent text, a screening question.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{consent_text, screening_questions, speakable_text, ConsentPurpose, Locale, ABBREVIATIONS};

fn id(text: &str) -> String {
    speakable_text(text.to_string(), Locale::Id).unwrap()
}

fn en(text: &str) -> String {
    speakable_text(text.to_string(), Locale::En).unwrap()
}

#[test]
fn every_abbreviation_of_the_list_is_expanded_in_both_languages() {
    for (short, indonesian, english) in ABBREVIATIONS {
        assert_eq!(id(&format!("Hubungi {short}.")), format!("Hubungi {indonesian}."));
        assert_eq!(en(&format!("Call the {short}.")), format!("Call the {english}."));
    }
    // Inside a longer word, or in another case, nothing is expanded.
    assert_eq!(id("PMIX dan pmi"), "PMIX dan pmi");
    assert_eq!(id("(KBRI)"), "(Kedutaan Besar Republik Indonesia)");
}

#[test]
fn phone_numbers_are_read_digit_by_digit_in_their_groups() {
    assert_eq!(
        id("Telepon +62 812 9007 0027 sekarang"),
        "Telepon plus enam dua, delapan satu dua, sembilan nol nol tujuh, nol nol dua tujuh sekarang"
    );
    assert_eq!(id("0800-1000"), "nol delapan nol nol, satu nol nol nol");
    assert_eq!(
        en("+60 17-668 8032"),
        "plus six zero, one seven, six six eight, eight zero three two"
    );
}

#[test]
fn other_numbers_percentages_ranges_and_times_are_words() {
    assert_eq!(id("minimal 18 tahun"), "minimal delapan belas tahun");
    assert_eq!(en("at least 18"), "at least eighteen");
    assert_eq!(
        id("5.088 kasus, 82%"),
        "lima ribu delapan puluh delapan kasus, delapan puluh dua persen"
    );
    assert_eq!(
        en("5,088 cases, 82%"),
        "five thousand eighty-eight cases, eighty-two percent"
    );
    assert_eq!(
        id("usia 21-50 tahun"),
        "usia dua puluh satu sampai lima puluh tahun"
    );
    assert_eq!(id("dalam 3x24 jam"), "dalam tiga kali dua puluh empat jam");
    assert_eq!(id("111 orang"), "seratus sebelas orang");
    assert_eq!(id("1.250.000"), "satu juta dua ratus lima puluh ribu");
}

#[test]
fn dates_are_read_as_day_month_and_year() {
    assert_eq!(
        id("sejak 2024-01-11"),
        "sejak sebelas Januari dua ribu dua puluh empat"
    );
    assert_eq!(
        en("since 2026-12-03"),
        "since three December two thousand twenty-six"
    );
}

#[test]
fn checklist_items_consent_texts_and_screening_questions_come_out_speakable() {
    let consent = consent_text(ConsentPurpose::Registration, Locale::Id);
    assert!(consent.contains("NIK"));
    let spoken = id(&consent);
    assert!(
        spoken.contains("Nomor Induk Kependudukan") && !spoken.contains("NIK"),
        "{spoken}"
    );
    for question in screening_questions(Locale::Id).unwrap() {
        let spoken = id(&question.text);
        for (short, _, _) in ABBREVIATIONS {
            let words: Vec<&str> = spoken.split(|c: char| !c.is_alphanumeric()).collect();
            assert!(!words.contains(short), "{short} left in {spoken}");
        }
    }
    let pack: serde_json::Value =
        serde_json::from_str(include_str!("../content/checklist/pack.json")).unwrap();
    let text = pack.to_string();
    assert!(text.contains("P3MI") || text.contains("PMI"));
    let item = pack["items"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|item| {
            item["title"]["id"]
                .as_str()
                .filter(|t| t.contains("PMI") || t.contains("KTP"))
        })
        .unwrap();
    assert!(!id(item).split(' ').any(|w| w == "PMI" || w == "KTP"), "{item}");
}
