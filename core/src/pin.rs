//! What a PIN must look like. A PIN that opens an existing vault is only checked for its
//! shape (4 to 128 characters, no control characters): vaults made before the policy may
//! have 4-digit PINs, and refusing them would lock their owners out. A **new** PIN (a
//! new vault, a PIN change, a restored backup) must also pass the policy: at least 6
//! characters, and, when it is all digits, none of the patterns people pick most and an
//! attacker tries first (docs/security.md, "PIN policy").

use zeroize::Zeroizing;

use crate::error::{InvalidReason, MigranError, Result};

/// The shortest PIN an existing vault still opens with (the floor before the policy).
const PIN_MIN_CHARS: usize = 4;
/// The shortest new PIN.
pub(crate) const NEW_PIN_MIN_CHARS: usize = 6;
const PIN_MAX_CHARS: usize = 128;

/// Keypad shapes (lines, crosses, an L) that appear among the most frequent 6-digit PINs
/// in leaked and surveyed sets (Wang et al. 2017; Markert et al., IEEE S&P 2020) and that
/// the rules below do not already catch.
const KEYPAD_PATTERNS: &[&str] = &[
    "147258", "147852", "159753", "258369", "258456", "357159", "369258", "456123", "753951", "789456",
    "951753", "963852",
];

/// Checks the shape of a PIN given to open a vault: `Invalid { field }` when it cannot be
/// a PIN at all. Not the policy, so that PINs set before it keep working.
pub(crate) fn check_shape(field: &str, pin: &str) -> Result<()> {
    let chars = pin.chars().count();
    if pin.trim().is_empty() {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    if chars < PIN_MIN_CHARS {
        return Err(MigranError::invalid(field, InvalidReason::TooShort));
    }
    if chars > PIN_MAX_CHARS {
        return Err(MigranError::invalid(field, InvalidReason::TooLong));
    }
    if pin.chars().any(char::is_control) {
        return Err(MigranError::invalid(field, InvalidReason::BadCharacters));
    }
    Ok(())
}

/// Checks a PIN about to be set: its shape, at least [`NEW_PIN_MIN_CHARS`] characters,
/// and not an easily guessed one (`Invalid { field, reason: Weak }`).
pub(crate) fn check_new(field: &str, pin: &str) -> Result<()> {
    check_shape(field, pin)?;
    if pin.chars().count() < NEW_PIN_MIN_CHARS {
        return Err(MigranError::invalid(field, InvalidReason::TooShort));
    }
    if is_weak(pin) {
        return Err(MigranError::invalid(field, InvalidReason::Weak));
    }
    Ok(())
}

/// Whether an all-digit PIN follows a pattern guessers try first. PINs with other
/// characters are not judged: they are not typed on the number pad and are rare.
fn is_weak(pin: &str) -> bool {
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // The PIN's digits, wiped when dropped like the PIN itself.
    let digits: Zeroizing<Vec<u8>> = Zeroizing::new(pin.bytes().map(|b| b - b'0').collect());
    constant_step(&digits)
        || repeats_a_short_block(&digits)
        || doubled_run(&digits)
        || KEYPAD_PATTERNS.contains(&pin)
}

/// Every digit the previous plus the same step, modulo 10: `000000`, `123456`, `654321`,
/// `135791`, `890123`.
fn constant_step(digits: &[u8]) -> bool {
    let step = |pair: &[u8]| (pair[1] + 10 - pair[0]) % 10;
    let first = step(&digits[..2]);
    digits.windows(2).all(|pair| step(pair) == first)
}

/// A block of at most half the PIN over and over: `121212`, `123123`, `1010101`, `12341234`.
fn repeats_a_short_block(digits: &[u8]) -> bool {
    (1..=digits.len() / 2).any(|block| digits.iter().enumerate().all(|(i, d)| *d == digits[i % block]))
}

/// Each digit twice, the pairs in a run: `112233`, `332211`, `001122`, `778899`.
fn doubled_run(digits: &[u8]) -> bool {
    if !digits.len().is_multiple_of(2) {
        return false;
    }
    let pairs: Zeroizing<Vec<u8>> =
        Zeroizing::new(digits.chunks(2).filter(|p| p[0] == p[1]).map(|p| p[0]).collect());
    pairs.len() * 2 == digits.len() && constant_step(&pairs) && pairs[0] != pairs[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(pin: &str) -> Option<InvalidReason> {
        match check_new("new_pin", pin) {
            Ok(()) => None,
            Err(MigranError::Invalid { field, reason }) => {
                assert_eq!(field, "new_pin");
                Some(reason)
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn weak_and_short_new_pins_are_refused() {
        for weak in [
            "000000", "999999", "123456", "654321", "234567", "890123", "135791", "121212", "101010",
            "123123", "112233", "332211", "001122", "778899", "147258", "159753", "1234567", "1111111",
            "12341234",
        ] {
            assert_eq!(reason(weak), Some(InvalidReason::Weak), "{weak}");
        }
        for short in ["1357", "97531", "ab1c"] {
            assert_eq!(reason(short), Some(InvalidReason::TooShort), "{short}");
        }
    }

    #[test]
    fn ordinary_new_pins_pass() {
        for fine in [
            "318527",
            "135790",
            "482615",
            "735109",
            "913572",
            "777111",
            "110022",
            "kata sandi",
        ] {
            assert_eq!(reason(fine), None, "{fine}");
        }
    }

    #[test]
    fn the_shape_alone_still_accepts_an_old_four_digit_pin() {
        assert!(check_shape("pin", "1234").is_ok());
        assert_eq!(
            check_shape("pin", "123"),
            Err(MigranError::invalid("pin", InvalidReason::TooShort))
        );
        assert_eq!(
            check_shape("pin", "12\n3456"),
            Err(MigranError::invalid("pin", InvalidReason::BadCharacters))
        );
        assert_eq!(
            check_shape("pin", " "),
            Err(MigranError::invalid("pin", InvalidReason::Empty))
        );
    }
}
