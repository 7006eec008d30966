//! A fresh install has no accounts, and none can be made from the browser: there are no built-in
//! passwords, and the first admin is created with `scripts/admin` on the server. Until one
//! exists, the login page says so, instead of answering every attempt with "Invalid credentials".

use spin_sdk::sqlite::Connection;

/// Whether the database holds no user at all (false when it cannot tell: no hint beats a wrong one).
pub fn no_accounts_yet(db: &Connection) -> bool {
    let Ok(result) = db.execute("SELECT EXISTS (SELECT 1 FROM users) AS any_user", &[]) else { return false };
    result.rows().next().and_then(|row| row.get::<i64>("any_user")) == Some(0)
}
