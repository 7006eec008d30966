//! Answers to the ingest job's three pipeline questions (DOMAIN §6.2), recognised by the
//! answer-format line the domain crate ends each prompt with:
//!
//! - price review → `"Yes"` (settable: `"No"`, nonsense);
//! - seasonality → `"Gardening"` (settable; a non-label tests the fallback);
//! - sales rescue → the JSON contract with three confident sales of $25.00, 10, 20 and 30 days
//!   before the "Today is" date of the prompt (settable to any text).

use domain::assist::{PRICE_REVIEW_INSTRUCTION, SALES_RESCUE_INSTRUCTION, SEASONALITY_INSTRUCTION};
use domain::time::{UnixSeconds, days};

/// Which pipeline question a prompt asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipelineCall {
    PriceReview,
    Seasonality,
    SalesRescue,
}

impl PipelineCall {
    /// The question `prompt` asks, if it is a pipeline question.
    pub fn of(prompt: &str) -> Option<PipelineCall> {
        if prompt.contains(PRICE_REVIEW_INSTRUCTION) {
            Some(PipelineCall::PriceReview)
        } else if prompt.contains(SEASONALITY_INSTRUCTION) {
            Some(PipelineCall::Seasonality)
        } else if prompt.contains(SALES_RESCUE_INSTRUCTION) {
            Some(PipelineCall::SalesRescue)
        } else {
            None
        }
    }
}

/// What the mock answers to each pipeline question.
#[derive(Clone, Debug)]
pub struct PipelineAnswers {
    pub price_review: String,
    pub seasonality: String,
    /// `None`: the default rescue relative to the prompt's date.
    pub sales_rescue: Option<String>,
}

impl Default for PipelineAnswers {
    fn default() -> Self {
        PipelineAnswers { price_review: "Yes".into(), seasonality: "Gardening".into(), sales_rescue: None }
    }
}

/// Price of each default rescued sale, in dollars.
pub const RESCUE_PRICE: f64 = 25.0;
/// Days before the prompt's date of the default rescued sales.
pub const RESCUE_DAYS_AGO: [u64; 3] = [10, 20, 30];

impl PipelineAnswers {
    pub fn answer(&self, call: PipelineCall, prompt: &str) -> String {
        match call {
            PipelineCall::PriceReview => self.price_review.clone(),
            PipelineCall::Seasonality => self.seasonality.clone(),
            PipelineCall::SalesRescue => self.sales_rescue.clone().unwrap_or_else(|| default_rescue(prompt)),
        }
    }
}

fn default_rescue(prompt: &str) -> String {
    let today = prompt
        .split_once("Today is ")
        .and_then(|(_, rest)| UnixSeconds::parse_date(rest.get(..10)?))
        .unwrap_or(UnixSeconds(0));
    let events: Vec<serde_json::Value> = RESCUE_DAYS_AGO
        .iter()
        .map(|&ago| serde_json::json!({"date": (today - days(ago)).date_string(), "price": RESCUE_PRICE}))
        .collect();
    serde_json::json!({
        "sales_found": true,
        "events": events,
        "estimated_market_price": RESCUE_PRICE,
        "confidence": "High",
        "reasoning": "mock: three offer drops each followed by a better rank",
    })
    .to_string()
}
