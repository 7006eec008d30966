//! The app in a real browser: Debian's headless Chromium driven by Playwright
//! (`tests/browser/run.mjs`, installed by `scripts/test`) against the runtime with 20,000
//! fixture deals. The script prints `@@insert-deal` when it wants a new deal to arrive (to see
//! the "N new deals" notice) and `@@metrics {…}` with the dashboard's page weight and time to
//! interactive; screenshots go to `tests/screenshots/`.

mod web_support;
#[path = "web_support/fixtures.rs"]
mod fixtures;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use integration_tests::{RuntimeProcessBuilder, repo_root};
use web_support::{ADMIN, USER, create_accounts};

const DEALS: u32 = 20_000;

#[test]
fn the_app_works_in_chromium() {
    let browser_dir = repo_root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir() && std::path::Path::new("/usr/bin/chromium").exists(),
        "run scripts/test once: it installs chromium and the Playwright package"
    );
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    create_accounts(&app);
    fixtures::insert_deals(&mut app.database(), DEALS);

    let mut node = Command::new("node")
        .arg(browser_dir.join("run.mjs"))
        .arg(&app.base_url)
        .env("ADMIN_NAME", ADMIN.name)
        .env("ADMIN_PASSWORD", ADMIN.password)
        .env("USER_NAME", USER.name)
        .env("USER_PASSWORD", USER.password)
        .env("KNOWN_ASIN", fixtures::KNOWN_ASIN)
        .env("KNOWN_KEYWORD", fixtures::KNOWN_KEYWORD)
        .env("SCREENSHOT_DIR", repo_root().join("tests/screenshots"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start node (node 20 is required)");
    let mut answers = node.stdin.take().expect("piped stdin");
    for line in BufReader::new(node.stdout.take().expect("piped stdout")).lines().map_while(Result::ok) {
        println!("{line}");
        if line == "@@insert-deal" {
            fixtures::insert_new_deal(&app.database());
            writeln!(answers, "inserted").expect("answer the browser script");
        }
    }
    let status = node.wait().expect("wait for node");
    assert!(status.success(), "the browser test failed ({status}); runtime log:\n{}", app.log());
}
