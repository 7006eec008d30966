//! Inferred sales, the core engine (DOMAIN §4.3): an offer-count drop confirmed by a sales-rank
//! improvement is a sale, priced by the nearest price point, with IQR outliers set aside.
//!
//! Computed once per product per run and passed on (§8 item 22: the original recomputed it ~6×).
//! When no drop is confirmed and [`sales_rescue_eligible`] holds, `crate::assist` asks the AI for
//! a "sales rescue" (§4.3 step 7); [`SalesSource`] records which path produced the sales.

use serde::{Deserialize, Serialize};

use crate::assist::Unavailable;
use crate::config::AnalysisConfig;
use crate::keepa::{CsvType, HistoryPoint, Product};
use crate::money::Cents;
use crate::statistics::percentile_of_sorted;
use crate::time::UnixSeconds;

/// Which offers dropped: the sale is priced from that class's price series (`sale_events.offer_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferClass {
    New,
    Used,
}

/// One inferred sale: the offer-drop time and the item price (no shipping) nearest to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleEvent {
    pub at: UnixSeconds,
    pub price: Cents,
    pub offer_class: OfferClass,
}

/// The result of §4.3: sane sales (time order), the IQR outliers, and how many offer drops the
/// window held (the denominator of deal trust, §4.8).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InferredSales {
    pub sane: Vec<SaleEvent>,
    pub outliers: Vec<SaleEvent>,
    pub offer_drops: usize,
}

/// Which path produced a deal's sales (`deals.sales_source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesSource {
    /// The inference found sales, or there was nothing to rescue (rank beyond the cutoff).
    Inferred,
    /// No sale confirmed; the AI found sales in the history and its events are the sales.
    AiRescue,
    /// No sale confirmed; the AI was asked and found none it was confident about.
    AiNoSales,
    /// No sale confirmed and no provider is configured: no sales (the non-AI path).
    Unrescued,
    /// No sale confirmed; not asked because the AI budget, call cap or run time was used up.
    UnrescuedQuota,
    /// No sale confirmed; the provider failed or its answer broke the JSON contract.
    UnrescuedError,
}

impl SalesSource {
    /// The non-AI path taken because the AI could not answer.
    pub fn unanswered(reason: Unavailable) -> SalesSource {
        match reason {
            Unavailable::NotConfigured => SalesSource::Unrescued,
            Unavailable::Quota => SalesSource::UnrescuedQuota,
            Unavailable::Error => SalesSource::UnrescuedError,
        }
    }

    /// `sale_events.origin` of the sales.
    pub fn origin(self) -> &'static str {
        if self == SalesSource::AiRescue { "ai" } else { "algorithm" }
    }
}

/// A point of a rank or count series that carries a value.
#[derive(Clone, Copy)]
struct Observation {
    at: UnixSeconds,
    value: i64,
}

pub fn infer_sales(product: &Product, now: UnixSeconds, config: &AnalysisConfig) -> InferredSales {
    let window_start = now - config.history_window;
    let ranks = observations(product.series(CsvType::SalesRank), window_start);
    let used_counts = observations(product.series(CsvType::CountUsed), window_start);
    let new_counts = observations(product.series(CsvType::CountNew), window_start);
    if ranks.len() < 2 || (used_counts.len() < 2 && new_counts.len() < 2) {
        return InferredSales::default();
    }

    let mut drops: Vec<(UnixSeconds, OfferClass)> = offer_drops(&used_counts, OfferClass::Used)
        .chain(offer_drops(&new_counts, OfferClass::New))
        .collect();
    drops.sort_by_key(|&(at, _)| at);

    let mut rank_timeline = RankTimeline::new(&ranks);
    let confirmed: Vec<SaleEvent> = drops
        .iter()
        .filter(|(at, _)| rank_timeline.confirms_sale_at(*at, config))
        .filter_map(|&(at, offer_class)| {
            let prices = match offer_class {
                OfferClass::New if !product.series(CsvType::New).is_empty() => product.series(CsvType::New),
                _ => product.series(CsvType::Used),
            };
            let price = nearest_value(prices, at).filter(|&cents| cents > 0)?;
            Some(SaleEvent { at, price: Cents(price), offer_class })
        })
        .collect();

    let (sane, outliers) = split_outliers(confirmed, config.iqr_multiplier);
    InferredSales { sane, outliers, offer_drops: drops.len() }
}

/// Whether the AI "hidden sales" rescue would be asked (§4.3 step 7): no sale was confirmed and
/// the product ranks better than the cutoff (rank 3M is skipped without AI, §7).
pub fn sales_rescue_eligible(sales: &InferredSales, current_rank: Option<i64>, config: &AnalysisConfig) -> bool {
    sales.sane.is_empty() && sales.outliers.is_empty() && current_rank.is_some_and(|rank| rank < config.ai_rescue_rank_cutoff)
}

