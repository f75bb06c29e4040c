//! The emergency directory: who to call in which country, as signed content. A pack is
//! used only after its Ed25519 signature checks out against the publisher key compiled
//! into the app, so nobody can slip a fake "embassy" number onto a migrant's phone.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ring::signature::{UnparsedPublicKey, ED25519};
use serde::Deserialize;

use crate::error::{MigranError, PackRejectReason, Result};
use crate::i18n::LocalizedText;

pub(crate) const PACK_KIND: &str = "emergency-directory";

const DEFAULT_PACK: &[u8] = include_bytes!("../../content/emergency/directory.json");
const DEFAULT_SIGNATURE_HEX: &str = include_str!("../../content/emergency/directory.json.sig");
/// The publisher's Ed25519 public key (its private half never enters the repository;
/// docs/emergency.md says how packs are signed and the key rotated).
const PUBLISHER_KEY_HEX: &str = include_str!("../../content/emergency/publisher.pub");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Channel {
    Call,
    Whatsapp,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Entry {
    pub id: String,
    pub label: LocalizedText,
    pub number: String,
    pub channels: Vec<Channel>,
    /// Who published the number, and where; for an `unsourced` entry, why it has none.
    pub source: String,
    /// `YYYY-MM-DD`: the source's own date (never the day somebody checked it), so the
    /// age of a number is the age of its evidence. Empty only for an `unsourced` entry,
    /// which the plan then marks to verify.
    #[serde(default)]
    pub source_date: String,
    /// A local emergency number no dated source was found for: allowed, marked, only
    /// among the local numbers (a mission or hotline number always needs a source).
    #[serde(default)]
    pub unsourced: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Country {
    pub name: LocalizedText,
    pub mission: Vec<Entry>,
    pub local: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Directory {
    pub kind: String,
    pub version: u32,
    /// Days after its source's date when an entry carries the "verify" hint.
    pub verify_after_days: u32,
    /// Hotlines for a migrant abroad: every plan ends with them.
    pub national: Vec<Entry>,
    /// Hotlines that work only from inside Indonesia (KP2MI's toll-free 0800-1000), for
    /// families and cadres at home; never in a plan for someone abroad.
    #[serde(default)]
    pub domestic: Vec<Entry>,
    pub countries: BTreeMap<String, Country>,
}

/// What an entry of the directory is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DirectoryRole {
    /// A national hotline reachable from abroad (KP2MI, Kemlu).
    NationalHotline,
    /// A hotline reachable only from inside Indonesia (families, cadres).
    DomesticHotline,
    /// An Indonesian embassy or consulate (KBRI / KJRI / KDEI).
    Mission,
    /// The destination country's own emergency number.
    LocalEmergency,
}

impl Directory {
    /// Every entry with its role and country (`None` for the national and domestic
    /// hotlines), in the pack's order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (DirectoryRole, Option<&str>, &Entry)> {
        let national = self
            .national
            .iter()
            .map(|e| (DirectoryRole::NationalHotline, None, e));
        let domestic = self
            .domestic
            .iter()
            .map(|e| (DirectoryRole::DomesticHotline, None, e));
        let countries = self.countries.iter().flat_map(|(code, country)| {
            let mission = country
                .mission
                .iter()
                .map(move |e| (DirectoryRole::Mission, Some(code.as_str()), e));
            let local = country
                .local
                .iter()
                .map(move |e| (DirectoryRole::LocalEmergency, Some(code.as_str()), e));
            mission.chain(local)
        });
        national.chain(domestic).chain(countries)
    }
}

/// The largest directory pack accepted (the built-in one is about 22 KB): a pack is
/// refused for its size before its signature is checked or a byte of it parsed.
pub const MAX_DIRECTORY_PACK_BYTES: usize = 1024 * 1024;

/// Checks `signature` over the exact bytes of `pack` with `public_key`, then parses it.
pub(crate) fn verify_with(pack: &[u8], signature: &[u8], public_key: &[u8]) -> Result<Directory> {
    if pack.len() > MAX_DIRECTORY_PACK_BYTES {
        return Err(rejected(PackRejectReason::Format));
    }
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(pack, signature)
        .map_err(|_| rejected(PackRejectReason::Signature))?;
    parse(pack)
}

/// The pack's body, parsed and checked (after its signature).
fn parse(pack: &[u8]) -> Result<Directory> {
    let directory: Directory =
        serde_json::from_slice(pack).map_err(|_| rejected(PackRejectReason::Format))?;
    if directory.kind != PACK_KIND {
        return Err(rejected(PackRejectReason::Kind));
    }
    check_entries(&directory)?;
    Ok(directory)
}

/// Parses and checks a pack's body as an install would after the signature, without
/// one: for the fuzz targets (fuzz/), which cannot sign what they make up. Installs
/// nothing and trusts nothing.
#[doc(hidden)]
pub fn check_unsigned_directory_pack(pack: &[u8]) -> Result<()> {
    if pack.len() > MAX_DIRECTORY_PACK_BYTES {
        return Err(rejected(PackRejectReason::Format));
    }
    parse(pack).map(drop)
}

fn verify(pack: &[u8], signature: &[u8]) -> Result<Directory> {
    verify_with(pack, signature, &publisher_key()?)
}

/// The pack built into the app, verified once.
pub(crate) fn default_directory() -> Result<&'static Directory> {
    static DEFAULT: OnceLock<std::result::Result<Directory, MigranError>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| verify(DEFAULT_PACK, &from_hex(DEFAULT_SIGNATURE_HEX.trim())?))
        .as_ref()
        .map_err(Clone::clone)
}

