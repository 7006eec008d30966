//! One run from start to report: configuration and backoff checks, demo-row cleanup, token sync,
//! stale rescue, discovery, janitor, and the record of how it ended in `system_state`.

use std::time::Instant;

use domain::time::UnixSeconds;
use keepa_client::ingest_state::{self, Failure, RunOutcome, RunReport};
use keepa_client::{CallError, DbError, KeepaClient, KeepaFailure, KeepaSession, TokenBudget, now};
use spin_sdk::sqlite::Connection;
use sqlite_kit::transaction;

use crate::assistant::IngestAssistant;
use crate::config::{DataSource, IngestConfig};
use crate::{discovery, store, upkeep};

/// What the steps share during one run.
pub struct Context<'a> {
    pub db: &'a Connection,
    pub config: &'a IngestConfig,
    pub session: KeepaSession<'a>,
    pub report: RunReport,
    pub deadline: Instant,
    /// Answers the analysis's AI questions within the run's limits.
    pub assistant: IngestAssistant<'a>,
    /// The stale rescue finished: stored deals were kept alive, so the janitor may judge them.
    pub rescue_done: bool,
}

pub fn run(db: &Connection) -> Result<RunReport, DbError> {
    let started_at = now();
    let mut report = RunReport {
        started_at,
        finished_at: started_at,
        outcome: RunOutcome::Completed,
        message: None,
        deals_added: 0,
        deals_updated: 0,
        deals_removed: 0,
        deals_rejected: 0,
        pages_scanned: 0,
        keepa_calls: 0,
        tokens_left: None,
        resume_after: None,
        ai_calls: 0,
        ai_cache_hits: 0,
        ai_unanswered: 0,
        deals_reanalyzed: 0,
    };
    let config = match IngestConfig::from_variables() {
        Ok(config) if !config.api_key.trim().is_empty() => config,
        Ok(_) => return finish(db, report, RunOutcome::NotConfigured, Some("no Keepa API key: set the keepa_api_key variable".into())),
        Err(message) => return finish(db, report, RunOutcome::NotConfigured, Some(message)),
    };
    let previous_failure: Option<Failure> = ingest_state::read(db, ingest_state::FAILURE)?;
    if let Some(failure) = previous_failure.as_ref().filter(|failure| started_at < failure.next_attempt_at) {
        report.resume_after = Some(failure.next_attempt_at);
        return finish(db, report, RunOutcome::BackingOff, Some(failure.message.clone()));
    }
    if config.source == DataSource::Keepa {
        report.deals_removed += transaction(db, |db| store::delete_deals(db, "source = 'demo'", &[]))?;
    }
    let client = match KeepaClient::new(&config.base_url, &config.api_key, config.timeout) {
        Ok(client) => client,
        Err(message) => return finish(db, report, RunOutcome::NotConfigured, Some(message)),
    };
    let budget = TokenBudget::load(db, config.analysis.ingest.tokens.clone(), started_at)?;
    let deadline = Instant::now() + config.max_run_time;
    let mut cx = Context {
        db,
        config: &config,
        session: KeepaSession::new(client, budget, db, config.min_call_interval),
        report,
        deadline,
        assistant: IngestAssistant::new(db, config.ai, deadline),
        rescue_done: false,
    };
    let result = steps(&mut cx);
    let at = now();
    let (outcome, message) = match result {
        Ok(outcome) => (outcome, None),
        Err(CallError::Tokens(stop)) => {
            cx.report.resume_after = stop.resume_after;
            (RunOutcome::StoppedForTokens, Some(CallError::Tokens(stop).to_string()))
        }
        Err(CallError::Keepa(failure)) => {
            let consecutive = previous_failure.as_ref().map_or(0, |previous| previous.consecutive_failures) + 1;
            record_failure(db, &config, &failure, consecutive, at)?;
            (RunOutcome::Failed, Some(failure.to_string()))
        }
        Err(CallError::Db(error)) => return Err(error),
    };
    if outcome != RunOutcome::Failed {
        ingest_state::remove(db, ingest_state::FAILURE)?;
        if cx.rescue_done {
            ingest_state::write(db, ingest_state::LAST_HEALTHY_AT, &at, at)?;
            cx.report.deals_removed += upkeep::janitor(db, &config, at)?;
        }
    }
    cx.report.tokens_left = Some(cx.session.budget().tokens_left(at));
    cx.report.keepa_calls = cx.session.calls();
    (cx.report.ai_calls, cx.report.ai_cache_hits, cx.report.ai_unanswered) = cx.assistant.counts();
    let report = cx.report;
    finish(db, report, outcome, message)
}

/// Token sync, stale rescue, discovery.
fn steps(cx: &mut Context) -> Result<RunOutcome, CallError> {
    cx.session.sync()?;
    upkeep::stale_rescue(cx)?;
    cx.rescue_done = true;
    discovery::discover(cx)
}

/// The failure with its backoff (exponential with jitter, never before Keepa's own refill hint).
fn record_failure(db: &Connection, config: &IngestConfig, failure: &KeepaFailure, consecutive: u32, at: UnixSeconds) -> Result<(), DbError> {
    let backoff = config.analysis.ingest.backoff.retry_after(at, consecutive, at.0 as u64);
    let next_attempt_at = failure.retry_not_before(at).map_or(backoff, |hint| hint.max(backoff));
    let record = Failure {
        kind: failure.kind().into(),
        message: failure.to_string(),
        at,
        consecutive_failures: consecutive,
        next_attempt_at,
    };
    ingest_state::write(db, ingest_state::FAILURE, &record, at)?;
    ingest_state::write(db, ingest_state::LAST_ERROR, &record, at)
}

fn finish(db: &Connection, mut report: RunReport, outcome: RunOutcome, message: Option<String>) -> Result<RunReport, DbError> {
    report.finished_at = now();
    report.outcome = outcome;
    report.message = message;
    ingest_state::write(db, ingest_state::LAST_RUN, &report, report.finished_at)?;
    Ok(report)
}
