//! The AI mentors through the runtime, against the mock LLM: persona prompts, the advice cache,
//! offline fallbacks, the budget ledger, chat history, and the HTML sanitizer with the Markdown
//! many models answer in.

mod accounts_support;
mod ai_support;
mod openapi_support;

use ai_support::{AiApp, good_deal, start};
use openapi_support::Spec;
use accounts_support::Session;
use integration_tests::{RuntimeProcess, RuntimeProcessBuilder};
use integration_tests::mock_llm::{LlmFault, Style, prompt_cache, prompt_text};
use serde_json::json;
use std::time::Duration;

const ASIN: &str = "0134093410";

/// The cost of a call in micro-USD, rounded up, from its `usage` as the provider reports it and
/// the prices in micro-USD per million prompt, cached prompt and output tokens.
fn cost_micro_usd(usage: &serde_json::Value, (prompt, cached, output): (i64, i64, i64)) -> i64 {
    let tokens = |value: &serde_json::Value| value.as_i64().unwrap();
    let cached_tokens = tokens(&usage["prompt_tokens_details"]["cached_tokens"]);
    let prompt_tokens = tokens(&usage["prompt_tokens"]);
    let output_tokens = tokens(&usage["total_tokens"]) - prompt_tokens;
    let micro_usd_times_million = (prompt_tokens - cached_tokens) * prompt + cached_tokens * cached + output_tokens * output;
    (micro_usd_times_million + 999_999) / 1_000_000
}

fn advice_source(app: &AiApp, asin: &str, mentor: &str) -> String {
    let reply = app.advice(asin, mentor);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["source"].as_str().unwrap().to_string()
}

#[test]
fn each_persona_gets_its_own_prompt_and_advice_is_cached_until_the_deal_changes() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    for mentor in ["olyvia", "joel", "evelyn", "errol"] {
        let reply = app.advice(ASIN, mentor);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        assert_eq!(body["source"], "llm", "{body}");
        assert_eq!(body["mentor"], mentor);
    }
    let prompts: Vec<String> = app.llm.requests().iter().map(prompt_text).collect();
    assert_eq!(prompts.len(), 4);
    for (prompt, name) in prompts.iter().zip(["Olyvia", "Joel", "Evelyn", "Errol"]) {
        assert!(prompt.contains(&format!("You are {name}")), "{name}'s prompt: {prompt}");
        assert!(prompt.contains("Strategic corrections"), "corrections injected");
        assert!(prompt.contains(ASIN), "deal facts injected");
    }
    let distinct: std::collections::HashSet<_> = prompts.iter().collect();
    assert_eq!(distinct.len(), 4, "four different prompts");

    // Same question (legacy key of the same persona): served from the cache, no provider call.
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "cache");
    assert_eq!(advice_source(&app, ASIN, "cfo"), "cache");
    assert_eq!(app.llm.request_count(), 4);

    // The deal changes: a miss, a new call.
    app.app.database().execute("UPDATE deals SET price_now_cents = 1700 WHERE asin = ?", [ASIN]).unwrap();
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "llm");
    assert_eq!(app.llm.request_count(), 5);
    assert_eq!(app.usage("advice"), (5, 0, 2, 0));

    // Other users' settings are other numbers: no shared cache entry.
    let admin_reply = app.admin.get(&format!("/api/ava-advice/{ASIN}?mentor=olyvia"));
    assert_eq!(admin_reply.json()["source"], "cache", "same default settings, same numbers");
    app.app.database().execute("INSERT INTO user_settings (user_id, prep_fee_cents, updated_at) SELECT id, 100, 0 FROM users WHERE username = 'admin'", []).unwrap();
    let admin_reply = app.admin.get(&format!("/api/ava-advice/{ASIN}?mentor=olyvia"));
    assert_eq!(admin_reply.json()["source"], "llm", "different settings, different numbers");

    // The ledger bills the tokens the provider reports, reasoning included, at xAI's prices for
    // the default model, cached prompt tokens at their own.
    let usages = app.llm.usages();
    let reported = usages.iter().fold((0, 0, 0), |(prompt, output, cost), usage| {
        let (prompt_tokens, total_tokens) = (usage["prompt_tokens"].as_i64().unwrap(), usage["total_tokens"].as_i64().unwrap());
        (prompt + prompt_tokens, output + total_tokens - prompt_tokens, cost + cost_micro_usd(usage, (200_000, 50_000, 500_000)))
    });
    let billed: (i64, i64, i64) = app.app.database()
        .query_row("SELECT SUM(prompt_tokens), SUM(completion_tokens), SUM(estimated_cost_micro_usd) FROM ai_usage WHERE feature = 'advice'", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    assert_eq!(billed, reported);
    // Olyvia's second prompt repeats her first up to the deal: all of it but the block the deal
    // starts in comes from the provider's cache.
    let second_olyvia = prompt_text(&app.llm.requests()[4]);
    assert!(second_olyvia.starts_with("You are Olyvia"), "{second_olyvia}");
    let cached_chars = usages[4]["prompt_tokens_details"]["cached_tokens"].as_u64().unwrap() as usize * 4;
    let deal_at = second_olyvia.find("The deal:").unwrap();
    assert!(cached_chars + prompt_cache::BLOCK_CHARS > deal_at, "{cached_chars} of the {deal_at} characters before the deal are cached");

    let health = app.app.client().get("/api/health").json();
    assert_eq!(health["ai"]["calls_today"], 6, "{health}");
    assert_eq!(health["ai"]["advice_cache_hits_today"], 3, "{health}");
    assert_eq!(health["ai"]["budget_state"], "ok");
    assert_eq!(health["ai"]["configured"], true);
}

#[test]
fn bad_requests_get_json_errors() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    let not_found = app.advice("0000000000", "olyvia");
    assert_eq!(not_found.status, 404);
    assert_eq!(not_found.json()["error"], "Deal not found");
    let bad_mentor = app.advice(ASIN, "bob");
    assert_eq!(bad_mentor.status, 400);
    assert!(bad_mentor.json()["error"].as_str().unwrap().contains("olyvia"));
    assert_eq!(app.user.get("/api/ava-advice/not-an-asin").status, 400);
    assert_eq!(app.app.client().get(&format!("/api/ava-advice/{ASIN}")).status, 401);
    assert_eq!(app.app.client().post_json("/api/mentor-chat", &json!({"message": "hi"})).status, 401);
    let empty = app.user.post_json("/api/mentor-chat", &json!({"message": "  "}));
    assert_eq!(empty.status, 400);
    let long = app.user.post_json("/api/mentor-chat", &json!({"message": "x".repeat(2001)}));
    assert_eq!(long.status, 400);
    assert!(long.json()["error"].as_str().unwrap().contains("2000"), "{}", long.body);
    assert_eq!(app.user.client.post("/api/mentor-chat", "{}", "application/json").status, 403, "no CSRF token");
    let not_json = app.user.client.request("POST", "/api/mentor-chat", Some(b"{"), &[("x-csrf-token", &app.user.csrf)]);
    assert_eq!(not_json.status, 400);
    assert_eq!(app.llm.request_count(), 0);
}

