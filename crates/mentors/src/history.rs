//! Mentor chat history per user (`chat_conversations`, `chat_messages`). The original was
//! single-turn (DOMAIN §2.5); here the most recent turns that fit a token budget are sent back
//! as context, so follow-up questions work while the prompt stays bounded. The offline mentor's
//! replies are kept as well, to show a conversation again as the user saw it ([`shown`]), but
//! never go back to the model. A user's earlier conversations are listed ([`list`]) so that any
//! of them can be read and continued.

use llm_client::Message;
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read::{integer, text};

/// Tokens (≈ 4 characters each) of earlier turns a chat prompt may carry.
pub const HISTORY_TOKEN_BUDGET: u64 = 2000;
/// Turns looked at when filling the budget.
const HISTORY_SCAN_LIMIT: i64 = 40;
/// Turns of a conversation shown again in a new tab.
const SHOWN_TURNS_LIMIT: i64 = 100;
/// Characters of a conversation's first question that name it in the list.
const TITLE_CHARS: i64 = 200;

/// One turn as it is stored.
#[derive(Clone, Copy, Debug)]
pub enum Turn<'a> {
    /// The user's message, as typed.
    User(&'a str),
    /// The model's reply, sanitized HTML.
    Model(&'a str),
    /// The offline mentor's reply, HTML built from escaped text.
    Offline(&'a str),
}

/// A conversation as the user saw it, for the chat panel of a new tab.
#[derive(Serialize, Debug)]
pub struct ShownConversation {
    pub id: i64,
    pub mentor: String,
    /// Oldest first; at most the last [`SHOWN_TURNS_LIMIT`].
    pub turns: Vec<ShownTurn>,
}

/// A conversation as the list of earlier ones shows it.
#[derive(Serialize, Debug)]
pub struct ConversationSummary {
    pub id: i64,
    pub mentor: String,
    /// The start of its first question (at most [`TITLE_CHARS`] characters).
    pub first_question: String,
    /// Stored turns, questions and replies.
    pub turns: i64,
    pub updated_at: i64,
}

#[derive(Serialize, Debug)]
pub struct ShownTurn {
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// `llm` or `offline` for a reply; absent for the user's turns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
}

fn sql_error(error: spin_sdk::sqlite::Error) -> String {
    error.to_string()
}

/// Starts a conversation for `user_id` and returns its id.
pub fn start(db: &Connection, user_id: i64, mentor: &str, now: i64) -> Result<i64, String> {
    let result = db
        .execute(
            "INSERT INTO chat_conversations (user_id, mentor, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
            &[Value::Integer(user_id), Value::Text(mentor.into()), Value::Integer(now), Value::Integer(now)],
        )
        .map_err(sql_error)?;
    result.rows.first().and_then(|row| integer(&row.values, 0)).ok_or_else(|| "no conversation id".to_string())
}

/// Whether conversation `id` exists and belongs to `user_id` (other users' ids look unknown).
pub fn belongs_to(db: &Connection, id: i64, user_id: i64) -> Result<bool, String> {
    let result = db
        .execute(
            "SELECT 1 FROM chat_conversations WHERE id = ? AND user_id = ?",
            &[Value::Integer(id), Value::Integer(user_id)],
        )
        .map_err(sql_error)?;
    Ok(!result.rows.is_empty())
}

/// Deletes conversation `id` of `user_id` with all its turns; `false` when the user has no such
/// conversation (another user's id included), in which case nothing is touched.
pub fn delete(db: &Connection, id: i64, user_id: i64) -> Result<bool, String> {
    let owned = [Value::Integer(id), Value::Integer(user_id)];
    sqlite_kit::transaction(db, |db| {
        db.execute(
            "DELETE FROM chat_messages WHERE conversation_id IN (SELECT id FROM chat_conversations WHERE id = ? AND user_id = ?)",
            &owned,
        )?;
        let deleted = db.execute("DELETE FROM chat_conversations WHERE id = ? AND user_id = ? RETURNING id", &owned)?;
        Ok(!deleted.rows.is_empty())
    })
    .map_err(sql_error)
}

/// The latest turns of a conversation, oldest first, within [`HISTORY_TOKEN_BUDGET`].
pub fn recent(db: &Connection, conversation_id: i64) -> Result<Vec<Message>, String> {
    let result = db
        .execute(
            "SELECT role, content FROM chat_messages WHERE conversation_id = ? AND offline = 0 ORDER BY id DESC LIMIT ?",
            &[Value::Integer(conversation_id), Value::Integer(HISTORY_SCAN_LIMIT)],
        )
        .map_err(sql_error)?;
    let mut budget = HISTORY_TOKEN_BUDGET;
    let mut turns = Vec::new();
    for row in &result.rows {
        let content = text(&row.values, 1).unwrap_or_default();
        let cost = llm_client::ledger::estimate_tokens(&content);
        if cost > budget {
            break;
        }
        budget -= cost;
        turns.push(match text(&row.values, 0).as_deref() {
            Some("assistant") => Message::assistant(content),
            _ => Message::user(content),
        });
    }
    turns.reverse();
    Ok(turns)
}

/// Appends one turn.
pub fn append(db: &Connection, conversation_id: i64, turn: Turn<'_>, now: i64) -> Result<(), String> {
    let (role, content, offline) = match turn {
        Turn::User(content) => ("user", content, 0),
        Turn::Model(content) => ("assistant", content, 0),
        Turn::Offline(content) => ("assistant", content, 1),
    };
    db.execute(
        "INSERT INTO chat_messages (conversation_id, role, content, offline, created_at) VALUES (?, ?, ?, ?, ?)",
        &[
            Value::Integer(conversation_id),
            Value::Text(role.into()),
            Value::Text(content.into()),
            Value::Integer(offline),
            Value::Integer(now),
        ],
    )
    .and_then(|_| {
        db.execute(
            "UPDATE chat_conversations SET updated_at = ? WHERE id = ?",
            &[Value::Integer(now), Value::Integer(conversation_id)],
        )
    })
    .map(|_| ())
    .map_err(sql_error)
}

/// The id of the user's most recently used conversation (the one with the newest turn), if any.
pub fn latest(db: &Connection, user_id: i64) -> Result<Option<i64>, String> {
    let result = db
        .execute(
            "SELECT c.id FROM chat_conversations c WHERE c.user_id = ? \
             ORDER BY (SELECT max(m.id) FROM chat_messages m WHERE m.conversation_id = c.id) DESC NULLS LAST, c.id DESC LIMIT 1",
            &[Value::Integer(user_id)],
        )
        .map_err(sql_error)?;
    Ok(result.rows.first().and_then(|row| integer(&row.values, 0)))
}

/// The user's conversations that hold any turn, most recently used (newest turn) first, at most
/// `limit`. Timestamps are whole seconds; the turns' ids order them within one.
pub fn list(db: &Connection, user_id: i64, limit: u32) -> Result<Vec<ConversationSummary>, String> {
    let result = db
        .execute(
            "SELECT c.id, c.mentor, c.updated_at, \
                    (SELECT substr(m.content, 1, ?2) FROM chat_messages m WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.id LIMIT 1), \
                    (SELECT count(*) FROM chat_messages m WHERE m.conversation_id = c.id), \
                    (SELECT max(m.id) FROM chat_messages m WHERE m.conversation_id = c.id) AS last_turn \
             FROM chat_conversations c WHERE c.user_id = ?1 AND last_turn IS NOT NULL \
             ORDER BY last_turn DESC LIMIT ?3",
            &[Value::Integer(user_id), Value::Integer(TITLE_CHARS), Value::Integer(i64::from(limit))],
        )
        .map_err(sql_error)?;
    Ok(result
        .rows
        .iter()
        .map(|row| ConversationSummary {
            id: integer(&row.values, 0).unwrap_or_default(),
            mentor: text(&row.values, 1).unwrap_or_default(),
            updated_at: integer(&row.values, 2).unwrap_or_default(),
            first_question: text(&row.values, 3).unwrap_or_default(),
            turns: integer(&row.values, 4).unwrap_or_default(),
        })
        .collect())
}

/// Conversation `id` of `user_id` with its last turns, as the user saw them; `None` when there is
/// no such conversation of theirs.
pub fn shown(db: &Connection, id: i64, user_id: i64) -> Result<Option<ShownConversation>, String> {
    let conversation = db
        .execute(
            "SELECT mentor FROM chat_conversations WHERE id = ? AND user_id = ?",
            &[Value::Integer(id), Value::Integer(user_id)],
        )
        .map_err(sql_error)?;
    let Some(mentor) = conversation.rows.first().and_then(|row| text(&row.values, 0)) else {
        return Ok(None);
    };
    let messages = db
        .execute(
            "SELECT role, content, offline FROM chat_messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
            &[Value::Integer(id), Value::Integer(SHOWN_TURNS_LIMIT)],
        )
        .map_err(sql_error)?;
    let mut turns: Vec<ShownTurn> = messages
        .rows
        .iter()
        .map(|row| {
            let role = text(&row.values, 0).unwrap_or_default();
            let source = (role == "assistant").then(|| if integer(&row.values, 2) == Some(1) { "offline" } else { "llm" });
            ShownTurn { role, content: text(&row.values, 1).unwrap_or_default(), source }
        })
        .collect();
    turns.reverse();
    Ok(Some(ShownConversation { id, mentor, turns }))
}
