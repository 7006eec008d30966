//! Mock upstream HTTP servers on 127.0.0.1 (Keepa, the LLM provider, pages to learn from), each a
//! closure from request to reply, served by hyper on its own thread.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What a mock answers to one request.
#[derive(Debug, Clone)]
pub struct MockReply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Wait this long before answering (to simulate slow upstreams and timeouts).
    pub delay: Duration,
    pub headers: Vec<(String, String)>,
}

impl MockReply {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::raw(status, "application/json", body.to_string().into_bytes())
    }

    pub fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self { status, content_type, body, delay: Duration::ZERO, headers: Vec::new() }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// The request a mock saw: method, path with query, headers, body.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    pub path_and_query: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SeenRequest {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(seen, _)| seen == name).map(|(_, value)| value.as_str())
    }
}

type Handler = dyn Fn(&SeenRequest) -> MockReply + Send + Sync;

/// Pending connections the mock accepts (the kernel caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: u32 = 4096;

/// A running mock server; stops when dropped.
pub struct MockServer {
    pub address: SocketAddr,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    open_connections: Arc<AtomicUsize>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1 that answers with `handler`.
    pub fn start(handler: impl Fn(&SeenRequest) -> MockReply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        // A real provider accepts a burst of connections; std's listen backlog of 128 would
        // drop the rest of a 1,000-request burst into a 1-second SYN retry.
        let socket = tokio::net::TcpSocket::new_v4().expect("mock server socket");
        socket.bind("127.0.0.1:0".parse().expect("an address")).expect("bind mock server");
        let address = socket.local_addr().expect("mock address");
        let requests = Arc::new(AtomicUsize::new(0));
        let (shutdown, mut stop) = tokio::sync::oneshot::channel();
        let counter = requests.clone();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted_connections = connections.clone();
        let open_connections = Arc::new(AtomicUsize::new(0));
        let still_open = open_connections.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("mock runtime");
            runtime.block_on(async move {
                let listener = socket.listen(LISTEN_BACKLOG).expect("mock server listens");
                loop {
                    tokio::select! {
                        _ = &mut stop => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            accepted_connections.fetch_add(1, Ordering::SeqCst);
                            still_open.fetch_add(1, Ordering::SeqCst);
                            let still_open = still_open.clone();
                            let handler = handler.clone();
                            let counter = counter.clone();
                            tokio::spawn(async move {
                                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                                    let handler = handler.clone();
                                    let counter = counter.clone();
                                    async move {
                                        counter.fetch_add(1, Ordering::SeqCst);
                                        Ok::<_, Infallible>(answer(&*handler, request).await)
                                    }
                                });
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                                still_open.fetch_sub(1, Ordering::SeqCst);
                            });
                        }
                    }
                }
            });
        });
        Self { address, requests, connections, open_connections, shutdown: Some(shutdown), thread: Some(thread) }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many requests the server has received.
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many TCP connections the server has accepted.
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// How many of those connections the client has not closed yet.
    pub fn open_connection_count(&self) -> usize {
        self.open_connections.load(Ordering::SeqCst)
    }
}

async fn answer(handler: &Handler, request: hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let seen = SeenRequest {
        method: parts.method.to_string(),
        path_and_query: parts.uri.path_and_query().map_or("/".into(), |p| p.to_string()),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body,
    };
    let reply = handler(&seen);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut builder = hyper::Response::builder().status(reply.status).header("content-type", reply.content_type);
    for (name, value) in &reply.headers {
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::from(reply.body))).expect("valid mock response")
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
