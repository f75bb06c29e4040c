//! Checks and normalizes what people type. Every refusal names the field and a fixed
//! reason, never the value.

use crate::error::{InvalidReason, MigranError, Result};

/// Longest free text accepted in a short field (names, villages, employers).
pub(crate) const SHORT_TEXT_MAX: usize = 200;
/// Longest free text accepted in an address or a note.
pub(crate) const LONG_TEXT_MAX: usize = 2_000;

/// A required one-line text: trimmed, with something visible, no control or direction
/// override characters, at most `max` chars.
pub(crate) fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if !has_visible(trimmed) {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    if trimmed.chars().count() > max {
        return Err(MigranError::invalid(field, InvalidReason::TooLong));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() || is_direction_override(c))
    {
        return Err(MigranError::invalid(field, InvalidReason::BadCharacters));
    }
    Ok(trimmed.to_string())
}

/// Whether `text` holds a character that shows: a name made only of zero-width or
/// combining characters looks empty in every list and cannot be told apart.
fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace() && !is_invisible(c))
}

/// Zero-width characters, combining marks on nothing, variation selectors.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{034F}' | '\u{180E}'
        | '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}')
}

/// Embeddings, overrides and isolates reorder the text around them: in a list they can
/// make one person's name or NIK read as another's. The marks LRM and RLM, which Arabic
/// addresses may need, stay allowed.
pub fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An optional one-line text: blank becomes `None`.
pub(crate) fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => required_text(field, text, max).map(Some),
    }
}

/// A longer text that may span lines (an address, a note).
pub(crate) fn optional_multiline(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if !has_visible(text) {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    if text.chars().count() > max {
        return Err(MigranError::invalid(field, InvalidReason::TooLong));
    }
    if text
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || is_direction_override(c))
    {
        return Err(MigranError::invalid(field, InvalidReason::BadCharacters));
    }
    Ok(Some(text.to_string()))
}

/// NIK (Nomor Induk Kependudukan, the national identity number): exactly 16 digits.
/// Spaces and dots people type for readability are dropped.
pub(crate) fn nik(value: &str) -> Result<String> {
    // Most NIKs arrive as they are stored: 16 digits and nothing else.
    if value.len() == 16 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(value.to_string());
    }
    let mut digits = String::with_capacity(value.len());
    // Separators as people write them (spaces, dots, dashes) are all dropped alike.
    digits.extend(
        value
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-')),
    );
    if digits.is_empty() {
        return Err(MigranError::invalid("nik", InvalidReason::Empty));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(MigranError::invalid("nik", InvalidReason::BadFormat));
    }
    match digits.len() {
        16 => Ok(digits),
        n if n < 16 => Err(MigranError::invalid("nik", InvalidReason::TooShort)),
        _ => Err(MigranError::invalid("nik", InvalidReason::TooLong)),
    }
}

/// A phone number in international form, `+` and 8 to 15 digits. Indonesian habits are
/// understood: `0812...` and `62812...` both become `+62812...`.
pub(crate) fn phone(field: &str, value: &str) -> Result<String> {
    let mut kept = String::new();
    for (i, c) in value.trim().chars().enumerate() {
        match c {
            '0'..='9' => kept.push(c),
            '+' if i == 0 => kept.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return Err(MigranError::invalid(field, InvalidReason::BadFormat)),
        }
    }
    if kept.is_empty() {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    let normalized = if let Some(rest) = kept.strip_prefix('+') {
        format!("+{rest}")
    } else if let Some(rest) = kept.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = kept.strip_prefix('0') {
        format!("+62{rest}")
    } else if kept.starts_with("62") {
        format!("+{kept}")
    } else {
        // Short service numbers (112, 999, 1500630) are directory content, not a person's phone.
        return Err(MigranError::invalid(field, InvalidReason::BadFormat));
    };
    let digits = normalized.len() - 1;
    if digits < 8 {
        return Err(MigranError::invalid(field, InvalidReason::TooShort));
    }
    if digits > 15 {
        return Err(MigranError::invalid(field, InvalidReason::TooLong));
    }
    Ok(normalized)
}

/// A passport or other document number: letters and digits, upper-cased, separators dropped.
pub(crate) fn document_number(field: &str, value: &str) -> Result<String> {
    let kept: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '/'))
        .collect::<String>()
        .to_uppercase();
    if kept.is_empty() {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    if !kept.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(MigranError::invalid(field, InvalidReason::BadFormat));
    }
    if kept.len() > 40 {
        return Err(MigranError::invalid(field, InvalidReason::TooLong));
    }
    Ok(kept)
}

/// An ISO 3166-1 alpha-2 country code, upper-cased.
pub(crate) fn country(field: &str, value: &str) -> Result<String> {
    let code = value.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    if is_country_code(&code) {
        Ok(code)
    } else {
        Err(MigranError::invalid(field, InvalidReason::UnknownCountry))
    }
}

