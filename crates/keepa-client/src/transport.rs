//! One HTTP GET through `wasi:http/outgoing-handler` with a hard deadline.
//!
//! spin-sdk's `send` takes no timeout, and a Keepa call that hangs would hold the cron run until
//! the host kills it, leaving the error unrecorded. Here the response head and every body chunk
//! are awaited together with a monotonic-clock timer; whichever is ready first wins, and dropping
//! the pending response cancels the request.

use std::time::{Duration, Instant};

use wasi::clocks::monotonic_clock;
use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, IncomingBody, Method, OutgoingRequest, RequestOptions, Scheme};
use wasi::io::poll::{self, Pollable};
use wasi::io::streams::StreamError;

/// What came back: status and the whole body.
#[derive(Clone, Debug)]
pub struct HttpReply {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// Connect, response head or body not done within the deadline.
    Timeout,
    /// Refused by `allowed_outbound_hosts`, DNS, connection reset, ...
    Failed(String),
}

/// Where requests go: `http(s)://host[:port][/prefix]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    scheme: String,
    authority: String,
    path_prefix: String,
}

impl Origin {
    pub fn parse(base_url: &str) -> Result<Origin, String> {
        let (scheme, rest) = base_url
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .ok_or_else(|| format!("`{base_url}` is not an http(s) URL"))?;
        let (authority, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.is_empty() {
            return Err(format!("`{base_url}` has no host"));
        }
        let path_prefix = prefix.trim_end_matches('/');
        Ok(Origin {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
            path_prefix: if path_prefix.is_empty() { String::new() } else { format!("/{path_prefix}") },
        })
    }
}

/// GETs `path_and_query` (starting with `/`) from `origin`, giving up after `timeout`.
pub fn get(origin: &Origin, path_and_query: &str, timeout: Duration) -> Result<HttpReply, TransportError> {
    let deadline = Instant::now() + timeout;
    let request = OutgoingRequest::new(Fields::new());
    let scheme = if origin.scheme == "https" { Scheme::Https } else { Scheme::Http };
    let target = format!("{}{path_and_query}", origin.path_prefix);
    let invalid = |what: &str| TransportError::Failed(format!("invalid request {what}"));
    request.set_method(&Method::Get).map_err(|()| invalid("method"))?;
    request.set_scheme(Some(&scheme)).map_err(|()| invalid("scheme"))?;
    request.set_authority(Some(&origin.authority)).map_err(|()| invalid("authority"))?;
    request.set_path_with_query(Some(&target)).map_err(|()| invalid("path"))?;
    let options = RequestOptions::new();
    let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    // The host's own timeouts are a second line of defence; the deadline below is the contract.
    let _ = options.set_connect_timeout(Some(nanos));
    let _ = options.set_first_byte_timeout(Some(nanos));
    let _ = options.set_between_bytes_timeout(Some(nanos));

    let pending = outgoing_handler::handle(request, Some(options)).map_err(failed)?;
    wait_until_ready(&pending.subscribe(), deadline)?;
    let response = match pending.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(failed(code)),
        Some(Err(())) | None => return Err(TransportError::Failed("response already taken".into())),
    };
    let status = response.status();
    let body = response.consume().map_err(|()| TransportError::Failed("response body unavailable".into()))?;
    let bytes = read_to_end(&body, deadline)?;
    drop(IncomingBody::finish(body));
    Ok(HttpReply { status, body: bytes })
}

fn read_to_end(body: &IncomingBody, deadline: Instant) -> Result<Vec<u8>, TransportError> {
    let stream = body.stream().map_err(|()| TransportError::Failed("response body stream unavailable".into()))?;
    let mut bytes = Vec::new();
    loop {
        wait_until_ready(&stream.subscribe(), deadline)?;
        match stream.read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(error)) => {
                return Err(TransportError::Failed(format!("reading the body failed: {}", error.to_debug_string())));
            }
        }
    }
}

/// Blocks until `pollable` is ready or the deadline passes.
fn wait_until_ready(pollable: &Pollable, deadline: Instant) -> Result<(), TransportError> {
    if pollable.ready() {
        return Ok(());
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(TransportError::Timeout);
    }
    let timer = monotonic_clock::subscribe_duration(u64::try_from(remaining.as_nanos()).unwrap_or(u64::MAX));
    if poll::poll(&[pollable, &timer]).contains(&0) { Ok(()) } else { Err(TransportError::Timeout) }
}

fn failed(code: ErrorCode) -> TransportError {
    match code {
        ErrorCode::ConnectionTimeout | ErrorCode::ConnectionReadTimeout | ErrorCode::ConnectionWriteTimeout => {
            TransportError::Timeout
        }
        other => TransportError::Failed(format!("{other:?}")),
    }
}
