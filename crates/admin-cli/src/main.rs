//! `admin` — account administration straight on the app's SQLite database, so it works whether
//! the app is stopped, serving (SQLite's locking and a busy timeout), or not yet started on real
//! `spin up`. There are no built-in accounts: the first admin is created here.

mod password_input;
mod users;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use domain::role::Role;

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
        /// `admin` or `user`.
        #[arg(long, value_parser = role, default_value = "user")]
        role: Role,
    },
    /// Replace a user's password (asked for, or read from stdin) and end all of their sessions.
    SetPassword { name: String },
    /// Make a user an admin or a plain user; takes effect on their next request.
    SetRole {
        name: String,
        /// `admin` or `user`.
        #[arg(long, value_parser = role)]
        role: Role,
    },
    /// Delete a user with their sessions, settings, chats and AI counts (not the only admin).
    Remove { name: String },
    /// One line per user: name, role and the day it was created (UTC); nothing without users.
    List,
}

/// A `--role` value: `admin` or `user`.
fn role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("`{text}` is not a role (admin or user)"))
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut db = users::open(&cli.state_dir)?;
    match cli.command {
        Command::User(UserCommand::Add { name, role }) => users::add(&db, &name, role),
        Command::User(UserCommand::SetPassword { name }) => users::set_password(&db, &name),
        Command::User(UserCommand::SetRole { name, role }) => users::set_role(&mut db, &name, role),
        Command::User(UserCommand::Remove { name }) => users::remove(&mut db, &name),
        Command::User(UserCommand::List) => users::list(&db),
    }
}
