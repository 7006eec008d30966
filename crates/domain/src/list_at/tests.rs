use super::*;
use crate::fixtures::{DAY, NOW, at, stat_vector};
use crate::keepa::StatVector;
use crate::sales::OfferClass;
use crate::time::UnixSeconds;

/// `NOW` is 2025-06-15, so 30 days back is mid-May and 150 days back mid-January.
const MAY: i64 = -30 * DAY;
const JANUARY: i64 = -150 * DAY;
const MARCH: i64 = -95 * DAY;

fn sale(offset: i64, price: i64) -> SaleEvent {
    SaleEvent { at: at(offset), price: Cents(price), offer_class: OfferClass::Used }
}

fn stats(current: &[(CsvType, i64)], avg180: &[(CsvType, i64)]) -> Stats {
    Stats { current: stat_vector(current), avg180: stat_vector(avg180), ..Stats::default() }
}

fn month(number: u8) -> Month {
    Month::new(number).unwrap()
}

#[test]
fn months_of_the_fixture_offsets() {
    assert_eq!(UnixSeconds(NOW.0 + MAY).month(), month(5));
    assert_eq!(UnixSeconds(NOW.0 + JANUARY).month(), month(1));
    assert_eq!(UnixSeconds(NOW.0 + MARCH).month(), month(3));
}

#[test]
fn no_sales_means_no_list_at_even_with_valid_stats() {
    let valid = stats(&[(CsvType::Used, 2000)], &[(CsvType::Used, 2500)]);
    let list_at = recommend_list_at(&[], Some(&valid), &AnalysisConfig::default());
    assert_eq!(list_at, ListAt { price: None, source: ListAtSource::None, check: None, seasons: None });
}

#[test]
fn three_may_sales_of_20_dollars_give_2000_with_peak_may() {
    let sales = [sale(MAY, 2000), sale(MAY + DAY, 2000), sale(MAY + 2 * DAY, 2000)];
    let market = stats(&[(CsvType::Amazon, 10_000), (CsvType::Used, 10_000)], &[]);
    let list_at = recommend_list_at(&sales, Some(&market), &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(2000)));
    assert_eq!(list_at.source, ListAtSource::Inferred);
    assert_eq!(list_at.check, Some(PriceCheck::AiReview { suspicious: false }), "the AI is asked here");
    let seasons = list_at.seasons.unwrap();
    assert_eq!((seasons.peak_month.abbreviation(), seasons.trough_month.abbreviation()), ("May", "May"));
}

#[test]
fn two_sales_give_the_sparse_median_without_ai() {
    let no_data = Stats { current: StatVector(vec![Some(-1); 30]), ..Stats::default() };
    let list_at = recommend_list_at(&[sale(MAY, 2000), sale(JANUARY, 3000)], Some(&no_data), &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(2500)));
    assert_eq!(list_at.source, ListAtSource::InferredSparse);
    assert_eq!(list_at.check, Some(PriceCheck::SparseAccepted));
    assert_eq!(list_at.seasons, None);
}

#[test]
fn one_sale_with_null_stats_does_not_crash() {
    let nulls = Stats { current: StatVector(vec![None; 30]), avg180: StatVector(vec![None; 30]), ..Stats::default() };
    let list_at = recommend_list_at(&[sale(MAY, 1500)], Some(&nulls), &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(1500)));
    assert_eq!(recommend_list_at(&[sale(MAY, 1500)], None, &AnalysisConfig::default()).price, Some(Cents(1500)));
}

#[test]
fn amazon_ceiling_caps_the_peak_mode() {
    // Peak mode 6000; Amazon current 5000 and avg180 5500 → ceiling 0.9 × 5000 = 4500.
    let sales = [sale(MAY, 6000), sale(MAY + DAY, 6000), sale(MAY + 2 * DAY, 7000)];
    let market = stats(&[(CsvType::Amazon, 5000)], &[(CsvType::Amazon, 5500)]);
    let list_at = recommend_list_at(&sales, Some(&market), &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(4500)));
    assert_eq!(list_at.check, Some(PriceCheck::CappedByAmazonCeiling));
}

#[test]
fn suspicious_sparse_price_forces_the_ai_question() {
    // Sparse median 9000 against a current used price of 2500: ratio 3.6 > 3.0.
    let market = stats(&[(CsvType::Used, 2500)], &[]);
    let list_at = recommend_list_at(&[sale(MAY, 9000)], Some(&market), &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(9000)));
    assert_eq!(list_at.check, Some(PriceCheck::AiReview { suspicious: true }));
}

#[test]
fn prices_above_the_hard_cap_are_rejected() {
    let sales = [sale(MAY, 160_000), sale(MAY + DAY, 160_000), sale(MAY + 2 * DAY, 160_000)];
    let list_at = recommend_list_at(&sales, None, &AnalysisConfig::default());
    assert_eq!((list_at.price, list_at.check), (None, Some(PriceCheck::RejectedAboveHardCap)));
    // An Amazon ceiling that is itself above the cap does not rescue it.
    let market = stats(&[(CsvType::Amazon, 170_000)], &[]);
    assert_eq!(recommend_list_at(&sales, Some(&market), &AnalysisConfig::default()).price, None);
}

#[test]
fn peak_uses_the_mode_and_trough_the_median() {
    let sales = [
        sale(JANUARY, 1000),
        sale(JANUARY + DAY, 1200),
        sale(MARCH, 2000),
        sale(MAY, 3000),
        sale(MAY + DAY, 3000),
        sale(MAY + 2 * DAY, 3500),
    ];
    let list_at = recommend_list_at(&sales, None, &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(3000)));
    let seasons = list_at.seasons.unwrap();
    assert_eq!((seasons.peak_month, seasons.trough_month), (month(5), month(1)));
    assert_eq!(seasons.expected_trough, Cents(1100));
}

#[test]
fn three_sales_in_three_months_peak_at_the_single_highest_sale() {
    let sales = [sale(JANUARY, 1000), sale(MARCH, 2500), sale(MAY, 1800)];
    let list_at = recommend_list_at(&sales, None, &AnalysisConfig::default());
    assert_eq!(list_at.price, Some(Cents(2500)));
    assert_eq!(list_at.seasons.unwrap().peak_month, month(3));
}

#[test]
fn equal_medians_pick_the_earlier_month() {
    let sales = [sale(JANUARY, 2000), sale(MARCH, 2000), sale(MAY, 2000)];
    let seasons = recommend_list_at(&sales, None, &AnalysisConfig::default()).seasons.unwrap();
    assert_eq!((seasons.peak_month, seasons.trough_month), (month(1), month(1)));
}
