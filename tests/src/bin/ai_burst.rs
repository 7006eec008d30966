//! The load generator of `scripts/bench-ai`: fires N `GET /api/ava-advice/<asin>?mentor=<key>`
//! requests at once (one thread each, released together), every one a different
//! (user, ASIN, mentor) so all are cache misses, and prints one line with the outcome:
//! `requests=… ok=… llm=… offline=… cache=… p50_ms=… p95_ms=… max_ms=… wall_ms=…`.
//!
//! Usage: `ai_burst BASE_URL STATE_DB COOKIES_FILE N [SKIP]` (one `name=value` session cookie per
//! line; ASINs are read from the `deals` table of STATE_DB). A second burst passes the first's N
//! as SKIP so that its requests are cache misses too.

use integration_tests::{HttpClient, Reply, burst};

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
    let requests = (skip..skip + count)
        .map(|i| {
            let client = HttpClient::new(base).with_header("cookie", &cookies[i % cookies.len()]);
            let path = format!("/api/ava-advice/{}?mentor={}", asins[(i / cookies.len()) % asins.len()], MENTORS[(i / cookies.len() / asins.len()) % 4]);
            (client, path)
        })
        .collect();
    let burst = burst::fire(requests, source);
    let counted = |label: &str| burst.counted(label);
    println!(
        "requests={} ok={} llm={} offline={} cache={} {}",
        burst.results.len(),
        counted("llm") + counted("offline") + counted("cache"),
        counted("llm"),
        counted("offline"),
        counted("cache"),
        burst.latencies()
    );
}

/// Where an answer came from (`llm`, `cache`, `offline`), or `http_<status>`.
fn source(reply: &Reply) -> String {
    if reply.status == 200 { reply.json()["source"].as_str().unwrap_or("?").to_string() } else { format!("http_{}", reply.status) }
}
