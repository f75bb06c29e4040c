//! How far checklists are, counted in SQL: the agenda and the village report ask this of
//! every person in pre-departure, so it is one aggregate over the item rows for all of
//! them, with the pack's conditions written as SQL once per pack. The rules in `rules` stay the
//! reference: the tests below check that both count the same for every combination of
//! conditions, and a checklist stored under an older pack is counted by the rules
//! after its migration.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rusqlite::{params, Params};

use super::pack::{self, ItemDef, Pack};
use super::rules::{self, Context};
use super::store;
use super::{ItemState, MaritalStatus};
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::error::{MigranError, RecordKind, Result};
use crate::people::{self, Journey, Phase};
use crate::store::codes::StorageCode;
use crate::store::kernel::storage_error;
use crate::time::{date_text, parse_stored_date};
use crate::vault::Session;

/// How far a person's checklist is, counted by the same rules as the view but without
/// its texts, links and warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub done: u32,
    /// Items that apply and are not "not applicable".
    pub total: u32,
    pub started: bool,
}

/// How far a checklist is: every applicable item done, some started, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completeness {
    Complete,
    Incomplete,
    NotStarted,
}

impl Completeness {
    pub(crate) fn of(progress: Progress) -> Completeness {
        if progress.done == progress.total {
            Completeness::Complete
        } else if progress.started {
            Completeness::Incomplete
        } else {
            Completeness::NotStarted
        }
    }

    /// The report's key.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Completeness::Complete => "complete",
            Completeness::Incomplete => "incomplete",
            Completeness::NotStarted => "not_started",
        }
    }
}

/// How far the person's checklist is on `today`, with `journey` (which the callers
/// already hold) for destination, sector and departure. `NotFound` for an unknown
/// person, `Tampered` when a stored state cannot be read.
pub(crate) fn progress_on(
    s: &Session<'_>,
    person_id: &str,
    journey: Option<&Journey>,
    today: NaiveDate,
) -> Result<Progress> {
    progress_with(s, pack::pack()?, person_id, journey, today)
}

fn progress_with(
    s: &Session<'_>,
    pack: &Pack,
    person_id: &str,
    journey: Option<&Journey>,
    today: NaiveDate,
) -> Result<Progress> {
    people::ensure_person(s, person_id)?;
    let counted = count(
        s,
        &sql(pack).one,
        params![
            date_text(today),
            person_id,
            journey.and_then(|j| j.destination_country.as_deref()),
            journey.and_then(|j| j.sector),
            journey.and_then(|j| j.departure_date.as_deref()),
        ],
    )?;
    // One row per person; none only if the person was erased meanwhile.
    match counted.into_iter().next() {
        None => Ok(Progress::default()),
        Some(counted) => settle(s, pack, &counted, || Ok(journey.cloned()), today),
    }
}

/// The progress of every person in pre-departure (by their journey) on `today`, counted
/// in one query: what the village report counts. A checklist that cannot be read is
/// `Tampered`; one stored under an older pack is counted by the rules.
pub(crate) fn pre_departure_progress(
    s: &Session<'_>,
    today: NaiveDate,
) -> Result<HashMap<String, Result<Progress>>> {
    let pack = pack::pack()?;
    let mut all = HashMap::new();
    for counted in pre_departure_counts(s, pack, today)? {
        let journey = || people::load_journey(s, &counted.person_id);
        let progress = match settle(s, pack, &counted, journey, today) {
            Ok(progress) => Ok(progress),
            Err(MigranError::Tampered { kind }) => Err(MigranError::Tampered { kind }),
            Err(other) => return Err(other),
        };
        all.insert(counted.person_id, progress);
    }
    Ok(all)
}

/// Every person in pre-departure (by their journey), counted in one query.
fn pre_departure_counts(s: &Session<'_>, pack: &Pack, today: NaiveDate) -> Result<Vec<Counted>> {
    count(s, &sql(pack).pre_departure, params![date_text(today)])
}