pub(crate) fn publisher_key() -> Result<Vec<u8>> {
    from_hex(PUBLISHER_KEY_HEX.trim())
}

pub(crate) fn rejected(reason: PackRejectReason) -> MigranError {
    MigranError::PackRejected { reason }
}

/// Every entry must be dialable and carry its source and the source's date: a number
/// without them is a number nobody can re-check. Only a local emergency number may be
/// marked `unsourced` instead.
fn check_entries(directory: &Directory) -> Result<()> {
    // The national hotlines are what a plan falls back to for an unknown country and no
    // card: a pack without them could give an empty plan, so it is refused.
    if directory.national.is_empty() {
        return Err(rejected(PackRejectReason::National));
    }
    for (role, _, entry) in directory.entries() {
        let digits = dial_string(&entry.number);
        let dialable = digits.chars().filter(char::is_ascii_digit).count() >= 3;
        let dated = if entry.unsourced {
            role == DirectoryRole::LocalEmergency && entry.source_date.is_empty()
        } else {
            crate::time::parse_date("source_date", &entry.source_date).is_ok()
        };
        if !dialable
            || !dated
            || entry.channels.is_empty()
            || entry.id.trim().is_empty()
            || entry.source.trim().is_empty()
            || entry.label.id.trim().is_empty()
            || entry.label.en.trim().is_empty()
        {
            return Err(rejected(PackRejectReason::Entry));
        }
    }
    for code in directory.countries.keys() {
        if !crate::validate::is_country_code(code) {
            return Err(rejected(PackRejectReason::Country));
        }
    }
    Ok(())
}

/// An entry's age in days on `today`, from its source's date; `None` for an unsourced
/// entry (no date to count from).
pub(crate) fn age_days(entry: &Entry, today: chrono::NaiveDate) -> Option<i64> {
    chrono::NaiveDate::parse_from_str(&entry.source_date, "%Y-%m-%d")
        .ok()
        .map(|date| (today - date).num_days())
}

