//! How a Keepa call can fail, classified for the retry policy (DOMAIN §3.1, §8 items 3 and 5).

use std::fmt;

use domain::keepa::{KeepaError, TokenStatus};
use domain::time::UnixSeconds;

#[derive(Clone, Debug, PartialEq)]
pub enum KeepaFailure {
    /// No complete answer within the deadline.
    Timeout,
    /// The request never got an HTTP answer (denied host, DNS, reset).
    Transport(String),
    /// 429: Keepa's bucket is empty; the body usually says when it refills.
    RateLimited { tokens: Option<TokenStatus> },
    /// Any other non-2xx status (5xx, 4xx such as a bad key).
    Status { status: u16, tokens: Option<TokenStatus> },
    /// A 2xx body that is not a valid answer: truncated JSON, garbage, wrong field types.
    Malformed(KeepaError),
}

impl KeepaFailure {
    /// The token balance the failed answer still carried; the bucket must learn it (§3.1).
    pub fn tokens(&self) -> Option<&TokenStatus> {
        match self {
            KeepaFailure::RateLimited { tokens } | KeepaFailure::Status { tokens, .. } => tokens.as_ref(),
            KeepaFailure::Malformed(KeepaError::Api { tokens, .. }) => tokens.as_ref(),
            _ => None,
        }
    }

    /// A short machine-readable name (`system_state`, logs, health).
    pub fn kind(&self) -> &'static str {
        match self {
            KeepaFailure::Timeout => "timeout",
            KeepaFailure::Transport(_) => "transport",
            KeepaFailure::RateLimited { .. } => "rate_limited",
            KeepaFailure::Status { status, .. } if *status >= 500 => "server_error",
            KeepaFailure::Status { .. } => "client_error",
            KeepaFailure::Malformed(KeepaError::Api { .. }) => "keepa_error",
            KeepaFailure::Malformed(_) => "malformed_response",
        }
    }

    /// The earliest time Keepa itself says a retry can succeed (`refillIn` of a 429).
    pub fn retry_not_before(&self, now: UnixSeconds) -> Option<UnixSeconds> {
        match self {
            KeepaFailure::RateLimited { tokens: Some(status) } => {
                status.refill_in_ms.map(|ms| UnixSeconds(now.0 + (ms.max(0) + 999) / 1000))
            }
            _ => None,
        }
    }
}

impl fmt::Display for KeepaFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepaFailure::Timeout => f.write_str("Keepa did not answer in time"),
            KeepaFailure::Transport(message) => write!(f, "Keepa unreachable: {message}"),
            KeepaFailure::RateLimited { tokens } => match tokens {
                Some(status) => write!(f, "Keepa rate limit (429), {} tokens left", status.tokens_left),
                None => f.write_str("Keepa rate limit (429)"),
            },
            KeepaFailure::Status { status, .. } => write!(f, "Keepa answered HTTP {status}"),
            KeepaFailure::Malformed(error) => write!(f, "{error}"),
        }
    }
}