fn observations(points: &[HistoryPoint], window_start: UnixSeconds) -> Vec<Observation> {
    let inside = &points[points.partition_point(|point| point.at < window_start)..];
    let mut observations = Vec::with_capacity(inside.len());
    observations.extend(inside.iter().filter_map(|point| Some(Observation { at: point.at, value: point.value? })));
    observations
}

/// Every point lower than the point before it is one drop (§4.3 step 3).
fn offer_drops(counts: &[Observation], offer_class: OfferClass) -> impl Iterator<Item = (UnixSeconds, OfferClass)> + '_ {
    counts.windows(2).filter(|pair| pair[1].value < pair[0].value).map(move |pair| (pair[1].at, offer_class))
}

/// The rank series with, for each point, the index of the next point at or after it whose rank
/// improved on its predecessor, and a cursor: drops are visited in time order, so "is there an
/// improvement in [t, t + 240 h]?" costs one lookup and a short cursor step per drop instead of a
/// scan — the bulk of the time of [`infer_sales`] on three years of history.
struct RankTimeline<'a> {
    ranks: &'a [Observation],
    next_improvement: Vec<u32>,
    /// Index of the first rank point at or after the last time asked about.
    cursor: usize,
}

/// `next_improvement` entry for "no improvement after this point".
const NO_IMPROVEMENT: u32 = u32::MAX;

impl<'a> RankTimeline<'a> {
    fn new(ranks: &'a [Observation]) -> Self {
        let mut next_improvement = vec![NO_IMPROVEMENT; ranks.len() + 1];
        for index in (1..ranks.len()).rev() {
            next_improvement[index] =
                if ranks[index].value < ranks[index - 1].value { index as u32 } else { next_improvement[index + 1] };
        }
        RankTimeline { ranks, next_improvement, cursor: 0 }
    }

    /// §4.3 step 5: a rank improvement at a point in `[t, t + inference_window]` (a point at
    /// exactly t counts: Keepa crawls offers and rank together), else the sparse look-ahead:
    /// the first rank after t within `look_ahead` is better than the last rank at or before t.
    /// Calls must come in non-decreasing `t`.
    fn confirms_sale_at(&mut self, t: UnixSeconds, config: &AnalysisConfig) -> bool {
        while self.cursor < self.ranks.len() && self.ranks[self.cursor].at < t {
            self.cursor += 1;
        }
        let next = self.next_improvement[self.cursor];
        if next != NO_IMPROVEMENT && self.ranks[next as usize].at <= t + config.inference_window {
            return true;
        }
        let first_after = self.cursor + self.ranks[self.cursor..].iter().take_while(|rank| rank.at <= t).count();
        match (first_after.checked_sub(1).map(|index| self.ranks[index]), self.ranks.get(first_after)) {
            (Some(before), Some(after)) => after.at <= t + config.look_ahead && after.value < before.value,
            _ => false,
        }
    }
}

/// The value of the point nearest in time to `t`, either direction (the earlier one on a tie);
/// `None` when that point has no data (§4.3 step 6 discards such events).
fn nearest_value(points: &[HistoryPoint], t: UnixSeconds) -> Option<i64> {
    let after = points.partition_point(|point| point.at < t);
    let nearest = match (after.checked_sub(1).map(|index| &points[index]), points.get(after)) {
        (Some(before), Some(after)) if t.seconds_since(before.at) <= after.at.seconds_since(t) => before,
        (_, Some(after)) => after,
        (Some(before), None) => before,
        (None, None) => return None,
    };
    nearest.value
}

/// Symmetric IQR fence (§4.3 step 8): keep prices in `[Q1 − k·IQR, Q3 + k·IQR]`.
fn split_outliers(events: Vec<SaleEvent>, multiplier: f64) -> (Vec<SaleEvent>, Vec<SaleEvent>) {
    let mut prices: Vec<i64> = events.iter().map(|event| event.price.0).collect();
    prices.sort_unstable();
    let (Some(q1), Some(q3)) = (percentile_of_sorted(&prices, 0.25), percentile_of_sorted(&prices, 0.75)) else {
        return (events, Vec::new());
    };
    let spread = multiplier * (q3 - q1);
    let (low, high) = (q1 - spread, q3 + spread);
    events.into_iter().partition(|event| (low..=high).contains(&(event.price.0 as f64)))
}

/// Prices of the given events, for the statistics helpers.
pub(crate) fn prices(events: &[SaleEvent]) -> Vec<i64> {
    events.iter().map(|event| event.price.0).collect()
}

#[cfg(test)]
mod tests;
