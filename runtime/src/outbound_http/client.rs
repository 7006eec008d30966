//! The process-wide outbound HTTP client: keep-alive connections pooled per host (hyper-util's
//! pool) and one TLS configuration for the whole process.
//!
//! wasmtime-wasi-http's default sender dials a new TCP connection for every request and builds
//! a new rustls configuration from the webpki roots each time, then hangs up. For an app whose
//! AI requests each make one provider call, that is a TCP (and, in production, a TLS) handshake
//! per request. Spin pools outbound connections too; this mirrors it.
//!
//! `block_networks` stays a connect-time check: names go through [`CheckedResolver`], which
//! refuses a host if any of its addresses is blocked (DNS rebinding included), and IP literals,
//! which the connector dials without resolving, are checked before the request leaves.

use super::BlockedNetworks;
use bytes::Bytes;
use http::{Request, Response};
use hyper::body::{Body, Frame, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{HttpConnector, capture_connection};
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// wasi-http's default for each of the three timeouts a guest may set.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Idle connections kept per host: enough for a burst's worth of provider calls to be reused.
const MAX_IDLE_PER_HOST: usize = 1024;

type Connector = HttpsConnector<HttpConnector<CheckedResolver>>;

/// Shared by every instance (cloning the inner client shares its pool).
pub struct OutboundClient {
    client: Client<Connector, WasiBody>,
    blocked: Arc<BlockedNetworks>,
}

impl OutboundClient {
    /// A client whose unused connections expire `idle_timeout` after their last use. The pool's
    /// timer closes expired ones at its next check (it checks once per `idle_timeout`, so within
    /// twice that): without a timer, hyper-util notices an expired connection only when a request
    /// checks it out, so idle connections stayed open until the next burst, which then paid for
    /// closing them all.
    pub fn new(blocked: Arc<BlockedNetworks>, idle_timeout: Duration) -> anyhow::Result<Self> {
        let mut http = HttpConnector::new_with_resolver(CheckedResolver { blocked: blocked.clone() });
        http.enforce_http(false);
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(Arc::new(rustls::crypto::ring::default_provider()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(idle_timeout)
            .pool_max_idle_per_host(MAX_IDLE_PER_HOST)
            .build(connector);
        Ok(Self { client, blocked })
    }

    /// Whether `host` is an IP literal inside a blocked network (names are checked when resolved).
    fn blocks_literal(&self, host: &str) -> bool {
        host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| self.blocked.blocks(ip))
    }

    /// Sends `request` on a pooled connection, unless its host is a blocked IP literal. As in
    /// wasi-http's default sender, the guest's connect timeout bounds getting a connection (a
    /// pooled one is there at once), its first-byte timeout the wait for the response head from
    /// then on, and its between-bytes timeout each body frame.
    pub async fn send(&self, mut request: Request<WasiBody>, options: Option<RequestOptions>) -> Result<Response<WasiBody>, HttpError> {
        let host = request.uri().host().unwrap_or_default();
        if self.blocks_literal(host) {
            tracing::warn!(%host, "outbound request blocked by block_networks");
            return Err(HttpError::DestinationIpProhibited);
        }
        let timeout = |pick: fn(&RequestOptions) -> Option<Duration>| options.as_ref().and_then(pick).unwrap_or(DEFAULT_TIMEOUT);
        let between_bytes = timeout(|o| o.between_bytes_timeout).max(Duration::from_nanos(1));
        let mut connection = capture_connection(&mut request);
        let mut response = std::pin::pin!(self.client.request(request));
        let connecting = async {
            tokio::select! {
                finished = &mut response => Some(finished),
                _ = connection.wait_for_connection_metadata() => None,
            }
        };
        let finished = match tokio::time::timeout(timeout(|o| o.connect_timeout), connecting).await {
            Err(_) => return Err(HttpError::ConnectionTimeout),
            Ok(Some(finished)) => finished,
            Ok(None) => tokio::time::timeout(timeout(|o| o.first_byte_timeout), &mut response)
                .await
                .map_err(|_| HttpError::ConnectionReadTimeout)?,
        };
        let response = finished.map_err(|error| error_code(&error))?;
        Ok(response.map(|incoming| {
            use http_body_util::BodyExt;
            BetweenBytesTimeout::new(incoming, between_bytes).boxed_unsync()
        }))
    }
}

/// Why a name was not resolved to addresses the app may dial.
#[derive(Debug)]
enum ResolveError {
    Lookup(std::io::Error),
    Blocked,
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Lookup(error) => write!(f, "lookup failed: {error}"),
            ResolveError::Blocked => f.write_str("the host resolves into a blocked network"),
        }
    }
}

impl StdError for ResolveError {}

/// The system resolver, refusing hosts with any address in `block_networks`.
#[derive(Clone)]
struct CheckedResolver {
    blocked: Arc<BlockedNetworks>,
}

impl tower_service::Service<Name> for CheckedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = ResolveError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ResolveError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ResolveError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let blocked = self.blocked.clone();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await.map_err(ResolveError::Lookup)?.collect();
            if let Some(address) = addresses.iter().find(|address| blocked.blocks(address.ip())) {
                tracing::warn!(host = name.as_str(), ip = %address.ip(), "outbound request blocked by block_networks");
                return Err(ResolveError::Blocked);
            }
            Ok(addresses.into_iter())
        })
    }
}

/// The wasi-http error for a failed send, from the causes hyper-util wraps.
fn error_code(error: &hyper_util::client::legacy::Error) -> HttpError {
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(resolve) = current.downcast_ref::<ResolveError>() {
            return match resolve {
                ResolveError::Blocked => HttpError::DestinationIpProhibited,
                ResolveError::Lookup(_) => HttpError::DnsError { rcode: Some("lookup failed".into()), info_code: None },
            };
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            let copy = std::io::Error::new(io.kind(), io.to_string());
            let is_tls = io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>());
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => HttpError::ConnectionRefused,
                std::io::ErrorKind::TimedOut => HttpError::ConnectionTimeout,
                _ if is_tls => HttpError::Tls(copy),
                _ => HttpError::Connect(copy),
            };
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
            return if hyper.is_incomplete_message() {
                HttpError::HttpResponseIncomplete
            } else if hyper.is_timeout() {
                HttpError::HttpResponseTimeout
            } else {
                HttpError::HttpProtocolError
            };
        }
        cause = current.source();
    }
    HttpError::InternalError(Some(error.to_string()))
}

/// A response body that fails when the upstream sends nothing for the guest's between-bytes
/// timeout (as wasi-http's default sender does).
struct BetweenBytesTimeout {
    incoming: Incoming,
    limit: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl BetweenBytesTimeout {
    fn new(incoming: Incoming, limit: Duration) -> Self {
        Self { incoming, limit, timer: Box::pin(tokio::time::sleep(limit)) }
    }
}

impl Body for BetweenBytesTimeout {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let next = tokio::time::Instant::now() + self.limit;
                self.timer.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                Poll::Ready(Some(Err(if error.is_timeout() { HttpError::HttpResponseTimeout } else { HttpError::from(error) })))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                ready!(self.timer.as_mut().poll(cx));
                Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.incoming.size_hint()
    }
}
