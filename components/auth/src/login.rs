//! `POST /login`: throttle check, password check, new session, answer for a form or for JSON.

use accounts::{cookie, now, session};
use serde_json::json;
use spin_sdk::http::{Request, Response};
use spin_sdk::sqlite::Connection;

use crate::credentials::{self, Account};
use crate::throttle::{self, Attempt};
use crate::{redirect, wants_json};

/// Where a form login lands.
const AFTER_LOGIN: &str = "/dashboard";

pub fn handle(request: &Request) -> Response {
    let is_form = !wants_json(request);
    let credentials = match credentials::parse(request.body(), is_form) {
        Ok(credentials) => credentials,
        Err(message) => return http_kit::error(400, message),
    };
    match sign_in(request, &credentials.username, &credentials.password) {
        Ok(Outcome::SignedIn(account, new_session)) => signed_in(request, &account, &new_session),
        Ok(Outcome::Refused) if is_form => redirect("/?error=invalid_credentials"),
        Ok(Outcome::Refused) => http_kit::error(401, "invalid username or password"),
        Ok(Outcome::LockedOut(_)) if is_form => redirect("/?error=too_many_attempts"),
        Ok(Outcome::LockedOut(seconds)) => throttle::locked_out(seconds, "logins"),
        Err(message) => http_kit::error(500, message),
    }
}

enum Outcome {
    SignedIn(Account, session::NewSession),
    Refused,
    LockedOut(i64),
}

/// Checks throttling and the password; on success starts a session.
fn sign_in(request: &Request, username: &str, password: &str) -> Result<Outcome, String> {
    let attempt = Attempt::new(username, request)?;
    let now = now();
    if let Some(seconds) = attempt.locked_for(now) {
        return Ok(Outcome::LockedOut(seconds));
    }
    let db = Connection::open_default().map_err(|e| e.to_string())?;
    let account = credentials::find_account(&db, username)?;
    // An unknown name costs one hash too, so response times do not reveal which names exist.
    let stored_hash = account.as_ref().map_or(passwords::DUMMY_HASH, |account| account.password_hash.as_str());
    let password_matches = passwords::verify(password, stored_hash);
    match account.filter(|_| password_matches) {
        Some(account) => {
            attempt.record_success()?;
            let new_session = session::create(&db, account.id)?;
            Ok(Outcome::SignedIn(account, new_session))
        }
        None => {
            attempt.record_failure(now)?;
            Ok(Outcome::Refused)
        }
    }
}

/// The success answer: the cookie, then a redirect (form) or the CSRF token and user (JSON).
fn signed_in(request: &Request, account: &Account, new_session: &session::NewSession) -> Response {
    let mut response = if wants_json(request) {
        http_kit::json(
            200,
            &json!({
                "csrf_token": new_session.csrf_token,
                "user": { "name": account.name, "role": account.role.as_str() },
            }),
        )
    } else {
        redirect(AFTER_LOGIN)
    };
    let cookie = cookie::set_session(&new_session.token, session::ABSOLUTE_LIMIT_SECS, cookie::is_https(request));
    response.set_header("set-cookie", cookie);
    response
}
