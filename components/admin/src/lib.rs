//! Admin API: the Keepa deal selection the ingest job discovers deals with —
//! `GET /api/admin/keepa-query` reads it (the production default until one is saved),
//! `PUT /api/admin/keepa-query` replaces it with validated JSON, effective on the next run — and
//! the AI usage of recent days (`GET /api/admin/ai-usage`, see `ai_usage`).
//! Every route needs an admin session (401 without one, 403 for other roles or without CSRF).

mod ai_usage;

use accounts::Audience;
use keepa_client::{deal_query, now};
use serde_json::{Value, json};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

/// A selection is a few hundred bytes; anything this large is a mistake.
const MAX_QUERY_BYTES: usize = 64 * 1024;

#[http_component]
fn handle(request: Request) -> Response {
    let db = match http_kit::open_database() {
        Ok(db) => db,
        Err(unavailable) => return unavailable,
    };
    if let Err(refusal) = accounts::require_admin(&db, &request, Audience::Api) {
        return refusal;
    }
    match request.header("spin-path-info").and_then(|value| value.as_str()).unwrap_or("") {
        "/keepa-query" => match request.method() {
            Method::Get => read_query(&db),
            Method::Put => replace_query(&db, request.body()),
            _ => http_kit::method_not_allowed("GET, PUT"),
        },
        "/ai-usage" => match request.method() {
            Method::Get => ai_usage::report(&db, request.query()),
            _ => http_kit::method_not_allowed("GET"),
        },
        _ => http_kit::no_such_endpoint(request.path()),
    }
}

/// The selection in force, and when it was saved (`null`: the built-in default).
fn read_query(db: &Connection) -> Response {
    match deal_query::load(db) {
        Ok((query, saved_at)) => http_kit::json(200, &json!({ "query": query, "updated_at": saved_at, "is_default": saved_at.is_none() })),
        Err(error) => http_kit::error(500, format!("cannot read the Keepa query: {error}")),
    }
}

/// Validates and stores a new selection (the body is the selection object itself).
fn replace_query(db: &Connection, body: &[u8]) -> Response {
    if body.len() > MAX_QUERY_BYTES {
        return http_kit::error(413, format!("the Keepa query may be at most {MAX_QUERY_BYTES} bytes"));
    }
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return http_kit::error(400, format!("the body is not JSON: {error}")),
    };
    let query = match deal_query::validate(parsed) {
        Ok(query) => query,
        Err(problem) => return http_kit::error(400, problem),
    };
    let at = now();
    match deal_query::save(db, &query, at) {
        Ok(()) => http_kit::json(200, &json!({ "query": query, "updated_at": at, "is_default": false })),
        Err(error) => http_kit::error(500, format!("cannot store the Keepa query: {error}")),
    }
}
