//! The app in a real browser: Debian's headless Chromium driven by Playwright
//! (`tests/browser/run.mjs`, installed by `scripts/test`) against the runtime with 20,000
//! fixture deals and the mock LLM as the AI provider (so guided learning, advice and chat answer
//! for real). The script asks this side for what a browser cannot do, one `@@request` line
//! answered by one line on its stdin: `@@insert-deal` (a new deal arrives, for the "N new deals"
//! notice), `@@llm-fail` / `@@llm-ok` (the provider starts / stops answering garbage, for the
//! offline path) and `@@llm-last-prompt` (the last prompt sent, as a JSON string, to see approved
//! knowledge reach the mentor). It also prints `@@metrics {…}` with the dashboard's page weight
//! and time to interactive; screenshots go to `tests/screenshots/`.

mod web_support;
#[path = "web_support/fixtures.rs"]
mod fixtures;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use integration_tests::mock_llm::{LlmFault, MockLlm, prompt_text};
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
    let llm = MockLlm::start();
    let app = RuntimeProcessBuilder::new("spin.toml")
        .variable("llm_base_url", &llm.url())
        .variable("llm_api_key", "test-key")
        .start();
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
        .env("KNOWN_ISBN13", fixtures::KNOWN_ISBN13)
        .env("SCREENSHOT_DIR", repo_root().join("tests/screenshots"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start node (node 20 is required)");
    let mut answers = node.stdin.take().expect("piped stdin");
    for line in BufReader::new(node.stdout.take().expect("piped stdout")).lines().map_while(Result::ok) {
        println!("{line}");
        let answer = match line.as_str() {
            "@@insert-deal" => {
                fixtures::insert_new_deal(&app.database());
                "inserted".to_string()
            }
            "@@llm-fail" => {
                llm.fail_every_request(Some(LlmFault::InvalidJson));
                "failing".to_string()
            }
            "@@llm-ok" => {
                llm.fail_every_request(None);
                "answering".to_string()
            }
            "@@llm-last-prompt" => {
                let prompt = llm.requests().last().map(prompt_text).unwrap_or_default();
                serde_json::to_string(&prompt).expect("a string is JSON")
            }
            _ => continue,
        };
        writeln!(answers, "{answer}").expect("answer the browser script");
    }
    let status = node.wait().expect("wait for node");
    assert!(status.success(), "the browser test failed ({status}); runtime log:\n{}", app.log());
}
