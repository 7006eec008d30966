//! The app's runtime wired to a mock Keepa, as the ingestion tests and the benchmark start it:
//! the product manifest, the Keepa variables pointing at the mock, no pacing, a short timeout,
//! and the ingest job fired once at start.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::MockKeepa;
use crate::{RuntimeProcess, RuntimeProcessBuilder};

/// How long one ingest run may take on a loaded machine before a test gives up.
const RUN_LIMIT: Duration = Duration::from_secs(180);

pub struct IngestApp {
    builder: RuntimeProcessBuilder,
    state_dir: Option<PathBuf>,
}

impl IngestApp {
    pub fn new(keepa: &MockKeepa) -> IngestApp {
        let builder = RuntimeProcessBuilder::new("spin.toml")
            .variable("keepa_api_key", "test-key")
            .variable("keepa_base_url", &keepa.url())
            .variable("keepa_min_call_interval_ms", "0")
            .variable("keepa_timeout_secs", "3")
            .arg("--cron-at-start");
        IngestApp { builder, state_dir: None }
    }

    pub fn variable(mut self, name: &str, value: &str) -> IngestApp {
        self.builder = self.builder.variable(name, value);
        self
    }

    /// Keeps the database of an earlier start.
    pub fn state_dir(mut self, dir: &Path) -> IngestApp {
        self.builder = self.builder.state_dir(dir);
        self.state_dir = Some(dir.to_path_buf());
        self
    }

    pub fn start(self) -> RuntimeProcess {
        self.builder.start()
    }

    /// Starts, waits for the run fired at start to finish, returns its report.
    pub fn run_once(self) -> (RuntimeProcess, Value) {
        let previous = self.state_dir.as_deref().and_then(|dir| rusqlite::Connection::open(dir.join("sqlite_db.db")).ok()).and_then(|db| read_last_run(&db));
        let app = self.start();
        let finished = app.wait_until(RUN_LIMIT, || last_run(&app).is_some_and(|run| Some(&run) != previous.as_ref()));
        assert!(finished, "no ingest run finished within {RUN_LIMIT:?}; runtime log:\n{}", app.log());
        let report = last_run(&app).expect("a run report");
        (app, report)
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// The report of the last ingest run (`system_state` `ingest.last_run`).
pub fn last_run(app: &RuntimeProcess) -> Option<Value> {
    read_last_run(&app.database())
}

fn read_last_run(db: &rusqlite::Connection) -> Option<Value> {
    let json: Option<String> = db.query_row("SELECT value FROM system_state WHERE key = 'ingest.last_run'", [], |row| row.get(0)).ok();
    json.and_then(|json| serde_json::from_str(&json).ok())
}
