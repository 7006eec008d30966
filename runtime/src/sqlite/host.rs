//! The `fermyon:spin/sqlite` host functions the guest calls.

use super::Connection;
use crate::bindings::spin::fermyon::spin::sqlite::{self, Error, QueryResult, RowResult, Value};
use crate::engine::InstanceState;
use anyhow::Result;
use rusqlite::types::ValueRef;
use std::sync::Arc;
use wasmtime::component::Resource;

impl sqlite::Host for InstanceState {}

impl sqlite::HostConnection for InstanceState {
    async fn open(&mut self, database: String) -> Result<Result<Resource<Connection>, Error>> {
        if !self.sqlite.allowed.contains(&database) {
            return Ok(Err(Error::AccessDenied));
        }
        let Some(pool) = self.sqlite.databases.pool(&database).cloned() else {
            return Ok(Err(Error::NoSuchDatabase));
        };
        let resource = self.table().push(Connection { in_transaction: None, pool })?;
        Ok(Ok(resource))
    }

    async fn execute(
        &mut self,
        connection: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<Result<QueryResult, Error>> {
        let entry = self.table().get_mut(&connection)?;
        let pool = Arc::clone(&entry.pool);
        let sqlite = match entry.in_transaction.take() {
            Some(sqlite) => sqlite,
            // Opened right here when none is idle (a fraction of a millisecond, once).
            None => match pool.take() {
                Ok(sqlite) => sqlite,
                Err(error) => return Ok(Err(to_guest_error(error))),
            },
        };
        let (sqlite, result) = if is_plain_read(&sqlite, &statement) {
            // WAL readers never wait for a writer's lock: no hand-off to another thread.
            let result = run_statement(&sqlite, &statement, parameters);
            (sqlite, result)
        } else {
            pool.write(sqlite, move |sqlite| run_statement(sqlite, &statement, parameters.clone())).await
        };
        if sqlite.is_autocommit() {
            pool.give_back(sqlite);
        } else {
            match self.table().get_mut(&connection) {
                Ok(entry) => entry.in_transaction = Some(sqlite),
                Err(_) => pool.give_back(sqlite),
            }
        }
        Ok(result.map_err(to_guest_error))
    }

    async fn drop(&mut self, connection: Resource<Connection>) -> Result<()> {
        self.table().delete(connection)?;
        Ok(())
    }
}

/// A `SELECT` (or `WITH … SELECT`) that SQLite confirms does not write.
fn is_plain_read(connection: &rusqlite::Connection, statement: &str) -> bool {
    let head = statement.trim_start().get(..6).unwrap_or("").to_ascii_lowercase();
    (head == "select" || head.starts_with("with"))
        && connection.prepare_cached(statement).is_ok_and(|prepared| prepared.readonly())
}

fn run_statement(
    connection: &rusqlite::Connection,
    statement: &str,
    parameters: Vec<Value>,
) -> rusqlite::Result<QueryResult> {
    let mut prepared = connection.prepare_cached(statement)?;
    let columns: Vec<String> = prepared.column_names().into_iter().map(str::to_string).collect();
    let parameters: Vec<rusqlite::types::Value> = parameters.into_iter().map(to_sql_value).collect();
    let mut rows = prepared.query(rusqlite::params_from_iter(parameters))?;
    let mut results = Vec::new();
    while let Some(row) = rows.next()? {
        let values = (0..columns.len())
            .map(|index| row.get_ref(index).map(from_sql_value))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        results.push(RowResult { values });
    }
    Ok(QueryResult { columns, rows: results })
}

fn to_sql_value(value: Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match value {
        Value::Integer(i) => Sql::Integer(i),
        Value::Real(r) => Sql::Real(r),
        Value::Text(t) => Sql::Text(t),
        Value::Blob(b) => Sql::Blob(b),
        Value::Null => Sql::Null,
    }
}

fn from_sql_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn to_guest_error(error: rusqlite::Error) -> Error {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => Error::DatabaseFull,
        _ => Error::Io(error.to_string()),
    }
}
