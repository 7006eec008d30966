//! `GET /api/debug/deal/<asin>`: a live, token-budgeted Keepa fetch analysed beside the stored
//! row (with the AI answers ingestion cached), cached for 60 s; invalid ASINs refused before
//! anything else.

mod accounts_support;

use accounts_support::{add_user, login};
use integration_tests::RuntimeProcessBuilder;
use integration_tests::mock_keepa::{IngestApp, MockKeepa, MockKeepaOptions};
use integration_tests::mock_llm::MockLlm;

#[test]
fn live_analysis_matches_the_stored_row_and_is_cached() {
    let keepa = MockKeepa::start(MockKeepaOptions::default());
    let state = tempfile::tempdir().unwrap();
    let (app, _) = IngestApp::new(&keepa, state.path()).run_once();
    add_user(&app, "dana", "user");
    let dana = login(&app, "dana");
    let asin: String = app
        .database()
        .query_row("SELECT asin FROM deals WHERE complete ORDER BY asin LIMIT 1", [], |row| row.get(0))
        .unwrap();

    let calls_before = keepa.requests().len();
    let reply = dana.get(&format!("/api/debug/deal/{asin}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["live"]["source"], "keepa");
    assert_eq!(body["stored"]["asin"], asin.as_str());
    assert_eq!(body["live"]["analysis"]["figures"]["asin"], asin.as_str());
    let live_profit_cents = body["live"]["analysis"]["economics"]["profit"].as_i64().unwrap();
    let stored_profit_cents = (body["stored"]["profit"].as_f64().unwrap() * 100.0).round() as i64;
    assert_eq!(live_profit_cents, stored_profit_cents, "{body}");
    assert!(keepa.requests().len() > calls_before);

    let calls = keepa.requests().len();
    let again = dana.get(&format!("/api/debug/deal/{asin}")).json();
    assert_eq!(again["live"]["source"], "cache");
    assert_eq!(keepa.requests().len(), calls, "a cached answer must not call Keepa");

    assert_eq!(app.client().get("/api/debug/deal/not-an-asin").status, 400, "invalid ASIN first, even anonymous");
    assert_eq!(app.client().get(&format!("/api/debug/deal/{asin}")).status, 401);
    assert_eq!(dana.get("/api/debug/deal/0123456789/extra").status, 404);
}

#[test]
fn the_live_analysis_takes_the_ai_answers_ingestion_cached_without_asking_the_provider() {
    let keepa = MockKeepa::start(MockKeepaOptions { books: 20, ..MockKeepaOptions::default() });
    let llm = MockLlm::start();
    let state = tempfile::tempdir().unwrap();
    let ingest = IngestApp::new(&keepa, state.path()).variable("llm_base_url", &llm.url()).variable("llm_api_key", "test-key");
    let (app, _) = ingest.run_once();
    add_user(&app, "dana", "user");
    let (asin, stored_review, stored_sales): (String, String, String) = app
        .database()
        .query_row(
            "SELECT asin, list_at_review, sales_source FROM deals WHERE complete AND seasonality_source = 'ai' ORDER BY asin LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .expect("the mock catalogue has books only the AI can place in a season");

    let asked = llm.request_count();
    let reply = login(&app, "dana").get(&format!("/api/debug/deal/{asin}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let figures = &body["live"]["analysis"]["figures"];
    assert_eq!(figures["seasonality_source"], "ai", "the cached label, as stored, not {}", figures["seasonality"]);
    assert_eq!((figures["list_at_review"].as_str(), figures["sales_source"].as_str()), (Some(stored_review.as_str()), Some(stored_sales.as_str())));
    let live_profit_cents = body["live"]["analysis"]["economics"]["profit"].as_i64().unwrap();
    assert_eq!(live_profit_cents, (body["stored"]["profit"].as_f64().unwrap() * 100.0).round() as i64, "{body}");
    assert_eq!(llm.request_count(), asked, "a debugging look costs no provider call");
}

#[test]
fn without_a_keepa_key_the_endpoint_says_so() {
    let app = RuntimeProcessBuilder::new("spin.toml").start();
    add_user(&app, "eve", "user");
    let reply = login(&app, "eve").get("/api/debug/deal/0123456789");
    assert_eq!(reply.status, 503);
    assert!(reply.json()["error"].as_str().unwrap().contains("not configured"));
}
