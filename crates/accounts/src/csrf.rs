//! CSRF protection for state-changing requests: the session's token must come back in the
//! `X-CSRF-Token` header (API clients) or the `csrf_token` field of a form (HTML pages).
//! SameSite=Lax already keeps the cookie off cross-site POSTs in modern browsers; the token also
//! covers old browsers and same-site attackers.

use spin_sdk::http::{Method, Request};

use crate::token;

/// Header API clients send the token in.
pub const HEADER: &str = "x-csrf-token";
/// Form field HTML forms send the token in.
pub const FORM_FIELD: &str = "csrf_token";

/// Whether the method can change state (everything but GET, HEAD, OPTIONS).
pub fn is_state_changing(method: &Method) -> bool {
    !matches!(method, Method::Get | Method::Head | Method::Options)
}

/// Whether the request carries `expected` in the header or, for a form post, the form field.
pub fn carries_token(request: &Request, expected: &str) -> bool {
    if let Some(sent) = request.header(HEADER).and_then(|value| value.as_str()) {
        return token::same(sent, expected);
    }
    is_form(request) && form_field(request.body(), FORM_FIELD).is_some_and(|sent| token::same(&sent, expected))
}

/// Whether the body is `application/x-www-form-urlencoded`.
pub fn is_form(request: &Request) -> bool {
    request
        .header("content-type")
        .and_then(|value| value.as_str())
        .is_some_and(|kind| kind.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// The first value of `name` in a url-encoded body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_methods_skip_the_check() {
        assert!(!is_state_changing(&Method::Get));
        assert!(!is_state_changing(&Method::Head));
        assert!(is_state_changing(&Method::Post));
        assert!(is_state_changing(&Method::Delete));
        assert!(is_state_changing(&Method::Patch));
    }

    #[test]
    fn reads_form_fields() {
        assert_eq!(form_field(b"a=1&csrf_token=x%2By", FORM_FIELD).as_deref(), Some("x+y"));
        assert_eq!(form_field(b"a=1", FORM_FIELD), None);
    }
}
