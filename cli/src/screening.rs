//! `migran screen ...`: TPPO red-flag screening in a home visit, interactive or from a
//! JSON file of answers (`{"work_visa": "no", "fees_paid": "yes", ...}`; "unknown" or a
//! missing question counts as unknown).

use std::io::{BufRead, Write};

use migran_core::{
    Answer, InvalidReason, MigranError, ScreeningAnswer, ScreeningInput, ScreeningRecord, ScreeningResult,
};
use serde_json::Value;

use crate::args::{utf8, Args};
use crate::commands::{open_unlocked, say};
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::CliError;

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("questions") => questions(args),
        Some("history") => history(args),
        Some(_) => screen(args),
        None => Err(CliError::usage(
            "screen ORANG [--answers BERKAS] [--by NAMA] | screen history ORANG",
            "screen PERSON [--answers FILE] [--by NAME] | screen history PERSON",
        )),
    }
}

fn questions(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    for question in migran_core::screening_questions(locale())? {
        outln!("{:<22} {}", question.id, question.text);
    }
    Ok(())
}

fn parse_answer(text: &str) -> Result<Answer, CliError> {
    match text.trim().to_lowercase().as_str() {
        "y" | "ya" | "yes" => Ok(Answer::Yes),
        "n" | "t" | "tidak" | "no" => Ok(Answer::No),
        "" | "?" | "unknown" | "tidak-tahu" | "tidak tahu" => Ok(Answer::Unknown),
        _ => Err(CliError::Core(MigranError::Invalid {
            field: "answers".to_string(),
            reason: InvalidReason::BadFormat,
        })),
    }
}

fn answers_from_file(path: &str) -> Result<Vec<ScreeningAnswer>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|_| CliError::Other("answers file".to_string()))?;
    let value: Value = serde_json::from_str(&text).map_err(|_| {
        CliError::Core(MigranError::Invalid {
            field: "answers".to_string(),
            reason: InvalidReason::BadFormat,
        })
    })?;
    let object = value.as_object().ok_or_else(|| {
        CliError::Core(MigranError::Invalid {
            field: "answers".to_string(),
            reason: InvalidReason::BadFormat,
        })
    })?;
    object
        .iter()
        .map(|(question, answer)| {
            Ok(ScreeningAnswer {
                question_id: question.clone(),
                answer: parse_answer(answer.as_str().unwrap_or("?"))?,
            })
        })
        .collect()
}

fn answers_interactively() -> Result<Vec<ScreeningAnswer>, CliError> {
    say(
        "Jawab setiap pertanyaan: y (ya), n (tidak), ? (tidak tahu).",
        "Answer each question: y (yes), n (no), ? (don't know).",
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut answers = Vec::new();
    for question in migran_core::screening_questions(locale())? {
        crate::output::write_out(format_args!("{} [y/n/?] ", question.text));
        let _ = std::io::stdout().flush();
        let line = lines
            .next()
            .transpose()
            .map_err(|_| CliError::Other("stdin".to_string()))?
            .unwrap_or_default();
        answers.push(ScreeningAnswer {
            answer: parse_answer(&line).unwrap_or(Answer::Unknown),
            question_id: question.id,
        });
    }
    Ok(answers)
}

fn screen(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["answers", "by"])?;
    let person_id = args.word(1, "person")?;
    let answers = match args.text("answers", "answers")? {
        Some(path) => answers_from_file(&path)?,
        None => answers_interactively()?,
    };
    let screened_by = args
        .text("by", "screened_by")?
        .unwrap_or_else(|| "migran CLI".to_string());
    let vault = open_unlocked(args)?;
    let record = vault.screen_person(person_id, ScreeningInput { screened_by, answers })?;
    if args.json {
        print_json(&serde_json::to_value(&record).unwrap_or(Value::Null));
    } else {
        print_record(&record);
    }
    Ok(())
}

fn history(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let person_id = args.word(2, "person")?;
    let records = open_unlocked(args)?.screening_history(person_id)?;
    if args.json {
        print_json(&serde_json::to_value(&records).unwrap_or(Value::Null));
        return Ok(());
    }
    if records.is_empty() {
        say("Belum pernah ditapis.", "Not screened yet.");
    }
    for record in &records {
        print_record(record);
        outln!();
    }
    Ok(())
}

fn print_result(result: &ScreeningResult) {
    let level = format!("{:?}", result.level).to_uppercase();
    say(format!("Tingkat risiko: {level}"), format!("Risk level: {level}"));
    for flag in &result.flags {
        outln!("  ! [{:?}] {}", flag.severity, flag.title.get(locale()));
        for reason in &flag.reasons {
            outln!("      - {}", reason.get(locale()));
        }
        outln!("      {} {}", t("Dasar:", "Basis:").get(), flag.legal_basis);
        outln!(
            "      {} {}",
            t("Tindakan:", "Action:").get(),
            flag.action.get(locale())
        );
    }
    if !result.complete {
        say(
            format!(
                "Belum lengkap; tanyakan lagi: {}",
                result.unknown_questions.join(", ")
            ),
            format!(
                "Incomplete; still to ask: {}",
                result.unknown_questions.join(", ")
            ),
        );
    }
}

fn print_record(record: &ScreeningRecord) {
    outln!("{}  {}  ({})", record.screened_at, record.id, record.screened_by);
    print_result(&record.result);
    if let Some(change) = &record.change {
        say(
            format!(
                "Dibanding sebelumnya ({:?}): + {:?}  - {:?}",
                change.previous_level, change.flags_added, change.flags_removed
            ),
            format!(
                "Since the previous one ({:?}): + {:?}  - {:?}",
                change.previous_level, change.flags_added, change.flags_removed
            ),
        );
    }
}
