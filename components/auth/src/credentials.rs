//! The username and password of a login, from a form or a JSON body, and the stored account
//! they are checked against.

use serde::Deserialize;
use spin_sdk::sqlite::{Connection, Value};

use accounts::Role;

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// The credentials in a form (`username`, `password`) or JSON body; the message names what is missing.
pub fn parse(body: &[u8], is_form: bool) -> Result<Credentials, String> {
    if is_form {
        let field = |name: &str| accounts::csrf::form_field(body, name).ok_or(format!("missing form field `{name}`"));
        return Ok(Credentials { username: field("username")?, password: field("password")? });
    }
    serde_json::from_slice(body).map_err(|e| format!("body must be JSON {{\"username\", \"password\"}}: {e}"))
}

/// A stored account.
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// The account called `username` (case-insensitive), if any.
pub fn find_account(db: &Connection, username: &str) -> Result<Option<Account>, String> {
    let result = db
        .execute("SELECT id, username, role, password_hash FROM users WHERE username = ?", &[Value::Text(username.to_string())])
        .map_err(|e| format!("cannot read users: {e}"))?;
    Ok(result.rows.first().and_then(|row| {
        Some(Account {
            id: row.get::<i64>(0)?,
            name: row.get::<&str>(1)?.to_string(),
            role: Role::parse(row.get::<&str>(2)?)?,
            password_hash: row.get::<&str>(3)?.to_string(),
        })
    }))
}
