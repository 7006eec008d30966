//! Rendering a stored value by its [`Kind`]: JSON for the API (money in dollars, numbers as
//! numbers, NULL as null) and text for CSV (the same numbers, unformatted).

use serde_json::Value as Json;

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
    /// The value as a JSON value of its kind.
    pub fn to_json(self, kind: Kind) -> Json {
        match (kind, self) {
            (_, Cell::Null) => Json::Null,
            (Kind::Cents, Cell::Integer(cents)) => dollars(cents as f64),
            (Kind::Cents, Cell::Real(cents)) => dollars(cents.round()),
            (Kind::Bool, Cell::Integer(flag)) => Json::Bool(flag != 0),
            (Kind::Percent, Cell::Real(value)) => number((value * 100.0).round() / 100.0),
            (_, Cell::Integer(value)) => Json::from(value),
            (_, Cell::Real(value)) => number(value),
            (_, Cell::Text(text)) => Json::from(text),
        }
    }

    /// The value as a CSV cell (empty for NULL).
    pub fn to_csv(self, kind: Kind) -> String {
        match self.to_json(kind) {
            Json::Null => String::new(),
            Json::String(text) => text,
            other => other.to_string(),
        }
    }
}

fn dollars(cents: f64) -> Json {
    number(cents / 100.0)
}

/// A JSON number; non-finite values (never produced by SQLite) become null.
fn number(value: f64) -> Json {
    serde_json::Number::from_f64(value).map_or(Json::Null, Json::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_dollars_to_the_cent() {
        assert_eq!(Cell::Integer(15958).to_json(Kind::Cents).to_string(), "159.58");
        assert_eq!(Cell::Integer(-5).to_json(Kind::Cents).to_string(), "-0.05");
        assert_eq!(Cell::Integer(100).to_csv(Kind::Cents), "1.0");
    }

    #[test]
    fn percentages_get_two_decimals_and_nulls_stay_null() {
        assert_eq!(Cell::Real(366.927_8).to_json(Kind::Percent).to_string(), "366.93");
        assert_eq!(Cell::Null.to_json(Kind::Percent), Json::Null);
        assert_eq!(Cell::Integer(1).to_json(Kind::Bool), Json::Bool(true));
        assert_eq!(Cell::Text("x").to_json(Kind::Text), Json::from("x"));
    }
}
