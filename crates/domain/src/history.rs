//! A compact chart history per product (DOMAIN §2.6 [REWRITE]: the dashboard draws charts
//! from the database, without calling Keepa).
//!
//! Three years of Keepa history can hold tens of thousands of points per series. Each series is
//! cut to the window, runs of equal values are collapsed (Keepa series are step functions), and
//! if still too long the window is split into equal time buckets keeping each bucket's lowest
//! and highest point — the dips that make a deal and the peaks that set List at survive, where
//! plain sampling would drop them. Inferred sales are listed with their outlier flag.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::keepa::{CsvType, HistoryPoint, Product};
use crate::sales::InferredSales;
use crate::time::UnixSeconds;

/// At most this many points per series (two per bucket).
pub const MAX_POINTS_PER_SERIES: usize = 400;

/// `[unix_seconds, value]`; value `null` = no offer / no data (a gap in the line).
pub type ChartPoint = (UnixSeconds, Option<i64>);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartHistory {
    pub used: Vec<ChartPoint>,
    pub new: Vec<ChartPoint>,
    pub amazon: Vec<ChartPoint>,
    pub sales_rank: Vec<ChartPoint>,
    pub used_offers: Vec<ChartPoint>,
    pub new_offers: Vec<ChartPoint>,
    pub sales: Vec<ChartSale>,
}

/// An inferred sale as drawn on the chart: `[unix_seconds, cents, is_outlier]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartSale(pub UnixSeconds, pub i64, pub bool);

impl ChartHistory {
    /// The chart of `window` up to `now` (the analysis uses 1095 days).
    pub fn build(product: &Product, sales: &InferredSales, now: UnixSeconds, window: Duration) -> ChartHistory {
        let start = now - window;
        let series = |kind: CsvType| downsample(product.series(kind), start, now, MAX_POINTS_PER_SERIES);
        let mut chart_sales: Vec<ChartSale> = sales
            .sane
            .iter()
            .map(|sale| ChartSale(sale.at, sale.price.0, false))
            .chain(sales.outliers.iter().map(|sale| ChartSale(sale.at, sale.price.0, true)))
            .filter(|sale| sale.0 >= start)
            .collect();
        chart_sales.sort_by_key(|sale| sale.0);
        ChartHistory {
            used: series(CsvType::Used),
            new: series(CsvType::New),
            amazon: series(CsvType::Amazon),
            sales_rank: series(CsvType::SalesRank),
            used_offers: series(CsvType::CountUsed),
            new_offers: series(CsvType::CountNew),
            sales: chart_sales,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("chart history is plain data")
    }
}

/// The points of `[start, end]` (plus the state at `start`), collapsed and bucketed to at most
/// `max_points`.
fn downsample(points: &[HistoryPoint], start: UnixSeconds, end: UnixSeconds, max_points: usize) -> Vec<ChartPoint> {
    let first_inside = points.partition_point(|point| point.at < start);
    // The value in force when the window opens, so the line does not start empty.
    let opening = first_inside.checked_sub(1).map(|index| (start, points[index].value));
    let mut collapsed: Vec<ChartPoint> = Vec::with_capacity(points.len() - first_inside + 1);
    for point in opening.into_iter().chain(points[first_inside..].iter().map(|point| (point.at, point.value))) {
        if collapsed.last().is_none_or(|last| last.1 != point.1) {
            collapsed.push(point);
        }
    }
    if collapsed.len() <= max_points {
        return collapsed;
    }

    let buckets = (max_points / 2) as i64;
    let span = (end.seconds_since(start) / buckets).max(1);
    let mut kept = Vec::with_capacity(max_points);
    for bucket in collapsed.chunk_by(|a, b| (a.0.seconds_since(start) / span) == (b.0.seconds_since(start) / span)) {
        let valued = bucket.iter().filter(|point| point.1.is_some());
        match (valued.clone().min_by_key(|point| point.1), valued.max_by_key(|point| point.1)) {
            (Some(low), Some(high)) if low.0 == high.0 => kept.push(*low),
            (Some(low), Some(high)) => kept.extend(if low.0 < high.0 { [*low, *high] } else { [*high, *low] }),
            // Only gaps in this bucket: keep one gap marker.
            _ => kept.push(bucket[0]),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AnalysisConfig;
    use crate::fixtures::{DAY, HOUR, NOW, ProductBuilder, at, realistic_textbook};
    use crate::sales::infer_sales;
    use crate::time::days;

    #[test]
    fn three_years_of_history_fit_the_point_budget_and_keep_extremes() {
        let product = realistic_textbook(3, NOW);
        let sales = infer_sales(&product, NOW, &AnalysisConfig::default());
        let chart = ChartHistory::build(&product, &sales, NOW, days(1095));
        for series in [&chart.used, &chart.new, &chart.amazon, &chart.sales_rank, &chart.used_offers, &chart.new_offers] {
            assert!(series.len() <= MAX_POINTS_PER_SERIES, "{}", series.len());
            assert!(series.windows(2).all(|pair| pair[0].0 <= pair[1].0), "time order");
        }
        assert!(product.series(CsvType::SalesRank).len() > 5 * MAX_POINTS_PER_SERIES);
        let best_rank = product.series(CsvType::SalesRank).iter().filter_map(|p| p.value).min();
        assert_eq!(chart.sales_rank.iter().filter_map(|p| p.1).min(), best_rank, "the best rank survives");
        assert_eq!(chart.sales.len(), sales.sane.len() + sales.outliers.len());
        assert!(chart.to_json().len() < 64 * 1024, "{} bytes", chart.to_json().len());
    }

    #[test]
    fn short_series_are_collapsed_not_sampled() {
        let product = ProductBuilder::new("0000000001")
            .series(CsvType::Used, &[(at(-2000 * DAY), 900), (at(-10 * DAY), 2000), (at(-9 * DAY), 2000), (at(-HOUR), -1)])
            .build();
        let chart = ChartHistory::build(&product, &InferredSales::default(), NOW, days(1095));
        assert_eq!(chart.used, [(NOW - days(1095), Some(900)), (at(-10 * DAY), Some(2000)), (at(-HOUR), None)]);
        assert!(chart.new.is_empty());
        assert_eq!(
            chart.to_json(),
            format!(r#"{{"used":[[{},900],[{},2000],[{},null]],"new":[],"amazon":[],"sales_rank":[],"used_offers":[],"new_offers":[],"sales":[]}}"#,
                (NOW - days(1095)).0, at(-10 * DAY).0, at(-HOUR).0)
        );
    }
}
