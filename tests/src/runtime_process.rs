//! Starting and stopping the real `runtime` binary for a test.

use crate::{HttpClient, release_dir, repo_root};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long start-up (migrations, loading or compiling components) may take on a loaded machine.
const STARTUP_LIMIT: Duration = Duration::from_secs(120);

/// Options for one runtime process.
pub struct RuntimeProcessBuilder {
    manifest: PathBuf,
    env: Vec<(String, String)>,
    args: Vec<String>,
    state_dir: Option<PathBuf>,
    private_compile_cache: bool,
}

impl RuntimeProcessBuilder {
    /// A runtime for the manifest at `manifest` (relative to the repository root).
    pub fn new(manifest: &str) -> Self {
        Self {
            manifest: repo_root().join(manifest),
            env: Vec::new(),
            args: Vec::new(),
            state_dir: None,
            private_compile_cache: false,
        }
    }

    /// Sets an environment variable, e.g. `SPIN_VARIABLE_KEEPA_BASE_URL`.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the Spin variable `name` through Spin's env provider.
    pub fn variable(self, name: &str, value: &str) -> Self {
        let key = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
        self.env(&key, value)
    }

    /// An extra argument for `runtime up`.
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    /// Reuses an existing state directory (to test restarts) instead of a fresh temporary one.
    pub fn state_dir(mut self, dir: &Path) -> Self {
        self.state_dir = Some(dir.to_path_buf());
        self
    }

    /// Keeps compiled components in the state directory itself instead of the compile cache all
    /// test runtimes share (for tests of the cache).
    pub fn private_compile_cache(mut self) -> Self {
        self.private_compile_cache = true;
        self
    }

    /// Starts the runtime and waits until it serves.
    pub fn start(self) -> RuntimeProcess {
        self.try_start().unwrap_or_else(|error| panic!("runtime did not start: {error}"))
    }

    /// Starts the runtime; the error carries what it printed when it failed to come up.
    pub fn try_start(self) -> Result<RuntimeProcess, String> {
        let temp = TempDir::new().map_err(|e| e.to_string())?;
        let state_dir = self.state_dir.clone().unwrap_or_else(|| temp.path().join("state"));
        if !self.private_compile_cache {
            share_compile_cache(&state_dir).map_err(|e| format!("cannot share the compile cache: {e}"))?;
        }
        let mut command = Command::new(release_dir().join("runtime"));
        command
            .arg("up")
            .arg("-f")
            .arg(&self.manifest)
            .arg("--state-dir")
            .arg(&state_dir)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| format!("cannot spawn runtime: {e}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, receiver) = mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        spawn_reader(BufReader::new(stdout), Some(sender), log.clone());
        spawn_reader(BufReader::new(stderr), None, log.clone());
        match receiver.recv_timeout(STARTUP_LIMIT) {
            Ok(base_url) => Ok(RuntimeProcess { child, base_url, state_dir, log, _temp: temp }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                Err(log.lock().expect("log lock").clone())
            }
        }
    }
}

/// Points `state_dir/cache` at one compile cache for every test runtime, so each component is
/// compiled once per test run rather than once per test.
fn share_compile_cache(state_dir: &Path) -> std::io::Result<()> {
    let shared = release_dir().join("test-compile-cache");
    std::fs::create_dir_all(&shared)?;
    std::fs::create_dir_all(state_dir)?;
    let link = state_dir.join("cache");
    if link.symlink_metadata().is_err() {
        std::os::unix::fs::symlink(&shared, &link)?;
    }
    Ok(())
}

/// Copies a stream into the shared log; the stdout reader also reports the listening address.
fn spawn_reader(
    reader: impl BufRead + Send + 'static,
    listening: Option<mpsc::Sender<String>>,
    log: std::sync::Arc<std::sync::Mutex<String>>,
) {
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if let (Some(sender), Some(url)) = (&listening, line.strip_prefix("listening on ")) {
                let _ = sender.send(url.trim().to_string());
            }
            let mut log = log.lock().expect("log lock");
            log.push_str(&line);
            log.push('\n');
        }
    });
}

/// A running runtime; stopped with SIGTERM when dropped.
pub struct RuntimeProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    pub state_dir: PathBuf,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    _temp: TempDir,
}

impl RuntimeProcess {
    pub fn client(&self) -> HttpClient {
        HttpClient::new(&self.base_url)
    }

    /// Everything the runtime printed so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// Polls `condition` every 100 ms until it holds or `limit` passes; returns whether it held.
    pub fn wait_until(&self, limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if condition() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        condition()
    }

    /// Opens the app's `default` SQLite database directly (for assertions).
    pub fn database(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.state_dir.join("sqlite_db.db")).expect("open app database")
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> ExitStatus {
        self.signal(libc::SIGTERM);
        self.child.wait().expect("wait for runtime")
    }

    /// SIGKILL: no cleanup at all, as in a crash.
    pub fn kill_hard(mut self) {
        self.signal(libc::SIGKILL);
        let _ = self.child.wait();
    }

    fn signal(&mut self, signal: libc::c_int) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

impl Drop for RuntimeProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.signal(libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
