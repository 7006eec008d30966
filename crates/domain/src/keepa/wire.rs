//! Keepa's JSON exactly as it arrives (DOMAIN §3.1–3.2): every field optional, unknown fields
//! ignored. Conversion into the validated model happens in the sibling modules, so the rest of
//! the crate never sees a `-1` or a missing array.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Any Keepa response: the token fields every endpoint returns (§3.1) plus the payload of
/// `/product`, `/deal` or `/seller`. One struct instead of `#[serde(flatten)]`, which would buffer
/// the whole payload and lose the field paths of errors.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Response {
    pub timestamp: Option<i64>,
    pub tokens_left: Option<i64>,
    pub refill_in: Option<i64>,
    pub refill_rate: Option<f64>,
    pub tokens_consumed: Option<i64>,
    pub error: Option<serde_json::Value>,
    pub products: Option<Vec<Product>>,
    pub deals: Option<DealPage>,
    pub sellers: Option<BTreeMap<String, Seller>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Product {
    pub asin: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub manufacturer: Option<String>,
    pub binding: Option<String>,
    pub number_of_pages: Option<i64>,
    pub publication_date: Option<super::publication::RawDate>,
    pub release_date: Option<super::publication::RawDate>,
    pub package_weight: Option<i64>,
    #[serde(rename = "imagesCSV")]
    pub images_csv: Option<String>,
    pub category_tree: Option<Vec<Category>>,
    pub tracking_since: Option<i64>,
    pub last_update: Option<i64>,
    pub fba_fees: Option<FbaFees>,
    pub referral_fee_percentage: Option<f64>,
    pub referral_fee_percent: Option<f64>,
    pub csv: Option<Vec<Option<Vec<i64>>>>,
    pub stats: Option<Stats>,
    pub offers: Option<Vec<Offer>>,
}

#[derive(Deserialize)]
pub(super) struct Category {
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FbaFees {
    pub pick_and_pack_fee: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Stats {
    pub current: Option<Vec<Option<i64>>>,
    pub avg30: Option<Vec<Option<i64>>>,
    pub avg90: Option<Vec<Option<i64>>>,
    pub avg180: Option<Vec<Option<i64>>>,
    pub avg365: Option<Vec<Option<i64>>>,
    pub sales_rank_drops30: Option<i64>,
    pub sales_rank_drops90: Option<i64>,
    pub sales_rank_drops180: Option<i64>,
    pub sales_rank_drops365: Option<i64>,
    #[serde(rename = "offerCountFBA")]
    pub offer_count_fba: Option<i64>,
    #[serde(rename = "offerCountFBM")]
    pub offer_count_fbm: Option<i64>,
    pub total_offer_count: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Offer {
    pub seller_id: Option<String>,
    pub condition: Option<i64>,
    #[serde(rename = "isFBA")]
    pub is_fba: Option<bool>,
    #[serde(rename = "offerCSV")]
    pub offer_csv: Option<Vec<i64>>,
}

#[derive(Deserialize)]
pub(super) struct DealPage {
    pub dr: Option<Vec<Deal>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Deal {
    pub asin: Option<String>,
    pub title: Option<String>,
    pub last_update: Option<i64>,
    pub creation_date: Option<i64>,
    pub current: Option<Vec<Option<i64>>>,
    pub current_since: Option<Vec<Option<i64>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Seller {
    pub seller_name: Option<String>,
    pub current_rating: Option<i64>,
    pub current_rating_count: Option<i64>,
    pub csv: Option<Vec<Option<Vec<i64>>>>,
}
