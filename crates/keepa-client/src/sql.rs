//! What the Keepa-facing components share around their SQLite code: the clock their rows are
//! stamped with and the store's error type.

use std::time::{SystemTime, UNIX_EPOCH};

use domain::time::UnixSeconds;

pub type DbError = spin_sdk::sqlite::Error;

/// Wall-clock time now.
pub fn now() -> UnixSeconds {
    UnixSeconds(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64))
}
