//! The four Keepa endpoints over the catalogue, charging tokens like Keepa: a `/deal` page 5,
//! a product 1 plus 6 for its offers, 1 for the rating and 2 for the history, a seller 1.

use serde_json::{Value, json};

use super::{State, TokenBucket};
use crate::{MockReply, SeenRequest};

/// Keepa's `/deal` page size.
const DEAL_PAGE_SIZE: usize = 150;

pub(super) fn serve(state: &mut State, request: &SeenRequest) -> MockReply {
    let (path, query) = request.path_and_query.split_once('?').unwrap_or((&request.path_and_query, ""));
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let list = |name: &str| param(name).map_or_else(Vec::new, |value| value.split(',').map(str::to_owned).collect::<Vec<_>>());
    let (cost, payload) = match path {
        "/token" => (0, json!({})),
        "/deal" => {
            let page = param("selection")
                .and_then(|selection| serde_json::from_str::<Value>(selection).ok())
                .and_then(|selection| selection["page"].as_u64())
                .unwrap_or(0) as usize;
            let deals: Vec<Value> = state
                .catalogue
                .deal_order
                .iter()
                .skip(page * DEAL_PAGE_SIZE)
                .take(DEAL_PAGE_SIZE)
                .map(|&index| state.catalogue.books[index].deal_json())
                .collect();
            (5, json!({"deals": {"dr": deals}}))
        }
        "/product" => {
            let history = param("history") == Some("1");
            let days = param("days").and_then(|days| days.parse().ok());
            let per_product = 1 + if param("offers").is_some() { 6 } else { 0 } + i64::from(param("rating") == Some("1")) + if history { 2 } else { 0 };
            let corrupted = &state.corrupted;
            let products: Vec<Value> = list("asin")
                .iter()
                .filter_map(|asin| state.catalogue.book(asin))
                .map(|book| {
                    let mut product = book.product_json(history, days);
                    if corrupted.contains(&book.asin) {
                        product["stats"]["current"] = json!("garbage");
                    }
                    product
                })
                .collect();
            (per_product * products.len() as i64, json!({"products": products}))
        }
        "/seller" => {
            let ids = list("seller");
            let sellers: serde_json::Map<String, Value> = ids
                .iter()
                .enumerate()
                .map(|(n, id)| (id.clone(), json!({"sellerName": format!("Books {id}"), "currentRating": 88 + n % 12, "currentRatingCount": 40 + 17 * n})))
                .collect();
            (ids.len() as i64, json!({"sellers": sellers}))
        }
        _ => return MockReply::json(404, &json!({"error": {"type": "notFound", "message": "unknown endpoint"}})),
    };
    if !state.bucket.charge(cost) {
        return rate_limited(&mut state.bucket);
    }
    let mut body = state.bucket.fields(cost);
    if let (Some(body), Value::Object(payload)) = (body.as_object_mut(), payload) {
        body.extend(payload);
    }
    MockReply::json(200, &body)
}

/// Keepa's answer while the balance is negative.
pub(super) fn rate_limited(bucket: &mut TokenBucket) -> MockReply {
    let mut body = bucket.fields(0);
    body["error"] = json!({"type": "tokens", "message": "Not enough tokens"});
    MockReply::json(429, &body)
}
