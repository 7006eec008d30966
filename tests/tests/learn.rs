//! Guided learning through the runtime: admin-only access decided before the body, jobs worked
//! off by the cron component against the mock LLM, pages served by a local test server, YouTube
//! transcripts from a mock YouTube speaking YouTube's formats, SSRF refusals (with and without the
//! host's `block_networks`), and dedupe and all-or-nothing on approval.

mod accounts_support;
mod ai_support;
mod openapi_support;

use ai_support::{AiApp, good_deal, start, start_with};
use openapi_support::Spec;
use integration_tests::{MockReply, MockServer, SeenRequest};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock};

const LESSON: &str = "Buy textbooks ranked under 200000 in June. Sell them in August for 3 times the June price. \
    Patience is what separates a seasonal seller from a gambler. Cash tied up in slow books cannot buy the next deal.";

/// A site with an article (chrome and a script around it), an old page in windows-1252, and redirects.
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
        "/old-blog" => MockReply::raw(
            200,
            "text/html",
            [
                b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head>".as_slice(),
                b"<body><p>Don\x92t pay more than \x805 for a caf\xe9 cookbook.</p></body></html>",
            ]
            .concat(),
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
fn recent_lessons_list_every_job_newest_first_with_what_it_found() {
    let site = site();
    let app = start(&[]);
    assert_eq!(app.admin.get("/api/learn").json(), json!({"jobs": []}));
    let (first_word, rest) = LESSON.split_once(' ').unwrap();
    let pasted = format!("{first_word}\n\n   {rest}");
    let approved = app.learn(&json!({"text": pasted}));
    assert_eq!(app.wait_for_job(approved)["status"], "done");
    assert_eq!(app.admin.post_json(&format!("/api/learn/{approved}/approve"), &json!(null)).status, 200);
    let missing_page = localhost_url(&site, "/gone");
    let failed = app.learn(&json!({"url": missing_page}));
    assert_eq!(app.wait_for_job(failed)["status"], "failed");
    let waiting = app.learn(&json!({"text": "Short lesson."}));

    let jobs = app.admin.get("/api/learn").json()["jobs"].as_array().unwrap().clone();
    let ids: Vec<i64> = jobs.iter().map(|job| job["job_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [waiting, failed, approved], "newest first");
    assert!(matches!(jobs[0]["status"].as_str(), Some("pending" | "running")), "{}", jobs[0]);
    assert_eq!(jobs[0]["strategies_found"], json!(null), "nothing found before it is done");
    assert_eq!(jobs[0]["input_preview"], "Short lesson.");
    assert_eq!(jobs[1]["status"], "failed");
    assert_eq!(jobs[1]["input_preview"], missing_page);
    assert!(jobs[1]["error"].as_str().unwrap().contains("404"), "{}", jobs[1]);
    assert_eq!(jobs[2]["status"], "approved");
    assert_eq!((jobs[2]["strategies_found"].as_i64(), jobs[2]["mental_models_found"].as_i64()), (Some(2), Some(2)));
    assert_eq!(jobs[2]["submitted_by"], "admin");
    assert_eq!(jobs[2]["input_preview"], format!("{}…", LESSON[..120].trim_end()), "one line, cut at 120 characters");

    // A damaged result hides its counts, not the list.
    app.app.database().execute("UPDATE learn_jobs SET strategies_json = '[{' WHERE id = ?1", [approved]).unwrap();
    let jobs = app.admin.get("/api/learn").json()["jobs"].clone();
    assert_eq!((jobs[2]["strategies_found"].clone(), jobs[2]["mental_models_found"].clone()), (json!(null), json!(2)));

    assert_eq!(app.user.get("/api/learn").status, 403);
    assert_eq!(app.admin.post_json("/api/learn", &json!({})).status, 405);
}

#[test]
fn an_approval_that_fails_part_way_saves_none_of_the_lesson() {
    let app = start(&[]);
    let job = app.learn(&json!({"text": LESSON}));
    assert_eq!(app.wait_for_job(job)["status"], "done");
    // The strategies are written first; a failure at the first mental model must take them back.
    let db = app.app.database();
    db.execute_batch("CREATE TRIGGER refuse_models BEFORE INSERT ON mental_models BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;").unwrap();
    let failed = app.admin.post_json(&format!("/api/learn/{job}/approve"), &json!(null));
    assert_eq!(failed.status, 503, "{}", failed.body);
    assert!(failed.json()["error"].as_str().unwrap().contains("disk trouble"), "{}", failed.body);
    assert_eq!(app.admin.get("/api/strategies").json()["total_count"], 0, "the strategies written before the failure were rolled back");
    assert_eq!(app.wait_for_job(job)["status"], "done", "the job is not marked approved");

    db.execute_batch("DROP TRIGGER refuse_models").unwrap();
    let approved = app.admin.post_json(&format!("/api/learn/{job}/approve"), &json!(null)).json();
    assert_eq!(approved, json!({"strategies": {"saved": 2, "skipped": 0}, "mental_models": {"saved": 2, "skipped": 0}}));
    assert_eq!(app.wait_for_job(job)["status"], "approved");
}

#[test]
fn an_admin_deletes_a_wrong_lesson_and_the_mentors_stop_using_it() {
    let app = start(&[]);
    let job = app.learn(&json!({"text": LESSON}));
    assert_eq!(app.wait_for_job(job)["status"], "done");
    assert_eq!(app.admin.post_json(&format!("/api/learn/{job}/approve"), &json!(null)).status, 200);
    let strategies = app.admin.get("/api/strategies").json();
    let wrong = strategies["items"].as_array().unwrap().iter().find(|item| item["advice"].as_str().unwrap().contains("August")).unwrap().clone();
    let models = app.admin.get("/api/intelligence").json();
    let wrong_model = models["items"][0].clone();
    let (strategy_path, model_path) = (format!("/api/strategies/{}", wrong["id"]), format!("/api/intelligence/{}", wrong_model["id"]));

    app.insert_deals(&[good_deal("0134093410")]);
    assert_eq!(app.advice("0134093410", "errol").json()["source"], "llm");
    let prompt = integration_tests::mock_llm::prompt_text(app.llm.requests().last().unwrap());
    assert!(prompt.contains(wrong["advice"].as_str().unwrap()) && prompt.contains(wrong_model["content"].as_str().unwrap()), "{prompt}");

    assert_eq!(app.user.delete(&strategy_path).status, 403);
    assert_eq!(app.admin.delete_without_csrf(&strategy_path).status, 403, "no CSRF token");
    assert_eq!(app.admin.delete("/api/strategies/abc").status, 400);
    assert_eq!(app.admin.delete("/api/strategies/99999").status, 404);
    assert_eq!(app.admin.get(&strategy_path).status, 405);
    assert_eq!(app.admin.get("/api/strategies").json()["total_count"], 2, "the refusals deleted nothing");

    let deleted = app.admin.delete(&strategy_path);
    assert_eq!((deleted.status, deleted.json()), (200, json!({ "deleted": wrong["id"] })));
    assert_eq!(app.admin.delete(&model_path).status, 200);
    assert_eq!(app.admin.delete(&strategy_path).status, 404, "gone");
    assert_eq!(app.admin.get("/api/strategies").json()["total_count"], 1);
    assert_eq!(app.admin.get("/api/intelligence").json()["total_count"], 1);

    let calls = app.llm.request_count();
    assert_eq!(app.advice("0134093410", "errol").json()["source"], "llm", "the cached advice used the deleted lesson");
    assert_eq!(app.llm.request_count(), calls + 1);
    let prompt = integration_tests::mock_llm::prompt_text(app.llm.requests().last().unwrap());
    assert!(!prompt.contains(wrong["advice"].as_str().unwrap()) && !prompt.contains(wrong_model["content"].as_str().unwrap()), "{prompt}");
    assert!(prompt.contains("IF When: Buy textbooks ranked under 200000 in June"), "the other strategy stays: {prompt}");
}

#[test]
fn an_admin_corrects_a_stored_lesson_in_place_and_the_mentors_use_the_correction() {
    let spec = Spec::load();
    let app = start(&[]);
    let job = app.learn(&json!({"text": LESSON}));
    assert_eq!(app.wait_for_job(job)["status"], "done");
    assert_eq!(app.admin.post_json(&format!("/api/learn/{job}/approve"), &json!(null)).status, 200);
    let strategies = app.admin.get("/api/strategies").json()["items"].as_array().unwrap().clone();
    let (wrong, other) = (&strategies[0], &strategies[1]);
    let model = app.admin.get("/api/intelligence").json()["items"][0].clone();
    let (strategy_path, model_path) = (format!("/api/strategies/{}", wrong["id"]), format!("/api/intelligence/{}", model["id"]));
    app.insert_deals(&[good_deal("0134093410")]);
    assert_eq!(app.advice("0134093410", "errol").json()["source"], "llm");

    let correction = json!({"category": "buying", "trigger": "a textbook in <b>August</b>", "advice": "List at 2.5 times the June price"});
    let check = |method: &str, path: &str, reply: &integration_tests::Reply, status: u16| {
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        spec.check(method, path, status, &reply.json());
    };
    check("put", "/api/strategies/{id}", &app.user.put_json(&strategy_path, &correction), 403);
    assert_eq!(app.admin.client.request("PUT", &strategy_path, Some(correction.to_string().as_bytes()), &[("content-type", "application/json")]).status, 403, "no CSRF token");
    check("put", "/api/strategies/{id}", &app.admin.put_json("/api/strategies/99999", &correction), 404);
    check("put", "/api/strategies/{id}", &app.admin.put_json("/api/strategies/abc", &correction), 400);
    for bad in [json!({"category": "Luck", "advice": "x"}), json!({"category": "Risk", "advice": "  "}), json!({"category": "Risk"}), json!(["a list"])] {
        check("put", "/api/strategies/{id}", &app.admin.put_json(&strategy_path, &bad), 400);
    }
    let same_as_other = json!({"category": other["category"], "trigger": other["trigger"], "advice": other["advice"].as_str().unwrap().to_uppercase(), "confidence": "Low"});
    let duplicate = app.admin.put_json(&strategy_path, &same_as_other);
    check("put", "/api/strategies/{id}", &duplicate, 409);
    assert!(duplicate.json()["error"].as_str().unwrap().contains(&format!("item {}", other["id"])), "{}", duplicate.body);
    assert_eq!(app.admin.get("/api/strategies").json()["items"].as_array().unwrap(), &strategies, "the refusals changed nothing");

    let saved = app.admin.put_json(&strategy_path, &correction);
    check("put", "/api/strategies/{id}", &saved, 200);
    assert_eq!(
        saved.json(),
        json!({"id": wrong["id"], "category": "Buying", "trigger": "a textbook in August", "advice": "List at 2.5 times the June price", "confidence": "Medium", "date_added": wrong["date_added"]})
    );
    assert_eq!(app.admin.get("/api/strategies").json()["items"][0], saved.json(), "listed as stored, in its place");
    let renamed = app.admin.put_json(&model_path, &json!({"content": "Textbook demand peaks before each semester"}));
    check("put", "/api/intelligence/{id}", &renamed, 200);
    assert_eq!(renamed.json()["content"], "Textbook demand peaks before each semester");
    check("put", "/api/intelligence/{id}", &app.admin.put_json(&model_path, &json!({"content": ""})), 400);
    check("put", "/api/intelligence/{id}", &app.admin.put_json("/api/intelligence/99999", &json!({"content": "x"})), 404);
    assert_eq!(app.admin.get(&model_path).status, 405);

    // The cached advice was built on the old wording: the next question is a miss with the edit.
    let calls = app.llm.request_count();
    assert_eq!(app.advice("0134093410", "errol").json()["source"], "llm");
    assert_eq!(app.llm.request_count(), calls + 1);
    let prompt = integration_tests::mock_llm::prompt_text(app.llm.requests().last().unwrap());
    assert!(prompt.contains("List at 2.5 times the June price") && !prompt.contains(wrong["advice"].as_str().unwrap()), "{prompt}");
    assert!(prompt.contains("Textbook demand peaks before each semester") && !prompt.contains(model["content"].as_str().unwrap()), "{prompt}");
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

    // A page in windows-1252, named only in its <meta>: its quotes and accents survive.
    let old = app.wait_for_job(app.learn(&json!({"url": localhost_url(&site, "/old-blog")})));
    assert_eq!(old["source_text"], "Don’t pay more than €5 for a café cookbook.", "{old}");

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

const API_KEY: &str = "AIzaSy-test_key";
/// Videos the mock YouTube knows: captions in German, auto-generated English and English; none;
/// German only; not playable.
const LESSON_VIDEO: &str = "L3ss0nV1d-_";
const SILENT_VIDEO: &str = "N0Capti0ns1";
const GERMAN_VIDEO: &str = "Deut5chOnly";
const PRIVATE_VIDEO: &str = "Pr1vateVid0";

/// The manual English track, as timedtext XML whose text is HTML-escaped inside the XML.
const TRANSCRIPT: &str = r##"<?xml version="1.0" encoding="utf-8" ?><transcript>
<text start="0.0" dur="2.5">Buy textbooks ranked under 200000 in June.</text>
<text start="2.5" dur="3.1">Sell them in August for 3 times the June price.</text>
<text start="5.6" dur="2.9">Patience is what separates a seasonal seller from a gambler &amp;amp; it&amp;#39;s free.</text>
<text start="8.5" dur="3.0">&lt;font color="#CCCCCC"&gt;Cash tied up in slow books&lt;/font&gt; cannot buy the next deal.</text>
</transcript>"##;
const TRANSCRIPT_TEXT: &str = "Buy textbooks ranked under 200000 in June.\nSell them in August for 3 times the June price.\n\
    Patience is what separates a seasonal seller from a gambler & it's free.\nCash tied up in slow books cannot buy the next deal.";

/// Whether the mock's watch page is YouTube's cookie-consent page instead, as in some regions.
#[derive(Clone, Copy, PartialEq)]
enum ConsentWall {
    None,
    /// Until the request carries the consent cookie of the form's `v` value.
    UntilAccepted,
    /// Whatever the request carries.
    Always,
}

/// The consent form's `v` value and the cookie that accepts it.
const CONSENT_VALUE: &str = "cb.20260101-00-p0.de+FX+123";
const CONSENT_COOKIE: &str = "CONSENT=YES+cb.20260101-00-p0.de+FX+123";

/// A mock YouTube on 127.0.0.1 (watch page, InnerTube player, timedtext) and what it was asked.
struct MockYouTube {
    server: MockServer,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

impl MockYouTube {
    fn start() -> Self {
        Self::start_with(ConsentWall::None)
    }

    fn start_with(wall: ConsentWall) -> Self {
        let port = Arc::new(OnceLock::<u16>::new());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (port_of_mock, log) = (port.clone(), seen.clone());
        let server = MockServer::start(move |request: &SeenRequest| {
            log.lock().unwrap().push(request.clone());
            let walled = match wall {
                ConsentWall::None => false,
                ConsentWall::UntilAccepted => request.header("cookie") != Some(CONSENT_COOKIE),
                ConsentWall::Always => true,
            };
            if walled && request.path_and_query.starts_with("/watch?") {
                return consent_page();
            }
            youtube_reply(request, &format!("http://localhost:{}", port_of_mock.get().expect("port set")))
        });
        port.set(server.address.port()).unwrap();
        MockYouTube { server, seen }
    }

    /// For `youtube_base_url`; a name, as the guard refuses loopback literals.
    fn origin(&self) -> String {
        localhost_url(&self.server, "")
    }

    fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

fn consent_page() -> MockReply {
    let page = format!(
        "<html><body><form action=\"https://consent.youtube.com/s\" method=\"POST\">\
         <input type=\"hidden\" name=\"gl\" value=\"DE\"><input type=\"hidden\" name=\"v\" value=\"{CONSENT_VALUE}\">\
         <button>Accept all</button></form></body></html>"
    );
    MockReply::raw(200, "text/html; charset=utf-8", page.into_bytes())
}

fn youtube_reply(request: &SeenRequest, origin: &str) -> MockReply {
    let (path, query) = request.path_and_query.split_once('?').unwrap_or((request.path_and_query.as_str(), ""));
    match (request.method.as_str(), path) {
        ("GET", "/watch") => MockReply::raw(
            200,
            "text/html; charset=utf-8",
            format!(
                "<html><head><script>ytcfg.set({{\"INNERTUBE_API_KEY\":\"{API_KEY}\",\"INNERTUBE_CLIENT_VERSION\":\"2.20250101\"}});\
                 </script></head><body>YOUTUBE PAGE CHROME</body></html>"
            )
            .into_bytes(),
        ),
        ("POST", "/youtubei/v1/player") if query == format!("key={API_KEY}") => {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            MockReply::json(200, &player_answer(body["videoId"].as_str().unwrap_or_default(), origin))
        }
        ("GET", "/api/timedtext") if query == format!("v={LESSON_VIDEO}&lang=en&sig=abc") => {
            MockReply::raw(200, "text/xml; charset=UTF-8", TRANSCRIPT.as_bytes().to_vec())
        }
        ("GET", "/api/timedtext") => MockReply::raw(
            200,
            "text/xml; charset=UTF-8",
            b"<transcript><text start=\"0\" dur=\"1\">WRONG TRACK 1</text></transcript>".to_vec(),
        ),
        _ => MockReply::raw(404, "text/plain", b"not found".to_vec()),
    }
}

/// The player endpoint's answer for `video`, caption URLs pointing back at the mock.
fn player_answer(video: &str, origin: &str) -> Value {
    let track = |language: &str, extra: &str, name: Value| {
        json!({"baseUrl": format!("{origin}/api/timedtext?v={video}&lang={language}{extra}"), "languageCode": language, "name": name})
    };
    let german = track("de", "", json!({"runs": [{"text": "Deutsch"}]}));
    let playing = json!({"status": "OK", "playableInEmbed": true});
    match video {
        LESSON_VIDEO => {
            let mut generated = track("en", "&kind=asr", json!({"simpleText": "English (auto-generated)"}));
            generated["kind"] = json!("asr");
            let manual = track("en", "&fmt=srv3&sig=abc", json!({"runs": [{"text": "English"}]}));
            json!({"playabilityStatus": playing, "captions": captions(vec![german, generated, manual])})
        }
        SILENT_VIDEO => json!({"playabilityStatus": playing, "videoDetails": {"videoId": video}}),
        GERMAN_VIDEO => json!({"playabilityStatus": playing, "captions": captions(vec![german])}),
        PRIVATE_VIDEO => json!({"playabilityStatus": {"status": "LOGIN_REQUIRED", "reason": "Sign in to confirm your age"}}),
        _ => json!({"playabilityStatus": {"status": "ERROR", "reason": "This video is unavailable"}}),
    }
}

fn captions(tracks: Vec<Value>) -> Value {
    json!({"playerCaptionsTracklistRenderer": {"captionTracks": tracks}})
}

#[test]
fn a_youtube_video_is_learned_from_its_manual_english_transcript() {
    let youtube = MockYouTube::start();
    let app = start(&[("youtube_base_url", &youtube.origin())]);
    let watch = app.wait_for_job(app.learn(&json!({"url": format!("https://www.youtube.com/watch?v={LESSON_VIDEO}&t=42s")})));
    assert_eq!(watch["status"], "done", "{watch}");
    assert_eq!(watch["source_text"], TRANSCRIPT_TEXT, "{watch}");
    assert_eq!(watch["strategies"].as_array().unwrap().len(), 2, "{watch}");
    assert_eq!(watch["strategies"][0]["advice"], "Buy textbooks ranked under 200000 in June", "{watch}");
    assert_eq!(watch["mental_models"].as_array().unwrap().len(), 2, "{watch}");
    let note = format!("learned from the manually created English captions (en) of YouTube video {LESSON_VIDEO}");
    assert_eq!(watch["notes"], json!([note]), "{watch}");

    let seen = youtube.seen();
    let paths: Vec<(&str, &str)> = seen.iter().map(|r| (r.method.as_str(), r.path_and_query.as_str())).collect();
    assert_eq!(
        paths,
        [
            ("GET", format!("/watch?v={LESSON_VIDEO}").as_str()),
            ("POST", format!("/youtubei/v1/player?key={API_KEY}").as_str()),
            ("GET", format!("/api/timedtext?v={LESSON_VIDEO}&lang=en&sig=abc").as_str()),
        ],
        "the manual English track, without fmt=srv3; not the German or auto-generated one"
    );
    let player: Value = serde_json::from_slice(&seen[1].body).unwrap();
    assert_eq!(player, json!({"context": {"client": {"clientName": "ANDROID", "clientVersion": "20.10.38"}}, "videoId": LESSON_VIDEO}));

    let short = app.wait_for_job(app.learn(&json!({"url": format!("https://youtu.be/{LESSON_VIDEO}?si=shared")})));
    assert_eq!(short["status"], "done", "{short}");
    assert_eq!(short["source_text"], TRANSCRIPT_TEXT, "{short}");
    assert_eq!(youtube.seen().len(), 6, "the short link fetched the same three");
}

#[test]
fn a_consent_wall_is_accepted_with_its_cookie_and_one_that_stays_fails_the_job() {
    let youtube = MockYouTube::start_with(ConsentWall::UntilAccepted);
    let app = start(&[("youtube_base_url", &youtube.origin())]);
    let job = app.wait_for_job(app.learn(&json!({"url": format!("https://www.youtube.com/watch?v={LESSON_VIDEO}")})));
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["source_text"], TRANSCRIPT_TEXT, "{job}");
    let seen = youtube.seen();
    let requests: Vec<(&str, Option<&str>)> =
        seen.iter().map(|r| (r.path_and_query.split('?').next().unwrap(), r.header("cookie"))).collect();
    assert_eq!(
        requests,
        [
            ("/watch", None),
            ("/watch", Some(CONSENT_COOKIE)),
            ("/youtubei/v1/player", Some(CONSENT_COOKIE)),
            ("/api/timedtext", Some(CONSENT_COOKIE)),
        ],
        "the wall accepted once, the cookie carried on"
    );

    let walled = MockYouTube::start_with(ConsentWall::Always);
    let app = start(&[("youtube_base_url", &walled.origin())]);
    let job = app.wait_for_job(app.learn(&json!({"url": format!("https://youtu.be/{LESSON_VIDEO}")})));
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap();
    assert!(error.ends_with("and accepting it with the consent cookie did not get past it"), "{error}");
    assert_eq!(walled.seen().len(), 2, "the watch page twice, nothing after it");
}

#[test]
fn youtube_videos_without_a_usable_transcript_fail_with_the_reason() {
    let youtube = MockYouTube::start();
    let app = start(&[("youtube_base_url", &youtube.origin())]);
    for (url, expected) in [
        (format!("https://www.youtube.com/shorts/{SILENT_VIDEO}"), "this video has no captions".to_string()),
        (format!("https://m.youtube.com/watch?v={GERMAN_VIDEO}"), "this video has no English captions (captions in: de)".into()),
        (
            format!("https://www.youtube-nocookie.com/embed/{PRIVATE_VIDEO}"),
            "YouTube will not play this video (LOGIN_REQUIRED): Sign in to confirm your age".into(),
        ),
        ("https://youtu.be/Unkn0wnVid0".into(), "YouTube will not play this video (ERROR): This video is unavailable".into()),
    ] {
        let job = app.wait_for_job(app.learn(&json!({"url": url})));
        assert_eq!(job["status"], "failed", "{url}: {job}");
        let error = job["error"].as_str().unwrap();
        assert!(error.starts_with("could not learn from YouTube video ") && error.ends_with(&expected), "{url}: {error}");
    }
    assert!(youtube.seen().iter().all(|r| !r.path_and_query.starts_with("/api/timedtext")), "no transcript was fetched");

    for url in ["https://www.youtube.com/watch?v=tooshort", "https://youtu.be/"] {
        let reply = app.admin.post_json("/learn", &json!({"url": url}));
        assert_eq!(reply.status, 400, "{url}: {}", reply.body);
        assert!(reply.body.contains("YouTube"), "{url}: {}", reply.body);
    }
}

#[test]
fn the_learn_endpoints_answer_as_docs_openapi_yaml_documents() {
    let spec = Spec::load();
    let app = start(&[]);
    let answered = |reply: integration_tests::Reply, status: u16| {
        assert_eq!(reply.status, status, "{}", reply.body);
        reply.json()
    };
    let queued = answered(app.admin.post_json("/learn", &json!({"text": LESSON})), 202);
    spec.check("post", "/learn", 202, &queued);
    spec.check("post", "/learn", 400, &answered(app.admin.post_json("/learn", &json!({})), 400));
    spec.check("post", "/learn", 403, &answered(app.user.post_json("/learn", &json!({"text": LESSON})), 403));
    let job = queued["job_id"].as_i64().unwrap();
    spec.check("get", "/api/learn/{id}", 200, &answered(app.admin.get(&format!("/api/learn/{job}")), 200));
    spec.check("get", "/api/learn", 200, &answered(app.admin.get("/api/learn"), 200));
    let done = app.wait_for_job(job);
    spec.check("get", "/api/learn/{id}", 200, &done);
    spec.check("get", "/api/learn/{id}", 404, &answered(app.admin.get("/api/learn/999"), 404));
    spec.check("get", "/api/learn", 200, &answered(app.admin.get("/api/learn"), 200));
    let approval = json!({"strategies": [done["strategies"][0].clone(), "Check the Amazon price first"], "mental_models": ["Cash is a position"]});
    spec.check("post", "/api/learn/{id}/approve", 200, &answered(app.admin.post_json(&format!("/api/learn/{job}/approve"), &approval), 200));
    spec.check("get", "/api/learn", 200, &answered(app.admin.get("/api/learn"), 200));

    let strategies = answered(app.admin.get("/api/strategies"), 200);
    assert_eq!(strategies["total_count"], 2);
    spec.check("get", "/api/strategies", 200, &strategies);
    let models = answered(app.admin.get("/api/intelligence"), 200);
    spec.check("get", "/api/intelligence", 200, &models);
    spec.check("get", "/api/strategies", 403, &answered(app.user.get("/api/strategies"), 403));
    let first_id = |list: &Value| list["items"][0]["id"].as_i64().unwrap();
    spec.check("delete", "/api/strategies/{id}", 200, &answered(app.admin.delete(&format!("/api/strategies/{}", first_id(&strategies))), 200));
    spec.check("delete", "/api/intelligence/{id}", 200, &answered(app.admin.delete(&format!("/api/intelligence/{}", first_id(&models))), 200));
    spec.check("delete", "/api/intelligence/{id}", 404, &answered(app.admin.delete("/api/intelligence/999"), 404));
}
