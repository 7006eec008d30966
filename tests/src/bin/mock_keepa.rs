//! The mock Keepa as a standalone server, for the demo (`scripts/up` without a Keepa key) and
//! for benchmarks. Prints `listening on http://ADDR` and serves until killed (SIGTERM).
//!
//! Flags (or env): `--books N` (MOCK_KEEPA_BOOKS, 400), `--seed S` (MOCK_KEEPA_SEED, 7),
//! `--tokens T` (MOCK_KEEPA_TOKENS, 100000), `--refill-per-min R` (MOCK_KEEPA_REFILL_PER_MIN, 5000).

use integration_tests::mock_keepa::{MockKeepa, MockKeepaOptions};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let setting = |flag: &str, env: &str, default: i64| -> i64 {
        let from_flag = args.iter().position(|arg| arg == flag).and_then(|at| args.get(at + 1)).cloned();
        let value = from_flag.or_else(|| std::env::var(env).ok());
        value.map_or(default, |value| value.parse().unwrap_or_else(|_| panic!("{flag}: `{value}` is not a number")))
    };
    let options = MockKeepaOptions {
        books: setting("--books", "MOCK_KEEPA_BOOKS", 400) as usize,
        seed: setting("--seed", "MOCK_KEEPA_SEED", 7) as u64,
        tokens: setting("--tokens", "MOCK_KEEPA_TOKENS", 100_000),
        refill_per_min: setting("--refill-per-min", "MOCK_KEEPA_REFILL_PER_MIN", 5_000),
    };
    let keepa = MockKeepa::start(options);
    println!("listening on {}", keepa.url());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
