//! The district roll-up (docs/relay.md#district-roll-up): villages submit their report's
//! counts, the relay keeps the latest per village and period, and publishes the
//! district's totals with small cells hidden, as JSON and as a page.
//!
//! Small cells: a count of 1 to 4 is shown as "<5". Totals are published too, so a
//! hidden cell could be found by subtracting the shown cells from their total; every
//! table is therefore checked as if its total were known (it is, or can be derived from
//! a linked table) and, when a hidden cell could be worked out or narrowed, the smallest
//! shown cells are hidden as well ("≥5") until it cannot (`protect`). A table that
//! cannot be protected at all is hidden whole, with its total.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Code, RelayError};
use crate::store::DistrictReport;

/// A village has at most tens of thousands of people; anything larger is a mistake.
pub const MAX_COUNT: u64 = 100_000;
/// Keys per table (destinations are the longest: ISO countries).
const MAX_KEYS: usize = 250;
/// Submissions are a few kilobytes.
pub const MAX_SUBMISSION_BYTES: usize = 64 * 1024;

pub const PHASES: [&str; 4] = ["prospective", "pre_departure", "abroad", "returned"];

/// The body of `POST /v1/teams/{team}/district-reports` (core:
/// `district_submission_json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    format: u32,
    district: String,
    village_code: String,
    village_name: String,
    period_from: String,
    period_to: String,
    generated_at: String,
    people_counted: u64,
    by_phase: BTreeMap<String, u64>,
    by_destination: BTreeMap<String, u64>,
    by_sector: BTreeMap<String, u64>,
    cases_in_period: u64,
    cases_by_type: BTreeMap<String, u64>,
    returns_in_period: u64,
    returns_by_reason: BTreeMap<String, u64>,
}

/// A village's counts as the relay keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub people_counted: u64,
    pub by_phase: BTreeMap<String, u64>,
    pub by_destination: BTreeMap<String, u64>,
    pub by_sector: BTreeMap<String, u64>,
    pub cases_in_period: u64,
    pub cases_by_type: BTreeMap<String, u64>,
    pub returns_in_period: u64,
    pub returns_by_reason: BTreeMap<String, u64>,
}

fn bad() -> RelayError {
    RelayError(Code::BadRequest)
}

