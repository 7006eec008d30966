//! What Keepa calls cost, learned from `tokensConsumed` (DOMAIN §3.5 [REWRITE], §8 item 4).
//!
//! The original reserved fixed guesses (2 tokens per ASIN for a peek) that were 4× too low: a
//! 50-ASIN peek reserved 100 tokens, spent 386 and left the balance at −231 every cycle. Here
//! each call kind starts from the *observed* cost and follows an exponentially weighted average
//! of what Keepa reports, and batches are sized so one call never goes past the deficit floor.

use serde::{Deserialize, Serialize};

use crate::time::UnixSeconds;

use super::tokens::{TokenBucket, TokenPolicy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepaCall {
    /// One `/deal` page (flat cost).
    DealPage,
    /// `/product` current stats + offers, no history (per ASIN); also the light update and the
    /// stale rescue, which send the same request with `stats=180`.
    Peek,
    /// `/product` with full history (per ASIN).
    Commit,
    /// `/seller` (flat cost).
    Seller,
}

/// Weight of the newest observation in the running average.
const SMOOTHING: f64 = 0.3;

/// Expected tokens per call (flat kinds) or per ASIN (product kinds).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostModel {
    pub deal_page: f64,
    pub peek_per_asin: f64,
    pub commit_per_asin: f64,
    pub seller: f64,
}

impl Default for CostModel {
    /// Starting points from production observations (§3.3, §3.5): a deal page 5 + 10, a peek
    /// 6–7.7 per ASIN (386 tokens for 50), a full-history commit 20 per ASIN, a seller 1.
    fn default() -> Self {
        CostModel { deal_page: 15.0, peek_per_asin: 8.0, commit_per_asin: 20.0, seller: 1.0 }
    }
}

impl CostModel {
    fn unit_cost(&self, call: KeepaCall) -> f64 {
        match call {
            KeepaCall::DealPage => self.deal_page,
            KeepaCall::Peek => self.peek_per_asin,
            KeepaCall::Commit => self.commit_per_asin,
            KeepaCall::Seller => self.seller,
        }
    }

    fn per_asin(call: KeepaCall) -> bool {
        matches!(call, KeepaCall::Peek | KeepaCall::Commit)
    }

    /// Tokens to reserve for a call over `asins` ASINs (ignored for flat kinds).
    pub fn estimate(&self, call: KeepaCall, asins: usize) -> f64 {
        if Self::per_asin(call) { self.unit_cost(call) * asins.max(1) as f64 } else { self.unit_cost(call) }
    }

    /// The model after a call over `asins` ASINs that Keepa billed `tokens_consumed`.
    pub fn observe(&self, call: KeepaCall, asins: usize, tokens_consumed: i64) -> CostModel {
        let units = if Self::per_asin(call) { asins.max(1) as f64 } else { 1.0 };
        let observed = tokens_consumed.max(0) as f64 / units;
        let updated = SMOOTHING * observed + (1.0 - SMOOTHING) * self.unit_cost(call);
        let mut model = *self;
        *match call {
            KeepaCall::DealPage => &mut model.deal_page,
            KeepaCall::Peek => &mut model.peek_per_asin,
            KeepaCall::Commit => &mut model.commit_per_asin,
            KeepaCall::Seller => &mut model.seller,
        } = updated;
        model
    }

    /// The most ASINs (≤ `limit`) one per-ASIN call may carry now without passing the deficit
    /// floor; 0 when the bucket is below its start balance.
    pub fn max_batch(&self, call: KeepaCall, bucket: &TokenBucket, now: UnixSeconds, policy: &TokenPolicy, limit: usize) -> usize {
        let balance = bucket.projected(now, policy);
        if balance < policy.min_start_balance {
            return 0;
        }
        let affordable = ((balance - policy.max_deficit) / self.unit_cost(call)).floor().max(0.0) as usize;
        affordable.min(limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::NOW;
    use crate::ingest::tokens::TokenDecision;

    #[test]
    fn estimates_scale_with_asins_for_product_calls_only() {
        let model = CostModel::default();
        assert_eq!(model.estimate(KeepaCall::Peek, 50), 400.0);
        assert_eq!(model.estimate(KeepaCall::Commit, 5), 100.0);
        assert_eq!(model.estimate(KeepaCall::DealPage, 50), 15.0);
    }

    #[test]
    fn observed_costs_pull_the_estimate() {
        // A 50-ASIN peek billed 386 tokens (7.72 per ASIN) when the model expected 2 per ASIN.
        let model = CostModel { peek_per_asin: 2.0, ..CostModel::default() };
        let mut learned = model;
        for _ in 0..10 {
            learned = learned.observe(KeepaCall::Peek, 50, 386);
        }
        assert!((learned.peek_per_asin - 7.72).abs() < 0.2, "{}", learned.peek_per_asin);
        assert_eq!(model.observe(KeepaCall::Seller, 0, 1).seller, 1.0);
    }

    #[test]
    fn batches_fit_the_budget_and_are_allowed() {
        let policy = TokenPolicy::default();
        let model = CostModel::default();
        let bucket = TokenBucket { tokens_left: 40.0, refill_rate_per_min: 20.0, observed_at: NOW, recharge_started_at: None, last_sync_at: None };
        let batch = model.max_batch(KeepaCall::Peek, &bucket, NOW, &policy, 50);
        // (40 + 180) / 8 = 27.5 → 27 ASINs.
        assert_eq!(batch, 27);
        assert_eq!(bucket.decide(model.estimate(KeepaCall::Peek, batch), NOW, &policy), TokenDecision::Proceed);
        assert_eq!(model.max_batch(KeepaCall::Peek, &bucket, NOW, &policy, 10), 10);
        let low = TokenBucket { tokens_left: 5.0, ..bucket };
        assert_eq!(model.max_batch(KeepaCall::Commit, &low, NOW, &policy, 5), 0);
    }
}
