//! Signing in and out, and a user's own password. `POST /login` takes an HTML form (answered
//! with a 303 to the dashboard) or JSON `{"username", "password"}` (answered with the CSRF token
//! API clients must echo); both set the session cookie. `POST /logout` ends the session.
//! `POST /api/account/password` replaces the signed-in user's password ([`password_change`]).
//!
//! Login and logout need no CSRF token (there is no session yet, or ending one is harmless), so
//! both refuse a foreign `Origin` instead. Failed logins and wrong current passwords are counted
//! per user and per address and slow further attempts down ([`throttle`]).

mod credentials;
mod login;
mod password_change;
mod throttle;

use accounts::{cookie, origin};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

#[http_component]
fn handle(request: Request) -> Response {
    match (request.method(), request.path()) {
        (Method::Post, "/login") if !origin::is_same_origin(&request) => foreign_origin(),
        (Method::Post, "/login") => login::handle(&request),
        (Method::Post, "/logout") if !origin::is_same_origin(&request) => foreign_origin(),
        (Method::Post, "/logout") => logout(&request),
        (Method::Post, "/api/account/password") => password_change::handle(&request),
        // A browser that lands on /login by hand belongs on the login page.
        (Method::Get, "/login") => redirect("/"),
        _ => http_kit::method_not_allowed("POST"),
    }
}

/// Ends the session of the cookie (if any) and deletes the cookie.
fn logout(request: &Request) -> Response {
    if let Some(token) = cookie::session_token(request) {
        let ended = Connection::open_default().map_err(|e| e.to_string()).and_then(|db| accounts::session::end(&db, &token));
        if let Err(message) = ended {
            return http_kit::error(500, message);
        }
    }
    let mut response = if wants_json(request) {
        http_kit::json(200, &serde_json::json!({ "status": "signed_out" }))
    } else {
        redirect("/")
    };
    response.set_header("set-cookie", cookie::clear_session(cookie::is_https(request)));
    response
}

fn foreign_origin() -> Response {
    http_kit::error(403, "request from a foreign origin refused")
}

/// A 303 See Other to `location` (after a form post the browser follows with a GET).
fn redirect(location: &str) -> Response {
    Response::builder().status(303).header("location", location).header("cache-control", "no-store").build()
}

/// Whether to answer in JSON: anything but an HTML form post.
fn wants_json(request: &Request) -> bool {
    !accounts::csrf::is_form(request)
}
