//! The full per-product pipeline (DOMAIN §4, stored figures of the `deals` row in §2.6).
//!
//! [`analyze_assisted`] turns one Keepa product with history into every figure the ingest job
//! stores, computing inferred sales once and passing them to every consumer (§8 item 22), and
//! asking the injected [`Assistant`] the three AI questions where they apply (sales rescue →
//! price review → seasonality, each fed by the previous figures). [`analyze`] is the same
//! pipeline on the non-AI path ([`Offline`]). Settings-
//! dependent figures are not stored here: [`Analysis::economics_inputs`] holds what the deals API
//! needs to compute them per user (see `fees`). [`market_snapshot`] is the history-free part,
//! shared with the light update of deals already stored (§3.4), so both write paths compute the
//! same fields the same way (§8 items 7–9).

use serde::Serialize;

use crate::assist::{Assistant, Offline, classify_season, now_or_never, rescue_sales, review_price};
use crate::averages::{one_year_average, percent_down, recent_sale};
use crate::buy_offer::{BuyOffer, choose_buy_offer};
use crate::config::AnalysisConfig;
use crate::fees::DealEconomicsInputs;
use crate::keepa::{CsvType, Product};
use crate::list_at::{ListAt, ListAtReview, recommend_list_at};
use crate::money::Cents;
use crate::sales::{InferredSales, SalesSource, infer_sales};
use crate::seasonality::{Seasonality, SeasonalitySource};
use crate::time::UnixSeconds;
use crate::trend::{Direction, price_trend};
use crate::trust::deal_trust;

/// What a product says about the market now, without history (stats and live offers).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MarketSnapshot {
    /// `None`: Keepa has no used or new price; the full pipeline drops such a deal and a light
    /// update keeps the stored price.
    pub buy_offer: Option<BuyOffer>,
    pub sales_rank: Option<i64>,
    pub sales_rank_avg180: Option<i64>,
    pub sales_rank_avg365: Option<i64>,
    pub drops30: Option<i64>,
    pub drops180: Option<i64>,
    pub drops365: Option<i64>,
    pub used_offers_now: Option<i64>,
    pub used_offers_avg30: Option<i64>,
    pub used_offers_avg90: Option<i64>,
    pub used_offers_avg180: Option<i64>,
    pub used_offers_avg365: Option<i64>,
    pub new_offers_now: Option<i64>,
    /// Amazon itself has an offer now (the "AMZ" warning).
    pub amazon_selling: bool,
}

pub fn market_snapshot(product: &Product, now: UnixSeconds, config: &AnalysisConfig) -> MarketSnapshot {
    let buy_offer = choose_buy_offer(product, now, config.default_seller_shipping);
    let latest_rank = product.series(CsvType::SalesRank).iter().rev().find_map(|point| point.value);
    let Some(stats) = product.stats.as_ref() else {
        return MarketSnapshot { buy_offer, sales_rank: latest_rank, ..MarketSnapshot::default() };
    };
    MarketSnapshot {
        buy_offer,
        sales_rank: stats.current.get(CsvType::SalesRank).or(latest_rank),
        sales_rank_avg180: stats.avg180.get(CsvType::SalesRank),
        sales_rank_avg365: stats.avg365.get(CsvType::SalesRank),
        drops30: stats.sales_rank_drops30,
        drops180: stats.sales_rank_drops180,
        drops365: stats.sales_rank_drops365,
        used_offers_now: stats.used_offer_count(),
        used_offers_avg30: stats.avg30.get(CsvType::CountUsed),
        used_offers_avg90: stats.avg90.get(CsvType::CountUsed),
        used_offers_avg180: stats.avg180.get(CsvType::CountUsed),
        used_offers_avg365: stats.avg365.get(CsvType::CountUsed),
        new_offers_now: stats.new_offer_count(),
        amazon_selling: stats.current.price(CsvType::Amazon).is_some(),
    }
}

