//! Spin's key-value capability (`fermyon:spin/key-value@2.0.0`).
//!
//! Stored exactly as Spin's default `spin` store type does: a table
//! `spin_key_value(store, key, value)` in `.spin/sqlite_key_value.db` (or the file a
//! runtime-config.toml names), so the state directory can move between this runtime and real Spin.
//! Each operation is a single statement, so operations share a small connection pool and run on
//! the calling task; a write that finds SQLite's lock taken queues as the SQLite pool describes.

mod host;

use crate::sqlite::ConnectionPool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The key-value stores this app may open, by label.
pub struct KeyValueStores {
    backends: HashMap<String, Arc<ConnectionPool>>,
}

impl KeyValueStores {
    /// One SQLite file per label; labels sharing a file share its pool.
    pub fn new(paths: impl IntoIterator<Item = (String, PathBuf)>) -> Self {
        let mut by_path: HashMap<PathBuf, Arc<ConnectionPool>> = HashMap::new();
        let backends = paths
            .into_iter()
            .map(|(label, path)| {
                let pool = by_path
                    .entry(path.clone())
                    .or_insert_with(|| Arc::new(ConnectionPool::new(path)))
                    .clone();
                (label, pool)
            })
            .collect();
        Self { backends }
    }

    /// Creates Spin's table in every backing file.
    pub fn prepare(&self) -> anyhow::Result<()> {
        for pool in self.backends.values() {
            let connection = pool.take()?;
            connection.execute_batch(
                "CREATE TABLE IF NOT EXISTS spin_key_value (
                    store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                    PRIMARY KEY (store, key))",
            )?;
            pool.give_back(connection);
        }
        Ok(())
    }
}

/// One instance's view: which labels its component declared in `key_value_stores`.
pub struct KeyValueAccess {
    stores: Arc<KeyValueStores>,
    allowed: Arc<[String]>,
}

impl KeyValueAccess {
    pub fn new(stores: Arc<KeyValueStores>, allowed: Arc<[String]>) -> Self {
        Self { stores, allowed }
    }
}

/// An open store (the guest's `store` resource).
pub struct Store {
    label: String,
    pool: Arc<ConnectionPool>,
}
