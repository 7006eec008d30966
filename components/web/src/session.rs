//! The page session check, delegated to the shared `accounts` crate (cookie → session → user),
//! so pages and APIs agree on who is signed in. Without a session a page answers 303 to `/`.

use spin_sdk::http::{Request, Response};
use spin_sdk::sqlite::Connection;

pub use accounts::User as Viewer;

/// The app's database, or the 503 that says it is unavailable.
pub fn database() -> Result<Connection, Response> {
    Connection::open_default().map_err(|error| {
        Response::builder().status(503).header("content-type", "text/plain; charset=utf-8").body(format!("database unavailable: {error}")).build()
    })
}

/// The signed-in user, or the response that sends the browser to the login page.
pub fn viewer(db: &Connection, request: &Request) -> Result<Viewer, Response> {
    accounts::require_user(db, request, accounts::Audience::Page)
}

/// What pages need from a viewer beyond the `accounts` fields.
pub trait ViewerExt {
    fn is_admin(&self) -> bool;
    fn role_name(&self) -> &'static str;
}

impl ViewerExt for Viewer {
    fn is_admin(&self) -> bool {
        self.role == accounts::Role::Admin
    }

    fn role_name(&self) -> &'static str {
        self.role.as_str()
    }
}
