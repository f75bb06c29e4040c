//! `migran contact add`: a person's family contacts.

use migran_core::{ContactInput, Relation};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
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
            (
                &["parent", "ayah", "ibu", "orang-tua", "orangtua"],
                Relation::Parent,
            ),
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
    let contact = open_unlocked(args)?.add_contact(person_id, input)?;
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
