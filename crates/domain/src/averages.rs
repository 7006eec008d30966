//! One-year average clearing price, percent down, recent sale and the 3-year average
//! (DOMAIN §4.5, §4.9).
//!
//! The averages use sane inferred sales only. The original fell back to listing averages
//! (`stats.avg365`) when no sale fell in the last year; the spec recommends no fallback (§4.5
//! [REWRITE], §8 item 16), so here the average is simply unknown and the deal stays hidden.

use crate::money::Cents;
use crate::sales::{SaleEvent, prices};
use crate::statistics::mean;
use crate::time::{UnixSeconds, days};

/// Mean price of the sales of the last 365 days; `None` without such sales.
pub fn one_year_average(sales: &[SaleEvent], now: UnixSeconds) -> Option<Cents> {
    let year_ago = now - days(365);
    let recent: Vec<i64> = sales.iter().filter(|sale| sale.at >= year_ago).map(|sale| sale.price.0).collect();
    mean(&recent).map(Cents::rounded)
}

/// Mean of all sane sales (the "3-year average" given to the AI, §4.9).
pub fn three_year_average(sales: &[SaleEvent]) -> Option<Cents> {
    mean(&prices(sales)).map(Cents::rounded)
}

/// How far below the one-year average the buy price is, in percent; 0 when the price is at or
/// above it. Note the price includes seller shipping while the average is an item price (§4.5).
pub fn percent_down(price_now: Cents, one_year_average: Option<Cents>) -> Option<f64> {
    let average = one_year_average.filter(|average| average.is_positive())?;
    Some(if price_now <= average { (average - price_now).0 as f64 / average.0 as f64 * 100.0 } else { 0.0 })
}

/// Price of the latest sane sale (`Recent_Inferred_Sale_Price`).
pub fn recent_sale(sales: &[SaleEvent]) -> Option<Cents> {
    sales.iter().max_by_key(|sale| sale.at).map(|sale| sale.price)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AnalysisConfig;
    use crate::fixtures::{DAY, HOUR, NOW, ProductBuilder, at};
    use crate::keepa::CsvType;
    use crate::sales::{OfferClass, infer_sales};

    /// Hourly history over `span_days` ending `end_offset` from now, with five offer drops each
    /// followed one hour later by a rank drop (their `test_1yr_avg_logic`).
    fn hourly_history_with_five_sales(span_days: i64, sales_offset: i64) -> crate::keepa::Product {
        let start = -span_days * DAY;
        let (mut ranks, mut counts, mut prices) = (Vec::new(), Vec::new(), Vec::new());
        let mut offers = 20;
        for hour in 0..span_days * 24 {
            let t = start + hour * HOUR;
            let sale_slot = (0..5).find(|n| t == sales_offset + n * 7 * DAY);
            if sale_slot.is_some() {
                offers -= 1;
                counts.push((at(t), offers));
            }
            let just_sold = (0..5).any(|n| t == sales_offset + n * 7 * DAY + HOUR);
            ranks.push((at(t), if just_sold { 50_000 } else { 400_000 }));
            if hour % 24 == 0 {
                prices.push((at(t), 3000 + hour % 7 * 100));
            }
        }
        counts.insert(0, (at(start), 20));
        ProductBuilder::new("0000000001")
            .series(CsvType::SalesRank, &ranks)
            .series(CsvType::CountUsed, &counts)
            .series(CsvType::Used, &prices)
            .build()
    }

    #[test]
    fn five_recent_sales_give_a_positive_one_year_average() {
        let product = hourly_history_with_five_sales(120, -100 * DAY);
        let sales = infer_sales(&product, NOW, &AnalysisConfig::default());
        assert_eq!(sales.sane.len(), 5);
        assert!(one_year_average(&sales.sane, NOW).unwrap().is_positive());
    }

    #[test]
    fn sales_only_400_days_ago_give_no_one_year_average() {
        let product = hourly_history_with_five_sales(500, -400 * DAY);
        let sales = infer_sales(&product, NOW, &AnalysisConfig::default());
        assert_eq!(sales.sane.len(), 5, "the events are found");
        assert_eq!(one_year_average(&sales.sane, NOW), None);
    }

    #[test]
    fn no_sales_no_average() {
        assert_eq!(one_year_average(&[], NOW), None);
        assert_eq!(three_year_average(&[]), None);
        assert_eq!(recent_sale(&[]), None);
    }

    #[test]
    fn three_year_average_of_1000_2000_3000_is_2000() {
        let sales: Vec<SaleEvent> = [1000, 2000, 3000]
            .iter()
            .enumerate()
            .map(|(n, &price)| SaleEvent { at: at(-(n as i64) * 300 * DAY), price: Cents(price), offer_class: OfferClass::Used })
            .collect();
        assert_eq!(three_year_average(&sales), Some(Cents(2000)));
        assert_eq!(recent_sale(&sales), Some(Cents(1000)));
        assert_eq!(one_year_average(&sales, NOW), Some(Cents(1500)));
    }

    #[test]
    fn percent_down_of_the_traced_asin() {
        // 1yr avg $54.38, price $40.00 → 26.4 %.
        let down = percent_down(Cents(4000), Some(Cents(5438))).unwrap();
        assert!((down - 26.44).abs() < 0.01, "{down}");
        assert_eq!(percent_down(Cents(6000), Some(Cents(5438))), Some(0.0));
        assert_eq!(percent_down(Cents(4000), None), None);
        assert_eq!(percent_down(Cents(4000), Some(Cents::ZERO)), None);
    }
}
