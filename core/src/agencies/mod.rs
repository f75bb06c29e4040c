//! The recruiter check: a signed list of placement agencies (P3MI) with their licence
//! number, name and status, looked up offline by licence number or name. The real list
//! comes from the ministry's published registry; the project ships the format, the
//! verification and the tooling ([`agency_pack_from_csv`] and the `pack_signer`
//! example), with only obviously fake sample data. No list is built in: until one is
//! installed every check says so ([`AgencyStanding::NoRegistry`]) and decides nothing.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::emergency::directory;
use crate::error::{InvalidReason, MigranError, PackRejectReason, Result};
use crate::i18n::{Locale, LocalizedText};
use crate::people::csv::Reader;
use crate::signed_pack::{self, rejected};
use crate::vault::Vault;

pub(crate) const PACK_KIND: &str = "p3mi-registry";

/// The oldest agency list this release installs. No list is built in, so this is the
/// floor a vault that never installed one (or lost its high-water mark) still keeps:
/// raise it to the published list's version at each release (0 while only the sample
/// list, version 0, exists).
pub(crate) const RELEASE_MINIMUM_VERSION: u32 = 0;

/// An agency's licence status on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum AgencyStatus {
    /// Licensed and allowed to place workers.
    Active,
    /// Licence suspended: may not place workers now.
    Suspended,
    /// Licence revoked.
    Revoked,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AgencyStanding {
    /// On the list, licence active.
    Active,
    /// On the list, licence suspended.
    Suspended,
    /// On the list, licence revoked.
    Revoked,
    /// Not on the list: neither the licence number nor the name was found.
    Unknown,
    /// No list is installed on this device: nothing can be said.
    NoRegistry,
}

impl AgencyStanding {
    /// Whether the standing is a warning sign (unknown, suspended or revoked); `None`
    /// when no list is installed.
    pub(crate) fn is_warning(self) -> Option<bool> {
        match self {
            AgencyStanding::Active => Some(false),
            AgencyStanding::Suspended | AgencyStanding::Revoked | AgencyStanding::Unknown => Some(true),
            AgencyStanding::NoRegistry => None,
        }
    }

    /// A sentence for the cadre, in `locale`.
    pub(crate) fn explanation(self, locale: Locale) -> String {
        let (id, en) = match self {
            AgencyStanding::Active => ("P3MI terdaftar dengan izin aktif.", "The P3MI is listed with an active licence."),
            AgencyStanding::Suspended => (
                "Izin P3MI ini DIBEKUKAN: tidak boleh menempatkan pekerja. Hubungi Disnaker atau BP3MI.",
                "This P3MI's licence is SUSPENDED: it may not place workers. Contact Disnaker or BP3MI.",
            ),
            AgencyStanding::Revoked => (
                "Izin P3MI ini DICABUT: tidak boleh menempatkan pekerja. Hubungi Disnaker atau BP3MI.",
                "This P3MI's licence is REVOKED: it may not place workers. Contact Disnaker or BP3MI.",
            ),
            AgencyStanding::Unknown => (
                "P3MI tidak ada di daftar resmi: bisa jadi perekrut tidak berizin. Periksa ke Disnaker atau BP3MI.",
                "The P3MI is not on the official list: it may be an unlicensed recruiter. Check with Disnaker or BP3MI.",
            ),
            AgencyStanding::NoRegistry => (
                "Daftar P3MI belum dipasang di perangkat ini; periksa ke Disnaker atau BP3MI.",
                "No P3MI list is installed on this device; check with Disnaker or BP3MI.",
            ),
        };
        LocalizedText::new(id, en).get(locale).to_string()
    }
}

/// An agency as the list has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct RegisteredAgency {
    /// The licence number as published.
    pub licence: String,
    /// The company's name as published.
    pub name: String,
    /// The licence's status on the list's date.
    pub status: AgencyStatus,
}

/// The installed agency list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AgencyRegistryInfo {
    /// The list's version; a list is installed only if its version is higher.
    pub version: u32,
    /// The date of the ministry's list it was built from, `YYYY-MM-DD`.
    pub list_date: String,
    /// Where the list comes from.
    pub source: String,
    /// A sample list of fake agencies (for tests and training), not the ministry's.
    pub sample: bool,
    /// How many agencies it holds.
    pub agency_count: u32,
}

