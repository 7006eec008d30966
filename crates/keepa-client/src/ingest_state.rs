//! What the ingest job keeps between runs in `system_state` (one JSON value per key), read back
//! by the job itself and by `/api/health`: the discovery checkpoint, the last run's report, the
//! current failure with its backoff, the last error, and when ingestion was last healthy.

use domain::time::UnixSeconds;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use spin_sdk::sqlite::{Connection, Value};

use crate::sql::DbError;

/// [`Discovery`].
pub const DISCOVERY: &str = "ingest.discovery";
/// [`RunReport`] of the last run.
pub const LAST_RUN: &str = "ingest.last_run";
/// [`Failure`], present only while Keepa is failing.
pub const FAILURE: &str = "ingest.failure";
/// [`Failure`] of the last error, kept after recovery.
pub const LAST_ERROR: &str = "ingest.last_error";
/// [`UnixSeconds`]: end of the last run that refreshed what it had to (the janitor's clock).
pub const LAST_HEALTHY_AT: &str = "ingest.last_healthy_at";

/// The deal-discovery cursor (DOMAIN §3.3 steps 4–7).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Discovery {
    /// Deals updated at or before this were handled by an earlier pass.
    pub watermark: Option<UnixSeconds>,
    /// The pass in progress, if a run stopped inside one.
    pub pass: Option<Pass>,
}

/// One walk over the `/deal` pages.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    /// Keepa's clock when the pass began; the next pass's watermark derives from it.
    pub started_at: UnixSeconds,
    /// The watermark this pass filters by (fixed for the whole pass).
    pub scan_from: UnixSeconds,
    /// Next page to fetch.
    pub page: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Every step done; the discovery pass may still continue next run.
    Completed,
    /// Out of Keepa tokens; resumes at `resume_after`.
    StoppedForTokens,
    /// The per-run cap of new deals was reached.
    StoppedAtCap,
    /// The run's time budget was used up.
    StoppedForTime,
    /// Keepa failed; see the failure and its backoff.
    Failed,
    /// Still backing off after a failure; no call made.
    BackingOff,
    /// No Keepa key configured; nothing to do.
    NotConfigured,
    /// Another run holds the lock.
    Busy,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub started_at: UnixSeconds,
    pub finished_at: UnixSeconds,
    pub outcome: RunOutcome,
    pub message: Option<String>,
    pub deals_added: u32,
    pub deals_updated: u32,
    pub deals_removed: u32,
    /// Candidates the peek or the analysis turned down.
    pub deals_rejected: u32,
    pub pages_scanned: u32,
    pub keepa_calls: u32,
    pub tokens_left: Option<f64>,
    pub resume_after: Option<UnixSeconds>,
    /// Pipeline questions sent to the AI provider (DOMAIN §6.2), answered from the cache, and
    /// left to the non-AI path because the budget, the run's cap or time, or the provider failed.
    #[serde(default)]
    pub ai_calls: u32,
    #[serde(default)]
    pub ai_cache_hits: u32,
    #[serde(default)]
    pub ai_unanswered: u32,
    /// Stored deals analysed again in full because their last analysis left an AI question
    /// unanswered (`*_quota`, `*_error`) and the provider could be asked this time.
    #[serde(default)]
    pub deals_reanalyzed: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: String,
    pub message: String,
    pub at: UnixSeconds,
    pub consecutive_failures: u32,
    pub next_attempt_at: UnixSeconds,
}

pub fn read<T: DeserializeOwned>(db: &Connection, key: &str) -> Result<Option<T>, DbError> {
    let result = db.execute("SELECT value FROM system_state WHERE key = ?", &[Value::Text(key.into())])?;
    Ok(result.rows().next().and_then(|row| serde_json::from_str(row.get::<&str>("value")?).ok()))
}

pub fn write<T: Serialize>(db: &Connection, key: &str, value: &T, now: UnixSeconds) -> Result<(), DbError> {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    db.execute(
        "INSERT INTO system_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[Value::Text(key.into()), Value::Text(json), Value::Integer(now.0)],
    )?;
    Ok(())
}

pub fn remove(db: &Connection, key: &str) -> Result<(), DbError> {
    db.execute("DELETE FROM system_state WHERE key = ?", &[Value::Text(key.into())])?;
    Ok(())
}
