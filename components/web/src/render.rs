//! Turns a composed template into the response for one request: fills in who is signed in and
//! the session's CSRF token (for the modules' state-changing API calls), then compresses.
//! HTML is never cached without revalidation: it names the current asset fingerprints.

use spin_sdk::http::{Request, Response};

use crate::session::{Viewer, ViewerExt};
use crate::{embedded, encoding, security};

/// The page `template` with `status`, for `viewer` (None on pages shown signed out).
pub fn page(template: &str, status: u16, viewer: Option<&Viewer>, request: &Request) -> Response {
    respond(status, fill(embedded::template(template), viewer), request)
}

/// The login page; on an install without accounts it shows how to create the first admin.
pub fn login(no_accounts_yet: bool, request: &Request) -> Response {
    let html = fill(embedded::template("login"), None).replace("{{first_run_hidden}}", if no_accounts_yet { "" } else { " hidden" });
    respond(200, html, request)
}

/// `html` as the response, gzipped when the browser accepts it.
fn respond(status: u16, html: String, request: &Request) -> Response {
    let gzip = encoding::accepts_gzip(request);
    let mut builder = Response::builder();
    builder
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "private, no-cache")
        .header("vary", "accept-encoding, cookie");
    if gzip {
        builder.header("content-encoding", "gzip");
    }
    let body = if gzip { encoding::gzip(html.as_bytes()) } else { html.into_bytes() };
    security::with_headers(builder.body(body).build())
}

/// 303 to `location` (after a GET, the browser follows with a GET).
pub fn redirect(location: &str) -> Response {
    security::with_headers(Response::builder().status(303).header("location", location).header("cache-control", "no-store").build())
}

/// `template` with the per-request placeholders replaced (HTML-escaped; empty when signed out).
fn fill(template: &str, viewer: Option<&Viewer>) -> String {
    let (name, role, csrf) = viewer.map_or(("", "", ""), |v| (v.name.as_str(), v.role_name(), v.csrf_token.as_str()));
    template
        .replace("{{user_name}}", &escape(name))
        .replace("{{user_role}}", role)
        .replace("{{csrf_token}}", &escape(csrf))
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_escaped() {
        assert_eq!(escape("<b>\"Tim\" & 'co'</b>"), "&lt;b&gt;&quot;Tim&quot; &amp; &#39;co&#39;&lt;/b&gt;");
    }
}