/// District and village codes (Kemendagri's `32.01`, `32.01.01.2001`, or BPS digits):
/// short, and safe in a path.
pub fn valid_code(text: &str) -> bool {
    (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `YYYY-MM-DD`, a real day.
pub fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(year), digits(month), digits(day)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1900 && (1..=days).contains(&day)
}

/// `YYYY-MM-DDTHH:MM:SSZ` or with milliseconds, made fixed-width (milliseconds) so that
/// comparing the text compares the instants.
fn instant(text: &str) -> Option<String> {
    let (date, time) = text.split_once('T')?;
    let time = time.strip_suffix('Z')?;
    let (hms, millis) = match time.split_once('.') {
        Some((hms, millis)) if millis.len() == 3 && digits(millis).is_some() => (hms, millis),
        Some(_) => return None,
        None => (time, "000"),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return None;
    };
    let ok = valid_date(date)
        && [h, m, s].iter().all(|part| part.len() == 2)
        && digits(h).is_some_and(|h| h < 24)
        && digits(m).is_some_and(|m| m < 60)
        && digits(s).is_some_and(|s| s < 60);
    ok.then(|| format!("{date}T{hms}.{millis}Z"))
}

/// Seconds since 1970 of a checked `YYYY-MM-DDTHH:MM:SS.mmmZ` (the civil-from-days
/// algorithm, proleptic Gregorian).
fn unix_seconds(instant: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| instant.get(range).and_then(digits).map(i64::from);
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// How far ahead of the relay's clock a report's time may be: a later report replaces
/// an earlier one, so a phone whose clock ran ahead would otherwise keep the period's
/// correct reports out.
const MAX_AHEAD_SECS: i64 = 86_400;

fn valid_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_table(table: &BTreeMap<String, u64>, key_ok: impl Fn(&str) -> bool) -> Result<u64, RelayError> {
    if table.len() > MAX_KEYS {
        return Err(bad());
    }
    let mut sum = 0u64;
    for (key, count) in table {
        if !key_ok(key) || *count > MAX_COUNT {
            return Err(bad());
        }
        sum += count;
    }
    Ok(sum)
}

/// Checks a submission: well-formed codes, dates and counts, and counts that add up
/// (a report whose tables disagree with its totals is refused, not averaged).
pub fn validate(
    team_id: &str,
    submission: Submission,
    received_at: i64,
) -> Result<DistrictReport, RelayError> {
    let name = submission.village_name.trim();
    let generated_at = instant(&submission.generated_at).ok_or_else(bad)?;
    if unix_seconds(&generated_at).is_none_or(|at| at > received_at + MAX_AHEAD_SECS) {
        return Err(bad());
    }
    if submission.format != 1
        || !valid_code(&submission.district)
        || !valid_code(&submission.village_code)
        || name.is_empty()
        || name.chars().count() > 100
        || name.chars().any(char::is_control)
        || !valid_date(&submission.period_from)
        || !valid_date(&submission.period_to)
        || submission.period_to < submission.period_from
    {
        return Err(bad());
    }
    let counts = Counts {
        people_counted: submission.people_counted,
        by_phase: submission.by_phase,
        by_destination: submission.by_destination,
        by_sector: submission.by_sector,
        cases_in_period: submission.cases_in_period,
        cases_by_type: submission.cases_by_type,
        returns_in_period: submission.returns_in_period,
        returns_by_reason: submission.returns_by_reason,
    };
    let totals = [
        counts.people_counted,
        counts.cases_in_period,
        counts.returns_in_period,
    ];
    if totals.iter().any(|total| *total > MAX_COUNT) {
        return Err(bad());
    }
    let phases = check_table(&counts.by_phase, |key| PHASES.contains(&key))?;
    let destination_key =
        |key: &str| key == "unknown" || (key.len() == 2 && key.bytes().all(|b| b.is_ascii_uppercase()));
    let destinations = check_table(&counts.by_destination, destination_key)?;
    let sectors = check_table(&counts.by_sector, valid_key)?;
    let cases = check_table(&counts.cases_by_type, valid_key)?;
    let returns = check_table(&counts.returns_by_reason, valid_key)?;
    let phase = |key: &str| counts.by_phase.get(key).copied().unwrap_or(0);
    let leaving = phase("pre_departure") + phase("abroad");
    if phases != counts.people_counted
        || destinations != leaving
        || sectors != leaving
        || cases != counts.cases_in_period
        || returns != counts.returns_in_period
    {
        return Err(bad());
    }
    Ok(DistrictReport {
        team_id: team_id.to_owned(),
        district: submission.district,
        village_code: submission.village_code,
        village_name: name.to_owned(),
        period_from: submission.period_from,
        period_to: submission.period_to,
        generated_at,
        counts: serde_json::to_string(&counts).map_err(|_| RelayError(Code::Internal))?,
        received_at,
    })
}

/// How a published count is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Exact,
    /// 1 to 4: "<5".
    Small,
    /// 5 or more, hidden so that a small cell cannot be worked out: "≥5".
    Withheld,
}

/// Hides cells of one table whose total is assumed known, so that no small cell can be
/// worked out or narrowed: an attacker who knows the total, the shown cells, that a
/// "<5" cell is 1 to 4, and that a "≥5" cell is at least 5 and (since the smallest are
/// withheld first) at most the smallest shown non-zero cell, must still find every
/// value from 1 to 4 possible for every "<5" cell. `None` when no choice of cells does.
fn protect(values: &[u64]) -> Option<Vec<Shown>> {
    let mut shown: Vec<Shown> = values
        .iter()
        .map(|value| {
            if (1..=4).contains(value) {
                Shown::Small
            } else {
                Shown::Exact
            }
        })
        .collect();
    loop {
        if safe(values, &shown) {
            return Some(shown);
        }
        let next = values
            .iter()
            .enumerate()
            .filter(|(index, value)| shown[*index] == Shown::Exact && **value > 0)
            .min_by_key(|(_, value)| **value)
            .map(|(index, _)| index)?;
        shown[next] = Shown::Withheld;
    }
}

fn safe(values: &[u64], shown: &[Shown]) -> bool {
    let hidden: Vec<usize> = (0..values.len()).filter(|i| shown[*i] != Shown::Exact).collect();
    let hidden_sum: u64 = hidden.iter().map(|i| values[*i]).sum();
    let withheld_max = values
        .iter()
        .zip(shown)
        .filter(|(value, how)| **how == Shown::Exact && **value > 0)
        .map(|(value, _)| *value)
        .min()
        .unwrap_or(u64::MAX / 4);
    hidden.iter().filter(|i| shown[**i] == Shown::Small).all(|&i| {
        let (mut least, mut most) = (0u64, 0u64);
        for &j in hidden.iter().filter(|j| **j != i) {
            match shown[j] {
                Shown::Small => {
                    least += 1;
                    most += 4;
                }
                _ => {
                    least += 5;
                    most = most.saturating_add(withheld_max);
                }
            }
        }
        // The cell lies in [hidden_sum - most, hidden_sum - least] ∩ [1, 4].
        hidden_sum.saturating_sub(most) <= 1 && hidden_sum >= least + 4
    })
}

/// One published count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub key: String,
    /// The count when it is shown; `null` when hidden.
    pub count: Option<u64>,
    /// What to show: the number, `<5` or `≥5`.
    pub display: String,
}

