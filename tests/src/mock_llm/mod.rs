//! A mock OpenAI-compatible chat-completions API on 127.0.0.1 (`POST /v1/chat/completions`, or
//! another path as some providers serve it): answers are computed deterministically from the
//! prompt ([`answers`]; the ingest job's pipeline questions from settable [`PipelineAnswers`]),
//! with token usage as xAI reports it for a reasoning model (a [`prompt_cache`] included), every
//! request body and the usage of every answer are kept for assertions, and tests can slow it down or make it fail (429 with `Retry-After`, 500,
//! a hang past the client's timeout, a 200 that is not JSON). The `mock_llm` binary serves it for
//! the demo and the AI benchmark.

mod answers;
mod openai_reasoning;
mod pipeline;
pub mod prompt_cache;

pub use answers::Style;
pub use pipeline::{PipelineAnswers, PipelineCall, RESCUE_DAYS_AGO, RESCUE_PRICE};

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{MockReply, MockServer, SeenRequest};
use prompt_cache::PromptCache;

/// What a request gets instead of a normal answer.
#[derive(Clone, Debug, PartialEq)]
pub enum LlmFault {
    /// 429 with `Retry-After: secs` when given.
    RateLimited { retry_after_secs: Option<u64> },
    /// 500 with a provider-style error body.
    ServerError,
    /// No answer for this long (longer than the client's timeout).
    Hang(Duration),
    /// 200 with a body that is not JSON.
    InvalidJson,
}

struct State {
    delay: Duration,
    next_faults: VecDeque<LlmFault>,
    every_request: Option<LlmFault>,
    bodies: Vec<serde_json::Value>,
    pipeline: PipelineAnswers,
    style: Style,
    completions_path: String,
    /// Reasoning tokens of a model that behaves like OpenAI's reasoning models.
    openai_reasoning: Option<u64>,
    prompt_cache: PromptCache,
    /// The `usage` of every answer sent.
    usages: Vec<serde_json::Value>,
}

/// A running mock LLM; stops when dropped.
pub struct MockLlm {
    state: Arc<Mutex<State>>,
    server: MockServer,
}

impl MockLlm {
    /// Starts the mock with no delay and no faults.
    pub fn start() -> MockLlm {
        let state = Arc::new(Mutex::new(State {
            delay: Duration::ZERO,
            next_faults: VecDeque::new(),
            every_request: None,
            bodies: Vec::new(),
            pipeline: PipelineAnswers::default(),
            style: Style::Html,
            completions_path: "/v1/chat/completions".into(),
            openai_reasoning: None,
            prompt_cache: PromptCache::default(),
            usages: Vec::new(),
        }));
        let shared = state.clone();
        let server = MockServer::start(move |request: &SeenRequest| reply(&shared, request));
        MockLlm { state, server }
    }

    /// `http://127.0.0.1:PORT`, the value for the `llm_base_url` variable.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every answer waits `delay` first (a slow provider).
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// The next `count` requests get `fault`.
    pub fn fail_next(&self, fault: LlmFault, count: usize) {
        self.lock().next_faults.extend(std::iter::repeat_n(fault, count));
    }

    /// Every request gets `fault` (until called with `None`).
    pub fn fail_every_request(&self, fault: Option<LlmFault>) {
        self.lock().every_request = fault;
    }

    /// Sets what the ingest job's pipeline questions get from now on.
    pub fn set_pipeline_answers(&self, answers: PipelineAnswers) {
        self.lock().pipeline = answers;
    }

    /// Sets how answers are written from now on.
    pub fn set_style(&self, style: Style) {
        self.lock().style = style;
    }

    /// Serves chat completions at `path` from now on (every other path gets a 404).
    pub fn set_completions_path(&self, path: &str) {
        self.lock().completions_path = path.into();
    }

    /// From now on behaves like an OpenAI reasoning model that thinks for `reasoning_tokens`
    /// before answering ([`openai_reasoning`]; `None`: as before).
    pub fn behave_like_openai_reasoning(&self, reasoning_tokens: Option<u64>) {
        self.lock().openai_reasoning = reasoning_tokens;
    }

    /// How many requests so far asked `call`.
    pub fn pipeline_calls(&self, call: PipelineCall) -> usize {
        self.lock().bodies.iter().filter(|body| PipelineCall::of(&prompt_text(body)) == Some(call)).count()
    }

    /// The JSON bodies of all chat-completion requests so far.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.lock().bodies.clone()
    }

    /// The `usage` of every completion answered so far, in order.
    pub fn usages(&self) -> Vec<serde_json::Value> {
        self.lock().usages.clone()
    }

    /// How many chat-completion requests arrived.
    pub fn request_count(&self) -> usize {
        self.lock().bodies.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("mock LLM state")
    }
}

/// The prompt of a request body: all message contents, in order, one per line.
pub fn prompt_text(body: &serde_json::Value) -> String {
    body["messages"]
        .as_array()
        .map(|messages| messages.iter().filter_map(|m| m["content"].as_str()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

fn reply(state: &Mutex<State>, request: &SeenRequest) -> MockReply {
    let served_here = request.path_and_query.starts_with(&state.lock().expect("mock LLM state").completions_path);
    if request.method != "POST" || !served_here {
        return MockReply::json(404, &serde_json::json!({"error": {"message": "unknown endpoint"}}));
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&request.body) else {
        return MockReply::json(400, &serde_json::json!({"error": {"message": "request body is not JSON"}}));
    };
    let (delay, fault, pipeline, style, openai_reasoning) = {
        let mut state = state.lock().expect("mock LLM state");
        state.bodies.push(body.clone());
        let fault = state.next_faults.pop_front().or_else(|| state.every_request.clone());
        (state.delay, fault, state.pipeline.clone(), state.style, state.openai_reasoning)
    };
    if let Some(refusal) = openai_reasoning.and_then(|_| openai_reasoning::refusal(&body)) {
        return refusal.delayed(delay);
    }
    let answer = || {
        let completion = answers::completion_with(&body, &pipeline, style);
        let mut completion = match openai_reasoning {
            Some(thinking) => openai_reasoning::within_token_limit(completion, &body, thinking),
            None => completion,
        };
        let mut state = state.lock().expect("mock LLM state");
        let cached_tokens = state.prompt_cache.serve(&prompt_text(&body));
        completion["usage"]["prompt_tokens_details"] = serde_json::json!({"cached_tokens": cached_tokens});
        state.usages.push(completion["usage"].clone());
        completion
    };
    let reply = match fault {
        None => MockReply::json(200, &answer()),
        Some(LlmFault::RateLimited { retry_after_secs }) => {
            let reply = MockReply::json(429, &serde_json::json!({"error": {"message": "rate limit exceeded"}}));
            match retry_after_secs {
                Some(secs) => reply.with_header("retry-after", &secs.to_string()),
                None => reply,
            }
        }
        Some(LlmFault::ServerError) => MockReply::json(500, &serde_json::json!({"error": {"message": "internal error"}})),
        Some(LlmFault::Hang(duration)) => MockReply::json(200, &answer()).delayed(duration),
        Some(LlmFault::InvalidJson) => MockReply::raw(200, "application/json", b"{\"choices\": [ this is not json".to_vec()),
    };
    if reply.delay.is_zero() { reply.delayed(delay) } else { reply }
}
