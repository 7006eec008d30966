//! Accounts through the runtime: the admin CLI, login (JSON and form), cookies, origin and CSRF
//! checks, session expiry, logout, login throttling, and who may call which route.

mod accounts_support;

use accounts_support::*;
use deals_bench::FixtureDeal;
use integration_tests::Reply;
use serde_json::json;

const ASIN: &str = "0000000001";

fn form_login(app: &integration_tests::RuntimeProcess, name: &str, password: &str) -> Reply {
    post_form(app, "/login", &format!("username={name}&password={password}"), None)
}

#[test]
fn every_route_answers_anonymous_users_and_admins_as_it_should() {
    let app = start();
    add_user(&app, "ann", "user");
    add_user(&app, "root", "admin");
    insert_deals(&app, &[FixtureDeal::new(ASIN)]);
    app.database()
        .execute(
            "INSERT INTO price_history (asin, history_json, updated_at) VALUES (?1, ?2, 1)",
            [ASIN, &serde_json::to_string(&domain::history::ChartHistory::default()).unwrap()],
        )
        .unwrap();
    let anonymous = app.client();
    let (user, admin) = (login(&app, "ann"), login(&app, "root"));
    let reads = [
        "/api/deals".to_string(),
        format!("/api/deals/{ASIN}"),
        format!("/api/deals/{ASIN}/history"),
        "/api/deal-count".to_string(),
        "/api/settings".to_string(),
    ];
    for path in &reads {
        let reply = anonymous.get(path);
        assert_eq!(reply.status, 401, "{path}: {}", reply.body);
        assert!(reply.json()["error"].is_string(), "{path}");
        for session in [&user, &admin] {
            let reply = session.get(path);
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        }
    }
    // The CSV is a download link on a page: a browser without a session goes to the login page.
    let csv = request_no_redirect(&app.base_url, "GET", "/download/deals.csv", "", &[]);
    assert_eq!((csv.status, csv.header("location")), (303, Some("/")));
    for session in [&user, &admin] {
        assert_eq!(session.get("/download/deals.csv").status, 200);
    }
    let settings_change = json!({ "markup_pct": 12 });
    assert_eq!(anonymous.post_json("/api/settings", &settings_change).status, 401);
    for session in [&user, &admin] {
        assert_eq!(session.post_json("/api/settings", &settings_change).status, 200);
    }
    assert_eq!(anonymous.get("/api/health").status, 200, "health stays public");
}

#[test]
fn json_login_returns_the_csrf_token_and_a_locked_down_cookie() {
    let app = start();
    add_user(&app, "ann", "admin");
    let reply = app.client().post_json("/login", &json!({ "username": "ann", "password": PASSWORD }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["user"], json!({ "name": "ann", "role": "admin" }));
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 43);
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not get a Secure cookie: {cookie}");
    // Only the token's hash is stored.
    let token = session_cookie(&reply).split_once('=').unwrap().1.to_string();
    let stored: String = app.database().query_row("SELECT token_hash FROM sessions", [], |row| row.get(0)).unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64);
}

#[test]
fn form_login_redirects_and_failures_say_nothing_about_which_part_was_wrong() {
    let app = start();
    add_user(&app, "ann", "user");
    let ok = form_login(&app, "ann", PASSWORD);
    assert_eq!((ok.status, ok.header("location")), (303, Some("/dashboard")));
    assert!(ok.header("set-cookie").unwrap().starts_with("aa_session="));
    let wrong = form_login(&app, "ann", "wrong-password");
    assert_eq!((wrong.status, wrong.header("location")), (303, Some("/?error=invalid_credentials")));
    assert!(wrong.header("set-cookie").is_none());
    let wrong_password = app.client().post_json("/login", &json!({ "username": "ann", "password": "nope-nope" }));
    let unknown_user = app.client().post_json("/login", &json!({ "username": "bob", "password": PASSWORD }));
    assert_eq!((wrong_password.status, unknown_user.status), (401, 401));
    assert_eq!(wrong_password.body, unknown_user.body);
    let malformed = app.client().post_json("/login", &json!({ "user": "ann" }));
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert_eq!(request_no_redirect(&app.base_url, "GET", "/login", "", &[]).status, 303);
}

