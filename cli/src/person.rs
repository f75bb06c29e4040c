//! `migran person add|list|show|find|search|archive|erase`: the village register.
//! (`person export` is in `reports`, `person import` and `person export-csv` in
//! `person_csv`.)

use migran_core::{Lookup, MigranError, PageRequest, PersonInput, Sex};

use crate::args::{utf8, Args};
use crate::commands::{choice, confirm, open_unlocked, say};
use crate::i18n::t;
use crate::output::{self, print_json};
use crate::CliError;

pub fn sex(value: &str) -> Result<Sex, CliError> {
    choice(
        "sex",
        value,
        &[
            (&["f", "p", "female", "perempuan"], Sex::Female),
            (&["m", "l", "male", "laki-laki"], Sex::Male),
        ],
    )
}

fn person_input(args: &Args) -> Result<PersonInput, CliError> {
    Ok(PersonInput {
        full_name: args.required("name", "full_name")?,
        nik: args.required("nik", "nik")?,
        birth_date: args.required("birth-date", "birth_date")?,
        sex: sex(&args.required("sex", "sex")?)?,
        phone: args.text("phone", "phone")?,
        address: args.text("address", "address")?,
        village: args.required("village", "village")?,
    })
}

pub fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["name", "nik", "birth-date", "sex", "phone", "address", "village"])?;
    args.no_words_after(2)?;
    let input = person_input(args)?;
    let person = open_unlocked(args)?.add_person(input)?;
    if args.json {
        print_json(&output::person_json(&person));
    } else {
        say(
            format!("Tercatat: {}", person.id),
            format!("Registered: {}", person.id),
        );
    }
    Ok(())
}

pub fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["offset", "limit", "all"])?;
    args.no_words_after(2)?;
    let page = PageRequest {
        offset: args.number("offset", "offset")?.unwrap_or(0),
        limit: args.number("limit", "limit")?.unwrap_or(50),
    };
    let result = open_unlocked(args)?.list_persons(page, args.flag("all"))?;
    if args.json {
        print_json(&output::page_json(&result));
        return Ok(());
    }
    output::print_persons(&result.items);
    let shown = result.items.len() as u32;
    say(
        format!("{shown} dari {} orang (mulai {}).", result.total, page.offset),
        format!("{shown} of {} persons (from {}).", result.total, page.offset),
    );
    if let Some(next) = result.next_offset {
        say(
            format!("Halaman berikut: --offset {next}"),
            format!("Next page: --offset {next}"),
        );
    }
    Ok(())
}

pub fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    let person = vault.get_person(id.clone())?;
    let contacts = vault.list_contacts(id.clone())?;
    let journey = vault.get_journey(id.clone())?;
    let documents = vault.list_documents(id)?;
    if args.json {
        print_json(&output::detail_json(
            &person,
            &contacts,
            journey.as_ref(),
            &documents,
        ));
    } else {
        output::print_detail(&person, &contacts, journey.as_ref(), &documents);
    }
    Ok(())
}

pub fn find(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["nik", "phone", "passport"])?;
    args.no_words_after(2)?;
    let given = [
        args.text("nik", "nik")?,
        args.text("phone", "phone")?,
        args.text("passport", "passport")?,
    ];
    if given.iter().flatten().count() > 1 {
        // Which one would win is not obvious; ask for one rather than guess.
        return Err(CliError::usage(
            "berikan hanya satu dari --nik, --phone, --passport",
            "give only one of --nik, --phone, --passport",
        ));
    }
    let lookup = if let Some(nik) = args.text("nik", "nik")? {
        Lookup::Nik { nik }
    } else if let Some(phone) = args.text("phone", "phone")? {
        Lookup::Phone { phone }
    } else if let Some(number) = args.text("passport", "passport")? {
        Lookup::Passport { number }
    } else {
        return Err(CliError::usage(
            "berikan --nik, --phone atau --passport",
            "give --nik, --phone or --passport",
        ));
    };
    let found = open_unlocked(args)?.find_persons(lookup)?;
    if args.json {
        print_json(&serde_json::Value::Array(
            found.iter().map(output::person_json).collect(),
        ));
    } else if !found.is_empty() {
        output::print_persons(&found);
    }
    // An exact lookup that matches nobody is "not found" (exit 4) whatever the output
    // format, so a script can rely on the exit code alone.
    if found.is_empty() {
        return Err(MigranError::NotFound {
            kind: migran_core::RecordKind::Person,
        }
        .into());
    }
    Ok(())
}

pub fn search(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["limit"])?;
    let words: Vec<String> = args
        .words
        .iter()
        .skip(2)
        .map(|w| utf8(w, "query"))
        .collect::<Result<_, _>>()?;
    if words.is_empty() {
        return Err(CliError::usage("NAMA belum diberikan", "NAME is missing"));
    }
    let limit = args.number("limit", "limit")?.unwrap_or(50);
    let found = open_unlocked(args)?.search_persons(words.join(" "), limit)?;
    if args.json {
        print_json(&serde_json::Value::Array(
            found.iter().map(output::person_json).collect(),
        ));
    } else {
        output::print_persons(&found);
    }
    Ok(())
}

pub fn archive(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["undo"])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let person = open_unlocked(args)?.set_person_archived(id, !args.flag("undo"))?;
    if args.json {
        print_json(&output::person_json(&person));
    } else if person.archived {
        say("Diarsipkan.", "Archived.");
    } else {
        say("Dikembalikan dari arsip.", "Restored from the archive.");
    }
    Ok(())
}

pub fn erase(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["yes"])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    vault.get_person(id.clone())?;
    confirm(
        args,
        &t(
            "Hapus orang ini dan semua datanya untuk selamanya? (ya/tidak)",
            "Erase this person and all their data for good? (yes/no)",
        ),
    )?;
    vault.erase_person(id)?;
    say("Data orang ini telah dihapus.", "The person's data was erased.");
    Ok(())
}