/// The result of looking an agency up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AgencyCheck {
    /// What the standing is.
    pub standing: AgencyStanding,
    /// The agency found, if any.
    pub agency: Option<RegisteredAgency>,
    /// The date of the list checked against; `None` when no list is installed.
    pub list_date: Option<String>,
    /// Whether the list checked against is a sample list.
    pub sample: bool,
    /// What it means, for the cadre, in the requested language.
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RegistryPack {
    kind: String,
    version: u32,
    list_date: String,
    source: String,
    #[serde(default)]
    sample: bool,
    /// Read at install by `signed_pack` (the signer's key id and the last install day);
    /// kept here so that [`agency_pack_from_csv`] writes them.
    #[serde(default)]
    key_id: Option<String>,
    #[serde(default)]
    expires: Option<String>,
    agencies: Vec<RegisteredAgency>,
}

impl RegistryPack {
    fn info(&self) -> AgencyRegistryInfo {
        AgencyRegistryInfo {
            version: self.version,
            list_date: self.list_date.clone(),
            source: self.source.clone(),
            sample: self.sample,
            agency_count: u32::try_from(self.agencies.len()).unwrap_or(u32::MAX),
        }
    }

    /// The agency with this licence number, or else with this name, compared without
    /// case, spaces, punctuation or the "PT" prefix.
    fn find(&self, licence: Option<&str>, name: Option<&str>) -> Option<&RegisteredAgency> {
        if let Some(licence) = licence.map(licence_key).filter(|key| !key.is_empty()) {
            // A recorded licence decides: a known name with an unknown licence is a warning sign.
            return self.agencies.iter().find(|a| licence_key(&a.licence) == licence);
        }
        let name = name.map(name_key).filter(|key| !key.is_empty())?;
        self.agencies.iter().find(|a| name_key(&a.name) == name)
    }

    fn check(&self, licence: Option<&str>, name: Option<&str>, locale: Locale) -> AgencyCheck {
        let agency = self.find(licence, name).cloned();
        let standing = match agency.as_ref().map(|a| a.status) {
            Some(AgencyStatus::Active) => AgencyStanding::Active,
            Some(AgencyStatus::Suspended) => AgencyStanding::Suspended,
            Some(AgencyStatus::Revoked) => AgencyStanding::Revoked,
            None => AgencyStanding::Unknown,
        };
        AgencyCheck {
            standing,
            agency,
            list_date: Some(self.list_date.clone()),
            sample: self.sample,
            explanation: standing.explanation(locale),
        }
    }
}

fn licence_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn name_key(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_uppercase)
        .collect();
    let start = usize::from(words.first().is_some_and(|w| w == "PT"));
    words.get(start..).unwrap_or_default().join(" ")
}

fn verify_with(pack: &[u8], signature: &[u8], public_key: &[u8]) -> Result<RegistryPack> {
    signed_pack::check_signature(pack, signature, public_key)?;
    parse(pack)
}

/// Parses and checks an agency list's body as an install would after the signature, for
/// the fuzz targets (fuzz/), which cannot sign what they make up. Installs nothing.
#[doc(hidden)]
pub fn check_unsigned_agency_pack(pack: &[u8]) -> Result<()> {
    signed_pack::check_unsigned(pack, parse)
}

fn parse(pack: &[u8]) -> Result<RegistryPack> {
    let parsed: RegistryPack =
        serde_json::from_slice(pack).map_err(|_| rejected(PackRejectReason::Format))?;
    if parsed.kind != PACK_KIND {
        return Err(rejected(PackRejectReason::Kind));
    }
    let entries_ok = parsed
        .agencies
        .iter()
        .all(|a| !licence_key(&a.licence).is_empty() && !name_key(&a.name).is_empty());
    if crate::time::parse_date("list_date", &parsed.list_date).is_err()
        || parsed.source.trim().is_empty()
        || !entries_ok
    {
        return Err(rejected(PackRejectReason::Entry));
    }
    Ok(parsed)
}

fn installed_registry(conn: &Connection, trusted_key: &[u8]) -> Result<Option<RegistryPack>> {
    Ok(signed_pack::installed(conn, PACK_KIND)?
        .and_then(|(body, signature)| verify_with(&body, &signature, trusted_key).ok()))
}

