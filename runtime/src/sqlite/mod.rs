//! Spin's SQLite capability (`fermyon:spin/sqlite@2.0.0`).
//!
//! As on Spin, a component's `BEGIN … COMMIT` on its `connection` is isolated from other
//! requests. Unlike a naive host, a guest's connection is not a SQLite connection of its own for
//! its whole life: a pooled one is bound to it per statement, and stays bound only while a
//! transaction is open. An AI request that holds its connection through a 5-second provider call
//! thus holds no SQLite connection (with its page cache and prepared statements) meanwhile, and a
//! thousand of them share a handful. The price is that connection-local state — `changes()`,
//! `last_insert_rowid()`, `TEMP` tables — lasts only within a transaction, as with a remote
//! libSQL database on Spin, where consecutive statements may reach different connections too.
//!
//! Plain `SELECT`s run on the calling task — in WAL mode readers never wait for a lock, and a
//! thread hand-off would cost more than the query — and so do writes while nobody else holds
//! SQLite's write lock ([`pool`] says what happens when somebody does).

mod checkpointer;
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

/// A guest's open connection (the `connection` resource): the pool to draw from, and the SQLite
/// connection bound to it while a transaction is open.
pub struct Connection {
    in_transaction: Option<rusqlite::Connection>,
    pool: Arc<ConnectionPool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(connection) = self.in_transaction.take() {
            self.pool.give_back(connection);
        }
    }
}
