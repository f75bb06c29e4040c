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
    pub(super) zero_cost_sectors: ZeroCostSectors,
    pub(super) scam_route: ScamRoute,
    pub(super) questions: Vec<QuestionDef>,
    pub(super) flags: Vec<FlagDef>,
}

/// Kepmenaker 260/2015: where domestic work for individual employers is stopped.
#[derive(Debug, Deserialize)]
pub(super) struct Moratorium {
    /// Named by a dated list: critical.
    pub countries: Vec<String>,
    /// Open only through an official single channel (Saudi Arabia's SPSK): high.
    pub single_channel: Vec<String>,
    /// On some lists only: high, to be checked.
    pub disputed: Vec<String>,
}

/// The sectors of the ten jobs that may be charged nothing for placement (UU 18/2017
/// Pasal 30 ayat (1), Perban BP2MI 9/2020).
#[derive(Debug, Deserialize)]
pub(super) struct ZeroCostSectors {
    pub sectors: Vec<crate::people::Sector>,
}

/// The destinations of the online-scam trafficking route.
#[derive(Debug, Deserialize)]
pub(super) struct ScamRoute {
    pub countries: Vec<String>,
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
    /// True when every part is true.
    All { all: Vec<Rule> },
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
    SingleChannelDomesticWork,
    DisputedMoratoriumDomesticWork,
    AgencyWithoutLicence,
    /// The recorded agency is unknown, suspended or revoked on the installed P3MI list.
    AgencyNotInGoodStanding,
    /// The recorded sector holds one of the ten zero-cost jobs.
    ZeroCostSector,
    /// The recorded destination is on the online-scam route.
    ScamRouteDestination,
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
        // Officially 19; a dated list names 18 (Saudi Arabia apart, with its single
        // channel); the uncertain ones are only "check".
        assert_eq!(
            catalogue.moratorium.countries.len() + catalogue.moratorium.single_channel.len(),
            18
        );
        for code in catalogue
            .moratorium
            .countries
            .iter()
            .chain(&catalogue.moratorium.single_channel)
            .chain(&catalogue.moratorium.disputed)
            .chain(&catalogue.scam_route.countries)
        {
            assert!(crate::validate::is_country_code(code), "{code}");
        }
        for disputed in &catalogue.moratorium.disputed {
            assert!(!catalogue.moratorium.countries.contains(disputed), "{disputed}");
        }
        // Names: the ministry and its regional offices, never a minister.
        let text = CATALOGUE.to_lowercase();
        for name in ["karding", "mukhtarudin", "bnp2tki"] {
            assert!(!text.contains(name), "{name}");
        }
    }
}
