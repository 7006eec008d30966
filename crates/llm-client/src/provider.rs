//! One request to the OpenAI-compatible chat-completions endpoint (DOMAIN §6.1 wire format) and
//! the classification of its outcome for [`crate::retry`].

use crate::ledger::estimate_tokens;
use crate::retry::{Failure, parse_retry_after};
use crate::timer;
use crate::{ChatRequest, Completion, Config, LlmError, Message};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, Response, SendError, send};
use spin_sdk::wit::wasi::http0_2_0::types::ErrorCode;
use std::time::Duration;

/// The JSON body of a chat-completions request.
#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f32,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
}

/// The request body, serialized straight from the request (no intermediate JSON tree: this runs
/// once per provider call, inside the burst's critical path).
pub fn request_body(model: &str, request: &ChatRequest) -> Vec<u8> {
    let wire = WireRequest {
        model,
        messages: &request.messages,
        temperature: request.temperature,
        stream: false,
        max_tokens: request.max_tokens,
    };
    serde_json::to_vec(&wire).expect("a chat request serializes")
}

/// Sends one attempt, giving up after `limit`.
pub async fn attempt(config: &Config, body: &[u8], limit: Duration) -> Result<Completion, Failure> {
    let request = Request::builder()
        .method(Method::Post)
        .uri(config.endpoint())
        .header("authorization", format!("Bearer {}", config.api_key))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_vec())
        .build();
    let response: Response = match timer::within(limit, send(request)).await {
        Err(timer::TimedOut) => return Err(Failure::Timeout),
        Ok(Err(error)) => return Err(send_failure(error)),
        Ok(Ok(response)) => response,
    };
    classify(&response)
}

fn send_failure(error: SendError) -> Failure {
    match error {
        SendError::Http(ErrorCode::HttpRequestDenied) => Failure::Final(LlmError::Rejected {
            status: 0,
            message: "the provider's host is not in allowed_outbound_hosts".into(),
        }),
        SendError::Http(
            ErrorCode::ConnectionTimeout | ErrorCode::ConnectionReadTimeout | ErrorCode::HttpResponseTimeout,
        ) => Failure::Timeout,
        other => Failure::Network(other.to_string()),
    }
}

/// Success, a retryable status, or a final refusal.
fn classify(response: &Response) -> Result<Completion, Failure> {
    let status = *response.status();
    match status {
        200..=299 => parse_completion(response.body()).map_err(|reason| Failure::Final(LlmError::InvalidResponse(reason))),
        429 => Err(Failure::RateLimited {
            retry_after: response.header("retry-after").and_then(|v| v.as_str()).and_then(parse_retry_after),
        }),
        408 => Err(Failure::Timeout),
        500..=599 => Err(Failure::ServerError { status }),
        _ => Err(Failure::Final(LlmError::Rejected { status, message: error_message(response.body()) })),
    }
}

#[derive(Deserialize)]
struct WireCompletion {
    choices: Vec<WireChoice>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: WireMessage,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

/// `choices[0].message.content` and the token usage of a completion body.
fn parse_completion(body: &[u8]) -> Result<Completion, String> {
    let wire: WireCompletion = serde_json::from_slice(body).map_err(|e| format!("not a chat completion: {e}"))?;
    let content = wire
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .filter(|content| !content.trim().is_empty())
        .ok_or("the completion has no message content")?;
    let usage = wire.usage.unwrap_or(WireUsage { prompt_tokens: None, completion_tokens: None });
    Ok(Completion {
        completion_tokens: usage.completion_tokens.unwrap_or_else(|| estimate_tokens(&content)),
        prompt_tokens: usage.prompt_tokens.unwrap_or(0),
        content,
    })
}

/// The provider's `error.message` (OpenAI shape) or the start of the body.
fn error_message(body: &[u8]) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    match parsed.as_ref().and_then(|v| v["error"]["message"].as_str().or_else(|| v["error"].as_str())) {
        Some(message) => message.chars().take(200).collect(),
        None => String::from_utf8_lossy(body).chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_and_usage() {
        let body = br#"{"choices":[{"message":{"role":"assistant","content":"<p>Buy</p>"}}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#;
        let completion = parse_completion(body).unwrap();
        assert_eq!(completion, Completion { content: "<p>Buy</p>".into(), prompt_tokens: 12, completion_tokens: 3 });
    }

    #[test]
    fn empty_or_foreign_bodies_are_invalid() {
        assert!(parse_completion(b"{not json").is_err());
        assert!(parse_completion(br#"{"choices":[]}"#).is_err());
        assert!(parse_completion(br#"{"choices":[{"message":{"content":"  "}}]}"#).is_err());
    }

    #[test]
    fn error_messages_come_from_the_openai_shape() {
        assert_eq!(error_message(br#"{"error":{"message":"bad key"}}"#), "bad key");
        assert_eq!(error_message(b"plain"), "plain");
    }
}
