//! `admin` — account administration straight on the app's SQLite database, so it works whether
//! the app is stopped, serving (SQLite's locking and a busy timeout), or not yet started on real
//! `spin up`. There are no built-in accounts: the first admin is created here.
//!
//! Passwords never come from arguments, which other users of the machine could read in the
//! process list: at a terminal they are typed twice without echo, otherwise (scripts, tests)
//! they are one line of stdin with the trailing newline stripped.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Parser)]
#[command(name = "admin", about = "Account administration for Agent Arbitrage")]
struct Cli {
    /// The app's state directory (its `sqlite_db.db` is the `default` database).
    #[arg(long, global = true, default_value = ".spin")]
    state_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is asked for at a terminal, else read from stdin.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// Replace a user's password (asked for, or read from stdin) and end all of their sessions.
    SetPassword { name: String },
    /// One line per user: name, role and the day it was created (UTC); nothing without users.
    List,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Admin,
    User,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let db = open(&cli.state_dir)?;
    match cli.command {
        Command::User(UserCommand::Add { name, role }) => {
            check_name(&name)?;
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
        }
        Command::User(UserCommand::SetPassword { name }) => {
            let id: i64 = db
                .query_row("SELECT id FROM users WHERE username = ?1", [&name], |row| row.get(0))
                .optional()?
                .with_context(|| format!("no user `{name}`"))?;
            let hash = passwords::hash(&read_password()?).map_err(anyhow::Error::msg)?;
            db.execute("UPDATE users SET password_hash = ?1 WHERE id = ?2", params![hash, id])?;
            let ended = db.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
            println!("password of `{name}` replaced; {ended} session(s) ended");
        }
        Command::User(UserCommand::List) => {
            let mut statement = db.prepare("SELECT username, role, date(created_at, 'unixepoch') FROM users ORDER BY username")?;
            let users = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?;
            for user in users {
                let (name, role, created) = user?;
                println!("{name}\t{role}\tcreated {created}");
            }
        }
    }
    Ok(())
}

/// The migrated database in `state_dir`.
fn open(state_dir: &std::path::Path) -> Result<Connection> {
    let path = state_dir.join("sqlite_db.db");
    if !path.exists() {
        bail!("no database at {} (run `runtime migrate --state-dir {}` first)", path.display(), state_dir.display());
    }
    let db = Connection::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    db.busy_timeout(Duration::from_secs(10))?;
    let migrated: bool =
        db.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'users')", [], |row| row.get(0))?;
    if !migrated {
        bail!("{} has no users table (run `runtime migrate --state-dir {}` first)", path.display(), state_dir.display());
    }
    Ok(db)
}

/// Letters, digits and `_.@-`, 1–64 characters: safe in logs, URLs and the dashboard.
fn check_name(name: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.@-".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        bail!("user names are 1-64 letters, digits or _ . @ -");
    }
    Ok(())
}

/// The new password, at least 8 characters: typed twice without echo at a terminal, else one
/// line of stdin without its line ending.
fn read_password() -> Result<String> {
    let password = if std::io::stdin().is_terminal() { prompt_twice()? } else { read_line()? };
    if password.chars().count() < passwords::MIN_PASSWORD_CHARS {
        bail!("the password must have at least {} characters", passwords::MIN_PASSWORD_CHARS);
    }
    if password.len() > passwords::MAX_PASSWORD_BYTES {
        bail!("the password must have at most {} bytes", passwords::MAX_PASSWORD_BYTES);
    }
    Ok(password)
}

fn prompt_twice() -> Result<String> {
    let prompt = format!("Password (at least {} characters): ", passwords::MIN_PASSWORD_CHARS);
    let password = rpassword::prompt_password(prompt).context("cannot read the password from the terminal")?;
    let again = rpassword::prompt_password("The same password again: ").context("cannot read the password from the terminal")?;
    if password != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(password)
}

fn read_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
    let password = line.strip_suffix('\n').map(|rest| rest.strip_suffix('\r').unwrap_or(rest)).unwrap_or(&line);
    Ok(password.to_string())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64)
}
