//! SQLite plumbing shared by the Keepa-facing components: the clock, all-or-nothing
//! transactions, and optional values as SQL parameters.

use std::time::{SystemTime, UNIX_EPOCH};

use domain::time::UnixSeconds;
use spin_sdk::sqlite::{Connection, Value};

pub type DbError = spin_sdk::sqlite::Error;

/// Wall-clock time now.
pub fn now() -> UnixSeconds {
    UnixSeconds(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64))
}

/// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls everything back, so a failed
/// or killed batch leaves nothing half-written.
pub fn transaction<T>(db: &Connection, work: impl FnOnce(&Connection) -> Result<T, DbError>) -> Result<T, DbError> {
    db.execute("BEGIN IMMEDIATE", &[])?;
    match work(db) {
        Ok(value) => {
            db.execute("COMMIT", &[])?;
            Ok(value)
        }
        Err(error) => {
            let _ = db.execute("ROLLBACK", &[]);
            Err(error)
        }
    }
}

/// `NULL` for `None`.
pub fn integer(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

/// `NULL` for `None`.
pub fn real(value: Option<f64>) -> Value {
    value.map_or(Value::Null, Value::Real)
}

/// `NULL` for `None`.
pub fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |text| Value::Text(text.to_owned()))
}
