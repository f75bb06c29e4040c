//! The checklist's rules, pure functions of a person, their journey and documents, their
//! stored states, the pack and "today": which items apply, what an item waits for, due
//! dates, warnings, and how stored states follow a new pack version.
//!
//! `progress` counts with the same rules in SQL; its tests check both agree.

use chrono::{Duration, Months, NaiveDate};

use super::pack::{ItemDef, Pack};
use super::store::{item_key, Checklist, StoredItem, StoredRetired};
use super::{
    ChecklistItem, ChecklistWarning, ItemState, MaritalStatus, PlacementFacts, Progress, WarningKind,
};
use crate::i18n::{Locale, LocalizedText};
use crate::labels::document_kind_label;
use crate::people::{DocumentKind, IdentityDocument, Journey, Person};
use crate::time::{age_on, date_text, parse_date};

/// What the rules look at besides the stored states.
pub(super) struct Context<'a> {
    pub person: &'a Person,
    pub journey: Option<&'a Journey>,
    pub documents: &'a [IdentityDocument],
    pub today: NaiveDate,
    /// The recorded P3MI checked against the installed agency list.
    pub agency: Option<&'a crate::agencies::AgencyCheck>,
    /// The village sessions the person attended, for the orientation item.
    pub education: Option<&'a crate::sessions::PersonEducation>,
}

impl Context<'_> {
    pub fn departure(&self) -> Option<NaiveDate> {
        self.journey
            .and_then(|j| j.departure_date.as_deref())
            .and_then(|d| parse_date("departure_date", d).ok())
    }

    fn contract_end(&self) -> Option<NaiveDate> {
        self.journey
            .and_then(|j| j.contract_end_date.as_deref())
            .and_then(|d| parse_date("contract_end_date", d).ok())
    }

    /// Age on the departure date, or today when none is recorded.
    pub fn age_at_departure(&self) -> Option<i32> {
        let birth = parse_date("birth_date", &self.person.birth_date).ok()?;
        Some(age_on(birth, self.departure().unwrap_or(self.today)))
    }
}

/// Whether the item applies: `Some(true)`, `Some(false)`, or `None` when a condition
/// could not be checked (then it is shown, flagged, so nothing is missed).
pub(super) fn applies(
    item: &ItemDef,
    pack: &Pack,
    ctx: &Context<'_>,
    marital: Option<MaritalStatus>,
    placement: PlacementFacts,
) -> Option<bool> {
    let c = &item.conditions;
    // Not recorded reads as "no": a block on a fee needs the fee recorded, and only a
    // recorded official channel clears the single-channel block.
    if c.fee_charged
        .is_some_and(|wanted| placement.fee_charged.unwrap_or(false) != wanted)
        || c.official_channel
            .is_some_and(|wanted| placement.official_channel.unwrap_or(false) != wanted)
    {
        return Some(false);
    }
    if let Some(countries) = &c.countries {
        match ctx.journey.and_then(|j| j.destination_country.as_ref()) {
            Some(code) if pack.countries(countries).contains(code) => {}
            _ => return Some(false),
        }
    }
    if let Some(sectors) = &c.sectors {
        match ctx.journey.and_then(|j| j.sector) {
            Some(sector) if sectors.contains(&sector) => {}
            _ => return Some(false),
        }
    }
    let age = ctx.age_at_departure();
    if c.min_age.is_some_and(|min| age.is_some_and(|a| a < min))
        || c.max_age.is_some_and(|max| age.is_some_and(|a| a > max))
    {
        return Some(false);
    }
    if c.sex.is_some_and(|sex| ctx.person.sex != sex) {
        return Some(false);
    }
    if let Some(statuses) = &c.marital_status {
        return marital.map(|status| statuses.contains(&status));
    }
    Some(true)
}

/// An item that applies to the person.
pub(super) struct Applicable<'a> {
    pub def: &'a ItemDef,
    pub state: ItemState,
    /// What was saved for it, if anything (nothing: not started).
    pub saved: Option<&'a StoredItem>,
    pub due_date: Option<NaiveDate>,
    /// A condition could not be checked.
    pub condition_unknown: bool,
}

