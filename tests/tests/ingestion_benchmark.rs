//! End-to-end ingestion benchmark (ignored by default; the figures go to BENCHMARKS.md):
//! the runtime ingests 1,000 books from the mock Keepa in one cron run, without pacing.
//!
//! `cargo test --release -p integration-tests --test ingestion_benchmark -- --ignored --nocapture`

use std::time::Instant;

use integration_tests::mock_keepa::{IngestApp, MockKeepa, MockKeepaOptions};
use tempfile::TempDir;

const BOOKS: usize = 1000;

/// The runtime's pid, found by its unique state directory on the command line.
fn runtime_pid(state_dir: &std::path::Path) -> Option<u32> {
    let needle = state_dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc").ok()?.filter_map(Result::ok).find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        (cmdline.contains("runtime") && cmdline.contains(&needle)).then_some(pid)
    })
}

/// Peak resident set size of a process in MiB (`VmHWM`).
fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[test]
#[ignore = "benchmark: run explicitly with --ignored"]
fn ingest_1000_products_end_to_end() {
    let keepa = MockKeepa::start(MockKeepaOptions { books: BOOKS, tokens: 10_000_000, refill_per_min: 100_000, ..MockKeepaOptions::default() });
    let state_dir = TempDir::new().unwrap();
    let started = Instant::now();
    let (app, report) = IngestApp::new(&keepa, state_dir.path())
        .variable("ingest_new_deal_cap", "5000")
        .variable("ingest_max_run_secs", "1200")
        .variable("keepa_timeout_secs", "60")
        .run_once();
    let wall = started.elapsed();
    assert_eq!(report["outcome"], "completed", "{report}");
    let handled = report["deals_added"].as_u64().unwrap() + report["deals_rejected"].as_u64().unwrap();
    assert_eq!(handled as usize, BOOKS, "{report}");
    // The runtime logs each cron run's duration in milliseconds.
    let log = app.log();
    let run_secs = log
        .lines()
        .find(|line| line.contains("component=ingest") && line.contains("duration_ms"))
        .and_then(|line| line.split("duration_ms=\"").nth(1)?.split('"').next()?.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .expect("the cron run's duration in the runtime log");
    let peak = runtime_pid(state_dir.path()).and_then(peak_rss_mib);
    let stored: i64 = app.database().query_row("SELECT COUNT(*) FROM deals", [], |row| row.get(0)).unwrap();
    println!(
        "ingested {BOOKS} products ({stored} deals stored, {} Keepa calls) in {run_secs:.2} s of cron run \
         ({:.1} products/s); {:.1} s wall including runtime start-up ({:.1} products/s); runtime peak RSS {} MiB",
        report["keepa_calls"],
        BOOKS as f64 / run_secs,
        wall.as_secs_f64(),
        BOOKS as f64 / wall.as_secs_f64(),
        peak.map_or("?".into(), |mib| format!("{mib:.0}")),
    );
}
