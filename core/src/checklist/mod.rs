//! The pre-departure checklist that families and cadres follow together. The items are
//! content (`core/content/checklist/pack.json`): UU 18/2017 requirements and documents
//! and the practical steps, each with its legal basis or practical source, conditions
//! and dependencies. Per person the core keeps item states, enforces the dependencies,
//! computes due dates and warnings from the session's "today", and gives a family view
//! without sensitive detail.
//!
//! Laid out by layer: this file holds the types and the calls the apps make; `pack` is
//! the content pack and its checks; `rules` decides which items apply, what blocks
//! what, due dates, warnings and how stored states follow a new pack; `store` keeps the
//! states in `vault.db` (one typed row per person and item); `progress` counts how far
//! checklists are in SQL (for the agenda and the village report); `view` builds what
//! the cadre and the family see.

mod pack;
mod progress;
mod rules;
mod store;
mod view;

/// The pack's pre-departure orientation item: its view carries the person's village
/// sessions and lessons (`ChecklistItem::education`).
pub const ORIENTATION_ITEM: &str = "pre_departure_orientation";

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::error::{InvalidReason, MigranError, NotAllowedReason, RecordKind, Result};
use crate::i18n::Locale;
use crate::time::{date_text, instant_text};
use crate::validate;
use crate::vault::{Session, Vault};

pub(crate) use progress::{agenda_signals, pre_departure_progress, progress_on, Completeness, Progress};
pub(crate) use store::{SCHEMA, SCHEMA_PLACEMENT_FACTS};
pub(crate) use view::view_on;

/// Where an item stands for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ItemState {
    /// Not begun yet.
    NotStarted,
    /// Begun, not finished.
    InProgress,
    /// Finished.
    Done,
    /// Does not concern this person (decided by the cadre).
    NotApplicable,
}

/// Marital status decides which permission letters apply (UU 18/2017 Pasal 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MaritalStatus {
    /// Never married (belum kawin).
    Single,
    /// Married (kawin).
    Married,
    /// Divorced (cerai hidup).
    Divorced,
    /// Widowed (cerai mati).
    Widowed,
}

/// What an item of the pack is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ItemKind {
    /// A condition the law sets on the person (age, health, ...).
    Requirement,
    /// A document to obtain.
    Document,
    /// A practical step (registration, training, orientation).
    Step,
}

/// What a warning is about; the message gives the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WarningKind {
    /// A document expires before the work contract ends (red for the passport and the work visa).
    DocumentExpiresBeforeContractEnd,
    /// The passport expires less than the pack's minimum (6 months) after departure (red).
    PassportValidityTooShort,
    /// Departure is within the pack's warning days (30) and items are not done (red).
    DepartureNearItemsMissing,
    /// The person is under 18 on the departure date (red).
    UnderageAtDeparture,
    /// An item not done is past its due date.
    ItemOverdue,
    /// A legal block applies: the departure is not allowed as recorded (red, always first).
    LegalBlock,
    /// The recorded P3MI is unknown, suspended or revoked on the installed agency list (red).
    AgencyNotInGoodStanding,
}

crate::storage_codes!(ItemState {
    NotStarted => "not_started",
    InProgress => "in_progress",
    Done => "done",
    NotApplicable => "not_applicable",
});

crate::storage_codes!(MaritalStatus {
    Single => "single",
    Married => "married",
    Divorced => "divorced",
    Widowed => "widowed",
});

crate::storage_codes!(ItemKind {
    Requirement => "requirement",
    Document => "document",
    Step => "step",
});

crate::storage_codes!(WarningKind {
    DocumentExpiresBeforeContractEnd => "document_expires_before_contract_end",
    PassportValidityTooShort => "passport_validity_too_short",
    DepartureNearItemsMissing => "departure_near_items_missing",
    UnderageAtDeparture => "underage_at_departure",
    ItemOverdue => "item_overdue",
    LegalBlock => "legal_block",
    AgencyNotInGoodStanding => "agency_not_in_good_standing",
});

/// Facts about the placement that decide two legal blocks, as the cadre records them.
/// `None`: not recorded, read as "no".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct PlacementFacts {
    /// A placement fee was charged to the worker (UU 18/2017 Pasal 30 ayat (1): for the ten
    /// zero-cost jobs this is a legal block).
    pub fee_charged: Option<bool>,
    /// The placement goes through the official single channel (SPSK, for domestic work
    /// in Saudi Arabia); only this clears that destination's block.
    pub official_channel: Option<bool>,
}

/// A legal block on the departure, shown before everything else.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct LegalBlock {
    /// The id of the blocking item in the pack.
    pub item_id: String,
    /// The block's title, in the requested language.
    pub title: String,
    /// Why the departure is not allowed and what clears the block, in the requested language.
    pub explanation: String,
    /// The law the block rests on.
    pub legal_basis: String,
}

