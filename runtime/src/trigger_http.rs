//! The HTTP trigger: a hyper server that routes each request to its component as Spin does.
//!
//! Per request: match the route, add Spin's `spin-*` headers, create a fresh instance from the
//! component's pre-instantiated form, and run `wasi:http/incoming-handler` in its own task, which
//! gets the CPU in the order requests arrived ([`crate::oldest_first`]). The whole exchange —
//! instantiation, the handler, and the guest still streaming its body after the headers went out —
//! is bounded by the request time limit; CPU-bound guests are also interrupted by the engine's
//! epoch. A guest that traps or times out costs only its own request a 500.

use crate::app::{App, HttpComponent};
use crate::engine::{self, InstanceState};
use crate::metrics;
use crate::oldest_first::Scheduler;
use anyhow::Result;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::time::Sleep;
use wasmtime_wasi_http::Error as HttpError;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

/// Limits of the HTTP trigger (flags of `runtime up`).
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

/// Pending connections the listener queues (the kernel caps it at `net.core.somaxconn`).
/// tokio's `TcpListener::bind` queues 1,024: a burst of a thousand clients overflowed it, and a
/// dropped SYN is retried only after a second.
const LISTEN_BACKLOG: u32 = 4096;

/// Listens on `address` (`host:port`) with [`LISTEN_BACKLOG`].
pub async fn bind(address: &str) -> std::io::Result<TcpListener> {
    let resolved = tokio::net::lookup_host(address)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "the address resolves to nothing"))?;
    let socket = if resolved.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(resolved)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves the app until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let local = listener.local_addr()?;
    let mut shutdown = std::pin::pin!(shutdown);
    let scheduler = Arc::new(Scheduler::default());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, client) = match accepted {
                    Ok(pair) => pair,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let scheduler = scheduler.clone();
                let service = service_fn(move |request| {
                    let app = app.clone();
                    let scheduler = scheduler.clone();
                    async move { Ok::<_, Infallible>(handle(app, &scheduler, request, local, client, limits).await) }
                });
                let connection = http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: finishing in-flight requests");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("shutdown grace period over; dropping remaining connections");
    }
    Ok(())
}

