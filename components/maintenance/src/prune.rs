//! One bounded-growth rule per function; each returns how many rows it deleted.

use spin_sdk::sqlite::{Connection, Value};

/// Chat messages kept per user (newest first); older ones no longer fit any prompt anyway.
pub const CHAT_MESSAGES_PER_USER: i64 = 500;
/// Chat messages older than this go whatever the count: without it the history of 30,000
/// subscribers grew towards 8 GB before the per-user cap bit (CAPACITY.md, "Data growth").
pub const CHAT_RETENTION_SECS: i64 = 90 * 24 * 3600;
/// Finished learn jobs (done, failed, approved) are kept this long for the admin to look back.
pub const LEARN_JOB_RETENTION_SECS: i64 = 30 * 24 * 3600;
/// Per-user daily AI call counts only matter for today's cap; keep a quarter for support questions.
pub const AI_USER_USAGE_RETENTION_DAYS: i64 = 90;

/// Runs a `DELETE` and counts its rows through `RETURNING` (`changes()` in a second statement
/// may reach another connection of the host's pool).
fn delete(db: &Connection, statement: &str, parameters: &[Value]) -> Result<usize, String> {
    let statement = format!("{statement} RETURNING 1");
    let deleted = db.execute(&statement, parameters).map_err(|e| format!("{e}: {statement}"))?;
    Ok(deleted.rows.len())
}

/// Sessions past the idle or the absolute limit of the accounts crate.
pub fn expired_sessions(db: &Connection, now: i64) -> Result<usize, String> {
    delete(
        db,
        "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
        &[
            Value::Integer(now - accounts::session::IDLE_LIMIT_SECS),
            Value::Integer(now - accounts::session::ABSOLUTE_LIMIT_SECS),
        ],
    )
}

/// All but each user's newest messages, and every message past the retention, then
/// conversations left empty.
pub fn chat_history(db: &Connection, now: i64) -> Result<usize, String> {
    let deleted = delete(
        db,
        "DELETE FROM chat_messages WHERE created_at < ?2 OR id IN (
             SELECT id FROM (
                 SELECT m.id, ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY m.id DESC) AS newest
                 FROM chat_messages m JOIN chat_conversations c ON c.id = m.conversation_id)
             WHERE newest > ?1)",
        &[Value::Integer(CHAT_MESSAGES_PER_USER), Value::Integer(now - CHAT_RETENTION_SECS)],
    )?;
    delete(
        db,
        "DELETE FROM chat_conversations
         WHERE NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = chat_conversations.id)",
        &[],
    )?;
    Ok(deleted)
}

/// Learn jobs that finished long ago (their approved items live on in the knowledge base).
pub fn finished_learn_jobs(db: &Connection, now: i64) -> Result<usize, String> {
    delete(
        db,
        "DELETE FROM learn_jobs WHERE status IN ('done', 'failed', 'approved') AND updated_at < ?1",
        &[Value::Integer(now - LEARN_JOB_RETENTION_SECS)],
    )
}

/// Per-user AI counts of days long past (the per-day, per-feature ledger stays).
pub fn old_ai_user_usage(db: &Connection, now: i64) -> Result<usize, String> {
    delete(
        db,
        "DELETE FROM ai_user_usage WHERE day < date(?1, 'unixepoch', ?2)",
        &[Value::Integer(now), Value::Text(format!("-{AI_USER_USAGE_RETENTION_DAYS} days"))],
    )
}

/// In-flight marks of AI questions whose time limit has passed (answered or abandoned).
pub fn expired_ai_in_flight(db: &Connection, now: i64) -> Result<usize, String> {
    delete(db, "DELETE FROM ai_in_flight WHERE until <= ?1", &[Value::Integer(now)])
}
