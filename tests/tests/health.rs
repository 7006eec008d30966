//! The product manifest's health endpoints and the `/api/...` fallback, through the runtime.

use serde_json::json;
use integration_tests::RuntimeProcessBuilder;

fn latest_migration_version() -> i64 {
    std::fs::read_dir(integration_tests::repo_root().join("migrations"))
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.split('_').next()?.parse::<i64>().ok()
        })
        .max()
        .unwrap()
}

#[test]
fn health_reports_database_and_migration_version() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    let client = app.client();
    let live = client.get("/api/health/live");
    assert_eq!(live.status, 200);
    assert_eq!(live.json()["status"], "ok");
    let health = client.get("/api/health");
    assert_eq!(health.status, 200);
    let body = health.json();
    assert_eq!(body["database"]["ok"], true, "{body}");
    assert_eq!(body["database"]["migration_version"], latest_migration_version(), "{body}");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn unknown_api_paths_get_a_json_404() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    for path in ["/api/nope", "/api/health/nope", "/api"] {
        let reply = app.client().get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.json()["error"].as_str().unwrap().contains("no API endpoint"), "{path}");
    }
}

#[test]
fn health_raises_alerts_for_a_stalled_feed_and_a_spent_ai_budget() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    let healthy = app.client().get("/api/health").json();
    assert_eq!(healthy["status"], "ok", "{healthy}");
    assert_eq!(healthy["alerts"], serde_json::json!([]));

    let db = app.database();
    let an_hour_ago = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 - 3600;
    db.execute(
        "INSERT INTO system_state (key, value, updated_at) VALUES ('ingest.last_healthy_at', ?1, ?1)",
        [an_hour_ago],
    )
    .unwrap();
    db.execute("INSERT INTO ai_usage (day, feature, calls) VALUES (date('now'), 'advice', 850)", []).unwrap();
    let body = app.client().get("/api/health").json();
    assert_eq!(body["status"], "degraded", "{body}");
    assert_eq!(body["alerts"], serde_json::json!(["ingestion_stalled", "ai_budget_warning"]), "{body}");
    assert_eq!(body["ingestion"]["stalled"], true);
    let lag = body["ingestion"]["lag_secs"].as_i64().unwrap();
    assert!((3600..3700).contains(&lag), "{lag}");
}

#[test]
fn health_raises_an_alert_while_the_ai_provider_fails_and_has_not_answered_since() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    let db = app.database();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let ai = || app.client().get("/api/health").json();
    assert_eq!((ai()["ai"]["provider_failing"].clone(), ai()["ai"]["last_failure_at"].clone()), (json!(false), json!(null)));

    db.execute("INSERT INTO ai_last_failure (id, at, feature, reason) VALUES (1, ?1, 'chat', 'the LLM provider refused the request (401): bad key')", [now - 60]).unwrap();
    let failing = ai();
    assert_eq!(failing["alerts"], json!(["ai_provider_failing"]), "{failing}");
    assert_eq!((failing["ai"]["provider_failing"].clone(), failing["ai"]["last_failure_at"].clone()), (json!(true), json!(now - 60)));
    assert!(!failing.to_string().contains("bad key"), "the reason stays on the admin page: {failing}");

    db.execute("INSERT INTO ai_usage (day, feature, calls, last_answer_at) VALUES (date('now'), 'advice', 1, ?1)", [now - 10]).unwrap();
    let answered = ai();
    assert_eq!((answered["alerts"].clone(), answered["ai"]["last_answer_at"].clone()), (json!([]), json!(now - 10)), "answered since: {answered}");

    db.execute("UPDATE ai_last_failure SET at = ?1", [now - 5]).unwrap();
    assert_eq!(ai()["alerts"], json!(["ai_provider_failing"]), "failed again after that answer");
    db.execute("UPDATE ai_last_failure SET at = ?1", [now - 7200]).unwrap();
    db.execute("UPDATE ai_usage SET last_answer_at = NULL", []).unwrap();
    assert_eq!(ai()["alerts"], json!([]), "a failure two hours old with nothing asked since is no alert");
}
