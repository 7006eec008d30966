//! A small pool of SQLite connections for one database file, and how writes reach it.
//!
//! SQLite lets one connection write at a time, and a write takes microseconds. So a write first
//! runs right on the calling task with SQLite told not to wait: handing every write to another
//! thread cost two context switches each, a third of the CPU of a burst of AI requests. Only when
//! another connection holds the write lock (an open transaction, `runtime backup`, the admin CLI)
//! does the write queue — behind the pool's writer lock, a fair async mutex, so a thousand waiting
//! writes are a thousand parked tasks — and then wait on the blocking pool in SQLite's busy handler.
//! Checkpoints, the one part of a write that waits for the disk, run on a thread of their own
//! ([`super::checkpointer`]).

use rusqlite::config::DbConfig;
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::checkpointer::CheckpointRequests;

/// Idle connections kept per database; more may be open while busy.
const MAX_IDLE: usize = 64;
/// How long a writer waits for a lock before the guest sees "database is locked".
const BUSY_WAIT_TOTAL: Duration = Duration::from_secs(5);
const BUSY_WAIT_STEP: Duration = Duration::from_millis(2);

thread_local! {
    /// Set while a write is tried on an async worker, where SQLite must not sleep for a lock.
    static NO_WAIT: Cell<bool> = const { Cell::new(false) };
}

pub struct ConnectionPool {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    writer: Arc<tokio::sync::Mutex<()>>,
    checkpoints: CheckpointRequests,
}

impl ConnectionPool {
    pub fn new(path: PathBuf) -> Self {
        let checkpoints = CheckpointRequests::start(path.clone());
        Self { path, idle: Mutex::new(Vec::new()), writer: Arc::new(tokio::sync::Mutex::new(())), checkpoints }
    }

    /// Runs `write` (which may write) on `connection`: right here if SQLite's write lock is free,
    /// else queued as the module docs describe. Gives the connection back with the result.
    pub async fn write<T: Send + 'static>(
        &self,
        connection: rusqlite::Connection,
        write: impl Fn(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> (rusqlite::Connection, rusqlite::Result<T>) {
        NO_WAIT.set(true);
        let attempt = write(&connection);
        NO_WAIT.set(false);
        if !attempt.as_ref().is_err_and(is_busy) {
            return (connection, attempt);
        }
        let writer = Arc::clone(&self.writer);
        let Ok(_turn) = tokio::time::timeout(BUSY_WAIT_TOTAL, writer.lock_owned()).await else {
            return (connection, attempt);
        };
        tokio::task::spawn_blocking(move || {
            let result = write(&connection);
            (connection, result)
        })
        .await
        .expect("a SQLite statement does not panic")
    }

    /// An idle connection, or a newly opened one (creating the file if needed).
    pub fn take(&self) -> rusqlite::Result<rusqlite::Connection> {
        if let Some(connection) = self.idle.lock().expect("pool lock").pop() {
            return Ok(connection);
        }
        self.open()
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
        self.checkpoints.attach(&connection)?;
        connection.busy_handler(Some(wait_for_lock))?;
        connection.set_prepared_statement_cache_capacity(64);
        // Without the planner stability guarantee, SQLite marks a cached statement stale
        // whenever a new value is bound to a parameter it looked at while planning (LIMIT,
        // OFFSET, a value compared with a partial index), and re-plans it on the next step:
        // a fifth of the CPU of a paged `/api/deals`. Plans here do not depend on values.
        connection.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(connection)
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
}

/// SQLite's busy callback: sleep briefly and retry until the total wait is used up (at once
/// "busy" while [`NO_WAIT`] is set).
fn wait_for_lock(attempt: i32) -> bool {
    if NO_WAIT.get() {
        return false;
    }
    crate::metrics::record_sqlite_busy_retry();
    let waited = BUSY_WAIT_STEP * u32::try_from(attempt).unwrap_or(u32::MAX);
    if waited >= BUSY_WAIT_TOTAL {
        return false;
    }
    std::thread::sleep(BUSY_WAIT_STEP);
    true
}
