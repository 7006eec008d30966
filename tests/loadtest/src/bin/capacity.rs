//! `capacity` — runs the load test at increasing user counts in one goose run (users ramp up to
//! each step, then hold), measures every hold window from the client side, and writes CAPACITY.md:
//! users held per core, p95s per step, RSS, and the subscriber tiers recomputed from the result.
//!
//! One run rather than one per step because every virtual user logs in once: restarting would
//! make each step pay for all its logins again, which measures login storms, not capacity.

use clap::Parser;
use goose::prelude::*;
use loadtest::samples::{self, WindowFigures};
use loadtest::scenario::{self, ADVICE, BROWSE, browse, log_in};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "capacity", about = "Find how many users one core holds within the plan's criteria", long_about = None)]
struct Cli {
    /// The app under test.
    #[arg(long)]
    host: String,
    /// Account every virtual user logs in with; password from LOADTEST_PASSWORD.
    #[arg(long, default_value = "loadtest")]
    username: String,
    #[arg(long, env = "LOADTEST_PASSWORD", hide_env_values = true)]
    password: String,
    /// User counts to hold, ascending.
    #[arg(long, value_delimiter = ',', default_value = "10,250,500,1000,1500,2000")]
    steps: Vec<usize>,
    /// Users started per second while ramping to the next step.
    #[arg(long, default_value_t = 6)]
    increase_rate: usize,
    /// How long each step is held and measured.
    #[arg(long, default_value_t = 60)]
    hold_secs: u64,
    /// The runtime's process id, for its memory figures.
    #[arg(long)]
    runtime_pid: u32,
    /// Where to write the report.
    #[arg(long, default_value = "CAPACITY.md")]
    out: PathBuf,
    /// A line describing the set-up, copied into the report.
    #[arg(long, default_value = "")]
    setup: String,
}

/// One held step and what was measured in it.
struct StepResult {
    users: usize,
    browse: WindowFigures,
    advice: WindowFigures,
    rss_mb: u64,
}

impl StepResult {
    fn passes(&self) -> bool {
        self.browse.requests > 0
            && self.browse.p95 < Duration::from_secs(1)
            && (self.advice.requests == 0 || self.advice.p95 < Duration::from_secs(10))
            && self.browse.failures + self.advice.failures == 0
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    scenario::configure(scenario::Settings {
        username: cli.username.clone(),
        password: cli.password.clone(),
        ai_interval: Duration::from_secs(60),
    });
    let (plan, windows) = test_plan(&cli.steps, cli.increase_rate, cli.hold_secs);
    let attack = GooseAttack::initialize_with_config(Default::default())?
        .register_scenario(
            scenario!("reseller")
                .set_wait_time(Duration::from_secs(5), Duration::from_secs(10))?
                .register_transaction(transaction!(log_in).set_on_start().set_name("log in"))
                .register_transaction(transaction!(browse).set_name("browse")),
        )
        .set_default(GooseDefault::Host, cli.host.as_str())?
        .set_default(GooseDefault::TestPlan, plan.as_str())?
        .set_default(GooseDefault::NoGzip, true)?
        .set_default(GooseDefault::NoPrintMetrics, true)?;
    let started = Instant::now();
    let sampler = tokio::spawn(measure_windows(started, windows, cli.runtime_pid));
    attack.execute().await?;
    let results = sampler.await?;
    let peak_rss_mb = proc_status_mb(cli.runtime_pid, "VmHWM:");
    let report = render(&cli, &results, peak_rss_mb);
    let kept = std::fs::read_to_string(&cli.out).map(|old| measured_elsewhere(&old).to_string()).unwrap_or_default();
    std::fs::write(&cli.out, format!("{report}{kept}"))?;
    println!("{report}");
    Ok(())
}

/// The part of an earlier report that another tool measured — `scripts/simulate-month`'s
/// "Data growth" section to the end — which a new capacity run keeps.
fn measured_elsewhere(report: &str) -> &str {
    report.find("\n## Data growth").map_or("", |at| &report[at..])
}

/// Goose's test plan ("users,time;…") and each hold window as (users, start, end) from the start.
fn test_plan(steps: &[usize], rate: usize, hold_secs: u64) -> (String, Vec<(usize, Duration, Duration)>) {
    let mut plan = Vec::new();
    let mut windows = Vec::new();
    let (mut users, mut elapsed) = (0usize, 0u64);
    for &target in steps {
        let ramp = (target.saturating_sub(users)).div_ceil(rate.max(1)).max(1) as u64;
        plan.push(format!("{target},{ramp}s"));
        plan.push(format!("{target},{hold_secs}s"));
        elapsed += ramp;
        // Leave the first 10 s of a hold out: the last users' logins are still settling.
        let settle = 10.min(hold_secs / 3);
        windows.push((target, Duration::from_secs(elapsed + settle), Duration::from_secs(elapsed + hold_secs)));
        elapsed += hold_secs;
        users = target;
    }
    plan.push("0,5s".to_string());
    (plan.join(";"), windows)
}

async fn measure_windows(started: Instant, windows: Vec<(usize, Duration, Duration)>, pid: u32) -> Vec<StepResult> {
    let mut results = Vec::new();
    for (users, from, to) in windows {
        tokio::time::sleep_until((started + to).into()).await;
        let window = samples::between(started + from, started + to);
        results.push(StepResult {
            users,
            browse: samples::figures(&window, BROWSE),
            advice: samples::figures(&window, ADVICE),
            rss_mb: proc_status_mb(pid, "VmRSS:"),
        });
    }
    results
}

fn proc_status_mb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|line| line.starts_with(key))?.to_string();
            line[key.len()..].split_whitespace().next()?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
}

