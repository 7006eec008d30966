//! The `fermyon:spin/key-value` host functions the guest calls.

use super::Store;
use crate::bindings::spin::fermyon::spin::key_value::{self, Error};
use crate::engine::InstanceState;
use crate::sqlite::ConnectionPool;
use anyhow::Result;
use rusqlite::OptionalExtension;
use std::sync::Arc;
use wasmtime::component::Resource;

impl key_value::Host for InstanceState {}

/// A store's pool and label with a connection taken from the pool.
type CheckedOut = (Arc<ConnectionPool>, String, rusqlite::Connection);

impl InstanceState {
    /// The store's pool and label, and a connection from the pool.
    fn checkout(
        &mut self,
        store: &Resource<Store>,
    ) -> Result<Result<CheckedOut, Error>> {
        let entry = self.table().get(store)?;
        let (pool, label) = (Arc::clone(&entry.pool), entry.label.clone());
        Ok(match pool.take() {
            Ok(connection) => Ok((pool, label, connection)),
            Err(error) => Err(Error::Other(error.to_string())),
        })
    }

    /// Runs one read against the store's file right here: WAL readers never wait for a lock.
    fn read_store<T>(
        &mut self,
        store: &Resource<Store>,
        operation: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<T>,
    ) -> Result<Result<T, Error>> {
        let (pool, label, connection) = match self.checkout(store)? {
            Ok(checked_out) => checked_out,
            Err(error) => return Ok(Err(error)),
        };
        let result = operation(&connection, &label);
        pool.give_back(connection);
        Ok(result.map_err(|error| Error::Other(error.to_string())))
    }

    /// Runs one write against the store's file (see the SQLite pool for how writes wait).
    async fn with_store<T: Send + 'static>(
        &mut self,
        store: &Resource<Store>,
        operation: impl Fn(&rusqlite::Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<Result<T, Error>> {
        let (pool, label, connection) = match self.checkout(store)? {
            Ok(checked_out) => checked_out,
            Err(error) => return Ok(Err(error)),
        };
        let (connection, result) = pool.write(connection, move |connection| operation(connection, &label)).await;
        pool.give_back(connection);
        Ok(result.map_err(|error| Error::Other(error.to_string())))
    }
}

impl key_value::HostStore for InstanceState {
    async fn open(&mut self, label: String) -> Result<Result<Resource<Store>, Error>> {
        if !self.key_value.allowed.contains(&label) {
            return Ok(Err(Error::AccessDenied));
        }
        let Some(pool) = self.key_value.stores.backends.get(&label).cloned() else {
            return Ok(Err(Error::NoSuchStore));
        };
        Ok(Ok(self.table().push(Store { label, pool })?))
    }

    async fn get(&mut self, store: Resource<Store>, key: String) -> Result<Result<Option<Vec<u8>>, Error>> {
        self.read_store(&store, move |connection, label| {
            connection
                .prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .query_row((label, &key), |row| row.get(0))
                .optional()
        })
    }

    async fn set(&mut self, store: Resource<Store>, key: String, value: Vec<u8>) -> Result<Result<(), Error>> {
        self.with_store(&store, move |connection, label| {
            connection
                .prepare_cached(
                    "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
                )?
                .execute((label, &key, &value))
                .map(drop)
        })
        .await
    }

    async fn delete(&mut self, store: Resource<Store>, key: String) -> Result<Result<(), Error>> {
        self.with_store(&store, move |connection, label| {
            connection
                .prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .execute((label, &key))
                .map(drop)
        })
        .await
    }

    async fn exists(&mut self, store: Resource<Store>, key: String) -> Result<Result<bool, Error>> {
        self.read_store(&store, move |connection, label| {
            connection
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM spin_key_value WHERE store = ?1 AND key = ?2)")?
                .query_row((label, &key), |row| row.get(0))
        })
    }

    async fn get_keys(&mut self, store: Resource<Store>) -> Result<Result<Vec<String>, Error>> {
        self.read_store(&store, move |connection, label| {
            let mut statement = connection.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1")?;
            statement.query_map([label], |row| row.get(0))?.collect()
        })
    }

    async fn drop(&mut self, store: Resource<Store>) -> Result<()> {
        self.table().delete(store)?;
        Ok(())
    }
}
