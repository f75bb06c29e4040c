//! The pre-departure checklist that families and cadres follow together. The items are
//! content (`core/content/checklist/pack.json`): UU 18/2017 requirements and documents
//! and the practical steps, each with its legal basis or practical source, conditions
//! and dependencies. Per person the core keeps item states (sealed), enforces the
//! dependencies, computes due dates and warnings from the session's "today", and gives
//! a family view without sensitive detail.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Duration, Months, NaiveDate};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::Place;
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::{Locale, LocalizedText};
use crate::people::{self, DocumentKind, IdentityDocument, Journey, Person, Phase, Sector, Sex};
use crate::time::{age_on, date_text, instant_text, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

/// The checklists table (still one sealed row per person).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE checklists (
        person_id   TEXT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
        updated_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
"#;

const PACK: &str = include_str!("../content/checklist/pack.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
pub enum ItemState {
    NotStarted,
    InProgress,
    Done,
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    Single,
    Married,
    Divorced,
    Widowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Requirement,
    Document,
    Step,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
pub enum WarningKind {
    DocumentExpiresBeforeContractEnd,
    PassportValidityTooShort,
    DepartureNearItemsMissing,
    UnderageAtDeparture,
    ItemOverdue,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistItemUpdate {
    pub state: ItemState,
    /// Who did it (a cadre's or officer's name); sealed, never in the family view.
    pub by: Option<String>,
    pub note: Option<String>,
    /// A stored identity document that proves the item.
    pub document_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ChecklistItem {
    pub id: String,
    pub kind: ItemKind,
    pub title: String,
    pub explanation: String,
    pub legal_basis: String,
    pub state: ItemState,
    pub done_by: Option<String>,
    pub updated_at: Option<String>,
    pub note: Option<String>,
    pub document_id: Option<String>,
    pub depends_on: Vec<String>,
    /// Items this one still waits for (not done and not "not applicable").
    pub blocked_by: Vec<String>,
    pub due_date: Option<String>,
    /// Shown because a condition could not be checked (marital status not recorded).
    pub condition_unknown: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ChecklistWarning {
    pub kind: WarningKind,
    /// Red: act now; otherwise a caution.
    pub red: bool,
    pub item_id: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ChecklistSummary {
    pub done: u32,
    /// Items that apply (not "not applicable").
    pub total: u32,
    /// Not-done items whose dependencies are met, in pack order.
    pub next_steps: Vec<String>,
    /// Not-done items still waiting for another item.
    pub blocked: Vec<String>,
    pub red_warnings: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct RetiredItem {
    pub id: String,
    pub state: ItemState,
    pub retired_in_version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ChecklistView {
    pub person_id: String,
    pub pack_version: u32,
    pub marital_status: Option<MaritalStatus>,
    pub items: Vec<ChecklistItem>,
    pub summary: ChecklistSummary,
    pub warnings: Vec<ChecklistWarning>,
    /// Items of an older pack that are no longer asked, kept as history.
    pub retired: Vec<RetiredItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyItem {
    pub title: String,
    pub text: String,
    pub state: ItemState,
    pub due_date: Option<String>,
}

/// What a family sees: plain words, states and dates; no NIK, no document numbers, no
/// notes, no names.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyChecklistView {
    pub first_name: String,
    pub done: u32,
    pub total: u32,
    pub items: Vec<FamilyItem>,
    pub next_steps: Vec<String>,
    pub warnings: Vec<String>,
}

// ---- the pack ------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct Pack {
    pub version: u32,
    parameters: Parameters,
    moratorium_countries: Vec<String>,
    pub items: Vec<ItemDef>,
}

#[derive(Debug, Deserialize)]
struct Parameters {
    passport_min_months_at_departure: u32,
    departure_warning_days: i64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ItemDef {
    pub id: String,
    #[serde(rename = "phase")]
    kind: ItemKind,
    legal_basis: String,
    #[serde(default)]
    conditions: Conditions,
    #[serde(default)]
    pub depends_on: Vec<String>,
    document_kind: Option<DocumentKind>,
    title: LocalizedText,
    explanation: LocalizedText,
    family: LocalizedText,
    due_days_before_departure: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
struct Conditions {
    /// A list of ISO codes, or "moratorium" for the pack's moratorium list.
    countries: Option<CountryCondition>,
    sectors: Option<Vec<Sector>>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    sex: Option<SexCondition>,
    marital_status: Option<Vec<MaritalStatus>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CountryCondition {
    Named(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SexCondition {
    Female,
    Male,
}

pub(crate) fn parse_pack(text: &str) -> Result<Pack> {
    serde_json::from_str(text).map_err(|_| MigranError::internal("the checklist pack does not parse"))
}

fn pack() -> Result<&'static Pack> {
    static PARSED: OnceLock<std::result::Result<Pack, MigranError>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse_pack(PACK))
        .as_ref()
        .map_err(Clone::clone)
}

// ---- per-person state ----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredItem {
    pub state: ItemState,
    by: Option<String>,
    at: Option<String>,
    note: Option<String>,
    document_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct StoredChecklist {
    pub pack_version: u32,
    marital_status: Option<MaritalStatus>,
    pub items: BTreeMap<String, StoredItem>,
    /// Items dropped by a newer pack: id -> (state, version that dropped them).
    pub retired: BTreeMap<String, (ItemState, u32)>,
}

/// Brings a stored checklist to `pack`: items the pack no longer has move to `retired`
/// with their state (history is kept); new items start as not started (they need no
/// stored entry); done items stay done.
pub(crate) fn migrate(mut stored: StoredChecklist, pack: &Pack) -> StoredChecklist {
    if stored.pack_version == pack.version {
        return stored;
    }
    let known: Vec<&str> = pack.items.iter().map(|i| i.id.as_str()).collect();
    let dropped: Vec<String> = stored
        .items
        .keys()
        .filter(|id| !known.contains(&id.as_str()))
        .cloned()
        .collect();
    for id in dropped {
        if let Some(item) = stored.items.remove(&id) {
            stored.retired.insert(id, (item.state, pack.version));
        }
    }
    stored.pack_version = pack.version;
    stored
}

struct Context<'a> {
    person: &'a Person,
    journey: Option<&'a Journey>,
    documents: &'a [IdentityDocument],
    today: NaiveDate,
}

impl Context<'_> {
    fn departure(&self) -> Option<NaiveDate> {
        self.journey
            .and_then(|j| j.departure_date.as_deref())
            .and_then(|d| parse_date("departure_date", d).ok())
    }

    fn contract_end(&self) -> Option<NaiveDate> {
        self.journey
            .and_then(|j| j.contract_end_date.as_deref())
            .and_then(|d| parse_date("contract_end_date", d).ok())
    }

    fn age_at_departure(&self) -> Option<i32> {
        let birth = parse_date("birth_date", &self.person.birth_date).ok()?;
        Some(age_on(birth, self.departure().unwrap_or(self.today)))
    }
}

/// Whether the item applies: `Some(true)`, `Some(false)`, or `None` when a condition
/// could not be checked (then it is shown, flagged, so nothing is missed).
fn applies(item: &ItemDef, pack: &Pack, ctx: &Context<'_>, marital: Option<MaritalStatus>) -> Option<bool> {
    let c = &item.conditions;
    let destination = ctx.journey.and_then(|j| j.destination_country.clone());
    if let Some(countries) = &c.countries {
        let list: &[String] = match countries {
            CountryCondition::Named(name) if name == "moratorium" => &pack.moratorium_countries,
            CountryCondition::Named(_) => &[],
            CountryCondition::List(list) => list,
        };
        match &destination {
            Some(code) if list.contains(code) => {}
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
    if let Some(sex) = c.sex {
        let wanted = if sex == SexCondition::Female {
            Sex::Female
        } else {
            Sex::Male
        };
        if ctx.person.sex != wanted {
            return Some(false);
        }
    }
    if let Some(statuses) = &c.marital_status {
        return marital.map(|status| statuses.contains(&status));
    }
    Some(true)
}

/// An item that applies to the person: its definition, state, what was saved, due date,
/// and whether a condition could not be checked.
type Applicable<'a> = (
    &'a ItemDef,
    ItemState,
    Option<&'a StoredItem>,
    Option<NaiveDate>,
    bool,
);

fn applicable_items<'a>(
    stored: &'a StoredChecklist,
    pack: &'a Pack,
    ctx: &Context<'_>,
) -> Vec<Applicable<'a>> {
    let departure = ctx.departure();
    let mut items = Vec::new();
    for def in &pack.items {
        let applicability = applies(def, pack, ctx, stored.marital_status);
        if applicability == Some(false) {
            continue;
        }
        let saved = stored.items.get(&def.id);
        let state = saved.map_or(ItemState::NotStarted, |s| s.state);
        let due_date = match (def.due_days_before_departure, departure) {
            (Some(days), Some(departure)) => Some(departure - Duration::days(days)),
            _ => None,
        };
        items.push((def, state, saved, due_date, applicability.is_none()));
    }
    items
}

fn build_view(stored: &StoredChecklist, pack: &Pack, ctx: &Context<'_>, locale: Locale) -> ChecklistView {
    let items = applicable_items(stored, pack, ctx);
    let state_of = |id: &str| items.iter().find(|(d, ..)| d.id == id).map(|(_, s, ..)| *s);
    let mut views: Vec<ChecklistItem> = items
        .iter()
        .map(|(def, state, saved, due, unknown)| ChecklistItem {
            id: def.id.clone(),
            kind: def.kind,
            title: def.title.get(locale).to_string(),
            explanation: def.explanation.get(locale).to_string(),
            legal_basis: def.legal_basis.clone(),
            state: *state,
            done_by: saved.and_then(|s| s.by.clone()),
            updated_at: saved.and_then(|s| s.at.clone()),
            note: saved.and_then(|s| s.note.clone()),
            document_id: saved.and_then(|s| s.document_id.clone()),
            depends_on: def.depends_on.clone(),
            blocked_by: def
                .depends_on
                .iter()
                .filter(|dep| {
                    !matches!(
                        state_of(dep),
                        Some(ItemState::Done | ItemState::NotApplicable) | None
                    )
                })
                .cloned()
                .collect(),
            due_date: due.map(date_text),
            condition_unknown: *unknown,
        })
        .collect();
    // A document recorded in the vault links itself to its item when none was chosen.
    for view in &mut views {
        if view.document_id.is_none() {
            if let Some(kind) = pack
                .items
                .iter()
                .find(|d| d.id == view.id)
                .and_then(|d| d.document_kind)
            {
                view.document_id = ctx
                    .documents
                    .iter()
                    .find(|doc| doc.kind == kind)
                    .map(|doc| doc.id.clone());
            }
        }
    }
    let warnings = warnings(&views, pack, ctx, locale);
    let open = |v: &&ChecklistItem| !matches!(v.state, ItemState::Done | ItemState::NotApplicable);
    let summary = ChecklistSummary {
        done: views.iter().filter(|v| v.state == ItemState::Done).count() as u32,
        total: views
            .iter()
            .filter(|v| v.state != ItemState::NotApplicable)
            .count() as u32,
        next_steps: views
            .iter()
            .filter(open)
            .filter(|v| v.blocked_by.is_empty())
            .map(|v| v.id.clone())
            .collect(),
        blocked: views
            .iter()
            .filter(open)
            .filter(|v| !v.blocked_by.is_empty())
            .map(|v| v.id.clone())
            .collect(),
        red_warnings: warnings.iter().filter(|w| w.red).count() as u32,
    };
    ChecklistView {
        person_id: ctx.person.id.clone(),
        pack_version: pack.version,
        marital_status: stored.marital_status,
        items: views,
        summary,
        warnings,
        retired: stored
            .retired
            .iter()
            .map(|(id, (state, version))| RetiredItem {
                id: id.clone(),
                state: *state,
                retired_in_version: *version,
            })
            .collect(),
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

fn warnings(
    items: &[ChecklistItem],
    pack: &Pack,
    ctx: &Context<'_>,
    locale: Locale,
) -> Vec<ChecklistWarning> {
    let mut found = Vec::new();
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
                    "Dokumen {:?} habis berlaku {} sebelum kontrak berakhir {}.",
                    document.kind,
                    date_text(expires),
                    date_text(end)
                ),
                format!(
                    "{:?} expires {} before the contract ends {}.",
                    document.kind,
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
    let missing: Vec<&ChecklistItem> = items
        .iter()
        .filter(|i| !matches!(i.state, ItemState::Done | ItemState::NotApplicable))
        .collect();
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

// ---- API -----------------------------------------------------------------------------

const PLACE_TABLE: &str = "checklists";

#[uniffi::export]
impl Vault {
    pub fn checklist(&self, person_id: String, locale: Locale) -> Result<ChecklistView> {
        let pack = pack()?;
        self.read(|s| {
            let stored = migrate(load(s, &person_id)?, pack);
            s.audit(AuditAction::Read, RecordKind::Checklist, &person_id, &person_id);
            with_context(s, &person_id, |ctx| Ok(build_view(&stored, pack, ctx, locale)))
        })
    }

    /// Sets an item's state. Done needs every item it depends on done (or not
    /// applicable): otherwise `DependencyNotMet` names them.
    pub fn set_checklist_item(
        &self,
        person_id: String,
        item_id: String,
        update: ChecklistItemUpdate,
        locale: Locale,
    ) -> Result<ChecklistView> {
        let pack = pack()?;
        let by = validate::optional_text("by", update.by.as_deref(), validate::SHORT_TEXT_MAX)?;
        let note = validate::optional_multiline("note", update.note.as_deref(), validate::LONG_TEXT_MAX)?;
        self.write(|s| {
            let mut stored = migrate(load(s, &person_id)?, pack);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            with_context(s, &person_id, |ctx| {
                let view = build_view(&stored, pack, ctx, locale);
                let item = view
                    .items
                    .iter()
                    .find(|i| i.id == item_id)
                    .ok_or_else(|| MigranError::invalid("item", InvalidReason::BadFormat))?;
                if update.state == ItemState::Done && !item.blocked_by.is_empty() {
                    return Err(MigranError::not_allowed(
                        crate::error::NotAllowedReason::ChecklistDependency {
                            item: item_id.clone(),
                            missing: item.blocked_by.clone(),
                        },
                    ));
                }
                if let Some(document_id) = &update.document_id {
                    if !ctx.documents.iter().any(|d| &d.id == document_id) {
                        return Err(MigranError::not_found("document"));
                    }
                }
                Ok(())
            })?;
            stored.items.insert(
                item_id.clone(),
                StoredItem {
                    state: update.state,
                    by,
                    at: Some(instant_text(s.now)),
                    note,
                    document_id: update.document_id.clone(),
                },
            );
            save(s, &person_id, &stored)?;
            s.audit(AuditAction::Update, RecordKind::Checklist, &person_id, &person_id);
            with_context(s, &person_id, |ctx| Ok(build_view(&stored, pack, ctx, locale)))
        })
    }

    /// Marital status decides which permission letters apply (UU 18/2017 Pasal 13).
    pub fn set_marital_status(
        &self,
        person_id: String,
        status: MaritalStatus,
        locale: Locale,
    ) -> Result<ChecklistView> {
        let pack = pack()?;
        self.write(|s| {
            let mut stored = migrate(load(s, &person_id)?, pack);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            stored.marital_status = Some(status);
            save(s, &person_id, &stored)?;
            s.audit(AuditAction::Update, RecordKind::Checklist, &person_id, &person_id);
            with_context(s, &person_id, |ctx| Ok(build_view(&stored, pack, ctx, locale)))
        })
    }

    /// The same checklist in plain words for the family: no NIK, no document numbers,
    /// no notes, no names of who did what. Needs the person's consent to share with
    /// their family (`NotAllowed` with `consent_missing:share_with_family` otherwise).
    pub fn family_checklist(&self, person_id: String, locale: Locale) -> Result<FamilyChecklistView> {
        let pack = pack()?;
        self.read(|s| {
            let stored = migrate(load(s, &person_id)?, pack);
            consent::require(s, &person_id, ConsentPurpose::ShareWithFamily)?;
            s.audit(
                AuditAction::Read,
                RecordKind::FamilyChecklist,
                &person_id,
                &person_id,
            );
            with_context(s, &person_id, |ctx| {
                let view = build_view(&stored, pack, ctx, locale);
                let family_text = |id: &str| {
                    pack.items
                        .iter()
                        .find(|d| d.id == id)
                        .map_or(String::new(), |d| d.family.get(locale).to_string())
                };
                Ok(FamilyChecklistView {
                    first_name: ctx
                        .person
                        .full_name
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    done: view.summary.done,
                    total: view.summary.total,
                    next_steps: view.summary.next_steps.iter().map(|id| family_text(id)).collect(),
                    items: view
                        .items
                        .iter()
                        .map(|item| FamilyItem {
                            title: item.title.clone(),
                            text: family_text(&item.id),
                            state: item.state,
                            due_date: item.due_date.clone(),
                        })
                        .collect(),
                    warnings: view
                        .warnings
                        .iter()
                        .filter(|w| w.red)
                        .map(|w| family_warning(w.kind, locale))
                        .collect(),
                })
            })
        })
    }

    pub fn checklist_pack_version(&self) -> Result<u32> {
        Ok(pack()?.version)
    }
}

/// Family warnings are fixed sentences: the detailed ones can carry dates of documents.
fn family_warning(kind: WarningKind, locale: Locale) -> String {
    let (id, en) = match kind {
        WarningKind::UnderageAtDeparture => (
            "Belum cukup umur untuk berangkat.",
            "Not old enough to leave yet.",
        ),
        WarningKind::PassportValidityTooShort => (
            "Masa berlaku paspor terlalu pendek.",
            "The passport's validity is too short.",
        ),
        WarningKind::DocumentExpiresBeforeContractEnd => (
            "Ada dokumen yang habis berlaku sebelum kontrak berakhir.",
            "A document expires before the contract ends.",
        ),
        WarningKind::DepartureNearItemsMissing => (
            "Keberangkatan sudah dekat dan masih ada langkah yang belum selesai.",
            "Departure is near and some steps are not done.",
        ),
        WarningKind::ItemOverdue => ("Ada langkah yang terlambat.", "A step is overdue."),
    };
    LocalizedText::new(id, en).get(locale).to_string()
}

fn with_context<T>(
    s: &Session<'_>,
    person_id: &str,
    work: impl FnOnce(&Context<'_>) -> Result<T>,
) -> Result<T> {
    with_context_on(s, person_id, s.now.date_naive(), work)
}

fn with_context_on<T>(
    s: &Session<'_>,
    person_id: &str,
    today: NaiveDate,
    work: impl FnOnce(&Context<'_>) -> Result<T>,
) -> Result<T> {
    let person = people::load_person(s, person_id)?;
    let journey = people::load_journey(s, person_id)?;
    let documents = people::load_documents(s, person_id)?;
    work(&Context {
        person: &person,
        journey: journey.as_ref(),
        documents: &documents,
        today,
    })
}

// ---- what the agenda, the village report and the person's export read --------------

/// A person's checklist as it stands on `today` (in Bahasa Indonesia, the default).
pub(crate) fn view_on(s: &Session<'_>, person_id: &str, today: NaiveDate) -> Result<ChecklistView> {
    let pack = pack()?;
    let stored = migrate(load(s, person_id)?, pack);
    with_context_on(s, person_id, today, |ctx| {
        Ok(build_view(&stored, pack, ctx, Locale::Id))
    })
}

/// How far a person's checklist is, counted by the same rules as the view but without
/// its texts, links and warnings (the agenda and the report ask this of every person in
/// pre-departure). Needs the person's journey, which the callers already hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    pub done: u32,
    /// Items that apply and are not "not applicable".
    pub total: u32,
    pub started: bool,
}

pub(crate) fn progress_on(
    s: &Session<'_>,
    person_id: &str,
    journey: Option<&Journey>,
    today: NaiveDate,
) -> Result<Progress> {
    let pack = pack()?;
    let stored = migrate(load(s, person_id)?, pack);
    let person = people::load_person(s, person_id)?;
    let ctx = Context {
        person: &person,
        journey,
        documents: &[],
        today,
    };
    let items = applicable_items(&stored, pack, &ctx);
    Ok(Progress {
        done: items.iter().filter(|i| i.1 == ItemState::Done).count() as u32,
        total: items.iter().filter(|i| i.1 != ItemState::NotApplicable).count() as u32,
        started: items
            .iter()
            .any(|i| matches!(i.1, ItemState::Done | ItemState::InProgress)),
    })
}

/// How far a checklist is: every applicable item done, some started, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completeness {
    Complete,
    Incomplete,
    NotStarted,
}

impl Completeness {
    pub(crate) fn of(progress: Progress) -> Completeness {
        if progress.done == progress.total {
            Completeness::Complete
        } else if progress.started {
            Completeness::Incomplete
        } else {
            Completeness::NotStarted
        }
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            Completeness::Complete => "complete",
            Completeness::Incomplete => "incomplete",
            Completeness::NotStarted => "not_started",
        }
    }
}

/// The agenda's signal: every followed person in pre-departure whose checklist still
/// misses applicable items, due on the departure date when one is recorded. A checklist
/// that cannot be opened (damaged row) is listed with no count rather than dropped.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let mut signals = Vec::new();
    for person in ctx.persons {
        if person.phase != Phase::PreDeparture {
            continue;
        }
        let journey = people::load_journey(s, &person.id)?;
        let (missing, departure) = match progress_on(s, &person.id, journey.as_ref(), ctx.on) {
            Ok(progress) => {
                let missing = progress.total.saturating_sub(progress.done);
                if missing == 0 {
                    continue;
                }
                let departure = journey
                    .and_then(|journey| journey.departure_date)
                    .and_then(|date| crate::time::parse_stored_date(&date));
                (Some(missing), departure)
            }
            Err(MigranError::Tampered { .. }) => (None, None),
            Err(other) => return Err(other),
        };
        signals.push(Signal {
            kind: AgendaKind::MissingChecklistItems,
            person_id: person.id.clone(),
            record_id: None,
            due_on: departure,
            count: missing,
        });
    }
    Ok(signals)
}

fn place(person_id: &str) -> Place<'_> {
    Place {
        table: PLACE_TABLE,
        row: person_id,
        column: "data",
    }
}

fn load(s: &Session<'_>, person_id: &str) -> Result<StoredChecklist> {
    people::ensure_person(s, person_id)?;
    let sealed: Option<Vec<u8>> = s
        .conn
        .query_row(
            "SELECT data FROM checklists WHERE person_id = ?1",
            params![person_id],
            |row| row.get(0),
        )
        .optional()?;
    match sealed {
        Some(sealed) => s.keys.open_json(place(person_id), &sealed, "checklist"),
        None => Ok(StoredChecklist {
            pack_version: pack()?.version,
            ..StoredChecklist::default()
        }),
    }
}

fn save(s: &Session<'_>, person_id: &str, stored: &StoredChecklist) -> Result<()> {
    let sealed = s.keys.seal_json(place(person_id), stored)?;
    s.conn.execute(
        "INSERT INTO checklists (person_id, updated_at, data) VALUES (?1, ?2, ?3)
         ON CONFLICT (person_id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data",
        params![person_id, instant_text(s.now), sealed],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            .moratorium_countries
            .iter()
            .all(|c| crate::validate::is_country_code(c)));
    }

    #[test]
    fn a_new_pack_version_adds_items_keeps_done_ones_and_retires_removed_ones() {
        let v1 = pack().unwrap();
        let mut stored = StoredChecklist {
            pack_version: v1.version,
            ..StoredChecklist::default()
        };
        for (id, state) in [("ktp", ItemState::Done), ("seafarer_book", ItemState::InProgress)] {
            stored.items.insert(
                id.to_string(),
                StoredItem {
                    state,
                    by: None,
                    at: None,
                    note: None,
                    document_id: None,
                },
            );
        }
        let mut v2: serde_json::Value = serde_json::from_str(PACK).unwrap();
        v2["version"] = 2.into();
        let items = v2["items"].as_array_mut().unwrap();
        items.retain(|i| i["id"] != "seafarer_book");
        let mut added = items[1].clone();
        added["id"] = "new_step".into();
        items.push(added);
        let v2 = parse_pack(&v2.to_string()).unwrap();

        let migrated = migrate(stored, &v2);
        assert_eq!(migrated.pack_version, 2);
        assert_eq!(migrated.items["ktp"].state, ItemState::Done);
        assert!(!migrated.items.contains_key("seafarer_book"));
        assert_eq!(migrated.retired["seafarer_book"], (ItemState::InProgress, 2));
        assert!(
            v2.items.iter().any(|i| i.id == "new_step"),
            "new items appear, not started"
        );
        assert_eq!(
            migrate(migrated.clone(), &v2),
            migrated,
            "migrating twice changes nothing"
        );
    }
}
