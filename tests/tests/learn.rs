//! Guided learning through the runtime: admin-only access decided before the body, jobs worked
//! off by the cron component against the mock LLM, pages served by a local test server, SSRF
//! refusals (with and without the host's `block_networks`), and dedupe on approval.

mod accounts_support;
mod ai_support;

use ai_support::{AiApp, good_deal, start, start_with};
use integration_tests::{MockReply, MockServer, SeenRequest};
use serde_json::json;

const LESSON: &str = "Buy textbooks ranked under 200000 in June. Sell them in August for 3 times the June price. \
    Patience is what separates a seasonal seller from a gambler. Cash tied up in slow books cannot buy the next deal.";

/// A site with an article (chrome and a script around it) and redirects.
fn site() -> MockServer {
    MockServer::start(|request: &SeenRequest| match request.path_and_query.as_str() {
        "/article" => MockReply::raw(
            200,
            "text/html; charset=utf-8",
            format!(
                "<html><head><style>.x{{}}</style><script>var secret = 'SCRIPT TEXT';</script></head><body>\
                 <header>SITE HEADER</header><nav>NAV LINKS</nav><article><h1>Seasonal books</h1>\
                 <p>{LESSON}</p></article><footer>FOOTER TEXT</footer></body></html>"
            )
            .into_bytes(),
        ),
        "/to-metadata" => MockReply::raw(302, "text/plain", Vec::new()).with_header("location", "http://169.254.169.254/latest/meta-data/"),
        "/to-loopback" => MockReply::raw(301, "text/plain", Vec::new()).with_header("location", "http://[::1]:9/"),
        "/loop" => MockReply::raw(302, "text/plain", Vec::new()).with_header("location", "/loop"),
        _ => MockReply::raw(404, "text/plain", b"not found".to_vec()),
    })
}

/// Sends only the head of a POST announcing `content_length` body bytes (as the user) and returns
/// the status line: an answer proves the app decided without waiting for the body.
fn post_headers_only(app: &AiApp, path: &str, content_length: usize) -> String {
    use std::io::{BufRead, BufReader, Write};
    let address = app.app.base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {content_length}\r\nConnection: close\r\n\r\n",
        app.user.cookie, app.user.csrf
    )
    .unwrap();
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line).unwrap();
    status_line
}

fn localhost_url(site: &MockServer, path: &str) -> String {
    format!("http://localhost:{}{path}", site.address.port())
}

#[test]
fn only_admins_learn_and_users_are_refused_before_the_body() {
    let app = start(&[]);
    let status_line = post_headers_only(&app, "/learn", 2 * 1024 * 1024);
    assert!(status_line.starts_with("HTTP/1.1 403"), "refused on the headers alone: {status_line}");
    for path in ["/api/strategies", "/api/intelligence", "/api/learn/1"] {
        assert_eq!(app.user.get(path).status, 403, "{path}");
        assert_eq!(app.app.client().get(path).status, 401, "{path}");
    }
    assert_eq!(app.admin.post_json("/learn", &json!({"text": "   "})).status, 400);
    assert_eq!(app.admin.post_json("/learn", &json!({})).status, 400);
    assert_eq!(app.admin.get("/api/learn/999").status, 404);
    assert_eq!(app.admin.get("/api/learn/abc").status, 400);
}

