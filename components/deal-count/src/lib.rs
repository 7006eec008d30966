//! `GET /api/deal-count`: `{count, max_id}` for the same filters as `/api/deals`, so that a
//! dashboard polling every minute notices new deals under its own filters (DOMAIN §5.2).
//!
//! Polling must be cheap. The answer depends only on the deals data version (bumped by a trigger
//! on every change, migration 0003), the filters and the user's settings, so those three make
//! the `ETag`: an unchanged poll with `If-None-Match` gets 304 without counting anything, and a
//! counted answer is kept as a snapshot in the key-value store (`deals_query::counts`).

use accounts::Audience;
use deals_query::{Params, counts};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Get {
        return http_kit::method_not_allowed("GET");
    }
    let (db, user) = match accounts::signed_in(&request, Audience::Api) {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    let filters = match Params::parse(request.query()).and_then(|params| params.filters()) {
        Ok(filters) => filters,
        Err(error) => return http_kit::error(400, error.to_string()),
    };
    let key = match counts::Key::new(&db, &filters, &user.settings) {
        Ok(key) => key,
        Err(message) => return http_kit::error(500, message),
    };
    let etag = key.etag();
    if request.header("if-none-match").and_then(|v| v.as_str()).is_some_and(|sent| etag_matches(sent, &etag)) {
        return Response::builder().status(304).header("etag", etag).header("cache-control", "private, no-cache").build();
    }
    match counts::count(&db, &key, &filters, &user.settings) {
        Ok(counted) => {
            let mut response = http_kit::json(200, &counted);
            response.set_header("etag", etag);
            response.set_header("cache-control", "private, no-cache");
            response
        }
        Err(message) => http_kit::error(500, message),
    }
}

/// Whether an `If-None-Match` value (one tag, a list, or `*`) names `etag`.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(|tag| tag.trim().trim_start_matches("W/")).any(|tag| tag == etag || tag == "*")
}
