//! The cheap "peek" filter: which discovered deals deserve a full-history fetch (DOMAIN §3.3
//! `check_peek_viability`). A full fetch costs ~20 tokens per ASIN, so candidates that cannot be
//! profitable on their current stats alone are dropped first.

use serde::{Deserialize, Serialize};

use crate::keepa::{CsvType, Stats};
use crate::money::Cents;

#[derive(Clone, Debug, PartialEq)]
pub struct PeekPolicy {
    /// Estimated sell price below this is not worth it: $12.
    pub min_sell_price: Cents,
    /// Minimum `(sell − buy) / buy`: 20 %.
    pub min_roi: f64,
    /// Buy price above this multiple of the sell estimate is rejected: ×1.1.
    pub max_buy_to_sell: f64,
}

impl Default for PeekPolicy {
    fn default() -> Self {
        PeekPolicy { min_sell_price: Cents(1200), min_roi: 0.20, max_buy_to_sell: 1.1 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum PeekVerdict {
    Fetch { buy: Cents, estimated_sell: Cents },
    Skip { reason: PeekRejection },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeekRejection {
    NoBuyPrice,
    NoSellEstimate,
    /// Keepa saw no rank drop (no sale) in a year; unknown counts pass.
    DeadInventory,
    SellBelowFloor,
    BuyAboveSell,
    RoiBelowFloor,
}

/// Buy = current used (else new); sell estimate = the highest 90/365-day average of the used
/// price and its sub-conditions.
pub fn peek_verdict(stats: &Stats, policy: &PeekPolicy) -> PeekVerdict {
    use PeekRejection::*;
    let skip = |reason| PeekVerdict::Skip { reason };
    let Some(buy) = stats.current.price(CsvType::Used).or_else(|| stats.current.price(CsvType::New)) else {
        return skip(NoBuyPrice);
    };
    let used_series = std::iter::once(CsvType::Used).chain(CsvType::USED_CONDITIONS);
    let Some(sell) = used_series.flat_map(|series| [stats.avg90.price(series), stats.avg365.price(series)]).flatten().max() else {
        return skip(NoSellEstimate);
    };
    if stats.sales_rank_drops365.is_some_and(|drops| drops < 1) {
        return skip(DeadInventory);
    }
    if sell < policy.min_sell_price.0 {
        return skip(SellBelowFloor);
    }
    if buy as f64 > policy.max_buy_to_sell * sell as f64 {
        return skip(BuyAboveSell);
    }
    if ((sell - buy) as f64 / buy as f64) < policy.min_roi {
        return skip(RoiBelowFloor);
    }
    PeekVerdict::Fetch { buy: Cents(buy), estimated_sell: Cents(sell) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::stat_vector;

    fn stats(buy: i64, sell: i64, drops365: Option<i64>) -> Stats {
        Stats {
            current: stat_vector(&[(CsvType::Used, buy)]),
            avg90: stat_vector(&[(CsvType::UsedGood, sell)]),
            sales_rank_drops365: drops365,
            ..Stats::default()
        }
    }

    #[test]
    fn rank_drops_decide_dead_inventory() {
        let policy = PeekPolicy::default();
        for drops in [Some(4), Some(3), Some(1), None] {
            assert_eq!(
                peek_verdict(&stats(1000, 2000, drops), &policy),
                PeekVerdict::Fetch { buy: Cents(1000), estimated_sell: Cents(2000) },
                "drops {drops:?}"
            );
        }
        assert_eq!(peek_verdict(&stats(1000, 2000, Some(0)), &policy), PeekVerdict::Skip { reason: PeekRejection::DeadInventory });
    }

    #[test]
    fn price_floors() {
        let policy = PeekPolicy::default();
        let reason = |buy, sell| match peek_verdict(&stats(buy, sell, Some(5)), &policy) {
            PeekVerdict::Skip { reason } => Some(reason),
            PeekVerdict::Fetch { .. } => None,
        };
        assert_eq!(reason(500, 1100), Some(PeekRejection::SellBelowFloor));
        assert_eq!(reason(2300, 2000), Some(PeekRejection::BuyAboveSell));
        assert_eq!(reason(1800, 2000), Some(PeekRejection::RoiBelowFloor));
        assert_eq!(reason(1000, 1200), None, "exactly 20 % passes");
        assert_eq!(peek_verdict(&Stats::default(), &policy), PeekVerdict::Skip { reason: PeekRejection::NoBuyPrice });
        let no_sell = Stats { current: stat_vector(&[(CsvType::New, 1000)]), ..Stats::default() };
        assert_eq!(peek_verdict(&no_sell, &policy), PeekVerdict::Skip { reason: PeekRejection::NoSellEstimate });
    }
}
