//! The product manifest's health endpoints and the `/api/...` fallback, through the runtime.

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