/// Every stored figure of one deal, plus the inferred sale events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub asin: String,
    pub market: MarketSnapshot,
    /// Latest change of the used price series (`last_price_change_at`).
    pub last_price_change_at: Option<UnixSeconds>,
    pub sales: InferredSales,
    /// Inferred, rescued by the AI, or why a rescue did not happen (§4.3 step 7).
    pub sales_source: SalesSource,
    pub one_year_avg: Option<Cents>,
    pub percent_down: Option<f64>,
    pub trend: Direction,
    pub recent_sale: Option<Cents>,
    /// Price, source, the check applied, and peak/trough seasons.
    pub list_at: ListAt,
    /// The AI's verdict on the price where the rules asked for one (§4.4 step 4).
    pub list_at_review: ListAtReview,
    pub seasonality: Seasonality,
    pub seasonality_source: SeasonalitySource,
    /// Percent of offer drops that were sales; `None` without drops or for AI-rescued sales.
    pub deal_trust: Option<f64>,
    /// Inputs of the per-user economics; `None` without a buy offer.
    pub economics_inputs: Option<DealEconomicsInputs>,
}

impl Analysis {
    pub fn inferred_sales_count(&self) -> usize {
        self.sales.sane.len()
    }

    pub fn offer_drops_count(&self) -> usize {
        self.sales.offer_drops
    }

    pub fn sells_window(&self) -> &'static str {
        self.seasonality.sells_window()
    }
}

/// §4.2–4.8 for one product with `csv` history, as of `now`, on the non-AI path.
pub fn analyze(product: &Product, now: UnixSeconds, config: &AnalysisConfig) -> Analysis {
    now_or_never(analyze_assisted(product, now, config, &Offline)).expect("the offline assistant never waits")
}

