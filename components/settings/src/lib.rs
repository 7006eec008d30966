//! `GET /api/settings` and `POST /api/settings`: the signed-in user's business costs
//! (DOMAIN §2.4), which the deals API applies to every profit, margin and ROI it computes.
//! A POST takes JSON (any subset of the fields, merged into the current settings) or an HTML
//! form (all fields; an absent `tax_exempt` checkbox means false) and needs the CSRF token.

mod validate;

use accounts::{Audience, settings};
use domain::fees::BusinessSettings;
use serde_json::json;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    if !matches!(request.method(), Method::Get | Method::Post) {
        return http_kit::method_not_allowed("GET, POST");
    }
    if !request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("").is_empty() {
        return http_kit::no_such_endpoint(request.path());
    }
    let (db, user) = match accounts::signed_in(&request, Audience::Api) {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    if *request.method() == Method::Get {
        return match settings::load(&db, user.id) {
            Ok((current, updated_at)) => http_kit::json(200, &body(&current, updated_at)),
            Err(message) => http_kit::error(500, message),
        };
    }
    let is_form = accounts::csrf::is_form(&request);
    let parsed = if is_form {
        validate::from_form(request.body())
    } else {
        validate::from_json(request.body(), user.settings)
    };
    let new_settings = match parsed {
        Ok(new_settings) => new_settings,
        Err(message) => return http_kit::error(400, message),
    };
    if let Err(message) = settings::save(&db, user.id, &new_settings) {
        return http_kit::error(500, message);
    }
    if is_form {
        return Response::builder().status(303).header("location", "/settings").header("cache-control", "no-store").build();
    }
    http_kit::json(200, &body(&new_settings, Some(accounts::now())))
}

/// The settings as the API shows them: money in dollars, percentages as percents.
fn body(settings: &BusinessSettings, updated_at: Option<i64>) -> serde_json::Value {
    json!({
        "prep_fee": settings.prep_fee.as_dollars(),
        "inbound_shipping": settings.inbound_shipping.as_dollars(),
        "sales_tax_pct": settings.sales_tax_pct,
        "tax_exempt": settings.tax_exempt,
        "markup_pct": settings.markup_pct,
        "updated_at": updated_at,
    })
}
