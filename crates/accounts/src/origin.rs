//! Same-origin check for the requests that need no CSRF token (login, logout): a browser sends
//! `Origin` on every cross-site POST, so one that names another host is refused. Requests
//! without `Origin` (curl, API clients, old browsers on same-origin forms) pass.

use spin_sdk::http::Request;

/// False when `Origin` is present and differs from the scheme and host the app was reached on.
pub fn is_same_origin(request: &Request) -> bool {
    let Some(origin) = request.header("origin").and_then(|value| value.as_str()) else {
        return true;
    };
    let own = request.header("spin-full-url").and_then(|value| value.as_str()).and_then(scheme_and_host);
    match (scheme_and_host(origin), own) {
        (Some(theirs), Some(ours)) => theirs.eq_ignore_ascii_case(ours),
        _ => false,
    }
}

/// `scheme://host[:port]` of a URL or origin.
fn scheme_and_host(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (!rest[..end].is_empty()).then(|| &url[..scheme.len() + 3 + end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_scheme_and_host() {
        assert_eq!(scheme_and_host("http://127.0.0.1:3000/login?x"), Some("http://127.0.0.1:3000"));
        assert_eq!(scheme_and_host("https://example.com"), Some("https://example.com"));
        assert_eq!(scheme_and_host("null"), None);
        assert_eq!(scheme_and_host("http://"), None);
    }
}