/// Whether `code` is an officially assigned ISO 3166-1 alpha-2 country code, in upper
/// case (`"MY"` is one, `"my"` is not).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|known| known == code)
}

/// The officially assigned ISO 3166-1 alpha-2 codes.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM \
PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: Result<String>) -> InvalidReason {
        match result {
            Err(MigranError::Invalid { reason, .. }) => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn the_iso_list_is_complete_and_well_formed() {
        let codes: Vec<&str> = ISO_3166_ALPHA2.split(' ').collect();
        assert_eq!(codes.len(), 249);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, codes, "sorted and unique");
        assert!(codes
            .iter()
            .all(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase())));
    }

    #[test]
    fn countries_are_checked() {
        assert_eq!(country("c", " my ").unwrap(), "MY");
        assert_eq!(country("c", "TW").unwrap(), "TW");
        assert_eq!(reason(country("c", "XX")), InvalidReason::UnknownCountry);
        assert_eq!(reason(country("c", "MYS")), InvalidReason::UnknownCountry);
        assert_eq!(reason(country("c", "")), InvalidReason::Empty);
    }

    #[test]
    fn nik_is_sixteen_digits() {
        assert_eq!(nik("3201 0000 0000 0001").unwrap(), "3201000000000001");
        assert_eq!(nik("3201-0000-0000-0001").unwrap(), "3201000000000001");
        assert_eq!(nik("3201.0000.0000.0001").unwrap(), "3201000000000001");
        assert_eq!(reason(nik("320100000000001")), InvalidReason::TooShort);
        assert_eq!(reason(nik("32010000000000011")), InvalidReason::TooLong);
        assert_eq!(reason(nik("32010000000000A1")), InvalidReason::BadFormat);
        assert_eq!(reason(nik("  ")), InvalidReason::Empty);
    }

    #[test]
    fn indonesian_phone_habits_are_normalized() {
        assert_eq!(phone("p", "0812-3456-7890").unwrap(), "+6281234567890");
        assert_eq!(phone("p", "62 812 3456 7890").unwrap(), "+6281234567890");
        assert_eq!(phone("p", "+852 6773 0466").unwrap(), "+85267730466");
        assert_eq!(phone("p", "0060 12 345 6789").unwrap(), "+60123456789");
        assert_eq!(reason(phone("p", "0812")), InvalidReason::TooShort);
        assert_eq!(reason(phone("p", "call me")), InvalidReason::BadFormat);
        assert_eq!(reason(phone("p", "12345678")), InvalidReason::BadFormat);
        assert_eq!(reason(phone("p", "+1234567890123456")), InvalidReason::TooLong);
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(
            required_text("name", "  Siti Contoh ", 10).unwrap_err(),
            MigranError::invalid("name", InvalidReason::TooLong)
        );
        assert_eq!(required_text("name", " Siti ", 10).unwrap(), "Siti");
        assert_eq!(reason(required_text("name", " \t", 10)), InvalidReason::Empty);
        assert_eq!(
            reason(required_text("name", "Si\u{0}ti", 10)),
            InvalidReason::BadCharacters
        );
        assert_eq!(optional_text("name", Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn texts_that_show_nothing_or_reorder_their_neighbours_are_refused() {
        for blank in ["\u{200B}\u{200D}", "\u{0301}\u{0308}", " \u{FEFF} \u{FE0F}"] {
            assert_eq!(
                reason(required_text("name", blank, 50)),
                InvalidReason::Empty,
                "{blank:?}"
            );
            assert_eq!(
                optional_multiline("note", Some(blank), 50).unwrap_err(),
                MigranError::invalid("note", InvalidReason::Empty)
            );
        }
        for spoof in ["Siti \u{202E}Contoh", "Siti\u{2067}Contoh\u{2069}"] {
            assert_eq!(
                reason(required_text("name", spoof, 50)),
                InvalidReason::BadCharacters
            );
            assert_eq!(
                optional_multiline("note", Some(spoof), 50).unwrap_err(),
                MigranError::invalid("note", InvalidReason::BadCharacters)
            );
        }
        // Letters with their accents, other scripts and the RLM mark Arabic needs stay.
        assert_eq!(required_text("name", "Se\u{0301}ri", 50).unwrap(), "Se\u{0301}ri");
        assert_eq!(
            required_text("address", "\u{0627}\u{0644}\u{200F} 12", 50).unwrap(),
            "\u{0627}\u{0644}\u{200F} 12"
        );
        assert_eq!(required_text("name", "王小明", 50).unwrap(), "王小明");
    }

    #[test]
    fn document_numbers_are_canonical() {
        assert_eq!(document_number("number", "c 1234-567").unwrap(), "C1234567");
        assert_eq!(
            reason(document_number("number", "C12#4")),
            InvalidReason::BadFormat
        );
    }
}
