//! `migran lesson list|show|speak-text`: the signed lessons, offline, and the text the
//! phone's text-to-speech reads. Lessons are public content: no PIN needed.

use clap::Subcommand;
use std::ffi::OsString;

use crate::args::{utf8, Args};
use crate::commands::open_locked;
use crate::i18n::{locale, t};
use crate::output::{outln, print_json};
use crate::CliError;

/// The grammar of `migran lesson` (help text in `help`).
#[derive(Subcommand)]
#[allow(dead_code)] // Declares the grammar; the values are read through `Args`.
pub enum LessonCommand {
    List,
    Show {
        #[arg(value_name = "LESSON")]
        lesson: Option<OsString>,
    },
    SpeakText {
        #[arg(value_name = "LESSON")]
        lesson: Option<OsString>,
    },
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let second = args.words.get(1).map(|w| utf8(w, "command")).transpose()?;
    match second.as_deref() {
        Some("list") => list(args),
        Some("show") => show(args),
        Some("speak-text") => speak_text(args),
        _ => Err(CliError::usage(
            "lesson list | lesson show PELAJARAN | lesson speak-text PELAJARAN",
            "lesson list | lesson show LESSON | lesson speak-text LESSON",
        )),
    }
}

fn list(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    args.no_words_after(2)?;
    let lessons = open_locked(args)?.lessons(locale())?;
    if args.json {
        let rows: Vec<serde_json::Value> = lessons
            .iter()
            .map(|l| serde_json::json!({"id": l.id, "title": l.title, "country": l.country}))
            .collect();
        print_json(&serde_json::Value::Array(rows));
        return Ok(());
    }
    for lesson in &lessons {
        outln!(
            "{:<18} {:<3} {}",
            lesson.id,
            lesson.country.as_deref().unwrap_or("-"),
            lesson.title
        );
    }
    Ok(())
}

fn show(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let id = args.word(2, "lesson")?;
    args.no_words_after(3)?;
    let lesson = open_locked(args)?.lesson(id, locale())?;
    if args.json {
        print_json(&serde_json::json!({
            "id": lesson.id,
            "title": lesson.title,
            "country": lesson.country,
            "statements": lesson.statements.iter().map(|s| serde_json::json!({
                "text": s.text, "source": s.source, "source_date": s.source_date, "needs_source": s.needs_source,
            })).collect::<Vec<_>>(),
            "contacts": lesson.contacts.iter().map(|c| serde_json::json!({
                "directory_id": c.directory_id, "label": c.label, "number": c.number,
            })).collect::<Vec<_>>(),
            "questions": lesson.questions.iter().map(|q| serde_json::json!({
                "question": q.question, "options": q.options, "answer": q.answer,
            })).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    outln!("{}\n", lesson.title);
    let needs_source = t("perlu sumber", "source needed");
    for statement in &lesson.statements {
        outln!("- {}", statement.text);
        match &statement.source_date {
            Some(date) => outln!("  ({}, {date})", statement.source),
            None => outln!("  [{}: {}]", needs_source.get(), statement.source),
        }
    }
    if !lesson.contacts.is_empty() {
        outln!("\n{}", t("Nomor penting:", "Numbers to call:").get());
        for contact in &lesson.contacts {
            outln!("  {}: {}", contact.label, contact.number);
        }
    }
    outln!("\n{}", t("Pertanyaan:", "Questions:").get());
    for (n, question) in lesson.questions.iter().enumerate() {
        outln!("{}. {}", n + 1, question.question);
        for (i, option) in question.options.iter().enumerate() {
            let letter = char::from(b'a' + u8::try_from(i).unwrap_or(25));
            outln!("   {letter}) {option}");
        }
    }
    Ok(())
}

fn speak_text(args: &Args) -> Result<(), CliError> {
    args.allow_only(&[])?;
    let id = args.word(2, "lesson")?;
    args.no_words_after(3)?;
    let text = open_locked(args)?.lesson_speech(id, locale())?;
    if args.json {
        print_json(&serde_json::json!({ "text": text }));
    } else {
        outln!("{text}");
    }
    Ok(())
}
