//! The evidence of the sales rescue (DOMAIN §6.2): the last ~100 days of sales rank, used price
//! and used offer count as a markdown table, one row whenever one of them changes, starting with
//! the state at the window's start. A model reads a short table far better than raw Keepa
//! arrays, and the row cap keeps the prompt (and its cost) bounded.

use std::time::Duration;

use crate::keepa::{CsvType, HistoryPoint, Product};
use crate::money::Cents;
use crate::time::{UnixSeconds, days};

/// How far back the table goes.
pub const EVIDENCE_WINDOW: Duration = days(100);
/// At most this many rows: the first (state at the window's start) and the most recent changes.
pub const MAX_ROWS: usize = 150;

/// The table for `product` as of `now`, header included; `None` when the window holds nothing.
pub fn history_table(product: &Product, now: UnixSeconds) -> Option<String> {
    let start = now - EVIDENCE_WINDOW;
    let series = [CsvType::SalesRank, CsvType::Used, CsvType::CountUsed].map(|kind| product.series(kind));
    // The state at the window's start: the last value at or before it, per series.
    let mut state: [Option<i64>; 3] = series.map(|points| value_at(points, start));
    let mut rows = Vec::new();
    if state.iter().any(Option::is_some) {
        rows.push(row(start, &state));
    }
    let mut changes: Vec<(UnixSeconds, usize, Option<i64>)> = series
        .iter()
        .enumerate()
        .flat_map(|(column, points)| {
            points.iter().filter(|point| point.at > start && point.at <= now).map(move |point| (point.at, column, point.value))
        })
        .collect();
    changes.sort_by_key(|&(at, column, _)| (at, column));
    let mut index = 0;
    while index < changes.len() {
        let at = changes[index].0;
        let before = state;
        while index < changes.len() && changes[index].0 == at {
            let (_, column, value) = changes[index];
            state[column] = value;
            index += 1;
        }
        if state != before {
            rows.push(row(at, &state));
        }
    }
    if rows.is_empty() {
        return None;
    }
    if rows.len() > MAX_ROWS {
        rows.drain(1..rows.len() - (MAX_ROWS - 1));
    }
    let mut table = String::from("| Time | Rank | Used Price | Offers |\n|---|---|---|---|\n");
    for line in rows {
        table.push_str(&line);
        table.push('\n');
    }
    Some(table)
}

/// The value of the last point at or before `t` (`None` also for Keepa's "no data").
fn value_at(points: &[HistoryPoint], t: UnixSeconds) -> Option<i64> {
    let after = points.partition_point(|point| point.at <= t);
    after.checked_sub(1).and_then(|index| points[index].value)
}

fn row(at: UnixSeconds, [rank, used_price, offers]: &[Option<i64>; 3]) -> String {
    let dash = || "-".to_owned();
    format!(
        "| {} | {} | {} | {} |",
        at.minute_string(),
        rank.map_or_else(dash, |rank| rank.to_string()),
        used_price.map_or_else(dash, |cents| Cents(cents).to_string()),
        offers.map_or_else(dash, |count| count.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, HOUR, NOW, ProductBuilder, at};

    #[test]
    fn rows_start_with_the_state_at_the_window_start_and_follow_each_change() {
        let product = ProductBuilder::new("0000000001")
            .series(CsvType::SalesRank, &[(at(-300 * DAY), 900_000), (at(-50 * DAY), 400_000), (at(-10 * DAY), 400_000)])
            .series(CsvType::Used, &[(at(-200 * DAY), 1500), (at(-50 * DAY), 1999)])
            .series(CsvType::CountUsed, &[(at(-120 * DAY), 7), (at(-49 * DAY), -1)])
            .build();
        let table = history_table(&product, NOW).unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| Time | Rank | Used Price | Offers |");
        assert_eq!(lines[2], format!("| {} | 900000 | $15.00 | 7 |", (NOW - EVIDENCE_WINDOW).minute_string()));
        assert_eq!(lines[3], format!("| {} | 400000 | $19.99 | 7 |", at(-50 * DAY).minute_string()));
        assert_eq!(lines[4], format!("| {} | 400000 | $19.99 | - |", at(-49 * DAY).minute_string()));
        assert_eq!(lines.len(), 5, "the unchanged rank 10 days ago adds no row:\n{table}");
    }

    #[test]
    fn long_histories_keep_the_start_and_the_latest_changes() {
        let ranks: Vec<_> = (0..380).map(|n| (at(-99 * DAY + n * 6 * HOUR), 100_000 + n)).collect();
        let product = ProductBuilder::new("0000000001").series(CsvType::SalesRank, &ranks).build();
        let table = history_table(&product, NOW).unwrap();
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(rows.len(), MAX_ROWS);
        assert!(rows[0].contains("| 100000 |"), "the oldest row stays: {}", rows[0]);
        assert!(rows[MAX_ROWS - 1].contains("| 100379 |"), "{}", rows[MAX_ROWS - 1]);
    }

    #[test]
    fn nothing_in_the_window_is_no_table() {
        assert_eq!(history_table(&ProductBuilder::new("0000000001").build(), NOW), None);
    }
}
