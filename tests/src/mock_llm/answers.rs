//! Deterministic answers computed from the prompt, so tests can predict them:
//!
//! - a strategy extraction (the prompt asks for "objects with the keys category") gets one
//!   Buying strategy per sentence of the text that contains a digit;
//! - a mental-model extraction ("high-level mental models") gets every other sentence of at
//!   least four words;
//! - the ingest job's pipeline questions get [`PipelineAnswers`];
//! - anything else (advice, chat) gets `<p><b>NAME</b> …</p>` where NAME is the persona named by
//!   "You are NAME," in the system prompt, followed by a fingerprint of the whole prompt, the
//!   number of user turns, and the last user message echoed verbatim (so the app's sanitizer
//!   is what stands between a hostile message and the page); an advice prompt, too long to echo,
//!   gets its deal facts back as a list instead, so the demo shows what a real model is told; a
//!   chat prompt that carries a deal (the conversation named one) says which book it holds;
//! - in [`Style::MarkdownWithReasoning`], every answer opens with reasoning in `<think>`, as some
//!   OpenAI-compatible servers send it, whose words would mislead a parser (a "Yes", a season
//!   label, a JSON array); and advice and chat answer as many models do despite being asked for
//!   HTML: a Markdown heading, bold text and a bulleted list of the same facts.

use serde_json::{Value, json};

use super::pipeline::{PipelineAnswers, PipelineCall};

/// How answers are written (see the module doc).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// HTML, as the prompts ask.
    #[default]
    Html,
    /// Reasoning in `<think>` before every answer; advice and chat in Markdown.
    MarkdownWithReasoning,
}

/// The reasoning [`Style::MarkdownWithReasoning`] puts before an answer.
const REASONING: &str = "<think>\nYes, maybe. [\"Gardening\"] could fit; the operator wants a verdict.\n\n\
                         This reasoning is not the answer.\n</think>\n\n";

/// The chat-completion JSON for a request body.
pub fn completion_with(body: &Value, pipeline: &PipelineAnswers, style: Style) -> Value {
    let prompt = super::prompt_text(body);
    let content = if let Some(call) = PipelineCall::of(&prompt) {
        pipeline.answer(call, &prompt)
    } else if prompt.contains("objects with the keys category") {
        strategies(source_text(&prompt))
    } else if prompt.contains("high-level mental models") {
        mental_models(source_text(&prompt))
    } else {
        conversation(&Conversation::of(body, &prompt), style)
    };
    let content = match style {
        Style::Html => content,
        Style::MarkdownWithReasoning => format!("{REASONING}{content}"),
    };
    json!({
        "id": "mock-completion",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage(prompt.len() / 4, content.len() / 4),
    })
}

/// Token counts as xAI reports them for a reasoning model: the reasoning (here twice the answer)
/// is left out of `completion_tokens` and counted in `total_tokens` and the details. (The share
/// of the prompt served from cache is added by [`super::prompt_cache`].)
fn usage(prompt_tokens: usize, completion_tokens: usize) -> Value {
    let reasoning_tokens = 2 * completion_tokens;
    json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens + reasoning_tokens,
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
    })
}

/// The text after the `TEXT:` marker of an extraction prompt.
fn source_text(prompt: &str) -> &str {
    prompt.split_once("TEXT:\n").map_or("", |(_, text)| text)
}

fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['.', '!', '?', '\n']).map(str::trim).filter(|s| !s.is_empty())
}

fn strategies(text: &str) -> String {
    let items: Vec<Value> = sentences(text)
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .map(|s| json!({"category": "Buying", "trigger": format!("When: {s}"), "advice": s, "confidence": "High"}))
        .collect();
    Value::Array(items).to_string()
}

fn mental_models(text: &str) -> String {
    let items: Vec<Value> = sentences(text)
        .filter(|s| !s.chars().any(|c| c.is_ascii_digit()) && s.split_whitespace().count() >= 4)
        .map(|s| Value::String(s.to_string()))
        .collect();
    Value::Array(items).to_string()
}

/// What an advice or chat answer is made of.
struct Conversation<'a> {
    persona: String,
    fingerprint: u64,
    user_turns: usize,
    last_user: &'a str,
    prompt: &'a str,
}

