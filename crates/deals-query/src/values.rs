//! Rendering a stored value by its [`Kind`]: JSON for the API (money in dollars, numbers as
//! numbers, NULL as null) and text for CSV (the same numbers, unformatted).
//!
//! JSON is written straight into the response text rather than built as a `serde_json::Value`
//! tree: a page is 50 deals × 60 fields, and in WASM the tree's allocations were most of the
//! cost of a request. Money and percentages are written with exactly two decimals; other
//! reals are formatted by `ryu`, as `serde_json` formats them.

use std::fmt::Write;

use crate::columns::Kind;

/// One SQL result value, borrowed from whichever SQLite binding produced it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
}

impl Cell<'_> {
    /// Appends the value as JSON of its kind.
    pub fn write_json(self, kind: Kind, out: &mut String) {
        match (kind, self) {
            (_, Cell::Null) => out.push_str("null"),
            (Kind::Cents, Cell::Integer(cents)) => hundredths(cents, out),
            (Kind::Cents, Cell::Real(cents)) if cents.is_finite() => hundredths(cents.round() as i64, out),
            (Kind::Bool, Cell::Integer(flag)) => out.push_str(if flag != 0 { "true" } else { "false" }),
            (Kind::Percent, Cell::Real(value)) if value.is_finite() => hundredths((value * 100.0).round() as i64, out),
            (_, Cell::Integer(value)) => {
                let _ = write!(out, "{value}");
            }
            (_, Cell::Real(value)) => number(value, out),
            (_, Cell::Text(text)) => out.push_str(&serde_json::to_string(text).expect("a string serializes")),
        }
    }

    /// The value as a CSV cell: text as is, numbers as in JSON, NULL empty.
    pub fn to_csv(self, kind: Kind) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(text) if kind != Kind::Bool => text.to_string(),
            _ => {
                let mut out = String::new();
                self.write_json(kind, &mut out);
                out
            }
        }
    }
}

/// `n` hundredths as a number with two decimals (`-5` → `-0.05`). Money and percentages are
/// written from integers: formatting them as floats was a tenth of a page's CPU in WASM.
fn hundredths(n: i64, out: &mut String) {
    let sign = if n < 0 { "-" } else { "" };
    let magnitude = n.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:02}", magnitude / 100, magnitude % 100);
}

/// A JSON number; non-finite values (never produced by SQLite) become null.
fn number(value: f64, out: &mut String) {
    if value.is_finite() {
        out.push_str(ryu::Buffer::new().format_finite(value));
    } else {
        out.push_str("null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(cell: Cell, kind: Kind) -> String {
        let mut out = String::new();
        cell.write_json(kind, &mut out);
        out
    }

    #[test]
    fn money_is_dollars_to_the_cent() {
        assert_eq!(json(Cell::Integer(15958), Kind::Cents), "159.58");
        assert_eq!(json(Cell::Integer(-5), Kind::Cents), "-0.05");
        assert_eq!(json(Cell::Integer(2000), Kind::Cents), "20.00");
        assert_eq!(json(Cell::Real(1999.6), Kind::Cents), "20.00");
        assert_eq!(json(Cell::Integer(-123_456), Kind::Cents), "-1234.56");
        assert_eq!(Cell::Integer(100).to_csv(Kind::Cents), "1.00");
    }

    #[test]
    fn numbers_match_serde_json() {
        for value in [0.1, 127.4, 366.93, 1e-7, 123456789.125] {
            assert_eq!(json(Cell::Real(value), Kind::Real), serde_json::to_string(&value).unwrap());
        }
    }

    #[test]
    fn percentages_get_two_decimals_and_nulls_stay_null() {
        assert_eq!(json(Cell::Real(366.927_8), Kind::Percent), "366.93");
        assert_eq!(json(Cell::Real(-12.5), Kind::Percent), "-12.50");
        assert_eq!(json(Cell::Real(f64::NAN), Kind::Percent), "null");
        assert_eq!(json(Cell::Null, Kind::Percent), "null");
        assert_eq!(json(Cell::Integer(1), Kind::Bool), "true");
        assert_eq!(json(Cell::Text("a \"b\"\n"), Kind::Text), r#""a \"b\"\n""#);
        assert_eq!(Cell::Text("=x").to_csv(Kind::Text), "=x");
        assert_eq!(Cell::Null.to_csv(Kind::Text), "");
    }
}
