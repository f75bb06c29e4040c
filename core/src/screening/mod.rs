//! Trafficking (TPPO) red-flag screening for a home visit. The catalogue of questions and
//! flags is data (`core/content/screening/redflags.json`); the rules combine the
//! answers with facts already in the record (destination, sector, P3MI licence, age at
//! departure). Three-valued: an unanswered question is *unknown*, never guessed as safe.

use std::sync::OnceLock;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{new_row_id, Place};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::{Locale, LocalizedText};
use crate::people::{self, Sector};
use crate::time::{age_on, date_text, instant_text, parse_date};
use crate::validate;
use crate::vault::{Session, Vault};

/// The screenings table (still one sealed row per screening).
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE screenings (
        id          TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX screenings_by_person ON screenings (person_id, created_at);
"#;

const CATALOGUE: &str = include_str!("../content/screening/redflags.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    None,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningAnswer {
    pub question_id: String,
    pub answer: Answer,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreeningQuestion {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct FiredFlag {
    pub id: String,
    pub severity: RiskLevel,
    pub title: LocalizedText,
    pub explanation: LocalizedText,
    /// Why it fired: the answers and record facts behind it.
    pub reasons: Vec<LocalizedText>,
    pub legal_basis: String,
    pub action: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningResult {
    pub level: RiskLevel,
    pub flags: Vec<FiredFlag>,
    /// Flags that could neither fire nor be ruled out, because an answer is unknown.
    pub undecided_flags: Vec<String>,
    /// Questions still to ask (unanswered or "unknown") that decide an undecided flag.
    pub unknown_questions: Vec<String>,
    /// False when an undecided flag could change the level.
    pub complete: bool,
    pub catalogue_version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningChange {
    pub previous_level: RiskLevel,
    pub flags_added: Vec<String>,
    pub flags_removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct ScreeningRecord {
    pub id: String,
    pub person_id: String,
    pub screened_at: String,
    pub screened_by: String,
    pub answers: Vec<ScreeningAnswer>,
    pub result: ScreeningResult,
    /// Against the previous screening of the same person; `None` for the first.
    pub change: Option<ScreeningChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreeningInput {
    pub screened_by: String,
    pub answers: Vec<ScreeningAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct FollowUp {
    pub id: String,
    pub person_id: String,
    pub created_at: String,
    pub due_date: String,
    pub done: bool,
    /// What to follow up, e.g. "screening".
    pub kind: String,
    /// The record that asked for it (the screening's id).
    pub source_id: String,
    pub reason: LocalizedText,
}

// ---- the catalogue -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct Catalogue {
    pub version: u32,
    moratorium: Moratorium,
    questions: Vec<QuestionDef>,
    flags: Vec<FlagDef>,
}

#[derive(Debug, Deserialize)]
struct Moratorium {
    countries: Vec<String>,
    disputed: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct QuestionDef {
    id: String,
    text: LocalizedText,
}

#[derive(Debug, Deserialize)]
struct FlagDef {
    id: String,
    severity: RiskLevel,
    rule: Rule,
    title: LocalizedText,
    explanation: LocalizedText,
    legal_basis: String,
    action: LocalizedText,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Rule {
    Any { any: Vec<Rule> },
    Answer { answer: String, equals: Answer },
    Fact { fact: Fact },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Fact {
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

// ---- evaluation (pure) ---------------------------------------------------------------

/// What the record already says, for the rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordFacts {
    pub destination: Option<String>,
    pub sector: Option<Sector>,
    pub agency_name: Option<String>,
    pub agency_licence: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub departure_date: Option<NaiveDate>,
    pub today: Option<NaiveDate>,
}

/// Three-valued truth: `None` is "unknown".
type Truth = Option<bool>;

struct Evaluation {
    truth: Truth,
    reasons: Vec<LocalizedText>,
    open_questions: Vec<String>,
}

fn answer_of(answers: &[ScreeningAnswer], id: &str) -> Answer {
    answers
        .iter()
        .find(|a| a.question_id == id)
        .map_or(Answer::Unknown, |a| a.answer)
}

fn fact_value(
    fact: Fact,
    facts: &RecordFacts,
    answers: &[ScreeningAnswer],
    catalogue: &Catalogue,
) -> (Truth, Vec<String>) {
    match fact {
        Fact::MoratoriumDomesticWork | Fact::DisputedMoratoriumDomesticWork => {
            let list = if fact == Fact::MoratoriumDomesticWork {
                &catalogue.moratorium.countries
            } else {
                &catalogue.moratorium.disputed
            };
            let in_list = facts.destination.as_ref().map(|c| list.contains(c));
            let domestic = match facts.sector {
                Some(sector) => Some(sector == Sector::DomesticWork),
                None => match answer_of(answers, "domestic_work") {
                    Answer::Yes => Some(true),
                    Answer::No => Some(false),
                    Answer::Unknown => None,
                },
            };
            let open = if facts.sector.is_none() && domestic.is_none() {
                vec!["domestic_work".to_string()]
            } else {
                Vec::new()
            };
            (and(in_list, domestic), open)
        }
        Fact::AgencyWithoutLicence => match (&facts.agency_name, &facts.agency_licence) {
            (_, Some(_)) => (Some(false), Vec::new()),
            (Some(_), None) => (Some(true), Vec::new()),
            (None, None) => (None, Vec::new()),
        },
        Fact::Under18AtDeparture => {
            let on = facts.departure_date.or(facts.today);
            match (facts.birth_date, on) {
                (Some(birth), Some(on)) => (Some(age_on(birth, on) < 18), Vec::new()),
                _ => (None, Vec::new()),
            }
        }
    }
}

fn and(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn fact_reason(fact: Fact, facts: &RecordFacts) -> LocalizedText {
    let country = facts.destination.clone().unwrap_or_default();
    match fact {
        Fact::MoratoriumDomesticWork => LocalizedText::new(
            &format!("Tujuan {country} termasuk daftar moratorium, pekerjaan rumah tangga."),
            &format!("Destination {country} is on the moratorium list, for domestic work."),
        ),
        Fact::DisputedMoratoriumDomesticWork => LocalizedText::new(
            &format!("Tujuan {country} disebut dalam sebagian daftar moratorium, pekerjaan rumah tangga."),
            &format!("Destination {country} is on some moratorium lists, for domestic work."),
        ),
        Fact::AgencyWithoutLicence => LocalizedText::new(
            "Nama P3MI tercatat tanpa nomor izin.",
            "A placement agency is recorded without a licence number.",
        ),
        Fact::Under18AtDeparture => LocalizedText::new(
            "Umur di bawah 18 tahun pada tanggal berangkat.",
            "Under 18 years old on the departure date.",
        ),
    }
}

fn evaluate(
    rule: &Rule,
    facts: &RecordFacts,
    answers: &[ScreeningAnswer],
    catalogue: &Catalogue,
) -> Evaluation {
    match rule {
        Rule::Answer { answer, equals } => match answer_of(answers, answer) {
            Answer::Unknown => Evaluation {
                truth: None,
                reasons: Vec::new(),
                open_questions: vec![answer.clone()],
            },
            given => {
                let text = catalogue.questions.iter().find(|q| &q.id == answer);
                let reason = text.map(|q| {
                    let (id, en) = if given == Answer::Yes {
                        ("Ya", "Yes")
                    } else {
                        ("Tidak", "No")
                    };
                    LocalizedText::new(&format!("{} {id}.", q.text.id), &format!("{} {en}.", q.text.en))
                });
                Evaluation {
                    truth: Some(given == *equals),
                    reasons: reason.into_iter().collect(),
                    open_questions: Vec::new(),
                }
            }
        },
        Rule::Fact { fact } => {
            let (truth, open_questions) = fact_value(*fact, facts, answers, catalogue);
            Evaluation {
                truth,
                reasons: if truth == Some(true) {
                    vec![fact_reason(*fact, facts)]
                } else {
                    Vec::new()
                },
                open_questions,
            }
        }
        Rule::Any { any } => {
            let parts: Vec<Evaluation> = any
                .iter()
                .map(|r| evaluate(r, facts, answers, catalogue))
                .collect();
            let truth = if parts.iter().any(|p| p.truth == Some(true)) {
                Some(true)
            } else if parts.iter().any(|p| p.truth.is_none()) {
                None
            } else {
                Some(false)
            };
            Evaluation {
                truth,
                reasons: parts
                    .iter()
                    .filter(|p| p.truth == Some(true))
                    .flat_map(|p| p.reasons.clone())
                    .collect(),
                open_questions: if truth.is_none() {
                    parts.into_iter().flat_map(|p| p.open_questions).collect()
                } else {
                    Vec::new()
                },
            }
        }
    }
}

/// The screening itself: pure and deterministic over the answers and the record facts.
pub(crate) fn assess(
    answers: &[ScreeningAnswer],
    facts: &RecordFacts,
    catalogue: &Catalogue,
) -> ScreeningResult {
    let mut flags = Vec::new();
    let mut undecided_flags = Vec::new();
    let mut unknown_questions: Vec<String> = Vec::new();
    let mut undecided_max = RiskLevel::None;
    for flag in &catalogue.flags {
        let evaluation = evaluate(&flag.rule, facts, answers, catalogue);
        match evaluation.truth {
            Some(true) => flags.push(FiredFlag {
                id: flag.id.clone(),
                severity: flag.severity,
                title: flag.title.clone(),
                explanation: flag.explanation.clone(),
                reasons: evaluation.reasons,
                legal_basis: flag.legal_basis.clone(),
                action: flag.action.clone(),
            }),
            Some(false) => {}
            None => {
                undecided_flags.push(flag.id.clone());
                undecided_max = undecided_max.max(flag.severity);
                for question in evaluation.open_questions {
                    if !unknown_questions.contains(&question) {
                        unknown_questions.push(question);
                    }
                }
            }
        }
    }
    let fired_max = flags.iter().map(|f| f.severity).max().unwrap_or(RiskLevel::None);
    let serious = flags.iter().filter(|f| f.severity >= RiskLevel::Medium).count();
    // Several medium flags together are the pattern of a bad recruitment, not noise.
    let mut level = if fired_max == RiskLevel::Medium && serious >= 3 {
        RiskLevel::High
    } else {
        fired_max
    };
    // An open question that could reveal a serious flag never lets the answer be "none".
    if undecided_max >= RiskLevel::Medium && level == RiskLevel::None {
        level = RiskLevel::Low;
    }
    ScreeningResult {
        level,
        flags,
        complete: undecided_max <= level || undecided_flags.is_empty(),
        undecided_flags,
        unknown_questions,
        catalogue_version: catalogue.version,
    }
}

fn change(previous: &ScreeningResult, current: &ScreeningResult) -> ScreeningChange {
    let ids = |r: &ScreeningResult| r.flags.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    let (before, after) = (ids(previous), ids(current));
    ScreeningChange {
        previous_level: previous.level,
        flags_added: after.iter().filter(|f| !before.contains(f)).cloned().collect(),
        flags_removed: before.iter().filter(|f| !after.contains(f)).cloned().collect(),
    }
}

// ---- storage and API -----------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct ScreeningData {
    screened_by: String,
    answers: Vec<ScreeningAnswer>,
    result: ScreeningResult,
    /// The follow-up a high or critical result asks for. Sealed inside the screening:
    /// a row of its own would tell a reader of the file which screenings were high-risk,
    /// when the follow-up was due and whether it happened.
    #[serde(default)]
    follow_up: Option<FollowUpData>,
}

#[derive(Clone, Serialize, Deserialize)]
struct FollowUpData {
    kind: String,
    due_date: String,
    done: bool,
    reason: LocalizedText,
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
            let facts = record_facts(s, &person_id)?;
            // The preview reads the person's record and journey for its facts.
            s.audit(AuditAction::Read, RecordKind::Person, &person_id, &person_id);
            Ok(assess(&answers, &facts, catalogue))
        })
    }

    /// Screens and stores (sealed). High and critical results open a follow-up for the cadre.
    pub fn screen_person(&self, person_id: String, input: ScreeningInput) -> Result<ScreeningRecord> {
        let catalogue = catalogue()?;
        check_answers(&input.answers, catalogue)?;
        let screened_by =
            validate::required_text("screened_by", &input.screened_by, validate::SHORT_TEXT_MAX)?;
        self.write(|s| {
            let result = assess(&input.answers, &record_facts(s, &person_id)?, catalogue);
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            let previous = load_screenings(s, &person_id)?.pop();
            let id = new_row_id()?;
            let now = instant_text(s.now);
            let follow_up = (result.level >= RiskLevel::High).then(|| {
                let days = if result.level == RiskLevel::Critical { 1 } else { 3 };
                FollowUpData {
                    kind: "screening".to_string(),
                    due_date: date_text(s.now.date_naive() + Duration::days(days)),
                    done: false,
                    reason: LocalizedText::new(
                        &format!("Penapisan TPPO berisiko {:?}: tindak lanjuti.", result.level),
                        &format!("TPPO screening at {:?} risk: follow up.", result.level),
                    ),
                }
            });
            let data = ScreeningData {
                screened_by,
                answers: input.answers.clone(),
                result,
                follow_up,
            };
            let sealed = s.keys.seal_json(place("screenings", &id), &data)?;
            s.conn.execute(
                "INSERT INTO screenings (id, person_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
                params![id, person_id, now, sealed],
            )?;
            if data.follow_up.is_some() {
                // The follow-up carries its screening's id.
                s.audit(
                    AuditAction::Create,
                    RecordKind::ScreeningFollowUp,
                    &id,
                    &person_id,
                );
            }
            s.audit(AuditAction::Create, RecordKind::Screening, &id, &person_id);
            Ok(ScreeningRecord {
                change: previous.map(|p| change(&p.result, &data.result)),
                id,
                person_id: person_id.clone(),
                screened_at: now,
                screened_by: data.screened_by,
                answers: data.answers,
                result: data.result,
            })
        })
    }

    /// Every screening of the person, oldest first, each with what changed.
    pub fn screening_history(&self, person_id: String) -> Result<Vec<ScreeningRecord>> {
        self.read(|s| {
            people::ensure_person(s, &person_id)?;
            let screenings = load_screenings(s, &person_id)?;
            s.audit_count(
                AuditAction::List,
                RecordKind::Screening,
                Some(&person_id),
                screenings.len(),
            );
            Ok(screenings)
        })
    }

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
            let row: Option<(String, Vec<u8>)> = s
                .conn
                .prepare_cached("SELECT person_id, data FROM screenings WHERE id = ?1")?
                .query_row(params![follow_up_id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let (person_id, sealed) = row.ok_or_else(|| MigranError::not_found("follow_up"))?;
            let mut data: ScreeningData =
                s.keys
                    .open_json(place("screenings", &follow_up_id), &sealed, "screening")?;
            let follow_up = data
                .follow_up
                .as_mut()
                .ok_or_else(|| MigranError::not_found("follow_up"))?;
            consent::require(s, &person_id, ConsentPurpose::Registration)?;
            follow_up.done = true;
            let sealed = s.keys.seal_json(place("screenings", &follow_up_id), &data)?;
            s.conn.execute(
                "UPDATE screenings SET data = ?2 WHERE id = ?1",
                params![follow_up_id, sealed],
            )?;
            s.audit(
                AuditAction::Update,
                RecordKind::ScreeningFollowUp,
                &follow_up_id,
                &person_id,
            );
            Ok(())
        })
    }
}

fn place<'a>(table: &'static str, row: &'a str) -> Place<'a> {
    Place {
        table,
        row,
        column: "data",
    }
}

fn check_answers(answers: &[ScreeningAnswer], catalogue: &Catalogue) -> Result<()> {
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

fn record_facts(s: &Session<'_>, person_id: &str) -> Result<RecordFacts> {
    let person = people::load_person(s, person_id)?;
    let journey = people::load_journey(s, person_id)?;
    let stored_date = |text: Option<&String>| text.and_then(|t| parse_date("date", t).ok());
    Ok(RecordFacts {
        destination: journey.as_ref().and_then(|j| j.destination_country.clone()),
        sector: journey.as_ref().and_then(|j| j.sector),
        agency_name: journey.as_ref().and_then(|j| j.agency_name.clone()),
        agency_licence: journey.as_ref().and_then(|j| j.agency_licence.clone()),
        birth_date: parse_date("birth_date", &person.birth_date).ok(),
        departure_date: stored_date(journey.as_ref().and_then(|j| j.departure_date.as_ref())),
        today: Some(s.now.date_naive()),
    })
}

fn load_screenings(s: &Session<'_>, person_id: &str) -> Result<Vec<ScreeningRecord>> {
    let mut records: Vec<ScreeningRecord> = Vec::new();
    for (id, created_at, data) in s.sealed_rows::<ScreeningData>(
        "SELECT id, created_at, data FROM screenings WHERE person_id = ?1 ORDER BY created_at, rowid",
        person_id,
        "screenings",
        "screening",
    )? {
        let change = records
            .last()
            .map(|previous| change(&previous.result, &data.result));
        records.push(ScreeningRecord {
            id,
            person_id: person_id.to_string(),
            screened_at: created_at,
            screened_by: data.screened_by,
            answers: data.answers,
            result: data.result,
            change,
        });
    }
    Ok(records)
}

/// Follow-ups of one person (`Some`) or of everyone, by due date. With `skip_damaged`,
/// a screening that cannot be opened is left out instead of failing the read (the
/// agenda must still show everything else).
fn follow_ups_of(s: &Session<'_>, person_id: Option<&str>, skip_damaged: bool) -> Result<Vec<FollowUp>> {
    let mut statement = s.conn.prepare_cached(
        "SELECT id, person_id, created_at, data FROM screenings
         WHERE ?1 IS NULL OR person_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map(params![person_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    let mut follow_ups = Vec::new();
    for row in rows {
        let (id, person_id, created_at, sealed) = row?;
        let data: ScreeningData = match s.keys.open_json(place("screenings", &id), &sealed, "screening") {
            Ok(data) => data,
            Err(MigranError::Tampered { .. }) if skip_damaged => continue,
            Err(other) => return Err(other),
        };
        if let Some(follow_up) = data.follow_up {
            follow_ups.push(FollowUp {
                source_id: id.clone(),
                id,
                person_id,
                created_at,
                due_date: follow_up.due_date,
                done: follow_up.done,
                kind: follow_up.kind,
                reason: follow_up.reason,
            });
        }
    }
    follow_ups.sort_by(|a, b| a.due_date.cmp(&b.due_date));
    Ok(follow_ups)
}

pub(crate) fn load_follow_ups(s: &Session<'_>, person_id: Option<&str>) -> Result<Vec<FollowUp>> {
    follow_ups_of(s, person_id, false)
}

// ---- what the agenda, the village report and the person's export read --------------

/// The agenda's signal: every open follow-up of a high or critical screening, for the
/// people the agenda follows, due on its date (within the agenda's horizon).
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let mut signals = Vec::new();
    for follow_up in follow_ups_of(s, None, true)? {
        if follow_up.done || !ctx.includes(&follow_up.person_id) {
            continue;
        }
        let due = crate::time::parse_stored_date(&follow_up.due_date);
        if due.is_some_and(|due| due > ctx.horizon) {
            continue;
        }
        signals.push(Signal {
            kind: AgendaKind::ScreeningNotFollowedUp,
            person_id: follow_up.person_id,
            record_id: Some(follow_up.id),
            due_on: due,
            count: None,
        });
    }
    Ok(signals)
}

/// The risk level of each person's latest screening made on a day `in_period` accepts,
/// for the people `counted`. Screenings that cannot be opened are left out.
pub(crate) fn latest_levels(
    s: &Session<'_>,
    counted: &std::collections::HashSet<String>,
    in_period: impl Fn(&str) -> bool,
) -> Result<Vec<RiskLevel>> {
    let mut latest: std::collections::HashMap<String, (String, Vec<u8>)> = std::collections::HashMap::new();
    let mut statement = s.conn.prepare_cached(
        "SELECT id, person_id, created_at, data FROM screenings ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    for row in rows {
        let (id, person_id, created_at, sealed) = row?;
        if counted.contains(&person_id) && in_period(created_at.get(..10).unwrap_or_default()) {
            latest.insert(person_id, (id, sealed));
        }
    }
    #[derive(Deserialize)]
    struct Slim {
        result: SlimResult,
    }
    #[derive(Deserialize)]
    struct SlimResult {
        level: RiskLevel,
    }
    let mut levels = Vec::with_capacity(latest.len());
    for (id, sealed) in latest.values() {
        match s
            .keys
            .open_json::<Slim>(place("screenings", id), sealed, "screening")
        {
            Ok(slim) => levels.push(slim.result.level),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(levels)
}

/// Everything the screening holds about a person, for their export.
pub(crate) fn export_section(s: &Session<'_>, person_id: &str) -> Result<serde_json::Value> {
    let value = serde_json::json!({
        "screenings": load_screenings(s, person_id)?,
        "follow_ups": load_follow_ups(s, Some(person_id))?,
    });
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, Answer)]) -> Vec<ScreeningAnswer> {
        pairs
            .iter()
            .map(|(id, answer)| ScreeningAnswer {
                question_id: id.to_string(),
                answer: *answer,
            })
            .collect()
    }

    /// Every question answered the safe way.
    fn all_safe() -> Vec<ScreeningAnswer> {
        use Answer::*;
        answers(&[
            ("recruiter_licensed", Yes),
            ("work_visa", Yes),
            ("official_route", Yes),
            ("written_contract", Yes),
            ("fees_paid", No),
            ("debt_to_recruiter", No),
            ("documents_held", No),
            ("registered_disnaker", Yes),
            ("age_documents_changed", No),
            ("domestic_work", No),
            ("unrealistic_promise", No),
        ])
    }

    fn adult_facts() -> RecordFacts {
        RecordFacts {
            destination: Some("TW".into()),
            sector: Some(Sector::Manufacturing),
            agency_name: Some("PT Contoh".into()),
            agency_licence: Some("KEP-000".into()),
            birth_date: NaiveDate::from_ymd_opt(1998, 4, 12),
            departure_date: NaiveDate::from_ymd_opt(2027, 3, 1),
            today: NaiveDate::from_ymd_opt(2026, 11, 28),
        }
    }

    fn with(base: Vec<ScreeningAnswer>, id: &str, answer: Answer) -> Vec<ScreeningAnswer> {
        base.into_iter()
            .map(|mut a| {
                if a.question_id == id {
                    a.answer = answer;
                }
                a
            })
            .collect()
    }

    fn fired(result: &ScreeningResult) -> Vec<&str> {
        result.flags.iter().map(|f| f.id.as_str()).collect()
    }

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

    #[test]
    fn a_safe_licensed_placement_raises_nothing() {
        let result = assess(&all_safe(), &adult_facts(), catalogue().unwrap());
        assert_eq!(result.level, RiskLevel::None);
        assert!(result.flags.is_empty() && result.complete, "{result:?}");
    }

    /// For every answer-driven flag: the risky answer fires it, the safe one does not.
    #[test]
    fn each_answer_flag_fires_on_the_risky_answer_only() {
        use Answer::*;
        let cases = [
            ("unlicensed_recruiter", "recruiter_licensed", No),
            ("non_work_visa", "work_visa", No),
            ("unofficial_route", "official_route", No),
            ("no_written_contract", "written_contract", No),
            ("fees_charged", "fees_paid", Yes),
            ("debt_bondage", "debt_to_recruiter", Yes),
            ("documents_held", "documents_held", Yes),
            ("not_registered", "registered_disnaker", No),
            ("underage", "age_documents_changed", Yes),
            ("unrealistic_promise", "unrealistic_promise", Yes),
        ];
        let catalogue = catalogue().unwrap();
        for (flag, question, risky) in cases {
            let result = assess(&with(all_safe(), question, risky), &adult_facts(), catalogue);
            assert_eq!(fired(&result), vec![flag], "{question}");
            assert!(!result.flags[0].reasons.is_empty());
        }
        let answer_flags: Vec<&str> = cases.iter().map(|c| c.0).collect();
        let fact_only = ["moratorium_domestic_work", "moratorium_disputed_country"];
        for flag in &catalogue.flags {
            assert!(
                answer_flags.contains(&flag.id.as_str()) || fact_only.contains(&flag.id.as_str()),
                "untested flag {}",
                flag.id
            );
        }
    }

    #[test]
    fn record_facts_fire_their_flags_and_only_when_true() {
        let catalogue = catalogue().unwrap();
        let mut facts = adult_facts();
        facts.destination = Some("SA".into());
        facts.sector = Some(Sector::DomesticWork);
        let result = assess(&all_safe(), &facts, catalogue);
        assert_eq!(fired(&result), vec!["moratorium_domestic_work"]);
        assert_eq!(result.level, RiskLevel::Critical);

        facts.sector = Some(Sector::Construction);
        assert!(
            assess(&all_safe(), &facts, catalogue).flags.is_empty(),
            "not domestic work"
        );

        facts.destination = Some("PK".into());
        facts.sector = Some(Sector::DomesticWork);
        assert_eq!(
            fired(&assess(&all_safe(), &facts, catalogue)),
            vec!["moratorium_disputed_country"]
        );

        let mut unlicensed = adult_facts();
        unlicensed.agency_licence = None;
        assert_eq!(
            fired(&assess(&all_safe(), &unlicensed, catalogue)),
            vec!["unlicensed_recruiter"]
        );

        let mut young = adult_facts();
        young.birth_date = NaiveDate::from_ymd_opt(2009, 3, 2);
        assert_eq!(fired(&assess(&all_safe(), &young, catalogue)), vec!["underage"]);
        young.birth_date = NaiveDate::from_ymd_opt(2009, 3, 1);
        assert!(
            assess(&all_safe(), &young, catalogue).flags.is_empty(),
            "18 on the day of departure"
        );
    }

    #[test]
    fn unknown_answers_are_reported_never_taken_as_safe() {
        let catalogue = catalogue().unwrap();
        let result = assess(&[], &RecordFacts::default(), catalogue);
        assert!(result.flags.is_empty());
        assert_ne!(result.level, RiskLevel::None);
        assert!(!result.complete);
        assert!(result.unknown_questions.contains(&"work_visa".to_string()));
        assert!(result.undecided_flags.contains(&"non_work_visa".to_string()));

        let partly = with(all_safe(), "documents_held", Answer::Unknown);
        let result = assess(&partly, &adult_facts(), catalogue);
        assert_eq!(result.unknown_questions, vec!["documents_held".to_string()]);
        assert_eq!(result.level, RiskLevel::Low);
        assert!(!result.complete);
    }

    #[test]
    fn several_medium_flags_together_are_high() {
        use Answer::*;
        let answers = with(
            with(with(all_safe(), "fees_paid", Yes), "written_contract", No),
            "registered_disnaker",
            No,
        );
        let result = assess(&answers, &adult_facts(), catalogue().unwrap());
        assert_eq!(result.flags.len(), 3);
        assert_eq!(result.level, RiskLevel::High);
    }
}
