//! Fetching a page to learn from: GET only, redirects followed by hand (at most
//! [`MAX_REDIRECTS`], each target re-checked by [`url_guard`]), one deadline for the whole
//! fetch, a size limit on the body, and only text or HTML content.
//!
//! The host enforces `allowed_outbound_hosts` and `block_networks`; their refusals come back as
//! typed errors so the job can say why a page was not learned.

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

/// A fetched page.
#[derive(Clone, Debug)]
pub struct Page {
    pub url: String,
    pub is_html: bool,
    pub body: Vec<u8>,
    pub truncated: bool,
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
            FetchError::NotText(kind) => write!(f, "not a text or HTML page ({kind})"),
            FetchError::Failed(reason) => write!(f, "fetch failed: {reason}"),
        }
    }
}

impl From<Refusal> for FetchError {
    fn from(refusal: Refusal) -> Self {
        FetchError::Refused(refusal.0)
    }
}

/// Fetches `raw_url` within [`FETCH_TIMEOUT`].
pub async fn fetch(raw_url: &str) -> Result<Page, FetchError> {
    let deadline = Instant::now() + FETCH_TIMEOUT;
    let mut url = url_guard::check(raw_url)?;
    for _ in 0..=MAX_REDIRECTS {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let response = timer::within(remaining, get(&url)).await.map_err(|_| FetchError::Timeout)??;
        let status = response.status();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = header(&response, "location").ok_or(FetchError::Status(status))?;
            let next = url.join(&location).map_err(|e| FetchError::Refused(format!("bad redirect target: {e}")))?;
            url = url_guard::check_parsed(next)?;
            continue;
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let content_type = header(&response, "content-type").unwrap_or_default().to_ascii_lowercase();
        let is_html = content_type.contains("html");
        if !(is_html || content_type.starts_with("text/") || content_type.is_empty()) {
            return Err(FetchError::NotText(content_type));
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        let (body, truncated) = timer::within(remaining, read_limited(&response)).await.map_err(|_| FetchError::Timeout)??;
        return Ok(Page { url: url.to_string(), is_html, body, truncated });
    }
    Err(FetchError::TooManyRedirects)
}

async fn get(url: &Url) -> Result<IncomingResponse, FetchError> {
    let request = Request::builder()
        .method(Method::Get)
        .uri(url.as_str())
        .header("user-agent", "AgentArbitrage-Learn/1.0 (+guided learning)")
        .header("accept", "text/html, text/plain;q=0.9")
        .build();
    send(request).await.map_err(send_error)
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
