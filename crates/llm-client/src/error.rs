//! Why a provider call produced no answer. Every variant is an expected condition that the
//! endpoints turn into an offline answer or a clear `{"error"}`, never a 500.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum LlmError {
    /// No API key (or no base URL) configured.
    NotConfigured,
    /// The app's daily call budget (`llm_daily_budget`) is used up.
    BudgetExhausted { budget: u64 },
    /// This user's daily cap (`llm_user_daily_cap`) is used up.
    UserCapReached { cap: u64 },
    /// Still rate limited (429) when retries or the deadline ran out.
    RateLimited,
    /// 5xx or a network failure, after retries.
    Unavailable(String),
    /// No answer within the call's deadline.
    Timeout,
    /// The provider refused the request (401, 400, ...): retrying cannot help.
    Rejected { status: u16, message: String },
    /// A 200 whose body is not a chat completion.
    InvalidResponse(String),
    /// The ledger could not be read or written.
    Storage(String),
    /// Another request is asking the provider the same question (`LlmClient::answering`); its
    /// answer will be in the cache.
    AskedElsewhere,
    /// The request that was asking the same question failed for good (`cache::get_or_wait`).
    FailedElsewhere,
}

impl fmt::Display for LlmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LlmError::NotConfigured => f.write_str("no LLM provider is configured"),
            LlmError::BudgetExhausted { budget } => write!(f, "the daily AI budget of {budget} calls is used up"),
            LlmError::UserCapReached { cap } => write!(f, "your daily limit of {cap} AI calls is used up"),
            LlmError::RateLimited => f.write_str("the LLM provider is rate limiting"),
            LlmError::Unavailable(reason) => write!(f, "the LLM provider is unavailable: {reason}"),
            LlmError::Timeout => f.write_str("the LLM provider did not answer in time"),
            LlmError::Rejected { status, message } => write!(f, "the LLM provider refused the request ({status}): {message}"),
            LlmError::InvalidResponse(reason) => write!(f, "the LLM provider sent an invalid answer: {reason}"),
            LlmError::Storage(reason) => write!(f, "the AI usage ledger failed: {reason}"),
            LlmError::AskedElsewhere => f.write_str("the same question is already with the LLM provider"),
            LlmError::FailedElsewhere => f.write_str("the LLM provider could not answer this same question just now"),
        }
    }
}

impl LlmError {
    /// Whether the provider itself failed the call (as opposed to the app declining to call:
    /// no key, budget, ledger, another request asking).
    pub fn is_provider_failure(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited | LlmError::Unavailable(_) | LlmError::Timeout | LlmError::Rejected { .. } | LlmError::InvalidResponse(_)
        )
    }
}

impl std::error::Error for LlmError {}

impl From<spin_sdk::sqlite::Error> for LlmError {
    fn from(error: spin_sdk::sqlite::Error) -> Self {
        LlmError::Storage(error.to_string())
    }
}
