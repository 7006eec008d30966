//! `POST /api/mentor-chat` (DOMAIN §5.4): `{message, mentor, conversation_id?}` →
//! `{reply, conversation_id, source, deal}`. `GET /api/mentor-chat[?conversation_id=]` →
//! `{"conversation": …, "deal": …}`: the user's most recently used conversation (or the one
//! asked for) as they saw it, offline replies included, so that the chat panel of a new tab or
//! another device continues it; `GET /api/mentor-chat/conversations` lists the user's earlier
//! conversations and `DELETE /api/mentor-chat/conversations/<id>` deletes one (see `shown`).
//!
//! Unlike the original's single-turn chat, each conversation's recent turns (within a token
//! budget) go back to the model, so follow-up questions work. Conversations belong to one user;
//! another user's id is answered as unknown. Without a provider (not configured, failing, or
//! over budget) the persona answers from rules (`"source": "offline"`, see
//! `mentors::offline::chat_html`): the approved knowledge that shares words with the message and
//! the offline assessment of the deal the conversation is about. The question and the offline
//! reply are kept in the history; only the model's own replies go back to it as context.
//!
//! The deal a conversation is about is the stored deal named (by ASIN or ISBN, else by its main
//! title, "is Campbell Biology worth it?") in its newest question that names one
//! (`mentors::deal::load_discussed`); its figures, for this user's costs, go into the prompt, so
//! "and in August?" after "what about 0134093410?" is answered about that book, and the answer
//! names it (`deal`) so that the chat panel can show what the mentor is looking at. Books the new
//! message names that are not stored deals are listed in the prompt as having no figures here, so
//! the model neither invents them nor takes the conversation's deal for them.

mod shown;

use llm_client::{ChatRequest, Config, Feature, LlmClient, cache, ledger, reply};
use mentors::deal::{DealFacts, DealReference};
use mentors::persona::Persona;
use mentors::history::{self, Turn};
use mentors::{deal, knowledge, offline, prompt};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

/// Longest accepted message, in characters.
const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Deserialize)]
struct ChatInput {
    message: Option<String>,
    mentor: Option<String>,
    conversation_id: Option<i64>,
}

#[derive(Serialize)]
struct ChatReply {
    reply: String,
    conversation_id: i64,
    mentor: &'static str,
    source: &'static str,
    /// The deal the conversation is about (its figures were in the prompt), or null.
    deal: Option<DealReference>,
}

#[http_component]
async fn handle(request: Request) -> Response {
    match answer(request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn answer(request: Request) -> Result<Response, Response> {
    let sub_path = request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("").trim_end_matches('/').to_string();
    let route = route(&sub_path, request.method())?;
    let db = http_kit::open_database()?;
    let user = accounts::require_user(&db, &request, accounts::Audience::Api)?;
    match route {
        Route::Conversation => shown::conversation(&db, &user, request.query()),
        Route::Ask => ask(&db, &user, &request).await,
        Route::List => shown::list(&db, &user),
        Route::Delete(raw_id) => shown::delete(&db, &user, raw_id),
    }
}

/// What a request asks for, by its path below `/api/mentor-chat` and its method.
enum Route<'a> {
    Conversation,
    Ask,
    List,
    Delete(&'a str),
}

/// The route, or the 404/405 that refuses the request before any store is opened.
fn route<'a>(sub_path: &'a str, method: &Method) -> Result<Route<'a>, Response> {
    match (sub_path, method) {
        ("", Method::Get) => Ok(Route::Conversation),
        ("", Method::Post) => Ok(Route::Ask),
        ("", _) => Err(http_kit::method_not_allowed("GET, POST")),
        ("/conversations", Method::Get) => Ok(Route::List),
        ("/conversations", _) => Err(http_kit::method_not_allowed("GET")),
        (other, method) => match other.strip_prefix("/conversations/") {
            Some(id) if *method == Method::Delete => Ok(Route::Delete(id)),
            Some(_) => Err(http_kit::method_not_allowed("DELETE")),
            None => Err(http_kit::no_such_endpoint(&format!("/api/mentor-chat{other}"))),
        },
    }
}

/// `POST /api/mentor-chat`: the question answered by the model, or offline.
async fn ask(db: &Connection, user: &accounts::User, request: &Request) -> Result<Response, Response> {
    let input: ChatInput = serde_json::from_slice(request.body())
        .map_err(|e| http_kit::error(400, format!("expected JSON {{\"message\", \"mentor\", \"conversation_id\"?}}: {e}")))?;
    let message = validated_message(input.message.as_deref())?;
    let persona = Persona::from_optional_key(input.mentor.as_deref())
        .ok_or_else(|| http_kit::error(400, "unknown mentor; use olyvia, joel, evelyn or errol"))?;
    let now = cache::now();
    let conversation_id = match input.conversation_id {
        Some(id) if history::belongs_to(db, id, user.id).map_err(http_kit::unavailable)? => id,
        Some(_) => return Err(http_kit::error(404, "no such conversation")),
        None => history::start(db, user.id, persona.key(), now).map_err(http_kit::unavailable)?,
    };
    let earlier = history::recent(db, conversation_id).map_err(http_kit::unavailable)?;
    let knowledge = knowledge::load_for_prompts(db).map_err(http_kit::unavailable)?;
    let discussed = deal::load_discussed(db, &message, &earlier, &user.settings).map_err(http_kit::unavailable)?;
    history::append(db, conversation_id, Turn::User(&message), now).map_err(http_kit::unavailable)?;
    let request = ChatRequest {
        feature: Feature::Chat,
        user_id: Some(user.id),
        messages: prompt::chat_messages(persona, &knowledge, &discussed, &earlier, &message),
        temperature: 0.5,
        max_tokens: Some(300),
    };
    let (reply, source) = match LlmClient::new(Config::from_variables(), db).complete(&request).await {
        Ok(completion) => {
            let html = reply::to_html(&completion);
            history::append(db, conversation_id, Turn::Model(&html), cache::now()).map_err(http_kit::unavailable)?;
            (html, "llm")
        }
        Err(error) => {
            ledger::record_offline_answer(db, Feature::Chat);
            let reply = offline::chat_html(persona, &message, &knowledge, &discussed, &error.to_string());
            history::append(db, conversation_id, Turn::Offline(&reply), cache::now()).map_err(http_kit::unavailable)?;
            (reply, "offline")
        }
    };
    Ok(http_kit::json(200, &ChatReply { reply, conversation_id, mentor: persona.key(), source, deal: discussed.deal.as_ref().map(DealFacts::reference) }))
}

/// The trimmed message, or a 400 naming the limit.
fn validated_message(message: Option<&str>) -> Result<String, Response> {
    let message = message.map(str::trim).unwrap_or("");
    if message.is_empty() {
        return Err(http_kit::error(400, format!("message is empty; send 1 to {MAX_MESSAGE_CHARS} characters")));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(http_kit::error(400, format!("message is too long; the limit is {MAX_MESSAGE_CHARS} characters")));
    }
    Ok(message.to_string())
}
