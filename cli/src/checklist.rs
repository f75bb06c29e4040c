//! `migran checklist ...`: the pre-departure checklist of one person, for the cadre or,
//! with `--family`, in the family's plain words.

use migran_core::{
    ChecklistItemUpdate, ChecklistView, FamilyChecklistView, ItemState, MaritalStatus, PersonEducation,
    WarningKind,
};
use serde_json::{json, Value};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_with_person, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("show") => show(args),
        Some("set") => set(args),
        Some("marital-status") => marital(args),
        Some("placement") => placement(args),
        _ => Err(CliError::usage(
            "checklist show ORANG [--family] | checklist set ORANG LANGKAH STATUS [--note] [--by] [--document ID] | checklist marital-status ORANG STATUS | checklist placement ORANG [--fee-charged ya|tidak] [--official-channel ya|tidak]",
            "checklist show PERSON [--family] | checklist set PERSON ITEM STATE [--note] [--by] [--document ID] | checklist marital-status PERSON STATUS | checklist placement PERSON [--fee-charged yes|no] [--official-channel yes|no]",
        )),
    }
}

fn state_word(state: ItemState) -> &'static str {
    match state {
        ItemState::NotStarted => "[ ]",
        ItemState::InProgress => "[~]",
        ItemState::Done => "[x]",
        ItemState::NotApplicable => "[-]",
    }
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["family"])?;
    let person_id = args.word(2, "person")?;

    let (vault, person_id) = open_with_person(args, &person_id)?;
    if args.flag("family") {
        let view = vault.family_checklist(person_id, locale())?;
        if args.json {
            print_json(&family_json(&view));
        } else {
            print_family(&view);
        }
        return Ok(());
    }
    let view = vault.checklist(person_id, locale())?;
    if args.json {
        print_json(&view_json(&view));
    } else {
        print_view(&view);
    }
    Ok(())
}

fn set(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["note", "by", "document"])?;
    let person_id = args.word(2, "person")?;
    let item_id = args.word(3, "item")?;
    let state = choice(
        "state",
        &args.word(4, "state")?,
        &[
            (&["not-started", "belum"], ItemState::NotStarted),
            (&["in-progress", "proses"], ItemState::InProgress),
            (&["done", "selesai"], ItemState::Done),
            (
                &["not-applicable", "n/a", "tidak-berlaku"],
                ItemState::NotApplicable,
            ),
        ],
    )?;
    let update = ChecklistItemUpdate {
        state,
        by: args.text("by", "by")?,
        note: args.text("note", "note")?,
        document_id: args.text("document", "id")?,
    };
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let view = vault.set_checklist_item(person_id, item_id, update, locale())?;
    if args.json {
        print_json(&view_json(&view));
    } else {
        say(
            format!(
                "Tersimpan. {} dari {} selesai.",
                view.summary.done, view.summary.total
            ),
            format!("Saved. {} of {} done.", view.summary.done, view.summary.total),
        );
    }
    Ok(())
}

fn marital(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    let status = choice(
        "marital_status",
        &args.word(3, "marital_status")?,
        &[
            (&["single", "lajang", "belum-kawin"], MaritalStatus::Single),
            (&["married", "kawin", "menikah"], MaritalStatus::Married),
            (&["divorced", "cerai", "cerai-hidup"], MaritalStatus::Divorced),
            (
                &["widowed", "cerai-mati", "janda", "duda"],
                MaritalStatus::Widowed,
            ),
        ],
    )?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let view = vault.set_marital_status(person_id, status, locale())?;
    say(
        format!(
            "Status perkawinan disimpan; {} langkah berlaku.",
            view.summary.total
        ),
        format!("Marital status saved; {} items apply.", view.summary.total),
    );
    Ok(())
}

/// The placement facts the legal blocks read (a fee charged for a zero-cost job, the
/// official channel for domestic work in Saudi Arabia). Only the facts given change;
/// without any, the recorded ones are shown.
fn placement(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["fee-charged", "official-channel"])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let yes_no = |option: &str, field: &str| -> Result<Option<bool>, CliError> {
        args.text(option, field)?
            .map(|value| {
                choice(
                    field,
                    &value,
                    &[(&["yes", "ya", "y"], true), (&["no", "tidak", "n"], false)],
                )
            })
            .transpose()
    };
    let fee_charged = yes_no("fee-charged", "fee_charged")?;
    let official_channel = yes_no("official-channel", "official_channel")?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let view = if fee_charged.is_none() && official_channel.is_none() {
        vault.checklist(person_id, locale())?
    } else {
        vault.change_placement_facts(person_id, fee_charged, official_channel, locale())?
    };
    if args.json {
        print_json(&json!({
            "fee_charged": view.placement.fee_charged,
            "official_channel": view.placement.official_channel,
            "legal_blocks": view.legal_blocks,
            "ready": view.summary.ready,
        }));
        return Ok(());
    }
    let fact = |value: Option<bool>| match value {
        Some(true) => t("ya", "yes"),
        Some(false) => t("tidak", "no"),
        None => t("belum dicatat", "not recorded"),
    };
    say(
        format!(
            "Biaya penempatan dipungut: {}. Jalur resmi: {}.",
            fact(view.placement.fee_charged).id,
            fact(view.placement.official_channel).id
        ),
        format!(
            "Placement fee charged: {}. Official channel: {}.",
            fact(view.placement.fee_charged).en,
            fact(view.placement.official_channel).en
        ),
    );
    print_blocks(
        &view
            .legal_blocks
            .iter()
            .map(|b| b.title.clone())
            .collect::<Vec<_>>(),
    );
    Ok(())
}

