//! WAL checkpoints off the request path.
//!
//! SQLite's automatic checkpoint runs inside the commit that pushes the WAL past 1,000 pages, and
//! a checkpoint ends with two `fsync`s. Writes run on the async worker (see [`super::pool`]), so
//! that commit would stop every request of the one-core box for as long as the disk takes to
//! sync — milliseconds on this machine, tens of them on a cheap VPS. Instead, the pool's
//! connections have automatic checkpoints turned off and tell this thread when they commit; it
//! waits a moment for more commits and then runs a PASSIVE checkpoint on a connection of its
//! own, which copies what no reader still needs and never waits for a lock. The thread runs at
//! the lowest priority: the checkpoints of an ingestion run's writes must not take the CPU from
//! browsing any more than the run itself does.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

/// How long after a commit the checkpoint waits, so that the commits of a busy second share one.
/// Each checkpoint that empties the WAL makes the next commit restart it, and restarting syncs the
/// WAL header on the committing task: at most one such sync a second.
const GATHER_COMMITS: Duration = Duration::from_secs(1);

/// The sending side, cloned into every pool connection's commit hook.
#[derive(Clone)]
pub struct CheckpointRequests(SyncSender<()>);

impl CheckpointRequests {
    /// Starts the checkpoint thread of the database at `path`; it ends when the pool and all its
    /// connections are gone.
    pub fn start(path: PathBuf) -> Self {
        let (sender, receiver) = sync_channel(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || {
                crate::background_priority::lower_current_thread("sqlite-checkpoint");
                checkpoint_on_request(&path, &receiver);
            })
            .expect("spawning the SQLite checkpoint thread");
        Self(sender)
    }

    /// Turns off SQLite's own checkpoints on `connection` and has its commits ask this thread.
    pub fn attach(&self, connection: &rusqlite::Connection) -> rusqlite::Result<()> {
        connection.pragma_update(None, "wal_autocheckpoint", 0)?;
        let sender = self.0.clone();
        connection.commit_hook(Some(move || {
            // A request already waiting covers this commit too.
            let _ = sender.try_send(());
            false
        }));
        Ok(())
    }
}

fn checkpoint_on_request(path: &Path, requests: &Receiver<()>) {
    let mut connection = None;
    while requests.recv().is_ok() {
        std::thread::sleep(GATHER_COMMITS);
        while requests.try_recv().is_ok() {}
        if connection.is_none() {
            connection = rusqlite::Connection::open(path).ok();
        }
        let Some(open) = &connection else { continue };
        if let Err(error) = open.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(path = %path.display(), %error, "WAL checkpoint failed");
            connection = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ConnectionPool;
    use std::time::{Duration, Instant};

    fn file_size(path: &std::path::Path) -> u64 {
        std::fs::metadata(path).map_or(0, |metadata| metadata.len())
    }

    #[test]
    fn commits_past_the_automatic_threshold_are_checkpointed_by_the_thread_not_by_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let wal = dir.path().join("db.sqlite-wal");
        let pool = ConnectionPool::new(path.clone());
        let connection = pool.take().unwrap();
        let automatic: i64 = connection.query_row("PRAGMA wal_autocheckpoint", [], |row| row.get(0)).unwrap();
        assert_eq!(automatic, 0, "the commit itself never checkpoints");

        // About 2,500 pages (10 MB) in 50 commits: SQLite alone would have checkpointed inside
        // two of them and started the WAL over, so it would not have grown past 1,000 pages.
        connection.execute_batch("CREATE TABLE t (v BLOB)").unwrap();
        for _ in 0..50 {
            connection.execute("INSERT INTO t VALUES (zeroblob(200000))", []).unwrap();
        }
        pool.give_back(connection);
        assert!(file_size(&wal) > 9_000_000, "all commits are in the WAL: {} bytes", file_size(&wal));

        // The database file holds the rows once the thread has checkpointed.
        let deadline = Instant::now() + Duration::from_secs(10);
        while file_size(&path) < 10_000_000 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(file_size(&path) >= 10_000_000, "checkpointed into the database: {} bytes", file_size(&path));
    }
}
