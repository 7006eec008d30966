//! The floor of `scripts/bench-ai` (`FLOOR=1`): fires N `GET PATH` requests at once, like
//! `ai_burst` but all to one path, so that a burst of requests that do (next to) nothing can be
//! set against a burst of AI cache misses. Prints `requests=… status_<code>=… p50_ms=… …`.
//!
//! Usage: `get_burst BASE_URL PATH N [COOKIE]` (COOKIE as `name=value`).

use integration_tests::{HttpClient, Reply, burst};
use std::collections::BTreeSet;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, path, count, cookie) = match args.as_slice() {
        [_, base, path, count] => (base, path, count, None),
        [_, base, path, count, cookie] => (base, path, count, Some(cookie)),
        _ => panic!("usage: get_burst BASE_URL PATH N [COOKIE]"),
    };
    let count: usize = count.parse().expect("N is a number");
    // A client each, as in ai_burst: no connection is shared.
    let client = || match cookie {
        Some(cookie) => HttpClient::new(base).with_header("cookie", cookie),
        None => HttpClient::new(base),
    };
    let burst = burst::fire((0..count).map(|_| (client(), path.clone())).collect(), status);
    let labels: BTreeSet<&String> = burst.results.iter().map(|(_, label)| label).collect();
    let statuses: Vec<String> = labels.iter().map(|label| format!("{label}={}", burst.counted(label))).collect();
    println!("requests={} {} {}", burst.results.len(), statuses.join(" "), burst.latencies());
}

fn status(reply: &Reply) -> String {
    format!("status_{}", reply.status)
}
