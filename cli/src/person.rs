//! `migran person add|list|show|find|search|archive|erase`: the village register.
//! (`person export` is in `reports`, `person import` and `person export-csv` in
//! `person_csv`.)

use migran_core::{Lookup, MigranError, PageRequest, PersonInput, RecordKind, Sex, Vault, MAX_PAGE};

use crate::args::{utf8, Args};
use crate::commands::{choice, confirm, open_unlocked, say};
use crate::i18n::t;
use crate::output::{self, print_json};
use crate::CliError;

/// The person a typed reference names: a full id, a unique id prefix or suffix of at
/// least [`MIN_PREFIX`] characters (any case), or a NIK (16 digits, separators allowed).
/// Ids begin with their creation time, so people registered together share a prefix;
/// the end is random, which is why lists show it ([`short_id`]). The register is read
/// only when the reference is not a full id.
pub fn resolve(vault: &Vault, reference: &str) -> Result<String, CliError> {
    let wanted = reference.trim().to_lowercase();
    let is_hex = !wanted.is_empty() && wanted.chars().all(|c| c.is_ascii_hexdigit());
    if is_hex && wanted.len() == FULL_ID {
        return Ok(wanted);
    }
    let digits: String = wanted.chars().filter(char::is_ascii_digit).collect();
    let only_nik_characters = wanted
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'));
    if digits.len() == NIK_DIGITS && only_nik_characters {
        let found = vault.find_persons(Lookup::Nik { nik: digits })?;
        if let Some(person) = found.into_iter().next() {
            return Ok(person.id);
        }
        // Sixteen digits may also be an id prefix (ids are hex); fall through.
    }
    if !is_hex || wanted.len() < MIN_PREFIX {
        // Nobody can be named so: "not found" (exit 4), with the forms that work.
        eprintln!(
            "{}",
            t(
                format!("Sebut orang dengan ID-nya, awalan atau akhiran ID paling sedikit {MIN_PREFIX} karakter, atau NIK 16 angka."),
                format!("Name a person by their ID, the first or last {MIN_PREFIX}+ characters of it, or their 16-digit NIK."),
            )
            .get()
        );
        return Err(MigranError::NotFound {
            kind: RecordKind::Person,
        }
        .into());
    }
    let mut matches = Vec::new();
    let mut offset = 0;
    loop {
        let page = vault.list_persons(
            PageRequest {
                offset,
                limit: MAX_PAGE,
            },
            true,
        )?;
        matches.extend(
            page.items
                .into_iter()
                .filter(|p| p.id.starts_with(&wanted) || p.id.ends_with(&wanted))
                .map(|p| p.id),
        );
        match page.next_offset {
            Some(next) => offset = next,
            None => break,
        }
    }
    match matches.len() {
        0 => Err(MigranError::NotFound {
            kind: RecordKind::Person,
        }
        .into()),
        1 => Ok(matches.remove(0)),
        n => Err(CliError::usage(
            format!("'{wanted}' cocok dengan {n} orang; ketik lebih banyak karakter ID"),
            format!("'{wanted}' matches {n} persons; type more characters of the ID"),
        )),
    }
}

/// The random end of an id, long enough to tell the people of a village apart: what
/// lists and the agenda show, and what every person command takes.
pub fn short_id(id: &str) -> &str {
    id.get(id.len().saturating_sub(SHORT_ID)..).unwrap_or(id)
}

const SHORT_ID: usize = 8;
const FULL_ID: usize = 32;
const NIK_DIGITS: usize = 16;
pub const MIN_PREFIX: usize = 6;

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
        let who = output::name_and_nik(&person);
        say(
            format!("Tercatat: {who}, ID {}", person.id),
            format!("Registered: {who}, ID {}", person.id),
        );
    }
    Ok(())
}

/// `person edit PERSON [--name ...]`: only the fields given change.
pub fn edit(args: &Args) -> Result<(), CliError> {
    const FIELDS: &[&str] = &["name", "nik", "birth-date", "sex", "phone", "address", "village"];
    args.allow_only(FIELDS)?;
    args.no_words_after(3)?;
    let reference = args.word(2, "person")?;
    if !FIELDS.iter().any(|field| args.has(field)) {
        return Err(CliError::usage(
            "berikan paling sedikit satu isian, mis. --name atau --phone",
            "give at least one field, e.g. --name or --phone",
        ));
    }
    let vault = open_unlocked(args)?;
    let id = resolve(&vault, &reference)?;
    let current = vault.get_person(id.clone())?;
    let input = PersonInput {
        full_name: args.text("name", "full_name")?.unwrap_or(current.full_name),
        nik: args.text("nik", "nik")?.unwrap_or(current.nik),
        birth_date: args
            .text("birth-date", "birth_date")?
            .unwrap_or(current.birth_date),
        sex: match args.text("sex", "sex")? {
            Some(value) => sex(&value)?,
            None => current.sex,
        },
        phone: args.text("phone", "phone")?.or(current.phone),
        address: args.text("address", "address")?.or(current.address),
        village: args.text("village", "village")?.unwrap_or(current.village),
    };
    let person = vault.update_person(id, input)?;
    if args.json {
        print_json(&output::person_json(&person));
    } else {
        say("Data orang diperbarui:", "Person updated:");
        output::print_persons(std::slice::from_ref(&person));
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
    let reference = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    let id = resolve(&vault, &reference)?;
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
    let reference = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    let id = resolve(&vault, &reference)?;
    let person = vault.set_person_archived(id, !args.flag("undo"))?;
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
    let reference = args.word(2, "id")?;
    let vault = open_unlocked(args)?;
    let id = resolve(&vault, &reference)?;
    let person = vault.get_person(id.clone())?;
    let who = output::name_and_nik(&person);
    confirm(
        args,
        &t(
            format!("Hapus {who} dan semua datanya untuk selamanya? (ya/tidak)"),
            format!("Erase {who} and all their data for good? (yes/no)"),
        ),
    )?;
    vault.erase_person(id)?;
    say(
        format!("Data {who} telah dihapus."),
        format!("The data of {who} was erased."),
    );
    Ok(())
}
