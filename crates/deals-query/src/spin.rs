//! Running [`Statement`]s through Spin's SQLite and reading its values as [`Cell`]s.

use spin_sdk::sqlite::{Connection, QueryResult, Value};

use crate::sql::{Param, Statement};
use crate::values::Cell;

/// Executes `statement` on `db`.
pub fn execute(db: &Connection, statement: &Statement) -> Result<QueryResult, String> {
    let params: Vec<Value> = statement
        .params
        .iter()
        .map(|param| match param {
            Param::Integer(value) => Value::Integer(*value),
            Param::Real(value) => Value::Real(*value),
            Param::Text(value) => Value::Text(value.clone()),
        })
        .collect();
    db.execute(&statement.sql, &params).map_err(|e| format!("deals query failed: {e}"))
}

/// A Spin value as a [`Cell`] (blobs, which no deal column holds, read as NULL).
pub fn cell(value: &Value) -> Cell<'_> {
    match value {
        Value::Integer(v) => Cell::Integer(*v),
        Value::Real(v) => Cell::Real(*v),
        Value::Text(v) => Cell::Text(v),
        Value::Blob(_) | Value::Null => Cell::Null,
    }
}

/// A row of [`crate::columns::COLUMNS`] as JSON object text keyed by the fields' keys.
pub fn deal_json(values: &[Value], out: &mut String) {
    out.push('{');
    for (i, (column, value)) in crate::COLUMNS.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(column.key);
        out.push_str("\":");
        cell(value).write_json(column.kind, out);
    }
    out.push('}');
}