/// Routes and runs one request, logging one line for it.
async fn handle(
    app: Arc<App>,
    scheduler: &Arc<Scheduler>,
    request: Request<Incoming>,
    local: SocketAddr,
    client: SocketAddr,
    limits: HttpLimits,
) -> Response<HyperOutgoingBody> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let Some(found) = app.router.find(&path) else {
        log_request(&method, &path, "-", "-", StatusCode::NOT_FOUND, started);
        return plain_response(StatusCode::NOT_FOUND, "Not Found");
    };
    let component = found.target.clone();
    let route = found.raw_route.to_string();
    let declared_length = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let response = if declared_length.is_some_and(|length| length > limits.max_body_bytes) {
        plain_response(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
    } else {
        let request = with_spin_headers(request, &found, local, client);
        match run_component(&app, scheduler, &component, request, limits).await {
            Ok(response) => response,
            Err(error) => {
                tracing::error!(component = %component.context.id, %route, error = format!("{error:#}"), "component failed");
                plain_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
        }
    };
    log_request(&method, &path, &route, &component.context.id, response.status(), started);
    metrics::record_request(&component.context.id, &route, response.status().as_u16(), started.elapsed());
    response
}

fn log_request(method: &http::Method, path: &str, route: &str, component: &str, status: StatusCode, started: Instant) {
    tracing::info!(
        target: "request",
        %method,
        path,
        route,
        component,
        status = status.as_u16(),
        duration_ms = format!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
    );
}

/// Adds Spin's request headers, replacing any a client may have sent.
fn with_spin_headers<T>(
    request: Request<Incoming>,
    found: &crate::routes::RouteMatch<'_, T>,
    local: SocketAddr,
    client: SocketAddr,
) -> Request<Incoming> {
    let (mut parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| local.to_string(), str::to_string);
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let full_url = format!("http://{host}{path_and_query}");
    let headers = &mut parts.headers;
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set("spin-full-url", &full_url);
    set("spin-path-info", &found.path_info);
    set("spin-matched-route", found.raw_route);
    set("spin-raw-component-route", found.raw_route);
    set("spin-component-route", &found.component_route);
    set("spin-base-path", "/");
    set("spin-client-addr", &client.to_string());
    for (name, value) in &found.params {
        if let Ok(name) = http::HeaderName::from_bytes(format!("spin-path-match-{name}").as_bytes())
            && let Ok(value) = HeaderValue::from_str(value)
        {
            headers.insert(name, value);
        }
    }
    if parts.uri.authority().is_none()
        && let Ok(uri) = full_url.parse()
    {
        parts.uri = uri;
    }
    Request::from_parts(parts, body)
}

/// Runs the component's handler in a fresh instance, in arrival order, and waits for its
/// response headers.
async fn run_component(
    app: &App,
    scheduler: &Arc<Scheduler>,
    component: &Arc<HttpComponent>,
    request: Request<Incoming>,
    limits: HttpLimits,
) -> Result<Response<HyperOutgoingBody>> {
    let deadline = tokio::time::Instant::now() + limits.request_timeout;
    let permit = match &component.concurrency {
        Some(semaphore) => Some(
            tokio::time::timeout_at(deadline, semaphore.clone().acquire_owned())
                .await
                .map_err(|_| anyhow::anyhow!("no free slot within the request time limit"))??,
        ),
        None => None,
    };
    let state = InstanceState::new(&component.context, &app.services)?;
    let mut store = engine::new_store(&app.engine, state, limits.request_timeout);
    let max_body = limits.max_body_bytes;
    let request = request.map(move |body| Limited::new(body, max_body).map_err(body_error));
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let incoming = store.data_mut().http().new_incoming_request(Scheme::Http, request)?;
    let outparam = store.data_mut().http().new_response_outparam(sender)?;
    let pre = component.pre.clone();
    let timeout = limits.request_timeout;
    let task = tokio::spawn(scheduler.run(async move {
        let _permit = permit;
        let work = async {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy.wasi_http_incoming_handler().call_handle(&mut store, incoming, outparam).await
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result.map_err(anyhow::Error::from),
            Err(_) => Err(anyhow::anyhow!("request time limit of {timeout:?} exceeded")),
        }
    }));
    match receiver.await {
        Ok(Ok(response)) => Ok(response.map(|body| DeadlineBody::new(body, deadline).boxed_unsync())),
        Ok(Err(code)) => anyhow::bail!("guest answered with error code {code:?}"),
        Err(_) => match task.await {
            Ok(Ok(())) => anyhow::bail!("guest returned without setting a response"),
            Ok(Err(error)) => Err(error),
            Err(join_error) => Err(join_error.into()),
        },
    }
}

fn body_error(error: Box<dyn std::error::Error + Send + Sync>) -> HttpError {
    match error.downcast::<hyper::Error>() {
        Ok(hyper_error) => HttpError::from(*hyper_error),
        Err(other) if other.is::<http_body_util::LengthLimitError>() => HttpError::HttpRequestBodySize(None),
        Err(other) => HttpError::InternalError(Some(other.to_string())),
    }
}

fn plain_response(status: StatusCode, text: &'static str) -> Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never: Infallible| match never {})
        .boxed_unsync();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

/// A response body that fails once the request's time limit has passed, so a guest that keeps
/// streaming forever cannot hold a connection.
struct DeadlineBody {
    inner: HyperOutgoingBody,
    deadline: Pin<Box<Sleep>>,
}

impl DeadlineBody {
    fn new(inner: HyperOutgoingBody, deadline: tokio::time::Instant) -> Self {
        Self { inner, deadline: Box::pin(tokio::time::sleep_until(deadline)) }
    }
}

impl Body for DeadlineBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(HttpError::ConnectionWriteTimeout))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}
