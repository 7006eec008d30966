//! Turning goose's metrics into the plan's report and its pass/fail verdict.

use crate::scenario::{ADVICE, BROWSE, LOGIN};
use goose::metrics::GooseMetrics;
use std::fmt;
use std::time::Duration;

/// The plan's success criteria.
pub struct Criteria {
    pub browse_p95: Duration,
    pub ai_p95: Duration,
}

/// Latency and outcome of one kind of request.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFigures {
    pub name: &'static str,
    pub requests: usize,
    pub failures: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub duration: Duration,
    pub users: usize,
    pub tasks: Vec<TaskFigures>,
}

impl Report {
    pub fn from_metrics(metrics: &GooseMetrics) -> Self {
        let tasks = [LOGIN, BROWSE, ADVICE]
            .into_iter()
            .map(|name| {
                let matching: Vec<_> = metrics.requests.values().filter(|r| r.path == name).collect();
                let timing = |percent: f32| {
                    matching
                        .iter()
                        .map(|r| Duration::from_micros(r.raw_data.percentile_us(percent)))
                        .max()
                        .unwrap_or_default()
                };
                TaskFigures {
                    name,
                    requests: matching.iter().map(|r| r.success_count + r.fail_count).sum(),
                    failures: matching.iter().map(|r| r.fail_count).sum(),
                    p50: timing(0.50),
                    p95: timing(0.95),
                    p99: timing(0.99),
                }
            })
            .collect();
        Self { duration: Duration::from_secs(metrics.duration as u64), users: metrics.maximum_users, tasks }
    }

    fn task(&self, name: &str) -> Option<&TaskFigures> {
        self.tasks.iter().find(|t| t.name == name)
    }

    fn total_requests(&self) -> usize {
        self.tasks.iter().map(|t| t.requests).sum()
    }

    fn total_failures(&self) -> usize {
        self.tasks.iter().map(|t| t.failures).sum()
    }

    /// Every criterion that does not hold, as a sentence.
    pub fn failures(&self, criteria: &Criteria) -> Vec<String> {
        let mut failures = Vec::new();
        match self.task(BROWSE) {
            Some(browse) if browse.requests > 0 && browse.p95 >= criteria.browse_p95 => failures.push(format!(
                "browsing p95 {:?} is not below {:?}",
                browse.p95, criteria.browse_p95
            )),
            Some(browse) if browse.requests > 0 => {}
            _ => failures.push("no browsing request was made".to_string()),
        }
        if let Some(advice) = self.task(ADVICE)
            && advice.requests > 0
            && advice.p95 >= criteria.ai_p95
        {
            failures.push(format!("AI p95 {:?} is not below {:?}", advice.p95, criteria.ai_p95));
        }
        if self.total_failures() > 0 {
            failures.push(format!("{} of {} requests failed", self.total_failures(), self.total_requests()));
        }
        failures
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.duration.as_secs_f64().max(1.0);
        writeln!(f, "users {}  duration {:.0} s", self.users, seconds)?;
        writeln!(f, "{:<22} {:>9} {:>8} {:>10} {:>10} {:>10}", "task", "requests", "errors", "p50 ms", "p95 ms", "p99 ms")?;
        for task in &self.tasks {
            writeln!(
                f,
                "{:<22} {:>9} {:>8} {:>10.0} {:>10.0} {:>10.0}",
                task.name,
                task.requests,
                task.failures,
                task.p50.as_secs_f64() * 1000.0,
                task.p95.as_secs_f64() * 1000.0,
                task.p99.as_secs_f64() * 1000.0
            )?;
        }
        let requests = self.total_requests();
        let error_rate = if requests == 0 { 0.0 } else { 100.0 * self.total_failures() as f64 / requests as f64 };
        write!(f, "throughput {:.1} req/s  error rate {:.2} %", requests as f64 / seconds, error_rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(name: &'static str, requests: usize, failures: usize, p95_ms: u64) -> TaskFigures {
        let p95 = Duration::from_millis(p95_ms);
        TaskFigures { name, requests, failures, p50: p95 / 2, p95, p99: p95 * 2 }
    }

    fn criteria() -> Criteria {
        Criteria { browse_p95: Duration::from_secs(1), ai_p95: Duration::from_secs(10) }
    }

    fn report(tasks: Vec<TaskFigures>) -> Report {
        Report { duration: Duration::from_secs(60), users: 10, tasks }
    }

    #[test]
    fn a_run_within_the_plan_passes() {
        let run = report(vec![task(LOGIN, 10, 0, 200), task(BROWSE, 100, 0, 400), task(ADVICE, 10, 0, 5200)]);
        assert!(run.failures(&criteria()).is_empty());
    }

    #[test]
    fn slow_browsing_slow_ai_and_errors_each_fail() {
        let run = report(vec![task(LOGIN, 10, 1, 200), task(BROWSE, 100, 0, 1000), task(ADVICE, 10, 0, 10_500)]);
        let failures = run.failures(&criteria());
        assert_eq!(failures.len(), 3, "{failures:?}");
        assert!(failures[0].contains("browsing p95"));
        assert!(failures[1].contains("AI p95"));
        assert!(failures[2].contains("1 of 120 requests failed"));
    }

    #[test]
    fn a_run_that_never_browsed_fails() {
        let run = report(vec![task(LOGIN, 10, 0, 200)]);
        assert_eq!(run.failures(&criteria()), vec!["no browsing request was made"]);
    }

    #[test]
    fn report_prints_throughput_and_error_rate() {
        let text = report(vec![task(BROWSE, 120, 6, 300)]).to_string();
        assert!(text.contains("throughput 2.0 req/s"), "{text}");
        assert!(text.contains("error rate 5.00 %"), "{text}");
    }
}