/// A change of one item's state, as the cadre makes it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistItemUpdate {
    /// The new state.
    pub state: ItemState,
    /// Who did it (a cadre's or officer's name); never in the family view.
    pub by: Option<String>,
    /// A note; may span lines.
    pub note: Option<String>,
    /// A stored identity document of the person that proves the item.
    pub document_id: Option<String>,
}

/// One item of a person's checklist, as the cadre sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct ChecklistItem {
    /// The item's stable id in the pack (`passport`, `work_visa`, ...).
    pub id: String,
    /// What kind of item it is.
    pub kind: ItemKind,
    /// The item's title, in the requested language.
    pub title: String,
    /// Why it matters and how to do it, in the requested language.
    pub explanation: String,
    /// The law or practical source the item comes from (e.g. `UU 18/2017 Pasal 13 huruf e`).
    pub legal_basis: String,
    /// Where the item stands.
    pub state: ItemState,
    /// Who last set the item's state (the update's `by`); `None` when not given.
    pub done_by: Option<String>,
    /// `YYYY-MM-DD`: the day the item was marked done (kept while it stays done).
    pub done_on: Option<String>,
    /// When the item's state was last set (RFC 3339 UTC).
    pub updated_at: Option<String>,
    /// The note written with the last change; `None` when none.
    pub note: Option<String>,
    /// The identity document that proves the item: the one chosen, else a stored document of
    /// the item's kind; `None` when there is none.
    pub document_id: Option<String>,
    /// The ids of the items this one needs done (or not applicable) first.
    pub depends_on: Vec<String>,
    /// Items this one still waits for (not done and not "not applicable").
    pub blocked_by: Vec<String>,
    /// When the item should be done, `YYYY-MM-DD` (the departure date minus the item's
    /// offset); `None` without a departure date or an offset.
    pub due_date: Option<String>,
    /// Shown because a condition could not be checked (marital status not recorded).
    pub condition_unknown: bool,
    /// On the pre-departure orientation item only (`ORIENTATION_ITEM`): the village
    /// information sessions the person attended and the lessons they covered, so the
    /// cadre can open them from the item. A village session is not the official OPP, so
    /// it never marks the item done by itself. `None` on every other item, and while the
    /// person attended no session (left out of the JSON then, so views of vaults from
    /// before sessions read back as they were written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<crate::sessions::PersonEducation>,
}

/// Something the cadre should act on, computed with the session's "today".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct ChecklistWarning {
    /// What the warning is about.
    pub kind: WarningKind,
    /// Red: act now; otherwise a caution.
    pub red: bool,
    /// The id of the item it concerns, when there is one (the passport, an overdue item).
    pub item_id: Option<String>,
    /// The warning in the requested language, with its detail (dates, counts).
    pub message: String,
}

/// How far the checklist is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct ChecklistSummary {
    /// Items done.
    pub done: u32,
    /// Items that apply (not "not applicable").
    pub total: u32,
    /// Not-done items whose dependencies are met, in pack order.
    pub next_steps: Vec<String>,
    /// Not-done items still waiting for another item.
    pub blocked: Vec<String>,
    /// How many warnings are red.
    pub red_warnings: u32,
    /// The ids of the legal blocks that apply; first, because while any applies the
    /// departure is not allowed.
    pub legal_blocks: Vec<String>,
    /// Every applicable item done and no legal block: ready to leave.
    pub ready: bool,
}

/// An item of an older pack that the current pack no longer asks, kept as history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct RetiredItem {
    /// The item's id in the older pack.
    pub id: String,
    /// Its last state.
    pub state: ItemState,
    /// The pack version that dropped it.
    pub retired_in_version: u32,
}

/// A person's checklist for the cadre: every item that applies, in pack order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct ChecklistView {
    /// The person whose checklist this is.
    pub person_id: String,
    /// The version of the pack the checklist follows.
    pub pack_version: u32,
    /// The person's marital status; `None` until set with `set_marital_status`.
    pub marital_status: Option<MaritalStatus>,
    /// The placement facts recorded with `set_placement_facts`.
    pub placement: PlacementFacts,
    /// The legal blocks that apply, before everything else.
    pub legal_blocks: Vec<LegalBlock>,
    /// Every item that applies to the person, in pack order.
    pub items: Vec<ChecklistItem>,
    /// How far the checklist is.
    pub summary: ChecklistSummary,
    /// What the cadre should act on.
    pub warnings: Vec<ChecklistWarning>,
    /// Items of an older pack that are no longer asked, kept as history.
    pub retired: Vec<RetiredItem>,
}

