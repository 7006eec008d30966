//! `GET /api/admin/ai-usage?days=` (default 30, at most 366): the AI ledger's recent days — calls,
//! failures, tokens and estimated spend per day and feature, and the answers given without the
//! provider — so that whoever pays the provider's bill can see where it comes from.

use llm_client::{Config, usage_report};
use spin_sdk::http::Response;
use spin_sdk::sqlite::Connection;

const DEFAULT_DAYS: u32 = 30;
const MAX_DAYS: u32 = 366;

pub fn report(db: &Connection, query: &str) -> Response {
    let days = match days_asked(query) {
        Ok(days) => days,
        Err(refusal) => return refusal,
    };
    match usage_report::report(db, days, Config::from_variables().daily_budget) {
        Ok(report) => http_kit::json(200, &report),
        Err(error) => http_kit::unavailable(error.to_string()),
    }
}

fn days_asked(query: &str) -> Result<u32, Response> {
    let Some((_, raw)) = form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "days") else {
        return Ok(DEFAULT_DAYS);
    };
    raw.parse::<u32>()
        .ok()
        .filter(|days| (1..=MAX_DAYS).contains(days))
        .ok_or_else(|| http_kit::error(400, format!("days must be a whole number from 1 to {MAX_DAYS}, not `{raw}`")))
}
