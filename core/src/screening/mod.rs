//! Trafficking (TPPO) red-flag screening for a home visit. The catalogue of questions and
//! flags is data (`core/content/screening/redflags.json`); the rules combine the
//! answers with facts already in the record (destination, sector, P3MI licence, age at
//! departure). Three-valued: an unanswered question is *unknown*, never guessed as safe.
//!
//! Laid out by layer: this file holds the types and the calls the apps make;
//! `catalogue` parses the content and checks answers against it; `rules` is the pure
//! assessment (flags, level, what changed, when to follow up); `store` keeps screenings
//! and follow-ups in `vault.db` (typed columns); `export` is what the agenda, the
//! village report and the person's export read.

mod catalogue;
mod export;
mod rules;
mod store;

use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::new_row_id;
use crate::error::{MigranError, RecordKind, Result};
use crate::i18n::{Locale, LocalizedText};
use crate::people;
use crate::time::instant_text;
use crate::validate;
use crate::vault::Vault;

use catalogue::{catalogue, check_answers};
use rules::assess;

pub(crate) use export::{agenda_signals, export_section, latest_levels};
pub(crate) use store::{load_follow_ups, SCHEMA};

/// How much a screening points at trafficking, from its fired flags. Ordered: `None` is
/// the lowest, `Critical` the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, uniffi::Enum)]
pub enum RiskLevel {
    /// No flag fired, and no undecided flag of Medium or worse.
    None,
    /// Only a low flag fired, or a serious flag is still undecided.
    Low,
    /// A medium flag fired.
    Medium,
    /// A high flag fired, or three or more medium flags together.
    High,
    /// A critical flag fired (e.g. domestic work in a moratorium country).
    Critical,
}

/// An answer to a question; `Unknown` is never taken as the safe answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Not known; the same as leaving the question unanswered.
    Unknown,
}

// The codes of the levels and answers: in `vault.db`, in the catalogue's JSON, in
// exports and in the report's keys.
crate::storage_codes!(RiskLevel {
    None => "none",
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
});

crate::storage_codes!(Answer {
    Yes => "yes",
    No => "no",
    Unknown => "unknown",
});

/// The answer given to one question of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningAnswer {
    /// The question's id in the catalogue (`work_visa`, ...); each at most once per screening.
    pub question_id: String,
    /// The answer.
    pub answer: Answer,
}

/// A question of the catalogue, in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreeningQuestion {
    /// The question's id in the catalogue.
    pub id: String,
    /// The question, in the requested language.
    pub text: String,
}

/// A red flag that fired, with why and what to do, as the catalogue said it then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct FiredFlag {
    /// The flag's id in the catalogue.
    pub id: String,
    /// How serious the flag is.
    pub severity: RiskLevel,
    /// The flag's title, in both languages.
    pub title: LocalizedText,
    /// What the flag means, in both languages.
    pub explanation: LocalizedText,
    /// Why it fired: the answers and record facts behind it.
    pub reasons: Vec<LocalizedText>,
    /// The law the flag rests on, as far as the sources give it.
    pub legal_basis: String,
    /// What the cadre should do (whom to contact, what to say), in both languages.
    pub action: LocalizedText,
}

/// What a screening found: the level, the flags that fired and what is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningResult {
    /// The risk level: the highest fired severity, raised by several medium flags or
    /// undecided serious ones.
    pub level: RiskLevel,
    /// The flags that fired, with their texts as the catalogue said them then.
    pub flags: Vec<FiredFlag>,
    /// Flags that could neither fire nor be ruled out, because an answer is unknown.
    pub undecided_flags: Vec<String>,
    /// Questions still to ask (unanswered or "unknown") that decide an undecided flag.
    pub unknown_questions: Vec<String>,
    /// False when an undecided flag could change the level.
    pub complete: bool,
    /// The catalogue version the screening was assessed with.
    pub catalogue_version: u32,
}

/// What changed since the person's previous screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningChange {
    /// The level of the previous screening.
    pub previous_level: RiskLevel,
    /// Ids of the flags that fired now and not before.
    pub flags_added: Vec<String>,
    /// Ids of the flags that fired before and not now.
    pub flags_removed: Vec<String>,
}

/// A stored screening: when, by whom, the answers and the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningRecord {
    /// The screening's id, made by the core.
    pub id: String,
    /// The person screened.
    pub person_id: String,
    /// When the screening was made, RFC 3339 UTC.
    pub screened_at: String,
    /// Who screened (the cadre's name).
    pub screened_by: String,
    /// The answers given.
    pub answers: Vec<ScreeningAnswer>,
    /// What the screening found.
    pub result: ScreeningResult,
    /// Against the previous screening of the same person; `None` for the first.
    pub change: Option<ScreeningChange>,
}

/// What the cadre gives to screen a person.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreeningInput {
    /// Who screens (the cadre's name), at most 200 characters, not blank.
    pub screened_by: String,
    /// The answers given; a question may be left out (it counts as unknown). An unknown
    /// question id or one given twice is refused as `Invalid { field: "question_id" }`.
    pub answers: Vec<ScreeningAnswer>,
}

