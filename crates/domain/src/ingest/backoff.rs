//! When to try again after upstream errors (DOMAIN §3.1 retries, §8 item 5).
//!
//! Every-minute scheduling plus failing calls made 1,440 `/token` calls a day and 1.6 GB of
//! logs. After a failure the job records `retry_after` and does nothing until then; the delay
//! doubles per consecutive failure up to a ceiling, with jitter from a caller-supplied seed so
//! that the result is deterministic and testable.

use std::time::Duration;

use crate::splitmix::mix;
use crate::time::UnixSeconds;

#[derive(Clone, Debug, PartialEq)]
pub struct BackoffPolicy {
    /// Delay after the first failure (the original slept 15 s × attempt between page retries).
    pub base: Duration,
    /// The delay never exceeds this: 30 minutes.
    pub ceiling: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy { base: Duration::from_secs(15), ceiling: Duration::from_secs(30 * 60) }
    }
}

impl BackoffPolicy {
    /// The earliest time to call again after `consecutive_failures` failures in a row ("equal
    /// jitter": half the exponential delay, plus a seed-derived share of the other half).
    pub fn retry_after(&self, now: UnixSeconds, consecutive_failures: u32, jitter_seed: u64) -> UnixSeconds {
        if consecutive_failures == 0 {
            return now;
        }
        let doubling = 2u64.saturating_pow(consecutive_failures - 1);
        let delay = self.base.as_secs().saturating_mul(doubling).min(self.ceiling.as_secs());
        let half = delay / 2;
        let jitter = mix(jitter_seed ^ u64::from(consecutive_failures)) % (delay - half + 1);
        UnixSeconds(now.0 + (half + jitter) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::NOW;

    #[test]
    fn delays_double_stay_within_bounds_and_are_deterministic() {
        let policy = BackoffPolicy::default();
        assert_eq!(policy.retry_after(NOW, 0, 42), NOW);
        for failures in 1..=12u32 {
            let full = (15 * 2u64.pow(failures - 1)).min(1800) as i64;
            for seed in 0..50 {
                let wait = policy.retry_after(NOW, failures, seed).seconds_since(NOW);
                assert!((full / 2..=full).contains(&wait), "failures {failures}: {wait} not in [{}, {full}]", full / 2);
            }
            assert_eq!(policy.retry_after(NOW, failures, 7), policy.retry_after(NOW, failures, 7));
        }
        assert!(policy.retry_after(NOW, 200, 1).seconds_since(NOW) <= 1800, "no overflow on long outages");
    }

    #[test]
    fn seeds_spread_the_retries() {
        let policy = BackoffPolicy::default();
        let distinct: std::collections::BTreeSet<_> = (0..20).map(|seed| policy.retry_after(NOW, 6, seed)).collect();
        assert!(distinct.len() > 5);
    }
}
