//! The catalogue of questions and red flags: content, not code
//! (`core/content/screening/redflags.json`, versioned). Parsed once; answers are checked
//! against it before anything is assessed or stored.

use std::sync::OnceLock;

use serde::Deserialize;

use super::{Answer, RiskLevel, ScreeningAnswer};
use crate::error::{InvalidReason, MigranError, Result};
use crate::i18n::LocalizedText;

const CATALOGUE: &str = include_str!("../../content/screening/redflags.json");

/// The parsed catalogue. Severities and expected answers are written in it with the
/// storage codes of [`RiskLevel`] and [`Answer`] (`"critical"`, `"no"`).
#[derive(Debug, Deserialize)]
pub(crate) struct Catalogue {
    pub version: u32,
    pub(super) moratorium: Moratorium,
    pub(super) questions: Vec<QuestionDef>,
    pub(super) flags: Vec<FlagDef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Moratorium {
    pub countries: Vec<String>,
    pub disputed: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct QuestionDef {
    pub id: String,
    pub text: LocalizedText,
}

#[derive(Debug, Deserialize)]
pub(super) struct FlagDef {
    pub id: String,
    pub severity: RiskLevel,
    pub rule: Rule,
    pub title: LocalizedText,
    pub explanation: LocalizedText,
    pub legal_basis: String,
    pub action: LocalizedText,
}

/// A flag's rule as the catalogue writes it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Rule {
    /// True when any part is true.
    Any { any: Vec<Rule> },
    /// True when the question `answer` was answered `equals`.
    Answer { answer: String, equals: Answer },
    /// A fact from the record.
    Fact { fact: Fact },
}

/// What the record already says, by the catalogue's names. Content only: never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Fact {
    MoratoriumDomesticWork,
    DisputedMoratoriumDomesticWork,
    AgencyWithoutLicence,
    #[serde(rename = "under_18_at_departure")]
    Under18AtDeparture,
}

pub(crate) fn catalogue() -> Result<&'static Catalogue> {
    static PARSED: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_str(CATALOGUE).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|_| MigranError::internal("the red-flag catalogue does not parse"))
}

/// Every answer names a question of the catalogue, and no question is answered twice.
pub(super) fn check_answers(answers: &[ScreeningAnswer], catalogue: &Catalogue) -> Result<()> {
    for (i, answer) in answers.iter().enumerate() {
        if !catalogue.questions.iter().any(|q| q.id == answer.question_id) {
            return Err(MigranError::invalid("question_id", InvalidReason::BadFormat));
        }
        if answers[..i].iter().any(|a| a.question_id == answer.question_id) {
            return Err(MigranError::invalid("question_id", InvalidReason::Inconsistent));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_complete_and_bilingual() {
        let catalogue = catalogue().unwrap();
        let mut ids: Vec<&str> = catalogue.flags.iter().map(|f| f.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
        for flag in &catalogue.flags {
            for text in [&flag.title, &flag.explanation, &flag.action] {
                assert!(
                    !text.id.trim().is_empty() && !text.en.trim().is_empty(),
                    "{}",
                    flag.id
                );
            }
            assert!(
                flag.legal_basis.contains("UU") || flag.legal_basis.contains("Kepmenaker"),
                "{}",
                flag.id
            );
        }
        for question in &catalogue.questions {
            assert!(!question.text.id.is_empty() && !question.text.en.is_empty());
        }
        assert_eq!(
            catalogue.moratorium.countries.len(),
            20,
            "19 countries, Sudan and South Sudan separate"
        );
        for code in catalogue
            .moratorium
            .countries
            .iter()
            .chain(&catalogue.moratorium.disputed)
        {
            assert!(crate::validate::is_country_code(code), "{code}");
        }
    }
}
