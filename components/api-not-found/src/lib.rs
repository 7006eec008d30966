//! Owns the `/api/...` wildcard so that an API client asking for a path no endpoint serves gets a
//! JSON 404 — and so that the web app's catch-all page route can never swallow `/api/` paths.
//! Every specific API route is more specific than this one and wins over it.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    http_kit::no_such_endpoint(request.path())
}
