//! `GET /api/debug/deal/<asin>` (any signed-in user): why does this deal show these numbers?
//! Fetches the product live from Keepa with full history, runs the same analysis as ingestion
//! (with the AI answers ingestion cached, never a new provider call), and answers it beside the
//! stored row, both with the user's own economics. Keepa calls cost
//! tokens, so each call goes through the persisted token budget and a live answer is cached for
//! 60 s per (ASIN, settings). An invalid ASIN is refused before anything else is done.

mod cached_answers;
mod live;

use accounts::Audience;
use deals_query::spin::{deal_json, execute};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Get {
        return http_kit::method_not_allowed("GET");
    }
    let path = request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("").to_string();
    let Some(raw_asin) = path.strip_prefix("/deal/").filter(|rest| !rest.contains('/')) else {
        return http_kit::no_such_endpoint(request.path());
    };
    let asin = match deals_query::asin(raw_asin) {
        Ok(asin) => asin,
        Err(error) => return http_kit::error(400, error.to_string()),
    };
    answer(&request, &asin).unwrap_or_else(|refusal| refusal)
}

fn answer(request: &Request, asin: &str) -> Result<Response, Response> {
    let (db, user) = accounts::signed_in(request, Audience::Api)?;
    let store = http_kit::open_key_value_store()?;
    let live = live::analysis(&db, &store, asin, &user.settings)?;
    let stored = execute(&db, &deals_query::sql::one(asin, &user.settings)).map_err(|e| http_kit::error(500, e))?;
    let mut body = String::with_capacity(8192);
    body.push_str("{\"asin\":");
    body.push_str(&serde_json::Value::from(asin).to_string());
    body.push_str(",\"live\":");
    body.push_str(&live);
    body.push_str(",\"stored\":");
    match stored.rows.first() {
        Some(row) => deal_json(&row.values, &mut body),
        None => body.push_str("null"),
    }
    body.push('}');
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(body)
        .build())
}
