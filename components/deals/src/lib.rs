//! The deals a signed-in user browses: a filtered, sorted page (`GET /api/deals`), one deal
//! (`/api/deals/<asin>`) and its chart data (`/api/deals/<asin>/history`). Profit, margin, ROI
//! and the other settings-dependent figures are computed in SQL for the requesting user
//! (crate `deals-query`), so a saved settings change shows on the next request; the total is
//! the cached count `/api/deal-count` uses, so paging through a result counts it once.

mod history;

use accounts::{Audience, User};
use deals_query::spin::{deal_json, execute};
use deals_query::{Params, counts, sql};
use serde_json::json;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Get {
        return http_kit::method_not_allowed("GET");
    }
    let (db, user) = match accounts::signed_in(&request, Audience::Api) {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    let path = request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("").to_string();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let result = match segments.as_slice() {
        [] => listing(&db, &user, request.query()),
        [asin] => one_deal(&db, &user, asin),
        [asin, "history"] => history::of(&db, asin),
        _ => return http_kit::no_such_endpoint(request.path()),
    };
    result.unwrap_or_else(|response| response)
}

/// A 400 for a bad parameter, a 500 for a failed query.
type Answer = Result<Response, Response>;

fn bad_request(error: deals_query::ParamError) -> Response {
    http_kit::error(400, error.to_string())
}

fn server_error(message: String) -> Response {
    http_kit::error(500, message)
}

/// `{"deals": […], "pagination": {…}}` for the query string's filters, sort and page.
fn listing(db: &Connection, user: &User, query: &str) -> Answer {
    let request = Params::parse(query).and_then(|params| params.listing()).map_err(bad_request)?;
    let page = execute(db, &sql::page(&request, &user.settings)).map_err(server_error)?;
    let key = counts::Key::new(db, &request.filters, &user.settings).map_err(server_error)?;
    let total = counts::count(db, &key, &request.filters, &user.settings).map_err(server_error)?.count;
    let limit = i64::from(request.limit);
    let pagination = json!({
        "total_records": total,
        "total_pages": (total + limit - 1) / limit,
        "current_page": request.page,
        "limit": request.limit,
    });
    let mut body = String::with_capacity(64 + page.rows.len() * 2048);
    body.push_str("{\"deals\":[");
    for (i, row) in page.rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        deal_json(&row.values, &mut body);
    }
    body.push_str("],\"pagination\":");
    body.push_str(&pagination.to_string());
    body.push('}');
    Ok(json_text(body))
}

/// A 200 with JSON text written by hand (see `deals_query::values` for why), with the headers
/// of `http_kit::json`.
fn json_text(body: String) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(body)
        .build()
}

/// One deal with every stored and computed field, complete or not.
fn one_deal(db: &Connection, user: &User, asin: &str) -> Answer {
    let asin = deals_query::asin(asin).map_err(bad_request)?;
    let result = execute(db, &sql::one(&asin, &user.settings)).map_err(server_error)?;
    match result.rows.first() {
        Some(row) => {
            let mut body = String::with_capacity(2048);
            deal_json(&row.values, &mut body);
            Ok(json_text(body))
        }
        None => Err(http_kit::error(404, format!("no deal for ASIN {asin}"))),
    }
}
