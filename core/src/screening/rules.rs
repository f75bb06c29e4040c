//! The rules: pure and deterministic over the answers, the record's facts and the
//! catalogue. Three-valued: an unanswered question is *unknown*, never guessed as safe.

use chrono::{Duration, NaiveDate};

use super::catalogue::{Catalogue, Fact, Rule};
use super::{Answer, FiredFlag, RiskLevel, ScreeningAnswer, ScreeningChange, ScreeningResult};
use crate::i18n::LocalizedText;
use crate::people::Sector;
use crate::time::age_on;

/// What the record already says, for the rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordFacts {
    pub destination: Option<String>,
    pub sector: Option<Sector>,
    pub agency_name: Option<String>,
    pub agency_licence: Option<String>,
    /// The recorded agency checked against the installed P3MI list; `None` when the
    /// journey names none.
    pub agency_standing: Option<crate::agencies::AgencyStanding>,
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
        Fact::MoratoriumDomesticWork
        | Fact::SingleChannelDomesticWork
        | Fact::DisputedMoratoriumDomesticWork => {
            let list = match fact {
                Fact::MoratoriumDomesticWork => &catalogue.moratorium.countries,
                Fact::SingleChannelDomesticWork => &catalogue.moratorium.single_channel,
                _ => &catalogue.moratorium.disputed,
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
        // "The installed list speaks against the agency": with no list or no agency
        // recorded it says nothing, which is false, not unknown (the recruiter question
        // still asks), so a device without a list screens as before.
        Fact::AgencyNotInGoodStanding => (
            Some(
                facts
                    .agency_standing
                    .and_then(crate::agencies::AgencyStanding::is_warning)
                    .unwrap_or(false),
            ),
            Vec::new(),
        ),
        Fact::ZeroCostSector => (
            facts
                .sector
                .map(|sector| catalogue.zero_cost_sectors.sectors.contains(&sector)),
            Vec::new(),
        ),
        Fact::ScamRouteDestination => (
            facts
                .destination
                .as_ref()
                .map(|code| catalogue.scam_route.countries.contains(code)),
            Vec::new(),
        ),
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
        Fact::SingleChannelDomesticWork => LocalizedText::new(
            &format!("Tujuan {country}, pekerjaan rumah tangga: hanya lewat jalur resmi satu kanal (SPSK)."),
            &format!(
                "Destination {country}, domestic work: only through the official single channel (SPSK)."
            ),
        ),
        Fact::ZeroCostSector => LocalizedText::new(
            "Sektor kerja tercatat termasuk jabatan yang bebas biaya penempatan.",
            "The recorded sector holds jobs that must cost the worker nothing for placement.",
        ),
        Fact::ScamRouteDestination => LocalizedText::new(
            &format!("Tujuan {country} ada di jalur penipuan daring (online scam)."),
            &format!("Destination {country} is on the online-scam route."),
        ),
        Fact::DisputedMoratoriumDomesticWork => LocalizedText::new(
            &format!("Tujuan {country} disebut dalam sebagian daftar moratorium, pekerjaan rumah tangga."),
            &format!("Destination {country} is on some moratorium lists, for domestic work."),
        ),
        Fact::AgencyWithoutLicence => LocalizedText::new(
            "Nama P3MI tercatat tanpa nomor izin.",
            "A placement agency is recorded without a licence number.",
        ),
        Fact::AgencyNotInGoodStanding => {
            let standing = facts
                .agency_standing
                .unwrap_or(crate::agencies::AgencyStanding::Unknown);
            LocalizedText::new(
                &standing.explanation(crate::i18n::Locale::Id),
                &standing.explanation(crate::i18n::Locale::En),
            )
        }
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
        Rule::Any { any } => combine(any, facts, answers, catalogue, true),
        Rule::All { all } => combine(all, facts, answers, catalogue, false),
    }
}