/// The progress a counted row stands for: the SQL count for a checklist that follows
/// `pack`; for one stored under an older pack, the rules' count after its migration
/// (renamed items carry their state, which the SQL, joining by current ids, would miss).
fn settle(
    s: &Session<'_>,
    pack: &Pack,
    counted: &Counted,
    journey: impl FnOnce() -> Result<Option<Journey>>,
    today: NaiveDate,
) -> Result<Progress> {
    if counted.damaged {
        return Err(MigranError::Tampered {
            kind: RecordKind::Checklist,
        });
    }
    if counted
        .pack_version
        .is_some_and(|version| version != pack.version)
    {
        let journey = journey()?;
        return by_rules(s, pack, &counted.person_id, journey.as_ref(), today);
    }
    Ok(counted.progress)
}

/// The count by the rules, as the view makes it.
fn by_rules(
    s: &Session<'_>,
    pack: &Pack,
    person_id: &str,
    journey: Option<&Journey>,
    today: NaiveDate,
) -> Result<Progress> {
    let checklist = rules::migrate(store::load(s, person_id, pack)?, pack);
    let person = people::load_person(s, person_id)?;
    let ctx = Context {
        person: &person,
        journey,
        documents: &[],
        today,
        // Progress counts items; the agency check only adds a warning.
        agency: None,
        education: None,
    };
    Ok(rules::progress(&rules::applicable_items(&checklist, pack, &ctx)))
}

/// The agenda's signal: every followed person in pre-departure whose checklist still
/// misses applicable items, due on the departure date when one is recorded. A checklist
/// that cannot be opened (damaged row) is listed with no count rather than dropped.
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    let pack = pack::pack()?;
    let counts: HashMap<String, Counted> = pre_departure_counts(s, pack, ctx.on)?
        .into_iter()
        .map(|counted| (counted.person_id.clone(), counted))
        .collect();
    let mut signals = Vec::new();
    for person in ctx.persons {
        if person.phase != Phase::PreDeparture {
            continue;
        }
        // Not counted: not in pre-departure by the journeys table.
        let Some(counted) = counts.get(&person.id) else {
            continue;
        };
        let journey = || people::load_journey(s, &person.id);
        let (missing, departure) = match settle(s, pack, counted, journey, ctx.on) {
            Ok(progress) => {
                let missing = progress.total.saturating_sub(progress.done);
                if missing == 0 {
                    continue;
                }
                let departure = counted.departure.as_deref().and_then(parse_stored_date);
                (Some(missing), departure)
            }
            Err(MigranError::Tampered { .. }) => (None, None),
            Err(other) => return Err(other),
        };
        signals.push(Signal {
            kind: AgendaKind::MissingChecklistItems,
            person_id: person.id.clone(),
            record_id: None,
            due_on: departure,
            count: missing,
        });
    }
    Ok(signals)
}

/// One person's row of a progress query.
struct Counted {
    person_id: String,
    /// `None`: nothing stored yet (the checklist follows the current pack).
    pack_version: Option<u32>,
    /// As the journey holds it.
    departure: Option<String>,
    progress: Progress,
    /// A stored state or marital status this build does not know.
    damaged: bool,
}

fn count<P: Params>(s: &Session<'_>, sql: &str, params: P) -> Result<Vec<Counted>> {
    let read = || -> rusqlite::Result<Vec<Counted>> {
        let mut statement = s.conn.prepare_cached(sql)?;
        let rows = statement.query_map(params, |row| {
            Ok(Counted {
                person_id: row.get(0)?,
                pack_version: row.get(1)?,
                departure: row.get(2)?,
                progress: Progress {
                    total: row.get(3)?,
                    done: row.get(4)?,
                    started: row.get::<_, u32>(5)? > 0,
                },
                damaged: row.get::<_, u32>(6)? > 0,
            })
        })?;
        rows.collect()
    };
    read().map_err(|err| storage_error(err, RecordKind::Checklist))
}

/// The progress queries of one pack.
#[derive(Debug)]
pub(crate) struct ProgressSql {
    /// One person: `?1` today, `?2` the person, `?3`-`?5` destination, sector and
    /// departure from the caller's journey. `+?2`, not `?2`: SQLite (built with STAT4)
    /// prepares a statement again for every new value of a bare parameter compared
    /// with an indexed column, which cost ten times the count itself.
    one: String,
    /// Every person in pre-departure, journeys from the table: `?1` today.
    pre_departure: String,
}

