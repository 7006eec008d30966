//! Integration harness shared by every test of the app: starts the real `runtime` binary with
//! built `.wasm` components on an ephemeral port and a temporary state directory, next to mock
//! upstream servers on 127.0.0.1, and speaks HTTP to it.

pub mod burst;
mod client;
pub mod mock_keepa;
pub mod mock_llm;
mod mock_server;
pub mod month;
mod runtime_process;

pub use client::{HttpClient, Reply};
pub use mock_server::{MockReply, MockServer, SeenRequest};
pub use runtime_process::{RuntimeProcess, RuntimeProcessBuilder};

use std::path::PathBuf;

/// The repository root (the workspace), from which manifests and binaries are found.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// A `runtime` command (e.g. `backup`, `restore`, `migrate`) to run to completion.
pub fn runtime_command() -> std::process::Command {
    std::process::Command::new(release_dir().join("runtime"))
}

/// A TCP port that was free a moment ago on 127.0.0.1 (for listeners configured by flag).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// Where cargo put the release binaries (`CARGO_TARGET_DIR` or `target/`).
pub fn release_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("release")
}
