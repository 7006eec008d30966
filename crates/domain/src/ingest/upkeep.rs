//! Keeping the deal table alive and clean: stale rescue and janitor (DOMAIN §3.3 step 2, §3.6,
//! §8 item 6).
//!
//! Stale rescue refreshes deals not seen for 48 h so live deals survive the janitor's 72 h cut.
//! The janitor measures "unseen" against the last *healthy* ingest run, not against the clock:
//! the original kept deleting while ingestion was stalled and the dashboard decayed from 350 to
//! 48 deals without anyone noticing (§8 item 6). Stalled ingestion now freezes the cut-off.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::time::{UnixSeconds, hours};

#[derive(Clone, Debug, PartialEq)]
pub struct StaleRescuePolicy {
    /// Deals not seen for this long are refreshed: 48 h.
    pub stale_after: Duration,
    /// At most this many per run, oldest first: 20.
    pub max_per_run: usize,
    /// Below this refill rate (tokens/min) the rescue is skipped, new deals come first: 10.
    pub min_refill_rate_per_min: f64,
}

impl Default for StaleRescuePolicy {
    fn default() -> Self {
        StaleRescuePolicy { stale_after: hours(48), max_per_run: 20, min_refill_rate_per_min: 10.0 }
    }
}

impl StaleRescuePolicy {
    /// Deals last seen before this are stale (for the SQL `WHERE last_seen_at < ?`).
    pub fn stale_before(&self, now: UnixSeconds) -> UnixSeconds {
        now - self.stale_after
    }

    /// How many stale deals to refresh this run (for the SQL `LIMIT ?`).
    pub fn batch_limit(&self, refill_rate_per_min: f64) -> usize {
        if refill_rate_per_min < self.min_refill_rate_per_min { 0 } else { self.max_per_run }
    }

    /// The rule applied to `(deal, last_seen_at)` pairs: stale ones, oldest first, limited.
    pub fn select<T>(&self, deals: impl IntoIterator<Item = (T, UnixSeconds)>, now: UnixSeconds, refill_rate_per_min: f64) -> Vec<T> {
        let cutoff = self.stale_before(now);
        let mut stale: Vec<(T, UnixSeconds)> = deals.into_iter().filter(|(_, last_seen)| *last_seen < cutoff).collect();
        stale.sort_by_key(|(_, last_seen)| *last_seen);
        stale.into_iter().take(self.batch_limit(refill_rate_per_min)).map(|(deal, _)| deal).collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct JanitorPolicy {
    /// Deals unseen this long (measured from the last healthy ingest) are deleted: 72 h.
    pub max_unseen: Duration,
}

impl Default for JanitorPolicy {
    fn default() -> Self {
        JanitorPolicy { max_unseen: hours(72) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum JanitorDecision {
    /// Delete deals with `last_seen_at < last_seen_before`.
    Delete { last_seen_before: UnixSeconds },
    /// No ingest run has completed yet: nothing can be judged unseen.
    SkipNoHealthyIngest,
}

impl JanitorPolicy {
    /// `last_healthy_ingest_at`: end of the last ingest run that completed its refresh steps
    /// (stale rescue and deal scan). The cut-off never moves past it.
    pub fn decide(&self, now: UnixSeconds, last_healthy_ingest_at: Option<UnixSeconds>) -> JanitorDecision {
        match last_healthy_ingest_at {
            Some(healthy) => JanitorDecision::Delete { last_seen_before: healthy.min(now) - self.max_unseen },
            None => JanitorDecision::SkipNoHealthyIngest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, HOUR, NOW, at};

    #[test]
    fn janitor_deletes_only_rows_unseen_past_the_grace_period() {
        let policy = JanitorPolicy { max_unseen: hours(24) };
        let JanitorDecision::Delete { last_seen_before } = policy.decide(NOW, Some(NOW)) else { panic!() };
        let rows = [at(-25 * HOUR), at(-HOUR)];
        let deleted = rows.iter().filter(|last_seen| **last_seen < last_seen_before).count();
        assert_eq!(deleted, 1);
        assert_eq!(JanitorPolicy::default().decide(NOW, Some(NOW)), JanitorDecision::Delete { last_seen_before: at(-72 * HOUR) });
    }

    #[test]
    fn stalled_ingestion_freezes_the_janitor() {
        // Ingestion last healthy 5 days ago: a deal seen 4 days ago is kept, not deleted.
        let JanitorDecision::Delete { last_seen_before } = JanitorPolicy::default().decide(NOW, Some(at(-5 * DAY))) else { panic!() };
        assert!(at(-4 * DAY) >= last_seen_before);
        assert_eq!(last_seen_before, at(-8 * DAY));
        assert_eq!(JanitorPolicy::default().decide(NOW, None), JanitorDecision::SkipNoHealthyIngest);
    }

    #[test]
    fn stale_rescue_takes_the_oldest_twenty_older_than_48_hours() {
        let policy = StaleRescuePolicy::default();
        let deals: Vec<(usize, UnixSeconds)> = (0..30).map(|n| (n, at(-(40 + n as i64) * HOUR))).collect();
        let picked = policy.select(deals.clone(), NOW, 20.0);
        // Deals 9..29 are older than 48 h (21 of them); the 20 oldest are 29 down to 10.
        assert_eq!(picked, (10..30).rev().collect::<Vec<_>>());
        assert!(policy.select(deals, NOW, 5.0).is_empty(), "skipped below 10 tokens/min");
        assert_eq!(policy.stale_before(NOW), at(-48 * HOUR));
    }
}
