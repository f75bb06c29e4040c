//! What the cadre and the family see of a checklist, built from the stored states with
//! the rules.

use chrono::NaiveDate;

use super::pack::{self, Pack};
use super::rules::{self, Context};
use super::store::{self, Checklist};
use super::{
    ChecklistItem, ChecklistSummary, ChecklistView, FamilyChecklistView, FamilyItem, LegalBlock, RetiredItem,
    WarningKind,
};
use crate::error::Result;
use crate::i18n::{Locale, LocalizedText};
use crate::people::Person;
use crate::time::date_text;
use crate::vault::Session;

/// The cadre's view: every applicable item with its state, who, when, note, document
/// and due date, the summary, the warnings and the retired items.
pub(super) fn cadre_view(
    checklist: &Checklist,
    pack: &Pack,
    ctx: &Context<'_>,
    locale: Locale,
) -> ChecklistView {
    let items = rules::applicable_items(checklist, pack, ctx);
    let views: Vec<ChecklistItem> = items
        .iter()
        .map(|item| {
            let saved = item.saved;
            ChecklistItem {
                id: item.def.id.clone(),
                kind: item.def.kind,
                title: item.def.title.get(locale).to_string(),
                explanation: item.def.explanation.get(locale).to_string(),
                legal_basis: item.def.legal_basis.clone(),
                state: item.state,
                done_by: saved.and_then(|s| s.done_by.clone()),
                done_on: saved.and_then(|s| s.done_on.clone()),
                updated_at: saved.map(|s| s.updated_at.clone()),
                note: saved.and_then(|s| s.note.clone()),
                // A document recorded in the vault links itself to its item when none
                // was chosen.
                document_id: saved.and_then(|s| s.document_id.clone()).or_else(|| {
                    let kind = item.def.document_kind?;
                    ctx.documents
                        .iter()
                        .find(|doc| doc.kind == kind)
                        .map(|doc| doc.id.clone())
                }),
                depends_on: item.def.depends_on.clone(),
                blocked_by: rules::blocked_by(item.def, &items),
                due_date: item.due_date.map(date_text),
                condition_unknown: item.condition_unknown,
                education: (item.def.id == super::ORIENTATION_ITEM)
                    .then(|| ctx.education.filter(|e| !e.sessions.is_empty()).cloned())
                    .flatten(),
            }
        })
        .collect();
    let warnings = rules::warnings(&views, pack, ctx, locale);
    let progress = rules::progress(&items);
    let legal_blocks: Vec<LegalBlock> = items
        .iter()
        .filter(|item| item.def.legal_block)
        .map(|item| LegalBlock {
            item_id: item.def.id.clone(),
            title: item.def.title.get(locale).to_string(),
            explanation: item.def.explanation.get(locale).to_string(),
            legal_basis: item.def.legal_basis.clone(),
        })
        .collect();
    let is_block = |id: &str| legal_blocks.iter().any(|b| b.item_id == id);
    let open = |v: &&ChecklistItem| !rules::is_closed(v.state);
    let summary = ChecklistSummary {
        done: progress.done,
        total: progress.total,
        // A block is not a step to take: it leads the view on its own.
        next_steps: views
            .iter()
            .filter(open)
            .filter(|v| v.blocked_by.is_empty() && !is_block(&v.id))
            .map(|v| v.id.clone())
            .collect(),
        blocked: views
            .iter()
            .filter(open)
            .filter(|v| !v.blocked_by.is_empty())
            .map(|v| v.id.clone())
            .collect(),
        red_warnings: warnings.iter().filter(|w| w.red).count() as u32,
        legal_blocks: legal_blocks.iter().map(|b| b.item_id.clone()).collect(),
        ready: legal_blocks.is_empty() && progress.done == progress.total,
    };
    ChecklistView {
        person_id: ctx.person.id.clone(),
        pack_version: pack.version,
        marital_status: checklist.marital_status,
        placement: checklist.placement,
        legal_blocks,
        items: views,
        summary,
        warnings,
        retired: checklist
            .retired
            .values()
            .map(|row| RetiredItem {
                id: row.item_id.clone(),
                state: row.state,
                retired_in_version: row.retired_in_version,
            })
            .collect(),
    }
}

/// The family's view of the cadre's: the legal blocks first, then the first name,
/// states, due dates and the pack's family texts (blocking items first); red warnings as
/// fixed sentences, a block's first.
pub(super) fn family_view(
    cadre: &ChecklistView,
    pack: &Pack,
    person: &Person,
    locale: Locale,
) -> FamilyChecklistView {
    let family_text = |id: &str| {
        pack.item(id)
            .map_or(String::new(), |d| d.family.get(locale).to_string())
    };
    FamilyChecklistView {
        first_name: person
            .full_name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        legal_blocks: cadre
            .legal_blocks
            .iter()
            .map(|block| family_text(&block.item_id))
            .collect(),
        done: cadre.summary.done,
        total: cadre.summary.total,
        next_steps: cadre
            .summary
            .next_steps
            .iter()
            .map(|id| family_text(id))
            .collect(),
        items: blocks_first(cadre)
            .map(|item| FamilyItem {
                title: item.title.clone(),
                text: family_text(&item.id),
                state: item.state,
                due_date: item.due_date.clone(),
            })
            .collect(),
        warnings: cadre
            .warnings
            .iter()
            .filter(|w| w.red)
            .map(|w| family_warning(w.kind, locale))
            .collect(),
    }
}

/// The cadre's items with the blocking ones first, each group in pack order.
fn blocks_first(cadre: &ChecklistView) -> impl Iterator<Item = &super::ChecklistItem> {
    let blocks = |item: &&super::ChecklistItem| cadre.summary.legal_blocks.contains(&item.id);
    cadre
        .items
        .iter()
        .filter(blocks)
        .chain(cadre.items.iter().filter(move |item| !blocks(item)))
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
        WarningKind::AgencyNotInGoodStanding => (
            "Perusahaan penempatan (P3MI) tidak terdaftar dengan izin aktif. Tanyakan ke kader desa.",
            "The placement agency (P3MI) is not listed with an active licence. Ask the village cadre.",
        ),
        WarningKind::LegalBlock => (
            "DILARANG BERANGKAT seperti yang tercatat: ada larangan hukum. Hubungi kader desa.",
            "MUST NOT LEAVE as recorded: a legal block applies. Contact the village cadre.",
        ),
    };
    LocalizedText::new(id, en).get(locale).to_string()
}

/// A person's checklist as it stands on `today` (in Bahasa Indonesia, the default), for
/// the person's export.
pub(crate) fn view_on(s: &Session<'_>, person_id: &str, today: NaiveDate) -> Result<ChecklistView> {
    let pack = pack::pack()?;
    let checklist = rules::migrate(store::load(s, person_id, pack)?, pack);
    let subject = store::subject(s, person_id)?;
    Ok(cadre_view(&checklist, pack, &subject.context(today), Locale::Id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_warning_kind_has_a_family_sentence_in_both_languages() {
        use crate::store::codes::StorageCode;
        for kind in WarningKind::ALL {
            let (id, en) = (
                family_warning(*kind, Locale::Id),
                family_warning(*kind, Locale::En),
            );
            assert!(!id.is_empty() && !en.is_empty() && id != en, "{kind:?}");
        }
    }
}