fn sql(pack: &Pack) -> &ProgressSql {
    pack.progress_sql.get_or_init(|| ProgressSql {
        one: query(
            pack,
            "SELECT p.id, p.sex, p.birth_date, ?3, ?4, ?5, c.marital_status, c.pack_version,
                    c.placement_fee_charged, c.official_channel
             FROM persons p LEFT JOIN checklists c ON c.person_id = p.id
             WHERE p.id = +?2",
        ),
        pre_departure: query(
            pack,
            &format!(
                "SELECT p.id, p.sex, p.birth_date, j.destination_country, j.sector, j.departure_date,
                        c.marital_status, c.pack_version, c.placement_fee_charged, c.official_channel
                 FROM journeys j JOIN persons p ON p.id = j.person_id
                 LEFT JOIN checklists c ON c.person_id = p.id
                 WHERE j.phase = {}",
                literal(Phase::PreDeparture.code())
            ),
        ),
    })
}

/// The count over the persons `subjects` selects (id, sex, birth date, destination,
/// sector, departure, marital status, stored pack version, placement facts): one row per
/// person.
///
/// An item without a row is not started, so the count starts from the number of items
/// that apply to the person (a sum of the pack's conditions, no table read) and then
/// reads only the rows that exist: those of applicable items that are "not applicable"
/// come off the total, the done and started ones are counted. Probing every item of
/// every person instead took about three times as long (2,500 people).
///
/// Age is counted as `time::age_on` does, on the departure date when it is a real date
/// and on `?1` (today) otherwise; an unreadable birth date checks no age condition, as
/// in the rules.
fn query(pack: &Pack, subjects: &str) -> String {
    let mut always = 0;
    let mut sometimes = String::new();
    let mut applies = String::new();
    let done = literal(ItemState::Done.code());
    let not_applicable = literal(ItemState::NotApplicable.code());
    for item in &pack.items {
        let conditions = conditions(item, pack);
        let condition = if conditions.is_empty() {
            always += 1;
            "1".to_string()
        } else {
            let condition = format!("coalesce({}, 0)", conditions.join(" AND "));
            let _ = write!(sometimes, " + {condition}");
            condition
        };
        // A block's stored done or "not applicable" (from an older build) counts as
        // not started, as in the rules.
        let condition = if item.legal_block {
            format!("({condition} AND coalesce(st.state NOT IN ({done}, {not_applicable}), 0))")
        } else {
            condition
        };
        let _ = write!(applies, " WHEN {} THEN {condition}", literal(&item.id));
    }
    let states = codes(ItemState::ALL);
    let statuses = codes(MaritalStatus::ALL);
    let in_progress = literal(ItemState::InProgress.code());
    format!(
        "WITH subjects (person_id, sex, birth_date, destination, sector, departure, marital, pack_version,
                         fee_charged, official_channel)
             AS ({subjects}),
         dated AS (
             SELECT *, CASE WHEN date(departure) = departure THEN departure ELSE ?1 END AS on_day
             FROM subjects
         ),
         aged AS (
             SELECT *, CASE WHEN date(birth_date) = birth_date THEN
                 CAST(substr(on_day, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
                     - (substr(on_day, 6) < substr(birth_date, 6))
             END AS age
             FROM dated
         ),
         counted AS MATERIALIZED (
             SELECT a.*, {always}{sometimes} AS applicable FROM aged a
         ),
         stored AS (
             SELECT a.person_id, a.pack_version, a.departure, a.applicable,
                 coalesce(a.marital NOT IN ({statuses}), 0) AS marital_damaged,
                 st.state, CASE st.item_id{applies} ELSE 0 END AS applies
             FROM counted a LEFT JOIN checklist_items st ON st.person_id = a.person_id
         )
         SELECT person_id, pack_version, departure,
             max(applicable) - count(*) FILTER (WHERE applies AND state = {not_applicable}),
             count(*) FILTER (WHERE applies AND state = {done}),
             count(*) FILTER (WHERE applies AND state IN ({done}, {in_progress})),
             count(*) FILTER (WHERE applies AND state NOT IN ({states})) + max(marital_damaged)
         FROM stored
         GROUP BY person_id",
    )
}

/// An item's conditions as SQL over the `aged` row `a`, in the order of
/// `rules::applies`. Unknown marital status lets the item apply (it is shown, flagged).
fn conditions(item: &ItemDef, pack: &Pack) -> Vec<String> {
    let c = &item.conditions;
    let mut sql = Vec::new();
    if let Some(countries) = &c.countries {
        let list: Vec<String> = pack.countries(countries).iter().map(|c| literal(c)).collect();
        sql.push(within("a.destination", &list));
    }
    if let Some(sectors) = &c.sectors {
        let list: Vec<String> = sectors.iter().map(|s| literal(s.code())).collect();
        sql.push(within("a.sector", &list));
    }
    if let Some(min) = c.min_age {
        sql.push(format!("(a.age IS NULL OR a.age >= {min})"));
    }
    if let Some(max) = c.max_age {
        sql.push(format!("(a.age IS NULL OR a.age <= {max})"));
    }
    if let Some(sex) = c.sex {
        sql.push(format!("a.sex = {}", literal(sex.code())));
    }
    if let Some(statuses) = &c.marital_status {
        let list: Vec<String> = statuses.iter().map(|s| literal(s.code())).collect();
        sql.push(format!("(a.marital IS NULL OR {})", within("a.marital", &list)));
    }
    // Not recorded reads as "no", as in the rules.
    if let Some(wanted) = c.fee_charged {
        sql.push(format!("coalesce(a.fee_charged, 0) = {}", u8::from(wanted)));
    }
    if let Some(wanted) = c.official_channel {
        sql.push(format!("coalesce(a.official_channel, 0) = {}", u8::from(wanted)));
    }
    sql
}

/// `column` is one of `list` (false for a missing value or an empty list).
fn within(column: &str, list: &[String]) -> String {
    if list.is_empty() {
        "0".to_string()
    } else {
        format!("coalesce({column} IN ({}), 0)", list.join(", "))
    }
}

fn codes<T: StorageCode>(all: &[T]) -> String {
    all.iter()
        .map(|v| literal(v.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A SQL string literal. The pack's ids and codes are checked to be plain words; the
/// quoting is there all the same.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::people::{Person, Sector, Sex};
    use crate::time::Clock;
    use crate::vault::{Vault, VaultSettings};

    struct Fixed(DateTime<Utc>);

    impl Clock for Fixed {
        fn now(&self) -> DateTime<Utc> {
            self.0
        }
    }

    fn vault(dir: &std::path::Path) -> Arc<Vault> {
        let settings = VaultSettings {
            kdf_iterations: crate::MIN_KDF_ITERATIONS,
            ..VaultSettings::default()
        };
        let today = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
        Vault::create_with_clock(dir, "246810", None, settings, Arc::new(Fixed(today))).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// A small deterministic generator (no wall clock, no OS randomness in a test).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    fn person(n: usize, sex: Sex, birth: &str) -> Person {
        Person {
            id: format!("p{n:04}"),
            full_name: format!("Orang Contoh {n}"),
            nik: format!("32010000{n:08}"),
            birth_date: birth.into(),
            sex,
            phone: None,
            address: None,
            village: "Desa Contoh".into(),
            archived: false,
            created_at: "2026-11-01T00:00:00.000Z".into(),
            updated_at: "2026-11-01T00:00:00.000Z".into(),
        }
    }

    fn journey(
        person_id: &str,
        country: Option<&str>,
        sector: Option<Sector>,
        departure: Option<&str>,
    ) -> Journey {
        Journey {
            person_id: person_id.into(),
            phase: Phase::PreDeparture,
            destination_country: country.map(str::to_string),
            sector,
            employer_name: None,
            employer_address: None,
            agency_name: None,
            agency_licence: None,
            departure_date: departure.map(str::to_string),
            contract_end_date: None,
            updated_at: "2026-11-01T00:00:00.000Z".into(),
        }
    }

    /// Random states for random items of the pack (some of which do not apply).
    fn random_states(s: &Session<'_>, pack: &Pack, person_id: &str, rng: &mut Lcg) {
        let before = store::load(s, person_id, pack).unwrap();
        let mut after = before.clone();
        after.marital_status = [
            None,
            Some(MaritalStatus::Single),
            Some(MaritalStatus::Married),
            Some(MaritalStatus::Widowed),
        ][rng.below(4)];
        let fact = [None, Some(false), Some(true)];
        after.placement = super::super::PlacementFacts {
            fee_charged: fact[rng.below(3)],
            official_channel: fact[rng.below(3)],
        };
        // A quarter of them closed completely, the others with random states for random items.
        let closed = rng.below(4) == 0;
        let picks = if closed {
            pack.items.len()
        } else {
            rng.below(pack.items.len() + 1)
        };
        for pick in 0..picks {
            let item = &pack.items[if closed { pick } else { rng.below(pack.items.len()) }];
            let state = if closed {
                [ItemState::Done, ItemState::Done, ItemState::NotApplicable][rng.below(3)]
            } else {
                ItemState::ALL[rng.below(ItemState::ALL.len())]
            };
            after.items.insert(
                item.id.clone(),
                store::StoredItem {
                    id: store::item_key(person_id, &item.id),
                    person_id: person_id.into(),
                    item_id: item.id.clone(),
                    state,
                    done_on: None,
                    done_by: None,
                    note: None,
                    document_id: None,
                    updated_at: "2026-11-20T09:00:00.000Z".into(),
                },
            );
        }
        // A state for an id this pack does not have (as a newer app could leave): no
        // count sees it.
        if rng.below(3) == 0 {
            let unknown = "item_of_a_newer_pack";
            after.items.insert(
                unknown.into(),
                store::StoredItem {
                    id: store::item_key(person_id, unknown),
                    person_id: person_id.into(),
                    item_id: unknown.into(),
                    state: ItemState::ALL[rng.below(ItemState::ALL.len())],
                    done_on: None,
                    done_by: None,
                    note: None,
                    document_id: None,
                    updated_at: "2026-11-20T09:00:00.000Z".into(),
                },
            );
        }
        // A checklist never written has no row at all; leave some that way.
        if rng.below(6) > 0 {
            store::save(s, &before, &after).unwrap();
        }
    }

    /// The shipped pack with the conditions it does not use yet: a minimum age, a
    /// country list, another named list with a placement fact, an empty sector list, sex
    /// with marital status. Same version and ids, so the stored states fit it.
    fn pack_with_every_condition() -> Pack {
        let mut json = super::super::pack::tests::shipped_json();
        let items = json["items"].as_array_mut().unwrap();
        let mut condition = |id: &str, conditions: serde_json::Value| {
            let item = items.iter_mut().find(|i| i["id"] == id).unwrap();
            item["conditions"] = conditions;
        };
        condition("competency_training", serde_json::json!({ "min_age": 18 }));
        condition(
            "competency_certificate",
            serde_json::json!({ "min_age": 21, "max_age": 45 }),
        );
        condition(
            "social_security",
            serde_json::json!({ "countries": ["TW", "HK"] }),
        );
        condition(
            "siskop2mi_registration",
            serde_json::json!({ "countries": "moratorium_uncertain", "fee_charged": false }),
        );
        condition("placement_agreement", serde_json::json!({ "sectors": [] }));
        condition(
            "work_agreement",
            serde_json::json!({ "sex": "male", "marital_status": ["divorced", "widowed"], "sectors": ["fishing", "domestic_work"] }),
        );
        pack::parse_pack(&json.to_string()).unwrap()
    }

    /// The conditions in every combination: sex, age (adult; 17 on departure; 17 today
    /// but 18 on departure; 18 exactly on departure; 18 exactly today; an unreadable
    /// birth date), destination (moratorium or not, none), sector, departure (a date,
    /// none, an unreadable one), no journey at all; random marital status and states.
    /// Counted under the shipped pack and under one that uses every kind of condition.
    #[test]
    fn the_sql_count_agrees_with_the_rules_for_every_combination_of_conditions() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault(dir.path());
        let shipped = pack::pack().unwrap();
        let mut rng = Lcg(7);
        let mut journeys: HashMap<String, Option<Journey>> = HashMap::new();
        let births = [
            "1998-04-12",
            "2009-06-01",
            "2009-01-15",
            "2009-03-01",
            "2008-11-28",
            "2005-03-01",
            "1998-02-30",
        ];
        vault
            .write(|s| {
                let mut n = 0;
                for sex in [Sex::Female, Sex::Male] {
                    for birth in births {
                        for country in [Some("SA"), Some("DZ"), Some("TW"), None] {
                            for sector in [Some(Sector::DomesticWork), Some(Sector::Fishing), None] {
                                for departure in [Some("2027-03-01"), None, Some("2027-02-30")] {
                                    n += 1;
                                    let person = person(n, sex, birth);
                                    s.insert(&person)?;
                                    let journey =
                                        (n % 9 != 0).then(|| journey(&person.id, country, sector, departure));
                                    if let Some(journey) = &journey {
                                        s.insert(journey)?;
                                    }
                                    random_states(s, shipped, &person.id, &mut rng);
                                    journeys.insert(person.id.clone(), journey);
                                }
                            }
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
        for pack in [shipped, &pack_with_every_condition()] {
            vault
                .read(|s| {
                    let all: HashMap<String, Counted> = pre_departure_counts(s, pack, today())?
                        .into_iter()
                        .map(|c| (c.person_id.clone(), c))
                        .collect();
                    let mut seen = std::collections::HashSet::new();
                    for (person_id, journey) in &journeys {
                        let rules = by_rules(s, pack, person_id, journey.as_ref(), today())?;
                        let sql = progress_with(s, pack, person_id, journey.as_ref(), today())?;
                        assert_eq!(sql, rules, "{person_id} {journey:?}");
                        if journey.is_some() {
                            let in_all = all.get(person_id).map_or(Progress::default(), |c| c.progress);
                            assert_eq!(in_all, rules, "{person_id} counted with all");
                        } else {
                            assert!(!all.contains_key(person_id), "no journey: not in pre-departure");
                        }
                        seen.insert((rules.total, Completeness::of(rules).code()));
                    }
                    // The combinations reach many totals and every completeness.
                    assert!(seen.len() > 15, "{seen:?}");
                    for completeness in [
                        Completeness::Complete,
                        Completeness::Incomplete,
                        Completeness::NotStarted,
                    ] {
                        assert!(
                            seen.iter().any(|(_, c)| *c == completeness.code()),
                            "{completeness:?}"
                        );
                    }
                    Ok(())
                })
                .unwrap();
        }
    }

    #[test]
    fn a_state_or_marital_status_this_build_does_not_know_is_tampered_not_counted() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault(dir.path());
        let pack = pack::pack().unwrap();
        let journeys = [
            journey("p0001", Some("TW"), Some(Sector::Fishing), Some("2027-03-01")),
            journey("p0002", Some("TW"), Some(Sector::Fishing), Some("2027-03-01")),
        ];
        vault
            .write(|s| {
                for (n, journey) in journeys.iter().enumerate() {
                    s.insert(&person(n + 1, Sex::Female, "1998-04-12"))?;
                    s.insert(journey)?;
                    s.conn.execute(
                        "INSERT INTO checklists (person_id, pack_version, updated_at) VALUES (?1, 1, 'x')",
                        [&journey.person_id],
                    )?;
                }
                s.conn.execute(
                    "INSERT INTO checklist_items (id, person_id, item_id, state, updated_at)
                     VALUES ('p0001/ktp', 'p0001', 'ktp', 'finished', 'x')",
                    [],
                )?;
                s.conn.execute(
                    "UPDATE checklists SET marital_status = 'complicated' WHERE person_id = 'p0002'",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        vault
            .read(|s| {
                let tampered = Err(MigranError::Tampered {
                    kind: RecordKind::Checklist,
                });
                let all = pre_departure_progress(s, today())?;
                for journey in &journeys {
                    let id = journey.person_id.as_str();
                    assert_eq!(
                        progress_with(s, pack, id, Some(journey), today()),
                        tampered,
                        "{id}"
                    );
                    assert_eq!(by_rules(s, pack, id, Some(journey), today()), tampered, "{id}");
                    assert_eq!(all[id], tampered, "{id}");
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_checklist_of_an_older_pack_is_counted_migrated_and_its_stored_migration_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault(dir.path());
        let v1 = pack::pack().unwrap();
        let v2 = &rules::tests::second_version();
        let journey = journey("p0001", Some("TW"), Some(Sector::Fishing), Some("2027-03-01"));
        let set = |s: &Session<'_>, item: &str, state: ItemState| {
            let before = store::load(s, "p0001", v1)?;
            let mut after = before.clone();
            after.items.insert(
                item.into(),
                store::StoredItem {
                    id: store::item_key("p0001", item),
                    person_id: "p0001".into(),
                    item_id: item.into(),
                    state,
                    done_on: None,
                    done_by: Some("Kader Contoh".into()),
                    note: Some("catatan".into()),
                    document_id: None,
                    updated_at: "2026-11-20T09:00:00.000Z".into(),
                },
            );
            store::save(s, &before, &after)
        };
        vault
            .write(|s| {
                s.insert(&person(1, Sex::Female, "1998-04-12"))?;
                s.insert(&journey)?;
                set(s, "ktp", ItemState::Done)?;
                set(s, "family_card", ItemState::Done)?;
                set(s, "seafarer_book", ItemState::InProgress)
            })
            .unwrap();

        // Read under v2 before anything is written: counted as migrated.
        let unmigrated = vault
            .read(|s| progress_with(s, v2, "p0001", Some(&journey), today()))
            .unwrap();
        assert_eq!(unmigrated.done, 2, "ktp, and the family card under its new id");

        // The next write stores the migration.
        let migrated = vault
            .write(|s| {
                let before = store::load(s, "p0001", v2)?;
                let after = rules::migrate(before.clone(), v2);
                store::save(s, &before, &after)?;
                Ok(after)
            })
            .unwrap();
        vault
            .read(|s| {
                let reloaded = store::load(s, "p0001", v2)?;
                assert_eq!(reloaded, migrated, "what was stored reads back");
                assert_eq!(reloaded.pack_version, v2.version);
                assert_eq!(
                    rules::migrate(reloaded.clone(), v2),
                    reloaded,
                    "nothing left to migrate"
                );
                assert_eq!(
                    reloaded.items["family_card_copy"].note.as_deref(),
                    Some("catatan")
                );
                let rows: Vec<(String, String, Option<u32>)> = s
                    .conn
                    .prepare(
                        "SELECT item_id, state, NULL FROM checklist_items WHERE person_id = 'p0001'
                         UNION ALL
                         SELECT item_id, state, retired_in_version FROM checklist_retired
                         WHERE person_id = 'p0001' ORDER BY 1",
                    )?
                    .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                assert_eq!(
                    rows,
                    vec![
                        ("family_card_copy".into(), "done".into(), None),
                        ("ktp".into(), "done".into(), None),
                        ("seafarer_book".into(), "in_progress".into(), Some(v2.version)),
                    ]
                );
                // Now counted by SQL alone, with the same result.
                assert_eq!(
                    progress_with(s, v2, "p0001", Some(&journey), today())?,
                    unmigrated
                );
                let all = pre_departure_counts(s, v2, today())?;
                assert_eq!((all.len(), all[0].progress), (1, unmigrated));
                Ok(())
            })
            .unwrap();
        // An erased person takes every row along.
        vault
            .write(|s| {
                s.remove::<Person>("p0001")?;
                for table in ["checklists", "checklist_items", "checklist_retired"] {
                    let left: u32 =
                        s.conn
                            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))?;
                    assert_eq!(left, 0, "{table}");
                }
                Ok(())
            })
            .unwrap();
    }
}
