//! `migran emergency directory`: every number of the emergency directory in use, with
//! the age of its source, unsourced ones first, then oldest first: what a maintainer
//! re-checks before a release. Works without the PIN, like the directory itself.

use migran_core::{DirectoryEntry, DirectoryRole, Vault};
use serde_json::{json, Value};

use crate::commands::say;
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::CliError;

pub fn run(vault: &Vault, as_json: bool) -> Result<(), CliError> {
    let entries = vault.directory_entries(locale())?;
    if as_json {
        print_json(&Value::Array(entries.iter().map(entry_json).collect()));
        return Ok(());
    }
    let to_verify = entries.iter().filter(|e| e.verify).count();
    say(
        format!("{} nomor, {to_verify} perlu diperiksa ulang (*):", entries.len()),
        format!("{} numbers, {to_verify} to re-check (*):", entries.len()),
    );
    for entry in &entries {
        let age = match entry.age_days {
            Some(days) => format!("{} {}", days, t("hari", "days").get()),
            None => t("tanpa sumber bertanggal", "no dated source").get().to_string(),
        };
        outln!(
            "{} {:<2} {:<9} {:<18} {:<28} {} [{}]",
            if entry.verify { "*" } else { " " },
            entry.country.as_deref().unwrap_or("ID"),
            role_label(entry.role).get(),
            entry.number,
            entry.id,
            age,
            entry.source
        );
    }
    Ok(())
}

fn role_label(role: DirectoryRole) -> crate::i18n::Text {
    match role {
        DirectoryRole::NationalHotline => t("nasional", "national"),
        DirectoryRole::DomesticHotline => t("dalam-negeri", "domestic"),
        DirectoryRole::Mission => t("perwakilan", "mission"),
        DirectoryRole::LocalEmergency => t("darurat-setempat", "local"),
    }
}

/// The role's stable code, for scripts.
fn role_word(role: DirectoryRole) -> &'static str {
    match role {
        DirectoryRole::NationalHotline => "national",
        DirectoryRole::DomesticHotline => "domestic",
        DirectoryRole::Mission => "mission",
        DirectoryRole::LocalEmergency => "local",
    }
}

fn entry_json(entry: &DirectoryEntry) -> Value {
    json!({
        "id": entry.id, "role": role_word(entry.role), "country": entry.country, "label": entry.label,
        "number": entry.number, "whatsapp": entry.whatsapp, "source": entry.source,
        "source_date": entry.source_date, "age_days": entry.age_days, "verify": entry.verify,
    })
}
