//! `migran journey set`: a person's migration journey.

use migran_core::{JourneyInput, Phase, Sector};

use crate::args::Args;
use crate::commands::{choice, open_unlocked, say};
use crate::output::print_json;
use crate::CliError;

pub fn set(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[
        "phase",
        "country",
        "sector",
        "employer",
        "employer-address",
        "agency",
        "agency-licence",
        "departure",
        "contract-end",
    ])?;
    args.no_words_after(3)?;
    let person_id = args.word(2, "person")?;
    let phase = args
        .text("phase", "phase")?
        .map(|value| {
            choice(
                "phase",
                &value,
                &[
                    (&["prospective", "calon", "minat"], Phase::Prospective),
                    (
                        &["pre-departure", "pra-penempatan", "persiapan"],
                        Phase::PreDeparture,
                    ),
                    (&["abroad", "bekerja", "luar-negeri"], Phase::Abroad),
                    (&["returned", "purna", "pulang"], Phase::Returned),
                ],
            )
        })
        .transpose()?;
    let sector = args
        .text("sector", "sector")?
        .map(|value| {
            choice(
                "sector",
                &value,
                &[
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
                ],
            )
        })
        .transpose()?;
    let input = JourneyInput {
        phase,
        destination_country: args.text("country", "destination_country")?,
        sector,
        employer_name: args.text("employer", "employer_name")?,
        employer_address: args.text("employer-address", "employer_address")?,
        agency_name: args.text("agency", "agency_name")?,
        agency_licence: args.text("agency-licence", "agency_licence")?,
        departure_date: args.text("departure", "departure_date")?,
        contract_end_date: args.text("contract-end", "contract_end_date")?,
    };
    let journey = open_unlocked(args)?.set_journey(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&journey).unwrap_or_default());
    } else {
        say("Perjalanan migrasi disimpan.", "Migration journey saved.");
    }
    Ok(())
}
