//! The locked business constants of DOMAIN §9, configurable but defaulted to the production
//! values, so a change is a reviewed code change and tests can shrink windows.

use std::time::Duration;

use crate::ingest::IngestPolicy;
use crate::money::Cents;
use crate::time::{days, hours};

#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisConfig {
    /// History considered by inferred sales: 1095 days (§4.3 step 2).
    pub history_window: Duration,
    /// A rank improvement within 240 h after an offer drop confirms a sale (§4.3 step 5).
    pub inference_window: Duration,
    /// Sparse look-ahead for the next rank point: 30 days (§4.3 step 5).
    pub look_ahead: Duration,
    /// IQR fence multiplier for outlier sales: 1.5 (§4.3 step 8).
    pub iqr_multiplier: f64,
    /// Sales needed for peak/trough seasons; fewer use the sparse median: 3 (§4.4).
    pub min_sales_for_seasons: usize,
    /// List at is capped to this share of the lowest Amazon price: 0.90 (§4.4 step 1).
    pub amazon_ceiling_ratio: f64,
    /// List at above this is rejected outright: $1,500 (§4.4 step 2).
    pub hard_cap: Cents,
    /// List at over this multiple of the current used price is suspicious: 3.0 (§4.4 step 3).
    pub suspicious_ratio: f64,
    /// Products ranked worse than this never get the AI sales rescue: 2,000,000 (§7).
    pub ai_rescue_rank_cutoff: i64,
    /// Seller shipping assumed for a merchant offer that does not state it, or when no offer
    /// matches the stats price: $3.99, the production shipping estimate (§4.2 step 2–3).
    pub default_seller_shipping: Cents,
    /// Keepa budget and maintenance rules (§3.3–3.6).
    pub ingest: IngestPolicy,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            history_window: days(1095),
            inference_window: hours(240),
            look_ahead: days(30),
            iqr_multiplier: 1.5,
            min_sales_for_seasons: 3,
            amazon_ceiling_ratio: 0.90,
            hard_cap: Cents::dollars(1500, 0),
            suspicious_ratio: 3.0,
            ai_rescue_rank_cutoff: 2_000_000,
            default_seller_shipping: Cents(399),
            ingest: IngestPolicy::default(),
        }
    }
}
