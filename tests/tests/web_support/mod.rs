//! What the web tests share: accounts created straight in the app's database (the admin CLI
//! writes the same rows) and signing in through `POST /login`.

use integration_tests::{HttpClient, RuntimeProcess};

/// Name and password of a test account.
pub struct Account {
    pub name: &'static str,
    pub password: &'static str,
}

pub const ADMIN: Account = Account { name: "ada", password: "admin-password-1" };
pub const USER: Account = Account { name: "ulysses", password: "user-password-1" };

/// Creates the admin and the user accounts.
pub fn create_accounts(app: &RuntimeProcess) {
    let db = app.database();
    for (account, role) in [(&ADMIN, "admin"), (&USER, "user")] {
        let hash = passwords::hash(account.password).expect("hash a password");
        db.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, strftime('%s','now'))",
            (account.name, hash, role),
        )
        .expect("insert user");
    }
}

/// The `name=value` session cookie of a fresh sign-in of `account`.
pub fn session_cookie(app: &RuntimeProcess, account: &Account) -> String {
    let body = serde_json::json!({ "username": account.name, "password": account.password });
    let reply = app.client().post_json("/login", &body);
    assert_eq!(reply.status, 200, "login of {}: {}", account.name, reply.body);
    reply.header("set-cookie").expect("session cookie").split(';').next().unwrap().to_string()
}

/// A client carrying a session cookie of `account`.
pub fn signed_in(app: &RuntimeProcess, account: &Account) -> HttpClient {
    app.client().with_header("cookie", &session_cookie(app, account))
}
