//! Operating the runtime: Prometheus metrics on their own address, online backup and offline restore.

use integration_tests::{RuntimeProcessBuilder, free_port, runtime_command};
use serde_json::json;

const MANIFEST: &str = "tests/conformance/spin.toml";

fn probe() -> RuntimeProcessBuilder {
    RuntimeProcessBuilder::new(MANIFEST).variable("required_one", "x")
}

#[test]
fn metrics_are_served_on_their_own_address() {
    let port = free_port();
    let app = probe().arg("--metrics-listen").arg(&format!("127.0.0.1:{port}")).start();
    for _ in 0..3 {
        assert_eq!(app.client().get("/routing/exact").status, 200);
    }
    assert_eq!(app.client().get("/ops/trap").status, 500);
    assert_eq!(app.client().get("/metrics").status, 200, "the app's own catch-all, not metrics");
    let metrics = integration_tests::HttpClient::new(&format!("http://127.0.0.1:{port}")).get("/metrics");
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    for expected in [
        r#"spin_runtime_http_requests_total{component="probe",route="/routing/exact",status="200"} 3"#,
        r#"spin_runtime_http_requests_total{component="probe",route="/ops/...",status="500"} 1"#,
        r#"spin_runtime_http_request_duration_seconds_count{component="probe",route="/routing/exact"} 3"#,
        "spin_runtime_instances_in_use ",
        "spin_runtime_state_dir_bytes ",
        "spin_runtime_state_filesystem_available_bytes ",
        "spin_runtime_process_resident_memory_bytes ",
        "spin_runtime_host_memory_total_bytes ",
        "spin_runtime_sqlite_busy_retries_total ",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

#[test]
fn backup_while_serving_and_restore_into_a_fresh_state_dir() {
    let app = probe().start();
    let client = app.client();
    client.post("/ops/sqlite", "kept row", "text/plain");
    client.request("PUT", "/ops/kv/value/kept-key", Some(b"kept value"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.backup");
    let backup = runtime_command()
        .args(["backup", file.to_str().unwrap(), "--state-dir", app.state_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));

    let refused = runtime_command()
        .args(["restore", file.to_str().unwrap(), "--state-dir", app.state_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!refused.status.success(), "restore must refuse a state dir in use");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));

    let fresh = dir.path().join("fresh");
    let restored = runtime_command()
        .args(["restore", file.to_str().unwrap(), "--state-dir", fresh.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    drop(app);

    let copy = probe().state_dir(&fresh).start();
    let rows = copy.client().get("/ops/kv/value/kept-key").json();
    assert_eq!(rows, json!({"value": "kept value"}));
    let text: String = copy.database().query_row("SELECT t FROM probe", [], |row| row.get(0)).unwrap();
    assert_eq!(text, "kept row");
}

#[test]
fn the_default_state_dir_is_beside_the_manifest_as_on_spin() {
    let app = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("spin.toml"), "spin_manifest_version = 2\n").unwrap();
    std::fs::create_dir(app.path().join("migrations")).unwrap();
    std::fs::write(app.path().join("migrations/0001_notes.sql"), "CREATE TABLE notes (id INTEGER PRIMARY KEY);").unwrap();
    let migrated = runtime_command()
        .current_dir(elsewhere.path())
        .arg("migrate")
        .arg("-f")
        .arg(app.path().join("spin.toml"))
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(app.path().join(".spin/sqlite_db.db").is_file(), "not beside the manifest");
    assert!(!elsewhere.path().join(".spin").exists(), "created in the working directory");
}
