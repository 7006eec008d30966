//! A small pool of SQLite connections for one database file.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Idle connections kept per database; more may be open while busy.
const MAX_IDLE: usize = 64;
/// How long a writer waits for a lock before the guest sees "database is locked".
const BUSY_WAIT_TOTAL: Duration = Duration::from_secs(5);
const BUSY_WAIT_STEP: Duration = Duration::from_millis(2);


pub struct ConnectionPool {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl ConnectionPool {
    pub fn new(path: PathBuf) -> Self {
        Self { path, idle: Mutex::new(Vec::new()) }
    }

    /// An idle connection, or a newly opened one (creating the file if needed).
    pub fn take(&self) -> rusqlite::Result<rusqlite::Connection> {
        match self.take_idle() {
            Some(connection) => Ok(connection),
            None => self.open(),
        }
    }

    /// An idle connection, if there is one (never blocks on I/O).
    pub fn take_idle(&self) -> Option<rusqlite::Connection> {
        self.idle.lock().expect("pool lock").pop()
    }

    /// Returns a connection; one left inside a transaction is rolled back, a broken one dropped.
    pub fn give_back(&self, connection: rusqlite::Connection) {
        if !connection.is_autocommit() && connection.execute_batch("ROLLBACK").is_err() {
            return;
        }
        let mut idle = self.idle.lock().expect("pool lock");
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        if let Some(parent) = self.path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let connection = rusqlite::Connection::open(&self.path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.busy_handler(Some(wait_for_lock))?;
        connection.set_prepared_statement_cache_capacity(64);
        Ok(connection)
    }
}

/// SQLite's busy callback: sleep briefly and retry until the total wait is used up.
fn wait_for_lock(attempt: i32) -> bool {
    crate::metrics::record_sqlite_busy_retry();
    let waited = BUSY_WAIT_STEP * u32::try_from(attempt).unwrap_or(u32::MAX);
    if waited >= BUSY_WAIT_TOTAL {
        return false;
    }
    std::thread::sleep(BUSY_WAIT_STEP);
    true
}
