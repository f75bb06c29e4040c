//! One way to write instants and dates everywhere: RFC 3339 UTC with milliseconds
//! (`2026-11-28T10:15:00.000Z`) and ISO dates (`2026-11-28`). Both sort as text.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, SecondsFormat, TimeZone, Utc};

use crate::error::{InvalidReason, MigranError, Result};

/// Where "now" comes from. The system clock in the app; a fixed clock in tests, so
/// that back-off, due dates and warnings never depend on the wall clock.
pub trait Clock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// The device's offset from UTC at `instant`: "today" is the date there (at 06:00 in
    /// Jakarta the UTC date is still yesterday). UTC unless the clock knows better.
    fn local_offset(&self, _instant: DateTime<Utc>) -> FixedOffset {
        Utc.fix()
    }
}

/// The device's own clock, with the device's time zone (on Unix, `TZ` or
/// `/etc/localtime`); what the apps and the CLI use.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn local_offset(&self, instant: DateTime<Utc>) -> FixedOffset {
        chrono::Local.offset_from_utc_datetime(&instant.naive_utc()).fix()
    }
}

/// The calendar date on the device at `instant`.
pub(crate) fn local_date(clock: &dyn Clock, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&clock.local_offset(instant)).date_naive()
}

pub(crate) fn instant_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an instant the core wrote itself; a malformed one means the row was altered.
pub(crate) fn parse_instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|_| MigranError::storage(crate::error::StorageProblem::MalformedValue))
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Parses a `YYYY-MM-DD` date given by a person; errors name the field.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return Err(MigranError::invalid(field, InvalidReason::Empty));
    }
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(MigranError::invalid(field, InvalidReason::BadFormat));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| MigranError::invalid(field, InvalidReason::BadDate))
}

/// The latest calendar date it is anywhere on Earth at `now` (the furthest zone is
/// UTC+14). "Not in the future" checks use it: the core's clock is UTC, and at 06:00 in
/// Jakarta (WIB, UTC+7) the UTC date is still yesterday, so a visit dated with the
/// cadre's own today would otherwise be refused as being in the future.
pub(crate) fn latest_date_anywhere(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(14)).date_naive()
}

/// Parses a date that the core itself stored.
pub(crate) fn parse_stored_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_and_well_formed() {
        assert!(parse_date("birth_date", "2000-02-29").is_ok());
        assert_eq!(
            parse_date("birth_date", "2001-02-29"),
            Err(MigranError::invalid("birth_date", InvalidReason::BadDate))
        );
        for bad in ["2001-2-3", "03-02-2001", "2001/02/03", "20010203", "abcd-ef-gh"] {
            assert_eq!(
                parse_date("birth_date", bad),
                Err(MigranError::invalid("birth_date", InvalidReason::BadFormat)),
                "{bad}"
            );
        }
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = NaiveDate::from_ymd_opt(2008, 6, 15).unwrap();
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()), 17);
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()), 18);
    }

    struct Jakarta;

    impl Clock for Jakarta {
        fn now(&self) -> DateTime<Utc> {
            Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 0).unwrap()
        }

        fn local_offset(&self, _: DateTime<Utc>) -> FixedOffset {
            FixedOffset::east_opt(7 * 3600).unwrap()
        }
    }

    #[test]
    fn today_is_the_date_in_the_device_time_zone() {
        let clock = Jakarta;
        // 23:30 UTC is 06:30 WIB the next day.
        assert_eq!(
            local_date(&clock, clock.now()),
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
        );
        assert_eq!(
            local_date(&SystemClock, clock.now()),
            clock.now().with_timezone(&chrono::Local).date_naive()
        );
    }

    #[test]
    fn instants_round_trip() {
        let now = Utc::now();
        let parsed = parse_instant(&instant_text(now)).unwrap();
        assert_eq!(instant_text(parsed), instant_text(now));
    }
}