/// The check of a journey's recorded agency against the installed list (`locked` is
/// `locked.db`); `None` when the journey names no agency.
pub(crate) fn check_recorded(
    locked: &Connection,
    licence: Option<&str>,
    name: Option<&str>,
    locale: Locale,
) -> Result<Option<AgencyCheck>> {
    let blank = |text: Option<&str>| text.is_none_or(|t| t.trim().is_empty());
    if blank(licence) && blank(name) {
        return Ok(None);
    }
    Ok(Some(
        match installed_registry(locked, &directory::publisher_key()?)? {
            Some(registry) => registry.check(licence, name, locale),
            None => no_registry(locale),
        },
    ))
}

fn no_registry(locale: Locale) -> AgencyCheck {
    AgencyCheck {
        standing: AgencyStanding::NoRegistry,
        agency: None,
        list_date: None,
        sample: false,
        explanation: AgencyStanding::NoRegistry.explanation(locale),
    }
}

#[uniffi::export]
impl Vault {
    /// Looks an agency up by licence number or name in the installed list. Works locked.
    pub fn check_agency(&self, query: String, locale: Locale) -> Result<AgencyCheck> {
        let query = crate::validate::required_text("query", &query, crate::validate::SHORT_TEXT_MAX)?;
        let key = directory::publisher_key()?;
        let registry = self.with_locked_store(|conn| installed_registry(conn, &key))?;
        Ok(match registry {
            None => no_registry(locale),
            Some(registry) => {
                let by_licence = registry.check(Some(&query), None, locale);
                if by_licence.agency.is_some() {
                    by_licence
                } else {
                    registry.check(None, Some(&query), locale)
                }
            }
        })
    }

    /// The installed agency list, if any. Works locked.
    pub fn agency_registry_info(&self) -> Result<Option<AgencyRegistryInfo>> {
        let key = directory::publisher_key()?;
        Ok(self
            .with_locked_store(|conn| installed_registry(conn, &key))?
            .map(|registry| registry.info()))
    }

    /// Installs a signed agency list (the publisher key of the content packs). A bad
    /// signature, a malformed list or one not newer than the installed one is refused,
    /// and the installed one stays. Works locked.
    pub fn install_agency_pack(&self, pack: Vec<u8>, signature: Vec<u8>) -> Result<AgencyRegistryInfo> {
        let key = directory::publisher_key()?;
        let candidate = verify_with(&pack, &signature, &key)?;
        let signed = signed_pack::SignedPack {
            kind: PACK_KIND,
            version: candidate.version,
            pack: &pack,
            signature: &signature,
            trusted_key: &key,
        };
        self.install_signed_pack(signed, RELEASE_MINIMUM_VERSION, |conn, _| {
            Ok(installed_registry(conn, &key)?.map(|current| current.version))
        })?;
        Ok(candidate.info())
    }
}

