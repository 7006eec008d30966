//! The Keepa `/deal` selection (DOMAIN §3.1): stored as JSON in `app_config` under
//! `keepa_deal_query`, edited by an admin through `PUT /api/admin/keepa-query`, read by every
//! ingest run. Until an admin saves one, the production selection of §3.1 applies.
//!
//! Validation checks the fields Keepa's deal API and this app rely on (types and ranges) and
//! keeps other keys as given, so a selection copied from Keepa's deal finder with fields this
//! code does not know still works. `page` belongs to the ingest job's checkpoint and is dropped.

use serde_json::{Map, Value, json};
use spin_sdk::sqlite::{Connection, Value as SqlValue};

use domain::time::UnixSeconds;

use crate::sql::DbError;

pub const CONFIG_KEY: &str = "keepa_deal_query";

/// Keepa's "no upper bound" for ranges.
const UNBOUNDED: i64 = 2_147_483_647;

/// The production selection (§3.1): used books (price type 2) in Books (283155) whose used price
/// dropped ≥ 10 %, $20–$451, rank 10k–10M.
pub fn default_query() -> Value {
    json!({
        "domainId": 1,
        "includeCategories": [283155],
        "excludeCategories": [],
        "priceTypes": [2],
        "deltaRange": [0, UNBOUNDED],
        "deltaPercentRange": [10, UNBOUNDED],
        "deltaLastRange": [0, UNBOUNDED],
        "currentRange": [2000, 45100],
        "salesRankRange": [10000, 10000000],
        "minRating": 10,
        "hasReviews": false,
        "singleVariation": true,
        "filterErotic": false,
        "isRangeEnabled": true,
        "isFilterEnabled": true,
        "isLowest": false,
        "isLowest90": false,
        "isLowestOffer": false,
        "isOutOfStock": false,
        "isPrimeExclusive": false,
        "mustHaveAmazonOffer": false,
        "mustNotHaveAmazonOffer": false,
        "titleSearch": "",
        "warehouseConditions": [2, 3, 4, 5],
        "dateRange": 4,
        "sortType": 4
    })
}

const RANGES: [&str; 5] = ["deltaRange", "deltaPercentRange", "deltaLastRange", "currentRange", "salesRankRange"];
const ID_LISTS: [&str; 3] = ["includeCategories", "excludeCategories", "warehouseConditions"];
const FLAGS: [&str; 13] = [
    "hasReviews", "singleVariation", "filterErotic", "isRangeEnabled", "isFilterEnabled", "isLowest", "isLowest90",
    "isLowestOffer", "isOutOfStock", "isPrimeExclusive", "mustHaveAmazonOffer", "mustNotHaveAmazonOffer", "isBackInStock",
];
/// Integer fields and their allowed range.
const BOUNDED: [(&str, i64, i64); 4] = [("domainId", 1, 13), ("dateRange", 0, 4), ("sortType", 0, 4), ("minRating", -1, 50)];

/// The selection to store, or what is wrong with it (for a 400).
pub fn validate(query: Value) -> Result<Value, String> {
    let Value::Object(mut fields) = query else {
        return Err("the Keepa query must be a JSON object".into());
    };
    fields.remove("page");
    for name in RANGES {
        if let Some(value) = fields.get(name) {
            match integers(value).as_deref() {
                Some([low, high]) if 0 <= *low && low <= high => {}
                _ => return Err(format!("`{name}` must be [min, max] with 0 ≤ min ≤ max")),
            }
        }
    }
    for name in ID_LISTS {
        if let Some(value) = fields.get(name)
            && !integers(value).is_some_and(|ids| ids.iter().all(|id| *id >= 0))
        {
            return Err(format!("`{name}` must be an array of non-negative integers"));
        }
    }
    if !price_types_ok(&fields) {
        return Err("`priceTypes` must hold exactly one Keepa price type (0–33), e.g. [2] for used".into());
    }
    for name in FLAGS {
        if fields.get(name).is_some_and(|value| !value.is_boolean()) {
            return Err(format!("`{name}` must be true or false"));
        }
    }
    for (name, low, high) in BOUNDED {
        if let Some(value) = fields.get(name)
            && !value.as_i64().is_some_and(|n| (low..=high).contains(&n))
        {
            return Err(format!("`{name}` must be an integer from {low} to {high}"));
        }
    }
    if fields.get("titleSearch").is_some_and(|value| !value.is_string()) {
        return Err("`titleSearch` must be a string".into());
    }
    if fields.is_empty() {
        return Err("the Keepa query is empty".into());
    }
    Ok(Value::Object(fields))
}

fn price_types_ok(fields: &Map<String, Value>) -> bool {
    match fields.get("priceTypes") {
        None => true,
        Some(value) => matches!(integers(value).as_deref(), Some([price_type]) if (0..=33).contains(price_type)),
    }
}

fn integers(value: &Value) -> Option<Vec<i64>> {
    value.as_array()?.iter().map(Value::as_i64).collect()
}

/// The stored selection with its save time, or the default with `None`.
pub fn load(db: &Connection) -> Result<(Value, Option<UnixSeconds>), DbError> {
    let result = db.execute("SELECT value, updated_at FROM app_config WHERE key = ?", &[SqlValue::Text(CONFIG_KEY.into())])?;
    let stored = result.rows().next().and_then(|row| {
        let query = serde_json::from_str::<Value>(row.get::<&str>("value")?).ok().and_then(|query| validate(query).ok())?;
        Some((query, row.get::<i64>("updated_at").map(UnixSeconds)))
    });
    Ok(stored.unwrap_or_else(|| (default_query(), None)))
}

/// Stores an already validated selection.
pub fn save(db: &Connection, query: &Value, now: UnixSeconds) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO app_config (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[SqlValue::Text(CONFIG_KEY.into()), SqlValue::Text(query.to_string()), SqlValue::Integer(now.0)],
    )?;
    Ok(())
}
