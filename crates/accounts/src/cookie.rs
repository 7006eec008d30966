//! The session cookie: reading it from `Cookie`, and writing it HttpOnly, SameSite=Lax and
//! Secure whenever the app is served over https (taken from Spin's `spin-full-url`).

use spin_sdk::http::Request;

/// Cookie name of the session token.
pub const SESSION_COOKIE: &str = "aa_session";

/// The session token the request carries, if any.
pub fn session_token(request: &Request) -> Option<String> {
    let header = request.header("cookie")?.as_str()?;
    find(header, SESSION_COOKIE).map(str::to_string)
}

/// The value of cookie `name` in a `Cookie` header.
fn find<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.trim_matches('"'))
}

/// Whether the client reached the app over https.
pub fn is_https(request: &Request) -> bool {
    request
        .header("spin-full-url")
        .and_then(|value| value.as_str())
        .is_some_and(|url| url.starts_with("https://"))
}

/// `Set-Cookie` for a new session living at most `max_age_secs`.
pub fn set_session(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

/// `Set-Cookie` that deletes the session cookie.
pub fn clear_session(secure: bool) -> String {
    set_session("", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        assert_eq!(find("a=1; aa_session=tok; b=2", SESSION_COOKIE), Some("tok"));
        assert_eq!(find("aa_session_x=1", SESSION_COOKIE), None);
        assert_eq!(find("aa_session=", SESSION_COOKIE), None);
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_on_https() {
        let cookie = set_session("t", 60, true);
        assert_eq!(cookie, "aa_session=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
        assert!(!set_session("t", 60, false).contains("Secure"));
        assert!(clear_session(false).contains("Max-Age=0"));
    }
}
