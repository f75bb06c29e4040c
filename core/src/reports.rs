//! The village report: counts the village sends upward (to the kabupaten), never a name,
//! an id or any other personal data. Made after unlock as SQL aggregates over the records.
//!
//! What is counted (docs/cadre-work.md, docs/decisions/0005-consent.md):
//! - only people who are not archived and whose `Reporting` consent is given; the
//!   others are one total (`people_not_counted`), never broken down;
//! - people by phase and by sex: everyone counted, as they are now;
//! - by destination country and by sector: those in pre-departure or abroad, as now;
//! - events in the period (`from`..=`to`, either open): departures (journey departure
//!   date), cases reported (by type, and by their status now), returns (by reason, with
//!   the needs recorded), reintegration services given (by kind);
//! - pre-departure completeness of the counted people in pre-departure now (complete,
//!   incomplete, not started), from the checklist;
//! - screenings by risk level: each counted person's latest screening in the period.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::audit::AuditAction;
use crate::cases::{CaseStatus, CaseType, ALL_CASE_STATUSES, ALL_CASE_TYPES};
use crate::error::{InvalidReason, MigranError, RecordKind, Result};
use crate::i18n::Locale;
use crate::people::{self, Phase, Sex};
use crate::reintegration::{
    ReintegrationNeed, ReturnReason, ServiceKind, ALL_NEEDS, ALL_RETURN_REASONS, ALL_SERVICE_KINDS,
};
use crate::report_format::csv_line;
use crate::time::{date_text, instant_text, parse_date};
use crate::vault::{Session, Vault};

const PHASES: [Phase; 4] = [
    Phase::Prospective,
    Phase::PreDeparture,
    Phase::Abroad,
    Phase::Returned,
];

/// The period a village report covers; both ends open gives all time.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ReportRequest {
    /// First day of the period, `YYYY-MM-DD`; open when `None`.
    pub from: Option<String>,
    /// Last day of the period, inclusive; open when `None`.
    pub to: Option<String>,
    /// The village the report is for, printed on it; `None` leaves it out.
    #[uniffi(default)]
    pub village: Option<String>,
    /// Who made the report (the village officer), printed on it; `None` leaves it out.
    #[uniffi(default)]
    pub officer: Option<String>,
}

/// One count: `key` is a fixed code (`pre_departure`, `female`, `MY`, `unpaid_wages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReportCount {
    /// What is counted: a storage code, or an ISO country code for destinations.
    pub key: String,
    /// How many.
    pub count: u32,
}

/// The village report: counts only, never a name, an id or other personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct VillageReport {
    /// When the report was made, RFC 3339 UTC.
    pub generated_at: String,
    /// The day the report was made, on the device (its time zone), `YYYY-MM-DD`.
    pub generated_on: String,
    /// The village, as the request named it.
    pub village: Option<String>,
    /// Who made the report, as the request named them.
    pub officer: Option<String>,
    /// First day of the period, `YYYY-MM-DD`; `None` when open.
    pub period_from: Option<String>,
    /// Last day of the period, `YYYY-MM-DD`; `None` when open.
    pub period_to: Option<String>,
    /// People counted below: not archived, reporting consent given.
    pub people_counted: u32,
    /// People not archived but without reporting consent: only this total.
    pub people_not_counted: u32,
    /// Counted people by journey phase, as now (`prospective` when no journey is recorded).
    pub by_phase: Vec<ReportCount>,
    /// Counted people by sex (`female`, `male`).
    pub by_sex: Vec<ReportCount>,
    /// Of those in pre-departure or abroad; `unknown` when not recorded.
    pub by_destination: Vec<ReportCount>,
    /// Of those in pre-departure or abroad, by sector code; `unknown` when not recorded.
    pub by_sector: Vec<ReportCount>,
    /// Counted people whose departure date falls in the period and is not after the
    /// report's day: a planned departure is not a departure yet.
    pub departures_in_period: u32,
    /// `complete`, `incomplete`, `not_started` among people in pre-departure.
    pub pre_departure_completeness: Vec<ReportCount>,
    /// Cases of counted people reported in the period.
    pub cases_in_period: u32,
    /// Those cases by type, every type listed (0 included).
    pub cases_by_type: Vec<ReportCount>,
    /// Status now, of the cases reported in the period.
    pub cases_by_status: Vec<ReportCount>,
    /// `none`, `low`, `medium`, `high`, `critical`: the latest screening per person in
    /// the period.
    pub screenings_by_risk: Vec<ReportCount>,
    /// Returns of counted people in the period.
    pub returns_in_period: u32,
    /// Those returns by reason, every reason listed (0 included).
    pub returns_by_reason: Vec<ReportCount>,
    /// Needs recorded at the returns in the period (a return may have several).
    pub reintegration_needs: Vec<ReportCount>,
    /// Reintegration services given to counted people in the period.
    pub services_in_period: u32,
    /// Those services by kind, every kind listed (0 included).
    pub services_by_kind: Vec<ReportCount>,
    /// Information sessions held in the period.
    pub sessions_in_period: u32,
    /// Their attendance: `registered` (attendees among the people counted) and
    /// `others` (attendees not registered, as counted at the session).
    pub session_attendance: Vec<ReportCount>,
    /// Per lesson id, how many of those sessions covered it.
    pub session_topics: Vec<ReportCount>,
}

