//! Which path shows which page, and who may see it. Pages are shells filled by their modules
//! from the JSON APIs; the APIs check the session again, so this check decides only what the
//! browser is shown (a redirect to the login page, the 403 page), never what data leaves.

use spin_sdk::http::{Request, Response};

use crate::session::{self, ViewerExt};
use crate::{first_run, render};

/// Who may open a page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// The login page: whoever is already signed in goes on to the dashboard.
    SignedOut,
    User,
    Admin,
}

/// The page at `path` (a trailing slash is tolerated), as (template, access).
fn page_at(path: &str) -> Option<(&'static str, Access)> {
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    Some(match path {
        "/" => ("login", Access::SignedOut),
        "/dashboard" => ("dashboard", Access::User),
        "/settings" => ("settings", Access::User),
        "/guided-learning" => ("learn", Access::Admin),
        "/strategies" => ("strategies", Access::Admin),
        "/intelligence" => ("intelligence", Access::Admin),
        "/admin" => ("ingestion", Access::Admin),
        "/admin/keepa-query" => ("keepa-query", Access::Admin),
        "/admin/ai-usage" => ("ai-usage", Access::Admin),
        _ => match path.strip_prefix("/guided-learning/") {
            Some(job) if is_job_id(job) => ("learn-job", Access::Admin),
            _ => return None,
        },
    })
}

/// Job ids are opaque to the UI; allow what a URL segment can carry without escaping.
fn is_job_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page for `path`: the session decides between the page, a redirect and the 403 page.
pub fn serve(path: &str, request: &Request) -> Response {
    let Some((template, access)) = page_at(path) else {
        return render::page("not-found", 404, None, request);
    };
    let db = match session::database() {
        Ok(db) => db,
        Err(unavailable) => return unavailable,
    };
    match (access, session::viewer(&db, request)) {
        (Access::SignedOut, Ok(_)) => render::redirect("/dashboard"),
        (Access::SignedOut, Err(_)) => render::login(first_run::no_accounts_yet(&db), request),
        (_, Err(refusal)) => refusal,
        (Access::Admin, Ok(viewer)) if !viewer.is_admin() => render::page("forbidden", 403, Some(&viewer), request),
        (_, Ok(viewer)) => render::page(template, 200, Some(&viewer), request),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_pages_with_their_access() {
        assert!(page_at("/") == Some(("login", Access::SignedOut)));
        assert!(page_at("/dashboard/") == Some(("dashboard", Access::User)));
        assert!(page_at("/guided-learning/abc-123") == Some(("learn-job", Access::Admin)));
        assert!(page_at("/guided-learning/a/b").is_none());
        assert!(page_at("/admin/ai-usage") == Some(("ai-usage", Access::Admin)));
        assert!(page_at("/admin/other").is_none());
        assert!(page_at("/dashboardx").is_none());
    }
}