/// Monthly price of one VPS of each size, US dollars (list prices of common $6-class providers).
const TIERS: [(&str, u32, u32, u32); 4] = [
    ("Starter", 1, 1, 6),
    ("Growth", 2, 2, 18),
    ("Pro", 4, 8, 48),
    ("Scale", 8, 16, 96),
];
/// The seeds' ratio of concurrently active users to subscribers.
const CONCURRENT_SHARE: f64 = 0.05;

fn ms(duration: Duration) -> String {
    format!("{:.0}", duration.as_secs_f64() * 1000.0)
}

fn render(cli: &Cli, results: &[StepResult], peak_rss_mb: u64) -> String {
    let held = results.iter().take_while(|r| r.passes()).last().map_or(0, |r| r.users);
    let mut text = String::new();
    let _ = writeln!(text, "# Capacity\n");
    let _ = writeln!(
        text,
        "Measured by `scripts/capacity` on one pinned core (`taskset -c 0`); the load generator and the mocks run \
         on the other core. Scenario: the capacity plan's load test (each user logs in once, browses `/api/deals` \
         every 5–10 s, asks for AI advice every 60 s; mock LLM answering in 5 s; ingestion running against the \
         mock Keepa). Success: browsing p95 < 1 s, AI p95 < 10 s, no errors. Each step ramps at {} users/s and \
         is measured over its hold ({} s, the first 10 s excluded).\n",
        cli.increase_rate, cli.hold_secs
    );
    if !cli.setup.is_empty() {
        let _ = writeln!(text, "{}\n", cli.setup);
    }
    let bound = if results.last().is_some_and(StepResult::passes) { "at least " } else { "" };
    let _ = writeln!(text, "**Users held on one core: {bound}{held}** (peak runtime RSS {peak_rss_mb} MB).\n");
    let _ = writeln!(text, "| users | browse req | browse p50 ms | browse p95 ms | browse p99 ms | AI req | AI p95 ms | errors | RSS MB | verdict |");
    let _ = writeln!(text, "|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.users,
            r.browse.requests,
            ms(r.browse.p50),
            ms(r.browse.p95),
            ms(r.browse.p99),
            r.advice.requests,
            ms(r.advice.p95),
            r.browse.failures + r.advice.failures,
            r.rss_mb,
            if r.passes() { "pass" } else { "FAIL" }
        );
    }
    let _ = writeln!(text, "\n## Tiers recomputed from this measurement\n");
    let _ = writeln!(
        text,
        "Subscribers per tier = users held per core × cores ÷ {:.0} % concurrently active (the seeds' ratio). \
         One core holds one `spin up`; tiers beyond one core run one instance per core behind the proxy with the \
         shared libSQL and Redis stores of `deploy/runtime-config.scale-out.toml` (see docs/DEPLOY.md), so \
         they assume linear scaling, which this single-core run does not itself prove.\n",
        CONCURRENT_SHARE * 100.0
    );
    let _ = writeln!(text, "| tier | vCPU | RAM GB | concurrent users | subscribers | $/month | $/subscriber/month |");
    let _ = writeln!(text, "|---|---|---|---|---|---|---|");
    for (name, cores, ram, price) in TIERS {
        let concurrent = held * cores as usize;
        let subscribers = (concurrent as f64 / CONCURRENT_SHARE).round() as u64;
        let per_subscriber = if subscribers == 0 { 0.0 } else { price as f64 / subscribers as f64 };
        let _ = writeln!(text, "| {name} | {cores} | {ram} | {concurrent} | {subscribers} | {price} | {per_subscriber:.4} |");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::measured_elsewhere;

    #[test]
    fn a_new_report_keeps_the_data_growth_section_only() {
        let old = "# Capacity\n\n| users |\n\n## Notes\n\nold notes\n\n## Data growth\n\n2 GB\n";
        assert_eq!(measured_elsewhere(old), "\n## Data growth\n\n2 GB\n");
        assert_eq!(measured_elsewhere("# Capacity\n"), "");
    }
}
