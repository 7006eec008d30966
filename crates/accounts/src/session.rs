//! Sessions in SQLite (`sessions`, migration 0003): created at login, found on every request,
//! ended at logout or after 7 days idle / 30 days in all.
//!
//! `last_seen_at` is refreshed at most once a minute, so that a user polling the API costs a
//! read per request, not a write.

use spin_sdk::sqlite::{Connection, Value};

use crate::{Role, User, now, settings, token};

/// A session ends this long after its last request.
pub const IDLE_LIMIT_SECS: i64 = 7 * 24 * 3600;
/// A session ends this long after login, however active.
pub const ABSOLUTE_LIMIT_SECS: i64 = 30 * 24 * 3600;
/// `last_seen_at` is not rewritten more often than this.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// A session just created: the token goes into the cookie, the CSRF token to the client.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// Whether a session created at `created_at` and last used at `last_seen_at` is still valid.
pub fn is_live(now: i64, created_at: i64, last_seen_at: i64) -> bool {
    now - last_seen_at < IDLE_LIMIT_SECS && now - created_at < ABSOLUTE_LIMIT_SECS
}

/// Starts a session for `user_id`, clearing that user's expired sessions on the way.
pub fn create(db: &Connection, user_id: i64) -> Result<NewSession, String> {
    let session = NewSession { token: token::random()?, csrf_token: token::random()? };
    let now = now();
    db.execute(
        "DELETE FROM sessions WHERE user_id = ? AND (last_seen_at <= ? OR created_at <= ?)",
        &[Value::Integer(user_id), Value::Integer(now - IDLE_LIMIT_SECS), Value::Integer(now - ABSOLUTE_LIMIT_SECS)],
    )
    .map_err(|e| format!("cannot clean up sessions: {e}"))?;
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
        &[
            Value::Text(token::hash(&session.token)),
            Value::Integer(user_id),
            Value::Text(session.csrf_token.clone()),
            Value::Integer(now),
            Value::Integer(now),
        ],
    )
    .map_err(|e| format!("cannot store the session: {e}"))?;
    Ok(session)
}

/// The user of a live session with this token; an expired session is deleted and gives `None`.
pub fn find(db: &Connection, token: &str) -> Result<Option<User>, String> {
    let token_hash = token::hash(token);
    let sql = format!(
        "SELECT u.id, u.username, u.role, s.csrf_token, s.created_at, s.last_seen_at, {}
         FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN user_settings us ON us.user_id = u.id
         WHERE s.token_hash = ?",
        settings::COLUMNS
    );
    let result = db.execute(&sql, &[Value::Text(token_hash.clone())]).map_err(|e| format!("cannot read the session: {e}"))?;
    let Some(row) = result.rows.first() else { return Ok(None) };
    let (created_at, last_seen_at) = (row.get::<i64>(4).unwrap_or(0), row.get::<i64>(5).unwrap_or(0));
    let now = now();
    if !is_live(now, created_at, last_seen_at) {
        end_by_hash(db, &token_hash)?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_INTERVAL_SECS {
        db.execute(
            "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
            &[Value::Integer(now), Value::Text(token_hash)],
        )
        .map_err(|e| format!("cannot refresh the session: {e}"))?;
    }
    let (Some(id), Some(name), Some(role), Some(csrf_token)) =
        (row.get::<i64>(0), row.get::<&str>(1), row.get::<&str>(2).and_then(Role::parse), row.get::<&str>(3))
    else {
        return Err("malformed session row".into());
    };
    Ok(Some(User {
        id,
        name: name.to_string(),
        role,
        csrf_token: csrf_token.to_string(),
        settings: settings::from_values(&row.values[6..]),
    }))
}

/// Ends the session with this token (no error if there is none).
pub fn end(db: &Connection, token: &str) -> Result<(), String> {
    end_by_hash(db, &token::hash(token))
}

/// Ends every session of `user_id` but the one with `kept_token` (after a change of password, the
/// device that made it stays signed in); returns how many ended.
pub fn end_others(db: &Connection, user_id: i64, kept_token: &str) -> Result<usize, String> {
    db.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ? RETURNING 1",
        &[Value::Integer(user_id), Value::Text(token::hash(kept_token))],
    )
    .map(|ended| ended.rows.len())
    .map_err(|e| format!("cannot end the other sessions: {e}"))
}

fn end_by_hash(db: &Connection, token_hash: &str) -> Result<(), String> {
    db.execute("DELETE FROM sessions WHERE token_hash = ?", &[Value::Text(token_hash.to_string())])
        .map(|_| ())
        .map_err(|e| format!("cannot end the session: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_after_a_week_idle_or_a_month_in_all() {
        let day = 24 * 3600;
        assert!(is_live(10 * day, 5 * day, 9 * day));
        assert!(!is_live(10 * day, 5 * day, 3 * day), "8 days idle");
        assert!(is_live(29 * day, 0, 29 * day));
        assert!(!is_live(30 * day, 0, 30 * day), "30 days old");
    }
}
