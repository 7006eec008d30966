//! Token fields of every Keepa response (DOMAIN §3.1, §3.5): the authoritative balance that must
//! overwrite the local token bucket after each call, failed calls included.

use serde::{Deserialize, Serialize};

use crate::time::UnixSeconds;

use super::wire;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenStatus {
    /// Balance after the call; negative while in Keepa's allowed deficit.
    pub tokens_left: i64,
    /// Tokens added per minute (`refillRate`).
    pub refill_rate_per_min: Option<f64>,
    /// Milliseconds until the next refill (`refillIn`).
    pub refill_in_ms: Option<i64>,
    /// What this call cost (`tokensConsumed`), the input of the cost model (§8 item 4).
    pub tokens_consumed: Option<i64>,
    /// Keepa's server time of the answer (`timestamp`, unix milliseconds).
    pub server_time: Option<UnixSeconds>,
}

impl TokenStatus {
    /// `None` when the body carries no `tokensLeft`.
    pub(super) fn from_wire(raw: &wire::Response) -> Option<TokenStatus> {
        Some(TokenStatus {
            tokens_left: raw.tokens_left?,
            refill_rate_per_min: raw.refill_rate,
            refill_in_ms: raw.refill_in,
            tokens_consumed: raw.tokens_consumed,
            server_time: raw.timestamp.map(|ms| UnixSeconds(ms.div_euclid(1000))),
        })
    }
}