/// The app with no LLM provider configured, a signed-in user and the deal [`ASIN`].
fn start_without_provider() -> (RuntimeProcess, Session) {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    accounts_support::add_user(&app, "user", "user");
    let user = accounts_support::login(&app, "user");
    accounts_support::insert_deals(&app, &[good_deal(ASIN)]);
    (app, user)
}

#[test]
fn offline_answers_when_no_provider_is_configured() {
    let (app, user) = start_without_provider();
    let advice = user.get(&format!("/api/ava-advice/{ASIN}?mentor=joel")).json();
    assert_eq!(advice["source"], "offline", "{advice}");
    assert!(advice["advice"].as_str().unwrap().starts_with("<p><b>Joel: "), "{advice}");
    assert!(advice["offline_reason"].as_str().unwrap().contains("no LLM provider is configured"), "{advice}");
    let chat = user.post_json("/api/mentor-chat", &json!({"message": "Should I buy?", "mentor": "evelyn"})).json();
    assert_eq!(chat["source"], "offline", "{chat}");
    let health = app.client().get("/api/health").json();
    assert_eq!(health["ai"]["configured"], false, "{health}");
    assert_eq!(health["ai"]["offline_answers_today"], 2, "{health}");
}

#[test]
fn offline_chat_quotes_the_knowledge_base_and_assesses_a_named_deal() {
    let (app, user) = start_without_provider();
    let db = app.database();
    for (category, trigger, advice) in [
        ("Seasonality", "A textbook is cheap in June", "Buy textbooks in June, sell them in August <script>alert(1)</script>"),
        ("Risk", "Amazon is on the listing", "Skip unless the margin is huge"),
    ] {
        db.execute(
            "INSERT INTO strategies (category, trigger_text, advice, confidence, date_added, content_key) \
             VALUES (?1, ?2, ?3, 'High', date('now'), ?2 || ?3)",
            (category, trigger, advice),
        )
        .unwrap();
    }
    db.execute("INSERT INTO mental_models (content, date_added, content_key) VALUES ('Textbook prices follow the semester', date('now'), 'm1')", [])
        .unwrap();
    let chat = |message: &str, mentor: &str| {
        let reply = user.post_json("/api/mentor-chat", &json!({"message": message, "mentor": mentor}));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        assert_eq!(body["source"], "offline", "{body}");
        body["reply"].as_str().unwrap().to_string()
    };

    let textbooks = chat("<img src=x onerror=alert(2)> When should I buy TEXTBOOKS?", "joel");
    assert!(textbooks.starts_with("<p><b>Joel (offline):</b>"), "{textbooks}");
    assert!(textbooks.contains("<b>Seasonality</b> — if A textbook is cheap in June: Buy textbooks in June, sell them in August &lt;script&gt;"), "{textbooks}");
    assert!(textbooks.contains("<i>Mental model:</i> Textbook prices follow the semester"), "{textbooks}");
    assert!(!textbooks.contains("Skip unless"), "only what shares words with the message: {textbooks}");
    assert!(!textbooks.contains("<script") && !textbooks.contains("<img"), "{textbooks}");

    // The deal named by its ASIN gets the same rule-based assessment as the offline advice.
    let named = chat(&format!("What do you think of {}?", ASIN.to_lowercase()), "olyvia");
    assert!(named.contains(&format!("<i>Calculus Textbook {ASIN}</i> ({ASIN}):</p><p><b>Olyvia: ")), "{named}");
    let advice = user.get(&format!("/api/ava-advice/{ASIN}?mentor=olyvia")).json();
    let assessment = advice["advice"].as_str().unwrap().split("<p><i>Offline assessment").next().unwrap();
    assert!(named.contains(assessment), "{assessment} in {named}");
    // Named by its title as the cover prints it: that deal's assessment.
    let mut biology = good_deal("0134446755");
    biology.title = "Campbell Biology (12th Edition)".into();
    accounts_support::insert_deals(&app, &[biology]);
    let by_title = chat("Is campbell biology worth it?", "olyvia");
    assert!(by_title.contains("<i>Campbell Biology (12th Edition)</i> (0134446755):</p><p><b>Olyvia: "), "{by_title}");

    let untracked = chat("Hello there, what about 0000000000?", "errol");
    assert!(untracked.contains("<p>Not a tracked deal: 0000000000.</p>"), "a named book without a deal: {untracked}");
    let nothing = chat("Hello there!", "errol");
    assert!(nothing.contains("No knowledge entry matches. No known book (ASIN or title) in the message."), "{nothing}");
    for reply in [&textbooks, &named, &untracked, &nothing] {
        assert!(reply.contains("The AI provider is not available right now (no LLM provider is configured"), "{reply}");
    }
}

#[test]
fn provider_failures_are_retried_then_answered_offline() {
    let app = start(&[("llm_timeout_secs", "4")]);
    let asins = ["0000000001", "0000000002", "0000000003", "0000000004"];
    app.insert_deals(&asins.map(good_deal));

    // 429 with a retry hint, then success.
    app.llm.fail_next(LlmFault::RateLimited { retry_after_secs: Some(1) }, 1);
    assert_eq!(advice_source(&app, asins[0], "olyvia"), "llm");
    assert_eq!(app.llm.request_count(), 2);

    // 500 every time: three attempts, then offline.
    app.llm.fail_every_request(Some(LlmFault::ServerError));
    assert_eq!(advice_source(&app, asins[1], "olyvia"), "offline");
    assert_eq!(app.llm.request_count(), 5);
    app.llm.fail_every_request(None);

    // Not JSON: not retried.
    app.llm.fail_next(LlmFault::InvalidJson, 1);
    let invalid = app.advice(asins[2], "olyvia").json();
    assert_eq!(invalid["source"], "offline");
    assert!(invalid["offline_reason"].as_str().unwrap().contains("invalid answer"), "{invalid}");
    assert_eq!(app.llm.request_count(), 6);

    // A hang: the call's deadline (4 s) ends it, well before the request limit.
    app.llm.fail_every_request(Some(LlmFault::Hang(Duration::from_secs(30))));
    let started = std::time::Instant::now();
    assert_eq!(advice_source(&app, asins[3], "olyvia"), "offline");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    app.llm.fail_every_request(None);

    let (calls, failures, _, offline) = app.usage("advice");
    assert_eq!(offline, 3);
    assert!(calls >= 7 && failures == calls - 1, "calls {calls}, failures {failures}");
}

