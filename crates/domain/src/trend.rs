//! Price and offer directions (DOMAIN §4.7) and the long-term sales trend for the AI (§4.9).
//!
//! The recent price trend follows the *used* price only and sizes its sample by the 365-day
//! average *sales rank*: the original mixed new and used prices (the arrow flipped between price
//! levels) and read the rank from the Amazon-price slot (§8 item 27).

use serde::{Deserialize, Serialize};

use crate::keepa::{CsvType, Product};
use crate::sales::SaleEvent;

/// Direction of a value over time (`deals.trend`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

impl Direction {
    fn between(first: f64, last: f64) -> Direction {
        if last > first {
            Direction::Up
        } else if last < first {
            Direction::Down
        } else {
            Direction::Flat
        }
    }
}

/// Direction of the last few distinct used prices: 10 of them for fast sellers (avg rank
/// < 100k), 5 below 500k, else 3; Flat with fewer than two.
pub fn price_trend(product: &Product) -> Direction {
    let avg_rank = product.stats.as_ref().and_then(|stats| stats.avg365.get(CsvType::SalesRank));
    let sample = match avg_rank {
        Some(rank) if rank < 100_000 => 10,
        Some(rank) if rank < 500_000 => 5,
        _ => 3,
    };
    let mut distinct: Vec<i64> = Vec::with_capacity(sample);
    for price in product.series(CsvType::Used).iter().rev().filter_map(|point| point.value).filter(|&price| price > 0) {
        if distinct.last() != Some(&price) {
            distinct.push(price);
            if distinct.len() == sample {
                break;
            }
        }
    }
    match (distinct.last(), distinct.first()) {
        (Some(&oldest), Some(&newest)) if distinct.len() >= 2 => Direction::between(oldest as f64, newest as f64),
        _ => Direction::Flat,
    }
}

/// Competition direction: current used offers against an average (§4.7 offer arrows, and the
/// Prime Picks offer trend of §4.10); `None` without both numbers.
pub fn offer_direction(current: Option<i64>, average: Option<i64>) -> Option<Direction> {
    Some(Direction::between(average? as f64, current? as f64))
}

/// The long-term price trend over the sales (§4.9), as the percent change of a least-squares
/// line between the first and the last sale.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LongTermTrend {
    /// Fewer than 3 sales.
    InsufficientData,
    Measured { direction: Direction, percent: f64 },
}

impl LongTermTrend {
    /// The text given to the AI (§4.9): `UP (12.3% over 3 years)`, `FLAT (…)`, `Insufficient data`.
    pub fn description(&self) -> String {
        match self {
            LongTermTrend::InsufficientData => "Insufficient data".to_owned(),
            LongTermTrend::Measured { direction, percent } => {
                let word = match direction {
                    Direction::Up => "UP",
                    Direction::Down => "DOWN",
                    Direction::Flat => "FLAT",
                };
                format!("{word} ({percent:.1}% over 3 years)")
            }
        }
    }
}

/// A change beyond ±5 % counts as a direction.
const LONG_TERM_THRESHOLD_PCT: f64 = 5.0;

pub fn long_term_trend(sales: &[SaleEvent]) -> LongTermTrend {
    if sales.len() < 3 {
        return LongTermTrend::InsufficientData;
    }
    let origin = sales[0].at.0 as f64;
    let points: Vec<(f64, f64)> = sales.iter().map(|sale| (sale.at.0 as f64 - origin, sale.price.0 as f64)).collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let covariance: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let variance: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = if variance > 0.0 { covariance / variance } else { 0.0 };
    let fit = |x: f64| mean_y + slope * (x - mean_x);
    let (start, end) = (fit(points[0].0), fit(points[points.len() - 1].0));
    if start <= 0.0 {
        return LongTermTrend::Measured { direction: Direction::Flat, percent: 0.0 };
    }
    let percent = (end - start) / start * 100.0;
    let direction = if percent > LONG_TERM_THRESHOLD_PCT {
        Direction::Up
    } else if percent < -LONG_TERM_THRESHOLD_PCT {
        Direction::Down
    } else {
        Direction::Flat
    };
    LongTermTrend::Measured { direction, percent }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, ProductBuilder, at, stat_vector};
    use crate::money::Cents;
    use crate::sales::OfferClass;

    fn sales(prices: &[i64]) -> Vec<SaleEvent> {
        prices
            .iter()
            .enumerate()
            .map(|(n, &price)| SaleEvent { at: at(-1000 * DAY + n as i64 * 500 * DAY), price: Cents(price), offer_class: OfferClass::Used })
            .collect()
    }

    fn direction(trend: LongTermTrend) -> Direction {
        match trend {
            LongTermTrend::Measured { direction, .. } => direction,
            LongTermTrend::InsufficientData => panic!("expected a measured trend"),
        }
    }

    #[test]
    fn long_term_up_down_flat() {
        assert_eq!(direction(long_term_trend(&sales(&[1000, 1500, 2000]))), Direction::Up);
        assert_eq!(direction(long_term_trend(&sales(&[2000, 1500, 1000]))), Direction::Down);
        assert_eq!(direction(long_term_trend(&sales(&[1000, 1010, 990]))), Direction::Flat);
        assert_eq!(long_term_trend(&sales(&[1000, 2000])), LongTermTrend::InsufficientData);
        match long_term_trend(&sales(&[1000, 1500, 2000])) {
            LongTermTrend::Measured { percent, .. } => assert!((percent - 100.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert_eq!(long_term_trend(&sales(&[1000, 1500, 2000])).description(), "UP (100.0% over 3 years)");
        assert_eq!(LongTermTrend::InsufficientData.description(), "Insufficient data");
    }

    fn used_prices(prices: &[i64], avg365_rank: i64) -> Product {
        let points: Vec<_> = prices.iter().enumerate().map(|(n, &p)| (at(-100 * DAY + n as i64 * DAY), p)).collect();
        ProductBuilder::new("0000000001")
            .series(CsvType::Used, &points)
            .stats(|stats| stats.avg365 = stat_vector(&[(CsvType::Amazon, 50), (CsvType::SalesRank, avg365_rank)]))
            .build()
    }

    #[test]
    fn price_trend_sample_follows_the_sales_rank_not_the_amazon_price() {
        // Last 3 distinct prices rise (2000 → 2100 → 2200); the last 5 fall overall (3000 → 2200).
        let prices = [3000, 2900, 2000, 2100, 2100, 2200];
        assert_eq!(price_trend(&used_prices(&prices, 1_000_000)), Direction::Up);
        assert_eq!(price_trend(&used_prices(&prices, 200_000)), Direction::Down);
    }

    #[test]
    fn price_trend_ignores_missing_prices_and_needs_two_points() {
        assert_eq!(price_trend(&used_prices(&[2000, -1, 1500], 1_000_000)), Direction::Down);
        assert_eq!(price_trend(&used_prices(&[2000, 2000], 1_000_000)), Direction::Flat);
        assert_eq!(price_trend(&used_prices(&[], 1_000_000)), Direction::Flat);
    }

    #[test]
    fn offer_direction_compares_now_with_the_average() {
        assert_eq!(offer_direction(Some(12), Some(10)), Some(Direction::Up));
        assert_eq!(offer_direction(Some(8), Some(10)), Some(Direction::Down));
        assert_eq!(offer_direction(Some(10), Some(10)), Some(Direction::Flat));
        assert_eq!(offer_direction(Some(10), None), None);
    }
}
