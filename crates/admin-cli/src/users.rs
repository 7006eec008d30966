//! The `admin user …` commands on the `users` table and what hangs off it. Every change that
//! reads before it writes runs in an immediate transaction, so a change made by the app or by a
//! second `admin` meanwhile cannot slip in between (e.g. two admins demoting each other).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use domain::role::Role;
use crate::password_input::read_password;

/// The migrated database in `state_dir`, with foreign keys enforced (not left to the SQLite
/// build's default) so that removing a user removes what the schema declares `ON DELETE CASCADE`.
pub fn open(state_dir: &Path) -> Result<Connection> {
    let path = state_dir.join("sqlite_db.db");
    if !path.exists() {
        bail!("no database at {} (run `runtime migrate --state-dir {}` first)", path.display(), state_dir.display());
    }
    let db = Connection::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    db.busy_timeout(Duration::from_secs(10))?;
    db.pragma_update(None, "foreign_keys", true)?;
    let migrated: bool =
        db.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'users')", [], |row| row.get(0))?;
    if !migrated {
        bail!("{} has no users table (run `runtime migrate --state-dir {}` first)", path.display(), state_dir.display());
    }
    Ok(db)
}

pub fn add(db: &Connection, name: &str, role: Role) -> Result<()> {
    check_name(name)?;
    let hash = passwords::hash(&read_password()?).map_err(anyhow::Error::msg)?;
    let created = db.execute(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (username) DO NOTHING",
        params![name, hash, role.as_str(), now()],
    )?;
    if created == 0 {
        bail!("user `{name}` already exists (use `admin user set-password {name}`)");
    }
    println!("created {} `{name}`", role.as_str());
    Ok(())
}

pub fn set_password(db: &Connection, name: &str) -> Result<()> {
    let (id, _) = find(db, name)?;
    let hash = passwords::hash(&read_password()?).map_err(anyhow::Error::msg)?;
    db.execute("UPDATE users SET password_hash = ?1 WHERE id = ?2", params![hash, id])?;
    let ended = db.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    println!("password of `{name}` replaced; {ended} session(s) ended");
    Ok(())
}

/// Sessions read the role on every request, so the change needs no new sign-in.
pub fn set_role(db: &mut Connection, name: &str, role: Role) -> Result<()> {
    let transaction = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (id, current) = find(&transaction, name)?;
    if current == role.as_str() {
        println!("`{name}` is already {}", article(role));
        return Ok(());
    }
    if current == Role::Admin.as_str() {
        refuse_only_admin(&transaction, name, "demoted")?;
    }
    transaction.execute("UPDATE users SET role = ?1 WHERE id = ?2", params![role.as_str(), id])?;
    transaction.commit()?;
    println!("`{name}` is now {}", article(role));
    Ok(())
}

/// Deletes the user, their sessions, settings and chats (by the schema's cascades) and their
/// per-user AI counts, which carry no foreign key: a later user given the same id must not
/// inherit today's count against the per-user cap. Learn jobs and approved knowledge stay; they
/// belong to the app.
pub fn remove(db: &mut Connection, name: &str) -> Result<()> {
    let transaction = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (id, role) = find(&transaction, name)?;
    if role == Role::Admin.as_str() {
        refuse_only_admin(&transaction, name, "removed")?;
    }
    let count = |sql: &str| transaction.query_row(sql, [id], |row| row.get::<_, i64>(0));
    let sessions = count("SELECT COUNT(*) FROM sessions WHERE user_id = ?1")?;
    let conversations = count("SELECT COUNT(*) FROM chat_conversations WHERE user_id = ?1")?;
    transaction.execute("DELETE FROM ai_user_usage WHERE user_id = ?1", [id])?;
    transaction.execute("DELETE FROM users WHERE id = ?1", [id])?;
    transaction.commit()?;
    println!("removed {role} `{name}`; {sessions} session(s) ended, {conversations} chat conversation(s) deleted");
    Ok(())
}

pub fn list(db: &Connection) -> Result<()> {
    let mut statement = db.prepare("SELECT username, role, date(created_at, 'unixepoch') FROM users ORDER BY username")?;
    let users = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?;
    for user in users {
        let (name, role, created) = user?;
        println!("{name}\t{role}\tcreated {created}");
    }
    Ok(())
}

/// The id and role of `name` (user names are case-insensitive).
fn find(db: &Connection, name: &str) -> Result<(i64, String)> {
    db.query_row("SELECT id, role FROM users WHERE username = ?1", [name], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .with_context(|| format!("no user `{name}`"))
}

/// Refuses to leave the app without an admin: nobody could then reach the admin pages.
fn refuse_only_admin(db: &Connection, name: &str, change: &str) -> Result<()> {
    let admins: i64 = db.query_row("SELECT COUNT(*) FROM users WHERE role = 'admin'", [], |row| row.get(0))?;
    if admins <= 1 {
        bail!("`{name}` is the only admin and cannot be {change}; make another admin first");
    }
    Ok(())
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Admin => "an admin",
        Role::User => "a user",
    }
}

/// Letters, digits and `_.@-`, 1–64 characters: safe in logs, URLs and the dashboard.
fn check_name(name: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.@-".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        bail!("user names are 1-64 letters, digits or _ . @ -");
    }
    Ok(())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64)
}
