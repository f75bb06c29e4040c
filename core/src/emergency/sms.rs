//! How many SMS a text costs. GSM 03.38: a text in the GSM-7 alphabet fits 160
//! characters in one SMS (153 per part when split), characters of the extension table
//! count twice; any other character forces UCS-2: 70 UTF-16 units (67 per part).

use serde::{Deserialize, Serialize};

/// How an SMS text is encoded, which decides how many characters fit in one SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SmsEncoding {
    /// The GSM 03.38 7-bit alphabet: 160 characters in one SMS, 153 per part when split.
    Gsm7,
    /// UCS-2, forced by any character outside GSM-7: 70 UTF-16 units in one SMS, 67 per part.
    Ucs2,
}

crate::storage_codes!(SmsEncoding {
    Gsm7 => "gsm7",
    Ucs2 => "ucs2",
});

/// What a text costs as SMS: its encoding, its length and the number of SMS parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct SmsSize {
    /// The encoding the text needs.
    pub encoding: SmsEncoding,
    /// Septets for GSM-7, UTF-16 units for UCS-2.
    pub units: u32,
    /// How many SMS the text is sent as (1 when it fits in one, an empty text included).
    pub parts: u32,
    /// Whether the text fits in a single SMS (160 GSM-7 septets or 70 UCS-2 units).
    pub fits_one_sms: bool,
}

/// The GSM 03.38 basic character set (the escape itself excluded).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs an escape plus the character, two septets.
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

fn gsm7_cost(c: char) -> Option<u32> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// How many SMS the text costs (GSM 03.38 rules, see [`SmsSize`]).
pub fn measure(text: &str) -> SmsSize {
    let septets: Option<u32> = text.chars().map(gsm7_cost).sum();
    match septets {
        Some(units) => SmsSize {
            encoding: SmsEncoding::Gsm7,
            units,
            parts: parts(units, 160, 153),
            fits_one_sms: units <= 160,
        },
        None => {
            let units = text.encode_utf16().count() as u32;
            SmsSize {
                encoding: SmsEncoding::Ucs2,
                units,
                parts: parts(units, 70, 67),
                fits_one_sms: units <= 70,
            }
        }
    }
}

fn parts(units: u32, single: u32, per_part: u32) -> u32 {
    if units <= single {
        1
    } else {
        units.div_ceil(per_part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_gsm7_up_to_160() {
        let size = measure(&"a".repeat(160));
        assert_eq!(
            (size.encoding, size.units, size.parts, size.fits_one_sms),
            (SmsEncoding::Gsm7, 160, 1, true)
        );
        let size = measure(&"a".repeat(161));
        assert_eq!((size.units, size.parts, size.fits_one_sms), (161, 2, false));
        assert_eq!(measure(&"a".repeat(306)).parts, 2);
        assert_eq!(measure(&"a".repeat(307)).parts, 3);
    }

    #[test]
    fn extension_characters_count_twice() {
        let size = measure("{x}€");
        assert_eq!((size.encoding, size.units), (SmsEncoding::Gsm7, 7));
        let size = measure(&format!("{}€", "a".repeat(159)));
        assert_eq!((size.units, size.fits_one_sms), (161, false));
    }

    #[test]
    fn one_character_outside_gsm7_forces_ucs2() {
        let size = measure("Siti Contoh ő");
        assert_eq!(
            (size.encoding, size.units, size.fits_one_sms),
            (SmsEncoding::Ucs2, 13, true)
        );
        let arabic = "سيتي".repeat(18);
        let size = measure(&arabic);
        assert_eq!(
            (size.encoding, size.units, size.parts),
            (SmsEncoding::Ucs2, 72, 2)
        );
        // Characters outside the BMP take two UTF-16 units.
        assert_eq!(measure("🆘").units, 2);
    }

    #[test]
    fn gsm7_accents_and_symbols_are_recognised() {
        assert_eq!(measure("é à ñ ü Ä ß £ $ @ ¿").encoding, SmsEncoding::Gsm7);
        assert_eq!(
            measure("ç").encoding,
            SmsEncoding::Ucs2,
            "only capital Ç is in the basic set"
        );
    }
}
