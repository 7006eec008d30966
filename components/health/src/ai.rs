//! The `ai` object of `/api/health`: which provider answers (or that the mock / nothing does),
//! and today's provider calls, spend and cache hit rate against the daily budget, with the
//! budget state (`ok`, `warning` from 80 %, `refused` at 100 %), and whether the provider is
//! failing now (a wrong key, an outage), so an operator sees the AI degrade to offline answers
//! before users report it.

use llm_client::ledger::{self, UsageSummary};
use llm_client::{Config, LlmError, cache};
use serde::Serialize;
use spin_sdk::sqlite::Connection;

#[derive(Serialize)]
pub struct AiHealth {
    /// `llm_provider_label` when set (e.g. the mock of `scripts/up`), else the model.
    provider: String,
    /// Whether an API key is configured; without one every answer is offline.
    configured: bool,
    #[serde(flatten)]
    usage: Option<UsageSummary>,
    /// When the provider last answered and last failed for good (the reason is on the admin's AI
    /// usage page, not in this public report), and whether it is failing now.
    last_answer_at: Option<i64>,
    last_failure_at: Option<i64>,
    provider_failing: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl AiHealth {
    /// `ai_budget_warning` from 80 % of the daily budget, `ai_budget_exhausted` at 100 %, and
    /// `ai_provider_failing` while its last failure is recent and newer than its last answer.
    pub fn alerts(&self) -> impl Iterator<Item = &'static str> {
        let budget = match self.usage.as_ref().map(|usage| usage.budget_state) {
            Some("warning") => Some("ai_budget_warning"),
            Some("refused") => Some("ai_budget_exhausted"),
            _ => None,
        };
        budget.into_iter().chain(self.provider_failing.then_some("ai_provider_failing"))
    }
}

/// The AI section of the health report.
pub fn ai_health(db: Option<&Connection>) -> AiHealth {
    let config = Config::from_variables();
    let label = spin_sdk::variables::get("llm_provider_label").unwrap_or_default();
    let provider = if label.trim().is_empty() { config.model.clone() } else { label };
    let read = db.map(|db| Ok::<_, LlmError>((ledger::summary(db, config.daily_budget)?, ledger::provider_state(db)?)));
    let (usage, state, error) = match read {
        Some(Ok((summary, state))) => (Some(summary), Some(state), None),
        Some(Err(error)) => (None, None, Some(error.to_string())),
        None => (None, None, Some("database unavailable".into())),
    };
    AiHealth {
        provider,
        configured: config.is_configured(),
        usage,
        last_answer_at: state.as_ref().and_then(|state| state.last_answer_at),
        last_failure_at: state.as_ref().and_then(|state| state.last_failure.as_ref()).map(|failure| failure.at),
        provider_failing: state.is_some_and(|state| state.is_failing(cache::now())),
        error,
    }
}