/// Builds an unsigned agency list from a CSV export (a header row naming the columns
/// `licence` or `nomor_izin`, `name` or `nama`, and `status`: `active`/`aktif`,
/// `suspended`/`dibekukan`, `revoked`/`dicabut`). Sign the result with the `pack_signer`
/// example, with the key whose public half `publisher_key` is; the list can be installed
/// until `expires` (`YYYY-MM-DD`). A bad row is refused with its line
/// (`Invalid { field: "3.status" }`).
pub fn agency_pack_from_csv(
    csv: &[u8],
    version: u32,
    list_date: &str,
    source: &str,
    sample: bool,
    publisher_key: &[u8],
    expires: &str,
) -> Result<Vec<u8>> {
    crate::time::parse_date("list_date", list_date)?;
    crate::time::parse_date("expires", expires)?;
    let source = crate::validate::required_text("source", source, crate::validate::SHORT_TEXT_MAX)?;
    let mut records = Reader::new(csv).filter(|record| !record.is_blank());
    let header = records
        .next()
        .ok_or_else(|| MigranError::invalid("csv", InvalidReason::Empty))?;
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_lowercase())
        .collect();
    let column = |accepted: &[&str], field: &str| {
        names
            .iter()
            .position(|n| accepted.contains(&n.as_str()))
            .ok_or_else(|| MigranError::invalid(field, InvalidReason::Empty))
    };
    let (licence_at, name_at, status_at) = (
        column(&["licence", "license", "nomor_izin", "no_izin"], "licence")?,
        column(&["name", "nama"], "name")?,
        column(&["status"], "status")?,
    );
    let mut agencies = Vec::new();
    for record in records {
        let line = record.line;
        let value = |at: usize, field: &str| -> Result<String> {
            let bytes = record.fields.get(at).map(Vec::as_slice).unwrap_or_default();
            let text = std::str::from_utf8(bytes).map_err(|_| {
                MigranError::invalid(&format!("{line}.{field}"), InvalidReason::BadCharacters)
            })?;
            crate::validate::required_text(&format!("{line}.{field}"), text, crate::validate::SHORT_TEXT_MAX)
        };
        if record.malformed.is_some() {
            return Err(MigranError::invalid(
                &format!("{line}.csv"),
                InvalidReason::BadFormat,
            ));
        }
        let status = match value(status_at, "status")?.to_lowercase().as_str() {
            "active" | "aktif" => AgencyStatus::Active,
            "suspended" | "dibekukan" => AgencyStatus::Suspended,
            "revoked" | "dicabut" => AgencyStatus::Revoked,
            _ => {
                return Err(MigranError::invalid(
                    &format!("{line}.status"),
                    InvalidReason::BadFormat,
                ))
            }
        };
        agencies.push(RegisteredAgency {
            licence: value(licence_at, "licence")?,
            name: value(name_at, "name")?,
            status,
        });
    }
    let pack = RegistryPack {
        kind: PACK_KIND.to_string(),
        version,
        list_date: list_date.to_string(),
        source,
        sample,
        key_id: Some(signed_pack::content_pack_key_id(publisher_key)),
        expires: Some(expires.to_string()),
        agencies,
    };
    serde_json::to_vec_pretty(&pack).map_err(|_| MigranError::internal("the agency list does not serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_punctuation_or_the_pt_prefix_and_a_recorded_licence_decides() {
        let csv = b"licence,name,status\nKEP-001/CONTOH,PT Contoh Penempatan,aktif\nKEP-002/CONTOH,\"PT Contoh Dua, Tbk\",dicabut\n";
        let pack: RegistryPack = serde_json::from_slice(
            &agency_pack_from_csv(csv, 1, "2026-11-30", "test list", true, &[7; 32], "2027-11-30").unwrap(),
        )
        .unwrap();
        assert_eq!(pack.agencies.len(), 2);
        let standing =
            |licence: Option<&str>, name: Option<&str>| pack.check(licence, name, Locale::Id).standing;
        assert_eq!(standing(None, Some("contoh  penempatan")), AgencyStanding::Active);
        assert_eq!(standing(Some("kep 001 / contoh"), None), AgencyStanding::Active);
        assert_eq!(standing(None, Some("PT CONTOH DUA TBK")), AgencyStanding::Revoked);
        assert_eq!(
            standing(Some("KEP-999"), Some("PT Contoh Penempatan")),
            AgencyStanding::Unknown
        );
    }

    #[test]
    fn a_csv_row_with_an_unknown_status_or_a_missing_name_is_refused_with_its_line() {
        let bad_status = b"nomor_izin;nama;status\nKEP-1;PT Contoh;mungkin\n";
        assert_eq!(
            agency_pack_from_csv(bad_status, 1, "2026-11-30", "test", true, &[7; 32], "2027-11-30").err(),
            Some(MigranError::invalid("2.status", InvalidReason::BadFormat))
        );
        let no_name = b"licence,name,status\nKEP-1,,active\n";
        assert_eq!(
            agency_pack_from_csv(no_name, 1, "2026-11-30", "test", true, &[7; 32], "2027-11-30").err(),
            Some(MigranError::invalid("2.name", InvalidReason::Empty))
        );
        assert_eq!(
            agency_pack_from_csv(
                b"licence,status\n",
                1,
                "2026-11-30",
                "test",
                true,
                &[7; 32],
                "2027-11-30"
            )
            .err(),
            Some(MigranError::invalid("name", InvalidReason::Empty))
        );
    }
}
