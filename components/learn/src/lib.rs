//! Guided learning, admin only (DOMAIN §5.5):
//!
//! - `POST /learn` (form field `learning_text`, or JSON `{"text"}` / `{"url"}`) → 202 `{"job_id"}`:
//!   fetching a page and two provider calls can take a minute, so the cron `jobs` component does
//!   the work and no HTTP request waits for it;
//! - `GET /api/learn/<id>` → status, progress and, when done, the extracted items for review;
//! - `GET /api/learn` → the 20 most recent jobs (what was given, by whom, status, how much was
//!   found), so that a lesson left waiting for review is found again;
//! - `POST /api/learn/<id>/approve` (optional JSON `{"strategies", "mental_models"}` with the
//!   admin's edits) → how many were saved and skipped as duplicates;
//! - `GET /api/strategies`, `GET /api/intelligence` → the knowledge base with counts;
//! - `PUT /api/strategies/<id>`, `PUT /api/intelligence/<id>` → one item corrected in place, and
//!   `DELETE` on the same paths → one item taken out of the knowledge base (a wrong lesson would
//!   otherwise reach every later prompt).
//!
//! The session and role are checked on the headers, before the body is read, so a non-admin
//! gets 403 without uploading anything; the CSRF check follows once the body is in.

mod body;
mod routes;

use spin_sdk::http::{IncomingRequest, Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

#[http_component]
async fn handle(incoming: IncomingRequest) -> Response {
    match answer(incoming).await {
        Ok(response) | Err(response) => response,
    }
}

async fn answer(incoming: IncomingRequest) -> Result<Response, Response> {
    let head = body::head_of(&incoming);
    let db = http_kit::open_database()?;
    require_admin_role(&db, &head)?;
    let request = body::with_body(head, incoming).await?;
    let admin = accounts::require_admin(&db, &request, accounts::Audience::Api)?;
    let path = request.path().trim_end_matches('/').to_string();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (request.method(), segments.as_slice()) {
        (Method::Post, ["learn"]) => routes::submit(&db, &request, admin.id),
        (Method::Get, ["api", "learn"]) => routes::recent(&db),
        (Method::Get, ["api", "learn", id]) => routes::status(&db, id),
        (Method::Post, ["api", "learn", id, "approve"]) => routes::approve(&db, id, request.body()),
        (Method::Get, ["api", "strategies"]) => routes::strategies(&db),
        (Method::Get, ["api", "intelligence"]) => routes::intelligence(&db),
        (Method::Put, ["api", "strategies", id]) => routes::edit_strategy(&db, id, request.body()),
        (Method::Put, ["api", "intelligence", id]) => routes::edit_mental_model(&db, id, request.body()),
        (Method::Delete, ["api", "strategies", id]) => routes::delete(&db, "strategies", id),
        (Method::Delete, ["api", "intelligence", id]) => routes::delete(&db, "mental_models", id),
        (_, ["learn"] | ["api", "learn", _, "approve"]) => Err(http_kit::method_not_allowed("POST")),
        (_, ["api", "learn"] | ["api", "learn", _] | ["api", "strategies"] | ["api", "intelligence"]) => {
            Err(http_kit::method_not_allowed("GET"))
        }
        (_, ["api", "strategies" | "intelligence", _]) => Err(http_kit::method_not_allowed("PUT, DELETE")),
        _ => Err(http_kit::no_such_endpoint(request.path())),
    }
}

/// 401 without a session, 403 for a signed-in non-admin; decided on the headers alone.
fn require_admin_role(db: &Connection, head: &Request) -> Result<(), Response> {
    let user = match accounts::cookie::session_token(head).map(|token| accounts::session::find(db, &token)) {
        Some(Ok(Some(user))) => user,
        Some(Err(message)) => return Err(http_kit::unavailable(message)),
        Some(Ok(None)) | None => return Err(http_kit::error(401, "not signed in")),
    };
    match user.role {
        accounts::Role::Admin => Ok(()),
        accounts::Role::User => Err(http_kit::error(403, "this needs an admin account")),
    }
}
