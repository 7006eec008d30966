//! Spin's SQLite capability (`fermyon:spin/sqlite@2.0.0`).
//!
//! As on Spin, every guest `open()` gets a connection of its own, so a component's
//! `BEGIN … COMMIT` is isolated from other requests. Unlike a naive host, connections are taken from
//! a per-database pool instead of being reopened per request; a connection that comes back still
//! inside a transaction is rolled back first. Plain `SELECT`s run on the calling task — in WAL mode
//! readers never wait for a lock, and a thread hand-off would cost more than the query — while
//! everything that may write (and so may wait for another connection's lock) runs on tokio's
//! blocking pool, so a busy wait never stalls the async workers serving other requests.

mod host;
mod pool;

pub use pool::ConnectionPool;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The databases this app may open, by label (`default` and those in runtime-config.toml).
pub struct Databases {
    pools: HashMap<String, Arc<ConnectionPool>>,
}

impl Databases {
    pub fn new(paths: impl IntoIterator<Item = (String, PathBuf)>) -> Self {
        let pools = paths
            .into_iter()
            .map(|(label, path)| (label, Arc::new(ConnectionPool::new(path))))
            .collect();
        Self { pools }
    }

    fn pool(&self, label: &str) -> Option<&Arc<ConnectionPool>> {
        self.pools.get(label)
    }
}

/// One instance's view: which labels its component declared in `sqlite_databases`.
pub struct SqliteAccess {
    databases: Arc<Databases>,
    allowed: Arc<[String]>,
}

impl SqliteAccess {
    pub fn new(databases: Arc<Databases>, allowed: Arc<[String]>) -> Self {
        Self { databases, allowed }
    }
}

/// A guest's open connection (the `connection` resource). Returned to its pool when dropped.
pub struct Connection {
    inner: Option<rusqlite::Connection>,
    pool: Arc<ConnectionPool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(connection) = self.inner.take() {
            self.pool.give_back(connection);
        }
    }
}