#[test]
fn login_and_logout_refuse_a_foreign_origin() {
    let app = start();
    add_user(&app, "ann", "user");
    let body = json!({ "username": "ann", "password": PASSWORD }).to_string();
    let from = |origin: &str| {
        app.client().request("POST", "/login", Some(body.as_bytes()), &[("content-type", "application/json"), ("origin", origin)])
    };
    assert_eq!(from("https://evil.example").status, 403);
    assert_eq!(from(&app.base_url).status, 200, "the app's own origin is fine");
    let session = login(&app, "ann");
    let logout = session.client.request("POST", "/logout", None, &[("origin", "https://evil.example")]);
    assert_eq!(logout.status, 403);
    assert_eq!(session.get("/api/settings").status, 200, "the session survived");
}

#[test]
fn state_changing_requests_need_the_sessions_csrf_token() {
    let app = start();
    add_user(&app, "ann", "user");
    add_user(&app, "bob", "user");
    let (ann, bob) = (login(&app, "ann"), login(&app, "bob"));
    let change = json!({ "prep_fee": 1.5 }).to_string();
    let post = |token: Option<&str>| {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(token) = token {
            headers.push(("x-csrf-token", token));
        }
        ann.client.request("POST", "/api/settings", Some(change.as_bytes()), &headers)
    };
    assert_eq!(post(None).status, 403);
    assert_eq!(post(Some("wrong")).status, 403);
    assert_eq!(post(Some(&bob.csrf)).status, 403, "another session's token");
    assert_eq!(app.database().query_row("SELECT COUNT(*) FROM user_settings", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    assert_eq!(post(Some(&ann.csrf)).status, 200);
    // An HTML form sends the token as a field.
    let form = |token: &str| {
        let fields = format!("prep_fee=2&inbound_shipping=3&sales_tax_pct=5&markup_pct=10&csrf_token={token}");
        post_form(&app, "/api/settings", &fields, Some(&ann.cookie))
    };
    assert_eq!(form("wrong").status, 403);
    let saved = form(&ann.csrf);
    assert_eq!((saved.status, saved.header("location")), (303, Some("/settings")));
}

#[test]
fn sessions_expire_after_a_week_idle_or_a_month_in_all() {
    let app = start();
    add_user(&app, "ann", "user");
    let idle = login(&app, "ann");
    let old = login(&app, "ann");
    let db = app.database();
    let hash = |session: &Session| sha256_hex(session.cookie.split_once('=').unwrap().1);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let day = 24 * 3600;
    db.execute("UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2", rusqlite_params(now - 7 * day - 60, &hash(&idle)))
        .unwrap();
    db.execute("UPDATE sessions SET created_at = ?1 WHERE token_hash = ?2", rusqlite_params(now - 30 * day - 60, &hash(&old)))
        .unwrap();
    assert_eq!(idle.get("/api/settings").status, 401);
    assert_eq!(old.get("/api/settings").status, 401);
    let remaining: i64 = db.query_row("SELECT COUNT(*) FROM sessions", [], |row| row.get(0)).unwrap();
    assert_eq!(remaining, 0, "expired sessions are deleted when seen");
    // Six days idle is still fine.
    let fresh = login(&app, "ann");
    db.execute("UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2", rusqlite_params(now - 6 * day, &hash(&fresh)))
        .unwrap();
    assert_eq!(fresh.get("/api/settings").status, 200);
}

fn rusqlite_params(value: i64, hash: &str) -> (i64, String) {
    (value, hash.to_string())
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn logout_ends_the_session() {
    let app = start();
    add_user(&app, "ann", "user");
    let session = login(&app, "ann");
    let reply = session.client.request("POST", "/logout", None, &[("content-type", "application/json")]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(session.get("/api/settings").status, 401);
    let form = post_form(&app, "/logout", "", None);
    assert_eq!((form.status, form.header("location")), (303, Some("/")));
}

#[test]
fn repeated_failed_logins_are_slowed_down() {
    let app = start();
    add_user(&app, "ann", "user");
    add_user(&app, "bob", "user");
    for attempt in 1..=5 {
        let reply = app.client().post_json("/login", &json!({ "username": "ann", "password": format!("wrong-{attempt}") }));
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.body);
    }
    let locked = app.client().post_json("/login", &json!({ "username": "ANN", "password": PASSWORD }));
    assert_eq!(locked.status, 429, "even the right password waits: {}", locked.body);
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let form = form_login(&app, "ann", PASSWORD);
    assert_eq!(form.header("location"), Some("/?error=too_many_attempts"));
    // Another user from the same address is not locked out by ann's failures.
    login(&app, "bob");
}

#[test]
fn the_admin_cli_lists_users_and_refuses_short_passwords_duplicates_and_odd_names() {
    let app = start();
    assert_eq!(admin_list(&app), "", "no built-in accounts");
    assert!(!admin_add(&app, "ann", "user", "short").0);
    assert!(admin_add(&app, "ann", "user", PASSWORD).0);
    let (ok, output) = admin_add(&app, "ANN", "admin", PASSWORD);
    assert!(!ok && output.contains("already exists"), "{output}");
    assert!(!admin_add(&app, "ann smith", "user", PASSWORD).0);
    assert!(!admin_add(&app, "eve", "root", PASSWORD).0);
    let users: i64 = app.database().query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0)).unwrap();
    assert_eq!(users, 1);
    assert!(admin_add(&app, "abe", "admin", PASSWORD).0);
    let today: String = app.database().query_row("SELECT date('now')", [], |row| row.get(0)).unwrap();
    assert_eq!(admin_list(&app), format!("abe\tadmin\tcreated {today}\nann\tuser\tcreated {today}\n"));
}

#[test]
fn at_a_terminal_the_admin_cli_asks_for_the_password_twice_without_echo() {
    let app = start();
    let (ok, shown) = terminal::admin_add_at_terminal(&app, "tom", "admin", [PASSWORD, "another-long-password"]);
    assert!(!ok && shown.contains("the two passwords differ"), "{shown}");
    let (ok, shown) = terminal::admin_add_at_terminal(&app, "tim", "admin", [PASSWORD, PASSWORD]);
    assert!(ok && shown.contains("created admin `tim`"), "{shown}");
    assert!(!shown.contains(PASSWORD), "the password was echoed: {shown}");
    let users: Vec<String> = app.database().prepare("SELECT username FROM users").unwrap().query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(users, ["tim"]);
    login(&app, "tim");
}

#[test]
fn the_admin_cli_changes_roles_and_removes_users_with_what_is_theirs() {
    let app = start();
    add_user(&app, "ann", "admin");
    let (ok, output) = admin(&app, &["user", "add", "bob"], PASSWORD);
    assert!(ok && output.contains("created user `bob`"), "a plain user unless --role says otherwise: {output}");

    let bob = login(&app, "bob");
    assert_eq!(bob.get("/api/strategies").status, 403);
    let (ok, output) = admin(&app, &["user", "set-role", "bob", "--role", "Admin"], "");
    assert!(!ok && output.contains("`Admin` is not a role (admin or user)"), "{output}");
    let (ok, output) = admin(&app, &["user", "set-role", "BOB", "--role", "admin"], "");
    assert!(ok && output.contains("is now an admin"), "{output}");
    assert_eq!(bob.get("/api/strategies").status, 200, "the same session, the new role");

    let (ok, output) = admin(&app, &["user", "set-role", "ann", "--role", "user"], "");
    assert!(ok, "{output}");
    for change in [["user", "remove", "bob"].as_slice(), &["user", "set-role", "bob", "--role", "user"]] {
        let (ok, output) = admin(&app, change, "");
        assert!(!ok && output.contains("only admin"), "{change:?}: {output}");
    }
    assert_eq!(bob.get("/api/strategies").status, 200, "the refused changes changed nothing");

    let ann = login(&app, "ann");
    assert_eq!(ann.post_json("/api/settings", &json!({ "prep_fee": 3 })).status, 200);
    let chat = ann.post_json("/api/mentor-chat", &json!({ "message": "Is 0000000001 worth it?", "mentor": "olyvia" }));
    assert_eq!(chat.status, 200, "{}", chat.body);
    let ann_id: i64 = app.database().query_row("SELECT id FROM users WHERE username = 'ann'", [], |row| row.get(0)).unwrap();
    app.database().execute("INSERT INTO ai_user_usage (day, user_id, calls) VALUES (date('now'), ?1, 7)", [ann_id]).unwrap();
    let belongs_to = |id: i64| -> i64 {
        app.database()
            .query_row(
                "SELECT (SELECT COUNT(*) FROM sessions WHERE user_id = ?1) + (SELECT COUNT(*) FROM user_settings WHERE user_id = ?1)
                      + (SELECT COUNT(*) FROM chat_conversations WHERE user_id = ?1) + (SELECT COUNT(*) FROM ai_user_usage WHERE user_id = ?1)
                      + (SELECT COUNT(*) FROM chat_messages m JOIN chat_conversations c ON c.id = m.conversation_id WHERE c.user_id = ?1)",
                [id],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert_eq!(belongs_to(ann_id), 6, "a session, settings, a conversation with the question and the offline reply, today's AI count");
    let orphan_messages = || -> i64 {
        app.database().query_row("SELECT COUNT(*) FROM chat_messages WHERE conversation_id NOT IN (SELECT id FROM chat_conversations)", [], |row| row.get(0)).unwrap()
    };

    let (ok, output) = admin(&app, &["user", "remove", "ann"], "");
    assert!(ok && output.contains("removed user `ann`; 1 session(s) ended, 1 chat conversation(s) deleted"), "{output}");
    assert_eq!((belongs_to(ann_id), orphan_messages()), (0, 0));
    assert_eq!(ann.get("/api/settings").status, 401);
    let again = app.client().post_json("/login", &json!({ "username": "ann", "password": PASSWORD }));
    assert_eq!(again.status, 401, "{}", again.body);
    let today: String = app.database().query_row("SELECT date('now')", [], |row| row.get(0)).unwrap();
    assert_eq!(admin_list(&app), format!("bob\tadmin\tcreated {today}\n"));
    assert_eq!(bob.get("/api/settings").status, 200, "bob keeps his session");
    let (ok, output) = admin(&app, &["user", "remove", "ann"], "");
    assert!(!ok && output.contains("no user `ann`"), "{output}");
}

const NEW_PASSWORD: &str = "another-long-password";

fn change_password(session: &Session, current: &str, new: &str) -> Reply {
    session.post_json("/api/account/password", &json!({ "current_password": current, "new_password": new }))
}

#[test]
fn users_change_their_own_password_and_their_other_devices_are_signed_out() {
    let app = start();
    add_user(&app, "ann", "user");
    add_user(&app, "bob", "user");
    let (laptop, phone, bob) = (login(&app, "ann"), login(&app, "ann"), login(&app, "bob"));
    let body = json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }).to_string();
    let without_csrf = laptop.client.request("POST", "/api/account/password", Some(body.as_bytes()), &[("content-type", "application/json")]);
    assert_eq!(without_csrf.status, 403, "{}", without_csrf.body);
    assert_eq!(app.client().post_json("/api/account/password", &json!({})).status, 401);

    let refusals = [
        (laptop.post_json("/api/account/password", &json!({ "new_password": NEW_PASSWORD })), 400, "current_password"),
        (change_password(&laptop, PASSWORD, "short"), 400, "at least 8 characters"),
        (change_password(&laptop, "not-the-password", NEW_PASSWORD), 403, "the current password is wrong"),
        (change_password(&laptop, PASSWORD, PASSWORD), 400, "the new password is the current one"),
    ];
    for (reply, status, message) in refusals {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert!(reply.json()["error"].as_str().unwrap().contains(message), "{}", reply.body);
    }
    assert_eq!(phone.get("/api/settings").status, 200, "refused changes end no session");
    login(&app, "ann");

    let changed = change_password(&laptop, PASSWORD, NEW_PASSWORD);
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.json(), json!({ "status": "password_changed", "other_sessions_ended": 2 }), "the phone and the check's login");
    assert_eq!(laptop.get("/api/settings").status, 200, "the device that changed it stays signed in");
    assert_eq!(phone.get("/api/settings").status, 401);
    assert_eq!(bob.get("/api/settings").status, 200, "other users keep their sessions");
    let old = app.client().post_json("/login", &json!({ "username": "ann", "password": PASSWORD }));
    assert_eq!(old.status, 401, "{}", old.body);
    let new = app.client().post_json("/login", &json!({ "username": "ann", "password": NEW_PASSWORD }));
    assert_eq!(new.status, 200, "{}", new.body);
}

#[test]
fn wrong_current_passwords_count_against_the_login_lock_out() {
    let app = start();
    add_user(&app, "ann", "user");
    let session = login(&app, "ann");
    for attempt in 1..=5 {
        let reply = change_password(&session, &format!("wrong-{attempt}"), NEW_PASSWORD);
        assert_eq!(reply.status, 403, "attempt {attempt}: {}", reply.body);
    }
    let locked = change_password(&session, PASSWORD, NEW_PASSWORD);
    assert_eq!(locked.status, 429, "even the right password waits: {}", locked.body);
    assert!(locked.header("retry-after").is_some_and(|seconds| seconds.parse::<i64>().is_ok_and(|s| (1..=30).contains(&s))));
    let login = app.client().post_json("/login", &json!({ "username": "ann", "password": PASSWORD }));
    assert_eq!(login.status, 429, "the same lock-out as failed logins: {}", login.body);
    assert_eq!(session.get("/api/settings").status, 200, "the session itself stays");
}