#[test]
fn learning_from_text_then_approving_twice_stores_each_item_once() {
    let app = start(&[]);
    let job = app.learn(&json!({"text": LESSON}));
    let done = app.wait_for_job(job);
    assert_eq!(done["status"], "done", "{done}");
    let strategies = done["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), 2, "one per sentence with a number: {done}");
    assert_eq!(strategies[0]["category"], "Buying");
    assert_eq!(done["mental_models"].as_array().unwrap().len(), 2, "{done}");
    let learn_calls = app.usage("learn").0;
    assert_eq!(learn_calls, 2, "two extractions");

    let approved = app.admin.post_json(&format!("/api/learn/{job}/approve"), &json!(null)).json();
    assert_eq!(approved, json!({"strategies": {"saved": 2, "skipped": 0}, "mental_models": {"saved": 2, "skipped": 0}}));

    // The same lesson again, edited in spacing and case: every item is a duplicate.
    let again = app.learn(&json!({"text": LESSON.to_uppercase()}));
    assert_eq!(app.wait_for_job(again)["status"], "done");
    let edited = json!({
        "strategies": [{"category": "buying", "trigger": format!("  {}", strategies[0]["trigger"].as_str().unwrap()), "advice": strategies[0]["advice"].as_str().unwrap().to_uppercase()}],
        "mental_models": ["patience is what separates a seasonal seller   from a gambler", "A brand new idea"],
    });
    let approved = app.admin.post_json(&format!("/api/learn/{again}/approve"), &edited).json();
    assert_eq!(approved, json!({"strategies": {"saved": 0, "skipped": 1}, "mental_models": {"saved": 1, "skipped": 1}}));

    let listed = app.admin.get("/api/strategies").json();
    assert_eq!(listed["total_count"], 2);
    assert_eq!(listed["new_today_count"], 2);
    assert_eq!(app.admin.get("/api/intelligence").json()["total_count"], 3);

    // Approved knowledge reaches the mentor prompts.
    app.insert_deals(&[good_deal("0134093410")]);
    assert_eq!(app.advice("0134093410", "errol").json()["source"], "llm");
    let prompt = integration_tests::mock_llm::prompt_text(app.llm.requests().last().unwrap());
    assert!(prompt.contains("IF When: Buy textbooks ranked under 200000 in June"), "{prompt}");
    assert!(prompt.contains("A brand new idea"), "{prompt}");
}

#[test]
fn a_local_page_is_learned_without_block_networks_and_redirects_are_rechecked() {
    let site = site();
    let app = start(&[]);
    let page = app.wait_for_job(app.learn(&json!({"url": localhost_url(&site, "/article")})));
    assert_eq!(page["status"], "done", "{page}");
    let text = page["source_text"].as_str().unwrap();
    assert!(text.starts_with("Seasonal books\nBuy textbooks"), "{text}");
    for chrome in ["SCRIPT TEXT", "SITE HEADER", "NAV LINKS", "FOOTER TEXT"] {
        assert!(!text.contains(chrome), "{chrome} in {text}");
    }
    assert_eq!(page["strategies"].as_array().unwrap().len(), 2);

    for (path, expected) in [("/to-metadata", "169.254.169.254"), ("/to-loopback", "::1"), ("/loop", "redirects")] {
        let job = app.wait_for_job(app.learn(&json!({"url": localhost_url(&site, path)})));
        assert_eq!(job["status"], "failed", "{job}");
        assert!(job["error"].as_str().unwrap().contains(expected), "{path}: {job}");
    }
}

#[test]
fn private_addresses_are_refused_in_every_notation_and_by_block_networks() {
    let site = site();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("runtime-config.toml");
    std::fs::write(&config, "[outbound_networking]\nblock_networks = [\"private\"]\n").unwrap();
    let app: AiApp = start_with(&[], |builder| builder.arg("--runtime-config-file").arg(config.to_str().unwrap()));
    let port = site.address.port();
    for url in [
        format!("http://127.0.0.1:{port}/article"),
        format!("http://2130706433:{port}/article"),
        format!("http://0x7f.0.0.1:{port}/article"),
        format!("http://0177.0.0.1:{port}/article"),
        format!("http://[::1]:{port}/article"),
        format!("http://[::ffff:127.0.0.1]:{port}/article"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "file:///etc/passwd".to_string(),
        "gopher://example.com/".to_string(),
    ] {
        let reply = app.admin.post_json("/learn", &json!({"url": url}));
        assert_eq!(reply.status, 400, "{url}: {}", reply.body);
    }
    // A name is resolved by the host, where block_networks refuses the loopback address.
    let blocked = app.wait_for_job(app.learn(&json!({"url": localhost_url(&site, "/article")})));
    assert_eq!(blocked["status"], "failed", "{blocked}");
    assert!(blocked["error"].as_str().unwrap().contains("blocked"), "{blocked}");
    assert_eq!(site.request_count(), 0, "nothing reached the private page");
}
