//! One request to the OpenAI-compatible chat-completions endpoint (DOMAIN §6.1 wire format) and
//! the classification of its outcome for [`crate::retry`].

use crate::ledger::estimate_tokens;
use crate::retry::{Failure, parse_retry_after};
use crate::timer;
use crate::config::MaxTokensParam;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
}

/// The request body, serialized straight from the request (no intermediate JSON tree: this runs
/// once per provider call, inside the burst's critical path).
pub fn request_body(config: &Config, request: &ChatRequest) -> Vec<u8> {
    let limit = |param| if config.max_tokens_param == param { request.max_tokens } else { None };
    let wire = WireRequest {
        model: &config.model,
        messages: &request.messages,
        temperature: config.send_temperature.then_some(request.temperature),
        stream: false,
        max_tokens: limit(MaxTokensParam::MaxTokens),
        max_completion_tokens: limit(MaxTokensParam::MaxCompletionTokens),
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
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<String>,
}

#[derive(Default, Deserialize)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
    prompt_tokens_details: Option<WirePromptDetails>,
}

/// OpenAI's and xAI's breakdown of `prompt_tokens`.
#[derive(Default, Deserialize)]
struct WirePromptDetails {
    cached_tokens: Option<u64>,
}

impl WireUsage {
    /// The output tokens the call is billed for. xAI leaves a reasoning model's reasoning out of
    /// `completion_tokens` (grok-4-1-fast-reasoning often thinks several times as long as it
    /// answers) but counts it in `total_tokens`; OpenAI and most gateways count it in both.
    /// `total_tokens − prompt_tokens` is right for either.
    fn billed_output_tokens(&self) -> Option<u64> {
        let beyond_prompt = self.total_tokens.zip(self.prompt_tokens).map(|(total, prompt)| total.saturating_sub(prompt));
        self.completion_tokens.max(beyond_prompt)
    }
}

/// `choices[0].message.content` without reasoning, and the token usage of a completion body.
fn parse_completion(body: &[u8]) -> Result<Completion, String> {
    let wire: WireCompletion = serde_json::from_slice(body).map_err(|e| format!("not a chat completion: {e}"))?;
    let choice = wire.choices.into_iter().next().ok_or("the completion has no choices")?;
    let raw = choice.message.content.unwrap_or_default();
    let content = without_reasoning(&raw);
    let cut_off = choice.finish_reason.as_deref() == Some("length");
    if content.trim().is_empty() {
        return Err(if cut_off {
            "the model reached its token limit before it answered (finish_reason \"length\"); \
             a reasoning model may need llm_max_tokens_param = none"
                .into()
        } else {
            "the completion has no message content".into()
        });
    }
    let usage = wire.usage.unwrap_or_default();
    Ok(Completion {
        completion_tokens: usage.billed_output_tokens().unwrap_or_else(|| estimate_tokens(&raw)),
        prompt_tokens: usage.prompt_tokens.unwrap_or(0),
        cached_prompt_tokens: usage.prompt_tokens_details.and_then(|details| details.cached_tokens).unwrap_or(0),
        content,
        cut_off,
    })
}

