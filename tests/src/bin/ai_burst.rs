//! The load generator of `scripts/bench-ai`: fires N `GET /api/ava-advice/<asin>?mentor=<key>`
//! requests at once (one thread each, released together), every one a different
//! (user, ASIN, mentor) so all are cache misses, and prints one line with the outcome:
//! `requests=… ok=… llm=… offline=… cache=… p50_ms=… p95_ms=… max_ms=… wall_ms=…`.
//!
//! Usage: `ai_burst BASE_URL STATE_DB COOKIES_FILE N [SKIP]` (one `name=value` session cookie per
//! line; ASINs are read from the `deals` table of STATE_DB). A second burst passes the first's N
//! as SKIP so that its requests are cache misses too.

use integration_tests::HttpClient;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const MENTORS: [&str; 4] = ["olyvia", "joel", "evelyn", "errol"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, db, cookies, count, skip) = match args.as_slice() {
        [_, base, db, cookies, count] => (base, db, cookies, count, "0"),
        [_, base, db, cookies, count, skip] => (base, db, cookies, count, skip.as_str()),
        _ => panic!("usage: ai_burst BASE_URL STATE_DB COOKIES_FILE N [SKIP]"),
    };
    let count: usize = count.parse().expect("N is a number");
    let skip: usize = skip.parse().expect("SKIP is a number");
    let cookies: Vec<String> = std::fs::read_to_string(cookies).expect("cookies file").lines().map(str::to_string).collect();
    let asins: Vec<String> = {
        let db = rusqlite::Connection::open(db).expect("state database");
        let mut statement = db.prepare("SELECT asin FROM deals ORDER BY id").expect("query");
        statement.query_map([], |row| row.get(0)).expect("rows").map(Result::unwrap).collect()
    };
    let combinations = cookies.len() * asins.len() * MENTORS.len();
    assert!(skip + count <= combinations, "only {combinations} distinct (user, asin, mentor) requests");
    let barrier = Arc::new(Barrier::new(count + 1));
    let threads: Vec<_> = (skip..skip + count)
        .map(|i| {
            let client = HttpClient::new(base).with_header("cookie", &cookies[i % cookies.len()]);
            let path = format!("/api/ava-advice/{}?mentor={}", asins[(i / cookies.len()) % asins.len()], MENTORS[(i / cookies.len() / asins.len()) % 4]);
            let barrier = barrier.clone();
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    barrier.wait();
                    let started = Instant::now();
                    let reply = client.get(&path);
                    let source = if reply.status == 200 { reply.json()["source"].as_str().unwrap_or("?").to_string() } else { format!("http_{}", reply.status) };
                    (started.elapsed(), source)
                })
                .expect("spawn")
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut results: Vec<(Duration, String)> = threads.into_iter().map(|t| t.join().expect("request thread")).collect();
    let wall = started.elapsed();
    results.sort_by_key(|(latency, _)| *latency);
    let percentile = |p: usize| results[(results.len() * p / 100).min(results.len() - 1)].0.as_millis();
    let counted = |source: &str| results.iter().filter(|(_, s)| s == source).count();
    println!(
        "requests={} ok={} llm={} offline={} cache={} p50_ms={} p95_ms={} max_ms={} wall_ms={}",
        results.len(),
        counted("llm") + counted("offline") + counted("cache"),
        counted("llm"),
        counted("offline"),
        counted("cache"),
        percentile(50),
        percentile(95),
        results.last().map_or(0, |(latency, _)| latency.as_millis()),
        wall.as_millis()
    );
}
