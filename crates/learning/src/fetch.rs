//! Guarded outbound requests of guided learning: a page to learn from, and the YouTube watch
//! page, player endpoint and transcript ([`crate::youtube`]). One [`Outgoing`] request (a GET, or a
//! POST with a JSON body; optionally a cookie, sent only to its own host), redirects followed by
//! hand (at most [`MAX_REDIRECTS`], each target re-checked by [`url_guard`]), one deadline for the
//! whole fetch, a size limit on the body, and only textual content (text, HTML, JSON, XML).
//!
//! The host enforces `allowed_outbound_hosts` and `block_networks`; their refusals come back as
//! typed errors so the job can say why a page was not learned.

use crate::charset;
use crate::url_guard::{self, Refusal};
use futures::StreamExt;
use llm_client::timer;
use spin_sdk::http::{IncomingResponse, Method, Request, SendError, send};
use spin_sdk::wit::wasi::http0_2_0::types::ErrorCode;
use std::time::{Duration, Instant};
use url::Url;

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 5;
/// Whole fetch, redirects included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// Body bytes read; the rest of a larger page is ignored.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What a page fetch asks for.
const PAGE_ACCEPT: &str = "text/html, text/plain;q=0.9";

/// One request to send through the guard.
#[derive(Clone, Debug)]
pub struct Outgoing {
    url: String,
    /// The `accept` header.
    accept: &'static str,
    /// A JSON body makes the request a POST.
    json_body: Option<Vec<u8>>,
    cookie: Option<HostCookie>,
}

/// A `cookie` header value (`name=value`) for one host: sent on every request to that host, and
/// on none to another (the first URL's, or a redirect's).
#[derive(Clone, Debug, PartialEq)]
pub struct HostCookie {
    pub host: String,
    pub value: String,
}

impl Outgoing {
    pub fn get(url: impl Into<String>, accept: &'static str) -> Self {
        Outgoing { url: url.into(), accept, json_body: None, cookie: None }
    }

    pub fn post_json(url: impl Into<String>, body: &serde_json::Value, accept: &'static str) -> Self {
        Outgoing { url: url.into(), accept, json_body: Some(body.to_string().into_bytes()), cookie: None }
    }

    /// Sends `cookie` along to its host, if there is one.
    pub fn with_cookie(mut self, cookie: Option<&HostCookie>) -> Self {
        self.cookie = cookie.cloned();
        self
    }
}

/// A fetched page.
#[derive(Clone, Debug)]
pub struct Page {
    pub url: String,
    pub is_html: bool,
    /// The `content-type` header, lowercase.
    pub content_type: String,
    pub body: Vec<u8>,
    pub truncated: bool,
}

impl Page {
    /// The body as text, in the page's own encoding ([`charset`]).
    pub fn text(&self) -> String {
        charset::decode(&self.body, &self.content_type, self.is_html)
    }
}

/// Why a page could not be fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    /// Refused before sending (scheme, credentials, private IP literal).
    Refused(String),
    /// Refused by the host: a private network (`block_networks`) or a host not allowed.
    Blocked(String),
    Status(u16),
    TooManyRedirects,
    Timeout,
    NotText(String),
    Failed(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Refused(reason) => write!(f, "refused: {reason}"),
            FetchError::Blocked(reason) => write!(f, "blocked: {reason}"),
            FetchError::Status(status) => write!(f, "the page answered HTTP {status}"),
            FetchError::TooManyRedirects => write!(f, "more than {MAX_REDIRECTS} redirects"),
            FetchError::Timeout => write!(f, "the page did not load within {} s", FETCH_TIMEOUT.as_secs()),
            FetchError::NotText(kind) => write!(f, "not a text, HTML, JSON or XML document ({kind})"),
            FetchError::Failed(reason) => write!(f, "fetch failed: {reason}"),
        }
    }
}

impl From<Refusal> for FetchError {
    fn from(refusal: Refusal) -> Self {
        FetchError::Refused(refusal.0)
    }
}

/// Fetches the page at `raw_url` within [`FETCH_TIMEOUT`].
pub async fn fetch(raw_url: &str) -> Result<Page, FetchError> {
    send_guarded(Outgoing::get(raw_url, PAGE_ACCEPT)).await
}

