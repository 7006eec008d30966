//! Response helpers shared by the app's HTTP components, so every endpoint speaks the same JSON:
//! success bodies are serialized structs, failures are `{"error": "…"}` with the right status, and
//! a store that cannot be opened is a 503.

use serde::Serialize;
use spin_sdk::http::Response;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::Connection;

/// A JSON response with `status`.
pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("cache-control", "no-store")
            .body(bytes)
            .build(),
        Err(_) => error(500, "response could not be serialized"),
    }
}

/// `{"error": message}` with `status`.
pub fn error(status: u16, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct ErrorBody {
        error: String,
    }
    let body = serde_json::to_vec(&ErrorBody { error: message.into() }).unwrap_or_default();
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(body)
        .build()
}

/// The 503 for a store (database, key-value) that failed under the endpoint: nothing the client
/// sent was wrong, and asking again later may work.
pub fn unavailable(message: impl Into<String>) -> Response {
    error(503, message)
}

/// The `default` database, or the 503 that answers when it cannot be opened.
pub fn open_database() -> Result<Connection, Response> {
    Connection::open_default().map_err(|e| unavailable(format!("database unavailable: {e}")))
}

/// The `default` key-value store, or the 503 that answers when it cannot be opened.
pub fn open_key_value_store() -> Result<Store, Response> {
    Store::open_default().map_err(|e| unavailable(format!("key-value store unavailable: {e}")))
}

/// The 404 for a path no endpoint owns.
pub fn no_such_endpoint(path: &str) -> Response {
    error(404, format!("no API endpoint at {path}"))
}

/// The 405 for a known path with the wrong method.
pub fn method_not_allowed(allowed: &str) -> Response {
    let mut response = error(405, format!("method not allowed; use {allowed}"));
    response.set_header("allow", allowed);
    response
}
