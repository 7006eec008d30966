//! The `web` component through the runtime: who sees which page, caching and compression of the
//! embedded assets, the security headers, and the 404 page. The browser test (browser.rs) drives
//! the same pages in Chromium.

mod web_support;

use integration_tests::{HttpClient, Reply, RuntimeProcess, RuntimeProcessBuilder};
use web_support::{ADMIN, Account, USER, create_accounts};

/// One runtime for every check below: starting one costs seconds of a shared 2-core machine.
#[test]
fn the_web_component_serves_pages_and_assets() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    a_fresh_install_says_on_the_login_page_how_to_create_the_first_admin(&app);
    create_accounts(&app);
    signed_out_visitors_get_the_login_page_and_are_sent_there_from_every_other_page(&app);
    users_see_their_pages_and_admins_also_the_admin_pages(&app);
    assets_are_fingerprinted_immutable_and_gzipped_when_accepted(&app);
    pages_carry_no_inline_script_or_style(&app);
    unknown_paths_get_the_404_page_and_api_paths_keep_their_json_404(&app);
}

/// The `name=value` session cookie of a fresh sign-in of `account`.
fn session_cookie(app: &RuntimeProcess, account: &Account) -> String {
    let body = serde_json::json!({ "username": account.name, "password": account.password });
    let reply = app.client().post_json("/login", &body);
    assert_eq!(reply.status, 200, "login of {}: {}", account.name, reply.body);
    reply.header("set-cookie").expect("session cookie").split(';').next().unwrap().to_string()
}

/// A client carrying a session cookie of `account`.
fn signed_in(app: &RuntimeProcess, account: &Account) -> HttpClient {
    app.client().with_header("cookie", &session_cookie(app, account))
}

/// The `/static/...` URLs a page references.
fn asset_urls(html: &str) -> Vec<String> {
    html.split('"').filter(|part| part.starts_with("/static/")).map(str::to_string).collect()
}

/// Status and `Location` of a GET, without following redirects (the harness client follows them).
fn redirect_of(app: &RuntimeProcess, path: &str, cookie: Option<&str>) -> (u16, Option<String>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let mut request = agent.get(format!("{}{path}", app.base_url));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.call().expect("request");
    let location = response.headers().get("location").and_then(|value| value.to_str().ok()).map(str::to_string);
    (response.status().as_u16(), location)
}

fn assert_page_headers(reply: &Reply) {
    let policy = reply.header("content-security-policy").expect("CSP header");
    assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{policy}");
    assert!(reply.header("cache-control").unwrap().contains("no-cache"));
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
}

/// The login page's first-run notice, shown only while the database has no account.
const FIRST_RUN_NOTICE: &str = "<div id=\"first-run\" class=\"notice info\">";
const FIRST_RUN_NOTICE_HIDDEN: &str = "<div id=\"first-run\" class=\"notice info\" hidden>";

fn a_fresh_install_says_on_the_login_page_how_to_create_the_first_admin(app: &RuntimeProcess) {
    let login = app.client().get("/");
    assert_eq!(login.status, 200);
    assert!(login.body.contains(FIRST_RUN_NOTICE) && login.body.contains("scripts/admin user add --role admin NAME"), "{}", login.body);
}

fn signed_out_visitors_get_the_login_page_and_are_sent_there_from_every_other_page(app: &RuntimeProcess) {
    let client = app.client();
    let login = client.get("/");
    assert_eq!(login.status, 200);
    assert_page_headers(&login);
    assert!(login.body.contains("action=\"/login\""), "{}", login.body);
    assert!(login.body.contains(FIRST_RUN_NOTICE_HIDDEN) && !login.body.contains(FIRST_RUN_NOTICE), "accounts exist: {}", login.body);
    for path in ["/dashboard", "/settings", "/guided-learning", "/guided-learning/job-1", "/strategies", "/intelligence", "/admin", "/admin/keepa-query", "/admin/ai-usage"] {
        assert_eq!(redirect_of(app, path, None), (303, Some("/".to_string())), "{path}");
    }
}

