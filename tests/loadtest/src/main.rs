//! `loadtest` — the capacity plan's proposed load test, made executable.
//!
//! Each virtual user logs in once, then browses `/api/deals` (varying filters, sorts and pages) with
//! a think time of 5–10 s and asks a mentor for advice on one of the deals it saw every 60 s. At the
//! end it prints p50/p95/p99 per task, throughput and error rate, and exits non-zero when the plan's
//! success criteria fail: browsing p95 < 1 s, AI p95 < 10 s, no errors.
//!
//! Goose's own flags set the shape of the run: `--host URL`, `--users N`, `--increase-rate RATE`
//! (users started per second), `--run-time 10m`.

use clap::Parser;
use loadtest::scenario::{self, browse, log_in};
use loadtest::verdict;
use goose::config::GooseConfiguration;
use goose::prelude::*;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "loadtest", about = "Run the capacity plan's load test against a running app", long_about = None)]
struct Cli {
    /// Account every virtual user logs in with.
    #[arg(long, default_value = "loadtest")]
    username: String,
    /// Its password (or set LOADTEST_PASSWORD).
    #[arg(long, env = "LOADTEST_PASSWORD", hide_env_values = true)]
    password: String,
    /// Success criterion: browsing p95 below this many milliseconds.
    #[arg(long, default_value_t = 1000)]
    browse_p95_ms: u64,
    /// Success criterion: AI advice p95 below this many milliseconds.
    #[arg(long, default_value_t = 10_000)]
    ai_p95_ms: u64,
    /// Seconds between two advice requests of one user.
    #[arg(long, default_value_t = 60)]
    ai_interval_secs: u64,
    #[command(flatten)]
    goose: GooseConfiguration,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    scenario::configure(scenario::Settings {
        username: cli.username,
        password: cli.password,
        ai_interval: Duration::from_secs(cli.ai_interval_secs),
    });
    let browsing = scenario!("reseller")
        .set_wait_time(Duration::from_secs(5), Duration::from_secs(10))?
        .register_transaction(transaction!(log_in).set_on_start().set_name("log in"))
        .register_transaction(transaction!(browse).set_name("browse"));
    let metrics = GooseAttack::initialize_with_config(cli.goose)?
        .register_scenario(browsing)
        .set_default(GooseDefault::NoGzip, true)?
        // Keep the logins of the ramp-up in the figures: they are part of the plan.
        .set_default(GooseDefault::NoResetMetrics, true)?
        .execute()
        .await?;
    let criteria = verdict::Criteria {
        browse_p95: Duration::from_millis(cli.browse_p95_ms),
        ai_p95: Duration::from_millis(cli.ai_p95_ms),
    };
    let report = verdict::Report::from_metrics(&metrics);
    println!("{report}");
    let failures = report.failures(&criteria);
    if failures.is_empty() {
        println!("PASS: every success criterion holds");
        Ok(())
    } else {
        for failure in &failures {
            println!("FAIL: {failure}");
        }
        std::process::exit(1);
    }
}
