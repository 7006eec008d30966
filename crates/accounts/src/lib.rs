//! Who is asking: every HTTP component of the app calls [`require_user`] or [`require_admin`]
//! first, so authentication, CSRF and role checks exist once instead of per component.
//!
//! A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its
//! SHA-256 ([`token`]), with a CSRF token per session that state-changing requests must echo
//! ([`csrf`]). The same lookup also loads the user's business settings ([`settings`]), because
//! nearly every endpoint needs them and one query is cheaper than two.
//!
//! Refusals are decided before a component reads the request body: JSON APIs get 401
//! `{"error": …}`, HTML pages a 303 to the login page `/`, non-admins on admin routes 403.

pub mod cookie;
pub mod csrf;
pub mod origin;
pub mod session;
pub mod settings;
pub mod token;

pub use domain::role::Role;
use domain::fees::BusinessSettings;
use spin_sdk::http::{Request, Response};
use spin_sdk::sqlite::Connection;

/// The signed-in user behind a request.
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The session's CSRF token, for pages to embed in their forms.
    pub csrf_token: String,
    /// The user's cost settings (defaults of DOMAIN §4.11 until saved).
    pub settings: BusinessSettings,
}

/// How a refusal is phrased: JSON for API clients, a redirect to the login page for browsers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Api,
    Page,
}

/// Opens the `default` database and checks the session — the first two steps of every endpoint
/// for signed-in users.
pub fn signed_in(request: &Request, audience: Audience) -> Result<(Connection, User), Response> {
    let db = http_kit::open_database()?;
    let user = require_user(&db, request, audience)?;
    Ok((db, user))
}

/// The signed-in user, or the response that refuses the request: 401 JSON / 303 to `/` without
/// a valid session, 403 when a state-changing request lacks the session's CSRF token.
pub fn require_user(db: &Connection, request: &Request, audience: Audience) -> Result<User, Response> {
    let token = cookie::session_token(request);
    let user = match token.map(|token| session::find(db, &token)) {
        Some(Ok(Some(user))) => user,
        Some(Err(message)) => return Err(http_kit::error(500, message)),
        Some(Ok(None)) | None => return Err(not_signed_in(audience)),
    };
    if csrf::is_state_changing(request.method()) && !csrf::carries_token(request, &user.csrf_token) {
        return Err(http_kit::error(403, "missing or wrong CSRF token (send the X-CSRF-Token header or a csrf_token form field)"));
    }
    Ok(user)
}

/// Like [`require_user`], and 403 for anyone who is not an admin.
pub fn require_admin(db: &Connection, request: &Request, audience: Audience) -> Result<User, Response> {
    let user = require_user(db, request, audience)?;
    match user.role {
        Role::Admin => Ok(user),
        Role::User => Err(http_kit::error(403, "this needs an admin account")),
    }
}

/// The refusal for a request without a valid session.
fn not_signed_in(audience: Audience) -> Response {
    match audience {
        Audience::Api => http_kit::error(401, "not signed in"),
        Audience::Page => Response::builder().status(303).header("location", "/").header("cache-control", "no-store").build(),
    }
}

/// Unix seconds now (WASI wall clock).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
