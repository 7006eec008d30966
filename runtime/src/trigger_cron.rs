//! The cron trigger, as the Spin cron plugin runs it: 6-field expressions (seconds first), a fresh
//! instance per tick calling `handle-cron-event`.
//!
//! Cron work runs on its own single-threaded executor in a thread with the lowest CPU priority
//! (nice 19, inherited by its blocking-pool threads), so a long ingestion run takes only the CPU
//! that HTTP requests leave over. Runs of one component never overlap: a job's next tick is computed
//! only after its previous run has ended, and ticks missed meanwhile are skipped.

use crate::app::{App, CronJob};
use crate::bindings::cron::fermyon::spin_cron::cron_types::{Error as CronError, Metadata};
use crate::engine::{self, InstanceState};
use crate::metrics;
use anyhow::Result;
use chrono::Utc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Settings of the cron trigger (flags of `runtime up`).
#[derive(Debug, Clone, Copy)]
pub struct CronOptions {
    /// Fire every job once right after start-up (demo data, tests), then follow the schedule.
    pub run_at_start: bool,
    pub run_timeout: Duration,
}

/// Starts the cron thread; it stops scheduling when `shutdown` becomes true and returns once
/// running jobs have finished.
pub fn start(app: Arc<App>, options: CronOptions, shutdown: watch::Receiver<bool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("cron".into())
        .spawn(move || {
            crate::background_priority::lower_current_thread("cron");
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .max_blocking_threads(4)
                .thread_name("cron-blocking")
                .build()
                .expect("building the cron executor");
            runtime.block_on(async move {
                let jobs: Vec<_> = app
                    .cron_jobs
                    .iter()
                    .map(|job| tokio::spawn(run_schedule(app.clone(), job.clone(), options, shutdown.clone())))
                    .collect();
                for job in jobs {
                    let _ = job.await;
                }
            });
        })
        .expect("spawning the cron thread")
}

async fn run_schedule(app: Arc<App>, job: Arc<CronJob>, options: CronOptions, mut shutdown: watch::Receiver<bool>) {
    let mut last_ok = false;
    if options.run_at_start {
        last_ok = run_once(&app, &job, Utc::now().timestamp(), options.run_timeout, last_ok).await;
    }
    loop {
        let Some(next) = job.schedule.upcoming(Utc).next() else {
            tracing::warn!(component = %job.context.id, expression = %job.expression, "cron schedule has no future time");
            return;
        };
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        last_ok = run_once(&app, &job, next.timestamp(), options.run_timeout, last_ok).await;
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Runs one tick and logs one line for it; returns whether it succeeded. Failures are logged as
/// warnings, never fatal to the schedule. A success is logged at info level unless the job's
/// previous run succeeded too (`last_ok`; false before the first run), then at debug level: a job
/// every few seconds would otherwise bury everything else in the log.
async fn run_once(app: &App, job: &CronJob, timestamp: i64, timeout: Duration, last_ok: bool) -> bool {
    let started = Instant::now();
    let outcome = invoke(app, job, timestamp, timeout).await;
    let ok = outcome.is_ok();
    metrics::record_cron_run(&job.context.id, ok, started.elapsed());
    let duration_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0);
    match outcome {
        Ok(()) if last_ok => {
            tracing::debug!(target: "cron", component = %job.context.id, duration_ms, outcome = "ok")
        }
        Ok(()) => tracing::info!(target: "cron", component = %job.context.id, duration_ms, outcome = "ok"),
        Err(error) => tracing::warn!(
            target: "cron",
            component = %job.context.id,
            duration_ms,
            outcome = "error",
            error = format!("{error:#}")
        ),
    }
    ok
}

async fn invoke(app: &App, job: &CronJob, timestamp: i64, timeout: Duration) -> Result<()> {
    let state = InstanceState::new(&job.context, &app.services)?;
    let mut store = engine::new_store(&app.engine, state, timeout);
    let work = async {
        let instance = job.pre.instantiate_async(&mut store).await?;
        let metadata = Metadata { timestamp: u64::try_from(timestamp).unwrap_or_default() };
        instance.call_handle_cron_event(&mut store, metadata).await
    };
    match tokio::time::timeout(timeout, work).await {
        Err(_) => anyhow::bail!("cron run exceeded its time limit of {timeout:?}"),
        Ok(Err(trap)) => Err(anyhow::Error::from(trap)),
        Ok(Ok(Err(CronError::Other(message)))) => anyhow::bail!("component reported: {message}"),
        Ok(Ok(Ok(()))) => Ok(()),
    }
}
