//! `migran follow-up list|done`: the follow-ups a screening asked for.

use crate::args::Args;
use crate::commands::{open_unlocked, open_with_person, say};
use crate::output::{outln, print_json};
use crate::CliError;

pub fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let follow_ups = vault.list_follow_ups(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&follow_ups).unwrap_or_default());
        return Ok(());
    }
    for f in &follow_ups {
        let done = if f.done { "✓" } else { " " };
        outln!(
            "[{done}] {}  {}  {}",
            f.due_date,
            f.id,
            f.reason.get(crate::i18n::locale())
        );
    }
    Ok(())
}

pub fn done(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let id = args.word(2, "id")?;
    open_unlocked(args)?.complete_follow_up(id)?;
    say("Tindak lanjut selesai.", "Follow-up done.");
    Ok(())
}
