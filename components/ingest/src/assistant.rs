//! The ingest job's answer to the domain's AI questions (`domain::assist`): the key-value cache
//! first (DOMAIN §6.3 [REWRITE] keys and lifetimes), then the provider through llm-client with
//! `Feature::Ingest`, no user, no retries and a short timeout, counted in the same daily ledger
//! as the mentors but capped at the job's own share of it.
//!
//! A run must keep its deadline whatever the provider does, so a question is refused (the deal
//! takes the non-AI path, marked `*_quota`) once the run has made `ingest_ai_max_calls` calls or
//! has less time left than one call may take; after [`BREAKER_FAILURES`] failures in a row the
//! provider is not asked again this run (`*_error`). Without a configured provider nothing is
//! asked or recorded: that is the plain non-AI path.

use std::cell::Cell;
use std::time::{Duration, Instant};

use domain::assist::{AiRequest, Assistant, Unavailable};
use llm_client::cache::PipelineAnswers;
use llm_client::{ChatRequest, Config, Feature, LlmClient, LlmError, Message, ledger};
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::Connection;

/// Consecutive provider failures after which the run stops asking.
pub const BREAKER_FAILURES: u32 = 3;

/// The run's limits on AI questions (spin.toml `ingest_ai_*`).
#[derive(Clone, Copy, Debug)]
pub struct AiLimits {
    /// Provider calls per run.
    pub max_calls: u32,
    /// Deadline of one call (DOMAIN §6.1: pipeline calls 30–60 s, no retry; shorter here so a
    /// run of 240 s can afford a slow answer or two).
    pub timeout: Duration,
    /// Ingestion's share of `llm_daily_budget`, calls per UTC day.
    pub daily_budget: u64,
}

pub struct IngestAssistant<'a> {
    /// `None` without a configured provider.
    client: Option<LlmClient<'a>>,
    db: &'a Connection,
    /// `None` if the store cannot be opened: every question then goes to the provider.
    store: Option<Store>,
    model: String,
    limits: AiLimits,
    /// The run's deadline.
    deadline: Instant,
    calls: Cell<u32>,
    cache_hits: Cell<u32>,
    unanswered: Cell<u32>,
    failures_in_a_row: Cell<u32>,
    budget_exhausted: Cell<bool>,
}

impl<'a> IngestAssistant<'a> {
    pub fn new(db: &'a Connection, limits: AiLimits, deadline: Instant) -> IngestAssistant<'a> {
        let mut config = Config::from_variables();
        config.timeout = limits.timeout;
        let model = config.model.clone();
        let store = match Store::open_default() {
            Ok(store) => Some(store),
            Err(error) => {
                eprintln!("ingest: key-value store unavailable, AI answers are not cached: {error}");
                None
            }
        };
        let client = config
            .is_configured()
            .then(|| LlmClient::new(config, db).without_retries().with_feature_daily_budget(limits.daily_budget));
        IngestAssistant {
            client,
            db,
            store,
            model,
            limits,
            deadline,
            calls: Cell::new(0),
            cache_hits: Cell::new(0),
            unanswered: Cell::new(0),
            failures_in_a_row: Cell::new(0),
            budget_exhausted: Cell::new(false),
        }
    }

    /// `(provider calls, cache hits, questions left to the non-AI path)` so far.
    pub fn counts(&self) -> (u32, u32, u32) {
        (self.calls.get(), self.cache_hits.get(), self.unanswered.get())
    }

    /// Whether a question not in the cache would go to the provider now (the run's limits, then
    /// today's budget in the ledger), so that no Keepa tokens go into an analysis whose questions
    /// would be refused.
    pub fn can_ask(&self) -> bool {
        let Some(client) = &self.client else { return false };
        if self.refusal().is_some() {
            return false;
        }
        if !client.budget_left(Feature::Ingest) {
            self.budget_exhausted.set(true);
            return false;
        }
        true
    }

    /// Why a question must not go to the provider now, if it must not.
    fn refusal(&self) -> Option<Unavailable> {
        if self.failures_in_a_row.get() >= BREAKER_FAILURES {
            Some(Unavailable::Error)
        } else if self.budget_exhausted.get()
            || self.calls.get() >= self.limits.max_calls
            || Instant::now() + self.limits.timeout > self.deadline
        {
            Some(Unavailable::Quota)
        } else {
            None
        }
    }

    fn unanswered(&self, reason: Unavailable) -> Result<String, Unavailable> {
        self.unanswered.set(self.unanswered.get() + 1);
        ledger::record_offline_answer(self.db, Feature::Ingest);
        Err(reason)
    }

    fn cache(&self) -> Option<PipelineAnswers<'_>> {
        self.store.as_ref().map(|store| PipelineAnswers::new(store, &self.model))
    }
}

impl Assistant for IngestAssistant<'_> {
    async fn ask(&self, request: &AiRequest) -> Result<String, Unavailable> {
        let Some(client) = &self.client else { return Err(Unavailable::NotConfigured) };
        let cache = self.cache();
        if let Some(answer) = cache.as_ref().and_then(|cache| cache.get(&request.cache.key)) {
            self.cache_hits.set(self.cache_hits.get() + 1);
            ledger::record_cache_hit(self.db, Feature::Ingest);
            return Ok(answer);
        }
        if let Some(reason) = self.refusal() {
            return self.unanswered(reason);
        }
        self.calls.set(self.calls.get() + 1);
        let mut messages: Vec<Message> = request.system.iter().map(Message::system).collect();
        messages.push(Message::user(request.user.as_str()));
        let chat = ChatRequest {
            feature: Feature::Ingest,
            user_id: None,
            messages,
            temperature: request.temperature,
            max_tokens: Some(request.max_tokens),
        };
        match client.complete(&chat).await {
            Ok(completion) => {
                self.failures_in_a_row.set(0);
                match (request.cacheable_answer(&completion.content), &cache) {
                    (Some(answer), Some(cache)) => cache.put(&request.cache.key, &answer, request.cache.ttl.as_secs() as i64),
                    (Some(_), None) => {}
                    (None, _) => println!(
                        "ingest: unusable {} answer for {}, not cached: {:?}",
                        request.call.as_str(),
                        request.asin,
                        completion.content.chars().take(200).collect::<String>()
                    ),
                }
                Ok(completion.content)
            }
            Err(LlmError::NotConfigured) => Err(Unavailable::NotConfigured),
            Err(LlmError::BudgetExhausted { .. }) => {
                // Refused by the ledger before anything was sent.
                self.calls.set(self.calls.get() - 1);
                self.budget_exhausted.set(true);
                self.unanswered(Unavailable::Quota)
            }
            Err(error) => {
                self.failures_in_a_row.set(self.failures_in_a_row.get() + 1);
                println!("ingest: {} question for {} failed: {error}", request.call.as_str(), request.asin);
                self.unanswered(Unavailable::Error)
            }
        }
    }
}