/// A follow-up a high or critical screening asks of the cadre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct FollowUp {
    /// The follow-up's id: the id of the screening that asked for it.
    pub id: String,
    /// The person to follow up.
    pub person_id: String,
    /// When it was opened, RFC 3339 UTC.
    pub created_at: String,
    /// When it is due, `YYYY-MM-DD`: the day after a critical screening, 3 days after a high one.
    pub due_date: String,
    /// Whether the cadre marked it done.
    pub done: bool,
    /// What to follow up, e.g. "screening".
    pub kind: String,
    /// The record that asked for it (the screening's id).
    pub source_id: String,
    /// Why it is on the cadre's list (the screening's level), in both languages.
    pub reason: LocalizedText,
}

/// The catalogue's questions, for the interview screen.
#[uniffi::export]
pub fn screening_questions(locale: Locale) -> Result<Vec<ScreeningQuestion>> {
    Ok(catalogue()?
        .questions
        .iter()
        .map(|q| ScreeningQuestion {
            id: q.id.clone(),
            text: q.text.get(locale).to_string(),
        })
        .collect())
}

#[uniffi::export]
impl Vault {
    /// The result a screening would give, stored nowhere (to show while answering).
    pub fn preview_screening(
        &self,
        person_id: String,
        answers: Vec<ScreeningAnswer>,
    ) -> Result<ScreeningResult> {
        let catalogue = catalogue()?;
        check_answers(&answers, catalogue)?;
        self.read(|s| {
            let facts = store::record_facts(s, &person_id)?;
            // The preview reads the person's record and journey for its facts.
            s.audit(AuditAction::Read, RecordKind::Person, &person_id, &person_id);
            Ok(assess(&answers, &facts, catalogue))
        })
    }

    /// Screens and stores. High and critical results open a follow-up for the cadre (due
    /// the next day for critical, within 3 days for high), one open follow-up per person
    /// at a time.
    pub fn screen_person(&self, person_id: String, input: ScreeningInput) -> Result<ScreeningRecord> {
        let catalogue = catalogue()?;
        check_answers(&input.answers, catalogue)?;
        let screened_by =
            validate::required_text("screened_by", &input.screened_by, validate::SHORT_TEXT_MAX)?;
        self.write(|s| {
            let result = assess(&input.answers, &store::record_facts(s, &person_id)?, catalogue);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let previous = store::latest_screening(s, &person_id)?;
            let mut record = ScreeningRecord {
                id: new_row_id()?,
                person_id: person_id.clone(),
                screened_at: instant_text(s.now),
                screened_by,
                answers: input.answers.clone(),
                result,
                change: None,
            };
            let follow_up = store::insert_screening(s, &record, s.today)?;
            s.audit(AuditAction::Create, RecordKind::Screening, &record.id, &person_id);
            if follow_up {
                // The follow-up carries its screening's id.
                s.audit(
                    AuditAction::Create,
                    RecordKind::ScreeningFollowUp,
                    &record.id,
                    &person_id,
                );
            }
            record.change = previous.map(|p| rules::change(&p.result, &record.result));
            Ok(record)
        })
    }

    /// Every screening of the person, oldest first, each with what changed.
    pub fn screening_history(&self, person_id: String) -> Result<Vec<ScreeningRecord>> {
        self.read(|s| {
            people::ensure_person(s, &person_id)?;
            let screenings = store::load_screenings(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Screening,
                Some(&person_id),
                screenings.len(),
            );
            Ok(screenings)
        })
    }

    /// The person's screening follow-ups, by due date, done ones included.
    pub fn list_follow_ups(&self, person_id: String) -> Result<Vec<FollowUp>> {
        self.read(|s| {
            people::ensure_person(s, &person_id)?;
            let follow_ups = load_follow_ups(s, Some(&person_id))?;
            s.audit_count(
                AuditAction::List,
                RecordKind::ScreeningFollowUp,
                Some(&person_id),
                follow_ups.len(),
            );
            Ok(follow_ups)
        })
    }

    /// Marks a screening's follow-up done (its id is the screening's). Recording it needs
    /// the registration consent.
    pub fn complete_follow_up(&self, follow_up_id: String) -> Result<()> {
        self.write(|s| {
            let mut follow_up = store::find_follow_up(s, &follow_up_id)?.ok_or(MigranError::NotFound {
                kind: RecordKind::ScreeningFollowUp,
            })?;
            consent::require(s, &follow_up.person_id, ConsentPurpose::Registration)?;
            follow_up.done = true;
            store::update_follow_up(s, &follow_up)?;
            s.audit(
                AuditAction::Update,
                RecordKind::ScreeningFollowUp,
                &follow_up_id,
                &follow_up.person_id,
            );
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codes::StorageCode;

    #[test]
    fn every_stored_code_of_the_screening_enums_is_pinned() {
        let codes = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            codes(RiskLevel::ALL.iter().map(|v| v.code()).collect()),
            "none,low,medium,high,critical"
        );
        assert_eq!(
            codes(Answer::ALL.iter().map(|v| v.code()).collect()),
            "yes,no,unknown"
        );
    }
}