/// Legal blocks lead every view: while one applies the person must not leave.
fn print_blocks(blocks: &[String]) {
    if blocks.is_empty() {
        return;
    }
    say(
        "DILARANG BERANGKAT seperti yang tercatat:".to_string(),
        "MUST NOT LEAVE as recorded:".to_string(),
    );
    for block in blocks {
        outln!("!! {block}");
    }
}

fn print_view(view: &ChecklistView) {
    print_blocks(
        &view
            .legal_blocks
            .iter()
            .map(|b| b.title.clone())
            .collect::<Vec<_>>(),
    );
    say(
        format!(
            "Daftar periksa pra-penempatan: {} dari {} selesai",
            view.summary.done, view.summary.total
        ),
        format!(
            "Pre-departure checklist: {} of {} done",
            view.summary.done, view.summary.total
        ),
    );
    // The blocks' own warnings were printed first, above.
    for warning in view.warnings.iter().filter(|w| w.kind != WarningKind::LegalBlock) {
        let mark = if warning.red { "!!" } else { " !" };
        outln!("{mark} {}", warning.message);
    }
    for item in &view.items {
        let due = item
            .due_date
            .as_deref()
            .map(|d| format!(" ({} {d})", t("batas", "due").get()))
            .unwrap_or_default();
        let waits = if item.blocked_by.is_empty() {
            String::new()
        } else {
            format!("  <- {}", item.blocked_by.join(", "))
        };
        outln!(
            "{} {:<26} {}{due}{waits}",
            state_word(item.state),
            item.id,
            item.title
        );
        if let Some(education) = &item.education {
            print_item_education(education);
        }
    }
    if !view.summary.next_steps.is_empty() {
        say(
            format!("Langkah berikut: {}", view.summary.next_steps.join(", ")),
            format!("Next steps: {}", view.summary.next_steps.join(", ")),
        );
    }
}

/// Under the orientation item: the village sessions attended and the lessons they
/// covered (`migran lesson show ID` opens one).
fn print_item_education(education: &PersonEducation) {
    for session in &education.sessions {
        say(
            format!(
                "    Sesi informasi desa {}: {}",
                session.date,
                session.topics.join(", ")
            ),
            format!(
                "    Village information session {}: {}",
                session.date,
                session.topics.join(", ")
            ),
        );
    }
    say(
        format!("    Pelajaran yang diikuti: {}", education.lessons.join(", ")),
        format!("    Lessons covered: {}", education.lessons.join(", ")),
    );
}

pub(crate) fn print_family(view: &FamilyChecklistView) {
    print_blocks(&view.legal_blocks);
    say(
        format!(
            "Persiapan keberangkatan {}: {} dari {} selesai",
            view.first_name, view.done, view.total
        ),
        format!(
            "{}'s departure preparation: {} of {} done",
            view.first_name, view.done, view.total
        ),
    );
    for warning in &view.warnings {
        outln!("!! {warning}");
    }
    for item in &view.items {
        outln!("{} {}", state_word(item.state), item.text);
    }
}

fn view_json(view: &ChecklistView) -> Value {
    json!({
        "person_id": view.person_id,
        "pack_version": view.pack_version,
        "summary": {
            "done": view.summary.done, "total": view.summary.total,
            "next_steps": view.summary.next_steps, "blocked": view.summary.blocked,
            "red_warnings": view.summary.red_warnings,
            "legal_blocks": view.summary.legal_blocks, "ready": view.summary.ready,
        },
        "warnings": view.warnings.iter().map(|w| json!({"kind": format!("{:?}", w.kind), "red": w.red, "item_id": w.item_id, "message": w.message})).collect::<Vec<_>>(),
        "items": view.items.iter().map(|i| json!({
            "id": i.id, "title": i.title, "state": format!("{:?}", i.state), "legal_basis": i.legal_basis,
            "due_date": i.due_date, "blocked_by": i.blocked_by, "done_by": i.done_by, "note": i.note,
            "document_id": i.document_id, "condition_unknown": i.condition_unknown,
            "education": i.education.as_ref().map(|e| json!({
                "sessions": e.sessions.iter().map(|s| json!({"session_id": s.session_id, "date": s.date, "topics": s.topics})).collect::<Vec<_>>(),
                "lessons": e.lessons,
            })),
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn family_json(view: &FamilyChecklistView) -> Value {
    json!({
        "first_name": view.first_name, "legal_blocks": view.legal_blocks, "done": view.done, "total": view.total,
        "next_steps": view.next_steps, "warnings": view.warnings,
        "items": view.items.iter().map(|i| json!({"title": i.title, "text": i.text, "state": format!("{:?}", i.state), "due_date": i.due_date})).collect::<Vec<_>>(),
    })
}
