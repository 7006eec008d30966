//! A closed-loop browsing client for `LOOP=1 scripts/bench-ai`: CONNECTIONS keep-alive
//! connections, each sending `GET PATH` again as soon as the previous answer is in, for SECONDS.
//!
//! It exists to show what wrk's numbers mean. wrk corrects its latencies for coordinated
//! omission: a request that took longer than twice a connection's mean interval between requests
//! also stands for the requests that connection would have sent meanwhile, so at a 16 ms interval
//! a stall of 300 ms on one connection counts as 18 slow requests, not one. This client prints
//! both views of the same requests: as measured, and with wrk's correction applied.
//!
//! Usage: `deals_loop BASE_URL PATH COOKIE CONNECTIONS SECONDS [SLOW_MS]` prints
//! `requests=… requests_per_sec=… p50_ms=… p95_ms=… [slower_than_…ms=…%] corrected_p95_ms=…
//! [corrected_slower_than_…ms=…%]`.

use integration_tests::HttpClient;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, path, cookie, connections, seconds, rest @ ..] = args.as_slice() else {
        panic!("usage: deals_loop BASE_URL PATH COOKIE CONNECTIONS SECONDS [SLOW_MS]");
    };
    let connections: usize = connections.parse().expect("CONNECTIONS is a number");
    let duration = Duration::from_secs_f64(seconds.parse().expect("SECONDS is a number"));
    let slow_ms: Option<f64> = rest.first().map(|ms| ms.parse().expect("SLOW_MS is a number"));
    let started = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let client = HttpClient::new(base).with_header("cookie", cookie);
            let path = path.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                while started.elapsed() < duration {
                    let sent = Instant::now();
                    let reply = client.get(&path);
                    assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                }
                latencies
            })
        })
        .collect();
    let mut measured: Vec<f64> = threads.into_iter().flat_map(|t| t.join().expect("client thread")).collect();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut corrected = with_wrk_correction(&measured, elapsed_ms * connections as f64 / measured.len() as f64);
    measured.sort_by(f64::total_cmp);
    corrected.sort_by(f64::total_cmp);
    let mut line = format!(
        "requests={} requests_per_sec={:.0} p50_ms={:.2} p95_ms={:.2}",
        measured.len(),
        measured.len() as f64 * 1000.0 / elapsed_ms,
        percentile(&measured, 50.0),
        percentile(&measured, 95.0)
    );
    if let Some(slow_ms) = slow_ms {
        line += &format!(" slower_than_{slow_ms:.1}ms={:.1}%", share_above(&measured, slow_ms));
    }
    line += &format!(" corrected_p95_ms={:.2}", percentile(&corrected, 95.0));
    if let Some(slow_ms) = slow_ms {
        line += &format!(" corrected_slower_than_{slow_ms:.1}ms={:.1}%", share_above(&corrected, slow_ms));
    }
    println!("{line}");
}

/// wrk's `stats_correct`: every latency of at least twice a connection's mean interval between
/// requests adds the latencies the requests it held up would have had (`latency - k * interval`,
/// down to the interval).
fn with_wrk_correction(latencies: &[f64], interval_ms: f64) -> Vec<f64> {
    let mut corrected = latencies.to_vec();
    for &latency in latencies {
        let mut held_up = latency - interval_ms;
        while held_up >= interval_ms {
            corrected.push(held_up);
            held_up -= interval_ms;
        }
    }
    corrected
}

fn percentile(sorted: &[f64], percent: f64) -> f64 {
    sorted[((sorted.len() as f64 * percent / 100.0) as usize).min(sorted.len() - 1)]
}

fn share_above(values: &[f64], limit: f64) -> f64 {
    values.iter().filter(|&&v| v > limit).count() as f64 * 100.0 / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_stands_for_the_requests_its_connection_could_have_sent() {
        let corrected = with_wrk_correction(&[300.0, 20.0, 10.0], 16.0);
        // 300 ms at a 16 ms interval: 284, 268, … down to 28 (none shorter than the interval),
        // so the stall counts 18 times in all.
        let added: Vec<f64> = corrected[3..].to_vec();
        assert_eq!(added.len(), 17);
        assert_eq!(added.first(), Some(&284.0));
        assert_eq!(added.last(), Some(&28.0));
        // Shorter than two intervals: counted once, as measured.
        assert_eq!(with_wrk_correction(&[31.0, 5.0], 16.0), vec![31.0, 5.0]);
    }

    #[test]
    fn percentiles_and_shares_read_sorted_latencies() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 95.0), 96.0);
        assert_eq!(percentile(&sorted, 50.0), 51.0);
        assert_eq!(share_above(&sorted, 90.0), 10.0);
    }
}
