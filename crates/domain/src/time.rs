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

/// Month of the proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, reduced to the month).
fn civil_month_from_days(days: i64) -> u8 {
    let z = days + 719_468;
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    (if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 }) as u8
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
    fn month_numbers_outside_the_year_are_refused() {
        assert!(Month::new(0).is_none());
        assert!(Month::new(13).is_none());
        assert_eq!(Month::new(9).unwrap().to_string(), "Sep");
    }
}
