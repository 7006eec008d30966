//! Versioned schema migrations (`migrations/NNNN_name.sql`, sqlx format) for the `default` database.
//!
//! Real `spin up --sqlite @file.sql` re-runs a file on every start without tracking versions, so the
//! project applies its migrations with `runtime migrate` before `spin up`; the local runtime does the
//! same at start. sqlx records applied versions in `_sqlx_migrations`, which `/api/health` reports.

use anyhow::{Context, Result};
use sqlx::ConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use std::path::Path;
use std::time::Duration;

/// Applies every pending migration in `migrations_dir` to the SQLite file at `database`.
pub async fn run(database: &Path, migrations_dir: &Path) -> Result<i64> {
    if let Some(parent) = database.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let migrator = Migrator::new(migrations_dir)
        .await
        .with_context(|| format!("cannot read migrations from {}", migrations_dir.display()))?;
    let mut connection = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .with_context(|| format!("cannot open database {}", database.display()))?;
    migrator
        .run(&mut connection)
        .await
        .with_context(|| format!("migrating {}", database.display()))?;
    let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    Ok(latest)
}
