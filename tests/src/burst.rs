//! Bursts of concurrent requests for the benchmarks (`ai_burst`, `get_burst`): one thread per
//! request, all released together by a barrier, so that the runtime sees them arrive at once,
//! each on a connection of its own, as a crowd of separate users would arrive.

use crate::{HttpClient, Reply};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// What a burst's requests got: each one's latency and outcome label, fastest first.
pub struct Burst {
    pub results: Vec<(Duration, String)>,
    /// From the release to the last answer.
    pub wall: Duration,
}

/// Sends every (client, path) GET at once and labels each reply with `label`.
pub fn fire(requests: Vec<(HttpClient, String)>, label: fn(&Reply) -> String) -> Burst {
    let barrier = Arc::new(Barrier::new(requests.len() + 1));
    let threads: Vec<_> = requests
        .into_iter()
        .map(|(client, path)| {
            let barrier = barrier.clone();
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    barrier.wait();
                    let started = Instant::now();
                    let reply = client.get(&path);
                    (started, started.elapsed(), label(&reply))
                })
                .expect("spawn")
        })
        .collect();
    barrier.wait();
    let timed: Vec<(Instant, Duration, String)> = threads.into_iter().map(|t| t.join().expect("request thread")).collect();
    // From the first request's start to the last answer, as the request threads saw them: this
    // thread may get the core back only after many of them have run.
    let first_start = timed.iter().map(|(started, ..)| *started).min();
    let last_answer = timed.iter().map(|(started, latency, _)| *started + *latency).max();
    let wall = last_answer.zip(first_start).map_or(Duration::ZERO, |(last, first)| last - first);
    let mut results: Vec<(Duration, String)> = timed.into_iter().map(|(_, latency, label)| (latency, label)).collect();
    results.sort_by_key(|(latency, _)| *latency);
    Burst { results, wall }
}

impl Burst {
    /// How many replies got `label`.
    pub fn counted(&self, label: &str) -> usize {
        self.results.iter().filter(|(_, l)| l == label).count()
    }

    /// `p50_ms=… p95_ms=… max_ms=… wall_ms=…`
    pub fn latencies(&self) -> String {
        let percentile = |p: usize| self.results[(self.results.len() * p / 100).min(self.results.len() - 1)].0.as_millis();
        let max = self.results.last().map_or(0, |(latency, _)| latency.as_millis());
        format!("p50_ms={} p95_ms={} max_ms={max} wall_ms={}", percentile(50), percentile(95), self.wall.as_millis())
    }
}
