//! The Keepa token bucket as pure decisions (DOMAIN §3.5, §8 items 1–3).
//!
//! The state is the `keepa_token_state` row (§2.6). Given it and `now`, [`TokenBucket::decide`]
//! says whether a call of a given cost may start, and if not, *when* to come back — it never
//! waits in a loop. The original's inline waits over 60 s aborted every run while its recharge
//! target (150–280 tokens at 25/min) needed minutes: weeks without work (§8 item 1). Here a stop
//! carries `resume_after`, the job exits, and the next cron tick proceeds once the projection
//! allows. The recharge target is derived from the refill rate on every decision, never stored,
//! so it cannot stick at a stale default (§8 item 2); a forced sync is never throttled, so a
//! starved worker can always learn the true balance (§8 item 3).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::keepa::TokenStatus;
use crate::time::UnixSeconds;

/// Locked budget constants of §3.5 / §9.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenPolicy {
    /// The balance may go down to this after a call; Keepa locks out near −200: −180.
    pub max_deficit: f64,
    /// A call may start only from this balance (the "soft buffer floor"): 20. Below it,
    /// recharge mode starts and expensive calls wait for [`TokenPolicy::recharge_target`].
    pub min_start_balance: f64,
    /// Calls up to this cost may start below the floor if they leave the balance ≥ 0: 10.
    pub cheap_call_cost: f64,
    /// Keepa's bucket does not fill beyond this: 300.
    pub projection_cap: f64,
    /// Recharge mode is dropped after an hour, whatever the projection says.
    pub recharge_timeout: Duration,
    /// Routine `/token` syncs at most once a minute (forced syncs are never throttled).
    pub routine_sync_interval: Duration,
    /// A balance above this at sync means nobody spends: the worker may be stuck: 290.
    pub stall_warning_balance: f64,
    /// Refill rate assumed until Keepa reports one: 5 per minute.
    pub default_refill_rate_per_min: f64,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        TokenPolicy {
            max_deficit: -180.0,
            min_start_balance: 20.0,
            cheap_call_cost: 10.0,
            projection_cap: 300.0,
            recharge_timeout: Duration::from_secs(3600),
            routine_sync_interval: Duration::from_secs(60),
            stall_warning_balance: 290.0,
            default_refill_rate_per_min: 5.0,
        }
    }
}

impl TokenPolicy {
    /// Balance that ends recharge mode for expensive calls: 40 below 20 tokens/min, else 50.
    pub fn recharge_target(&self, refill_rate_per_min: f64) -> f64 {
        if refill_rate_per_min < 20.0 { 40.0 } else { 50.0 }
    }
}