/// The inclusive period, as date text (which sorts like dates).
#[derive(Clone)]
pub(crate) struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    pub(crate) fn contains(&self, date: &str) -> bool {
        let after_start = match &self.from {
            None => true,
            Some(from) => date >= from.as_str(),
        };
        let before_end = match &self.to {
            None => true,
            Some(to) => date <= to.as_str(),
        };
        after_start && before_end
    }
}

/// Each counted person in pre-departure (now): is their checklist complete, incomplete
/// or not started. A checklist that cannot be opened is not counted.
fn pre_departure_completeness(s: &Session<'_>) -> Result<Vec<ReportCount>> {
    use crate::checklist::{self, Completeness};
    let today = s.today;
    // Every pre-departure checklist counted in one SQL query.
    let all = checklist::pre_departure_progress(s, today)?;
    let mut counts = BTreeMap::new();
    let counted_in_pre_departure: Vec<String> = column(
        s,
        "SELECT c.person_id FROM temp.report_counted c
         JOIN journeys j ON j.person_id = c.person_id WHERE j.phase = 'pre_departure'",
        [],
    )?;
    for person_id in counted_in_pre_departure {
        let progress = match all.get(&person_id) {
            Some(progress) => progress.clone(),
            None => {
                let journey = people::load_journey(s, &person_id)?;
                checklist::progress_on(s, &person_id, journey.as_ref(), today)
            }
        };
        match progress {
            Ok(progress) => bump(&mut counts, Completeness::of(progress).code()),
            Err(MigranError::Tampered { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok([
        Completeness::Complete,
        Completeness::Incomplete,
        Completeness::NotStarted,
    ]
    .iter()
    .map(|c| ReportCount {
        key: c.code().to_string(),
        count: counts.get(c.code()).copied().unwrap_or(0),
    })
    .collect())
}

/// The latest screening in the period of each counted person, by risk level.
fn screenings_by_risk(
    s: &Session<'_>,
    counted: &HashSet<String>,
    period: &Period,
) -> Result<Vec<ReportCount>> {
    use crate::screening::{self, RiskLevel};
    let mut counts = BTreeMap::new();
    for level in screening::latest_levels(s, counted, |day| period.contains(day))? {
        bump(&mut counts, level);
    }
    Ok(fixed(
        &[
            RiskLevel::None,
            RiskLevel::Low,
            RiskLevel::Medium,
            RiskLevel::High,
            RiskLevel::Critical,
        ],
        &counts,
    ))
}

#[uniffi::export]
impl Vault {
    /// Makes the village report for a period. Recorded in the audit log (as a report,
    /// with no person named).
    pub fn village_report(&self, request: ReportRequest) -> Result<VillageReport> {
        let period = period(&request)?;
        let optional = |field: &str, value: Option<String>| {
            crate::validate::optional_text(field, value.as_deref(), crate::validate::SHORT_TEXT_MAX)
        };
        let village = optional("village", request.village)?;
        let officer = optional("officer", request.officer)?;
        self.read(|s| {
            let mut report = build(s, &period)?;
            report.village = village;
            report.officer = officer;
            s.audit_count(
                AuditAction::Report,
                RecordKind::VillageReport,
                None,
                report.people_counted as usize,
            );
            Ok(report)
        })
    }
}

/// The report as CSV: `section,key,value` lines, the same for every front end.
#[uniffi::export]
pub fn village_report_csv(report: &VillageReport) -> String {
    let mut out = csv_line(&["section", "key", "value"]);
    let mut meta = |key: &str, value: &str| out.push_str(&csv_line(&["meta", key, value]));
    meta("generated_at", &report.generated_at);
    meta("generated_on", &report.generated_on);
    meta("village", report.village.as_deref().unwrap_or(""));
    meta("officer", report.officer.as_deref().unwrap_or(""));
    meta("period_from", report.period_from.as_deref().unwrap_or(""));
    meta("period_to", report.period_to.as_deref().unwrap_or(""));
    for (section, value) in totals(report) {
        out.push_str(&csv_line(&["total", section, &value.to_string()]));
    }
    for (section, counts) in sections(report) {
        for count in counts {
            out.push_str(&csv_line(&[section, &count.key, &count.count.to_string()]));
        }
    }
    out
}

/// The report as JSON.
#[uniffi::export]
pub fn village_report_json(report: &VillageReport) -> Result<String> {
    serde_json::to_string_pretty(report).map_err(|_| MigranError::internal("encoding the report failed"))
}

/// A readable summary, for the CLI and for reading out at a village meeting.
#[uniffi::export]
pub fn village_report_text(report: &VillageReport, locale: Locale) -> String {
    let id = locale == Locale::Id;
    let mut out = String::new();
    let period = match (&report.period_from, &report.period_to) {
        (None, None) => if id { "semua waktu" } else { "all time" }.to_string(),
        (from, to) => format!(
            "{} .. {}",
            from.as_deref().unwrap_or("…"),
            to.as_deref().unwrap_or("…")
        ),
    };
    out.push_str(&if id {
        format!("Laporan desa (periode: {period})\n")
    } else {
        format!("Village report (period: {period})\n")
    });
    let mut heading = |id_label: &str, en_label: &str, value: &str| {
        out.push_str(&format!("{}: {value}\n", if id { id_label } else { en_label }));
    };
    if let Some(village) = &report.village {
        heading("Desa", "Village", village);
    }
    if let Some(officer) = &report.officer {
        heading("Dibuat oleh", "Made by", officer);
    }
    heading("Tanggal dibuat", "Made on", &report.generated_on);
    for (section, value) in totals(report) {
        out.push_str(&format!("{}: {value}\n", label(section, locale)));
    }
    for (section, counts) in sections(report) {
        if counts.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", label(section, locale)));
        for count in counts {
            out.push_str(&format!("  {}: {}\n", label(&count.key, locale), count.count));
        }
    }
    out
}

/// A district or village code as the relay takes it: 1 to 32 of `A-Z a-z 0-9 . - _`.
pub(crate) fn district_code(field: &str, text: &str) -> Result<String> {
    let ok = (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(text.to_string())
    } else {
        Err(MigranError::invalid(field, InvalidReason::BadFormat))
    }
}

/// The body a village officer's device sends to its district on the relay
/// (`POST /v1/teams/{team}/district-reports`, docs/relay.md#district-roll-up): the
/// district and village codes, the village's name, the period (both ends required: a
/// district adds up villages of the same period) and the counts the district dashboard
/// shows. Only counts leave the village: no name, id, NIK or officer, and none of the
/// other sections. Not exported to the apps: the core's relay client sends it.
pub fn district_submission_json(
    report: &VillageReport,
    district: &str,
    village_code: &str,
) -> Result<String> {
    let district = district_code("district", district)?;
    let village_code = district_code("village_code", village_code)?;
    let village_name = report
        .village
        .clone()
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| MigranError::invalid("village", InvalidReason::Empty))?;
    let (Some(from), Some(to)) = (&report.period_from, &report.period_to) else {
        return Err(MigranError::invalid("period", InvalidReason::Empty));
    };
    let map = |counts: &[ReportCount]| {
        counts
            .iter()
            .map(|c| (c.key.clone(), c.count))
            .collect::<BTreeMap<String, u32>>()
    };
    let body = serde_json::json!({
        "format": 1,
        "district": district,
        "village_code": village_code,
        "village_name": village_name,
        "period_from": from,
        "period_to": to,
        "generated_at": report.generated_at,
        "people_counted": report.people_counted,
        "by_phase": map(&report.by_phase),
        "by_destination": map(&report.by_destination),
        "by_sector": map(&report.by_sector),
        "cases_in_period": report.cases_in_period,
        "cases_by_type": map(&report.cases_by_type),
        "returns_in_period": report.returns_in_period,
        "returns_by_reason": map(&report.returns_by_reason),
    });
    serde_json::to_string(&body).map_err(|_| MigranError::internal("encoding the submission failed"))
}

fn totals(report: &VillageReport) -> [(&'static str, u32); 7] {
    [
        ("people_counted", report.people_counted),
        ("people_not_counted", report.people_not_counted),
        ("departures_in_period", report.departures_in_period),
        ("cases_in_period", report.cases_in_period),
        ("returns_in_period", report.returns_in_period),
        ("services_in_period", report.services_in_period),
        ("sessions_in_period", report.sessions_in_period),
    ]
}

fn sections(report: &VillageReport) -> [(&'static str, &[ReportCount]); 13] {
    [
        ("by_phase", &report.by_phase),
        ("by_sex", &report.by_sex),
        ("by_destination", &report.by_destination),
        ("by_sector", &report.by_sector),
        ("pre_departure_completeness", &report.pre_departure_completeness),
        ("cases_by_type", &report.cases_by_type),
        ("cases_by_status", &report.cases_by_status),
        ("screenings_by_risk", &report.screenings_by_risk),
        ("returns_by_reason", &report.returns_by_reason),
        ("reintegration_needs", &report.reintegration_needs),
        ("services_by_kind", &report.services_by_kind),
        ("session_attendance", &report.session_attendance),
        ("session_topics", &report.session_topics),
    ]
}

fn period(request: &ReportRequest) -> Result<Period> {
    let parse = |field, value: &Option<String>| {
        value
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| parse_date(field, t))
            .transpose()
    };
    let from = parse("from", &request.from)?;
    let to = parse("to", &request.to)?;
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(MigranError::invalid("to", InvalidReason::Inconsistent));
        }
    }
    Ok(Period {
        from: from.map(date_text),
        to: to.map(date_text),
    })
}

/// An enum's code: its serde name in snake case (`PreDeparture` -> `pre_departure`).
fn code<T: Serialize>(value: &T) -> String {
    let name = serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Counts with every key of `all` present (zeros included), in that order.
fn fixed<T: Serialize + Ord + Copy>(all: &[T], counts: &BTreeMap<T, u32>) -> Vec<ReportCount> {
    all.iter()
        .map(|key| ReportCount {
            key: code(key),
            count: counts.get(key).copied().unwrap_or(0),
        })
        .collect()
}

fn bump<K: Ord>(map: &mut BTreeMap<K, u32>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

/// Who is counted, materialised once per report in a temporary (in-memory) table that
/// every section joins: not archived, and the latest `reporting` consent given.
const COUNTED: &str = "
    CREATE TEMP TABLE IF NOT EXISTS report_counted (person_id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM temp.report_counted;
    INSERT INTO temp.report_counted
    SELECT p.id FROM persons p
    JOIN (
        SELECT person_id, given,
               ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY date DESC, rowid DESC) AS latest
        FROM consents WHERE purpose = 'reporting'
    ) r ON r.person_id = p.id AND r.latest = 1 AND r.given = 1
    WHERE p.archived = 0;";

/// The sections are SQL aggregates over the records (`GROUP BY`), joined with
/// `temp.report_counted`. Dates are ISO text, so a period is a text range; `?1`/`?2`
/// are the period's ends, each open when NULL.
pub(crate) fn build(s: &Session<'_>, period: &Period) -> Result<VillageReport> {
    s.conn.execute_batch(COUNTED)?;
    let report = sections_of(s, period);
    // The list of who was counted is not kept once the report is made.
    s.conn.execute_batch("DELETE FROM temp.report_counted;")?;
    report
}

fn sections_of(s: &Session<'_>, period: &Period) -> Result<VillageReport> {
    let ends = rusqlite::params![period.from, period.to];
    let counted_ids: HashSet<String> = column(s, "SELECT person_id FROM temp.report_counted", [])?
        .into_iter()
        .collect();
    let not_archived: u32 =
        s.conn
            .query_row("SELECT count(*) FROM persons WHERE archived = 0", [], |row| {
                row.get(0)
            })?;
    let by_phase = grouped::<Phase>(
        s,
        "SELECT coalesce(j.phase, 'prospective'), count(*) FROM temp.report_counted c
         LEFT JOIN journeys j ON j.person_id = c.person_id GROUP BY 1",
        [],
    )?;
    let by_sex = grouped::<Sex>(
        s,
        "SELECT p.sex, count(*) FROM temp.report_counted c JOIN persons p ON p.id = c.person_id GROUP BY 1",
        [],
    )?;
    let by_destination = grouped::<String>(
        s,
        "SELECT coalesce(j.destination_country, 'unknown'), count(*) FROM temp.report_counted c
         JOIN journeys j ON j.person_id = c.person_id
         WHERE j.phase IN ('pre_departure', 'abroad') GROUP BY 1",
        [],
    )?;
    let by_sector = grouped::<String>(
        s,
        "SELECT coalesce(j.sector, 'unknown'), count(*) FROM temp.report_counted c
         JOIN journeys j ON j.person_id = c.person_id
         WHERE j.phase IN ('pre_departure', 'abroad') GROUP BY 1",
        [],
    )?;
    let departures: u32 = s.conn.query_row(
        "SELECT count(*) FROM temp.report_counted c JOIN journeys j ON j.person_id = c.person_id
         WHERE j.departure_date IS NOT NULL AND j.departure_date <= ?3
           AND (?1 IS NULL OR j.departure_date >= ?1) AND (?2 IS NULL OR j.departure_date <= ?2)",
        rusqlite::params![period.from, period.to, date_text(s.today)],
        |row| row.get(0),
    )?;
    let in_period =
        |column: &str| format!("(?1 IS NULL OR {column} >= ?1) AND (?2 IS NULL OR {column} <= ?2)");
    let cases_by_type = grouped::<CaseType>(
        s,
        &format!(
            "SELECT k.case_type, count(*) FROM cases k JOIN temp.report_counted c ON c.person_id = k.person_id
             WHERE {} GROUP BY 1",
            in_period("k.reported_on")
        ),
        ends,
    )?;
    let cases_by_status = grouped::<CaseStatus>(
        s,
        &format!(
            "SELECT k.status, count(*) FROM cases k JOIN temp.report_counted c ON c.person_id = k.person_id
             WHERE {} GROUP BY 1",
            in_period("k.reported_on")
        ),
        ends,
    )?;
    let returns_by_reason = grouped::<ReturnReason>(
        s,
        &format!(
            "SELECT r.reason, count(*) FROM returns r JOIN temp.report_counted c ON c.person_id = r.person_id
             WHERE {} GROUP BY 1",
            in_period("r.return_date")
        ),
        ends,
    )?;
    let needs = grouped::<ReintegrationNeed>(
        s,
        &format!(
            "SELECT n.value, count(*) FROM returns r JOIN temp.report_counted c ON c.person_id = r.person_id,
                 json_each(r.needs) n
             WHERE {} GROUP BY 1",
            in_period("r.return_date")
        ),
        ends,
    )?;
    let services_by_kind = grouped::<ServiceKind>(
        s,
        &format!(
            "SELECT v.kind, count(*) FROM reintegration_services v
             JOIN temp.report_counted c ON c.person_id = v.person_id
             WHERE {} GROUP BY 1",
            in_period("v.date")
        ),
        ends,
    )?;
    let people_counted = counted_ids.len() as u32;
    let (sessions_in_period, session_attendance, session_topics) =
        crate::sessions::report_counts(s, period.from.as_deref(), period.to.as_deref())?;
    Ok(VillageReport {
        generated_at: instant_text(s.now),
        generated_on: date_text(s.today),
        village: None,
        officer: None,
        period_from: period.from.clone(),
        period_to: period.to.clone(),
        people_counted,
        people_not_counted: not_archived.saturating_sub(people_counted),
        by_phase: fixed(&PHASES, &by_phase),
        by_sex: fixed(&[Sex::Female, Sex::Male], &by_sex),
        by_destination: by_count(by_destination),
        by_sector: by_count(by_sector),
        departures_in_period: departures,
        pre_departure_completeness: pre_departure_completeness(s)?,
        cases_in_period: cases_by_type.values().sum(),
        cases_by_type: fixed(&ALL_CASE_TYPES, &cases_by_type),
        cases_by_status: fixed(&ALL_CASE_STATUSES, &cases_by_status),
        screenings_by_risk: screenings_by_risk(s, &counted_ids, period)?,
        returns_in_period: returns_by_reason.values().sum(),
        returns_by_reason: fixed(&ALL_RETURN_REASONS, &returns_by_reason),
        reintegration_needs: fixed(&ALL_NEEDS, &needs),
        services_in_period: services_by_kind.values().sum(),
        services_by_kind: fixed(&ALL_SERVICE_KINDS, &services_by_kind),
        sessions_in_period,
        session_attendance,
        session_topics,
    })
}

/// `(key, count)` rows of a `GROUP BY` query; a key this build cannot read means the
/// stored data was altered.
fn grouped<K: rusqlite::types::FromSql + Ord>(
    s: &Session<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<BTreeMap<K, u32>> {
    let mut statement = s.conn.prepare_cached(sql)?;
    let rows = statement.query_map(params, |row| Ok((row.get::<_, K>(0)?, row.get::<_, u32>(1)?)))?;
    rows.collect::<rusqlite::Result<BTreeMap<K, u32>>>()
        .map_err(|err| crate::store::kernel::storage_error(err, RecordKind::VillageReport))
}

fn column(s: &Session<'_>, sql: &str, params: impl rusqlite::Params) -> Result<Vec<String>> {
    let mut statement = s.conn.prepare_cached(sql)?;
    let rows = statement.query_map(params, |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open-ended keys (countries, sectors) by count, largest first, then by key.
fn by_count(map: BTreeMap<String, u32>) -> Vec<ReportCount> {
    let mut counts: Vec<ReportCount> = map
        .into_iter()
        .map(|(key, count)| ReportCount { key, count })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    counts
}

/// The words for a section or key code; a country code stays as it is.
/// A section's or a count's name in the summary. Enum values take the words the apps
/// show (`labels`), with a capital.
fn label(key: &str, locale: Locale) -> String {
    if let Some(words) = enum_label(key, locale) {
        let mut chars = words.chars();
        return chars
            .next()
            .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect());
    }
    let (id, en) = match key {
        "people_counted" => ("Orang yang dihitung", "People counted"),
        "people_not_counted" => (
            "Tanpa persetujuan pelaporan (tidak dirinci)",
            "Without reporting consent (not broken down)",
        ),
        "departures_in_period" => ("Keberangkatan dalam periode", "Departures in the period"),
        "cases_in_period" => ("Kasus dilaporkan dalam periode", "Cases reported in the period"),
        "returns_in_period" => ("Kepulangan dalam periode", "Returns in the period"),
        "services_in_period" => (
            "Layanan reintegrasi dalam periode",
            "Reintegration services in the period",
        ),
        "by_phase" => ("Menurut tahap", "By phase"),
        "by_sex" => ("Menurut jenis kelamin", "By sex"),
        "by_destination" => (
            "Menurut negara tujuan (pra-penempatan dan bekerja)",
            "By destination (pre-departure and abroad)",
        ),
        "by_sector" => (
            "Menurut sektor (pra-penempatan dan bekerja)",
            "By sector (pre-departure and abroad)",
        ),
        "pre_departure_completeness" => (
            "Kelengkapan persiapan keberangkatan",
            "Pre-departure completeness",
        ),
        "cases_by_type" => ("Kasus menurut jenis", "Cases by type"),
        "cases_by_status" => ("Kasus menurut status", "Cases by status"),
        "screenings_by_risk" => ("Skrining menurut tingkat risiko", "Screenings by risk level"),
        "returns_by_reason" => ("Kepulangan menurut alasan", "Returns by reason"),
        "reintegration_needs" => ("Kebutuhan reintegrasi", "Reintegration needs"),
        "services_by_kind" => ("Layanan menurut jenis", "Services by kind"),
        "sessions_in_period" => (
            "Sesi informasi dalam periode",
            "Information sessions in the period",
        ),
        "session_attendance" => ("Kehadiran sesi informasi", "Information session attendance"),
        "session_topics" => (
            "Topik sesi informasi (pelajaran)",
            "Information session topics (lessons)",
        ),
        "registered" => ("Warga terdaftar", "Registered persons"),
        "others" => ("Peserta lain", "Other attendees"),
        "female" => ("Perempuan", "Female"),
        "male" => ("Laki-laki", "Male"),
        "unknown" => ("Tidak diketahui", "Unknown"),
        "complete" => ("Lengkap", "Complete"),
        "incomplete" => ("Belum lengkap", "Incomplete"),
        "not_started" => ("Belum mulai", "Not started"),
        "none" => ("Tidak ada", "None"),
        "low" => ("Rendah", "Low"),
        "medium" => ("Sedang", "Medium"),
        "high" => ("Tinggi", "High"),
        "critical" => ("Kritis", "Critical"),
        other => (other, other),
    };
    match locale {
        Locale::Id => id.to_string(),
        Locale::En => en.to_string(),
    }
}

fn enum_label(key: &str, locale: Locale) -> Option<String> {
    fn find<T: Serialize + Copy>(
        all: &[T],
        key: &str,
        words: fn(T, Locale) -> String,
        locale: Locale,
    ) -> Option<String> {
        all.iter()
            .find(|value| code(*value) == key)
            .map(|value| words(*value, locale))
    }
    use crate::labels::*;
    use crate::people::Sector;
    let sectors = [
        Sector::DomesticWork,
        Sector::Caregiving,
        Sector::Manufacturing,
        Sector::Construction,
        Sector::Agriculture,
        Sector::Fishing,
        Sector::Hospitality,
        Sector::Other,
    ];
    find(&PHASES, key, phase_label, locale)
        .or_else(|| find(&sectors, key, sector_label, locale))
        .or_else(|| find(&ALL_CASE_TYPES, key, case_type_label, locale))
        .or_else(|| find(&ALL_CASE_STATUSES, key, case_status_label, locale))
        .or_else(|| find(&ALL_RETURN_REASONS, key, return_reason_label, locale))
        .or_else(|| find(&ALL_NEEDS, key, reintegration_need_label, locale))
        .or_else(|| find(&ALL_SERVICE_KINDS, key, service_kind_label, locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_serde_names() {
        assert_eq!(code(&Phase::PreDeparture), "pre_departure");
        assert_eq!(
            code(&crate::cases::CaseType::TraffickingSuspicion),
            "trafficking_suspicion"
        );
        assert_eq!(code(&Sex::Female), "female");
    }

    #[test]
    fn the_period_is_inclusive_and_may_be_open() {
        let period = Period {
            from: Some("2026-01-01".into()),
            to: Some("2026-03-31".into()),
        };
        assert!(period.contains("2026-01-01"));
        assert!(period.contains("2026-03-31"));
        assert!(!period.contains("2025-12-31"));
        assert!(!period.contains("2026-04-01"));
        let open = Period { from: None, to: None };
        assert!(open.contains("1999-01-01"));
    }

    fn counts(pairs: &[(&str, u32)]) -> Vec<ReportCount> {
        pairs
            .iter()
            .map(|(key, count)| ReportCount {
                key: key.to_string(),
                count: *count,
            })
            .collect()
    }

    fn sample_report() -> VillageReport {
        VillageReport {
            generated_at: "2027-04-01T08:00:00.000Z".into(),
            generated_on: "2027-04-01".into(),
            village: Some("Desa Contoh".into()),
            officer: Some("Siti Contoh".into()),
            period_from: Some("2027-01-01".into()),
            period_to: Some("2027-03-31".into()),
            people_counted: 9,
            people_not_counted: 2,
            by_phase: counts(&[
                ("prospective", 2),
                ("pre_departure", 3),
                ("abroad", 4),
                ("returned", 0),
            ]),
            by_sex: counts(&[("female", 6), ("male", 3)]),
            by_destination: counts(&[("MY", 5), ("TW", 2)]),
            by_sector: counts(&[("domestic_work", 7)]),
            departures_in_period: 1,
            pre_departure_completeness: vec![],
            cases_in_period: 1,
            cases_by_type: counts(&[("unpaid_wages", 1), ("abuse", 0)]),
            cases_by_status: vec![],
            screenings_by_risk: vec![],
            returns_in_period: 0,
            returns_by_reason: counts(&[("contract_end", 0)]),
            reintegration_needs: vec![],
            services_in_period: 0,
            services_by_kind: vec![],
            sessions_in_period: 0,
            session_attendance: vec![],
            session_topics: vec![],
        }
    }

    #[test]
    fn the_district_submission_carries_counts_only() {
        let report = sample_report();
        let text = district_submission_json(&report, "99.01", "99.01.01.2001").unwrap();
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["district"], "99.01");
        assert_eq!(body["village_code"], "99.01.01.2001");
        assert_eq!(body["village_name"], "Desa Contoh");
        assert_eq!(body["period_from"], "2027-01-01");
        assert_eq!(body["period_to"], "2027-03-31");
        assert_eq!(body["generated_at"], "2027-04-01T08:00:00.000Z");
        assert_eq!(body["people_counted"], 9);
        assert_eq!(body["by_phase"]["abroad"], 4);
        assert_eq!(body["by_destination"]["TW"], 2);
        assert_eq!(body["by_sector"]["domestic_work"], 7);
        assert_eq!(body["cases_in_period"], 1);
        assert_eq!(body["cases_by_type"]["unpaid_wages"], 1);
        assert_eq!(body["returns_by_reason"]["contract_end"], 0);
        // The officer's name and every section the district does not show stay home.
        assert!(!text.contains("Siti Contoh"), "{text}");
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        for kept_home in ["officer", "by_sex", "people_not_counted", "screenings_by_risk"] {
            assert!(!keys.contains(&kept_home), "{kept_home} in {text}");
        }
    }

    #[test]
    fn a_district_submission_needs_codes_a_village_and_a_closed_period() {
        let report = sample_report();
        for (district, village) in [
            ("", "99.01.01.2001"),
            ("99 01", "x"),
            ("99.01", "a/b"),
            ("99.01", ""),
        ] {
            assert!(
                district_submission_json(&report, district, village).is_err(),
                "{district:?} {village:?}"
            );
        }
        let mut unnamed = report.clone();
        unnamed.village = None;
        assert!(district_submission_json(&unnamed, "99.01", "99.01.01.2001").is_err());
        let mut open = report;
        open.period_from = None;
        assert!(district_submission_json(&open, "99.01", "99.01.01.2001").is_err());
    }
}
