//! Column readers over a row's values. `None` for NULL, a missing column or another storage
//! class — except that [`real`] also takes integers: SQLite hands back `COALESCE(x, 0)` or a
//! whole number written to an untyped column as an integer.

use spin_sdk::sqlite::Value;

pub fn text(values: &[Value], index: usize) -> Option<String> {
    match values.get(index) {
        Some(Value::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

pub fn integer(values: &[Value], index: usize) -> Option<i64> {
    match values.get(index) {
        Some(Value::Integer(value)) => Some(*value),
        _ => None,
    }
}

pub fn real(values: &[Value], index: usize) -> Option<f64> {
    match values.get(index) {
        Some(Value::Real(value)) => Some(*value),
        Some(Value::Integer(value)) => Some(*value as f64),
        _ => None,
    }
}

/// A count or sum that cannot be negative; 0 for NULL.
pub fn count(values: &[Value], index: usize) -> u64 {
    integer(values, index).and_then(|value| u64::try_from(value).ok()).unwrap_or(0)
}
