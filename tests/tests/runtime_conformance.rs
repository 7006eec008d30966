//! Conformance of the local runtime with Spin's behaviour, through the test components in
//! `tests/components` and the manifests in `tests/conformance`.

use integration_tests::{MockReply, MockServer, RuntimeProcess, RuntimeProcessBuilder};
use serde_json::json;
use std::time::{Duration, Instant};

const MANIFEST: &str = "tests/conformance/spin.toml";

fn probe() -> RuntimeProcessBuilder {
    RuntimeProcessBuilder::new(MANIFEST).variable("required_one", "s3cret")
}

fn start() -> RuntimeProcess {
    probe().start()
}

#[test]
fn most_specific_route_wins_and_spin_headers_are_set() {
    let app = start();
    let client = app.client();
    let cases = [
        ("/routing/exact", "/routing/exact", ""),
        ("/routing/abc/item", "/routing/:id/item", ""),
        ("/routing/x/y", "/routing/...", "/x/y"),
        ("/routing", "/routing/...", ""),
        ("/elsewhere/deep", "/...", "/elsewhere/deep"),
    ];
    for (path, route, path_info) in cases {
        let reply = client.get(path).json();
        let headers = &reply["headers"];
        assert_eq!(headers["spin-matched-route"], route, "{path}");
        assert_eq!(headers["spin-raw-component-route"], route, "{path}");
        assert_eq!(headers["spin-path-info"], path_info, "{path}");
    }
    let reply = client.get("/routing/x/y?q=1").json();
    let headers = &reply["headers"];
    assert_eq!(headers["spin-full-url"], format!("{}/routing/x/y?q=1", app.base_url));
    assert_eq!(headers["spin-component-route"], "/routing");
    assert_eq!(headers["spin-base-path"], "/");
    assert!(headers["spin-client-addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    let reply = client.get("/routing/abc/item").json();
    assert_eq!(reply["headers"]["spin-path-match-id"], "abc");
}

#[test]
fn startup_lists_the_public_routes_as_spin_up_does() {
    let app = start();
    let base = &app.base_url;
    let expected = format!(
        "Available Routes:\n  probe: {base} (wildcard)\n  probe: {base}/routing (wildcard)\n  probe: {base}/routing/exact\n  \
         probe: {base}/routing/:id/item\n  probe: {base}/ops (wildcard)\n"
    );
    // The log interleaves stdout with stderr's log lines, so the listing is read out of it.
    let listing = || app.log().lines().filter(|line| *line == "Available Routes:" || line.starts_with("  ")).map(|line| format!("{line}\n")).collect::<String>();
    let listed = app.wait_until(Duration::from_secs(5), || listing() == expected);
    assert!(listed, "expected\n{expected}in\n{}", app.log());
}

#[test]
fn clients_cannot_spoof_spin_headers() {
    let app = start();
    let reply = app
        .client()
        .with_header("spin-matched-route", "/forged")
        .with_header("spin-client-addr", "6.6.6.6:1")
        .get("/routing/exact")
        .json();
    assert_eq!(reply["headers"]["spin-matched-route"], "/routing/exact");
    assert_ne!(reply["headers"]["spin-client-addr"], "6.6.6.6:1");
}

#[test]
fn sqlite_round_trips_every_value_type_through_parameters() {
    let app = start();
    let reply = app.client().post("/ops/sqlite", "héllo 'quoted'", "text/plain").json();
    assert_eq!(reply["columns"], json!(["i", "r", "t", "b", "n"]));
    assert_eq!(
        reply["rows"],
        json!([[{"integer": -9_007_199_254_740_993_i64}, {"real": 2.5}, {"text": "héllo 'quoted'"}, {"blob": [0, 1, 255]}, null]])
    );
}

#[test]
fn each_open_is_its_own_connection_and_abandoned_transactions_roll_back() {
    let app = start();
    let client = app.client();
    let abandoned = {
        let client = client.clone();
        std::thread::spawn(move || client.get("/ops/sqlite-tx?value=abandoned&sleep_ms=800").json())
    };
    std::thread::sleep(Duration::from_millis(200));
    let committed = client.get("/ops/sqlite-tx?value=committed&commit=1").json();
    let abandoned = abandoned.join().unwrap();
    assert_eq!(abandoned["count_inside"], json!({"integer": 1}), "{abandoned}");
    assert_eq!(committed["count_inside"], json!({"integer": 1}), "{committed}");
    let rows: Vec<String> = app
        .database()
        .prepare("SELECT v FROM tx_probe")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, vec!["committed"]);
}

#[test]
fn key_value_get_set_delete_exists_keys() {
    let app = start();
    let client = app.client();
    let put = |key: &str, value: &str| client.request("PUT", &format!("/ops/kv/value/{key}"), Some(value.as_bytes()), &[]);
    assert_eq!(put("alpha", "1").json(), json!({"set": "alpha"}));
    put("beta", "two");
    assert_eq!(client.get("/ops/kv/value/beta").json(), json!({"value": "two"}));
    assert_eq!(client.get("/ops/kv/exists/alpha").json(), json!({"exists": true}));
    assert_eq!(client.get("/ops/kv/keys").json(), json!({"keys": ["alpha", "beta"]}));
    client.request("DELETE", "/ops/kv/value/alpha", None, &[]);
    assert_eq!(client.get("/ops/kv/exists/alpha").json(), json!({"exists": false}));
    assert_eq!(client.get("/ops/kv/value/alpha").json(), json!({"value": null}));
    assert_eq!(client.get("/ops/kv/keys").json(), json!({"keys": ["beta"]}));
}

#[test]
fn variables_follow_spin_precedence_and_scoping() {
    let app = probe().variable("overridden", "from-env").start();
    let client = app.client();
    assert_eq!(client.get("/ops/variable/greeting").json(), json!({"value": "hello"}));
    assert_eq!(client.get("/ops/variable/combined").json(), json!({"value": "hello-from-env"}));
    assert_eq!(client.get("/ops/variable/secret").json(), json!({"value": "s3cret"}));
    assert_eq!(client.get("/ops/variable/literal").json(), json!({"value": "fixed"}));
    let undeclared = client.get("/ops/variable/overridden").json();
    assert!(undeclared["error"].as_str().unwrap().contains("Undefined"), "{undeclared}");
    let invalid = client.get("/ops/variable/Bad").json();
    assert!(invalid["error"].as_str().unwrap().contains("InvalidName"), "{invalid}");
}

#[test]
fn missing_required_variable_stops_start_up() {
    let error = RuntimeProcessBuilder::new(MANIFEST).try_start().err().expect("must not start");
    assert!(error.contains("required_one"), "{error}");
    assert!(error.contains("SPIN_VARIABLE_REQUIRED_ONE"), "{error}");
}

#[test]
fn invalid_manifest_names_the_field_and_component() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    let text = std::fs::read_to_string(integration_tests::repo_root().join(MANIFEST))
        .unwrap()
        .replace("key_value_stores = [\"default\"]", "key_value_store = [\"default\"]");
    std::fs::write(&manifest, text).unwrap();
    let error = RuntimeProcessBuilder::new(manifest.to_str().unwrap())
        .variable("required_one", "x")
        .try_start()
        .err()
        .expect("must not start");
    assert!(error.contains("component `probe`"), "{error}");
    assert!(error.contains("key_value_store"), "{error}");
}

