//! The LLM provider client shared by the AI components (`ava-advice`, `mentor-chat`, `jobs`).
//!
//! The original held a server thread for every 5-30 s provider call and counted its quota in
//! three JSON files (DOMAIN §6.4, §8 item 29). Here a call is async (other requests keep being
//! served while it waits), bounded by one deadline across its retries ([`retry`]), and every
//! provider request goes through one atomic SQLite ledger ([`ledger`]) that enforces the daily
//! budget and a per-user cap before anything is sent. Failures are typed ([`LlmError`]) so each
//! endpoint can fall back to an offline answer instead of a 500.
//!
//! Model output is untrusted (scraped pages can carry prompt injection), so callers pass it
//! through [`reply::to_html`] (Markdown read, then [`sanitize::html`]'s whitelist) before storing
//! or returning it.

pub mod cache;
pub mod config;
mod error;
pub mod ledger;
pub mod pricing;
mod provider;
pub mod reply;
pub mod retry;
pub mod sanitize;
pub mod timer;
pub mod usage_report;

pub use config::Config;
pub use error::LlmError;
pub use ledger::Feature;

use serde::Serialize;
use spin_sdk::sqlite::Connection;
use std::time::Instant;

/// How long past the provider's time limit an in-flight mark outlives a request that died.
const IN_FLIGHT_MARGIN_SECS: i64 = 5;

/// One chat message of the OpenAI wire format.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message { role: "system", content: content.into() }
    }

    pub fn user(content: impl Into<String>) -> Message {
        Message { role: "user", content: content.into() }
    }

    pub fn assistant(content: impl Into<String>) -> Message {
        Message { role: "assistant", content: content.into() }
    }
}

/// What to ask, and on whose account.
#[derive(Clone, Debug)]
pub struct ChatRequest {
    pub feature: Feature,
    /// Counted against the per-user cap; `None` for background work (learn jobs, ingestion).
    pub user_id: Option<i64>,
    pub messages: Vec<Message>,
    pub temperature: f32,
    pub max_tokens: Option<u32>,
}

/// The provider's answer, without reasoning written into it (callers sanitize what they show).
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub content: String,
    /// The model stopped at the request's token limit (`finish_reason: "length"`), mid-answer.
    pub cut_off: bool,
    /// All prompt tokens, those served from the provider's prompt cache included.
    pub prompt_tokens: u64,
    pub cached_prompt_tokens: u64,
    /// Output tokens, reasoning included.
    pub completion_tokens: u64,
}

/// A configured client over the app's `default` database (the ledger).
pub struct LlmClient<'a> {
    config: Config,
    db: &'a Connection,
    max_attempts: u32,
    feature_daily_budget: Option<u64>,
    answering: Option<String>,
}

impl<'a> LlmClient<'a> {
    pub fn new(config: Config, db: &'a Connection) -> Self {
        LlmClient { config, db, max_attempts: retry::MAX_ATTEMPTS, feature_daily_budget: None, answering: None }
    }

    /// Marks the calls of this client as answering the question cached under `cache_key`
    /// (`ledger::in_flight_until`), so that the same question arriving meanwhile can wait for the
    /// answer (`cache::get_or_wait`); the mark goes when the call fails for good. A call whose
    /// question another request already holds sends nothing and fails with
    /// [`LlmError::AskedElsewhere`].
    pub fn answering(mut self, cache_key: &str) -> Self {
        self.answering = Some(cache_key.to_string());
        self
    }

    /// One attempt per call: pipeline calls (DOMAIN §6.1) are not retried, so a failing provider
    /// costs a background job one timeout, not three.
    pub fn without_retries(mut self) -> Self {
        self.max_attempts = 1;
        self
    }

    /// Caps this client's feature at `calls` per UTC day within the app's budget (DOMAIN §6.4
    /// [REWRITE] per-feature sub-budgets), so background work cannot use up what users need.
    pub fn with_feature_daily_budget(mut self, calls: u64) -> Self {
        self.feature_daily_budget = Some(calls);
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether today's budget (the app's and this client's feature share) leaves room for one
    /// more call of `feature` without a user; reads the ledger, reserves nothing.
    pub fn budget_left(&self, feature: Feature) -> bool {
        ledger::budget_left(self.db, feature, &self.limits()).unwrap_or(false)
    }

    fn limits(&self) -> ledger::Limits {
        ledger::Limits { feature_daily_budget: self.feature_daily_budget, ..self.config.limits() }
    }

    /// Asks the provider, retrying 429/5xx/timeouts with backoff until the call's deadline
    /// (`llm_timeout_secs`); every attempt is reserved in the ledger first, so a refused budget
    /// sends nothing.
    pub async fn complete(&self, request: &ChatRequest) -> Result<Completion, LlmError> {
        if !self.config.is_configured() {
            return Err(LlmError::NotConfigured);
        }
        let deadline = Instant::now() + self.config.timeout;
        let body = provider::request_body(&self.config, request);
        let limits = self.limits();
        let now = cache::now();
        let in_flight = self.answering.as_ref().map(|cache_key| ledger::InFlight {
            cache_key: cache_key.clone(),
            asked_at: now,
            until: now + self.config.timeout.as_secs() as i64 + IN_FLIGHT_MARGIN_SECS,
        });
        // The first attempt's reservation takes the question's mark, which lasts to the deadline.
        ledger::reserve(self.db, request.feature, request.user_id, &limits, in_flight.as_ref())?;
        let result = self.attempts(request, &body, deadline, &limits).await;
        if let Err(error) = &result {
            if let Some(in_flight) = &in_flight {
                ledger::clear_in_flight(self.db, &in_flight.cache_key);
            }
            if error.is_provider_failure() {
                ledger::record_final_failure(self.db, request.feature, error, cache::now());
            }
        }
        result
    }

    /// The provider attempts of a call whose first attempt is reserved.
    async fn attempts(&self, request: &ChatRequest, body: &[u8], deadline: Instant, limits: &ledger::Limits) -> Result<Completion, LlmError> {
        let mut attempt = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let failure = match provider::attempt(&self.config, body, remaining).await {
                Ok(completion) => {
                    ledger::record_completion(self.db, request.feature, &completion, &self.config.prices, cache::now());
                    return Ok(completion);
                }
                Err(failure) => failure,
            };
            ledger::record_failure(self.db, request.feature);
            attempt += 1;
            if attempt >= self.max_attempts {
                return Err(failure.into_error());
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            match retry::next_delay(attempt, &failure, remaining) {
                Some(delay) => timer::sleep(delay).await,
                None => return Err(failure.into_error()),
            }
            ledger::reserve(self.db, request.feature, request.user_id, limits, None)?;
        }
    }
}
