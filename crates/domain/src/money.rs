//! Money as integer US cents (DOMAIN §2.6: "money as INTEGER cents").
//!
//! Keepa delivers prices as integer cents and the rewrite stores cents, so every amount in the
//! domain is a [`Cents`]. Floats appear only where a percentage is applied, and the result is
//! rounded back to cents at once with [`round_half_away_from_zero`], the rule SQLite's `round()`
//! uses, so the deals API can reproduce every figure in SQL (see `fees`).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use serde::{Deserialize, Serialize};

/// An amount of US money in cents; negative amounts are losses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Whole dollars and cents, e.g. `Cents::dollars(12, 34)` is $12.34.
    pub const fn dollars(dollars: i64, cents: i64) -> Cents {
        Cents(dollars * 100 + cents)
    }

    /// A statistic of cent values (mean, median, …) rounded back to whole cents.
    pub fn rounded(value: f64) -> Cents {
        Cents(round_half_away_from_zero(value))
    }

    /// `self × percent / 100`, rounded to the cent. Multiplying before dividing keeps
    /// `18050 × 15 / 100 = 2707.5` exact, so the half-cent rounds the same in Rust and SQLite.
    pub fn percent(self, percent: f64) -> Cents {
        Cents(round_half_away_from_zero(self.0 as f64 * percent / 100.0))
    }

    /// `self × factor`, rounded to the cent.
    pub fn scale(self, factor: f64) -> Cents {
        Cents(round_half_away_from_zero(self.0 as f64 * factor))
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The amount in dollars, for display and for ratios.
    pub fn as_dollars(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// Rounds to the nearest integer, halves away from zero, computed exactly as SQLite's
/// `round(x)` does (`(i64)(x + 0.5)` for x ≥ 0, mirrored below zero), so that a figure
/// recomputed in SQL matches the one computed here bit for bit.
pub fn round_half_away_from_zero(value: f64) -> i64 {
    if value >= 0.0 {
        (value + 0.5) as i64
    } else {
        -((-value + 0.5) as i64)
    }
}

impl fmt::Display for Cents {
    /// `$1,234.56`, `-$3.05`: the dashboard's money format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, digit) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Cents) -> Cents {
        Cents(self.0 + rhs.0)
    }
}

impl AddAssign for Cents {
    fn add_assign(&mut self, rhs: Cents) {
        self.0 += rhs.0;
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Cents) -> Cents {
        Cents(self.0 - rhs.0)
    }
}

impl Neg for Cents {
    type Output = Cents;
    fn neg(self) -> Cents {
        Cents(-self.0)
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents(iter.map(|c| c.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_dollars_with_thousands_separators() {
        assert_eq!(Cents(24626).to_string(), "$246.26");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(120050).to_string(), "$1,200.50");
        assert_eq!(Cents(-305).to_string(), "-$3.05");
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
    }

    #[test]
    fn percent_rounds_half_cents_away_from_zero() {
        assert_eq!(Cents(18050).percent(15.0), Cents(2708));
        assert_eq!(Cents(24626).percent(15.0), Cents(3694));
        assert_eq!(Cents(-18050).percent(15.0), Cents(-2708));
        assert_eq!(Cents(3500).percent(5.0), Cents(175));
    }

    #[test]
    fn rounding_matches_sqlite() {
        assert_eq!(round_half_away_from_zero(2.5), 3);
        assert_eq!(round_half_away_from_zero(-2.5), -3);
        assert_eq!(round_half_away_from_zero(2.4999), 2);
        assert_eq!(round_half_away_from_zero(-0.4), 0);
    }
}