impl<'a> Conversation<'a> {
    fn of(body: &'a Value, prompt: &'a str) -> Conversation<'a> {
        let messages = body["messages"].as_array().map(Vec::as_slice).unwrap_or_default();
        let persona = prompt
            .split_once("You are ")
            .and_then(|(_, rest)| rest.split([',', '.']).next())
            .unwrap_or("Mentor")
            .to_string();
        let last_user = messages.iter().rev().find(|m| m["role"] == "user").and_then(|m| m["content"].as_str()).unwrap_or("");
        Conversation {
            persona,
            fingerprint: fingerprint(prompt),
            user_turns: messages.iter().filter(|m| m["role"] == "user").count(),
            last_user,
            prompt,
        }
    }

    /// The message, or for an advice prompt (too long to echo) its deal facts.
    fn echo(&self) -> Echo<'_> {
        if self.last_user.len() < 500 {
            return Echo::Message(self.last_user);
        }
        Echo::DealFacts(match self.last_user.split_once("The deal:\n") {
            Some((_, after)) => after.lines().take_while(|line| !line.trim().is_empty()).collect(),
            None => Vec::new(),
        })
    }
}

/// What an answer repeats of the prompt.
enum Echo<'a> {
    Message(&'a str),
    /// The lines between "The deal:" and the next blank line (none: a long prompt without them).
    DealFacts(Vec<&'a str>),
}

fn conversation(conversation: &Conversation, style: Style) -> String {
    let Conversation { persona, fingerprint, user_turns, .. } = conversation;
    match style {
        Style::Html => {
            let echo = match conversation.echo() {
                Echo::Message(message) => message.to_string(),
                Echo::DealFacts(facts) if facts.is_empty() => "(long prompt)".into(),
                Echo::DealFacts(facts) => {
                    let items: String = facts.iter().map(|line| format!("<li>{line}</li>")).collect();
                    format!("a real model would weigh these figures:</p><ul>{items}</ul><p>(the mock LLM gives no verdict)")
                }
            };
            format!(
                "<p><b>{persona}</b> (mock, prompt {fingerprint:016x}, turn {user_turns}): {echo}</p>{}",
                discussed_deal(conversation.prompt)
            )
        }
        Style::MarkdownWithReasoning => {
            let lines = match conversation.echo() {
                Echo::Message(message) => vec![message],
                Echo::DealFacts(facts) => facts,
            };
            let items: String = lines.iter().map(|line| format!("- {line}\n")).collect();
            format!("### {persona}\n\n**Mock answer** (prompt {fingerprint:016x}, turn {user_turns}):\n\n{items}")
        }
    }
}

/// For a chat prompt that carries a deal's figures: which book they are of.
fn discussed_deal(prompt: &str) -> String {
    let Some((_, deal)) = prompt.split_once("The deal the operator is asking about") else {
        return String::new();
    };
    let title = deal.lines().find_map(|line| line.strip_prefix("Title: ")).unwrap_or("an untitled book");
    format!("<p><i>The prompt holds the figures of {title}.</i></p>")
}

/// FNV-1a of the prompt: equal prompts, equal answers.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice_body(user: &str) -> Value {
        json!({"model": "m", "messages": [
            {"role": "system", "content": "You are Joel, the flipper."},
            {"role": "user", "content": user},
        ]})
    }

    fn content(body: &Value) -> String {
        completion_with(body, &PipelineAnswers::default(), Style::Html)["choices"][0]["message"]["content"].as_str().unwrap().to_string()
    }

    #[test]
    fn a_long_advice_prompt_gets_its_deal_facts_back_as_a_list() {
        let padding = "x".repeat(600);
        let body = advice_body(&format!("{padding}\n\nThe deal:\nASIN: 1007000200\nProfit: $62.59\n\nLearned strategies:\n- none"));
        let answer = content(&body);
        assert!(answer.starts_with("<p><b>Joel</b> (mock, prompt "), "{answer}");
        assert!(answer.contains("<ul><li>ASIN: 1007000200</li><li>Profit: $62.59</li></ul>"), "{answer}");
        assert!(!answer.contains("Learned strategies"), "{answer}");
    }

    #[test]
    fn a_long_prompt_without_deal_facts_is_not_echoed() {
        let answer = content(&advice_body(&"y".repeat(600)));
        assert!(answer.ends_with(": (long prompt)</p>"), "{answer}");
    }

    #[test]
    fn a_chat_prompt_with_a_deal_says_which_book() {
        let body = json!({"model": "m", "messages": [
            {"role": "system", "content": "You are Olyvia, CFO.\n\nThe deal the operator is asking about (figures):\nASIN: 0134093410\nTitle: Zymurgy\n"},
            {"role": "user", "content": "And in August?"},
        ]});
        assert!(content(&body).ends_with("turn 1): And in August?</p><p><i>The prompt holds the figures of Zymurgy.</i></p>"), "{}", content(&body));
    }

    #[test]
    fn a_short_message_is_echoed_verbatim() {
        assert!(content(&advice_body("Is <i>this</i> good?")).ends_with("turn 1): Is <i>this</i> good?</p>"));
    }
}
