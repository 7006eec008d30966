//! What the web tests share: the two accounts, created straight in the app's database (the
//! admin CLI writes the same rows).

use integration_tests::RuntimeProcess;

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