/// One item in the family's words.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyItem {
    /// The item's title.
    pub title: String,
    /// What to do, in plain words for the family.
    pub text: String,
    /// Where the item stands.
    pub state: ItemState,
    /// When it should be done, `YYYY-MM-DD`; `None` when there is no due date.
    pub due_date: Option<String>,
}

/// What a family sees: plain words, states and dates; no NIK, no document numbers, no
/// notes, no names.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyChecklistView {
    /// The person's first name (the first word of the full name).
    pub first_name: String,
    /// The legal blocks in the family's words, first: while any is here, the person
    /// must not leave.
    pub legal_blocks: Vec<String>,
    /// Items done.
    pub done: u32,
    /// Items that apply (not "not applicable").
    pub total: u32,
    /// Every item that applies, in pack order.
    pub items: Vec<FamilyItem>,
    /// The next steps in plain words (open items whose dependencies are met).
    pub next_steps: Vec<String>,
    /// The red warnings, as fixed sentences (no dates, no document details).
    pub warnings: Vec<String>,
}

#[uniffi::export]
impl Vault {
    /// A person's checklist for the cadre, in the pack's order.
    pub fn checklist(&self, person_id: String, locale: Locale) -> Result<ChecklistView> {
        let pack = pack::pack()?;
        self.read(|s| {
            let checklist = rules::migrate(store::load(s, &person_id, pack)?, pack);
            s.audit(AuditAction::Read, RecordKind::Checklist, &person_id, &person_id);
            let subject = store::subject(s, &person_id)?;
            Ok(view::cadre_view(
                &checklist,
                pack,
                &subject.context(s.now.date_naive()),
                locale,
            ))
        })
    }

    /// Sets an item's state. Done needs every item it depends on done (or not
    /// applicable): otherwise `NotAllowed` with `ChecklistDependency` names them.
    pub fn set_checklist_item(
        &self,
        person_id: String,
        item_id: String,
        update: ChecklistItemUpdate,
        locale: Locale,
    ) -> Result<ChecklistView> {
        let pack = pack::pack()?;
        let by = validate::optional_text("by", update.by.as_deref(), validate::SHORT_TEXT_MAX)?;
        let note = validate::optional_multiline("note", update.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let stored = store::load(s, &person_id, pack)?;
            let mut checklist = rules::migrate(stored.clone(), pack);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let subject = store::subject(s, &person_id)?;
            let today = s.now.date_naive();
            let ctx = subject.context(today);
            let items = rules::applicable_items(&checklist, pack, &ctx);
            let item = items
                .iter()
                .find(|item| item.def.id == item_id)
                .ok_or_else(|| MigranError::invalid("item", InvalidReason::BadFormat))?;
            if item.def.legal_block && rules::is_closed(update.state) {
                return Err(MigranError::not_allowed(NotAllowedReason::LegalBlock {
                    item: item_id.clone(),
                }));
            }
            let missing = rules::blocked_by(item.def, &items);
            if update.state == ItemState::Done && !missing.is_empty() {
                return Err(MigranError::not_allowed(NotAllowedReason::ChecklistDependency {
                    item: item_id.clone(),
                    missing,
                }));
            }
            if let Some(document_id) = &update.document_id {
                if !ctx.documents.iter().any(|d| &d.id == document_id) {
                    return Err(MigranError::NotFound {
                        kind: RecordKind::Document,
                    });
                }
            }
            // Done keeps the day it was first marked done; any other state clears it.
            let done_on = match update.state {
                ItemState::Done => checklist
                    .items
                    .get(&item_id)
                    .filter(|previous| previous.state == ItemState::Done)
                    .and_then(|previous| previous.done_on.clone())
                    .or_else(|| Some(date_text(today))),
                _ => None,
            };
            let row = store::StoredItem {
                id: store::item_key(&person_id, &item_id),
                person_id: person_id.clone(),
                item_id: item_id.clone(),
                state: update.state,
                done_on,
                done_by: by,
                note,
                document_id: update.document_id.clone(),
                updated_at: instant_text(s.now),
            };
            checklist.items.insert(item_id.clone(), row);
            store::save(s, &stored, &checklist)?;
            s.audit(AuditAction::Update, RecordKind::Checklist, &person_id, &person_id);
            Ok(view::cadre_view(&checklist, pack, &ctx, locale))
        })
    }

    /// Marital status decides which permission letters apply (UU 18/2017 Pasal 13).
    pub fn set_marital_status(
        &self,
        person_id: String,
        status: MaritalStatus,
        locale: Locale,
    ) -> Result<ChecklistView> {
        self.change_checklist_facts(
            person_id,
            |checklist| checklist.marital_status = Some(status),
            locale,
        )
    }

    /// Records the placement facts that decide two legal blocks: a fee charged for a
    /// zero-cost job, and a placement through the official single channel (Saudi
    /// Arabia's SPSK). Both are replaced by what is given (`None` clears a fact).
    pub fn set_placement_facts(
        &self,
        person_id: String,
        facts: PlacementFacts,
        locale: Locale,
    ) -> Result<ChecklistView> {
        self.write_placement_facts(person_id, |_| facts, locale)
    }

    /// The same checklist in plain words for the family: no NIK, no document numbers,
    /// no notes, no names of who did what. Needs the person's consent to share with
    /// their family (`NotAllowed` with `ConsentMissing`/`ConsentWithdrawn` otherwise).
    pub fn family_checklist(&self, person_id: String, locale: Locale) -> Result<FamilyChecklistView> {
        let pack = pack::pack()?;
        self.read(|s| {
            let checklist = rules::migrate(store::load(s, &person_id, pack)?, pack);
            consent::require(s, &person_id, ConsentPurpose::ShareWithFamily)?;
            s.audit(
                AuditAction::Read,
                RecordKind::FamilyChecklist,
                &person_id,
                &person_id,
            );
            family_view_from(s, &person_id, &checklist, pack, locale)
        })
    }

    /// The version of the checklist pack this build carries.
    pub fn checklist_pack_version(&self) -> Result<u32> {
        Ok(pack::pack()?.version)
    }
}