/// `content` without `<think>…</think>` blocks (an unclosed one hides everything after it).
/// xAI returns a reasoning model's thoughts in a field of their own, but other OpenAI-compatible
/// servers (DeepSeek-R1 or Qwen3 behind vLLM or Ollama) put them in the content: shown, they
/// would be the model's private notes on the page, and parsed, their words would be taken for
/// the answer ("yes" to a reasonableness question, a season label, a JSON array).
fn without_reasoning(content: &str) -> String {
    const OPEN: &str = "<think>";
    const CLOSE: &str = "</think>";
    let mut visible = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find(OPEN) {
        visible.push_str(&rest[..start]);
        rest = rest[start..].find(CLOSE).map_or("", |end| &rest[start + end + CLOSE.len()..]);
    }
    visible.push_str(rest);
    visible
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
        assert_eq!(completion, Completion { content: "<p>Buy</p>".into(), cut_off: false, prompt_tokens: 12, cached_prompt_tokens: 0, completion_tokens: 3 });
        let cached = br#"{"choices":[{"message":{"content":"Yes"}}],"usage":{"prompt_tokens":1200,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":1024}}}"#;
        assert_eq!(parse_completion(cached).unwrap().cached_prompt_tokens, 1024);
    }

    #[test]
    fn reasoning_tokens_are_billed_whether_or_not_completion_tokens_counts_them() {
        let tokens = |usage: &str| {
            let body = format!(r#"{{"choices":[{{"message":{{"content":"Yes"}}}}],"usage":{usage}}}"#);
            parse_completion(body.as_bytes()).unwrap().completion_tokens
        };
        // xAI: 9 answer tokens, 94 reasoning tokens only in the total.
        let xai = r#"{"prompt_tokens":32,"completion_tokens":9,"total_tokens":135,"completion_tokens_details":{"reasoning_tokens":94}}"#;
        assert_eq!(tokens(xai), 103);
        // OpenAI: the reasoning is already in completion_tokens.
        let openai = r#"{"prompt_tokens":32,"completion_tokens":103,"total_tokens":135,"completion_tokens_details":{"reasoning_tokens":94}}"#;
        assert_eq!(tokens(openai), 103);
        assert_eq!(tokens(r#"{"prompt_tokens":32,"completion_tokens":9}"#), 9);
        assert_eq!(tokens(r#"{"prompt_tokens":32}"#), 1, "estimated from the answer");
    }

    #[test]
    fn reasoning_in_the_content_is_not_part_of_the_answer() {
        let body = br#"{"choices":[{"message":{"content":"<think>Is $900 reasonable? Yes, if...</think>\nNo"}}]}"#;
        assert_eq!(parse_completion(body).unwrap().content, "\nNo");
        let unclosed = br#"{"choices":[{"message":{"content":"[\"a\"]<think>but [\"b\"] too"}}]}"#;
        assert_eq!(parse_completion(unclosed).unwrap().content, r#"["a"]"#);
        assert!(parse_completion(br#"{"choices":[{"message":{"content":"<think>only thoughts</think> "}}]}"#).is_err());
    }

    #[test]
    fn the_token_limit_and_the_temperature_go_where_configured() {
        let request = ChatRequest { feature: crate::Feature::Chat, user_id: None, messages: vec![Message::user("hi")], temperature: 0.5, max_tokens: Some(300) };
        let body = |param| {
            let config = Config {
                base_url: "https://api.x.ai".into(),
                completions_path: crate::config::DEFAULT_COMPLETIONS_PATH.into(),
                api_key: "key".into(),
                model: "m".into(),
                max_tokens_param: param,
                send_temperature: param != MaxTokensParam::None,
                timeout: crate::config::DEFAULT_TIMEOUT,
                daily_budget: 1,
                user_daily_cap: 1,
                prices: Default::default(),
            };
            serde_json::from_slice::<serde_json::Value>(&request_body(&config, &request)).unwrap()
        };
        let (default, openai, none) = (body(MaxTokensParam::MaxTokens), body(MaxTokensParam::MaxCompletionTokens), body(MaxTokensParam::None));
        assert_eq!((default["max_tokens"].as_u64(), default.get("max_completion_tokens")), (Some(300), None));
        assert_eq!((openai.get("max_tokens"), openai["max_completion_tokens"].as_u64()), (None, Some(300)));
        assert_eq!((none.get("max_tokens"), none.get("max_completion_tokens")), (None, None));
        assert_eq!((default["temperature"].as_f64(), none.get("temperature")), (Some(0.5), None), "llm_send_temperature = false");
    }

    #[test]
    fn an_answer_lost_to_the_token_limit_says_so_and_one_cut_short_is_marked() {
        let body = br#"{"choices":[{"message":{"content":""},"finish_reason":"length"}],"usage":{"completion_tokens":300}}"#;
        assert!(parse_completion(body).unwrap_err().contains("llm_max_tokens_param"));
        let body = br#"{"choices":[{"message":{"content":"<p>Buy it, because the"},"finish_reason":"length"}]}"#;
        assert!(parse_completion(body).unwrap().cut_off);
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