#[test]
fn a_provider_that_serves_chat_completions_at_another_path_is_reached_through_llm_completions_path() {
    // OpenRouter's path: the default one gets the provider's 404, which is not retried.
    let unset = start(&[]);
    unset.insert_deals(&[good_deal(ASIN)]);
    unset.llm.set_completions_path("/api/v1/chat/completions");
    assert_eq!(advice_source(&unset, ASIN, "joel"), "offline");
    assert_eq!(unset.llm.request_count(), 0, "nothing reached the served path");
    let failure = unset.last_failure();
    assert!(failure["reason"].as_str().unwrap().contains("404"), "the admin sees why: {failure}");

    let set = start(&[("llm_completions_path", "api/v1/chat/completions")]);
    set.insert_deals(&[good_deal(ASIN)]);
    set.llm.set_completions_path("/api/v1/chat/completions");
    assert_eq!(advice_source(&set, ASIN, "joel"), "llm");
    let chat = set.user.post_json("/api/mentor-chat", &json!({"message": "Which rank is too slow?", "mentor": "joel"})).json();
    assert_eq!(chat["source"], "llm", "{chat}");
    assert_eq!(set.llm.request_count(), 2);
}

#[test]
fn openai_reasoning_models_are_reached_with_llm_max_tokens_param_and_llm_send_temperature() {
    // An app whose provider is an OpenAI reasoning model that thinks for 500 tokens.
    let reasoning_app = |variables: &[(&str, &str)]| {
        let app = start(&[&[("llm_model", "o4-mini")], variables].concat());
        app.insert_deals(&[good_deal(ASIN)]);
        app.llm.behave_like_openai_reasoning(Some(500));
        app
    };
    // The model refuses max_tokens (the default field): offline, and the admin sees why.
    let refused = reasoning_app(&[]);
    assert_eq!(advice_source(&refused, ASIN, "joel"), "offline");
    let failure = refused.last_failure();
    assert!(failure["reason"].as_str().unwrap().contains("Use 'max_completion_tokens' instead"), "{failure}");

    // The limit in the right field, but a temperature: refused as well.
    let warm = reasoning_app(&[("llm_max_tokens_param", "max_completion_tokens")]);
    assert_eq!(advice_source(&warm, ASIN, "joel"), "offline");
    let failure = warm.last_failure();
    assert!(failure["reason"].as_str().unwrap().contains("'temperature' does not support 0.4"), "{failure}");

    // max_completion_tokens without temperature: advice (1,000 tokens) is answered; chat's 300
    // are spent thinking, and the reason says what to change.
    let limited = reasoning_app(&[("llm_max_tokens_param", "max_completion_tokens"), ("llm_send_temperature", "false")]);
    let whole = limited.advice(ASIN, "joel").json();
    assert_eq!(whole["source"], "llm", "{whole}");
    assert!(!whole["advice"].as_str().unwrap().contains("length limit"), "{whole}");
    let chat = limited.user.post_json("/api/mentor-chat", &json!({"message": "Which rank is too slow?", "mentor": "joel"})).json();
    assert_eq!(chat["source"], "offline", "{chat}");
    let failure = limited.last_failure();
    assert!(failure["reason"].as_str().unwrap().contains("llm_max_tokens_param = none"), "{failure}");
    // Thinking for 950 of the 1,000 leaves 50 tokens of advice: shown, and said to stop there.
    limited.llm.behave_like_openai_reasoning(Some(950));
    let cut = limited.advice(ASIN, "olyvia").json();
    assert_eq!(cut["source"], "llm", "{cut}");
    let html = cut["advice"].as_str().unwrap();
    assert!(html.starts_with("<p><b>Olyvia</b> (mock") && html.ends_with("the model reached its length limit.)</i></p>"), "{html}");

    // none: no limit is sent and chat is answered.
    let unlimited = reasoning_app(&[("llm_max_tokens_param", "none"), ("llm_send_temperature", "false")]);
    let chat = unlimited.user.post_json("/api/mentor-chat", &json!({"message": "Which rank is too slow?", "mentor": "joel"})).json();
    assert_eq!(chat["source"], "llm", "{chat}");
    let sent = &unlimited.llm.requests()[0];
    assert!(sent.get("max_tokens").is_none() && sent.get("max_completion_tokens").is_none(), "{sent}");
}

#[test]
fn the_budget_warns_at_80_percent_and_refuses_at_100() {
    let app = start(&[("llm_daily_budget", "5"), ("llm_user_daily_cap", "3")]);
    let asins = ["0000000011", "0000000012"];
    app.insert_deals(&asins.map(good_deal));
    for mentor in ["olyvia", "joel", "evelyn"] {
        assert_eq!(advice_source(&app, asins[0], mentor), "llm");
    }
    let capped = app.advice(asins[0], "errol").json();
    assert_eq!(capped["source"], "offline");
    assert!(capped["offline_reason"].as_str().unwrap().contains("your daily limit of 3"), "{capped}");

    let admin_advice = |mentor: &str| app.admin.get(&format!("/api/ava-advice/{}?mentor={mentor}", asins[1])).json();
    assert_eq!(admin_advice("olyvia")["source"], "llm");
    let health = app.app.client().get("/api/health").json();
    assert_eq!(health["ai"]["budget_state"], "warning", "4 of 5: {health}");
    assert_eq!(admin_advice("joel")["source"], "llm");
    let refused = admin_advice("evelyn");
    assert_eq!(refused["source"], "offline");
    assert!(refused["offline_reason"].as_str().unwrap().contains("daily AI budget of 5"), "{refused}");
    let health = app.app.client().get("/api/health").json();
    assert_eq!(health["ai"]["budget_state"], "refused", "{health}");
    assert_eq!(health["ai"]["calls_today"], 5);
    assert_eq!(app.llm.request_count(), 5, "nothing sent over budget");
}

