//! The `ingestion` object of `/api/health`: when the Keepa job last ran and how it ended, how
//! many deals a user can see, the token balance, and the current or last error with the time of
//! the next attempt — enough to tell fresh data from a stalled feed without reading logs.
//! `stalled` turns into the `ingestion_stalled` alert of the report.

use deals_query::Filters;
use domain::fees::BusinessSettings;
use domain::ingest::TokenPolicy;
use domain::time::UnixSeconds;
use keepa_client::ingest_state::{self, Discovery, Failure, RunReport};
use keepa_client::{DbError, TokenBudget, now};
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};

/// Without a healthy run for this long (three 5-minute schedules) the feed counts as stalled.
const STALLED_AFTER_SECS: i64 = 15 * 60;

#[derive(Serialize)]
pub struct IngestionHealth {
    last_run_at: Option<UnixSeconds>,
    last_run: Option<RunReport>,
    /// Deals passing the always-applied completeness rules of DOMAIN §5.1 (List at, one-year
    /// average, buy price, profit > 0) under the default business settings.
    deals_total: i64,
    rows_total: i64,
    /// Rows kept but hidden because List at, the one-year average or the buy price is unknown.
    incomplete_rows: i64,
    demo_rows: i64,
    tokens_left: Option<f64>,
    /// `true` while Keepa calls fail; `next_attempt_at` says when the job tries again.
    failing: bool,
    next_attempt_at: Option<UnixSeconds>,
    last_error: Option<Failure>,
    last_healthy_at: Option<UnixSeconds>,
    /// Seconds since the last healthy run.
    lag_secs: Option<i64>,
    /// No healthy run for 15 minutes, or runs that never succeeded.
    pub stalled: bool,
    watermark: Option<UnixSeconds>,
}

pub fn report(db: &Connection) -> Result<IngestionHealth, DbError> {
    let last_run: Option<RunReport> = ingest_state::read(db, ingest_state::LAST_RUN)?;
    let failure: Option<Failure> = ingest_state::read(db, ingest_state::FAILURE)?;
    let discovery: Option<Discovery> = ingest_state::read(db, ingest_state::DISCOVERY)?;
    let synced = db.execute("SELECT 1 FROM keepa_token_state", &[])?.rows().next().is_some();
    let tokens_left = if synced { Some(TokenBudget::load(db, TokenPolicy::default(), now())?.tokens_left(now()).round()) } else { None };
    let last_healthy_at: Option<UnixSeconds> = ingest_state::read(db, ingest_state::LAST_HEALTHY_AT)?;
    let lag_secs = last_healthy_at.map(|at| now().0 - at.0);
    let stalled = match lag_secs {
        Some(lag) => lag > STALLED_AFTER_SECS,
        None => last_run.is_some(),
    };
    Ok(IngestionHealth {
        last_run_at: last_run.as_ref().map(|run| run.started_at),
        last_run,
        deals_total: visible_deals(db)?,
        rows_total: count(db, "SELECT COUNT(*) FROM deals", &[])?,
        incomplete_rows: count(db, "SELECT COUNT(*) FROM deals WHERE NOT complete", &[])?,
        demo_rows: count(db, "SELECT COUNT(*) FROM deals WHERE source = 'demo'", &[])?,
        tokens_left,
        failing: failure.is_some(),
        next_attempt_at: failure.map(|failure| failure.next_attempt_at),
        last_error: ingest_state::read(db, ingest_state::LAST_ERROR)?,
        last_healthy_at,
        lag_secs,
        stalled,
        watermark: discovery.and_then(|discovery| discovery.watermark),
    })
}

/// What `/api/deal-count` answers without filters under the default settings.
fn visible_deals(db: &Connection) -> Result<i64, DbError> {
    let statement = deals_query::sql::count(&Filters::default(), &BusinessSettings::default());
    let result = deals_query::spin::execute(db, &statement).map_err(DbError::Io)?;
    Ok(result.rows.first().and_then(|row| row.get::<i64>(0)).unwrap_or(0))
}

fn count(db: &Connection, sql: &str, params: &[Value]) -> Result<i64, DbError> {
    Ok(db.execute(sql, params)?.rows.first().and_then(|row| row.get::<i64>(0)).unwrap_or(0))
}
