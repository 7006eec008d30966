//! The conversations as the user reads them again: one conversation with the deal it is about
//! (`GET /api/mentor-chat[?conversation_id=]`), and the list of their earlier ones
//! (`GET /api/mentor-chat/conversations`), so that any of them can be opened and continued — or
//! deleted (`DELETE /api/mentor-chat/conversations/<id>`), turns and all.

use mentors::deal::{self, DealFacts, DealReference};
use mentors::history;
use spin_sdk::http::Response;
use spin_sdk::sqlite::Connection;

/// How many earlier conversations the list shows.
const LISTED_CONVERSATIONS: u32 = 30;

/// `{"conversation", "deal"}`: the conversation `conversation_id` names, or the most recently used
/// one (null before the first); another user's id is answered as unknown.
pub fn conversation(db: &Connection, user: &accounts::User, query: &str) -> Result<Response, Response> {
    let asked = form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "conversation_id").map(|(_, value)| value.into_owned());
    let id = match &asked {
        Some(raw) => Some(conversation_id(raw)?),
        None => history::latest(db, user.id).map_err(http_kit::unavailable)?,
    };
    let conversation = match id {
        Some(id) => history::shown(db, id, user.id).map_err(http_kit::unavailable)?,
        None => None,
    };
    if asked.is_some() && conversation.is_none() {
        return Err(http_kit::error(404, "no such conversation"));
    }
    let deal = match &conversation {
        Some(conversation) => deal_of(db, conversation.id, user).map_err(http_kit::unavailable)?,
        None => None,
    };
    Ok(http_kit::json(200, &serde_json::json!({ "conversation": conversation, "deal": deal })))
}

/// `{"conversations": [...]}`: the user's conversations, most recently used first.
pub fn list(db: &Connection, user: &accounts::User) -> Result<Response, Response> {
    let conversations = history::list(db, user.id, LISTED_CONVERSATIONS).map_err(http_kit::unavailable)?;
    Ok(http_kit::json(200, &serde_json::json!({ "conversations": conversations })))
}

/// `{"deleted": id}`: the user's conversation `raw_id` is gone with its turns; another user's id
/// is answered as unknown.
pub fn delete(db: &Connection, user: &accounts::User, raw_id: &str) -> Result<Response, Response> {
    let id = conversation_id(raw_id)?;
    if !history::delete(db, id, user.id).map_err(http_kit::unavailable)? {
        return Err(http_kit::error(404, "no such conversation"));
    }
    Ok(http_kit::json(200, &serde_json::json!({ "deleted": id })))
}

fn conversation_id(raw: &str) -> Result<i64, Response> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| http_kit::error(400, format!("`{raw}` is not a conversation id")))
}

/// The deal a stored conversation is about: the one its next question is about unless that
/// names another (the same turns go back to the model with it).
fn deal_of(db: &Connection, conversation_id: i64, user: &accounts::User) -> Result<Option<DealReference>, String> {
    let earlier = history::recent(db, conversation_id)?;
    Ok(deal::load_discussed(db, "", &earlier, &user.settings)?.deal.as_ref().map(DealFacts::reference))
}
