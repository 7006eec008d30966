//! The `ai` object of `/api/health`: which provider answers (or that the mock / nothing does),
//! and today's provider calls, spend and cache hit rate against the daily budget, with the
//! budget state (`ok`, `warning` from 80 %, `refused` at 100 %) so an operator sees the AI
//! degrade to offline answers before users report it.

use llm_client::Config;
use llm_client::ledger::{self, UsageSummary};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl AiHealth {
    /// `ai_budget_warning` from 80 % of the daily budget, `ai_budget_exhausted` at 100 %.
    pub fn alert(&self) -> Option<&'static str> {
        match self.usage.as_ref()?.budget_state {
            "warning" => Some("ai_budget_warning"),
            "refused" => Some("ai_budget_exhausted"),
            _ => None,
        }
    }
}

/// The AI section of the health report.
pub fn ai_health(db: Option<&Connection>) -> AiHealth {
    let config = Config::from_variables();
    let label = spin_sdk::variables::get("llm_provider_label").unwrap_or_default();
    let provider = if label.trim().is_empty() { config.model.clone() } else { label };
    let usage = db.map(|db| ledger::summary(db, config.daily_budget).map_err(|e| e.to_string()));
    let (usage, error) = match usage {
        Some(Ok(summary)) => (Some(summary), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, Some("database unavailable".into())),
    };
    AiHealth { provider, configured: config.is_configured(), usage, error }
}