/// `any` (`or`) or `all` (`and`) of the parts, three-valued: a part that decides wins
/// (true for `or`, false for `and`), else one unknown part leaves it unknown. The
/// reasons are those of the true parts; the open questions those of the unknown ones,
/// while the whole is unknown.
fn combine(
    rules: &[Rule],
    facts: &RecordFacts,
    answers: &[ScreeningAnswer],
    catalogue: &Catalogue,
    or: bool,
) -> Evaluation {
    let parts: Vec<Evaluation> = rules
        .iter()
        .map(|r| evaluate(r, facts, answers, catalogue))
        .collect();
    let truth = if parts.iter().any(|p| p.truth == Some(or)) {
        Some(or)
    } else if parts.iter().any(|p| p.truth.is_none()) {
        None
    } else {
        Some(!or)
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

/// What changed from one screening of a person to the next.
pub(super) fn change(previous: &ScreeningResult, current: &ScreeningResult) -> ScreeningChange {
    let ids = |r: &ScreeningResult| r.flags.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    let (before, after) = (ids(previous), ids(current));
    ScreeningChange {
        previous_level: previous.level,
        flags_added: after.iter().filter(|f| !before.contains(f)).cloned().collect(),
        flags_removed: before.iter().filter(|f| !after.contains(f)).cloned().collect(),
    }
}

/// When a result made `today` must be followed up: a critical one the next day, a high
/// one within 3 days; lower levels ask for no follow-up.
pub(super) fn follow_up_due(level: RiskLevel, today: NaiveDate) -> Option<NaiveDate> {
    match level {
        RiskLevel::Critical => Some(today + Duration::days(1)),
        RiskLevel::High => Some(today + Duration::days(3)),
        RiskLevel::None | RiskLevel::Low | RiskLevel::Medium => None,
    }
}

/// Why a follow-up is on the cadre's list, from the level of the screening that asked
/// for it (made when read, so that a better wording reaches old follow-ups too).
pub(super) fn follow_up_reason(level: RiskLevel) -> LocalizedText {
    let (id, en) = match level {
        RiskLevel::None => ("tanpa tanda", "no"),
        RiskLevel::Low => ("rendah", "low"),
        RiskLevel::Medium => ("sedang", "medium"),
        RiskLevel::High => ("tinggi", "high"),
        RiskLevel::Critical => ("kritis", "critical"),
    };
    LocalizedText::new(
        &format!("Penapisan TPPO berisiko {id}: tindak lanjuti."),
        &format!("TPPO screening at {en} risk: follow up."),
    )
}

#[cfg(test)]
mod tests {
    use super::super::catalogue::catalogue;
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
            ("zero_cost_job", No),
            ("social_media_online_job", No),
        ])
    }

    fn adult_facts() -> RecordFacts {
        RecordFacts {
            destination: Some("TW".into()),
            sector: Some(Sector::Manufacturing),
            agency_name: Some("PT Contoh".into()),
            agency_licence: Some("KEP-000".into()),
            agency_standing: None,
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
        let fact_only = [
            "moratorium_domestic_work",
            "single_channel_domestic_work",
            "moratorium_disputed_country",
        ];
        let combined = ["zero_cost_job_fee", "online_scam_route"];
        for flag in &catalogue.flags {
            assert!(
                answer_flags.contains(&flag.id.as_str())
                    || fact_only.contains(&flag.id.as_str())
                    || combined.contains(&flag.id.as_str()),
                "untested flag {}",
                flag.id
            );
        }
    }

    #[test]
    fn record_facts_fire_their_flags_and_only_when_true() {
        let catalogue = catalogue().unwrap();
        let mut facts = adult_facts();
        facts.destination = Some("DZ".into());
        facts.sector = Some(Sector::DomesticWork);
        let result = assess(&all_safe(), &facts, catalogue);
        assert_eq!(fired(&result), vec!["moratorium_domestic_work"]);
        assert_eq!(result.level, RiskLevel::Critical);

        // Saudi Arabia: high, only through the official single channel; not "critical".
        facts.destination = Some("SA".into());
        let result = assess(&all_safe(), &facts, catalogue);
        assert_eq!(fired(&result), vec!["single_channel_domestic_work"]);
        assert_eq!(result.level, RiskLevel::High);

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

    /// What a flag says fired it (found by mutation testing: no test read the reasons'
    /// words): the question it asked with the answer given, Ya/Yes or Tidak/No; for a
    /// record fact, the fact with the destination. A rule that did not hold adds none.
    #[test]
    fn a_flags_reasons_quote_its_own_question_and_the_answer_given() {
        let catalogue = catalogue().unwrap();
        let question = |id: &str| &catalogue.questions.iter().find(|q| q.id == id).unwrap().text;
        let held = assess(
            &with(all_safe(), "documents_held", Answer::Yes),
            &adult_facts(),
            catalogue,
        );
        let asked = question("documents_held");
        assert_eq!(
            held.flags[0].reasons,
            vec![LocalizedText::new(
                &format!("{} Ya.", asked.id),
                &format!("{} Yes.", asked.en)
            )]
        );
        let no_visa = assess(
            &with(all_safe(), "work_visa", Answer::No),
            &adult_facts(),
            catalogue,
        );
        let asked = question("work_visa");
        assert_eq!(
            no_visa.flags[0].reasons,
            vec![LocalizedText::new(
                &format!("{} Tidak.", asked.id),
                &format!("{} No.", asked.en)
            )]
        );

        let mut facts = adult_facts();
        facts.destination = Some("DZ".into());
        facts.sector = Some(Sector::DomesticWork);
        let moratorium = assess(&all_safe(), &facts, catalogue);
        assert_eq!(moratorium.flags.len(), 1);
        assert_eq!(
            moratorium.flags[0].reasons.len(),
            1,
            "{:?}",
            moratorium.flags[0].reasons
        );
        assert!(moratorium.flags[0].reasons[0]
            .en
            .contains("Destination DZ is on the moratorium list"));
    }

    /// With no sector recorded, the domestic-work question decides the moratorium flags;
    /// once answered it is not asked again (found by mutation testing).
    #[test]
    fn an_answered_domestic_work_question_is_not_asked_again_when_no_sector_is_recorded() {
        let catalogue = catalogue().unwrap();
        let mut facts = adult_facts();
        facts.destination = Some("DZ".into());
        facts.sector = None;
        let answered = assess(&with(all_safe(), "domestic_work", Answer::Yes), &facts, catalogue);
        assert_eq!(fired(&answered), vec!["moratorium_domestic_work"]);
        assert!(
            answered.unknown_questions.is_empty() && answered.complete,
            "{answered:?}"
        );

        let unanswered = assess(
            &with(all_safe(), "domestic_work", Answer::Unknown),
            &facts,
            catalogue,
        );
        assert!(unanswered
            .unknown_questions
            .contains(&"domestic_work".to_string()));
        assert!(!unanswered.complete);

        // No destination recorded either: the flags stay undecided, and what is missing
        // is the destination, not the question already answered.
        facts.destination = None;
        let undecided = assess(&with(all_safe(), "domestic_work", Answer::Yes), &facts, catalogue);
        assert!(!undecided.undecided_flags.is_empty(), "{undecided:?}");
        assert!(
            !undecided.unknown_questions.contains(&"domestic_work".to_string()),
            "{undecided:?}"
        );
    }

    #[test]
    fn a_fee_for_one_of_the_ten_zero_cost_jobs_is_a_flag_of_its_own() {
        use Answer::*;
        let catalogue = catalogue().unwrap();
        let charged = with(all_safe(), "fees_paid", Yes);
        // A factory job: the general fee flag only.
        assert_eq!(
            fired(&assess(&charged, &adult_facts(), catalogue)),
            vec!["fees_charged"]
        );
        // The recorded sector holds the ten jobs (a fishing crew)...
        let mut fishing = adult_facts();
        fishing.sector = Some(Sector::Fishing);
        let result = assess(&charged, &fishing, catalogue);
        assert_eq!(fired(&result), vec!["fees_charged", "zero_cost_job_fee"]);
        assert_eq!(result.level, RiskLevel::High);
        assert!(result.flags[1].legal_basis.contains("Pasal 30 ayat (1)"));
        assert!(result.flags[1].legal_basis.contains("9 Tahun 2020"));
        // ...or the answer says it is one of them (a cleaner recorded as "other").
        let mut other = adult_facts();
        other.sector = Some(Sector::Other);
        let cleaner = with(charged.clone(), "zero_cost_job", Yes);
        assert!(fired(&assess(&cleaner, &other, catalogue)).contains(&"zero_cost_job_fee"));
        // No fee: nothing, whatever the job.
        assert!(assess(&all_safe(), &fishing, catalogue).flags.is_empty());
        // A fee, a job not on the list and no sector: undecided, never "safe".
        let mut unknown = adult_facts();
        unknown.sector = None;
        let open = assess(&with(charged, "zero_cost_job", Unknown), &unknown, catalogue);
        assert!(open.undecided_flags.contains(&"zero_cost_job_fee".to_string()));
    }

    #[test]
    fn a_social_media_offer_of_online_work_in_cambodia_on_a_tourist_visa_is_the_scam_route() {
        use Answer::*;
        let catalogue = catalogue().unwrap();
        let offer = with(with(all_safe(), "social_media_online_job", Yes), "work_visa", No);
        for country in ["KH", "MM", "LA", "PH"] {
            let mut facts = adult_facts();
            facts.destination = Some(country.into());
            let result = assess(&offer, &facts, catalogue);
            assert!(fired(&result).contains(&"online_scam_route"), "{country}");
            assert_eq!(result.level, RiskLevel::High);
        }
        let mut cambodia = adult_facts();
        cambodia.destination = Some("KH".into());
        // With a work visa, through another channel, or elsewhere: not this flag.
        let with_work_visa = with(all_safe(), "social_media_online_job", Yes);
        assert!(!fired(&assess(&with_work_visa, &cambodia, catalogue)).contains(&"online_scam_route"));
        let not_social = with(all_safe(), "work_visa", No);
        assert!(!fired(&assess(&not_social, &cambodia, catalogue)).contains(&"online_scam_route"));
        assert!(!fired(&assess(&offer, &adult_facts(), catalogue)).contains(&"online_scam_route"));
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

    #[test]
    fn only_high_and_critical_results_ask_for_a_follow_up() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            follow_up_due(RiskLevel::Critical, today),
            NaiveDate::from_ymd_opt(2026, 11, 29)
        );
        assert_eq!(
            follow_up_due(RiskLevel::High, today),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        for level in [RiskLevel::None, RiskLevel::Low, RiskLevel::Medium] {
            assert_eq!(follow_up_due(level, today), None);
        }
        let reason = follow_up_reason(RiskLevel::Critical);
        assert_eq!(reason.id, "Penapisan TPPO berisiko kritis: tindak lanjuti.");
        assert_eq!(reason.en, "TPPO screening at critical risk: follow up.");
    }
}
