//! The Keepa token bucket and learned call costs, persisted in `keepa_token_state` (DOMAIN §3.5).
//!
//! The decisions are the domain crate's ([`TokenBucket`], [`CostModel`]); this module loads and
//! saves them and applies them around one call: [`TokenBudget::reserve`] before (or a
//! [`TokenStop`] that says why and until when, never a wait), [`TokenBudget::settle`] after, with
//! whatever balance Keepa reported — also from failed calls.

use domain::ingest::{CostModel, KeepaCall, TokenBucket, TokenDecision, TokenPolicy, WaitReason};
use domain::keepa::TokenStatus;
use domain::time::UnixSeconds;
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};

use crate::sql::DbError;
use sqlite_kit::param;

/// Why a call may not start now.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TokenStop {
    /// `None` when the call is too expensive to ever fit and must be split.
    pub reason: Option<WaitReason>,
    /// When the bucket will allow it (the next run after this proceeds).
    pub resume_after: Option<UnixSeconds>,
    pub tokens_left: f64,
}

#[derive(Clone, Debug)]
pub struct TokenBudget {
    pub bucket: TokenBucket,
    pub costs: CostModel,
    pub policy: TokenPolicy,
}

impl TokenBudget {
    /// The stored state, or an unsynced bucket with the default costs on first use.
    pub fn load(db: &Connection, policy: TokenPolicy, now: UnixSeconds) -> Result<TokenBudget, DbError> {
        let result = db.execute(
            "SELECT tokens_left, refill_rate_per_min, observed_at, recharge_started_at, last_sync_at, cost_model
             FROM keepa_token_state WHERE id = 1",
            &[],
        )?;
        let stored = result.rows().next().and_then(|row| {
            let bucket = TokenBucket {
                tokens_left: row.get::<f64>("tokens_left")?,
                refill_rate_per_min: row.get::<f64>("refill_rate_per_min")?,
                observed_at: UnixSeconds(row.get::<i64>("observed_at")?),
                recharge_started_at: row.get::<i64>("recharge_started_at").map(UnixSeconds),
                last_sync_at: row.get::<i64>("last_sync_at").map(UnixSeconds),
            };
            let costs = row.get::<&str>("cost_model").and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
            Some((bucket, costs))
        });
        let (bucket, costs) = stored.unwrap_or_else(|| (TokenBucket::unsynced(now, &policy), CostModel::default()));
        Ok(TokenBudget { bucket, costs, policy })
    }

    pub fn save(&self, db: &Connection, now: UnixSeconds) -> Result<(), DbError> {
        let costs = serde_json::to_string(&self.costs).unwrap_or_else(|_| "{}".into());
        db.execute(
            "INSERT INTO keepa_token_state
                 (id, tokens_left, refill_rate_per_min, observed_at, recharge_started_at, last_sync_at, cost_model, updated_at)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET tokens_left = excluded.tokens_left,
                 refill_rate_per_min = excluded.refill_rate_per_min, observed_at = excluded.observed_at,
                 recharge_started_at = excluded.recharge_started_at, last_sync_at = excluded.last_sync_at,
                 cost_model = excluded.cost_model, updated_at = excluded.updated_at",
            &[
                Value::Real(self.bucket.tokens_left),
                Value::Real(self.bucket.refill_rate_per_min),
                Value::Integer(self.bucket.observed_at.0),
                param::integer(self.bucket.recharge_started_at.map(|at| at.0)),
                param::integer(self.bucket.last_sync_at.map(|at| at.0)),
                Value::Text(costs),
                Value::Integer(now.0),
            ],
        )?;
        Ok(())
    }

    /// Reserves the estimated cost of `call` over `asins` ASINs, or says why not.
    pub fn reserve(&mut self, call: KeepaCall, asins: usize, now: UnixSeconds) -> Result<(), TokenStop> {
        let cost = self.costs.estimate(call, asins);
        let stop = |reason, resume_after| TokenStop { reason, resume_after, tokens_left: self.bucket.projected(now, &self.policy) };
        match self.bucket.decide(cost, now, &self.policy) {
            TokenDecision::Proceed => {
                self.bucket = self.bucket.spend(cost, now, &self.policy);
                Ok(())
            }
            TokenDecision::Wait { reason, resume_after } => Err(stop(Some(reason), Some(resume_after))),
            TokenDecision::TooExpensive { .. } => Err(stop(None, None)),
        }
    }

    /// After an answer: Keepa's balance replaces the estimate and the cost model learns what
    /// the call really cost.
    pub fn settle(&mut self, call: KeepaCall, asins: usize, status: Option<&TokenStatus>, now: UnixSeconds) {
        if let Some(status) = status {
            self.bucket = self.bucket.observe(status, now);
            if let Some(consumed) = status.tokens_consumed {
                self.costs = self.costs.observe(call, asins, consumed);
            }
        }
    }

    /// Keepa's balance from `/token`.
    pub fn sync(&mut self, status: &TokenStatus, now: UnixSeconds) {
        self.bucket = self.bucket.observe(status, now);
    }

    /// The most ASINs (≤ `limit`) a per-ASIN call may carry now.
    pub fn max_batch(&self, call: KeepaCall, now: UnixSeconds, limit: usize) -> usize {
        self.costs.max_batch(call, &self.bucket, now, &self.policy, limit)
    }

    pub fn tokens_left(&self, now: UnixSeconds) -> f64 {
        self.bucket.projected(now, &self.policy)
    }
}
