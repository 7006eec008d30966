//! Security headers of every response of this component. The Content-Security-Policy allows
//! scripts, styles, images and connections from the app's own origin only: no inline script or
//! style, no CDN (the VPS may be cut off from them, and they would see our users), no framing.
//! Model output is inserted through a tag whitelist in the browser as a second line of defence.

use spin_sdk::http::Response;

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// `response` with the app's security headers added.
pub fn with_headers(mut response: Response) -> Response {
    response.set_header("content-security-policy", CONTENT_SECURITY_POLICY);
    response.set_header("x-content-type-options", "nosniff");
    response.set_header("referrer-policy", "same-origin");
    response.set_header("x-frame-options", "DENY");
    response
}
