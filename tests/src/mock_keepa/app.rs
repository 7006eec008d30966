//! The app's runtime wired to a mock Keepa, as the ingestion tests and the benchmark start it:
//! the product manifest, the Keepa variables pointing at the mock, no pacing, a short timeout,
//! and the ingest job fired once at start.
//! Tests restart the runtime on one state directory; the harness shares compiled components
//! between all test runtimes.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::MockKeepa;
use crate::{RuntimeProcess, RuntimeProcessBuilder};

/// How long one ingest run may take on a loaded machine before a test gives up.
const RUN_LIMIT: Duration = Duration::from_secs(180);
/// How far from the next scheduled tick a run fired at start begins (see [`IngestApp::run_once`]).
const CLEAR_OF_TICK: Duration = Duration::from_secs(15);

pub struct IngestApp {
    variables: Vec<(String, String)>,
    state_dir: PathBuf,
}

/// Starts the runtime `builder` makes on `state_dir` (kept for restarts on the same database).
pub fn start_with_shared_cache(builder: impl Fn() -> RuntimeProcessBuilder, state_dir: &Path) -> RuntimeProcess {
    builder().state_dir(state_dir).start()
}

impl IngestApp {
    /// The app on `state_dir` (created if missing; reuse it to restart on the same database).
    pub fn new(keepa: &MockKeepa, state_dir: &Path) -> IngestApp {
        let variables = [("keepa_api_key", "test-key"), ("keepa_base_url", &keepa.url()), ("keepa_min_call_interval_ms", "0"), ("keepa_timeout_secs", "3")];
        IngestApp { variables: variables.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect(), state_dir: state_dir.to_path_buf() }
    }

    pub fn variable(mut self, name: &str, value: &str) -> IngestApp {
        self.variables.push((name.to_owned(), value.to_owned()));
        self
    }

    fn builder(&self) -> RuntimeProcessBuilder {
        let builder = RuntimeProcessBuilder::new("spin.toml").arg("--cron-at-start");
        self.variables.iter().fold(builder, |builder, (name, value)| builder.variable(name, value))
    }

    pub fn start(self) -> RuntimeProcess {
        start_with_shared_cache(|| self.builder(), &self.state_dir)
    }

    /// Starts, waits for the run fired at start to finish, returns its report.
    ///
    /// A scheduled tick right after that run would start another, whose report could replace the
    /// first before it is read (a failed run is followed by `backing_off`). So the run starts clear
    /// of the next tick, and the first new report seen is the one returned.
    pub fn run_once(self) -> (RuntimeProcess, Value) {
        let database = self.state_dir.join("sqlite_db.db");
        let previous = database.exists().then(|| rusqlite::Connection::open(&database).ok()).flatten().and_then(|db| read_last_run(&db));
        wait_until_clear_of_the_scheduled_tick();
        let app = self.start();
        let mut report = None;
        let finished = app.wait_until(RUN_LIMIT, || {
            report = last_run(&app).filter(|run| Some(run) != previous.as_ref());
            report.is_some()
        });
        assert!(finished, "no ingest run finished within {RUN_LIMIT:?}; runtime log:\n{}", app.log());
        (app, report.expect("a run report"))
    }
}

/// Sleeps past the next scheduled tick if it is less than [`CLEAR_OF_TICK`] away.
fn wait_until_clear_of_the_scheduled_tick() {
    let next_tick = ingest_schedule().upcoming(chrono::Utc).next().expect("ingest's schedule has a next tick");
    let to_tick = (next_tick - chrono::Utc::now()).to_std().unwrap_or_default();
    if to_tick < CLEAR_OF_TICK {
        std::thread::sleep(to_tick + Duration::from_secs(1));
    }
}

/// The `ingest` component's cron trigger in spin.toml.
fn ingest_schedule() -> cron::Schedule {
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(crate::repo_root().join("spin.toml")).expect("spin.toml")).expect("spin.toml is TOML");
    let triggers = manifest["trigger"]["cron"].as_array().expect("spin.toml has cron triggers");
    let ingest = triggers.iter().find(|trigger| trigger["component"].as_str() == Some("ingest")).expect("a cron trigger of the ingest component");
    ingest["cron_expression"].as_str().expect("a cron expression").parse().expect("a valid cron expression")
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
