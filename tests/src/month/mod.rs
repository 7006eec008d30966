//! A simulated month of the app's data growth (issue #7, `scripts/simulate-month`): the real
//! ingestion against the mock Keepa builds and churns the catalogue ([`ingest`]), a generator
//! writes a month of user traffic in the formats the components write ([`traffic`]), the real
//! maintenance component runs once, and [`report`] measures both SQLite files before and after.
//! It exists so that CAPACITY.md's database size comes from the app's own code paths, not from a
//! back-of-the-envelope estimate.

pub mod ingest;
pub mod report;
pub mod traffic;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::RuntimeProcessBuilder;

/// Starts the runtime on `state_dir` with every cron component fired once (no Keepa key, so
/// ingestion does nothing), waits for the maintenance run to record its outcome, and returns it.
pub fn run_maintenance(state_dir: &Path) -> anyhow::Result<(serde_json::Value, Duration)> {
    let started_at = crate::mock_keepa::unix_now();
    let started = Instant::now();
    let app = RuntimeProcessBuilder::new("spin.toml").arg("--cron-at-start").state_dir(state_dir).start();
    let outcome = || -> Option<serde_json::Value> {
        let json: String = app.database().query_row("SELECT value FROM system_state WHERE key = 'maintenance'", [], |row| row.get(0)).ok()?;
        let value: serde_json::Value = serde_json::from_str(&json).ok()?;
        (value["ran_at"].as_i64()? >= started_at).then_some(value)
    };
    if !app.wait_until(Duration::from_secs(900), || outcome().is_some()) {
        anyhow::bail!("maintenance did not finish within 15 minutes; runtime log:\n{}", app.log());
    }
    let elapsed = started.elapsed();
    let result = outcome().expect("checked above");
    app.stop();
    Ok((result, elapsed))
}
