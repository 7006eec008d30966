//! The mock LLM as a standalone server, for the demo (`scripts/up` without an LLM key) and the AI
//! benchmark (`scripts/bench-ai`). Prints `listening on http://ADDR` and serves until killed
//! (SIGTERM). Flag (or env): `--delay-ms N` (MOCK_LLM_DELAY_MS, 0) slows every answer.

use integration_tests::mock_llm::MockLlm;
use std::io::Write;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = args.iter().position(|arg| arg == "--delay-ms").and_then(|at| args.get(at + 1)).cloned();
    let delay_ms: u64 = flag
        .or_else(|| std::env::var("MOCK_LLM_DELAY_MS").ok())
        .map_or(0, |value| value.parse().unwrap_or_else(|_| panic!("--delay-ms: `{value}` is not a number")));
    let llm = MockLlm::start();
    llm.set_delay(Duration::from_millis(delay_ms));
    println!("listening on {}", llm.url());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
