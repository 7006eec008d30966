//! Mentor chat history per user (`chat_conversations`, `chat_messages`). The original was
//! single-turn (DOMAIN §2.5); here the most recent turns that fit a token budget are sent back
//! as context, so follow-up questions work while the prompt stays bounded.

use crate::sql::{integer, text};
use llm_client::Message;
use spin_sdk::sqlite::{Connection, Value};

/// Tokens (≈ 4 characters each) of earlier turns a chat prompt may carry.
pub const HISTORY_TOKEN_BUDGET: u64 = 2000;
/// Turns looked at when filling the budget.
const HISTORY_SCAN_LIMIT: i64 = 40;

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

/// The latest turns of a conversation, oldest first, within [`HISTORY_TOKEN_BUDGET`].
pub fn recent(db: &Connection, conversation_id: i64) -> Result<Vec<Message>, String> {
    let result = db
        .execute(
            "SELECT role, content FROM chat_messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
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
pub fn append(db: &Connection, conversation_id: i64, role: &'static str, content: &str, now: i64) -> Result<(), String> {
    db.execute(
        "INSERT INTO chat_messages (conversation_id, role, content, created_at) VALUES (?, ?, ?, ?)",
        &[Value::Integer(conversation_id), Value::Text(role.into()), Value::Text(content.into()), Value::Integer(now)],
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
