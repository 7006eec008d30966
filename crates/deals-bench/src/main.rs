//! `deals-bench seed DB COUNT` fills a migrated database with a reproducible catalogue;
//! `deals-bench native DB QUERY ITERATIONS` times the `/api/deals` SQL for QUERY (a query string,
//! default settings changed as in the benchmark) straight on rusqlite — the WASM-free baseline.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use deals_query::{Params, Param, Statement, sql};
use domain::fees::BusinessSettings;
use domain::money::Cents;
use rusqlite::Connection;

/// The benchmark user's non-default settings (also set through the API by scripts/bench-deals).
fn bench_settings() -> BusinessSettings {
    BusinessSettings { prep_fee: Cents(150), inbound_shipping: Cents(250), sales_tax_pct: 7.25, tax_exempt: false, markup_pct: 15.0 }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("seed") if args.len() == 4 => {
            let mut db = Connection::open(&args[2])?;
            db.busy_timeout(std::time::Duration::from_secs(10))?;
            let count: usize = args[3].parse().context("COUNT")?;
            deals_bench::insert(&mut db, &deals_bench::catalogue(count, 42))?;
            println!("seeded {count} deals");
        }
        Some("native") if args.len() == 5 => native(&args[2], &args[3], args[4].parse().context("ITERATIONS")?)?,
        _ => bail!("usage: deals-bench seed DB COUNT | deals-bench native DB QUERY ITERATIONS"),
    }
    Ok(())
}

/// Runs the page and count statements like the deals component, reporting mean and p95.
fn native(path: &str, query: &str, iterations: usize) -> Result<()> {
    let db = Connection::open(path)?;
    let request = Params::parse(query).and_then(|params| params.listing()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let settings = bench_settings();
    let statements = [sql::page(&request, &settings), sql::count(&request.filters, &settings)];
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        for statement in &statements {
            run(&db, statement)?;
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!("native mean_ms={mean:.3} p95_ms={p95:.3} per_core_rps={:.0}", 1000.0 / mean);
    Ok(())
}

/// Executes a statement and reads every value, as the host does for a guest.
fn run(db: &Connection, statement: &Statement) -> Result<usize> {
    let mut prepared = db.prepare_cached(&statement.sql)?;
    let params = statement.params.iter().map(|param| match param {
        Param::Integer(v) => rusqlite::types::Value::Integer(*v),
        Param::Real(v) => rusqlite::types::Value::Real(*v),
        Param::Text(v) => rusqlite::types::Value::Text(v.clone()),
    });
    let columns = prepared.column_count();
    let mut rows = prepared.query(rusqlite::params_from_iter(params))?;
    let mut values = 0;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            let _: rusqlite::types::Value = row.get(i)?;
            values += 1;
        }
    }
    Ok(values)
}
