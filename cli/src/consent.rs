//! `migran consent ...`: a person's consent per purpose (UU PDP), its history, and the
//! words the cadre reads out before asking.

use migran_core::{consent_purpose_label, consent_state_label, consent_text, ConsentInput, ConsentPurpose};

use crate::args::{utf8, Args};
use crate::commands::{choice, open_with_person, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json, print_table};
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("show") => show(args),
        Some("give") => record(args, true),
        Some("withdraw") => record(args, false),
        Some("history") => history(args),
        Some("text") => text(args),
        _ => Err(CliError::usage(
            "consent show ORANG | consent give|withdraw ORANG TUJUAN [--date TGL] [--note] | consent history ORANG | consent text TUJUAN",
            "consent show PERSON | consent give|withdraw PERSON PURPOSE [--date DATE] [--note] | consent history PERSON | consent text PURPOSE",
        )),
    }
}

pub fn purpose(value: &str) -> Result<ConsentPurpose, CliError> {
    choice(
        "purpose",
        value,
        &[
            (&["registration", "pendaftaran"], ConsentPurpose::Registration),
            (
                &["share-with-family", "family", "keluarga"],
                ConsentPurpose::ShareWithFamily,
            ),
            (
                &["share-with-agencies", "agencies", "instansi"],
                ConsentPurpose::ShareWithAgencies,
            ),
            (&["reporting", "pelaporan"], ConsentPurpose::Reporting),
        ],
    )
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let states = vault.consents(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&states).unwrap_or_default());
        return Ok(());
    }
    let headers = vec![
        t("Tujuan", "Purpose").get().to_string(),
        t("Status", "State").get().to_string(),
        t("Sejak", "Since").get().to_string(),
    ];
    let rows: Vec<Vec<String>> = states
        .iter()
        .map(|s| {
            vec![
                consent_purpose_label(s.purpose, locale()),
                consent_state_label(s.state, locale()),
                s.since.clone().unwrap_or_default(),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn record(args: &Args, given: bool) -> Result<(), CliError> {
    args.allow_only(&["date", "note"])?;
    let person_id = args.word(2, "person")?;
    let purpose = purpose(&args.word(3, "purpose")?)?;
    args.no_words_after(4)?;
    let input = ConsentInput {
        purpose,
        given,
        date: args.text("date", "date")?,
        note: args.text("note", "note")?,
    };
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let recorded = vault.record_consent(person_id, input)?;
    if args.json {
        print_json(&serde_json::to_value(&recorded).unwrap_or_default());
    } else {
        let what = consent_purpose_label(purpose, locale());
        if given {
            say(
                format!("Persetujuan untuk {what} dicatat ({}).", recorded.date),
                format!("Consent for {what} recorded ({}).", recorded.date),
            );
        } else {
            say(
                format!("Penarikan persetujuan untuk {what} dicatat ({}).", recorded.date),
                format!("Withdrawal of consent for {what} recorded ({}).", recorded.date),
            );
        }
    }
    Ok(())
}

fn history(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let history = vault.consent_history(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&history).unwrap_or_default());
        return Ok(());
    }
    let headers = vec![
        t("Tanggal", "Date").get().to_string(),
        t("Tujuan", "Purpose").get().to_string(),
        t("Keputusan", "Decision").get().to_string(),
        t("Dicatat oleh", "Recorded by").get().to_string(),
        t("Catatan", "Note").get().to_string(),
    ];
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|c| {
            vec![
                c.date.clone(),
                consent_purpose_label(c.purpose, locale()),
                if c.given {
                    t("diberikan", "given")
                } else {
                    t("ditarik", "withdrawn")
                }
                .get()
                .to_string(),
                c.recorded_by.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                c.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    Ok(())
}

fn text(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let purpose = purpose(&args.word(2, "purpose")?)?;
    args.no_words_after(3)?;
    outln!("{}", consent_text(purpose, locale()));
    Ok(())
}
