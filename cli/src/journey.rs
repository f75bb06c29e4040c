//! `migran journey set`: a person's migration journey. Only the fields given change; a
//! field given empty (`--employer ""`) is cleared. The journey as stored is shown after.

use migran_core::{Journey, JourneyInput, Phase, Sector};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::output::{outln, print_journey, print_json};
use crate::CliError;

const OPTIONS: &[&str] = &[
    "phase",
    "country",
    "sector",
    "employer",
    "employer-address",
    "agency",
    "agency-licence",
    "departure",
    "contract-end",
];

pub fn set(args: &Args) -> Result<(), CliError> {
    args.allow_only(OPTIONS)?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    if !OPTIONS.iter().any(|option| args.has(option)) {
        return Err(CliError::usage(
            "berikan paling sedikit satu isian, mis. --phase, --country atau --agency-licence",
            "give at least one field, e.g. --phase, --country or --agency-licence",
        ));
    }
    let vault = open_unlocked(args)?;
    let person_id = crate::person::resolve(&vault, &person_id)?;
    let current = vault.get_journey(person_id.clone())?;
    let input = merged(args, current.as_ref())?;
    let journey = vault.set_journey(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&journey).unwrap_or_default());
    } else {
        say("Perjalanan migrasi disimpan:", "Migration journey saved:");
        print_journey(Some(&journey));
        outln!();
    }
    Ok(())
}

/// The stored journey with the given fields laid over it.
fn merged(args: &Args, current: Option<&Journey>) -> Result<JourneyInput, CliError> {
    let text = |option: &str, field: &str, kept: Option<&String>| -> Result<Option<String>, CliError> {
        Ok(match args.text(option, field)? {
            Some(given) => Some(given),
            None => kept.cloned(),
        })
    };
    let phase = match args.text("phase", "phase")? {
        Some(value) => Some(phase(&value)?),
        None => current.map(|j| j.phase),
    };
    let sector = match args.text("sector", "sector")? {
        Some(value) if value.trim().is_empty() => None,
        Some(value) => Some(sector(&value)?),
        None => current.and_then(|j| j.sector),
    };
    Ok(JourneyInput {
        phase,
        destination_country: text(
            "country",
            "destination_country",
            current.and_then(|j| j.destination_country.as_ref()),
        )?,
        sector,
        employer_name: text(
            "employer",
            "employer_name",
            current.and_then(|j| j.employer_name.as_ref()),
        )?,
        employer_address: text(
            "employer-address",
            "employer_address",
            current.and_then(|j| j.employer_address.as_ref()),
        )?,
        agency_name: text(
            "agency",
            "agency_name",
            current.and_then(|j| j.agency_name.as_ref()),
        )?,
        agency_licence: text(
            "agency-licence",
            "agency_licence",
            current.and_then(|j| j.agency_licence.as_ref()),
        )?,
        departure_date: text(
            "departure",
            "departure_date",
            current.and_then(|j| j.departure_date.as_ref()),
        )?,
        contract_end_date: text(
            "contract-end",
            "contract_end_date",
            current.and_then(|j| j.contract_end_date.as_ref()),
        )?,
    })
}

pub const PHASES: &[(&[&str], Phase)] = &[
    (&["prospective", "calon", "minat"], Phase::Prospective),
    (
        &["pre-departure", "pra-penempatan", "persiapan"],
        Phase::PreDeparture,
    ),
    (&["abroad", "bekerja", "luar-negeri"], Phase::Abroad),
    (&["returned", "purna", "pulang"], Phase::Returned),
];

pub const SECTORS: &[(&[&str], Sector)] = &[
    (
        &["domestic-work", "domestic", "rumah-tangga", "prt"],
        Sector::DomesticWork,
    ),
    (&["caregiving", "caregiver", "perawat-lansia"], Sector::Caregiving),
    (&["manufacturing", "factory", "pabrik"], Sector::Manufacturing),
    (&["construction", "konstruksi"], Sector::Construction),
    (
        &["agriculture", "plantation", "perkebunan", "pertanian"],
        Sector::Agriculture,
    ),
    (&["fishing", "perikanan", "abk"], Sector::Fishing),
    (&["hospitality", "hotel", "perhotelan"], Sector::Hospitality),
    (&["other", "lainnya"], Sector::Other),
];

fn phase(value: &str) -> Result<Phase, CliError> {
    choice("phase", value, PHASES)
}

fn sector(value: &str) -> Result<Sector, CliError> {
    choice("sector", value, SECTORS)
}