/// The family's view without the consent check and the audit entry, for a caller that
/// made both (a follow link's view).
pub(crate) fn family_view_of(
    s: &Session<'_>,
    person_id: &str,
    locale: Locale,
) -> Result<FamilyChecklistView> {
    let pack = pack::pack()?;
    let checklist = rules::migrate(store::load(s, person_id, pack)?, pack);
    family_view_from(s, person_id, &checklist, pack, locale)
}

fn family_view_from(
    s: &Session<'_>,
    person_id: &str,
    checklist: &store::Checklist,
    pack: &pack::Pack,
    locale: Locale,
) -> Result<FamilyChecklistView> {
    let subject = store::subject(s, person_id)?;
    let ctx = subject.context(s.now.date_naive());
    let cadre = view::cadre_view(checklist, pack, &ctx, locale);
    Ok(view::family_view(&cadre, pack, &subject.person, locale))
}

impl Vault {
    /// Changes only the placement facts given (`Some`), keeping the others as recorded,
    /// in one transaction: two changes made at once both take effect (the command line's
    /// `checklist placement`; the apps replace both facts with `set_placement_facts`).
    pub fn change_placement_facts(
        &self,
        person_id: String,
        fee_charged: Option<bool>,
        official_channel: Option<bool>,
        locale: Locale,
    ) -> Result<ChecklistView> {
        self.write_placement_facts(
            person_id,
            |recorded| PlacementFacts {
                fee_charged: fee_charged.or(recorded.fee_charged),
                official_channel: official_channel.or(recorded.official_channel),
            },
            locale,
        )
    }

    fn write_placement_facts(
        &self,
        person_id: String,
        change: impl FnOnce(PlacementFacts) -> PlacementFacts,
        locale: Locale,
    ) -> Result<ChecklistView> {
        self.change_checklist_facts(
            person_id,
            |checklist| checklist.placement = change(checklist.placement),
            locale,
        )
    }

    /// A fact about the person that the checklist's rules read (marital status, placement),
    /// changed inside the write's transaction so that two changes made at once both count.
    fn change_checklist_facts(
        &self,
        person_id: String,
        change: impl FnOnce(&mut store::Checklist),
        locale: Locale,
    ) -> Result<ChecklistView> {
        let pack = pack::pack()?;
        self.write(|s| {
            let stored = store::load(s, &person_id, pack)?;
            let mut checklist = rules::migrate(stored.clone(), pack);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            change(&mut checklist);
            store::save(s, &stored, &checklist)?;
            s.audit(AuditAction::Update, RecordKind::Checklist, &person_id, &person_id);
            let subject = store::subject(s, &person_id)?;
            Ok(view::cadre_view(
                &checklist,
                pack,
                &subject.context(s.now.date_naive()),
                locale,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    fn codes<T: StorageCode>() -> String {
        T::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn every_stored_code_of_the_checklist_enums_is_pinned() {
        assert_eq!(
            codes::<ItemState>(),
            "not_started,in_progress,done,not_applicable"
        );
        assert_eq!(codes::<MaritalStatus>(), "single,married,divorced,widowed");
        assert_eq!(codes::<ItemKind>(), "requirement,document,step");
        assert_eq!(
            codes::<WarningKind>(),
            "document_expires_before_contract_end,passport_validity_too_short,\
             departure_near_items_missing,underage_at_departure,item_overdue,legal_block,\
             agency_not_in_good_standing"
        );
        assert_eq!(
            serde_json::to_string(&ItemState::NotApplicable).unwrap(),
            "\"not_applicable\""
        );
    }
}
