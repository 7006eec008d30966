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
        Some("explain") if args.len() == 4 => explain(&args[2], &args[3])?,
        _ => bail!("usage: deals-bench seed DB COUNT | native DB QUERY ITERATIONS | explain DB QUERY"),
    }
    Ok(())
}

/// A connection with the runtime's planner setting (runtime/src/sqlite/pool.rs), so the native
/// figure is the same SQL work without WASM.
fn open_like_the_runtime(path: &str) -> Result<Connection> {
    let db = Connection::open(path)?;
    db.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(db)
}

/// Runs the statements of the deals component, reporting mean and p95.
fn native(path: &str, query: &str, iterations: usize) -> Result<()> {
    let db = open_like_the_runtime(path)?;
    let request = Params::parse(query).and_then(|params| params.listing()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let settings = bench_settings();
    let count = sql::count(&request.filters, &settings);
    let page = sql::page(&request, &settings);
    let mut times = Vec::with_capacity(iterations);
    let mut count_times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        // What /api/deals runs per request (its count comes from the key-value cache)…
        let started = Instant::now();
        run(&db, &page)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        // …and the count it caches, run when the data or the filters change.
        let started = Instant::now();
        run(&db, &count)?;
        count_times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    count_times.sort_by(f64::total_cmp);
    println!("native count (uncached) mean_ms={:.3}", count_times.iter().sum::<f64>() / count_times.len() as f64);
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!("native mean_ms={mean:.3} p95_ms={p95:.3} per_core_rps={:.0}", 1000.0 / mean);
    Ok(())
}

/// Prints each statement of QUERY with SQLite's plan and its time (for tuning indexes).
fn explain(path: &str, query: &str) -> Result<()> {
    let db = open_like_the_runtime(path)?;
    let request = Params::parse(query).and_then(|params| params.listing()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let settings = bench_settings();
    let statements = [sql::page(&request, &settings), sql::count(&request.filters, &settings)];
    for statement in statements {
        println!("{}\n  params {:?}", statement.sql, statement.params);
        let mut plan = db.prepare(&format!("EXPLAIN QUERY PLAN {}", statement.sql))?;
        let mut rows = plan.query(rusqlite::params_from_iter(values(&statement)))?;
        while let Some(row) = rows.next()? {
            println!("  plan: {}", row.get::<_, String>(3)?);
        }
        let started = Instant::now();
        for _ in 0..50 {
            run(&db, &statement)?;
        }
        println!("  {:.3} ms", started.elapsed().as_secs_f64() * 1000.0 / 50.0);
    }
    Ok(())
}

/// The statement's parameters as rusqlite values.
fn values(statement: &Statement) -> impl Iterator<Item = rusqlite::types::Value> + '_ {
    statement.params.iter().map(|param| match param {
        Param::Integer(v) => rusqlite::types::Value::Integer(*v),
        Param::Real(v) => rusqlite::types::Value::Real(*v),
        Param::Text(v) => rusqlite::types::Value::Text(v.clone()),
    })
}

/// Executes a statement and reads every value, as the host does for a guest.
fn run(db: &Connection, statement: &Statement) -> Result<usize> {
    let mut prepared = db.prepare_cached(&statement.sql)?;
    let columns = prepared.column_count();
    let mut rows = prepared.query(rusqlite::params_from_iter(values(statement)))?;
    let mut values = 0;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            let _: rusqlite::types::Value = row.get(i)?;
            values += 1;
        }
    }
    Ok(values)
}
