//! Keepa's `stats` object (DOMAIN §3.2): current values and 30/90/180/365-day averages per
//! series index, plus scalar counters. Sentinels (-1, null) become `None`.

use super::series::{CsvType, known};
use super::wire;

/// One of the per-series vectors (`current`, `avg30`, …), indexed like `csv`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatVector(pub Vec<Option<i64>>);

impl StatVector {
    /// The value for `series`; `None` when absent, null or a Keepa sentinel.
    pub fn get(&self, series: CsvType) -> Option<i64> {
        self.0.get(series.index()).copied().flatten().and_then(known)
    }

    /// The value when it is a usable price (> 0 cents).
    pub fn price(&self, series: CsvType) -> Option<i64> {
        self.get(series).filter(|&cents| cents > 0)
    }

    fn from_wire(raw: Option<Vec<Option<i64>>>) -> StatVector {
        StatVector(raw.unwrap_or_default())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub current: StatVector,
    pub avg30: StatVector,
    pub avg90: StatVector,
    pub avg180: StatVector,
    pub avg365: StatVector,
    pub sales_rank_drops30: Option<i64>,
    pub sales_rank_drops90: Option<i64>,
    pub sales_rank_drops180: Option<i64>,
    pub sales_rank_drops365: Option<i64>,
    /// New offers fulfilled by Amazon (Keepa counts only NEW offers here, §2.2).
    pub offer_count_fba: Option<i64>,
    /// New offers fulfilled by the merchant.
    pub offer_count_fbm: Option<i64>,
    /// All live offers, new and used.
    pub total_offer_count: Option<i64>,
}

impl Stats {
    /// New offers now: FBA + FBM new counts (§2.2 `New_Offer_Count_Current`).
    pub fn new_offer_count(&self) -> Option<i64> {
        Some(self.offer_count_fba? + self.offer_count_fbm?)
    }

    /// Used offers now: total − new; `None` when the total is missing or below the new count (§2.2).
    pub fn used_offer_count(&self) -> Option<i64> {
        let total = self.total_offer_count?;
        let new = self.offer_count_fba.unwrap_or(0) + self.offer_count_fbm.unwrap_or(0);
        (total >= new).then_some(total - new)
    }

    pub(super) fn from_wire(raw: wire::Stats) -> Stats {
        Stats {
            current: StatVector::from_wire(raw.current),
            avg30: StatVector::from_wire(raw.avg30),
            avg90: StatVector::from_wire(raw.avg90),
            avg180: StatVector::from_wire(raw.avg180),
            avg365: StatVector::from_wire(raw.avg365),
            sales_rank_drops30: raw.sales_rank_drops30.and_then(known),
            sales_rank_drops90: raw.sales_rank_drops90.and_then(known),
            sales_rank_drops180: raw.sales_rank_drops180.and_then(known),
            sales_rank_drops365: raw.sales_rank_drops365.and_then(known),
            offer_count_fba: raw.offer_count_fba.and_then(known),
            offer_count_fbm: raw.offer_count_fbm.and_then(known),
            total_offer_count: raw.total_offer_count.and_then(known),
        }
    }
}
