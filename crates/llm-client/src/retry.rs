//! When to try a provider call again (DOMAIN §6.1 retried up to 5 times over 150 s; here one
//! deadline bounds the whole call so a request that waits on it is always answered in time).
//!
//! 429, 5xx, timeouts and network errors are retried with exponential backoff; a 429's
//! `Retry-After` replaces the backoff. A retry happens only if, after the wait, at least
//! [`MIN_ATTEMPT_TIME`] of the deadline is left; otherwise the failure is final.

use crate::LlmError;
use std::time::Duration;

/// Attempts per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Backoff before the second attempt; doubled for each further one.
pub const BASE_DELAY: Duration = Duration::from_millis(250);
/// Time an attempt needs to be worth starting.
pub const MIN_ATTEMPT_TIME: Duration = Duration::from_secs(1);

/// How one attempt failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    RateLimited { retry_after: Option<Duration> },
    ServerError { status: u16 },
    Timeout,
    Network(String),
    /// Not worth retrying (4xx, invalid answer, denied host).
    Final(LlmError),
}

impl Failure {
    /// The error reported when no retry follows.
    pub fn into_error(self) -> LlmError {
        match self {
            Failure::RateLimited { .. } => LlmError::RateLimited,
            Failure::ServerError { status } => LlmError::Unavailable(format!("HTTP {status}")),
            Failure::Timeout => LlmError::Timeout,
            Failure::Network(reason) => LlmError::Unavailable(reason),
            Failure::Final(error) => error,
        }
    }
}

/// The wait before the next attempt, or `None` when `failure` is final: `attempts_made`
/// attempts are done and `remaining` is what is left of the call's deadline.
pub fn next_delay(attempts_made: u32, failure: &Failure, remaining: Duration) -> Option<Duration> {
    if attempts_made >= MAX_ATTEMPTS {
        return None;
    }
    let delay = match failure {
        Failure::Final(_) => return None,
        Failure::RateLimited { retry_after: Some(hint) } => *hint,
        _ => BASE_DELAY * 2u32.saturating_pow(attempts_made.saturating_sub(1)),
    };
    (delay + MIN_ATTEMPT_TIME <= remaining).then_some(delay)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by chat providers and is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLENTY: Duration = Duration::from_secs(30);

    #[test]
    fn backoff_doubles_and_stops_after_the_last_attempt() {
        let failure = Failure::ServerError { status: 503 };
        assert_eq!(next_delay(1, &failure, PLENTY), Some(BASE_DELAY));
        assert_eq!(next_delay(2, &failure, PLENTY), Some(BASE_DELAY * 2));
        assert_eq!(next_delay(MAX_ATTEMPTS, &failure, PLENTY), None);
    }

    #[test]
    fn retry_after_is_honoured_unless_it_outlasts_the_deadline() {
        let hinted = Failure::RateLimited { retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(next_delay(1, &hinted, PLENTY), Some(Duration::from_secs(2)));
        assert_eq!(next_delay(1, &hinted, Duration::from_secs(2)), None);
    }

    #[test]
    fn final_failures_are_not_retried() {
        let failure = Failure::Final(LlmError::Rejected { status: 401, message: "bad key".into() });
        assert_eq!(next_delay(1, &failure, PLENTY), None);
    }

    #[test]
    fn retry_after_seconds_parse() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