#[test]
fn outbound_http_only_to_allowed_hosts() {
    let allowed = MockServer::start(|_| MockReply::raw(200, "text/plain", b"upstream says hi".to_vec()));
    let other = MockServer::start(|_| MockReply::raw(200, "text/plain", b"must not be reached".to_vec()));
    let app = probe().variable("upstream_port", &allowed.address.port().to_string()).start();
    let client = app.client();
    let reply = client.get(&format!("/ops/outbound?url={}/hello", allowed.url())).json();
    assert_eq!(reply, json!({"status": 200, "body": "upstream says hi"}));
    let denied = client.get(&format!("/ops/outbound?url={}/hello", other.url())).json();
    assert!(denied["error"].as_str().unwrap().contains("HttpRequestDenied"), "{denied}");
    assert_eq!(other.request_count(), 0);
}

#[test]
fn outbound_connections_are_kept_alive_across_requests() {
    let upstream = MockServer::start(|_| MockReply::raw(200, "text/plain", b"pooled".to_vec()));
    let app = probe().variable("upstream_port", &upstream.address.port().to_string()).start();
    let client = app.client();
    for _ in 0..3 {
        let reply = client.get(&format!("/ops/outbound?url={}/again", upstream.url())).json();
        assert_eq!(reply, json!({"status": 200, "body": "pooled"}));
    }
    assert_eq!(upstream.request_count(), 3);
    assert_eq!(upstream.connection_count(), 1, "three instances, one kept-alive connection");
}

#[test]
fn outbound_connections_are_closed_once_idle_past_the_limit() {
    let upstream = MockServer::start(|_| MockReply::raw(200, "text/plain", b"pooled".to_vec()));
    let app = probe()
        .variable("upstream_port", &upstream.address.port().to_string())
        .arg("--outbound-idle-timeout-secs")
        .arg("1")
        .start();
    let reply = app.client().get(&format!("/ops/outbound?url={}/once", upstream.url())).json();
    assert_eq!(reply, json!({"status": 200, "body": "pooled"}));
    assert_eq!(upstream.open_connection_count(), 1, "kept alive after the request");
    let closed = app.wait_until(Duration::from_secs(10), || upstream.open_connection_count() == 0);
    assert!(closed, "closed without another request checking it out");
}

