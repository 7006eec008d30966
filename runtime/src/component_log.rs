//! Where the components' stdout and stderr go — where `spin up` sends them, so an operator finds
//! a cron job's reports and a component's error lines in the same place on either host.
//!
//! Each component's output is appended to `<log dir>/<component>_stdout.txt` and
//! `<component>_stderr.txt` (the log directory defaults to `<state dir>/logs`, Spin's
//! `.spin/logs`; `--log-dir ""` keeps output off disk) and echoed on the runtime's stderr for the
//! components followed: all of them, those `--follow` names, or none with `--quiet`. Output that
//! goes to no file is always echoed, as Spin does, so nothing a component prints is lost.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context as TaskContext, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// How much a component may write at once; wasmtime-wasi's own stdio streams allow the same.
const WRITE_BUDGET: usize = 64 * 1024;

/// Which components' output is echoed on the runtime's stderr.
#[derive(Debug, Clone)]
pub enum Follow {
    All,
    Named(BTreeSet<String>),
    None,
}

/// The `runtime up` flags about component output.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// Directory of the log files; `None` writes none.
    pub dir: Option<PathBuf>,
    pub follow: Follow,
    /// Empty the log files before serving (`--truncate-logs`).
    pub truncate: bool,
}

impl LogOptions {
    /// Checks that `--follow` names only `components`, creates the log directory and empties
    /// its files when asked; done once, before anything runs.
    pub fn prepare<'a>(&self, components: impl IntoIterator<Item = &'a str>) -> Result<()> {
        if let Follow::Named(named) = &self.follow {
            let known: BTreeSet<&str> = components.into_iter().collect();
            if let Some(unknown) = named.iter().find(|id| !known.contains(id.as_str())) {
                let known = known.into_iter().collect::<Vec<_>>().join(", ");
                bail!("--follow names `{unknown}`, which is not a component of this app (its components: {known})");
            }
        }
        let Some(dir) = &self.dir else { return Ok(()) };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create the log directory {}", dir.display()))?;
        if self.truncate {
            for entry in std::fs::read_dir(dir)?.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.ends_with("_stdout.txt") || name.ends_with("_stderr.txt") {
                    File::create(entry.path()).with_context(|| format!("cannot truncate {name}"))?;
                }
            }
        }
        tracing::info!(dir = %dir.display(), "logging component output");
        Ok(())
    }

    /// The stdout and stderr of component `id`, shared by all its instances; a file is created
    /// when the component first writes to it, so only components that print have one.
    pub fn streams(&self, id: &str) -> (ComponentOutput, ComponentOutput) {
        let followed = match &self.follow {
            Follow::All => true,
            Follow::Named(named) => named.contains(id),
            Follow::None => false,
        };
        let echo = followed || self.dir.is_none();
        let stream = |suffix: &str| ComponentOutput {
            file: self.dir.as_ref().map(|dir| Arc::new(LogFile { path: dir.join(format!("{id}_{suffix}.txt")), opened: OnceLock::new() })),
            echo,
        };
        (stream("stdout"), stream("stderr"))
    }
}

/// A log file, opened for appending on first use.
struct LogFile {
    path: PathBuf,
    /// `None` when it could not be opened (warned about once; the output still goes to the console
    /// when followed).
    opened: OnceLock<Option<File>>,
}

impl LogFile {
    fn append(&self, bytes: &[u8]) {
        let opened = self.opened.get_or_init(|| match File::options().create(true).append(true).open(&self.path) {
            Ok(file) => Some(file),
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot open a component log file; its output is not kept until restart");
                None
            }
        });
        if let Some(mut file) = opened.as_ref()
            && let Err(error) = file.write_all(bytes)
        {
            tracing::warn!(path = %self.path.display(), %error, "cannot write a component log file");
        }
    }
}

/// One output stream of a component: its log file (appends are atomic per write, so concurrent
/// instances do not tear each other's lines) and, when followed, the runtime's stderr. Writes
/// block, as the inherited stdio they replace did; a component prints a few lines per run. A
/// write never fails towards the component: a full disk or a closed console loses diagnostics,
/// but must not make the component trap (Rust's `println!` panics on a failed write).
#[derive(Clone)]
pub struct ComponentOutput {
    file: Option<Arc<LogFile>>,
    echo: bool,
}

impl ComponentOutput {
    fn write_all(&self, bytes: &[u8]) {
        if let Some(file) = &self.file {
            file.append(bytes);
        }
        if self.echo {
            let _ = std::io::stderr().write_all(bytes);
        }
    }
}

impl IsTerminal for ComponentOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for ComponentOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for ComponentOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for ComponentOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.write_all(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_BUDGET)
    }
}

impl AsyncWrite for ComponentOutput {
    fn poll_write(self: Pin<&mut Self>, _: &mut TaskContext<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.write_all(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &std::path::Path, follow: Follow) -> LogOptions {
        LogOptions { dir: Some(dir.to_path_buf()), follow, truncate: false }
    }

    #[test]
    fn output_is_appended_to_one_file_per_component_and_stream() {
        let dir = tempfile::tempdir().unwrap();
        let logs = options(dir.path(), Follow::None);
        logs.prepare(["web"]).unwrap();
        let (stdout, stderr) = logs.streams("web");
        assert!(!dir.path().join("web_stdout.txt").exists(), "created on the first write");
        stdout.write_all(b"first\n");
        stderr.write_all(b"oops\n");
        let (again, _) = logs.streams("web");
        again.write_all(b"second\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("web_stdout.txt")).unwrap(), "first\nsecond\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("web_stderr.txt")).unwrap(), "oops\n");
    }

    #[test]
    fn truncating_empties_only_component_logs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("web_stdout.txt"), "old\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep\n").unwrap();
        LogOptions { truncate: true, ..options(dir.path(), Follow::All) }.prepare(["web"]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("web_stdout.txt")).unwrap(), "");
        assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "keep\n");
    }

    #[test]
    fn follow_selects_echoed_components_and_must_name_real_ones() {
        let dir = tempfile::tempdir().unwrap();
        let named = options(dir.path(), Follow::Named(BTreeSet::from(["web".to_string()])));
        assert!(named.streams("web").0.echo);
        assert!(!named.streams("jobs").0.echo);
        let error = named.prepare(["jobs"]).unwrap_err().to_string();
        assert!(error.contains("`web`") && error.contains("jobs"), "{error}");
        let quiet_without_files = LogOptions { dir: None, follow: Follow::None, truncate: false };
        assert!(quiet_without_files.streams("web").0.echo, "output that goes to no file is echoed");
    }
}