#[test]
fn a_reservation_that_fails_part_way_counts_nothing_and_sends_nothing() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    // The app's count is written first; a failure at the user's count must take it back.
    let db = app.app.database();
    db.execute_batch("CREATE TRIGGER refuse_user_counts BEFORE INSERT ON ai_user_usage BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;").unwrap();
    let answer = app.advice(ASIN, "joel").json();
    assert_eq!(answer["source"], "offline", "{answer}");
    assert!(answer["offline_reason"].as_str().unwrap().contains("disk trouble"), "{answer}");
    assert_eq!(app.usage("advice").0, 0, "no call counted");
    assert_eq!(app.llm.request_count(), 0, "nothing sent without a reservation");

    db.execute_batch("DROP TRIGGER refuse_user_counts").unwrap();
    assert_eq!(advice_source(&app, ASIN, "joel"), "llm");
    assert_eq!(app.usage("advice").0, 1);
}

#[test]
fn concurrent_misses_never_overshoot_the_user_cap_or_the_budget() {
    let app = start(&[("llm_daily_budget", "6"), ("llm_user_daily_cap", "4")]);
    app.llm.set_delay(Duration::from_millis(300));
    let asins: Vec<String> = (20..25).map(|i| format!("00000000{i}")).collect();
    app.insert_deals(&asins.iter().map(|asin| good_deal(asin)).collect::<Vec<_>>());
    // 20 different questions at once: every reservation is made while the others are in flight.
    let ask_all = |session: &Session| -> Vec<String> {
        let questions: Vec<String> = asins
            .iter()
            .flat_map(|asin| ["olyvia", "joel", "evelyn", "errol"].map(|mentor| format!("/api/ava-advice/{asin}?mentor={mentor}")))
            .collect();
        std::thread::scope(|scope| {
            let asked: Vec<_> = questions.iter().map(|path| scope.spawn(move || session.get(path).json())).collect();
            asked.into_iter().map(|answer| answer.join().unwrap()["source"].as_str().unwrap().to_string()).collect()
        })
    };
    let count = |sources: &[String], source: &str| sources.iter().filter(|s| *s == source).count();

    let user = ask_all(&app.user);
    assert_eq!((count(&user, "llm"), count(&user, "offline")), (4, 16), "the user's cap of 4: {user:?}");
    // Same settings, so the admin's copies of the user's 4 answers come from the cache.
    let admin = ask_all(&app.admin);
    assert_eq!((count(&admin, "cache"), count(&admin, "llm"), count(&admin, "offline")), (4, 2, 14), "budget of 6: {admin:?}");
    assert_eq!(app.llm.request_count(), 6, "nothing sent over the budget");
    assert_eq!(app.app.client().get("/api/health").json()["ai"]["calls_today"], 6);
}

#[test]
fn chat_follow_ups_carry_the_history_and_replies_are_sanitized() {
    let app = start(&[]);
    let first = app.user.post_json("/api/mentor-chat", &json!({"message": "What rank is too slow?", "mentor": "joel"}));
    assert_eq!(first.status, 200, "{}", first.body);
    let first = first.json();
    assert_eq!(first["source"], "llm");
    let conversation = first["conversation_id"].as_i64().unwrap();
    let hostile = "And textbooks? <script>alert(1)</script><img src=x onerror=alert(2)><b>bold</b>";
    let second = app.user.post_json("/api/mentor-chat", &json!({"message": hostile, "mentor": "joel", "conversation_id": conversation})).json();
    assert_eq!(second["conversation_id"], conversation);
    let reply = second["reply"].as_str().unwrap();
    assert!(reply.contains("turn 2"), "the model saw both turns: {reply}");
    assert!(!reply.contains("<script") && !reply.contains("onerror") && !reply.contains("<img"), "{reply}");
    assert!(reply.contains("<b>bold</b>"), "{reply}");

    let requests = app.llm.requests();
    let messages = requests[1]["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(messages[1]["content"], "What rank is too slow?");
    assert_eq!(messages[2]["content"], first["reply"]);

    let foreign = app.admin.post_json("/api/mentor-chat", &json!({"message": "hi", "conversation_id": conversation}));
    assert_eq!(foreign.status, 404, "another user's conversation is unknown");
}

#[test]
fn markdown_replies_and_model_reasoning_reach_the_page_as_whitelisted_html() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    app.llm.set_style(Style::MarkdownWithReasoning);

    let advice = app.advice(ASIN, "joel").json();
    assert_eq!(advice["source"], "llm", "{advice}");
    let html = advice["advice"].as_str().unwrap();
    assert!(html.starts_with("<p><strong>Joel</strong></p>\n<p><strong>Mock answer</strong> (prompt "), "{html}");
    assert!(html.contains(&format!("<li>ASIN: {ASIN}</li>")), "the deal facts as a list: {html}");
    assert!(!html.contains("reasoning") && !html.contains("think"), "the model's reasoning is not shown: {html}");
    assert!(!html.contains("**") && !html.contains("###") && !html.contains("\n- "), "no Markdown left: {html}");
    assert_eq!(advice_source(&app, ASIN, "joel"), "cache", "the cache holds the page's HTML");
    assert_eq!(app.advice(ASIN, "joel").json()["advice"], html);

    let chat = app.user.post_json("/api/mentor-chat", &json!({"message": "Is a rank of 300k fast enough?", "mentor": "joel"})).json();
    assert_eq!(chat["source"], "llm", "{chat}");
    let reply = chat["reply"].as_str().unwrap();
    assert!(reply.ends_with("<ul>\n<li>Is a rank of 300k fast enough?</li>\n</ul>"), "{reply}");
    assert!(!reply.contains("reasoning"), "{reply}");
    let earlier = app.user.get(&format!("/api/mentor-chat?conversation_id={}", chat["conversation_id"])).json();
    assert!(earlier.to_string().contains("<li>Is a rank of 300k fast enough?</li>"), "stored as shown: {earlier}");
}

/// The "For this user: …" line of a prompt (the user's own costs and profit).
fn own_figures(prompt: &str) -> String {
    prompt.lines().find(|line| line.starts_with("For this user:")).unwrap_or_else(|| panic!("no own figures in {prompt}")).to_string()
}

