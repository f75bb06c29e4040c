//! `migran screen ...`: TPPO red-flag screening in a home visit, interactive or from a
//! JSON file of answers (`{"work_visa": "no", "fees_paid": "unknown", ...}`). Every
//! question needs an answer ("unknown" counts); an interview cut short stores nothing.

use std::io::{BufRead, Write};

use migran_core::{
    Answer, InvalidReason, MigranError, RiskLevel, ScreeningAnswer, ScreeningInput, ScreeningRecord,
    ScreeningResult,
};
use serde_json::Value;

use crate::answers_json::AnswersJsonError;
use crate::args::{utf8, Args};
use crate::commands::{open_with_person, say};
use crate::i18n::{locale, t, Text};
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

/// The most an answers file may hold: a full interview is under 2 KiB.
const MAX_ANSWERS_BYTES: u64 = 64 * 1024;

/// The answers in a JSON file (`{"question_id": "yes" | "no" | "unknown", ...}`). Every
/// question needs one ("unknown" counts): a file that leaves some out is refused and
/// nothing is stored, with the questions still to ask. The file is read up to
/// [`MAX_ANSWERS_BYTES`]; a UTF-8 byte order mark (as Windows editors write) is skipped;
/// bytes that are not UTF-8 and a question answered twice are refused (exit 5): a
/// second answer must not silently replace the first (it dropped a High flag once).
fn answers_from_file(path: &str) -> Result<Vec<ScreeningAnswer>, CliError> {
    let invalid = |reason| {
        CliError::Core(MigranError::Invalid {
            field: "answers".to_string(),
            reason,
        })
    };
    let bytes = crate::files::read_bounded(std::path::Path::new(path), MAX_ANSWERS_BYTES)?;
    let object = crate::answers_json::decode(&bytes).map_err(|err| match err {
        AnswersJsonError::NotUtf8 => invalid(InvalidReason::BadCharacters),
        AnswersJsonError::BadFormat => invalid(InvalidReason::BadFormat),
        AnswersJsonError::Duplicate(question) => CliError::Refused(t(
            format!("pertanyaan {question} dijawab dua kali dalam berkas jawaban; sisakan satu jawaban"),
            format!("question {question} is answered twice in the answers file; keep one answer"),
        )),
    })?;
    let answers: Vec<ScreeningAnswer> = object
        .iter()
        .map(|(question, answer)| {
            Ok(ScreeningAnswer {
                question_id: question.clone(),
                answer: parse_answer(answer.as_str().unwrap_or("?"))?,
            })
        })
        .collect::<Result<_, CliError>>()?;
    let missing: Vec<String> = migran_core::screening_questions(locale())?
        .into_iter()
        .filter(|q| !answers.iter().any(|a| a.question_id == q.id))
        .map(|q| format!("{} ({})", q.text, q.id))
        .collect();
    if !missing.is_empty() {
        return Err(not_stored(&missing));
    }
    Ok(answers)
}

/// An interview that did not reach its end: nothing is stored.
fn not_stored(missing: &[String]) -> CliError {
    let list = missing.join("; ");
    CliError::Refused(t(
        format!("penapisan belum lengkap, tidak ada yang disimpan. Belum dijawab (jawab 'tidak tahu' bila perlu): {list}"),
        format!("the screening is incomplete, nothing was stored. Not answered (answer 'don't know' where needed): {list}"),
    ))
}

/// Asks each question in turn. An answer that is not y, n or ? is asked again; input
/// that ends before the last question stores nothing.
fn answers_interactively() -> Result<Vec<ScreeningAnswer>, CliError> {
    say(
        "Jawab setiap pertanyaan: y (ya), n (tidak), ? (tidak tahu).",
        "Answer each question: y (yes), n (no), ? (don't know).",
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let questions = migran_core::screening_questions(locale())?;
    let mut answers = Vec::new();
    for (index, question) in questions.iter().enumerate() {
        let answer = loop {
            crate::output::write_out(format_args!("{} [y/n/?] ", question.text));
            let _ = std::io::stdout().flush();
            let Some(line) = lines
                .next()
                .transpose()
                .map_err(|_| CliError::Other("stdin".to_string()))?
            else {
                let missing: Vec<String> = questions[index..].iter().map(|q| q.text.clone()).collect();
                return Err(not_stored(&missing));
            };
            match parse_answer(&line) {
                Ok(answer) => break answer,
                Err(_) => say(
                    "Jawab y (ya), n (tidak) atau ? (tidak tahu).",
                    "Answer y (yes), n (no) or ? (don't know).",
                ),
            }
        };
        answers.push(ScreeningAnswer {
            answer,
            question_id: question.id.clone(),
        });
    }
    Ok(answers)
}

fn screen(args: &Args) -> Result<(), CliError> {
    args.allow_only(&["answers", "by"])?;
    let person_id = args.word(1, "person")?;
    // The person is found before any question is asked.
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let answers = match args.text("answers", "answers")? {
        Some(path) => answers_from_file(&path)?,
        None => answers_interactively()?,
    };
    // Who screened: --by, else who MIGRAN_ACTOR says is at the keyboard.
    let screened_by = match args.text("by", "screened_by")? {
        Some(by) => by,
        None => std::env::var("MIGRAN_ACTOR")
            .ok()
            .filter(|actor| !actor.trim().is_empty())
            .unwrap_or_else(|| "migran CLI".to_string()),
    };
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
    let (vault, person_id) = open_with_person(args, &person_id)?;
    let records = vault.screening_history(person_id)?;
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
    let level = risk_label(result.level).get().to_uppercase();
    say(format!("Tingkat risiko: {level}"), format!("Risk level: {level}"));
    for flag in &result.flags {
        outln!(
            "  ! [{}] {}",
            risk_label(flag.severity).get(),
            flag.title.get(locale())
        );
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
        let questions = migran_core::screening_questions(locale()).unwrap_or_default();
        say("Belum pasti; tanyakan lagi:", "Not yet certain; ask again:");
        for id in &result.unknown_questions {
            let text = questions
                .iter()
                .find(|q| &q.id == id)
                .map_or(id.as_str(), |q| q.text.as_str());
            outln!("  - {text}");
        }
    }
}

fn print_record(record: &ScreeningRecord) {
    outln!("{}  {}  ({})", record.screened_at, record.id, record.screened_by);
    print_result(&record.result);
    if let Some(change) = &record.change {
        let previous = risk_label(change.previous_level);
        let (added, removed) = (change.flags_added.join(", "), change.flags_removed.join(", "));
        say(
            format!(
                "Dibanding sebelumnya (tingkat {}): tanda baru: {added}; tanda hilang: {removed}",
                previous.id
            ),
            format!(
                "Since the previous one (level {}): new flags: {added}; flags gone: {removed}",
                previous.en
            ),
        );
    }
}

fn risk_label(level: RiskLevel) -> Text {
    match level {
        RiskLevel::None => t("tidak ada", "none"),
        RiskLevel::Low => t("rendah", "low"),
        RiskLevel::Medium => t("sedang", "medium"),
        RiskLevel::High => t("tinggi", "high"),
        RiskLevel::Critical => t("kritis", "critical"),
    }
}