/// §4.2–4.8 for one product with `csv` history, as of `now`, asking `assistant` where the spec
/// asks the AI (§4.3 step 7, §4.4 step 4, §4.6 step 5).
pub async fn analyze_assisted(product: &Product, now: UnixSeconds, config: &AnalysisConfig, assistant: &impl Assistant) -> Analysis {
    let market = market_snapshot(product, now, config);
    let inferred = infer_sales(product, now, config);
    let (sales, sales_source) = rescue_sales(product, inferred, market.sales_rank, now, config, assistant).await;
    let one_year_avg = one_year_average(&sales.sane, now);
    let candidate = recommend_list_at(&sales.sane, product.stats.as_ref(), config);
    let (list_at, list_at_review) = review_price(product, candidate, &sales.sane, assistant).await;
    let (seasonality, seasonality_source) = classify_season(product, list_at.seasons, assistant).await;
    let price_now = market.buy_offer.as_ref().map(|offer| offer.price_now);
    Analysis {
        asin: product.asin.clone(),
        last_price_change_at: std::iter::once(CsvType::Used)
            .chain(CsvType::USED_CONDITIONS)
            .filter_map(|series| product.series(series).last().map(|point| point.at))
            .max(),
        sales_source,
        percent_down: price_now.and_then(|price_now| percent_down(price_now, one_year_avg)),
        trend: price_trend(product),
        recent_sale: recent_sale(&sales.sane),
        deal_trust: if sales_source == SalesSource::AiRescue { None } else { deal_trust(sales.sane.len(), sales.offer_drops) },
        economics_inputs: price_now.map(|price_now| {
            DealEconomicsInputs::new(price_now, list_at.price, product.fba_pick_pack_fee, product.referral_fee_pct)
        }),
        one_year_avg,
        list_at,
        list_at_review,
        seasonality,
        seasonality_source,
        sales,
        market,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fees::{BusinessSettings, economics};
    use crate::fixtures::{DAY, HOUR, NOW, ProductBuilder, at, realistic_textbook, three_may_sales};
    use crate::list_at::{ListAtSource, PriceCheck};

    #[test]
    fn analysis_of_three_may_sales() {
        let analysis = analyze(&three_may_sales(), NOW, &AnalysisConfig::default());
        assert_eq!((analysis.inferred_sales_count(), analysis.offer_drops_count()), (3, 3));
        assert_eq!(analysis.deal_trust, Some(100.0));
        assert_eq!(analysis.list_at.price, Some(Cents(2000)));
        assert_eq!(analysis.list_at.source, ListAtSource::Inferred);
        assert_eq!(analysis.list_at.check, Some(PriceCheck::AiReview { suspicious: false }));
        assert_eq!(analysis.list_at_review, ListAtReview::Accepted, "no provider: accepted without review");
        assert_eq!(analysis.list_at.seasons.unwrap().peak_month.abbreviation(), "May");
        assert_eq!(analysis.one_year_avg, Some(Cents(2000)));
        assert_eq!(analysis.recent_sale, Some(Cents(2000)));
        assert_eq!(analysis.percent_down, Some(40.0));
        assert_eq!(analysis.trend, Direction::Down);
        assert_eq!(analysis.last_price_change_at, Some(at(-2 * DAY)));
        assert_eq!((analysis.seasonality, analysis.seasonality_source), (Seasonality::YearRound, SeasonalitySource::Default));
        assert_eq!(analysis.sells_window(), "All Year");
        assert_eq!(analysis.sales_source, SalesSource::Inferred);

        let market = &analysis.market;
        assert_eq!(market.sales_rank, Some(250_000));
        assert_eq!((market.used_offers_now, market.new_offers_now), (Some(7), Some(2)));
        assert!(market.amazon_selling);
        let offer = market.buy_offer.as_ref().unwrap();
        assert_eq!((offer.price_now, offer.seller_id.as_deref()), (Cents(1200), Some("A1FBA")));

        let inputs = analysis.economics_inputs.unwrap();
        assert_eq!(inputs, DealEconomicsInputs::new(Cents(1200), Some(Cents(2000)), None, None));
        // 1200 + 60 tax + 275 prep + 399 shipping; fees 550 + 300; profit 2000 − 1934 − 850.
        assert_eq!(economics(&inputs, &BusinessSettings::default()).profit, Cents(-784));
    }

    #[test]
    fn a_product_without_stats_or_history_yields_no_deal_figures() {
        let analysis = analyze(&ProductBuilder::new("0000000001").build(), NOW, &AnalysisConfig::default());
        assert_eq!(analysis.market, MarketSnapshot::default());
        assert_eq!(analysis.economics_inputs, None);
        assert_eq!(analysis.list_at.price, None);
        assert_eq!((analysis.deal_trust, analysis.one_year_avg, analysis.percent_down), (None, None, None));
        assert_eq!(analysis.sales_source, SalesSource::Inferred, "no rank: nothing to rescue");
        assert_eq!(analysis.list_at_review, ListAtReview::None);
    }

    #[test]
    fn rank_falls_back_to_the_last_history_point() {
        let product = ProductBuilder::new("0000000001").series(CsvType::SalesRank, &[(at(-DAY), 300_000), (at(-HOUR), -1)]).build();
        assert_eq!(market_snapshot(&product, NOW, &AnalysisConfig::default()).sales_rank, Some(300_000));
    }

    #[test]
    fn realistic_textbook_is_analysed_end_to_end() {
        let analysis = analyze(&realistic_textbook(7, NOW), NOW, &AnalysisConfig::default());
        assert!(analysis.inferred_sales_count() > 50, "{}", analysis.inferred_sales_count());
        assert!(analysis.offer_drops_count() >= analysis.inferred_sales_count());
        assert!(analysis.list_at.price.is_some_and(Cents::is_positive));
        assert!(analysis.one_year_avg.is_some());
        assert_eq!(analysis.seasonality, Seasonality::TextbookSummer);
        assert_eq!(analysis.economics_inputs.unwrap().fba_fee, Cents(625));
    }
}
