//! The content pack (`core/content/checklist/pack.json`): the items, their conditions,
//! dependencies and due offsets, and the parameters of the warnings. Checked when it is
//! parsed, so that the rules and the SQL counts can rely on it.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::{ItemKind, MaritalStatus};
use crate::error::{MigranError, Result};
use crate::i18n::LocalizedText;
use crate::people::{DocumentKind, Sector, Sex};

const PACK: &str = include_str!("../../content/checklist/pack.json");

#[derive(Debug, Deserialize)]
pub(crate) struct Pack {
    pub version: u32,
    pub parameters: Parameters,
    /// Named lists of destination countries a condition can name (`"moratorium"`,
    /// `"moratorium_single_channel"`, `"moratorium_uncertain"`).
    pub country_lists: BTreeMap<String, Vec<String>>,
    pub items: Vec<ItemDef>,
    /// The SQL that counts progress under this pack, made once (`progress`).
    #[serde(skip)]
    pub(super) progress_sql: OnceLock<super::progress::ProgressSql>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Parameters {
    pub passport_min_months_at_departure: u32,
    pub departure_warning_days: i64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ItemDef {
    /// Stable: stored states are keyed by it.
    pub id: String,
    #[serde(rename = "phase")]
    pub kind: ItemKind,
    pub legal_basis: String,
    /// A legal block (under 18, a moratorium destination, a fee for a zero-cost job):
    /// while it applies the departure is not allowed, so it can be neither done nor set
    /// aside; it clears only when the facts that make it apply change.
    #[serde(default)]
    pub legal_block: bool,
    #[serde(default)]
    pub conditions: Conditions,
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Ids this item had in earlier packs: a state stored under one of them moves to
    /// this item when a person's checklist is brought to this pack.
    #[serde(default)]
    pub replaces: Vec<String>,
    pub document_kind: Option<DocumentKind>,
    pub title: LocalizedText,
    pub explanation: LocalizedText,
    pub family: LocalizedText,
    pub due_days_before_departure: Option<i64>,
}

/// When an item applies; every condition given must hold.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Conditions {
    /// A list of ISO codes, or "moratorium" for the pack's moratorium list.
    pub countries: Option<CountryCondition>,
    pub sectors: Option<Vec<Sector>>,
    /// Age at departure (today when no departure date is recorded), inclusive.
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub sex: Option<Sex>,
    /// Unknown marital status shows the item, flagged.
    pub marital_status: Option<Vec<MaritalStatus>>,
    /// Whether the cadre recorded that a placement fee was charged (not recorded: no).
    pub fee_charged: Option<bool>,
    /// Whether the cadre recorded that the placement goes through the official single
    /// channel (not recorded: no).
    pub official_channel: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum CountryCondition {
    Named(String),
    List(Vec<String>),
}

impl Pack {
    /// The destination countries a condition names (the check refuses an unknown name).
    pub fn countries<'a>(&'a self, condition: &'a CountryCondition) -> &'a [String] {
        match condition {
            CountryCondition::Named(name) => self.country_lists.get(name).map_or(&[][..], Vec::as_slice),
            CountryCondition::List(list) => list,
        }
    }

    pub fn item(&self, id: &str) -> Option<&ItemDef> {
        self.items.iter().find(|item| item.id == id)
    }
}

/// Parses and checks a pack.
pub(crate) fn parse_pack(text: &str) -> Result<Pack> {
    let pack: Pack =
        serde_json::from_str(text).map_err(|_| MigranError::internal("the checklist pack does not parse"))?;
    check(&pack)
        .map_err(|problem| MigranError::internal(&format!("the checklist pack is invalid: {problem}")))?;
    Ok(pack)
}

/// The pack this build carries, parsed once.
pub(crate) fn pack() -> Result<&'static Pack> {
    static PARSED: OnceLock<std::result::Result<Pack, MigranError>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse_pack(PACK))
        .as_ref()
        .map_err(Clone::clone)
}