/// The number as a phone dials it: `+` and digits only.
pub(crate) fn dial_string(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

pub(crate) fn from_hex(text: &str) -> Result<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return Err(rejected(PackRejectReason::Signature));
    }
    // `get` rather than slicing: a stray multi-byte character must be refused, not panic.
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| rejected(PackRejectReason::Signature))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn test_key() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    #[test]
    fn the_shipped_pack_is_signed_by_the_publisher_and_complete() {
        let directory = default_directory().unwrap();
        assert_eq!(directory.kind, PACK_KIND);
        assert!(directory.national.len() >= 3);
        let mut ids: Vec<&str> = directory.entries().map(|(_, _, e)| e.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "entry ids are unique");
    }

    #[test]
    fn the_shipped_pack_offers_whatsapp_only_where_the_entry_says_its_source_gives_it() {
        // A WhatsApp action to a number that does not take WhatsApp wastes the seconds the
        // migrant has: the channel is a fact like the number, and needs a source too.
        let directory = default_directory().unwrap();
        let entries = directory.entries().map(|(_, _, e)| e);
        for entry in entries.filter(|e| e.channels.contains(&Channel::Whatsapp)) {
            let said = format!("{} {} {}", entry.label.id, entry.label.en, entry.source);
            assert!(said.contains("WhatsApp"), "{}", entry.id);
        }
    }

    #[test]
    fn a_changed_byte_or_another_key_is_refused() {
        let key = test_key();
        let signature = key.sign(DEFAULT_PACK);
        assert!(verify_with(DEFAULT_PACK, signature.as_ref(), key.public_key().as_ref()).is_ok());

        let mut altered = DEFAULT_PACK.to_vec();
        let at = altered.iter().position(|b| *b == b'9').unwrap();
        altered[at] = b'8';
        assert_eq!(
            verify_with(&altered, signature.as_ref(), key.public_key().as_ref()).err(),
            Some(rejected(PackRejectReason::Signature))
        );
        let stranger = test_key();
        assert_eq!(
            verify_with(DEFAULT_PACK, signature.as_ref(), stranger.public_key().as_ref()).err(),
            Some(rejected(PackRejectReason::Signature))
        );
        assert_eq!(
            verify(DEFAULT_PACK, signature.as_ref()).err(),
            Some(rejected(PackRejectReason::Signature))
        );
        assert_eq!(
            verify(DEFAULT_PACK, &[]).err(),
            Some(rejected(PackRejectReason::Signature))
        );
    }

    #[test]
    fn a_signed_pack_without_national_hotlines_is_refused_so_no_plan_can_be_empty() {
        let key = test_key();
        let pack = br#"{"kind":"emergency-directory","version":9,"verify_after_days":365,
            "national":[],"countries":{"MY":{"name":{"id":"Malaysia","en":"Malaysia"},"mission":[],
            "local":[{"id":"my-999","label":{"id":"Polisi","en":"Police"},"number":"999",
            "channels":["call"],"source":"public emergency number","source_date":"2026-11-29"}]}}}"#;
        let signature = key.sign(pack);
        assert_eq!(
            verify_with(pack, signature.as_ref(), key.public_key().as_ref()).err(),
            Some(rejected(PackRejectReason::National))
        );
    }

    #[test]
    fn hex_with_odd_or_multibyte_characters_is_refused_without_panicking() {
        assert_eq!(from_hex("0aff").unwrap(), vec![0x0a, 0xff]);
        // "0é0" is four bytes with a character across the first pair: slicing would panic.
        for bad in ["0", "zz", "0é0", "aébb", "éé"] {
            assert_eq!(
                from_hex(bad).err(),
                Some(rejected(PackRejectReason::Signature)),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_signed_pack_without_sources_is_still_refused() {
        let key = test_key();
        let pack = br#"{"kind":"emergency-directory","version":9,"verify_after_days":365,
            "national":[{"id":"x","label":{"id":"x","en":"x"},"number":"+62 812 0000 0000",
            "channels":["call"],"source":"","source_date":"2026-01-01"}],"countries":{}}"#;
        let signature = key.sign(pack);
        assert_eq!(
            verify_with(pack, signature.as_ref(), key.public_key().as_ref()).err(),
            Some(rejected(PackRejectReason::Entry))
        );
    }
}