#[test]
fn a_chat_about_a_named_deal_carries_its_figures_for_this_user_into_follow_ups() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    assert_eq!(app.user.post_json("/api/settings", &json!({ "prep_fee": 3.25 })).status, 200);
    let chat = |session: &Session, body: serde_json::Value| {
        let reply = session.post_json("/api/mentor-chat", &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        assert_eq!(body["source"], "llm", "{body}");
        (body["conversation_id"].as_i64().unwrap(), prompt_text(app.llm.requests().last().unwrap()), body["deal"].clone())
    };
    let about_the_deal = |prompt: &str| prompt.contains("The deal the operator is asking about") && prompt.contains(&format!("ASIN: {ASIN}"));
    let the_deal = json!({"asin": ASIN, "title": format!("Calculus Textbook {ASIN}")});

    let (conversation, first, named) = chat(&app.user, json!({"message": format!("Should I buy {}?", ASIN.to_lowercase()), "mentor": "olyvia"}));
    assert!(about_the_deal(&first), "{first}");
    assert_eq!(named, the_deal, "the answer names the deal it was about");
    let (_, follow_up, named) = chat(&app.user, json!({"message": "And if I wait for August?", "mentor": "olyvia", "conversation_id": conversation}));
    assert!(about_the_deal(&follow_up), "a follow-up is about the deal its conversation named: {follow_up}");
    assert_eq!(named, the_deal);
    assert_eq!(app.user.get("/api/mentor-chat").json()["deal"], the_deal, "a new tab learns it with the conversation");
    // A book without a stored deal is named as one without figures; the conversation's deal stays.
    let (_, other_book, named) = chat(&app.user, json!({"message": "Is 978-0-306-40615-7 a better buy?", "mentor": "olyvia", "conversation_id": conversation}));
    assert!(about_the_deal(&other_book), "{other_book}");
    assert!(other_book.contains("not among the deals this app tracks, so without figures here: 0306406152."), "{other_book}");
    assert_eq!(named, the_deal);

    // The figures are this user's own, as in their advice; another user's differ.
    assert_eq!(app.advice(ASIN, "olyvia").json()["source"], "llm");
    let advice = prompt_text(app.llm.requests().last().unwrap());
    assert_eq!(own_figures(&follow_up), own_figures(&advice));
    // Named by the ISBN-13 on the book's barcode (ASIN 0134093410 is ISBN 978-0-13-409341-3).
    let (_, admins, named) = chat(&app.admin, json!({"message": "Should I buy 978-0-13-409341-3?"}));
    assert!(about_the_deal(&admins), "{admins}");
    assert_eq!(named, the_deal);
    assert_ne!(own_figures(&admins), own_figures(&follow_up), "the admin's prep fee is the default");

    let (_, unrelated, named) = chat(&app.user, json!({"message": "What rank is too slow? Not 0000000000.", "mentor": "olyvia"}));
    assert!(!unrelated.contains("The deal the operator is asking about"), "no stored deal named: {unrelated}");
    assert!(unrelated.contains("without figures here: 0000000000."), "{unrelated}");
    assert_eq!(named, json!(null));
    assert_eq!(app.user.get("/api/mentor-chat").json()["deal"], json!(null), "the latest conversation names none");
}

#[test]
fn a_chat_names_a_deal_by_its_title_and_of_several_editions_takes_the_best_selling() {
    let app = start(&[]);
    let edition = |asin: &str, title: &str, rank: i64| {
        let mut deal = good_deal(asin);
        deal.title = title.into();
        deal.sales_rank = Some(rank);
        deal
    };
    app.insert_deals(&[
        edition("0321775651", "Campbell Biology (10th Edition)", 300_000),
        edition("0134093410", "Campbell Biology (11th Edition)", 40_000),
        edition("0134446755", "Campbell Biology in Focus (Campbell Biology Series)", 90_000),
        edition("0441172717", "Dune", 5_000),
    ]);
    let chat = |message: &str, conversation: Option<i64>| {
        let mut body = json!({"message": message, "mentor": "errol"});
        if let Some(id) = conversation {
            body["conversation_id"] = json!(id);
        }
        let reply = app.user.post_json("/api/mentor-chat", &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let reply = reply.json();
        let prompt = prompt_text(app.llm.requests().last().unwrap());
        let in_prompt = prompt.lines().find_map(|line| line.strip_prefix("ASIN: ")).map(str::to_string);
        (reply["conversation_id"].as_i64().unwrap(), reply["deal"]["asin"].as_str().map(str::to_string), in_prompt)
    };
    let both = |asin: &str| (Some(asin.to_string()), Some(asin.to_string()));

    let (conversation, named, in_prompt) = chat("Is CAMPBELL BIOLOGY worth $15 right now?", None);
    assert_eq!((named, in_prompt), both("0134093410"), "the best-selling edition of the title");
    let (_, named, in_prompt) = chat("And campbell biology in focus?", Some(conversation));
    assert_eq!((named, in_prompt), both("0134446755"), "the longer title named is the more specific");
    let (_, named, in_prompt) = chat("Would it sell by August?", Some(conversation));
    assert_eq!((named, in_prompt), both("0134446755"), "a follow-up stays on the book last named");
    let (_, named, in_prompt) = chat("I meant 0321775651, the 10th edition.", Some(conversation));
    assert_eq!((named, in_prompt), both("0321775651"), "another edition by its ASIN");

    let (_, named, in_prompt) = chat("Is dune a good buy? Biology textbooks sell in August.", None);
    assert_eq!((named, in_prompt), (None, None), "one-word titles are everyday words, not looked for");
}

#[test]
fn a_new_tab_gets_the_latest_conversation_back_and_offline_replies_never_reach_the_model() {
    let app = start(&[("llm_timeout_secs", "4")]);
    let chat = |body: serde_json::Value| {
        let reply = app.user.post_json("/api/mentor-chat", &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    };
    assert_eq!(app.user.get("/api/mentor-chat").json(), json!({ "conversation": null, "deal": null }));

    let first = chat(json!({"message": "What rank is too slow?", "mentor": "errol"}));
    let conversation = first["conversation_id"].as_i64().unwrap();
    app.llm.fail_every_request(Some(LlmFault::ServerError));
    let second = chat(json!({"message": "And for textbooks?", "mentor": "errol", "conversation_id": conversation}));
    assert_eq!(second["source"], "offline");
    app.llm.fail_every_request(None);
    let third = chat(json!({"message": "Thanks. One more?", "mentor": "errol", "conversation_id": conversation}));
    assert_eq!(third["source"], "llm");

    let requests = app.llm.requests();
    let messages = requests.last().unwrap()["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user", "user"], "the offline reply is not the model's");
    assert_eq!(messages[2]["content"], first["reply"]);

    let shown = app.user.get("/api/mentor-chat").json();
    assert_eq!(
        shown["conversation"],
        json!({
            "id": conversation,
            "mentor": "errol",
            "turns": [
                {"role": "user", "content": "What rank is too slow?"},
                {"role": "assistant", "content": first["reply"], "source": "llm"},
                {"role": "user", "content": "And for textbooks?"},
                {"role": "assistant", "content": second["reply"], "source": "offline"},
                {"role": "user", "content": "Thanks. One more?"},
                {"role": "assistant", "content": third["reply"], "source": "llm"},
            ],
        })
    );

    let newer = chat(json!({"message": "Hello", "mentor": "olyvia"}));
    let latest = app.user.get("/api/mentor-chat").json();
    assert_eq!((&latest["conversation"]["id"], &latest["conversation"]["mentor"]), (&newer["conversation_id"], &json!("olyvia")));
    assert_eq!(app.admin.get("/api/mentor-chat").json(), json!({ "conversation": null, "deal": null }), "only one's own conversations");
    assert_eq!(app.app.client().get("/api/mentor-chat").status, 401);
}

#[test]
fn advice_whose_reader_left_before_the_answer_is_still_kept_and_costs_one_call() {
    use std::io::Write;
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    app.llm.set_delay(Duration::from_millis(1500));
    // The reader closes the overlay (the browser drops the request) while the mentor thinks.
    let address = app.app.base_url.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(stream, "GET /api/ava-advice/{ASIN}?mentor=olyvia HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\r\n", app.user.cookie).unwrap();
    let asked = app.app.wait_until(Duration::from_secs(10), || app.llm.request_count() == 1);
    assert!(asked, "the provider was asked");
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stream);
    // As on Spin, the handler runs to its end: the answer is stored, and reopening the deal gets it.
    let cached = app.app.wait_until(Duration::from_secs(10), || {
        let reply = app.advice(ASIN, "olyvia");
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["source"] == "cache"
    });
    assert!(cached, "the answer of the abandoned request was cached");
    assert_eq!(app.llm.request_count(), 1, "one provider call in all");
    assert_eq!(app.usage("advice").0, 1, "and one in the ledger");

    // Its in-flight mark stays until its time limit (the cache answers meanwhile); a question
    // whose call fails for good takes its mark back, so nobody waits for an answer never coming.
    let marks = || -> i64 { app.app.database().query_row("SELECT COUNT(*) FROM ai_in_flight", [], |row| row.get(0)).unwrap() };
    assert_eq!(marks(), 1);
    app.llm.set_delay(Duration::ZERO);
    app.llm.fail_every_request(Some(LlmFault::ServerError));
    assert_eq!(advice_source(&app, ASIN, "joel"), "offline");
    assert_eq!(marks(), 1, "the failed question's mark is gone");
}

