//! `POST /api/account/password`: a signed-in user replaces their own password with JSON
//! `{"current_password", "new_password"}` (and the CSRF token, as every state change).
//!
//! The current password is asked for because a session alone (a browser left open) must not be
//! enough to take the account over; wrong guesses count against the same lock-outs as failed
//! logins. Every other session of the user ends, so a device signed in with the old password is
//! signed out; the one that made the change stays signed in.

use accounts::{Audience, cookie, now, session};
use serde::Deserialize;
use spin_sdk::http::{Request, Response};
use spin_sdk::sqlite::{Connection, Value};

use crate::credentials;
use crate::throttle::{self, Attempt};

#[derive(Deserialize)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

pub fn handle(request: &Request) -> Response {
    match change(request) {
        Ok(response) | Err(response) => response,
    }
}

fn change(request: &Request) -> Result<Response, Response> {
    let (db, user) = accounts::signed_in(request, Audience::Api)?;
    let change: PasswordChange = serde_json::from_slice(request.body())
        .map_err(|e| http_kit::error(400, format!("body must be JSON {{\"current_password\", \"new_password\"}}: {e}")))?;
    passwords::check_new(&change.new_password).map_err(|message| http_kit::error(400, message))?;
    let attempt = Attempt::new(&user.name, request).map_err(server_error)?;
    let now = now();
    if let Some(seconds) = attempt.locked_for(now) {
        return Err(throttle::locked_out(seconds, "password checks"));
    }
    let account = credentials::find_account(&db, &user.name).map_err(server_error)?.ok_or_else(|| http_kit::error(401, "not signed in"))?;
    if !passwords::verify(&change.current_password, &account.password_hash) {
        attempt.record_failure(now).map_err(server_error)?;
        return Err(http_kit::error(403, "the current password is wrong"));
    }
    attempt.record_success().map_err(server_error)?;
    if change.new_password == change.current_password {
        return Err(http_kit::error(400, "the new password is the current one; choose another"));
    }
    let hash = passwords::hash(&change.new_password).map_err(server_error)?;
    // Sessions end first: if storing then fails, the old password still stands and no session
    // outlives a change that happened.
    let kept = cookie::session_token(request).unwrap_or_default();
    let ended = session::end_others(&db, account.id, &kept).map_err(server_error)?;
    store(&db, account.id, &hash).map_err(server_error)?;
    Ok(http_kit::json(200, &serde_json::json!({ "status": "password_changed", "other_sessions_ended": ended })))
}

fn store(db: &Connection, user_id: i64, hash: &str) -> Result<(), String> {
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", &[Value::Text(hash.to_string()), Value::Integer(user_id)])
        .map(|_| ())
        .map_err(|e| format!("cannot store the password: {e}"))
}

fn server_error(message: String) -> Response {
    http_kit::error(500, message)
}
