//! `GET/PUT /api/admin/keepa-query`: admin-only, validated JSON, stored in `app_config`, and
//! used by the next ingest run's `/deal` calls.

use integration_tests::mock_keepa::{IngestApp, MockKeepa, MockKeepaOptions, start_with_shared_cache};
use integration_tests::{HttpClient, RuntimeProcess, RuntimeProcessBuilder};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const PATH: &str = "/api/admin/keepa-query";

/// A client with a live session of a new `role` user (rows written as the accounts crate does).
fn signed_in(app: &RuntimeProcess, role: &str) -> HttpClient {
    let db = app.database();
    let now = integration_tests::mock_keepa::unix_now();
    db.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES (?, 'unused', ?, ?)", rusqlite::params![role, role, now]).unwrap();
    let user_id = db.last_insert_rowid();
    let token = format!("test-session-token-of-the-{role}-0123456789abcdef");
    let token_hash: String = Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, 'csrf-token', ?, ?)",
        rusqlite::params![token_hash, user_id, now, now],
    )
    .unwrap();
    app.client().with_header("cookie", &format!("aa_session={token}")).with_header("x-csrf-token", "csrf-token")
}

fn put(client: &HttpClient, body: &str) -> integration_tests::Reply {
    client.request("PUT", PATH, Some(body.as_bytes()), &[("content-type", "application/json")])
}

#[test]
fn only_admins_read_or_replace_the_keepa_query() {
    let state_dir = TempDir::new().unwrap();
    let app = start_with_shared_cache(|| RuntimeProcessBuilder::new("spin.toml"), state_dir.path());
    assert_eq!(app.client().get(PATH).status, 401);
    assert_eq!(put(&app.client(), "{}").status, 401);
    let user = signed_in(&app, "user");
    assert_eq!(user.get(PATH).status, 403);
    let admin = signed_in(&app, "admin");
    assert_eq!(admin.get(PATH).status, 200);
    let without_csrf = app.client().with_header("cookie", "aa_session=test-session-token-of-the-admin-0123456789abcdef");
    assert_eq!(put(&without_csrf, r#"{"priceTypes": [2]}"#).status, 403);
}

#[test]
fn the_query_is_validated_stored_and_used_by_the_next_run() {
    let keepa = MockKeepa::start(MockKeepaOptions { books: 10, ..MockKeepaOptions::default() });
    let state_dir = TempDir::new().unwrap();
    let app = start_with_shared_cache(|| RuntimeProcessBuilder::new("spin.toml"), state_dir.path());
    let admin = signed_in(&app, "admin");

    let default = admin.get(PATH);
    assert_eq!(default.status, 200);
    let default = default.json();
    assert_eq!(default["is_default"], true);
    assert_eq!(default["query"]["priceTypes"], json!([2]));
    assert_eq!(default["query"]["includeCategories"], json!([283155]));

    for (body, mentions) in [
        ("not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ("{}", "empty"),
        (r#"{"priceTypes": [2, 3]}"#, "priceTypes"),
        (r#"{"priceTypes": [99]}"#, "priceTypes"),
        (r#"{"currentRange": [5000, 100]}"#, "currentRange"),
        (r#"{"salesRankRange": [1, "x"]}"#, "salesRankRange"),
        (r#"{"includeCategories": [-3]}"#, "includeCategories"),
        (r#"{"isLowest": "yes"}"#, "isLowest"),
        (r#"{"dateRange": 9}"#, "dateRange"),
    ] {
        let reply = put(&admin, body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        let error = reply.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(mentions), "{body}: {error}");
    }
    let stored: Option<String> = app.database().query_row("SELECT value FROM app_config WHERE key = 'keepa_deal_query'", [], |row| row.get(0)).ok();
    assert_eq!(stored, None, "invalid queries are not stored");

    let mut query = default["query"].clone();
    query["currentRange"] = json!([1500, 30000]);
    query["page"] = json!(7);
    query["someFutureKeepaField"] = json!("kept");
    let reply = put(&admin, &query.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let saved = admin.get(PATH).json();
    assert_eq!(saved["is_default"], false);
    assert_eq!(saved["query"]["currentRange"], json!([1500, 30000]));
    assert_eq!(saved["query"]["someFutureKeepaField"], "kept");
    assert_eq!(saved["query"].get("page"), None, "the page belongs to the ingest checkpoint");
    let stored: String = app.database().query_row("SELECT value FROM app_config WHERE key = 'keepa_deal_query'", [], |row| row.get(0)).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&stored).unwrap(), saved["query"]);
    app.stop();

    let (_app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let deal_request = keepa.requests().into_iter().find(|request| request.starts_with("/deal?")).expect("a /deal call");
    let selection: Value = form_urlencoded::parse(deal_request.split_once('?').unwrap().1.as_bytes())
        .find(|(key, _)| key == "selection")
        .map(|(_, value)| serde_json::from_str(&value).unwrap())
        .unwrap();
    assert_eq!(selection["currentRange"], json!([1500, 30000]));
    assert_eq!(selection["page"], 0);
}
