//! Every request's outcome with its time, so a run with several steps (the capacity report) can
//! compute exact client-side percentiles for each step's window, ramp-ups excluded.

use goose::metrics::GooseRequestMetric;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One finished request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub finished_at: Instant,
    pub task: &'static str,
    pub latency: Duration,
    pub ok: bool,
}

static SAMPLES: Mutex<Vec<Sample>> = Mutex::new(Vec::new());

/// Records the outcome of a request goose just made.
pub fn record(task: &'static str, metric: &GooseRequestMetric) {
    let sample = Sample {
        finished_at: Instant::now(),
        task,
        latency: Duration::from_millis(metric.response_time),
        ok: metric.success,
    };
    SAMPLES.lock().expect("samples lock").push(sample);
}

/// The samples of requests that finished within `[from, to)`.
pub fn between(from: Instant, to: Instant) -> Vec<Sample> {
    SAMPLES
        .lock()
        .expect("samples lock")
        .iter()
        .filter(|s| s.finished_at >= from && s.finished_at < to)
        .copied()
        .collect()
}

/// Figures of one task within a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WindowFigures {
    pub requests: usize,
    pub failures: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// Nearest-rank percentiles and failure count of `task` among `samples`.
pub fn figures(samples: &[Sample], task: &str) -> WindowFigures {
    let mut latencies: Vec<Duration> = samples.iter().filter(|s| s.task == task).map(|s| s.latency).collect();
    latencies.sort();
    let rank = |percent: usize| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = (latencies.len() * percent).div_ceil(100).saturating_sub(1);
        latencies[index.min(latencies.len() - 1)]
    };
    WindowFigures {
        requests: latencies.len(),
        failures: samples.iter().filter(|s| s.task == task && !s.ok).count(),
        p50: rank(50),
        p95: rank(95),
        p99: rank(99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(task: &'static str, ms: u64, ok: bool) -> Sample {
        Sample { finished_at: Instant::now(), task, latency: Duration::from_millis(ms), ok }
    }

    #[test]
    fn nearest_rank_percentiles_per_task() {
        let mut samples: Vec<Sample> = (1..=100).map(|ms| sample("browse", ms, true)).collect();
        samples.push(sample("advice", 5000, false));
        let browse = figures(&samples, "browse");
        assert_eq!(browse.requests, 100);
        assert_eq!(browse.p50, Duration::from_millis(50));
        assert_eq!(browse.p95, Duration::from_millis(95));
        assert_eq!(browse.p99, Duration::from_millis(99));
        assert_eq!(browse.failures, 0);
        let advice = figures(&samples, "advice");
        assert_eq!((advice.requests, advice.failures, advice.p95), (1, 1, Duration::from_millis(5000)));
        assert_eq!(figures(&samples, "none"), WindowFigures::default());
    }
}