fn users_see_their_pages_and_admins_also_the_admin_pages(app: &RuntimeProcess) {
    let user = signed_in(app, &USER);
    let admin = signed_in(app, &ADMIN);
    let cookie = session_cookie(app, &USER);
    assert_eq!(redirect_of(app, "/", Some(&cookie)), (303, Some("/dashboard".to_string())), "signed-in users skip the login page");
    let dashboard = user.get("/dashboard");
    assert_eq!(dashboard.status, 200);
    assert_page_headers(&dashboard);
    assert!(dashboard.body.contains("<meta name=\"csrf-token\" content=\"") && !dashboard.body.contains("content=\"\""));
    assert!(dashboard.body.contains("data-role=\"user\"") && dashboard.body.contains(USER.name));
    for path in ["/strategies", "/intelligence", "/guided-learning", "/admin", "/admin/keepa-query", "/admin/ai-usage"] {
        let refused = user.get(path);
        assert_eq!(refused.status, 403, "{path}");
        assert!(refused.body.contains("Admins only"), "{path}");
        assert_eq!(admin.get(path).status, 200, "{path}");
    }
    assert_eq!(admin.get("/settings").status, 200);
}

fn assets_are_fingerprinted_immutable_and_gzipped_when_accepted(app: &RuntimeProcess) {
    let client = app.client();
    let user = signed_in(app, &USER);
    let mut urls = asset_urls(&client.get("/").body);
    urls.extend(asset_urls(&user.get("/dashboard").body));
    assert!(urls.iter().any(|url| url.ends_with(".css")) && urls.iter().filter(|url| url.ends_with(".js")).count() >= 5, "{urls:?}");
    for url in &urls {
        let name = url.trim_start_matches("/static/");
        let hash = name.split('.').nth(1).unwrap_or("");
        assert!(hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()), "fingerprint in {url}");
        let plain = client.get(url);
        assert_eq!(plain.status, 200, "{url}");
        assert_eq!(plain.header("cache-control"), Some("public, max-age=31536000, immutable"), "{url}");
        assert_eq!(plain.header("content-encoding"), None, "{url}: identity without Accept-Encoding");
        if url.ends_with(".js") || url.ends_with(".css") {
            let gzipped = client.request("GET", url, None, &[("accept-encoding", "br, gzip")]);
            assert_eq!(gzipped.header("content-encoding"), Some("gzip"), "{url}");
            assert_eq!(gzipped.header("vary"), Some("accept-encoding"), "{url}");
        }
    }
    assert_eq!(client.get("/static/app.0000000000.css").status, 404);
}

fn pages_carry_no_inline_script_or_style(app: &RuntimeProcess) {
    let admin = signed_in(app, &ADMIN);
    for path in ["/dashboard", "/settings", "/guided-learning", "/guided-learning/job-1", "/strategies", "/intelligence", "/admin", "/admin/keepa-query", "/admin/ai-usage"] {
        let html = admin.get(path).body;
        for (index, _) in html.match_indices("<script") {
            let tag = &html[index..index + html[index..].find('>').unwrap()];
            assert!(tag.contains(" src=\"/static/"), "{path}: inline script {tag}");
        }
        assert!(!html.contains(" style=") && !html.contains("<style") && !html.contains(" onclick="), "{path}");
    }
}

fn unknown_paths_get_the_404_page_and_api_paths_keep_their_json_404(app: &RuntimeProcess) {
    let client = app.client();
    let page = client.get("/no/such/page");
    assert_eq!(page.status, 404);
    assert_page_headers(&page);
    assert!(page.body.contains("Page not found"));
    let api = client.get("/api/no-such-endpoint");
    assert_eq!(api.status, 404);
    assert!(api.json()["error"].is_string());
    assert_eq!(client.post("/dashboard", "", "text/plain").status, 405);
}
