//! `migran contact add|remove`: a person's family contacts.

use migran_core::{ContactInput, Relation};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::i18n::t;
use crate::output::print_json;
use crate::CliError;

pub fn add(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["name", "relation", "phone", "address"])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let relation = choice(
        "relation",
        &args.required("relation", "relation")?,
        &[
            (&["spouse", "suami", "istri", "pasangan"], Relation::Spouse),
            (&["mother", "ibu"], Relation::Mother),
            (&["father", "ayah", "bapak"], Relation::Father),
            (&["parent", "orang-tua", "orangtua"], Relation::Parent),
            (&["child", "anak"], Relation::Child),
            (&["sibling", "saudara", "kakak", "adik"], Relation::Sibling),
            (&["guardian", "wali"], Relation::Guardian),
            (
                &["relative", "other-relative", "kerabat"],
                Relation::OtherRelative,
            ),
            (&["other", "lainnya"], Relation::Other),
        ],
    )?;
    let input = ContactInput {
        name: args.required("name", "name")?,
        relation,
        phone: args.text("phone", "phone")?,
        address: args.text("address", "address")?,
    };
    let vault = open_unlocked(args)?;
    let person_id = crate::person::resolve(&vault, &person_id)?;
    let same = vault
        .list_contacts(person_id.clone())?
        .into_iter()
        .filter(|c| c.name.trim().eq_ignore_ascii_case(input.name.trim()) && c.relation == input.relation)
        .count();
    let contact = vault.add_contact(person_id, input)?;
    if same > 0 {
        // Kept, not refused: two relatives may share a name; the officer decides.
        eprintln!(
            "{}",
            t(
                "Peringatan: kontak dengan nama dan hubungan yang sama sudah ada; hapus yang ganda dengan 'migran contact remove ID'.",
                "Warning: a contact with the same name and relation already exists; remove a duplicate with 'migran contact remove ID'.",
            )
            .get()
        );
    }
    if args.json {
        print_json(&serde_json::to_value(&contact).unwrap_or_default());
        return Ok(());
    }
    say(
        format!("Kontak dicatat: {}", contact.id),
        format!("Contact saved: {}", contact.id),
    );
    Ok(())
}

pub fn remove(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(3)?;
    let id = args.word(2, "id")?;
    open_unlocked(args)?.remove_contact(id)?;
    say("Kontak dihapus.", "Contact removed.");
    Ok(())
}