fn cell(key: &str, value: u64, how: Shown) -> Cell {
    match how {
        Shown::Exact => Cell {
            key: key.to_owned(),
            count: Some(value),
            display: value.to_string(),
        },
        Shown::Small => Cell {
            key: key.to_owned(),
            count: None,
            display: "<5".into(),
        },
        Shown::Withheld => Cell {
            key: key.to_owned(),
            count: None,
            display: "≥5".into(),
        },
    }
}

/// Every count hidden by its size alone: the fallback for a table that cannot be
/// protected.
fn hidden_by_size(value: u64) -> Shown {
    match value {
        0 => Shown::Exact,
        1..=4 => Shown::Small,
        _ => Shown::Withheld,
    }
}

/// A total on its own: exact unless 1 to 4.
fn total_shown(value: u64) -> Shown {
    if (1..=4).contains(&value) {
        Shown::Small
    } else {
        Shown::Exact
    }
}

/// A village that reported for the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Village {
    pub village_code: String,
    pub village_name: String,
    /// The day its kept report was made (`YYYY-MM-DD`).
    pub report_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodRef {
    pub from: String,
    pub to: String,
    pub villages: usize,
}

/// The district's published totals for one period (`GET /v1/districts/{district}/totals`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub district: String,
    pub period_from: String,
    pub period_to: String,
    /// Every period the district has reports for, latest first.
    pub periods: Vec<PeriodRef>,
    pub villages: Vec<Village>,
    pub people_counted: Cell,
    pub by_phase: Vec<Cell>,
    pub by_destination: Vec<Cell>,
    pub by_sector: Vec<Cell>,
    pub cases_in_period: Cell,
    pub cases_by_type: Vec<Cell>,
    pub returns_in_period: Cell,
    pub returns_by_reason: Vec<Cell>,
    /// How small cells are hidden, in Bahasa Indonesia and English.
    pub suppression_id: &'static str,
    pub suppression_en: &'static str,
}

pub const SUPPRESSION_ID: &str =
    "Angka 1 sampai 4 ditampilkan sebagai \"<5\". Bila angka kecil dapat dihitung \
     dari jumlah dan angka lain, angka terkecil lainnya ikut disembunyikan (\"≥5\").";
pub const SUPPRESSION_EN: &str =
    "Counts of 1 to 4 are shown as \"<5\". Where a small count could be worked out \
     from a total and the other counts, the smallest other counts are hidden too (\"≥5\").";

fn add_into(sum: &mut BTreeMap<String, u64>, table: &BTreeMap<String, u64>) {
    for (key, count) in table {
        *sum.entry(key.clone()).or_insert(0) += count;
    }
}

/// A table's cells in display order: fixed keys first (`fixed`), then the others by
/// count, largest first.
fn ordered(table: &BTreeMap<String, u64>, fixed: &[&str]) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = fixed
        .iter()
        .map(|key| ((*key).to_owned(), table.get(*key).copied().unwrap_or(0)))
        .collect();
    let mut others: Vec<(String, u64)> = table
        .iter()
        .filter(|(key, _)| !fixed.contains(&key.as_str()))
        .map(|(key, count)| (key.clone(), *count))
        .collect();
    others.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.extend(others);
    rows
}

/// One group of linked tables: their cells protected each against the group's total;
/// if any of them cannot be, every cell of the group and its total are hidden by size.
fn protect_group(tables: &[&[(String, u64)]]) -> Option<Vec<Vec<Shown>>> {
    tables
        .iter()
        .map(|rows| protect(&rows.iter().map(|(_, value)| *value).collect::<Vec<_>>()))
        .collect()
}

fn cells(rows: &[(String, u64)], shown: &[Shown]) -> Vec<Cell> {
    rows.iter()
        .zip(shown)
        .map(|((key, value), how)| cell(key, *value, *how))
        .collect()
}

