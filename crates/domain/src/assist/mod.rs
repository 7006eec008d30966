//! The AI-assisted steps of the analysis (DOMAIN §4.3 step 7, §4.4 step 4, §4.6 step 5, §6.2):
//! the sales rescue, the price-reasonableness review and the seasonality classification.
//!
//! The domain stays pure: it builds each question ([`AiRequest`]: prompt, sampling, cache key and
//! lifetime), hands it to an injected [`Assistant`] and parses the answer. The ingest component's
//! assistant talks to the provider (llm-client: budget ledger, cache); tests answer from a
//! script. [`Offline`] is the non-AI path: it never answers, so every step falls back exactly as
//! the original did when the AI was unavailable — and the analysis records why
//! ([`Unavailable`] → `*_quota`, `*_error`, or the plain default), instead of the original's
//! silent defaults (§6.4 [REWRITE], §8 item 29).
//!
//! Answers are cached under the question's [`AiRequest::cache`] key in their canonical form
//! ([`AiRequest::cacheable_answer`]); an unusable answer (a label that is no label, JSON that
//! breaks the contract) is never cached, so one bad answer cannot stick for 90 days.

mod answers;
mod evidence;
mod prompts;
mod steps;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use answers::{RescueEvent, RescueReply, parse_price_review, parse_seasonality};
pub use evidence::history_table;
pub(crate) use steps::{classify_season, rescue_sales, review_price};
pub use steps::now_or_never;
pub use prompts::{
    PRICE_REVIEW_INSTRUCTION, SALES_RESCUE_INSTRUCTION, SEASONALITY_INSTRUCTION, price_review_request, sales_rescue_request,
    seasonality_request,
};

use crate::time::days;

/// Part of every cache key: a changed prompt or answer format must not reuse old answers.
pub const PROMPT_VERSION: &str = "1";

/// Seasonality answers change only with the book (§6.3 [REWRITE]: ~90 days).
pub const SEASONALITY_TTL: Duration = days(90);
/// Reasonableness answers for one price and season (§6.3 [REWRITE]: ~30 days).
pub const PRICE_REVIEW_TTL: Duration = days(30);
/// The original never cached the rescue (§6.3) and re-asked up to 6× per product (§8 item 22);
/// a day is enough to cover a re-analysis of the same product without freezing an old answer.
pub const SALES_RESCUE_TTL: Duration = days(1);

/// Why the AI gave no answer; each maps to the non-AI path of its step, recorded on the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// No provider configured (no key): the plain non-AI path.
    NotConfigured,
    /// The daily AI budget, the run's call cap or the run's time is used up.
    Quota,
    /// The provider failed, timed out, or answered something unusable.
    Error,
}

/// Which of the three pipeline questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AiCall {
    SalesRescue,
    PriceReview,
    Seasonality,
}

impl AiCall {
    pub fn as_str(self) -> &'static str {
        match self {
            AiCall::SalesRescue => "sales_rescue",
            AiCall::PriceReview => "price_review",
            AiCall::Seasonality => "seasonality",
        }
    }
}

/// Where and how long an answer is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct CachePolicy {
    /// Everything the answer depends on, [`PROMPT_VERSION`] and the call first; the caller adds
    /// what it knows beyond the domain (the model).
    pub key: Vec<String>,
    pub ttl: Duration,
}

/// One question to the provider (DOMAIN §6.2 table: prompt structure, temperature, max tokens).
#[derive(Clone, Debug, PartialEq)]
pub struct AiRequest {
    pub call: AiCall,
    pub asin: String,
    pub system: Option<String>,
    pub user: String,
    pub temperature: f32,
    pub max_tokens: u32,
    pub cache: CachePolicy,
}

impl AiRequest {
    /// The answer as it is kept in the cache (parsing it again gives the same result), or `None`
    /// when the answer is unusable and must not be cached.
    pub fn cacheable_answer(&self, answer: &str) -> Option<String> {
        match self.call {
            AiCall::PriceReview => Some(if parse_price_review(answer) { "Yes" } else { "No" }.to_owned()),
            AiCall::Seasonality => parse_seasonality(answer).map(|season| season.label().to_owned()),
            AiCall::SalesRescue => RescueReply::parse(answer).ok().map(|reply| reply.to_json()),
        }
    }
}

/// Answers the pipeline questions. Async so that an implementation can wait on the network
/// without blocking the other analyses of a batch; the domain itself never waits on anything.
#[allow(async_fn_in_trait)] // implemented and awaited on one thread (Spin's executor, tests)
pub trait Assistant {
    /// The provider's (or the cache's) answer text, or why there is none.
    async fn ask(&self, request: &AiRequest) -> Result<String, Unavailable>;
}

/// The non-AI path: no provider, every step takes its documented fallback.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offline;

impl Assistant for Offline {
    async fn ask(&self, _request: &AiRequest) -> Result<String, Unavailable> {
        Err(Unavailable::NotConfigured)
    }
}
