//! `GET /api/deals/<asin>/history`: the stored compact chart (price series in dollars, rank and
//! offer counts as numbers) and the inferred sales behind List at, for the detail chart.

use domain::history::{ChartHistory, ChartPoint};
use serde_json::{Value as Json, json};
use spin_sdk::sqlite::{Connection, Value};

use crate::{Answer, bad_request, server_error};

pub fn of(db: &Connection, asin: &str) -> Answer {
    let asin = deals_query::asin(asin).map_err(bad_request)?;
    let key = [Value::Text(asin.clone())];
    let stored = db
        .execute("SELECT history_json, updated_at FROM price_history WHERE asin = ?", &key)
        .map_err(|e| server_error(format!("cannot read the history: {e}")))?;
    let Some(row) = stored.rows.first() else {
        return Err(http_kit::error(404, format!("no history for ASIN {asin}")));
    };
    let chart: ChartHistory = serde_json::from_str(row.get::<&str>(0).unwrap_or("{}"))
        .map_err(|e| server_error(format!("stored history of {asin} is malformed: {e}")))?;
    let sales = db
        .execute(
            "SELECT event_at, price_cents, offer_type, origin, is_outlier FROM sale_events WHERE asin = ? ORDER BY event_at",
            &key,
        )
        .map_err(|e| server_error(format!("cannot read the inferred sales: {e}")))?;
    let inferred_sales: Vec<Json> = sales
        .rows
        .iter()
        .map(|sale| {
            json!({
                "at": sale.get::<i64>(0),
                "price": sale.get::<i64>(1).map(|cents| cents as f64 / 100.0),
                "offer_type": sale.get::<&str>(2),
                "origin": sale.get::<&str>(3),
                "is_outlier": sale.get::<bool>(4),
            })
        })
        .collect();
    Ok(http_kit::json(
        200,
        &json!({
            "asin": asin,
            "updated_at": row.get::<i64>(1),
            "series": {
                "used": dollars(&chart.used),
                "new": dollars(&chart.new),
                "amazon": dollars(&chart.amazon),
                "sales_rank": chart.sales_rank,
                "used_offers": chart.used_offers,
                "new_offers": chart.new_offers,
            },
            "inferred_sales": inferred_sales,
        }),
    ))
}

/// A price series as `[unix_seconds, dollars | null]` points.
fn dollars(points: &[ChartPoint]) -> Vec<(i64, Option<f64>)> {
    points.iter().map(|(at, cents)| (at.0, cents.map(|cents| cents as f64 / 100.0))).collect()
}