/// Asks the same question from `count` threads released together; the answers' JSON.
fn ask_together(app: &AiApp, count: usize, mentor: &str) -> Vec<serde_json::Value> {
    let barrier = std::sync::Barrier::new(count);
    std::thread::scope(|scope| {
        let asked: Vec<_> = (0..count)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let reply = app.advice(ASIN, mentor);
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    reply.json()
                })
            })
            .collect();
        asked.into_iter().map(|answer| answer.join().unwrap()).collect()
    })
}

#[test]
fn the_same_question_asked_at_the_same_instant_costs_one_call() {
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    app.llm.set_delay(Duration::from_millis(800));
    // Several tabs (or a double click) ask the same question at once: whichever reserves the
    // call first asks, the others wait for its answer, however close together they arrive.
    let sources = |answers: &[serde_json::Value]| answers.iter().map(|a| a["source"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    for mentor in ["olyvia", "joel", "evelyn"] {
        let before = app.llm.request_count();
        let answers = ask_together(&app, 12, mentor);
        let mut sources = sources(&answers);
        sources.sort();
        assert_eq!(sources, [vec!["cache"; 11], vec!["llm"]].concat(), "{mentor}: one asks, the rest read its answer");
        assert!(answers.iter().all(|a| a["advice"] == answers[0]["advice"]));
        assert_eq!(app.llm.request_count(), before + 1, "{mentor}: one provider call");
    }
    assert_eq!(app.usage("advice").0, 3);

    // When the one asking fails for good, those waiting answer offline at once instead of each
    // trying the failing provider again in turn: one call's three attempts in all.
    app.llm.fail_every_request(Some(LlmFault::ServerError));
    let before = app.llm.request_count();
    let answers = ask_together(&app, 12, "errol");
    assert_eq!(sources(&answers), vec!["offline"; 12]);
    assert_eq!(app.llm.request_count(), before + 3, "one call, retried");
    let waited = answers.iter().filter(|a| a["offline_reason"] == "the LLM provider could not answer this same question just now").count();
    assert_eq!(waited, 11, "{answers:?}");
}

#[test]
fn earlier_conversations_are_listed_and_each_can_be_read_and_continued() {
    let spec = Spec::load();
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    let chat = |session: &Session, body: serde_json::Value| {
        let reply = session.post_json("/api/mentor-chat", &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["conversation_id"].as_i64().unwrap()
    };
    let listed = |session: &Session| {
        let reply = session.get("/api/mentor-chat/conversations");
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        spec.check("get", "/api/mentor-chat/conversations", 200, &body);
        body["conversations"].as_array().unwrap().iter().map(|c| (c["id"].as_i64().unwrap(), c["mentor"].as_str().unwrap().to_string(), c["first_question"].as_str().unwrap().to_string(), c["turns"].as_i64().unwrap())).collect::<Vec<_>>()
    };
    assert!(listed(&app.user).is_empty());
    let ranks = chat(&app.user, json!({"message": "What rank is too slow?", "mentor": "errol"}));
    let book = chat(&app.user, json!({"message": "Is 978-0-13-409341-3 worth it?", "mentor": "joel"}));
    assert_eq!(
        listed(&app.user),
        [(book, "joel".into(), "Is 978-0-13-409341-3 worth it?".into(), 2), (ranks, "errol".into(), "What rank is too slow?".into(), 2)],
        "most recently used first"
    );

    let opened = app.user.get(&format!("/api/mentor-chat?conversation_id={ranks}"));
    assert_eq!(opened.status, 200, "{}", opened.body);
    let opened = opened.json();
    spec.check("get", "/api/mentor-chat", 200, &opened);
    assert_eq!((opened["conversation"]["id"].as_i64(), opened["conversation"]["mentor"].as_str()), (Some(ranks), Some("errol")));
    assert_eq!(opened["conversation"]["turns"][0]["content"], "What rank is too slow?");
    assert_eq!(opened["deal"], json!(null));
    let about_book = app.user.get(&format!("/api/mentor-chat?conversation_id={book}")).json();
    assert_eq!(about_book["deal"]["asin"], ASIN, "{about_book}");

    // Continuing the older one carries its turns and moves it to the top.
    chat(&app.user, json!({"message": "And for textbooks?", "mentor": "errol", "conversation_id": ranks}));
    let messages = app.llm.requests().last().unwrap()["messages"].as_array().unwrap().clone();
    assert!(messages.iter().any(|m| m["content"] == "What rank is too slow?"), "{messages:?}");
    assert_eq!(listed(&app.user).iter().map(|c| (c.0, c.3)).collect::<Vec<_>>(), [(ranks, 4), (book, 2)]);
    assert_eq!(app.user.get("/api/mentor-chat").json()["conversation"]["id"].as_i64(), Some(ranks), "the latest is the one continued");

    // Another user's conversations are neither listed nor readable; bad ids are refused.
    assert!(listed(&app.admin).is_empty());
    let foreign = app.admin.get(&format!("/api/mentor-chat?conversation_id={ranks}"));
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    spec.check("get", "/api/mentor-chat", 404, &foreign.json());
    for bad in ["abc", "0", "-3"] {
        assert_eq!(app.user.get(&format!("/api/mentor-chat?conversation_id={bad}")).status, 400, "{bad}");
    }
    assert_eq!(app.user.post_json("/api/mentor-chat/conversations", &json!({})).status, 405);
    assert_eq!(app.user.get("/api/mentor-chat/elsewhere").status, 404);
    assert_eq!(app.app.client().get("/api/mentor-chat/conversations").status, 401);

    // A conversation is deleted with its turns, by its owner only, with the CSRF token.
    let path = format!("/api/mentor-chat/conversations/{book}");
    let turns = |id: i64| -> i64 { app.app.database().query_row("SELECT COUNT(*) FROM chat_messages WHERE conversation_id = ?1", [id], |row| row.get(0)).unwrap() };
    let refusals = [
        (app.admin.delete(&path), 404, "another user's conversation is unknown"),
        (app.user.delete_without_csrf(&path), 403, "no CSRF token"),
        (app.user.delete("/api/mentor-chat/conversations/abc"), 400, "not an id"),
        (app.user.delete("/api/mentor-chat/conversations/99999"), 404, "no such conversation"),
        (app.app.client().request("DELETE", &path, None, &[]), 401, "signed out"),
    ];
    for (reply, status, why) in &refusals {
        assert_eq!(reply.status, *status, "{why}: {}", reply.body);
        spec.check("delete", "/api/mentor-chat/conversations/{id}", *status, &reply.json());
    }
    assert_eq!(app.user.get(&path).status, 405, "only DELETE");
    assert_eq!(turns(book), 2, "the refusals deleted nothing");
    let deleted = app.user.delete(&path);
    assert_eq!((deleted.status, deleted.json()), (200, json!({ "deleted": book })));
    spec.check("delete", "/api/mentor-chat/conversations/{id}", 200, &deleted.json());
    assert_eq!(turns(book), 0);
    assert_eq!(listed(&app.user).iter().map(|c| c.0).collect::<Vec<_>>(), [ranks]);
    assert_eq!(app.user.get(&format!("/api/mentor-chat?conversation_id={book}")).status, 404);
    assert_eq!(app.user.delete(&path).status, 404, "gone");
    assert_eq!(turns(ranks), 4, "the other conversation is untouched");
}

#[test]
fn spend_is_estimated_at_the_configured_prices_with_cached_prompt_tokens_cheaper() {
    let prices = [("llm_prompt_usd_per_million", "3"), ("llm_cached_prompt_usd_per_million", "0.30"), ("llm_completion_usd_per_million", "15")];
    let app = start(&prices);
    app.insert_deals(&[good_deal(ASIN)]);
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "llm");
    app.app.database().execute("UPDATE deals SET price_now_cents = 1700 WHERE asin = ?", [ASIN]).unwrap();
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "llm");
    let usages = app.llm.usages();
    assert!(usages[1]["prompt_tokens_details"]["cached_tokens"].as_u64() > Some(0), "the second prompt starts as the first: {}", usages[1]);
    let expected: i64 = usages.iter().map(|usage| cost_micro_usd(usage, (3_000_000, 300_000, 15_000_000))).sum();
    let cost: i64 = app.app.database().query_row("SELECT estimated_cost_micro_usd FROM ai_usage WHERE feature = 'advice'", [], |row| row.get(0)).unwrap();
    assert_eq!(cost, expected, "{usages:?}");
    let report = app.admin.get("/api/admin/ai-usage").json();
    assert_eq!(report["total"]["estimated_spend_usd"].as_f64(), Some(expected as f64 / 1e6), "{report}");
    let reported = |field: &str| usages.iter().map(|usage| usage.pointer(field).unwrap().as_u64().unwrap()).sum::<u64>();
    let advice = &report["days"][0]["features"]["advice"];
    assert_eq!(advice["prompt_tokens"].as_u64(), Some(reported("/prompt_tokens")), "{report}");
    assert_eq!(advice["cached_prompt_tokens"].as_u64(), Some(reported("/prompt_tokens_details/cached_tokens")), "{report}");
}

#[test]
fn the_admin_sees_the_ai_usage_of_recent_days_per_feature() {
    let spec = Spec::load();
    let app = start(&[("llm_daily_budget", "50")]);
    app.insert_deals(&[good_deal(ASIN)]);
    assert_eq!(app.last_failure(), json!(null), "the provider never failed");
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "llm");
    assert_eq!(advice_source(&app, ASIN, "olyvia"), "cache");
    app.llm.fail_every_request(Some(LlmFault::InvalidJson));
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert_eq!(advice_source(&app, ASIN, "joel"), "offline");
    app.llm.fail_every_request(None);
    let failure = app.last_failure();
    let last_answer_at = app.admin.get("/api/admin/ai-usage").json()["last_answer_at"].as_i64().unwrap();
    assert!(last_answer_at <= failure["at"].as_i64().unwrap(), "the answer came before the failure");
    assert_eq!(failure["feature"], "advice");
    assert!(failure["reason"].as_str().unwrap().starts_with("the LLM provider sent an invalid answer"), "{failure}");
    assert!(failure["at"].as_i64().unwrap() >= before, "{failure}");
    // Declining to call (here: the user's cap) is not a provider failure.
    app.app.database().execute("UPDATE ai_user_usage SET calls = 1000000", []).unwrap();
    assert_eq!(advice_source(&app, ASIN, "evelyn"), "offline");
    assert_eq!(app.last_failure(), failure);
    app.app.database().execute("UPDATE ai_user_usage SET calls = 2", []).unwrap();
    let db = app.app.database();
    db.execute_batch(
        "INSERT INTO ai_usage (day, feature, calls, failures, prompt_tokens, completion_tokens, estimated_cost_micro_usd) VALUES \
             (date('now', '-2 days'), 'ingest', 7, 1, 7000, 700, 1750), \
             (date('now', '-2 days'), 'chat', 2, 0, 800, 200, 260), \
             (date('now', '-40 days'), 'learn', 4, 0, 40000, 4000, 10000)",
    )
    .unwrap();
    let today: String = db.query_row("SELECT date('now')", [], |row| row.get(0)).unwrap();
    let two_days_ago: String = db.query_row("SELECT date('now', '-2 days')", [], |row| row.get(0)).unwrap();
    let (prompt_tokens, completion_tokens): (i64, i64) = db
        .query_row("SELECT prompt_tokens, completion_tokens FROM ai_usage WHERE day = date('now') AND feature = 'advice'", [], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    assert!(prompt_tokens > 0 && completion_tokens > 0);

    let report = |query: &str| {
        let reply = app.admin.get(&format!("/api/admin/ai-usage{query}"));
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        let body = reply.json();
        spec.check("get", "/api/admin/ai-usage", 200, &body);
        body
    };
    let month = report("");
    assert_eq!(month["daily_budget"], 50, "the budget the app runs with");
    let days: Vec<&str> = month["days"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert_eq!(days, [today.as_str(), two_days_ago.as_str()], "newest first, the last 30 days, only days with use");
    let advice = &month["days"][0]["features"]["advice"];
    assert_eq!((advice["calls"].as_i64(), advice["failures"].as_i64(), advice["cache_hits"].as_i64(), advice["offline_answers"].as_i64()), (Some(2), Some(1), Some(1), Some(2)), "one offline answer for the failure, one for the cap");
    assert_eq!((advice["prompt_tokens"].as_i64(), advice["completion_tokens"].as_i64()), (Some(prompt_tokens), Some(completion_tokens)));
    let earlier = &month["days"][1];
    assert_eq!((earlier["calls"].as_i64(), earlier["failures"].as_i64(), earlier["prompt_tokens"].as_i64()), (Some(9), Some(1), Some(7800)));
    assert_eq!(earlier["estimated_spend_usd"], 0.00201);
    assert_eq!(earlier["features"]["chat"]["calls"], 2);
    assert_eq!(month["total"]["calls"], 11);
    assert_eq!(month["users"], json!([{"name": "user", "calls": 2}]), "the user's two calls; the admin asked nothing");
    assert_eq!(month["total"]["cache_hits"], 1);

    assert_eq!(report("?days=90")["days"].as_array().unwrap().len(), 3, "the lesson 40 days ago too");
    assert_eq!(report("?days=90")["total"]["calls"], 15);
    assert_eq!(report("?days=1")["days"].as_array().unwrap().iter().map(|d| d["day"].clone()).collect::<Vec<_>>(), [json!(today)]);
    for bad in ["0", "367", "abc", "-1"] {
        let refused = app.admin.get(&format!("/api/admin/ai-usage?days={bad}"));
        assert_eq!(refused.status, 400, "{bad}: {}", refused.body);
        spec.check("get", "/api/admin/ai-usage", 400, &refused.json());
    }
    let refused = app.user.get("/api/admin/ai-usage");
    assert_eq!(refused.status, 403, "admins only");
    spec.check("get", "/api/admin/ai-usage", 403, &refused.json());
    assert_eq!(app.app.client().get("/api/admin/ai-usage").status, 401);
}

#[test]
fn advice_and_chat_answer_as_docs_openapi_yaml_documents() {
    let spec = Spec::load();
    let app = start(&[]);
    app.insert_deals(&[good_deal(ASIN)]);
    let answered = |reply: integration_tests::Reply, status: u16| {
        assert_eq!(reply.status, status, "{}", reply.body);
        reply.json()
    };
    let advice = answered(app.advice(ASIN, "joel"), 200);
    assert_eq!(advice["source"], "llm");
    spec.check("get", "/api/ava-advice/{asin}", 200, &advice);
    spec.check("get", "/api/ava-advice/{asin}", 200, &answered(app.advice(ASIN, "joel"), 200));
    spec.check("get", "/api/ava-advice/{asin}", 404, &answered(app.advice("0000000000", "joel"), 404));
    spec.check("get", "/api/ava-advice/{asin}", 400, &answered(app.advice(ASIN, "nobody"), 400));

    spec.check("get", "/api/mentor-chat", 200, &answered(app.user.get("/api/mentor-chat"), 200));
    let first = answered(app.user.post_json("/api/mentor-chat", &json!({"message": format!("And {ASIN}?"), "mentor": "evelyn"})), 200);
    spec.check("post", "/api/mentor-chat", 200, &first);
    app.llm.fail_every_request(Some(LlmFault::ServerError));
    let offline_advice = answered(app.advice(ASIN, "errol"), 200);
    assert_eq!(offline_advice["source"], "offline");
    spec.check("get", "/api/ava-advice/{asin}", 200, &offline_advice);
    let follow_up = json!({"message": "Why?", "mentor": "evelyn", "conversation_id": first["conversation_id"]});
    let offline = answered(app.user.post_json("/api/mentor-chat", &follow_up), 200);
    assert_eq!(offline["source"], "offline");
    spec.check("post", "/api/mentor-chat", 200, &offline);
    let shown = answered(app.user.get("/api/mentor-chat"), 200);
    assert_eq!(shown["conversation"]["turns"].as_array().unwrap().len(), 4);
    spec.check("get", "/api/mentor-chat", 200, &shown);
    spec.check("post", "/api/mentor-chat", 400, &answered(app.user.post_json("/api/mentor-chat", &json!({"message": ""})), 400));
    let unknown = json!({"message": "Hi", "conversation_id": 999_999});
    spec.check("post", "/api/mentor-chat", 404, &answered(app.user.post_json("/api/mentor-chat", &unknown), 404));
}