#[test]
fn outbound_first_byte_timeout_is_kept_apart_from_the_connect_timeout() {
    let upstream = MockServer::start(|request| match request.path_and_query.as_str() {
        "/slow" => MockReply::raw(200, "text/plain", b"late".to_vec()).delayed(std::time::Duration::from_millis(1500)),
        _ => MockReply::raw(200, "text/plain", b"at once".to_vec()),
    });
    let app = probe().variable("upstream_port", &upstream.address.port().to_string()).start();
    let client = app.client();
    let timed = |path: &str, first_byte_ms: u64| {
        client.get(&format!("/ops/outbound-timed?url={}{path}&first_byte_ms={first_byte_ms}", upstream.url())).json()
    };
    assert_eq!(timed("/fast", 500), json!({"status": 200}));
    let late = timed("/slow", 500);
    assert!(late["error"].as_str().unwrap().contains("ConnectionReadTimeout"), "a minute to connect is not more time for the head: {late}");
    assert_eq!(timed("/slow", 5000), json!({"status": 200}));
    assert_eq!(timed("/fast", 500), json!({"status": 200}), "later requests are not held up");
}

#[test]
fn block_networks_applies_at_connect_time() {
    let upstream = MockServer::start(|_| MockReply::raw(200, "text/plain", b"private".to_vec()));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("runtime-config.toml");
    std::fs::write(&config, "[outbound_networking]\nblock_networks = [\"private\"]\n").unwrap();
    let app = probe()
        .variable("upstream_port", &upstream.address.port().to_string())
        .arg("--runtime-config-file")
        .arg(config.to_str().unwrap())
        .start();
    let reply = app.client().get(&format!("/ops/outbound?url={}/x", upstream.url())).json();
    assert!(reply["error"].as_str().unwrap().contains("DestinationIpProhibited"), "{reply}");
    assert_eq!(upstream.request_count(), 0);
}

#[test]
fn undeclared_stores_are_access_denied() {
    let app = start();
    let reply = app.client().get("/ops/undeclared").json();
    assert_eq!(reply, json!({"key_value": "Error::AccessDenied", "sqlite": "Error::AccessDenied"}));
}

#[test]
fn request_time_limit_returns_500_without_hurting_other_requests() {
    let app = probe().arg("--request-timeout-secs").arg("2").start();
    let client = app.client();
    let started = Instant::now();
    assert_eq!(client.get("/ops/busy").status, 500);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(client.get("/ops/sleep?ms=10000").status, 500);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(client.get("/routing/exact").status, 200);
}

#[test]
fn busy_guest_does_not_block_other_requests() {
    let app = probe().arg("--request-timeout-secs").arg("3").start();
    let busy = {
        let client = app.client();
        std::thread::spawn(move || client.get("/ops/busy").status)
    };
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(app.client().get("/routing/exact").status, 200);
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    assert_eq!(busy.join().unwrap(), 500);
}

#[test]
fn trapping_component_returns_500_and_next_request_works() {
    let app = start();
    let client = app.client();
    assert_eq!(client.get("/ops/trap").status, 500);
    assert_eq!(client.get("/routing/exact").status, 200);
}

/// The text of a component log file under the state directory ("" when it does not exist).
fn component_log(app: &RuntimeProcess, file: &str) -> String {
    std::fs::read_to_string(app.state_dir.join("logs").join(file)).unwrap_or_default()
}

#[test]
fn component_output_goes_to_log_files_under_the_state_dir_and_to_the_console() {
    let state = tempfile::tempdir().unwrap();
    let app = probe().state_dir(state.path()).start();
    let client = app.client();
    assert_eq!(client.get("/ops/print?text=first-marker").status, 200);
    assert_eq!(client.get("/ops/trap").status, 500);
    assert_eq!(component_log(&app, "probe_stdout.txt"), "out: first-marker\n");
    let stderr = component_log(&app, "probe_stderr.txt");
    assert!(stderr.starts_with("err: first-marker\n") && stderr.contains("deliberate trap"), "{stderr}");
    let echoed = app.wait_until(Duration::from_secs(5), || app.log().contains("out: first-marker"));
    assert!(echoed && app.log().contains("err: first-marker"), "not echoed:\n{}", app.log());

    app.stop();
    let again = probe().state_dir(state.path()).start();
    assert_eq!(again.client().get("/ops/print?text=second-marker").status, 200);
    assert_eq!(component_log(&again, "probe_stdout.txt"), "out: first-marker\nout: second-marker\n", "appended");
    again.stop();
    let truncated = probe().state_dir(state.path()).arg("--truncate-logs").start();
    assert_eq!(component_log(&truncated, "probe_stdout.txt"), "");
}

