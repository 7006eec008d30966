//! Time as unix seconds UTC (DOMAIN §2.6), with Keepa minutes converted at the edge (§3.2).
//!
//! Keepa counts minutes since 2011-01-01T00:00:00Z. The epoch is locked: a past regression used
//! 2000-01-01, made fresh data look 11 years old and rejected everything (§8 item 17).
//! Nothing here reads the clock; `now` is always a parameter so the crate stays pure.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Minutes between the unix epoch and the Keepa epoch (2011-01-01T00:00:00Z).
const KEEPA_EPOCH_OFFSET_MINUTES: i64 = 21_564_000;

/// Keepa timestamps at or below this are placeholders, not times (§3.2).
const KEEPA_MINUTES_VALID_ABOVE: i64 = 100_000;

/// A point in time, seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixSeconds(pub i64);

impl UnixSeconds {
    /// Converts Keepa minutes; `None` for Keepa's placeholder values (≤ 100000).
    pub fn from_keepa_minutes(keepa_minutes: i64) -> Option<UnixSeconds> {
        (keepa_minutes > KEEPA_MINUTES_VALID_ABOVE)
            .then(|| UnixSeconds((keepa_minutes + KEEPA_EPOCH_OFFSET_MINUTES) * 60))
    }

    /// Keepa minutes for this instant (rounded down to the minute).
    pub fn to_keepa_minutes(self) -> i64 {
        self.0.div_euclid(60) - KEEPA_EPOCH_OFFSET_MINUTES
    }

    /// Calendar month of this instant in UTC.
    pub fn month(self) -> Month {
        let days = self.0.div_euclid(86_400);
        Month(civil_month_from_days(days))
    }

    /// Signed seconds from `earlier` to `self`.
    pub fn seconds_since(self, earlier: UnixSeconds) -> i64 {
        self.0 - earlier.0
    }

    /// Midnight UTC of a proleptic Gregorian date; `None` for an impossible date (2025-02-30).
    pub fn from_date(year: i64, month: u8, day: u8) -> Option<UnixSeconds> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then(|| UnixSeconds(days_from_civil(year, month, day) * 86_400))
    }

    /// Midnight UTC of an ISO date `YYYY-MM-DD` (surrounding whitespace ignored).
    pub fn parse_date(text: &str) -> Option<UnixSeconds> {
        let mut parts = text.trim().splitn(3, '-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        UnixSeconds::from_date(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// `YYYY-MM-DD` in UTC.
    pub fn date_string(self) -> String {
        let (year, month, day) = civil_from_days(self.0.div_euclid(86_400));
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// `YYYY-MM-DD HH:MM` in UTC.
    pub fn minute_string(self) -> String {
        let seconds_of_day = self.0.rem_euclid(86_400);
        format!("{} {:02}:{:02}", self.date_string(), seconds_of_day / 3600, seconds_of_day % 3600 / 60)
    }
}

impl Add<Duration> for UnixSeconds {
    type Output = UnixSeconds;
    fn add(self, rhs: Duration) -> UnixSeconds {
        UnixSeconds(self.0 + rhs.as_secs() as i64)
    }
}

impl Sub<Duration> for UnixSeconds {
    type Output = UnixSeconds;
    fn sub(self, rhs: Duration) -> UnixSeconds {
        UnixSeconds(self.0 - rhs.as_secs() as i64)
    }
}

/// Shorthands for the day/hour constants of the spec.
pub const fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3600)
}

pub const fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

/// A calendar month, 1 = January … 12 = December (stored as `peak_month` INTEGER, §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Month(u8);

impl Month {
    const ABBREVIATIONS: [&'static str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// `None` outside 1..=12.
    pub fn new(number: u8) -> Option<Month> {
        (1..=12).contains(&number).then_some(Month(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// The three-letter name the dashboard shows (`Peak_Season = "Sep"`, §2.2).
    pub fn abbreviation(self) -> &'static str {
        Self::ABBREVIATIONS[usize::from(self.0 - 1)]
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation())
    }
}

/// Month of the proleptic Gregorian date `days` after 1970-01-01.
fn civil_month_from_days(days: i64) -> u8 {
    civil_from_days(days).1
}

/// `(year, month, day)` of the proleptic Gregorian date `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = (if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 }) as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepa_epoch_is_2011() {
        // 2011-01-01T00:00:00Z is unix 1293840000; one Keepa minute later is 60 s later.
        assert_eq!(UnixSeconds::from_keepa_minutes(100_001).unwrap().0, (100_001 + 21_564_000) * 60);
        assert_eq!(UnixSeconds((21_564_000 + 100_001) * 60).to_keepa_minutes(), 100_001);
        assert_eq!(UnixSeconds(1_293_840_000).to_keepa_minutes(), 0);
    }

    #[test]
    fn placeholder_keepa_times_are_rejected() {
        assert_eq!(UnixSeconds::from_keepa_minutes(100_000), None);
        assert_eq!(UnixSeconds::from_keepa_minutes(-1), None);
    }

    #[test]
    fn months_follow_the_utc_calendar() {
        assert_eq!(UnixSeconds(0).month().abbreviation(), "Jan");
        // 2024-02-29T23:59:59Z and one second later.
        assert_eq!(UnixSeconds(1_709_251_199).month().number(), 2);
        assert_eq!(UnixSeconds(1_709_251_200).month().number(), 3);
        // 1969-12-31T12:00:00Z.
        assert_eq!(UnixSeconds(-43_200).month().number(), 12);
    }

    #[test]
    fn dates_round_trip_through_the_calendar() {
        assert_eq!(UnixSeconds(0).date_string(), "1970-01-01");
        assert_eq!(UnixSeconds(1_709_251_199).minute_string(), "2024-02-29 23:59");
        assert_eq!(UnixSeconds::parse_date("2024-02-29"), Some(UnixSeconds(1_709_164_800)));
        assert_eq!(UnixSeconds::parse_date(" 1969-12-31 "), Some(UnixSeconds(-86_400)));
        for days in (-700_000..2_900_000).step_by(997) {
            let at = UnixSeconds(days * 86_400);
            assert_eq!(UnixSeconds::parse_date(&at.date_string()), Some(at), "{days}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in ["2025-02-29", "2025-13-01", "2025-04-31", "2025-4-01", "20250401", "yesterday", "2025-01-00"] {
            assert_eq!(UnixSeconds::parse_date(text), None, "{text}");
        }
        assert!(UnixSeconds::parse_date("2000-02-29").is_some());
    }

    #[test]
    fn month_numbers_outside_the_year_are_refused() {
        assert!(Month::new(0).is_none());
        assert!(Month::new(13).is_none());
        assert_eq!(Month::new(9).unwrap().to_string(), "Sep");
    }
}
