//! Online backup and offline restore of the app's state: the `default` SQLite database and the
//! `default` key-value store, in one file.
//!
//! `runtime backup FILE` works while the app serves: `VACUUM INTO` takes a consistent snapshot of
//! the database (one read transaction), and the key-value rows are copied in by a single statement,
//! so each store is consistent in itself. The file is an ordinary SQLite database holding the app's
//! tables plus `_backup_key_value` and `_backup_meta`. `runtime restore FILE` refuses to run while a
//! runtime holds the state directory's lock, checks the file, rebuilds both stores beside the live
//! ones, verifies `PRAGMA integrity_check` and only then swaps them in.

use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Name of the lock file a serving runtime holds in its state directory.
const LOCK_FILE: &str = "runtime.lock";

/// An exclusive lock on a state directory, held for as long as the value lives.
pub struct StateLock {
    _file: File,
}

impl StateLock {
    /// Takes the lock or fails at once, naming the directory.
    pub fn acquire(state_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(state_dir)?;
        let file = File::create(state_dir.join(LOCK_FILE))?;
        file.try_lock().map_err(|_| {
            anyhow::anyhow!("{} is in use by a running runtime; stop it first", state_dir.display())
        })?;
        Ok(Self { _file: file })
    }
}

/// Writes a backup of `database` and `key_value` to `out` (which must not exist yet).
pub fn backup(database: &Path, key_value: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        bail!("{} already exists; choose a new file", out.display());
    }
    let partial = out.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let source = open(database)?;
    source
        .execute("VACUUM INTO ?1", [path_text(&partial)?])
        .context("snapshotting the database")?;
    let snapshot = open(&partial)?;
    snapshot.execute_batch(
        "CREATE TABLE _backup_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL);
         CREATE TABLE _backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    )?;
    if key_value.exists() {
        snapshot.execute("ATTACH DATABASE ?1 AS kv", [path_text(key_value)?])?;
        snapshot.execute_batch(
            "INSERT INTO _backup_key_value SELECT store, key, value FROM kv.spin_key_value; DETACH DATABASE kv;",
        )?;
    }
    snapshot.execute(
        "INSERT INTO _backup_meta (key, value) VALUES ('created_at', strftime('%s', 'now')), ('format', '1')",
        [],
    )?;
    check_integrity(&snapshot, &partial)?;
    drop(snapshot);
    std::fs::rename(&partial, out)?;
    Ok(())
}

/// Replaces `database` and `key_value` with the contents of `backup_file`.
pub fn restore(backup_file: &Path, database: &Path, key_value: &Path) -> Result<()> {
    let backup = open(backup_file)?;
    check_integrity(&backup, backup_file)?;
    let format: Option<String> = backup
        .query_row("SELECT value FROM _backup_meta WHERE key = 'format'", [], |row| row.get(0))
        .ok();
    if format.as_deref() != Some("1") {
        bail!("{} is not a backup written by `runtime backup`", backup_file.display());
    }
    drop(backup);

    let new_database = sibling(database, "restoring");
    let _ = std::fs::remove_file(&new_database);
    std::fs::copy(backup_file, &new_database)?;
    let restored = open(&new_database)?;
    restored.execute_batch("DROP TABLE _backup_key_value; DROP TABLE _backup_meta; VACUUM;")?;
    check_integrity(&restored, &new_database)?;
    drop(restored);

    let new_key_value = sibling(key_value, "restoring");
    let _ = std::fs::remove_file(&new_key_value);
    let store = open(&new_key_value)?;
    store.execute_batch(
        "CREATE TABLE spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                                      PRIMARY KEY (store, key));",
    )?;
    store.execute("ATTACH DATABASE ?1 AS backup", [path_text(backup_file)?])?;
    store.execute_batch(
        "INSERT INTO spin_key_value SELECT store, key, value FROM backup._backup_key_value; DETACH DATABASE backup;",
    )?;
    check_integrity(&store, &new_key_value)?;
    drop(store);

    replace(&new_database, database)?;
    replace(&new_key_value, key_value)?;
    Ok(())
}

fn open(path: &Path) -> Result<Connection> {
    let connection = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(connection)
}

fn check_integrity(connection: &Connection, path: &Path) -> Result<()> {
    let verdict: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if verdict != "ok" {
        bail!("integrity check of {} failed: {verdict}", path.display());
    }
    Ok(())
}

fn path_text(path: &Path) -> Result<&str> {
    path.to_str().with_context(|| format!("{} is not valid UTF-8", path.display()))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

/// Moves `new` over `live`, dropping the live file's WAL so SQLite cannot replay it onto new data.
fn replace(new: &Path, live: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let mut journal = live.as_os_str().to_owned();
        journal.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(journal));
    }
    std::fs::rename(new, live).with_context(|| format!("cannot replace {}", live.display()))
}