#[test]
fn quiet_follow_and_log_dir_choose_where_output_goes() {
    let quiet = probe().arg("--quiet").start();
    assert_eq!(quiet.client().get("/ops/print?text=quiet-marker").status, 200);
    assert_eq!(component_log(&quiet, "probe_stdout.txt"), "out: quiet-marker\n");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!quiet.log().contains("quiet-marker"), "--quiet echoed:\n{}", quiet.log());

    let console_only = probe().arg("--log-dir").arg("").start();
    assert_eq!(console_only.client().get("/ops/print?text=console-marker").status, 200);
    assert!(console_only.wait_until(Duration::from_secs(5), || console_only.log().contains("out: console-marker")));
    assert!(!console_only.state_dir.join("logs").exists());

    let logs_removed = start();
    std::fs::remove_dir_all(logs_removed.state_dir.join("logs")).unwrap();
    assert_eq!(logs_removed.client().get("/ops/print?text=unlogged-marker").status, 200, "printing must not trap");
    let warned = logs_removed.wait_until(Duration::from_secs(5), || logs_removed.log().contains("cannot open a component log file"));
    assert!(warned && logs_removed.log().contains("out: unlogged-marker"), "{}", logs_removed.log());

    let unknown = probe().arg("--follow").arg("nosuch").try_start().err().expect("must not start");
    assert!(unknown.contains("`nosuch`") && unknown.contains("probe"), "{unknown}");
}

#[test]
fn request_body_size_is_limited() {
    let app = probe().arg("--max-body-bytes").arg("1000").start();
    let client = app.client();
    assert_eq!(client.post("/ops/body-length", &"x".repeat(999), "text/plain").json(), json!({"length": 999}));
    assert_eq!(client.post("/ops/body-length", &"x".repeat(2000), "text/plain").status, 413);
}

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let app = start();
    let slow = {
        let client = app.client();
        std::thread::spawn(move || client.get("/ops/sleep?ms=1500"))
    };
    std::thread::sleep(Duration::from_millis(400));
    let status = app.stop();
    let reply = slow.join().unwrap();
    assert_eq!(reply.status, 200);
    assert!(status.success(), "{status:?}");
}

#[test]
fn compiled_components_are_cached_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let first = probe().private_compile_cache().state_dir(dir.path()).start();
    first.stop();
    let cached: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "cwasm"))
        .collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    let written = std::fs::metadata(&cached[0]).unwrap().modified().unwrap();
    let second = probe().private_compile_cache().state_dir(dir.path()).start();
    assert_eq!(second.client().get("/routing/exact").status, 200);
    assert_eq!(std::fs::metadata(&cached[0]).unwrap().modified().unwrap(), written);
}

#[test]
fn cron_fires_on_schedule_and_never_overlaps() {
    let app = RuntimeProcessBuilder::new("tests/conformance/cron.toml").start();
    let runs = || -> Vec<(i64, i64, i64)> {
        let database = app.database();
        let Ok(mut statement) = database.prepare("SELECT scheduled, started_ms, ended_ms FROM cron_runs ORDER BY started_ms")
        else {
            return Vec::new();
        };
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    app.wait_until(Duration::from_secs(30), || runs().len() >= 3);
    let runs = runs();
    assert!(runs.len() >= 3, "only {} runs: {runs:?}\n{}", runs.len(), app.log());
    for pair in runs.windows(2) {
        let ((scheduled_a, _, ended_a), (scheduled_b, started_b, _)) = (pair[0], pair[1]);
        assert!(started_b >= ended_a, "runs overlap: {pair:?}");
        assert!(scheduled_b > scheduled_a, "schedule did not advance: {pair:?}");
    }
    // The first run is logged; further successful runs only at debug level.
    let logged_ok = app.log().lines().filter(|l| l.contains("component=cron-probe") && l.contains("outcome=\"ok\"")).count();
    assert_eq!(logged_ok, 1, "{}", app.log());
}

#[test]
fn max_concurrency_queues_requests_in_the_host() {
    let app = probe().arg("--max-concurrency").arg("probe=1").start();
    let started = Instant::now();
    let sleepers: Vec<_> = (0..2)
        .map(|_| {
            let client = app.client();
            std::thread::spawn(move || client.get("/ops/sleep?ms=800").status)
        })
        .collect();
    for sleeper in sleepers {
        assert_eq!(sleeper.join().unwrap(), 200);
    }
    assert!(started.elapsed() >= Duration::from_millis(1600), "ran in parallel: {:?}", started.elapsed());
    let error = probe().arg("--max-concurrency").arg("nope=2").try_start().err().expect("must not start");
    assert!(error.contains("`nope`"), "{error}");
}
