//! Write transactions. `BEGIN IMMEDIATE` takes the write lock at the start, so two writers
//! never both read and then fail to upgrade (the `SQLITE_BUSY` a deferred `BEGIN` invites): the
//! second waits at its `BEGIN` until the first has committed.

use spin_sdk::sqlite::{Connection, Error};

/// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`. Any error — from `work` or from the commit
/// itself — rolls everything back, so a failed or killed batch leaves nothing half-written.
pub fn transaction<T, E: From<Error>>(db: &Connection, work: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
    db.execute("BEGIN IMMEDIATE", &[])?;
    let outcome = work(db).and_then(|value| db.execute("COMMIT", &[]).map(|_| value).map_err(E::from));
    if outcome.is_err() {
        // A failed COMMIT leaves the transaction open; nothing more can be done if this fails
        // too (the runtime rolls back a connection that goes back to its pool mid-transaction).
        let _ = db.execute("ROLLBACK", &[]);
    }
    outcome
}