/// An open table (destinations, sectors, case types, return reasons) in display order:
/// shown counts largest first, then the hidden ones by key, then the zeros. Hidden
/// cells are not ordered by their value: the order would tell which is larger.
fn display_order(mut cells: Vec<Cell>) -> Vec<Cell> {
    let class = |cell: &Cell| match (cell.count, cell.display.as_str()) {
        (Some(0), _) => 3,
        (Some(_), _) => 0,
        (None, "≥5") => 1,
        (None, _) => 2,
    };
    cells.sort_by(|a, b| {
        class(a)
            .cmp(&class(b))
            .then(b.count.cmp(&a.count))
            .then(a.key.cmp(&b.key))
    });
    cells
}

fn by_size(rows: &[(String, u64)]) -> Vec<Shown> {
    rows.iter().map(|(_, value)| hidden_by_size(*value)).collect()
}

/// The district's totals for `period` (`None`: the latest period), from every kept
/// report; `UnknownDistrict` / `UnknownPeriod` when there are none.
pub fn totals(
    district: &str,
    reports: &[DistrictReport],
    period: Option<(&str, &str)>,
) -> Result<Totals, RelayError> {
    if reports.is_empty() {
        return Err(RelayError(Code::UnknownDistrict));
    }
    let mut periods: BTreeMap<(String, String), usize> = BTreeMap::new();
    for report in reports {
        *periods
            .entry((report.period_to.clone(), report.period_from.clone()))
            .or_insert(0) += 1;
    }
    let (period_from, period_to) = match period {
        Some((from, to)) => (from.to_owned(), to.to_owned()),
        None => periods
            .keys()
            .next_back()
            .map(|(to, from)| (from.clone(), to.clone()))
            .ok_or(RelayError(Code::UnknownDistrict))?,
    };
    let chosen: Vec<&DistrictReport> = reports
        .iter()
        .filter(|report| report.period_from == period_from && report.period_to == period_to)
        .collect();
    if chosen.is_empty() {
        return Err(RelayError(Code::UnknownPeriod));
    }
    let mut sum = Counts::default();
    let mut villages = Vec::new();
    for report in &chosen {
        let counts: Counts = serde_json::from_str(&report.counts).map_err(|_| RelayError(Code::Internal))?;
        sum.people_counted += counts.people_counted;
        sum.cases_in_period += counts.cases_in_period;
        sum.returns_in_period += counts.returns_in_period;
        add_into(&mut sum.by_phase, &counts.by_phase);
        add_into(&mut sum.by_destination, &counts.by_destination);
        add_into(&mut sum.by_sector, &counts.by_sector);
        add_into(&mut sum.cases_by_type, &counts.cases_by_type);
        add_into(&mut sum.returns_by_reason, &counts.returns_by_reason);
        villages.push(Village {
            village_code: report.village_code.clone(),
            village_name: report.village_name.clone(),
            report_date: report.generated_at.chars().take(10).collect(),
        });
    }
    villages.sort_by(|a, b| {
        a.village_name
            .cmp(&b.village_name)
            .then(a.village_code.cmp(&b.village_code))
    });

    // The people: phases split in two parts, each with a total that can be known
    // (those leaving = the destinations' and the sectors' total; the others = the
    // whole less those), and the destinations and sectors against those leaving.
    let phase_rows = ordered(&sum.by_phase, &PHASES);
    let leaving: Vec<(String, u64)> = phase_rows
        .iter()
        .filter(|(key, _)| key == "pre_departure" || key == "abroad")
        .cloned()
        .collect();
    let staying: Vec<(String, u64)> = phase_rows
        .iter()
        .filter(|(key, _)| key != "pre_departure" && key != "abroad")
        .cloned()
        .collect();
    let destination_rows = ordered(&sum.by_destination, &[]);
    let sector_rows = ordered(&sum.by_sector, &[]);
    let (phase_cells, destination_cells, sector_cells, people) =
        match protect_group(&[&leaving, &staying, &destination_rows, &sector_rows]) {
            Some(shown) => {
                let mut by_key: BTreeMap<String, Cell> = BTreeMap::new();
                for cell in cells(&leaving, &shown[0])
                    .into_iter()
                    .chain(cells(&staying, &shown[1]))
                {
                    by_key.insert(cell.key.clone(), cell);
                }
                let phase_cells = phase_rows
                    .iter()
                    .filter_map(|(key, _)| by_key.remove(key))
                    .collect();
                (
                    phase_cells,
                    display_order(cells(&destination_rows, &shown[2])),
                    display_order(cells(&sector_rows, &shown[3])),
                    cell(
                        "people_counted",
                        sum.people_counted,
                        total_shown(sum.people_counted),
                    ),
                )
            }
            None => (
                cells(&phase_rows, &by_size(&phase_rows)),
                display_order(cells(&destination_rows, &by_size(&destination_rows))),
                display_order(cells(&sector_rows, &by_size(&sector_rows))),
                cell(
                    "people_counted",
                    sum.people_counted,
                    hidden_by_size(sum.people_counted),
                ),
            ),
        };
    let single = |rows: Vec<(String, u64)>, key: &str, total: u64| match protect_group(&[&rows]) {
        Some(shown) => (cells(&rows, &shown[0]), cell(key, total, total_shown(total))),
        None => (
            cells(&rows, &by_size(&rows)),
            cell(key, total, hidden_by_size(total)),
        ),
    };
    let (case_cells, cases) = single(
        ordered(&sum.cases_by_type, &[]),
        "cases_in_period",
        sum.cases_in_period,
    );
    let (return_cells, returns) = single(
        ordered(&sum.returns_by_reason, &[]),
        "returns_in_period",
        sum.returns_in_period,
    );
    Ok(Totals {
        district: district.to_owned(),
        period_from,
        period_to,
        periods: periods
            .into_iter()
            .rev()
            .map(|((to, from), villages)| PeriodRef { from, to, villages })
            .collect(),
        villages,
        people_counted: people,
        by_phase: phase_cells,
        by_destination: destination_cells,
        by_sector: sector_cells,
        cases_in_period: cases,
        cases_by_type: case_cells,
        returns_in_period: returns,
        returns_by_reason: return_cells,
        suppression_id: SUPPRESSION_ID,
        suppression_en: SUPPRESSION_EN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(values: &[u64]) -> Option<Vec<&'static str>> {
        protect(values).map(|shown| {
            shown
                .iter()
                .map(|how| match how {
                    Shown::Exact => "=",
                    Shown::Small => "<5",
                    Shown::Withheld => "≥5",
                })
                .collect()
        })
    }

    #[test]
    fn a_table_without_small_cells_is_shown_whole() {
        assert_eq!(shown(&[10, 0, 7]), Some(vec!["=", "=", "="]));
    }

    #[test]
    fn one_small_cell_takes_the_smallest_cell_that_hides_it_along() {
        // Total 20, 10 shown: the hidden 3 and 7 make 10. The "≥5" is 5 to 10 (never
        // more than the smallest shown cell), so the small one may be anything from 1 to 4.
        assert_eq!(shown(&[10, 3, 7]).unwrap(), vec!["=", "<5", "≥5"]);
        let values = [10u64, 3, 7];
        let how = protect(&values).unwrap();
        assert!(safe(&values, &how));
    }

    #[test]
    fn two_small_cells_that_would_reveal_each_other_are_covered() {
        // 1 + 1 = 2 hidden: both would be 1. A shown cell must go too.
        let result = shown(&[1, 1, 30]).unwrap();
        assert_eq!(result, vec!["<5", "<5", "≥5"]);
        // 4 + 4 = 8: both would be 4.
        assert_eq!(shown(&[4, 4, 30]).unwrap(), vec!["<5", "<5", "≥5"]);
    }

    #[test]
    fn a_table_that_cannot_be_protected_is_refused() {
        assert_eq!(shown(&[3, 0, 0]), None);
        assert_eq!(shown(&[3, 3]), None);
    }

    #[test]
    fn hidden_cells_are_listed_by_key_not_by_size() {
        let rows = vec![
            ("TW".to_owned(), 8),
            ("SG".to_owned(), 4),
            ("HK".to_owned(), 2),
            ("MY".to_owned(), 19),
        ];
        let how = protect(&[8, 4, 2, 19]).unwrap();
        let keys: Vec<String> = display_order(cells(&rows, &how))
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, ["MY", "TW", "HK", "SG"]);
    }

    #[test]
    fn instants_become_fixed_width_and_dates_real() {
        assert_eq!(
            instant("2027-04-01T08:00:00Z").as_deref(),
            Some("2027-04-01T08:00:00.000Z")
        );
        assert_eq!(
            instant("2027-04-01T08:00:00.120Z").as_deref(),
            Some("2027-04-01T08:00:00.120Z")
        );
        for bad in [
            "2027-04-01T08:00:00",
            "2027-04-01T08:00:00.1Z",
            "2027-02-30T08:00:00Z",
            "x",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
        assert_eq!(unix_seconds("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:01.000Z"), Some(951_868_801));
        assert_eq!(unix_seconds("2026-12-03T17:40:00.000Z"), Some(1_796_319_600));
        assert!(valid_date("2028-02-29"));
        assert!(!valid_date("2027-02-29"));
        assert!(!valid_date("2027-13-01"));
    }
}
