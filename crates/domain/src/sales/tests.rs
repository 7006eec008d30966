use super::*;
use crate::fixtures::{DAY, HOUR, MINUTE, NOW, ProductBuilder, at};

fn config() -> AnalysisConfig {
    AnalysisConfig::default()
}

/// A product whose used offers drop from 10 to 9 at `drop_at` and whose rank moves from 500k to
/// 100k at `rank_at`, used price $20 throughout.
fn drop_then_rank(drop_at: i64, rank_at: i64) -> Product {
    ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &[(at(drop_at - DAY), 500_000), (at(rank_at), 100_000)])
        .series(CsvType::CountUsed, &[(at(drop_at - DAY), 10), (at(drop_at), 9)])
        .series(CsvType::Used, &[(at(drop_at - 2 * DAY), 2000)])
        .build()
}

#[test]
fn synchronous_offer_and_rank_drop_is_one_sale_at_the_drop() {
    let t1 = -10 * DAY;
    let sales = infer_sales(&drop_then_rank(t1, t1), NOW, &config());
    assert_eq!(sales.offer_drops, 1);
    assert_eq!(sales.sane, [SaleEvent { at: at(t1), price: Cents(2000), offer_class: OfferClass::Used }]);
}

#[test]
fn rank_drop_560_minutes_later_confirms_the_sale_at_offer_time() {
    let t1 = -10 * DAY;
    let sales = infer_sales(&drop_then_rank(t1, t1 + 560 * MINUTE), NOW, &config());
    assert_eq!(sales.sane.len(), 1);
    assert_eq!(sales.sane[0].at, at(t1));
}

#[test]
fn rank_drop_after_the_window_but_within_the_look_ahead_is_a_sparse_sale() {
    let t1 = -60 * DAY;
    let sales = infer_sales(&drop_then_rank(t1, t1 + 20 * DAY), NOW, &config());
    assert_eq!(sales.sane.len(), 1);
    let too_late = infer_sales(&drop_then_rank(t1, t1 + 31 * DAY), NOW, &config());
    assert!(too_late.sane.is_empty());
    assert_eq!(too_late.offer_drops, 1, "the drop still counts toward deal trust");
}

#[test]
fn offer_drop_without_rank_improvement_is_a_delisting() {
    let product = ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &[(at(-30 * DAY), 100_000), (at(-9 * DAY), 150_000), (at(-5 * DAY), 200_000)])
        .series(CsvType::CountUsed, &[(at(-30 * DAY), 10), (at(-10 * DAY), 9)])
        .series(CsvType::Used, &[(at(-30 * DAY), 2000)])
        .build();
    let sales = infer_sales(&product, NOW, &config());
    assert_eq!((sales.sane.len(), sales.offer_drops), (0, 1));
}

#[test]
fn new_offer_drops_are_priced_from_the_new_series() {
    let product = ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &[(at(-30 * DAY), 500_000), (at(-10 * DAY + HOUR), 90_000)])
        .series(CsvType::CountNew, &[(at(-30 * DAY), 3), (at(-10 * DAY), 2)])
        .series(CsvType::New, &[(at(-40 * DAY), 5500)])
        .series(CsvType::Used, &[(at(-40 * DAY), 2000)])
        .build();
    let sales = infer_sales(&product, NOW, &config());
    assert_eq!(sales.sane, [SaleEvent { at: at(-10 * DAY), price: Cents(5500), offer_class: OfferClass::New }]);
}

/// A sale at `t1` (offers and rank drop together) with the given used price points.
fn sale_with_prices(t1: i64, used_prices: &[(UnixSeconds, i64)]) -> Product {
    ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &[(at(t1 - DAY), 500_000), (at(t1), 100_000)])
        .series(CsvType::CountUsed, &[(at(t1 - DAY), 10), (at(t1), 9)])
        .series(CsvType::Used, used_prices)
        .build()
}

#[test]
fn the_nearest_price_point_prices_the_sale() {
    let t1 = -10 * DAY;
    let product = sale_with_prices(t1, &[(at(t1 - 2 * HOUR), 2500), (at(t1 + 3 * HOUR), 9900)]);
    assert_eq!(infer_sales(&product, NOW, &config()).sane[0].price, Cents(2500));
}

#[test]
fn a_nearest_point_without_price_discards_the_sale() {
    let t1 = -10 * DAY;
    let product = sale_with_prices(t1, &[(at(t1 - 2 * HOUR), 2500), (at(t1 + HOUR), -1)]);
    let sales = infer_sales(&product, NOW, &config());
    assert!(sales.sane.is_empty());
    assert_eq!(sales.offer_drops, 1);
}

#[test]
fn history_older_than_three_years_is_ignored() {
    let sales = infer_sales(&drop_then_rank(-1100 * DAY, -1100 * DAY), NOW, &config());
    assert_eq!((sales.sane.len(), sales.offer_drops), (0, 0));
}

#[test]
fn too_little_history_gives_no_sales() {
    let product = ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &[(at(-DAY), 100_000)])
        .series(CsvType::CountUsed, &[(at(-2 * DAY), 10), (at(-DAY), 9)])
        .build();
    assert_eq!(infer_sales(&product, NOW, &config()), InferredSales::default());
}

#[test]
fn iqr_fence_removes_the_9000_outlier() {
    // Five confirmed sales priced 1000, 1100, 1200, 1300 and 9000: Q1 1100, Q3 1300, fence [800, 1600].
    let prices = [1000, 1100, 1200, 1300, 9000];
    let mut ranks = vec![(at(-100 * DAY), 900_000)];
    let mut counts = vec![(at(-100 * DAY), 20)];
    let mut price_points = Vec::new();
    for (n, price) in prices.iter().enumerate() {
        let t = -90 * DAY + n as i64 * 10 * DAY;
        counts.push((at(t), 19 - n as i64));
        ranks.push((at(t + HOUR), 100_000 - n as i64 * 1000));
        ranks.push((at(t + 5 * DAY), 900_000));
        price_points.push((at(t - MINUTE), *price));
    }
    let product = ProductBuilder::new("0000000001")
        .series(CsvType::SalesRank, &ranks)
        .series(CsvType::CountUsed, &counts)
        .series(CsvType::Used, &price_points)
        .build();
    let sales = infer_sales(&product, NOW, &config());
    assert_eq!(prices_of(&sales.sane), [1000, 1100, 1200, 1300]);
    assert_eq!(prices_of(&sales.outliers), [9000]);
    assert_eq!(sales.offer_drops, 5);
}

fn prices_of(events: &[SaleEvent]) -> Vec<i64> {
    events.iter().map(|event| event.price.0).collect()
}

#[test]
fn rescue_is_eligible_only_without_sales_and_below_the_rank_cutoff() {
    let none = InferredSales::default();
    assert!(sales_rescue_eligible(&none, Some(500_000), &config()));
    assert!(!sales_rescue_eligible(&none, Some(3_000_000), &config()), "rank 3M is skipped without AI");
    assert!(!sales_rescue_eligible(&none, None, &config()));
    let found = infer_sales(&drop_then_rank(-DAY, -DAY), NOW, &config());
    assert!(!sales_rescue_eligible(&found, Some(500_000), &config()));
}