/// The persisted bucket (`keepa_token_state`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenBucket {
    /// Balance at `observed_at` (Keepa's `tokensLeft`, minus local reservations since).
    pub tokens_left: f64,
    pub refill_rate_per_min: f64,
    pub observed_at: UnixSeconds,
    /// Set while recharging: expensive calls wait for the recharge target.
    pub recharge_started_at: Option<UnixSeconds>,
    /// Last `/token` sync or any response that carried `tokensLeft`.
    pub last_sync_at: Option<UnixSeconds>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum TokenDecision {
    Proceed,
    /// Come back at `resume_after` (the next scheduled run after it will do).
    Wait { reason: WaitReason, resume_after: UnixSeconds },
    /// No balance ever allows this call: split it into calls of at most `max_cost`.
    TooExpensive { max_cost: f64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    /// Below the start balance.
    BelowStartBalance,
    /// The call would take the balance past the deficit floor.
    WouldExceedDeficit,
    /// Recharge mode: waiting for the recharge target.
    Recharging,
}

impl TokenBucket {
    /// A bucket that knows nothing yet: zero balance, default rate, sync due.
    pub fn unsynced(now: UnixSeconds, policy: &TokenPolicy) -> TokenBucket {
        TokenBucket {
            tokens_left: 0.0,
            refill_rate_per_min: policy.default_refill_rate_per_min,
            observed_at: now,
            recharge_started_at: None,
            last_sync_at: None,
        }
    }

    /// Balance now: last balance plus refills since, up to the cap (a balance already above the
    /// cap is not reduced).
    pub fn projected(&self, now: UnixSeconds, policy: &TokenPolicy) -> f64 {
        let minutes = now.seconds_since(self.observed_at).max(0) as f64 / 60.0;
        let refilled = self.tokens_left + minutes * self.refill_rate_per_min;
        refilled.min(policy.projection_cap.max(self.tokens_left))
    }

    fn recharging(&self, now: UnixSeconds, policy: &TokenPolicy) -> bool {
        self.recharge_started_at.is_some_and(|started| now < started + policy.recharge_timeout)
    }

    /// May a call costing `cost` tokens start now?
    pub fn decide(&self, cost: f64, now: UnixSeconds, policy: &TokenPolicy) -> TokenDecision {
        let max_cost = policy.projection_cap - policy.max_deficit;
        if cost > max_cost {
            return TokenDecision::TooExpensive { max_cost };
        }
        let balance = self.projected(now, policy);
        let cheap = cost <= policy.cheap_call_cost;
        if self.recharging(now, policy) {
            let target = if cheap { policy.min_start_balance } else { policy.recharge_target(self.refill_rate_per_min) };
            if balance < target {
                return self.wait(WaitReason::Recharging, target, balance, now);
            }
        }
        let normal = balance >= policy.min_start_balance && balance - cost >= policy.max_deficit;
        let priority_pass = cheap && balance - cost >= 0.0;
        if normal || priority_pass {
            return TokenDecision::Proceed;
        }
        if balance < policy.min_start_balance {
            let needed = if cheap { cost.min(policy.min_start_balance) } else { policy.min_start_balance.max(cost + policy.max_deficit) };
            self.wait(WaitReason::BelowStartBalance, needed, balance, now)
        } else {
            self.wait(WaitReason::WouldExceedDeficit, cost + policy.max_deficit, balance, now)
        }
    }

    fn wait(&self, reason: WaitReason, needed: f64, balance: f64, now: UnixSeconds) -> TokenDecision {
        let seconds = ((needed - balance) / self.refill_rate_per_min * 60.0).ceil().max(1.0);
        TokenDecision::Wait { reason, resume_after: UnixSeconds(now.0 + seconds as i64) }
    }

    /// The state after reserving `cost` for a call that was allowed to proceed. Dropping below
    /// the start balance switches recharge mode on for the *next* caller.
    pub fn spend(&self, cost: f64, now: UnixSeconds, policy: &TokenPolicy) -> TokenBucket {
        let tokens_left = self.projected(now, policy) - cost;
        let recharge_started_at = if tokens_left >= policy.min_start_balance {
            None
        } else if self.recharging(now, policy) {
            self.recharge_started_at
        } else {
            Some(now)
        };
        TokenBucket { tokens_left, observed_at: now, recharge_started_at, ..*self }
    }

    /// Keepa's authoritative balance (from any response, failed calls included) replaces the
    /// local estimate; the refill rate is learned from it.
    pub fn observe(&self, status: &TokenStatus, now: UnixSeconds) -> TokenBucket {
        TokenBucket {
            tokens_left: status.tokens_left as f64,
            refill_rate_per_min: status.refill_rate_per_min.filter(|rate| *rate > 0.0).unwrap_or(self.refill_rate_per_min),
            observed_at: now,
            last_sync_at: Some(now),
            ..*self
        }
    }

    /// Whether to call `/token` now (it costs no tokens). A forced sync — after a wait, or when
    /// the local balance is in doubt — is always due.
    pub fn sync_due(&self, now: UnixSeconds, policy: &TokenPolicy, forced: bool) -> bool {
        forced || self.last_sync_at.is_none_or(|last| now >= last + policy.routine_sync_interval)
    }

    /// A nearly full bucket at sync time means nothing is spending: the worker may be stuck.
    pub fn looks_stalled(&self, policy: &TokenPolicy) -> bool {
        self.tokens_left > policy.stall_warning_balance
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::NOW;

    fn bucket(tokens_left: f64, refill_rate_per_min: f64) -> TokenBucket {
        TokenBucket { tokens_left, refill_rate_per_min, observed_at: NOW, recharge_started_at: None, last_sync_at: Some(NOW) }
    }

    fn policy() -> TokenPolicy {
        TokenPolicy::default()
    }

    #[test]
    fn start_balance_rule() {
        let p = policy();
        assert_eq!(bucket(20.0, 5.0).decide(10.0, NOW, &p), TokenDecision::Proceed);
        assert_eq!(bucket(20.0, 5.0).spend(10.0, NOW, &p).tokens_left, 10.0);
        assert!(matches!(bucket(19.0, 5.0).decide(20.0, NOW, &p), TokenDecision::Wait { reason: WaitReason::BelowStartBalance, .. }));
        assert_eq!(bucket(25.0, 5.0).decide(40.0, NOW, &p), TokenDecision::Proceed);
        assert_eq!(bucket(25.0, 5.0).spend(40.0, NOW, &p).tokens_left, -15.0);
    }

    #[test]
    fn never_past_the_deficit_floor() {
        let p = policy();
        // 100 tokens, cost 290 would end at −190.
        match bucket(100.0, 20.0).decide(290.0, NOW, &p) {
            TokenDecision::Wait { reason: WaitReason::WouldExceedDeficit, resume_after } => {
                // 10 more tokens at 20/min: 30 s.
                assert_eq!(resume_after, UnixSeconds(NOW.0 + 30));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(bucket(300.0, 20.0).decide(481.0, NOW, &p), TokenDecision::TooExpensive { max_cost: 480.0 });
    }

    #[test]
    fn reservations_are_fractional_and_sequential_callers_never_overspend() {
        let p = policy();
        assert_eq!(bucket(10.0, 5.0).spend(2.5, NOW, &p).tokens_left, 7.5);
        // 15 callers of cost 20 on 100 tokens: some proceed, none takes the balance below the floor.
        let mut state = bucket(100.0, 20.0);
        let mut proceeded = 0;
        for _ in 0..15 {
            if state.decide(20.0, NOW, &p) == TokenDecision::Proceed {
                state = state.spend(20.0, NOW, &p);
                proceeded += 1;
            }
        }
        assert!((2..=15).contains(&proceeded), "{proceeded}");
        assert!(state.tokens_left >= p.max_deficit);
        assert_eq!(proceeded, 5);
    }

    #[test]
    fn cheap_call_below_the_floor_proceeds_and_starts_recharge_for_the_next_caller() {
        let p = policy();
        let state = bucket(15.0, 5.0);
        assert_eq!(state.decide(5.0, NOW, &p), TokenDecision::Proceed);
        let after = state.spend(5.0, NOW, &p);
        assert_eq!(after.recharge_started_at, Some(NOW));
        match after.decide(20.0, NOW, &p) {
            // Recharge target at 5/min is 40: 30 tokens → 6 minutes.
            TokenDecision::Wait { reason: WaitReason::Recharging, resume_after } => assert_eq!(resume_after, UnixSeconds(NOW.0 + 360)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_starved_worker_resumes_when_told_instead_of_livelocking() {
        // The production incident: −104 tokens at 25/min.
        let p = policy();
        let starved = bucket(-104.0, 25.0).spend(0.0, NOW, &p);
        let TokenDecision::Wait { resume_after, .. } = starved.decide(100.0, NOW, &p) else { panic!("must wait") };
        assert!(resume_after.seconds_since(NOW) < 10 * 60, "resumes within two cron ticks");
        assert_eq!(starved.decide(100.0, resume_after, &p), TokenDecision::Proceed);
    }

    #[test]
    fn recharge_target_follows_the_rate_and_recharge_times_out() {
        let p = policy();
        assert_eq!(p.recharge_target(5.0), 40.0);
        assert_eq!(p.recharge_target(25.0), 50.0);
        let stuck = TokenBucket { recharge_started_at: Some(UnixSeconds(NOW.0 - 3601)), ..bucket(30.0, 0.001) };
        assert_eq!(stuck.decide(20.0, NOW, &p), TokenDecision::Proceed);
    }

    #[test]
    fn projection_refills_up_to_the_cap() {
        let p = policy();
        let state = bucket(-50.0, 20.0);
        assert_eq!(state.projected(UnixSeconds(NOW.0 + 5 * 60), &p), 50.0);
        assert_eq!(state.projected(UnixSeconds(NOW.0 + 24 * 3600), &p), 300.0);
    }

    #[test]
    fn keepa_balance_overrides_and_forced_sync_is_never_throttled() {
        let p = policy();
        let status = TokenStatus { tokens_left: -104, refill_rate_per_min: Some(25.0), refill_in_ms: None, tokens_consumed: None, server_time: None };
        let learned = bucket(-229.0, 5.0).observe(&status, NOW);
        assert_eq!((learned.tokens_left, learned.refill_rate_per_min), (-104.0, 25.0));
        assert!(!learned.sync_due(UnixSeconds(NOW.0 + 30), &p, false));
        assert!(learned.sync_due(UnixSeconds(NOW.0 + 30), &p, true));
        assert!(learned.sync_due(UnixSeconds(NOW.0 + 60), &p, false));
        assert!(TokenBucket::unsynced(NOW, &p).sync_due(NOW, &p, false));
    }

    #[test]
    fn a_full_bucket_at_sync_looks_stalled() {
        assert!(bucket(295.0, 20.0).looks_stalled(&policy()));
        assert!(!bucket(200.0, 20.0).looks_stalled(&policy()));
    }
}
