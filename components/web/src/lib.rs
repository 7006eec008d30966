//! The browser UI. Every non-API path of the app lands here (`/...` in spin.toml; the `/api/...`
//! fallback and the API components are more specific and win): HTML pages behind the session
//! check, the fingerprinted static files, and a 404 page for everything else. The pages are
//! shells; their modules fetch data from the JSON APIs of the other components, so this component
//! never touches deal data itself.

mod embedded;
mod encoding;
mod first_run;
mod pages;
mod render;
mod security;
mod session;
mod static_files;

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return security::with_headers(Response::builder().status(405).header("allow", "GET, HEAD").build());
    }
    let path = request.path().to_string();
    match path.strip_prefix("/static/") {
        Some(name) => static_files::serve(name, &request),
        None => pages::serve(&path, &request),
    }
}
