//! Shared by the accounts, deals and settings tests: the app with users created through the
//! real admin CLI, signed-in clients that carry the session cookie and CSRF token, and deal
//! fixtures written straight into the state directory's database.

#![allow(dead_code)] // each test binary uses a different part

pub mod terminal;

use std::io::Write;
use std::process::{Command, Stdio};

use deals_bench::FixtureDeal;
use integration_tests::{HttpClient, Reply, RuntimeProcess, RuntimeProcessBuilder, release_dir};

pub const PASSWORD: &str = "a-long-test-password";

/// The app of spin.toml on a fresh state directory.
pub fn start() -> RuntimeProcess {
    RuntimeProcessBuilder::new("spin.toml").start()
}

/// Runs the admin CLI with `args` on the app's state directory, `stdin` (a password) as its
/// input; returns (success, stdout and stderr).
pub fn admin(app: &RuntimeProcess, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(release_dir().join("admin"))
        .args(args)
        .arg("--state-dir")
        .arg(&app.state_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the admin CLI is built (scripts/build)");
    // The CLI may refuse the name and exit before reading the password: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(format!("{stdin}\n").as_bytes());
    let output = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Runs `admin user add NAME --role ROLE` with `password` on stdin; returns (success, output).
pub fn admin_add(app: &RuntimeProcess, name: &str, role: &str, password: &str) -> (bool, String) {
    admin(app, &["user", "add", name, "--role", role], password)
}

/// The output of `admin user list`.
pub fn admin_list(app: &RuntimeProcess) -> String {
    let (ok, output) = admin(app, &["user", "list"], "");
    assert!(ok, "{output}");
    output
}

/// Creates a user with [`PASSWORD`].
pub fn add_user(app: &RuntimeProcess, name: &str, role: &str) {
    let (ok, output) = admin_add(app, name, role, PASSWORD);
    assert!(ok, "admin user add failed: {output}");
}

/// A signed-in API client: the session cookie on every request, the CSRF token at hand.
pub struct Session {
    pub client: HttpClient,
    pub csrf: String,
    pub cookie: String,
}

impl Session {
    pub fn get(&self, path: &str) -> Reply {
        self.client.get(path)
    }

    /// A JSON POST with the CSRF header.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.client.request("POST", path, Some(body.to_string().as_bytes()), &[
            ("content-type", "application/json"),
            ("x-csrf-token", &self.csrf),
        ])
    }

    /// A JSON PUT with the CSRF header.
    pub fn put_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.client.request("PUT", path, Some(body.to_string().as_bytes()), &[
            ("content-type", "application/json"),
            ("x-csrf-token", &self.csrf),
        ])
    }

    /// A DELETE with the CSRF header.
    pub fn delete(&self, path: &str) -> Reply {
        self.client.request("DELETE", path, None, &[("x-csrf-token", &self.csrf)])
    }

    /// A DELETE without the CSRF header, as a forged cross-site request would be.
    pub fn delete_without_csrf(&self, path: &str) -> Reply {
        self.client.request("DELETE", path, None, &[])
    }
}

/// The `name=value` of the `Set-Cookie` of a reply.
pub fn session_cookie(reply: &Reply) -> String {
    let set_cookie = reply.header("set-cookie").unwrap_or_else(|| panic!("no Set-Cookie: {reply:?}"));
    set_cookie.split(';').next().unwrap().to_string()
}

/// Signs `name` in through `POST /login` (JSON).
pub fn login(app: &RuntimeProcess, name: &str) -> Session {
    let reply = app.client().post_json("/login", &serde_json::json!({ "username": name, "password": PASSWORD }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = session_cookie(&reply);
    Session { client: app.client().with_header("cookie", &cookie), csrf: reply.json()["csrf_token"].as_str().unwrap().to_string(), cookie }
}

/// Writes deals into the app's database (migrations ran at start).
pub fn insert_deals(app: &RuntimeProcess, deals: &[FixtureDeal]) {
    deals_bench::insert(&mut app.database(), deals).expect("insert fixture deals");
}

/// A request that does not follow redirects (the harness client does), to see a 303 itself.
pub fn request_no_redirect(base: &str, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    let mut builder = ureq::http::Request::builder().method(method).uri(format!("{base}{path}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut response = agent.run(builder.body(body.as_bytes().to_vec()).unwrap()).expect("request sent");
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_string()))
        .collect();
    Reply { status: response.status().as_u16(), headers, body: response.body_mut().read_to_string().unwrap_or_default() }
}

/// A form POST without following the redirect, with the session cookie when given.
pub fn post_form(app: &RuntimeProcess, path: &str, form: &str, cookie: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    request_no_redirect(&app.base_url, "POST", path, form, &headers)
}
