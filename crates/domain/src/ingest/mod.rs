//! Pure decision logic of the ingest job (DOMAIN §3.3–3.6, §8 items 1–6): the Keepa token
//! bucket and call costs, the peek filter, the watermark, stale rescue and janitor rules, and
//! backoff after errors. The ingest component does the I/O and persists the state these
//! functions take and return.

mod backoff;
mod costs;
mod peek;
mod tokens;
mod upkeep;
mod watermark;

pub use backoff::BackoffPolicy;
pub use costs::{CostModel, KeepaCall};
pub use peek::{PeekPolicy, PeekRejection, PeekVerdict, peek_verdict};
pub use tokens::{TokenBucket, TokenDecision, TokenPolicy, WaitReason};
pub use upkeep::{JanitorDecision, JanitorPolicy, StaleRescuePolicy};
pub use watermark::{deals_after, watermark_to_save, watermark_to_scan_from};

/// Keepa budget and maintenance rules, defaulted to the locked values of §9.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IngestPolicy {
    pub tokens: TokenPolicy,
    pub peek: PeekPolicy,
    pub stale_rescue: StaleRescuePolicy,
    pub janitor: JanitorPolicy,
    pub backoff: BackoffPolicy,
}

impl IngestPolicy {
    /// New deals taken per run: 200, or 50 when Keepa refills under 20 tokens/min (§3.3 step 3).
    pub fn new_deal_cap(&self, refill_rate_per_min: f64) -> usize {
        if refill_rate_per_min < 20.0 { 50 } else { 200 }
    }
}
