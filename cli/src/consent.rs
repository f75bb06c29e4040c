//! `migran consent ...`: a person's consent per purpose (UU PDP), its history, and the
//! words the cadre reads out before asking.

use migran_core::{
    consent_purpose_label, consent_state_label, consent_text, ConsentGiver, ConsentInput, ConsentPurpose,
    GuardianRelationship,
};

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
        Some("processing") => processing(args),
        Some("told") => told(args),
        _ => Err(CliError::usage(
            "consent show ORANG | consent give|withdraw ORANG TUJUAN [--date TGL] [--note] [--given-by NAMA --relationship orang-tua|wali] | consent history ORANG | consent text TUJUAN | consent processing ORANG | consent told ID_CATATAN [--date TGL]",
            "consent show PERSON | consent give|withdraw PERSON PURPOSE [--date DATE] [--note] [--given-by NAME --relationship parent|guardian] | consent history PERSON | consent text PURPOSE | consent processing PERSON | consent told RECORD_ID [--date DATE]",
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

/// Who consents for a child: both `--given-by` and `--relationship`, or neither.
fn guardian(args: &Args) -> Result<Option<ConsentGiver>, CliError> {
    let name = args.text("given-by", "given_by")?;
    let relationship = args.text("relationship", "relationship")?;
    match (name, relationship) {
        (None, None) => Ok(None),
        (Some(name), Some(relationship)) => Ok(Some(ConsentGiver {
            name,
            relationship: choice(
                "relationship",
                &relationship,
                &[
                    (
                        &["parent", "orang-tua", "ibu", "ayah"],
                        GuardianRelationship::Parent,
                    ),
                    (&["guardian", "wali"], GuardianRelationship::Guardian),
                ],
            )?,
        })),
        _ => Err(CliError::usage(
            "--given-by dan --relationship dipakai bersama",
            "--given-by and --relationship go together",
        )),
    }
}

fn record(args: &Args, given: bool) -> Result<(), CliError> {
    args.allow_only(&["date", "note", "given-by", "relationship"])?;
    let person_id = args.word(2, "person")?;
    let purpose = purpose(&args.word(3, "purpose")?)?;
    args.no_words_after(4)?;
    let input = ConsentInput {
        purpose,
        given,
        date: args.text("date", "date")?,
        note: args.text("note", "note")?,
    };
    let given_by = guardian(args)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let recorded = match given_by {
        Some(giver) => vault.record_guardian_consent(person_id, input, giver)?,
        None => vault.record_consent(person_id, input)?,
    };
    if args.json {
        print_json(&serde_json::to_value(&recorded).unwrap_or_default());
    } else {
        let what = consent_purpose_label(purpose, locale());
        if let Some(giver) = &recorded.given_by {
            say(
                format!("Atas nama anak, oleh {}.", giver.name),
                format!("On the child's behalf, by {}.", giver.name),
            );
        }
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

/// Processing of the person's data on another basis than consent (referrals in an
/// emergency), with whether they have been told yet.
fn processing(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    args.no_words_after(3)?;
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let records = vault.processing_records(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&records).unwrap_or_default());
        return Ok(());
    }
    if records.is_empty() {
        say(
            "Tidak ada pemrosesan tanpa persetujuan.",
            "No processing without consent.",
        );
        return Ok(());
    }
    let headers = vec![
        t("ID", "ID").get().to_string(),
        t("Tanggal", "Date").get().to_string(),
        t("Tujuan", "Purpose").get().to_string(),
        t("Alasan", "Reason").get().to_string(),
        t("Diberi tahu", "Told").get().to_string(),
    ];
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.date.clone(),
                consent_purpose_label(r.purpose, locale()),
                r.reason.clone(),
                r.person_told_on
                    .clone()
                    .unwrap_or_else(|| t("belum", "not yet").get().to_string()),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    if records.iter().any(|r| r.person_told_on.is_none()) {
        say(
            "Beri tahu orangnya, lalu catat: migran consent told ID_CATATAN",
            "Tell the person, then record it: migran consent told RECORD_ID",
        );
    }
    Ok(())
}

fn told(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["date"])?;
    let record_id = args.word(2, "record")?;
    args.no_words_after(3)?;
    let record =
        crate::commands::open_unlocked(args)?.record_person_told(record_id, args.text("date", "date")?)?;
    if args.json {
        print_json(&serde_json::to_value(&record).unwrap_or_default());
    } else {
        let on = record.person_told_on.clone().unwrap_or_default();
        say(
            format!("Dicatat: orangnya diberi tahu pada {on}."),
            format!("Recorded: the person was told on {on}."),
        );
    }
    Ok(())
}