/// The items that apply to the person, in pack order, with their states.
pub(super) fn applicable_items<'a>(
    checklist: &'a Checklist,
    pack: &'a Pack,
    ctx: &Context<'_>,
) -> Vec<Applicable<'a>> {
    let departure = ctx.departure();
    pack.items
        .iter()
        .filter_map(|def| {
            let applicability = applies(def, pack, ctx, checklist.marital_status, checklist.placement);
            if applicability == Some(false) {
                return None;
            }
            let saved = checklist.items.get(&def.id);
            let stored_state = saved.map_or(ItemState::NotStarted, |s| s.state);
            Some(Applicable {
                def,
                // A block is never closed, whatever an older build let someone store.
                state: if def.legal_block && is_closed(stored_state) {
                    ItemState::NotStarted
                } else {
                    stored_state
                },
                saved,
                due_date: match (def.due_days_before_departure, departure) {
                    (Some(days), Some(departure)) => Some(departure - Duration::days(days)),
                    _ => None,
                },
                condition_unknown: applicability.is_none(),
            })
        })
        .collect()
}

/// The items `def` depends on that apply and are neither done nor "not applicable".
pub(super) fn blocked_by(def: &ItemDef, items: &[Applicable<'_>]) -> Vec<String> {
    def.depends_on
        .iter()
        .filter(|dep| {
            items
                .iter()
                .find(|item| &item.def.id == *dep)
                .is_some_and(|item| !is_closed(item.state))
        })
        .cloned()
        .collect()
}

/// Done, or set aside as not applicable: nothing more to do.
pub(super) fn is_closed(state: ItemState) -> bool {
    matches!(state, ItemState::Done | ItemState::NotApplicable)
}

/// How far the applicable items are.
pub(super) fn progress(items: &[Applicable<'_>]) -> Progress {
    Progress {
        done: items.iter().filter(|i| i.state == ItemState::Done).count() as u32,
        total: items
            .iter()
            .filter(|i| i.state != ItemState::NotApplicable)
            .count() as u32,
        started: items
            .iter()
            .any(|i| matches!(i.state, ItemState::Done | ItemState::InProgress)),
    }
}

fn warning(
    kind: WarningKind,
    red: bool,
    item_id: Option<&str>,
    locale: Locale,
    id: String,
    en: String,
) -> ChecklistWarning {
    ChecklistWarning {
        kind,
        red,
        item_id: item_id.map(str::to_string),
        message: LocalizedText { id, en }.get(locale).to_string(),
    }
}

/// The warnings for the person on `ctx.today`, from the items as the cadre sees them.
pub(super) fn warnings(
    items: &[ChecklistItem],
    pack: &Pack,
    ctx: &Context<'_>,
    locale: Locale,
) -> Vec<ChecklistWarning> {
    // The legal blocks come first: while one applies, nothing else decides the departure.
    let mut found: Vec<ChecklistWarning> = items
        .iter()
        .filter(|item| pack.item(&item.id).is_some_and(|def| def.legal_block))
        .map(|item| ChecklistWarning {
            kind: WarningKind::LegalBlock,
            red: true,
            item_id: Some(item.id.clone()),
            message: item.title.clone(),
        })
        .collect();
    if let Some(check) = ctx
        .agency
        .filter(|check| check.standing.is_warning() == Some(true))
    {
        found.push(warning(
            WarningKind::AgencyNotInGoodStanding,
            true,
            None,
            locale,
            check.standing.explanation(Locale::Id),
            check.standing.explanation(Locale::En),
        ));
    }
    let departure = ctx.departure();
    if let Some(age) = ctx.age_at_departure().filter(|age| *age < 18) {
        found.push(warning(
            WarningKind::UnderageAtDeparture,
            true,
            None,
            locale,
            format!("Umur {age} tahun saat berangkat: belum boleh (UU 18/2017 Pasal 5 huruf a)."),
            format!("{age} years old at departure: not allowed (UU 18/2017 Pasal 5 (a))."),
        ));
    }
    for document in ctx.documents {
        let Some(expires) = document
            .expires_on
            .as_deref()
            .and_then(|d| parse_date("expires_on", d).ok())
        else {
            continue;
        };
        if let Some(end) = ctx.contract_end().filter(|end| expires < *end) {
            found.push(warning(
                WarningKind::DocumentExpiresBeforeContractEnd,
                document.kind == DocumentKind::Passport || document.kind == DocumentKind::WorkVisa,
                None,
                locale,
                format!(
                    "Dokumen {} habis berlaku {} sebelum kontrak berakhir {}.",
                    document_kind_label(document.kind, Locale::Id),
                    date_text(expires),
                    date_text(end)
                ),
                format!(
                    "The {} expires {} before the contract ends {}.",
                    document_kind_label(document.kind, Locale::En),
                    date_text(expires),
                    date_text(end)
                ),
            ));
        }
        if document.kind == DocumentKind::Passport {
            let on = departure.unwrap_or(ctx.today);
            let needed = on
                .checked_add_months(Months::new(pack.parameters.passport_min_months_at_departure))
                .unwrap_or(on);
            if expires < needed {
                found.push(warning(
                    WarningKind::PassportValidityTooShort,
                    true,
                    Some("passport"),
                    locale,
                    format!(
                        "Paspor berlaku sampai {}: kurang dari {} bulan setelah berangkat.",
                        date_text(expires),
                        pack.parameters.passport_min_months_at_departure
                    ),
                    format!(
                        "Passport valid until {}: less than {} months after departure.",
                        date_text(expires),
                        pack.parameters.passport_min_months_at_departure
                    ),
                ));
            }
        }
    }
    let missing: Vec<&ChecklistItem> = items.iter().filter(|i| !is_closed(i.state)).collect();
    if let Some(departure) = departure {
        let days_left = (departure - ctx.today).num_days();
        if days_left <= pack.parameters.departure_warning_days && !missing.is_empty() {
            found.push(warning(
                WarningKind::DepartureNearItemsMissing,
                true,
                None,
                locale,
                format!(
                    "Berangkat dalam {days_left} hari, {} langkah belum selesai.",
                    missing.len()
                ),
                format!(
                    "Departure in {days_left} days with {} items not done.",
                    missing.len()
                ),
            ));
        }
    }
    for item in &missing {
        if let Some(due) = item
            .due_date
            .as_deref()
            .and_then(|d| parse_date("due", d).ok())
            .filter(|d| *d < ctx.today)
        {
            found.push(warning(
                WarningKind::ItemOverdue,
                false,
                Some(&item.id),
                locale,
                format!("'{}' seharusnya selesai {}.", item.title, date_text(due)),
                format!("'{}' was due {}.", item.title, date_text(due)),
            ));
        }
    }
    found
}

/// Brings a stored checklist to `pack`: a state stored under an id the pack says an item
/// replaces moves to that item; states of items the pack no longer has move to
/// `retired` with the version that dropped them (history is kept); new items start as
/// not started (they need no stored state); done items stay done. Nothing changes
/// when the checklist already follows the pack.
pub(super) fn migrate(mut checklist: Checklist, pack: &Pack) -> Checklist {
    if checklist.pack_version == pack.version {
        return checklist;
    }
    for def in &pack.items {
        for old in &def.replaces {
            if checklist.items.contains_key(&def.id) {
                break;
            }
            if let Some(saved) = checklist.items.remove(old) {
                let moved = StoredItem {
                    id: item_key(&checklist.person_id, &def.id),
                    item_id: def.id.clone(),
                    ..saved
                };
                checklist.items.insert(def.id.clone(), moved);
            }
        }
    }
    let dropped: Vec<String> = checklist
        .items
        .keys()
        .filter(|id| pack.item(id).is_none())
        .cloned()
        .collect();
    for id in dropped {
        if let Some(saved) = checklist.items.remove(&id) {
            let retired = StoredRetired {
                id: saved.id,
                person_id: saved.person_id,
                item_id: saved.item_id,
                state: saved.state,
                retired_in_version: pack.version,
            };
            checklist.retired.insert(id, retired);
        }
    }
    checklist.pack_version = pack.version;
    checklist
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::pack::{parse_pack, tests::shipped_json};
    use super::*;
    use crate::people::{Phase, Sector, Sex};

    fn person() -> Person {
        Person {
            id: "p1".into(),
            full_name: "Siti Contoh".into(),
            nik: "3201000000000001".into(),
            birth_date: "1998-04-12".into(),
            sex: Sex::Female,
            phone: None,
            address: None,
            village: "Desa Contoh".into(),
            archived: false,
            created_at: "2026-11-01T00:00:00.000Z".into(),
            updated_at: "2026-11-01T00:00:00.000Z".into(),
        }
    }

    fn journey() -> Journey {
        Journey {
            person_id: "p1".into(),
            phase: Phase::PreDeparture,
            destination_country: Some("TW".into()),
            sector: Some(Sector::Fishing),
            employer_name: None,
            employer_address: None,
            agency_name: None,
            agency_licence: None,
            departure_date: Some("2027-03-01".into()),
            contract_end_date: None,
            updated_at: "2026-11-01T00:00:00.000Z".into(),
        }
    }

    fn saved(item: &str, state: ItemState) -> StoredItem {
        StoredItem {
            id: item_key("p1", item),
            person_id: "p1".into(),
            item_id: item.into(),
            state,
            done_on: (state == ItemState::Done).then(|| "2026-11-20".to_string()),
            done_by: Some("Kader Contoh".into()),
            note: None,
            document_id: None,
            updated_at: "2026-11-20T09:00:00.000Z".into(),
        }
    }

    /// The shipped pack as version 2: the seafarer's book dropped, the family card
    /// renamed, a new step added.
    pub(in crate::checklist) fn second_version() -> Pack {
        let mut v2 = shipped_json();
        let next = v2["version"].as_u64().unwrap() + 1;
        v2["version"] = next.into();
        let items = v2["items"].as_array_mut().unwrap();
        items.retain(|i| i["id"] != "seafarer_book");
        for item in items.iter_mut() {
            if item["id"] == "family_card" {
                item["id"] = "family_card_copy".into();
                item["replaces"] = serde_json::json!(["family_card"]);
            }
            let deps = item.get_mut("depends_on").and_then(|deps| deps.as_array_mut());
            for dep in deps.into_iter().flatten() {
                if *dep == "family_card" {
                    *dep = "family_card_copy".into();
                }
            }
        }
        let mut added = items[1].clone();
        added["id"] = "new_step".into();
        items.push(added);
        parse_pack(&v2.to_string()).unwrap()
    }

    #[test]
    fn a_new_pack_version_adds_items_keeps_done_ones_renames_and_retires_removed_ones() {
        let v1 = super::super::pack::pack().unwrap();
        let mut stored = Checklist::empty("p1", v1.version);
        for (id, state) in [
            ("ktp", ItemState::Done),
            ("family_card", ItemState::Done),
            ("seafarer_book", ItemState::InProgress),
        ] {
            stored.items.insert(id.to_string(), saved(id, state));
        }
        let v2 = second_version();

        let migrated = migrate(stored.clone(), &v2);
        assert_eq!(migrated.pack_version, v2.version);
        assert_eq!(
            migrated.items["ktp"], stored.items["ktp"],
            "done items stay as they were"
        );
        assert!(!migrated.items.contains_key("family_card"));
        assert_eq!(
            migrated.items["family_card_copy"],
            StoredItem {
                id: item_key("p1", "family_card_copy"),
                item_id: "family_card_copy".into(),
                ..saved("family_card", ItemState::Done)
            },
            "a renamed item keeps its state, who and when"
        );
        assert!(!migrated.items.contains_key("seafarer_book"));
        let retired = &migrated.retired["seafarer_book"];
        assert_eq!(
            (retired.state, retired.retired_in_version),
            (ItemState::InProgress, v2.version)
        );

        // What the person's checklist now shows under the new pack.
        let (person, journey) = (person(), journey());
        let ctx = Context {
            person: &person,
            journey: Some(&journey),
            documents: &[],
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            agency: None,
            education: None,
        };
        let items = applicable_items(&migrated, &v2, &ctx);
        let state = |id: &str| items.iter().find(|i| i.def.id == id).map(|i| i.state);
        assert_eq!(
            state("new_step"),
            Some(ItemState::NotStarted),
            "new items appear, not started"
        );
        assert_eq!(state("ktp"), Some(ItemState::Done));
        assert_eq!(state("family_card_copy"), Some(ItemState::Done));
        assert_eq!(state("seafarer_book"), None, "a retired item is no longer asked");
        let passport = items.iter().find(|i| i.def.id == "passport").unwrap();
        assert_eq!(
            blocked_by(passport.def, &items),
            vec!["birth_certificate".to_string()],
            "the renamed item still counts as done for what depends on it"
        );

        assert_eq!(
            migrate(migrated.clone(), &v2),
            migrated,
            "migrating twice changes nothing"
        );
    }

    #[test]
    fn a_checklist_already_on_the_pack_is_left_as_it_is() {
        // Even a state under an id this pack does not know (a newer app's) stays put.
        let mut stored = Checklist::empty("p1", second_version().version);
        stored
            .items
            .insert("family_card".into(), saved("family_card", ItemState::Done));
        stored
            .items
            .insert("newer_item".into(), saved("newer_item", ItemState::Done));
        assert_eq!(migrate(stored.clone(), &second_version()), stored);
    }

    #[test]
    fn a_replaced_id_does_not_overwrite_a_state_already_stored_under_the_new_id() {
        let mut stored = Checklist::empty("p1", 1);
        stored
            .items
            .insert("family_card".into(), saved("family_card", ItemState::Done));
        stored.items.insert(
            "family_card_copy".into(),
            saved("family_card_copy", ItemState::InProgress),
        );
        let migrated = migrate(stored, &second_version());
        assert_eq!(migrated.items["family_card_copy"].state, ItemState::InProgress);
        assert_eq!(migrated.retired["family_card"].state, ItemState::Done);
    }
}
