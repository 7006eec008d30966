//! The mock as one of OpenAI's reasoning models (o-series, GPT-5), which differ from xAI in what
//! they accept and in how a token limit ends an answer:
//! - `max_tokens` and any `temperature` but 1 are refused with OpenAI's 400;
//! - the limit (`max_completion_tokens`) covers the thinking, which comes first: the answer gets
//!   what is left, an empty one when nothing is, and stops there with `finish_reason: "length"`;
//! - `completion_tokens` counts the thinking (unlike xAI's).

use crate::MockReply;
use serde_json::{Value, json};

/// OpenAI's 400 for a request such a model does not take.
pub fn refusal(body: &Value) -> Option<MockReply> {
    let refused = |param: &str, code: &str, message: String| {
        let error = json!({"message": message, "type": "invalid_request_error", "param": param, "code": code});
        Some(MockReply::json(400, &json!({ "error": error })))
    };
    if body.get("max_tokens").is_some() {
        let message = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
        return refused("max_tokens", "unsupported_parameter", message.into());
    }
    let temperature = body["temperature"].as_f64().filter(|&temperature| temperature != 1.0)?;
    let message = format!("Unsupported value: 'temperature' does not support {temperature} with this model. Only the default (1) value is supported.");
    refused("temperature", "unsupported_value", message)
}

/// `completion` as the model gives it after thinking for `thinking` tokens, within the request's
/// `max_completion_tokens` (4 characters a token).
pub fn within_token_limit(mut completion: Value, body: &Value, thinking: u64) -> Value {
    let content = completion["choices"][0]["message"]["content"].as_str().unwrap_or_default().to_string();
    let answer_tokens = content.len() as u64 / 4;
    let limit = body["max_completion_tokens"].as_u64().unwrap_or(u64::MAX);
    let room = limit.saturating_sub(thinking);
    if answer_tokens > room {
        let kept: String = content.chars().take(room as usize * 4).collect();
        completion["choices"][0]["message"]["content"] = kept.into();
        completion["choices"][0]["finish_reason"] = "length".into();
    }
    let prompt_tokens = completion["usage"]["prompt_tokens"].as_u64().unwrap_or_default();
    let completion_tokens = (thinking + answer_tokens).min(limit);
    completion["usage"] = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "completion_tokens_details": {"reasoning_tokens": thinking.min(limit)},
    });
    completion
}
