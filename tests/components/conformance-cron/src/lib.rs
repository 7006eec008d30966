//! Conformance probe for the cron trigger: each run records its schedule timestamp and its start
//! and end times (ms) in SQLite and takes `RUN_MILLIS`, longer than the 1-second schedule, so tests
//! can see that runs follow the schedule and never overlap.

use spin_sdk::sqlite::{Connection, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

wit_bindgen::generate!({ path: "../../../wit/cron", world: "spin-cron" });


const RUN_MILLIS: u64 = 1500;

struct Probe;

impl Guest for Probe {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        record(metadata.timestamp).map_err(|e| Error::Other(e.to_string()))
    }
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn record(scheduled: u64) -> Result<(), spin_sdk::sqlite::Error> {
    let db = Connection::open_default()?;
    db.execute(
        "CREATE TABLE IF NOT EXISTS cron_runs (scheduled INTEGER, started_ms INTEGER, ended_ms INTEGER)",
        &[],
    )?;
    let started = now_millis();
    std::thread::sleep(Duration::from_millis(RUN_MILLIS));
    db.execute(
        "INSERT INTO cron_runs (scheduled, started_ms, ended_ms) VALUES (?, ?, ?)",
        &[Value::Integer(scheduled as i64), Value::Integer(started), Value::Integer(now_millis())],
    )?;
    Ok(())
}

export!(Probe);
