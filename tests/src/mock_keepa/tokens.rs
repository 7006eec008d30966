//! Keepa's token bucket as the API reports it: a balance that refills by `refillRate` every
//! minute up to an hour's worth, calls charged after the fact (the balance may go negative),
//! and 429 for any call while it is negative.

use std::time::Instant;

pub struct TokenBucket {
    balance: i64,
    refill_per_min: i64,
    last_refill: Instant,
}

impl TokenBucket {
    pub fn new(balance: i64, refill_per_min: i64) -> TokenBucket {
        TokenBucket { balance, refill_per_min, last_refill: Instant::now() }
    }

    fn refill(&mut self) {
        let minutes = (self.last_refill.elapsed().as_secs() / 60) as i64;
        if minutes > 0 {
            let cap = (self.refill_per_min * 60).max(self.balance);
            self.balance = (self.balance + minutes * self.refill_per_min).min(cap);
            self.last_refill += std::time::Duration::from_secs(minutes as u64 * 60);
        }
    }

    pub fn balance(&mut self) -> i64 {
        self.refill();
        self.balance
    }

    /// Charges `cost`, or `false` while the balance is negative.
    pub fn charge(&mut self, cost: i64) -> bool {
        if self.balance() < 0 {
            return false;
        }
        self.balance -= cost;
        true
    }

    /// Keepa's token fields for a body that cost `consumed`.
    pub fn fields(&mut self, consumed: i64) -> serde_json::Value {
        let refill_in_ms = 60_000 - (self.last_refill.elapsed().as_millis() as i64 % 60_000);
        serde_json::json!({
            "timestamp": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64),
            "tokensLeft": self.balance(),
            "refillIn": refill_in_ms,
            "refillRate": self.refill_per_min,
            "tokensConsumed": consumed,
            "tokenFlowReduction": 0.0,
        })
    }
}