/// Sends `request` within [`FETCH_TIMEOUT`]. A 303 (and a 301 or 302 after a POST) turns the
/// request into a GET without body, as browsers do; 307 and 308 repeat it.
pub async fn send_guarded(mut request: Outgoing) -> Result<Page, FetchError> {
    let deadline = Instant::now() + FETCH_TIMEOUT;
    let mut url = url_guard::check(&request.url)?;
    for _ in 0..=MAX_REDIRECTS {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let response = timer::within(remaining, send_once(&url, &request)).await.map_err(|_| FetchError::Timeout)??;
        let status = response.status();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = header(&response, "location").ok_or(FetchError::Status(status))?;
            let next = url.join(&location).map_err(|e| FetchError::Refused(format!("bad redirect target: {e}")))?;
            url = url_guard::check_parsed(next)?;
            if matches!(status, 301..=303) {
                request.json_body = None;
            }
            continue;
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let content_type = header(&response, "content-type").unwrap_or_default().to_ascii_lowercase();
        if !is_textual(&content_type) {
            return Err(FetchError::NotText(content_type));
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        let (body, truncated) = timer::within(remaining, read_limited(&response)).await.map_err(|_| FetchError::Timeout)??;
        return Ok(Page { url: url.to_string(), is_html: content_type.contains("html"), content_type, body, truncated });
    }
    Err(FetchError::TooManyRedirects)
}

/// Text, HTML, JSON or XML (or unlabelled): what learning can read.
fn is_textual(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.is_empty()
        || essence.starts_with("text/")
        || matches!(essence, "application/json" | "application/xml")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
}

async fn send_once(url: &Url, request: &Outgoing) -> Result<IncomingResponse, FetchError> {
    let method = if request.json_body.is_some() { Method::Post } else { Method::Get };
    let mut builder = Request::builder();
    builder
        .method(method)
        .uri(url.as_str())
        .header("user-agent", "AgentArbitrage-Learn/1.0 (+guided learning)")
        .header("accept", request.accept)
        .header("accept-language", "en-US,en;q=0.8");
    if let Some(cookie) = request.cookie.as_ref().filter(|cookie| url.host_str() == Some(cookie.host.as_str())) {
        builder.header("cookie", &cookie.value);
    }
    if let Some(body) = &request.json_body {
        builder.header("content-type", "application/json").body(body.clone());
    }
    send(builder.build()).await.map_err(send_error)
}

fn send_error(error: SendError) -> FetchError {
    match error {
        SendError::Http(ErrorCode::DestinationIpProhibited) => {
            FetchError::Blocked("the host resolves to a blocked (private) network".into())
        }
        SendError::Http(ErrorCode::HttpRequestDenied) => FetchError::Blocked("the host is not allowed".into()),
        SendError::Http(ErrorCode::DnsError(_)) => FetchError::Failed("the host name does not resolve".into()),
        SendError::Http(ErrorCode::ConnectionTimeout | ErrorCode::ConnectionReadTimeout) => FetchError::Timeout,
        other => FetchError::Failed(other.to_string()),
    }
}

fn header(response: &IncomingResponse, name: &str) -> Option<String> {
    response.headers().get(name).first().map(|value| String::from_utf8_lossy(value).into_owned())
}

/// The body up to [`MAX_BODY_BYTES`], and whether more was left unread.
async fn read_limited(response: &IncomingResponse) -> Result<(Vec<u8>, bool), FetchError> {
    let mut stream = std::pin::pin!(response.take_body_stream());
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| FetchError::Failed(format!("reading the page failed: {e:?}")))?;
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textual_content_types_are_read_and_others_refused() {
        let textual = ["", "text/html; charset=utf-8", "text/plain", "text/xml", "application/json; charset=utf-8"];
        for kind in textual.into_iter().chain(["application/xml", "application/xhtml+xml", "application/ld+json"]) {
            assert!(is_textual(kind), "{kind}");
        }
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        for kind in ["image/png", "application/pdf", "application/octet-stream", docx] {
            assert!(!is_textual(kind), "{kind}");
        }
    }
}
