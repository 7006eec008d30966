//! The program behind `scripts/simulate-month` (issue #7: the database size after a month):
//! `simulate_month STATE_DIR [--deals N] [--churn-pct P] [--subscribers N] [--active-per-day N]
//! [--chat-messages N] [--advice-answers N]` on a migrated state directory runs the month of
//! `integration_tests::month` — real ingestion against the mock Keepa, a month of traffic, one run
//! of the real maintenance component — and prints the sizes of both SQLite files after each step.

use std::path::PathBuf;

use integration_tests::month::{self, ingest::IngestPlan, report, traffic::TrafficPlan};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let state_dir = PathBuf::from(args.first().filter(|arg| !arg.starts_with("--")).expect("usage: simulate_month STATE_DIR [--flag N]..."));
    let flag = |name: &str, default: i64| -> i64 {
        args.iter().position(|arg| arg == name).and_then(|at| args.get(at + 1)).map_or(default, |value| {
            value.parse().unwrap_or_else(|_| panic!("{name}: `{value}` is not a number"))
        })
    };
    let ingest = IngestPlan {
        deals: flag("--deals", 20_000) as usize,
        churn_pct: flag("--churn-pct", 30) as usize,
        churn_cycles: flag("--churn-cycles", 3) as usize,
        batch_books: flag("--batch-books", 5_000) as usize,
    };
    let defaults = TrafficPlan::default();
    let traffic = TrafficPlan {
        subscribers: flag("--subscribers", defaults.subscribers),
        active_per_day: flag("--active-per-day", defaults.active_per_day),
        chat_messages: flag("--chat-messages", defaults.chat_messages),
        advice_answers: flag("--advice-answers", defaults.advice_answers),
        ..defaults
    };
    println!("plan: {ingest:?}\nplan: {traffic:?}");
    let started = std::time::Instant::now();
    month::ingest::run(&state_dir, &ingest)?;
    println!("ingestion done after {:.0} s", started.elapsed().as_secs_f64());
    print!("{}", report::describe(&state_dir, "after ingestion")?);
    let written = month::traffic::write_state_dir(&state_dir, &traffic)?;
    println!("traffic written after {:.0} s: {written:?}", started.elapsed().as_secs_f64());
    print!("{}", report::describe(&state_dir, "after a month of traffic, before maintenance")?);
    let (outcome, took) = month::run_maintenance(&state_dir)?;
    println!("maintenance removed {outcome} (runtime start and run: {:.0} s)", took.as_secs_f64());
    print!("{}", report::describe(&state_dir, "after maintenance")?);
    for name in ["sqlite_db.db", "sqlite_key_value.db"] {
        let path = state_dir.join(name);
        let now = std::fs::metadata(&path)?.len() as f64;
        let vacuumed = report::vacuumed_size(&path)? as f64;
        println!("VACUUM {name}: {:.1} MiB → {:.1} MiB", now / 1048576.0, vacuumed / 1048576.0);
    }
    println!("total {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
