//! Slowing down password guessing: failed logins are counted per username and per client
//! address in the key-value store. After a few free failures each further one locks that name or
//! address out for twice as long as the previous (30 s, 1 min, 2 min … capped at 15 min); a
//! locked-out attempt is refused before the password is even hashed. Counts are forgotten 15
//! minutes after the last failure, and a successful login clears the username's count.
//!
//! Spin's key-value store has no expiry, so the time of the last failure is stored with the count,
//! and each record is a kv-ttl envelope expiring when it would be forgotten anyway, so the
//! maintenance job sweeps it.

use serde::{Deserialize, Serialize};
use spin_sdk::http::{Request, Response};
use spin_sdk::key_value::Store;

/// Failures a username gets before lock-outs start.
const FREE_FAILURES_PER_USER: u32 = 5;
/// Failures an address gets (several users may share one, e.g. an office).
const FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// The first lock-out; each further failure doubles it.
const FIRST_LOCK_SECS: i64 = 30;
/// The longest lock-out, and how long a count is kept after the last failure.
const FORGET_AFTER_SECS: i64 = 15 * 60;

#[derive(Serialize, Deserialize, Default, Clone, Copy, Debug, PartialEq)]
struct Failures {
    count: u32,
    last_at: i64,
}

impl Failures {
    /// Seconds this record still locks its key out at `now`.
    fn locked_for(self, now: i64, free: u32) -> Option<i64> {
        if self.count < free || now - self.last_at >= FORGET_AFTER_SECS {
            return None;
        }
        let doublings = (self.count - free).min(10);
        let lock = (FIRST_LOCK_SECS << doublings).min(FORGET_AFTER_SECS);
        Some(self.last_at + lock - now).filter(|remaining| *remaining > 0)
    }

    /// The record after one more failure at `now`.
    fn after_failure(self, now: i64) -> Failures {
        let count = if now - self.last_at >= FORGET_AFTER_SECS { 1 } else { self.count + 1 };
        Failures { count, last_at: now }
    }
}

/// The throttling keys of one login attempt.
pub struct Attempt {
    store: Store,
    user_key: String,
    address_key: String,
}

impl Attempt {
    /// An attempt at `username`'s password from the client of `request`.
    pub fn new(username: &str, request: &Request) -> Result<Attempt, String> {
        let store = Store::open_default().map_err(|e| format!("cannot open the key-value store: {e}"))?;
        Ok(Attempt {
            store,
            user_key: format!("login-failures/user/{}", username.to_lowercase()),
            address_key: format!("login-failures/address/{}", client_address(request)),
        })
    }

    /// Seconds until this user or address may try again, if locked out.
    pub fn locked_for(&self, now: i64) -> Option<i64> {
        let user = self.read(&self.user_key, now).locked_for(now, FREE_FAILURES_PER_USER);
        let address = self.read(&self.address_key, now).locked_for(now, FREE_FAILURES_PER_ADDRESS);
        user.max(address)
    }

    /// Counts a failed attempt against both keys.
    pub fn record_failure(&self, now: i64) -> Result<(), String> {
        for key in [&self.user_key, &self.address_key] {
            let next = self.read(key, now).after_failure(now);
            let bytes = serde_json::to_vec(&next).map_err(|e| e.to_string())?;
            kv_ttl::set(&self.store, key, &bytes, now + FORGET_AFTER_SECS)
                .map_err(|e| format!("cannot count the failed login: {e}"))?;
        }
        Ok(())
    }

    /// Forgets the username's failures after a successful login.
    pub fn record_success(&self) -> Result<(), String> {
        self.store.delete(&self.user_key).map_err(|e| format!("cannot reset the login count: {e}"))
    }

    fn read(&self, key: &str, now: i64) -> Failures {
        match kv_ttl::get(&self.store, key, now) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_default(),
            _ => Failures::default(),
        }
    }
}

/// The JSON refusal of an attempt made while locked out, with `Retry-After`.
pub fn locked_out(seconds: i64, what: &str) -> Response {
    let mut response = http_kit::error(429, format!("too many failed {what}; try again in {seconds} s"));
    response.set_header("retry-after", seconds.to_string());
    response
}

/// The client's IP address (without the port) as the runtime reports it.
fn client_address(request: &Request) -> String {
    let address = request.header("spin-client-addr").and_then(|value| value.as_str()).unwrap_or("unknown");
    let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
    host.trim_matches(['[', ']']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(failures: u32, now: i64) -> Failures {
        (0..failures).fold(Failures::default(), |record, _| record.after_failure(now))
    }

    #[test]
    fn the_first_failures_are_free() {
        assert_eq!(after(4, 1000).locked_for(1000, FREE_FAILURES_PER_USER), None);
    }

    #[test]
    fn lock_outs_double_and_are_capped() {
        assert_eq!(after(5, 1000).locked_for(1000, 5), Some(30));
        assert_eq!(after(6, 1000).locked_for(1000, 5), Some(60));
        assert_eq!(after(40, 1000).locked_for(1000, 5), Some(FORGET_AFTER_SECS));
        assert_eq!(after(5, 1000).locked_for(1031, 5), None);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let old = after(9, 1000);
        assert_eq!(old.locked_for(1000 + FORGET_AFTER_SECS, 5), None);
        assert_eq!(old.after_failure(1000 + FORGET_AFTER_SECS).count, 1);
    }
}
