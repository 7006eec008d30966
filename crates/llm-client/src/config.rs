//! Provider settings from Spin variables (see `spin.toml`), so a deployment switches provider,
//! model or budget without a rebuild:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `llm_base_url` | `https://api.x.ai` | origin of an OpenAI-compatible API |
//! | `llm_completions_path` | `/v1/chat/completions` | the chat-completions path at that origin |
//! | `llm_api_key` | empty | secret; empty means "not configured" (offline answers only) |
//! | `llm_model` | `grok-4-1-fast-reasoning` | the model the original's owner fixed (DOMAIN §6.1) |
//! | `llm_max_tokens_param` | `max_tokens` | which request field carries a call's token limit ([`MaxTokensParam`]) |
//! | `llm_send_temperature` | `true` | `false` leaves `temperature` out (OpenAI's reasoning models refuse any but 1) |
//! | `llm_timeout_secs` | 30 | deadline of one call, retries included |
//! | `llm_daily_budget` | 1000 | provider calls per UTC day for the whole app (DOMAIN §2.4) |
//! | `llm_user_daily_cap` | 200 | provider calls per UTC day for one user |
//! | `llm_prompt_usd_per_million`, `llm_cached_prompt_usd_per_million`, `llm_completion_usd_per_million` | 0.20, 0.05, 0.50 | token prices of the cost estimate ([`Prices`]) |
//!
//! The base URL is an origin, not a full endpoint, so that `allowed_outbound_hosts` can name
//! exactly it (`["{{ llm_base_url }}"]`; Spin takes no path there). The path is a variable of its
//! own because OpenAI-compatible APIs differ in it: OpenRouter serves `/api/v1/chat/completions`,
//! Groq `/openai/v1/chat/completions`, Gemini `/v1beta/openai/chat/completions`.

use crate::ledger::Limits;
use crate::pricing::Prices;
use spin_sdk::variables;
use std::time::Duration;

pub const DEFAULT_MODEL: &str = "grok-4-1-fast-reasoning";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_DAILY_BUDGET: u64 = 1000;
pub const DEFAULT_USER_DAILY_CAP: u64 = 200;
/// Path of the chat-completions endpoint under the base URL (xAI's and OpenAI's).
pub const DEFAULT_COMPLETIONS_PATH: &str = "/v1/chat/completions";

/// Which request field carries a call's token limit. xAI and most OpenAI-compatible servers take
/// `max_tokens` (DOMAIN §6.1); OpenAI's reasoning models (o-series, GPT-5) refuse it with a 400
/// and take `max_completion_tokens`; and a model that counts its reasoning against the limit can
/// spend all of a small one thinking and answer nothing, which `None` (no limit sent) avoids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MaxTokensParam {
    #[default]
    MaxTokens,
    MaxCompletionTokens,
    None,
}

impl MaxTokensParam {
    /// The variable's value; anything else is the default.
    fn parse(value: &str) -> MaxTokensParam {
        match value {
            "max_completion_tokens" => MaxTokensParam::MaxCompletionTokens,
            "none" => MaxTokensParam::None,
            _ => MaxTokensParam::MaxTokens,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub base_url: String,
    /// Starts with `/`.
    pub completions_path: String,
    pub api_key: String,
    pub model: String,
    pub max_tokens_param: MaxTokensParam,
    /// Whether requests carry each call site's temperature (DOMAIN §6.2).
    pub send_temperature: bool,
    pub timeout: Duration,
    pub daily_budget: u64,
    pub user_daily_cap: u64,
    pub prices: Prices,
}

/// A variable's trimmed value; `None` when it is unset, unreadable or blank.
fn text(name: &str) -> Option<String> {
    variables::get(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Config {
    /// Reads the variables; a missing or unparsable value takes its default, so a typo can
    /// degrade to offline answers but never take an endpoint down.
    pub fn from_variables() -> Config {
        let number = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok());
        Config {
            base_url: text("llm_base_url").unwrap_or_default(),
            completions_path: text("llm_completions_path")
                .map_or_else(|| DEFAULT_COMPLETIONS_PATH.to_string(), |path| format!("/{}", path.trim_start_matches('/'))),
            api_key: text("llm_api_key").unwrap_or_default(),
            model: Config::model_from_variables(),
            max_tokens_param: MaxTokensParam::parse(&text("llm_max_tokens_param").unwrap_or_default()),
            send_temperature: text("llm_send_temperature").is_none_or(|value| value != "false"),
            timeout: number("llm_timeout_secs").map_or(DEFAULT_TIMEOUT, Duration::from_secs),
            daily_budget: number("llm_daily_budget").unwrap_or(DEFAULT_DAILY_BUDGET),
            user_daily_cap: number("llm_user_daily_cap").unwrap_or(DEFAULT_USER_DAILY_CAP),
            prices: Prices::read(text),
        }
    }

    /// `llm_model` alone, for a component that reads cached answers without calling.
    pub fn model_from_variables() -> String {
        text("llm_model").unwrap_or_else(|| DEFAULT_MODEL.to_string())
    }

    /// Whether a provider call can be attempted at all.
    pub fn is_configured(&self) -> bool {
        !self.api_key.is_empty() && (self.base_url.starts_with("https://") || self.base_url.starts_with("http://"))
    }

    /// The full chat-completions URL.
    pub fn endpoint(&self) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), self.completions_path)
    }

    pub fn limits(&self) -> Limits {
        Limits { daily_budget: self.daily_budget, user_daily_cap: self.user_daily_cap, feature_daily_budget: None }
    }
}
