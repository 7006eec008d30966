//! Answers kept in the key-value store with an expiry (DOMAIN §6.3 [REWRITE]: the original's
//! JSON-file caches had no TTL and were rewritten whole on every set).
//!
//! Keys are `<prefix>:<sha256 of the parts>`, so everything an answer depends on (for advice: the
//! deal's figures, the user's settings, the knowledge version) goes into the key and a changed
//! input is simply a miss; nothing has to be invalidated. Entries are kv-ttl envelopes, so the
//! maintenance job sweeps the expired ones.

use crate::{LlmError, ledger, timer};
use sha2::{Digest, Sha256};
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::Connection;

/// The cache key for `parts` under `prefix`.
pub fn key(prefix: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{prefix}:{hex}")
}

/// The cached value, if present and not expired at `now` (unix seconds).
pub fn get(store: &Store, key: &str, now: i64) -> Option<String> {
    let bytes = kv_ttl::get(store, key, now).ok()??;
    String::from_utf8(bytes).ok()
}

/// Stores `value` until `now + ttl_secs`; a failed write only costs a later miss.
pub fn put(store: &Store, key: &str, value: &str, now: i64, ttl_secs: i64) {
    if let Err(error) = kv_ttl::set(store, key, value.as_bytes(), now + ttl_secs) {
        eprintln!("answer cache: could not store {key}: {error}");
    }
}

/// How often a request waiting for another's answer looks for it.
const ANSWER_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// The cached answer for `key`, waiting for it while another request asks the provider the same
/// question (`ledger::in_flight_until`). `Ok(None)` when nothing is cached and nobody is asking
/// (never asked, or the request asking died and its mark ran out): the caller asks itself.
/// [`LlmError::FailedElsewhere`] when the request that was asking failed for good: those waiting
/// take that answer instead of each trying a failing provider again in turn.
pub async fn get_or_wait(db: &Connection, store: &Store, key: &str) -> Result<Option<String>, LlmError> {
    let mut waited = false;
    loop {
        let now = now();
        if let Some(answer) = get(store, key, now) {
            return Ok(Some(answer));
        }
        match ledger::in_flight_until(db, key)? {
            Some(until) if until > now => {}
            Some(_) => return Ok(None),
            None if waited => return Err(LlmError::FailedElsewhere),
            None => return Ok(None),
        }
        waited = true;
        timer::sleep(ANSWER_POLL).await;
    }
}

/// The ingest pipeline's answers (DOMAIN §6.3 keys) in a store: filled by the ingest job, read by
/// it and by the debug endpoint, whose live re-analysis thus takes the answers the stored deal
/// was built from. Keyed by the model too, so switching models asks anew.
pub struct PipelineAnswers<'a> {
    store: &'a Store,
    model: &'a str,
}

impl<'a> PipelineAnswers<'a> {
    pub fn new(store: &'a Store, model: &'a str) -> PipelineAnswers<'a> {
        PipelineAnswers { store, model }
    }

    /// The cached answer to the question keyed by `parts` (the domain's cache key), if any.
    pub fn get(&self, parts: &[String]) -> Option<String> {
        get(self.store, &self.key(parts), now())
    }

    /// Keeps `answer` for `ttl_secs`.
    pub fn put(&self, parts: &[String], answer: &str, ttl_secs: i64) {
        put(self.store, &self.key(parts), answer, now(), ttl_secs);
    }

    fn key(&self, parts: &[String]) -> String {
        let mut all: Vec<&str> = vec![self.model];
        all.extend(parts.iter().map(String::as_str));
        key("ingest-ai", &all)
    }
}

/// Unix seconds now (WASI wall clock).
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key("advice", &["ab", "c"]), key("advice", &["a", "bc"]));
        assert_eq!(key("advice", &["a"]), key("advice", &["a"]));
        assert!(key("advice", &["a"]).starts_with("advice:"));
    }
}
