//! Expiring entries in Spin's key-value store, which has no TTL of its own.
//!
//! Every cache-like value the app keeps (AI answers, deal-count snapshots, login-failure counters)
//! is written through this crate: the value is wrapped in a small envelope — a magic prefix, then
//! postcard-encoded `{expires_at, value}` — so that readers treat expired entries as absent and the
//! hourly maintenance job can find and delete them without knowing what they hold. Values written
//! without the envelope are never touched by the sweep.

use serde::{Deserialize, Serialize};
use spin_sdk::key_value::{Error, Store};

/// Marks an enveloped value; chosen so no JSON or postcard payload of ours starts with it.
const MAGIC: &[u8; 4] = b"\xffTTL";

#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    expires_at: i64,
    #[serde(borrow)]
    value: &'a [u8],
}

/// Wraps `value` so that it expires at `expires_at` (unix seconds).
pub fn encode(value: &[u8], expires_at: i64) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    let envelope = postcard::to_stdvec(&Envelope { expires_at, value }).expect("encoding to a Vec cannot fail");
    bytes.extend_from_slice(&envelope);
    bytes
}

/// The value and expiry inside an envelope, or `None` for anything else.
pub fn decode(bytes: &[u8]) -> Option<(i64, &[u8])> {
    let envelope: Envelope<'_> = postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()?;
    Some((envelope.expires_at, envelope.value))
}

/// Stores `value` under `key` until `expires_at`.
pub fn set(store: &Store, key: &str, value: &[u8], expires_at: i64) -> Result<(), Error> {
    store.set(key, &encode(value, expires_at))
}

/// The value under `key` if it exists and has not expired at `now`.
pub fn get(store: &Store, key: &str, now: i64) -> Result<Option<Vec<u8>>, Error> {
    Ok(store
        .get(key)?
        .and_then(|bytes| decode(&bytes).filter(|(expires_at, _)| *expires_at > now).map(|(_, value)| value.to_vec())))
}

/// Deletes every enveloped entry that has expired at `now`; returns how many were deleted.
pub fn sweep(store: &Store, now: i64) -> Result<usize, Error> {
    let mut deleted = 0;
    for key in store.get_keys()? {
        let expired = store.get(&key)?.is_some_and(|bytes| decode(&bytes).is_some_and(|(at, _)| at <= now));
        if expired {
            store.delete(&key)?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trips() {
        let bytes = encode(b"hello", 1_700_000_000);
        assert_eq!(decode(&bytes), Some((1_700_000_000, &b"hello"[..])));
    }

    #[test]
    fn foreign_values_are_not_envelopes() {
        assert_eq!(decode(br#"{"expires_at": 1, "value": "x"}"#), None);
        assert_eq!(decode(b""), None);
        assert_eq!(decode(b"\xffTTL"), None);
    }
}