/// An id as the pack and the stored rows spell it: lowercase ASCII, digits and `_`.
fn is_item_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What is wrong with a pack, if anything: ids unique and well formed, dependencies
/// on earlier items only (so no cycle), replaced ids that no current item has and that
/// only one item claims, both languages everywhere, a legal basis or source on every
/// item, and ISO country codes.
fn check(pack: &Pack) -> std::result::Result<(), String> {
    let mut seen: HashSet<&str> = HashSet::new();
    for item in &pack.items {
        if !is_item_id(&item.id) {
            return Err(format!(
                "item id {:?} is not lowercase letters, digits and _",
                item.id
            ));
        }
        for dep in &item.depends_on {
            if !seen.contains(dep.as_str()) {
                return Err(format!(
                    "{} depends on {dep}, which is not an earlier item",
                    item.id
                ));
            }
        }
        if !seen.insert(&item.id) {
            return Err(format!("item id {} appears twice", item.id));
        }
        for text in [&item.title, &item.explanation, &item.family] {
            if text.id.trim().is_empty() || text.en.trim().is_empty() {
                return Err(format!("{} misses a text in one language", item.id));
            }
        }
        if item.legal_basis.trim().is_empty() {
            return Err(format!("{} has no legal basis or stated source", item.id));
        }
        if let Some(CountryCondition::Named(name)) = &item.conditions.countries {
            if !pack.country_lists.contains_key(name) {
                return Err(format!("{} names an unknown country list {name}", item.id));
            }
        }
        let countries = item
            .conditions
            .countries
            .as_ref()
            .map_or(&[][..], |c| pack.countries(c));
        if !countries.iter().all(|c| crate::validate::is_country_code(c)) {
            return Err(format!("{} names an unknown country", item.id));
        }
    }
    let mut replaced: HashSet<&str> = HashSet::new();
    for old in pack.items.iter().flat_map(|item| &item.replaces) {
        if !is_item_id(old) || seen.contains(old.as_str()) || !replaced.insert(old) {
            return Err(format!(
                "replaced id {old} is malformed, current or claimed twice"
            ));
        }
    }
    if !pack
        .country_lists
        .values()
        .flatten()
        .all(|c| crate::validate::is_country_code(c))
    {
        return Err("a country list names an unknown country".to_string());
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The shipped pack as JSON, to make other versions from in tests.
    pub(in crate::checklist) fn shipped_json() -> serde_json::Value {
        serde_json::from_str(PACK).unwrap()
    }

    #[test]
    fn the_pack_is_valid_bilingual_sourced_and_acyclic() {
        let pack = pack().unwrap();
        let ids: Vec<&str> = pack.items.iter().map(|i| i.id.as_str()).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "ids unique");
        for (position, item) in pack.items.iter().enumerate() {
            for text in [&item.title, &item.explanation, &item.family] {
                assert!(
                    !text.id.trim().is_empty() && !text.en.trim().is_empty(),
                    "{}",
                    item.id
                );
            }
            assert!(
                item.legal_basis.contains("UU")
                    || item.legal_basis.contains("Kepmenaker")
                    || item.legal_basis.contains("Peraturan BP2MI")
                    || item.legal_basis.contains("praktis")
                    || item.legal_basis.contains("sekunder"),
                "{} has no legal basis or stated source",
                item.id
            );
            for dep in &item.depends_on {
                let at = ids
                    .iter()
                    .position(|id| id == dep)
                    .unwrap_or_else(|| panic!("{} needs unknown {dep}", item.id));
                // Dependencies point backwards in the pack: no cycle is possible.
                assert!(at < position, "{} depends on later {dep}", item.id);
            }
        }
        assert!(pack
            .country_lists
            .values()
            .flatten()
            .all(|c| crate::validate::is_country_code(c)));
        // The 18 countries a dated list names (Saudi Arabia with its single channel
        // apart); the official count is 19, the uncertain ones are listed apart.
        let official =
            pack.country_lists["moratorium"].len() + pack.country_lists["moratorium_single_channel"].len();
        assert_eq!(official, 18);
        for uncertain in &pack.country_lists["moratorium_uncertain"] {
            assert!(
                !pack.country_lists["moratorium"].contains(uncertain),
                "{uncertain}"
            );
        }
    }

    #[test]
    fn a_pack_with_a_cycle_a_bad_id_or_a_doubly_claimed_old_id_is_refused() {
        let refused = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut pack = shipped_json();
            change(&mut pack);
            matches!(
                parse_pack(&pack.to_string()),
                Err(MigranError::Internal { ref detail }) if detail.starts_with("the checklist pack is invalid")
            )
        };
        assert!(refused(
            &|p| p["items"][2]["depends_on"] = serde_json::json!(["passport"])
        ));
        assert!(refused(&|p| p["items"][2]["id"] = "KTP'; --".into()));
        assert!(refused(&|p| p["items"][3]["id"] = "ktp".into()));
        assert!(refused(&|p| {
            p["items"][2]["replaces"] = serde_json::json!(["old_ktp"]);
            p["items"][3]["replaces"] = serde_json::json!(["old_ktp"]);
        }));
        assert!(refused(
            &|p| p["items"][2]["replaces"] = serde_json::json!(["family_card"])
        ));
        assert!(refused(
            &|p| p["country_lists"]["moratorium"] = serde_json::json!(["XX"])
        ));
        assert!(refused(
            &|p| p["items"][0]["conditions"]["countries"] = "nowhere".into()
        ));
        assert!(!refused(
            &|p| p["items"][2]["replaces"] = serde_json::json!(["old_ktp"])
        ));
    }
}
