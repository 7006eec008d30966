//! Optional values as statement parameters: `None` is SQL `NULL`.

use spin_sdk::sqlite::Value;

pub fn integer(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

pub fn real(value: Option<f64>) -> Value {
    value.map_or(Value::Null, Value::Real)
}

pub fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |text| Value::Text(text.to_owned()))
}
