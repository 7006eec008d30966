//! Integration harness shared by every test of the app: starts the real `runtime` binary with
//! built `.wasm` components on an ephemeral port and a temporary state directory, next to mock
//! upstream servers on 127.0.0.1, and speaks HTTP to it.

mod client;
mod mock_server;
mod runtime_process;

pub use client::{HttpClient, Reply};
pub use mock_server::{MockReply, MockServer, SeenRequest};
pub use runtime_process::{RuntimeProcess, RuntimeProcessBuilder};

use std::path::PathBuf;

/// The repository root (the workspace), from which manifests and binaries are found.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Where cargo put the release binaries (`CARGO_TARGET_DIR` or `target/`).
pub fn release_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("release")
}
