//! A mock Keepa API on 127.0.0.1 (DOMAIN §3.1): `/token`, `/deal`, `/product`, `/seller` served
//! from a seeded [`Catalogue`], with Keepa's token accounting ([`TokenBucket`]) and failures
//! injected on demand ([`Fault`]). Tests drive it through the [`MockKeepa`] handle; the
//! `mock_keepa` binary serves it for the demo.

mod app;
mod catalogue;
mod endpoints;
mod tokens;

pub use app::{IngestApp, last_run, start_with_shared_cache, unix_now};
pub use catalogue::Kind;

use catalogue::Catalogue;
use tokens::TokenBucket;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{MockReply, MockServer, SeenRequest};

/// What the next requests get instead of a normal answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 429 with Keepa's token fields and a refill hint.
    RateLimited,
    /// 500 with an HTML body.
    ServerError,
    /// The normal answer, after this delay (longer than the client's timeout).
    Slow(Duration),
    /// The first half of the normal JSON body.
    Truncated,
    /// 200 with a body that is not JSON.
    Garbage,
}

#[derive(Clone, Debug)]
pub struct MockKeepaOptions {
    pub seed: u64,
    pub books: usize,
    pub tokens: i64,
    pub refill_per_min: i64,
}

impl Default for MockKeepaOptions {
    fn default() -> Self {
        MockKeepaOptions { seed: 7, books: 60, tokens: 100_000, refill_per_min: 1_000 }
    }
}

/// Shared state behind the handle and the server.
pub(crate) struct State {
    pub catalogue: Catalogue,
    pub bucket: TokenBucket,
    persistent_fault: Option<Fault>,
    /// A persistent fault from this request number on.
    fault_from: Option<(usize, Fault)>,
    pub requests: Vec<String>,
    /// ASINs whose product JSON is malformed (a wrongly typed `stats.current`).
    pub corrupted: Vec<String>,
}

pub struct MockKeepa {
    state: Arc<Mutex<State>>,
    server: MockServer,
}

impl MockKeepa {
    pub fn start(options: MockKeepaOptions) -> MockKeepa {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs() as i64;
        let state = Arc::new(Mutex::new(State {
            catalogue: Catalogue::generate(options.seed, options.books, now),
            bucket: TokenBucket::new(options.tokens, options.refill_per_min),
            persistent_fault: None,
            fault_from: None,
            requests: Vec::new(),
            corrupted: Vec::new(),
        }));
        let shared = state.clone();
        let server = MockServer::start(move |request: &SeenRequest| answer(&shared, request));
        MockKeepa { state, server }
    }

    /// `http://127.0.0.1:PORT`, the value for the `keepa_base_url` variable.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every request fails with `fault` until called with `None`.
    pub fn fail_always(&self, fault: Option<Fault>) {
        let mut state = self.lock();
        if fault.is_none() {
            state.fault_from = None;
        }
        state.persistent_fault = fault;
    }

    /// After `healthy` more normal answers, every request fails with `fault` (a failure in the
    /// middle of a run).
    pub fn fail_after(&self, healthy: usize, fault: Fault) {
        let mut state = self.lock();
        let from = state.requests.len() + healthy;
        state.fault_from = Some((from, fault));
    }

    /// From now on the product of `asin` comes back malformed (its batch-mates stay valid).
    pub fn corrupt_product(&self, asin: &str) {
        self.lock().corrupted.push(asin.to_owned());
    }

    /// Sets the balance (and the refill rate) as Keepa would report them.
    pub fn set_tokens(&self, tokens: i64, refill_per_min: i64) {
        self.lock().bucket = TokenBucket::new(tokens, refill_per_min);
    }

    /// Path and query of every request so far.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// A book's full `/product` JSON as the app receives it (history of `days` days).
    pub fn product_response(&self, asin: &str, days: i64) -> Option<String> {
        let state = self.lock();
        let book = state.catalogue.book(asin)?;
        Some(serde_json::json!({"tokensLeft": 0, "products": [book.product_json(true, Some(days))]}).to_string())
    }

    /// ASINs and kinds of the catalogue.
    pub fn books(&self) -> Vec<(String, Kind)> {
        self.lock().catalogue.books.iter().map(|book| (book.asin.clone(), book.kind)).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("mock Keepa state")
    }
}

fn answer(state: &Mutex<State>, request: &SeenRequest) -> MockReply {
    let mut state = state.lock().expect("mock Keepa state");
    state.requests.push(request.path_and_query.clone());
    let number = state.requests.len() - 1;
    let scheduled = state.fault_from.clone().filter(|(from, _)| number >= *from).map(|(_, fault)| fault);
    let fault = state.persistent_fault.clone().or(scheduled);
    let reply = match &fault {
        Some(Fault::RateLimited) => return endpoints::rate_limited(&mut state.bucket),
        Some(Fault::ServerError) => return MockReply::raw(500, "text/html", b"<html>Internal Server Error</html>".to_vec()),
        Some(Fault::Garbage) => return MockReply::raw(200, "application/json", b"\x00\x9fnot json at all".to_vec()),
        _ => endpoints::serve(&mut state, request),
    };
    match fault {
        Some(Fault::Slow(delay)) => reply.delayed(delay),
        Some(Fault::Truncated) => {
            let half = reply.body.len() / 2;
            MockReply::raw(reply.status, "application/json", reply.body[..half].to_vec())
        }
        _ => reply,
    }
}
