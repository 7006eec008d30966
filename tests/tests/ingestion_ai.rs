//! The ingest job's AI-assisted steps (DOMAIN §4.3 step 7, §4.4 step 4, §4.6 step 5) through
//! the runtime, against the mock Keepa and the mock LLM: the stored rows equal the domain
//! crate's assisted analysis given the mock's answers and name the path of each figure; answers
//! are cached across runs; the budget, the run's call cap, a failing and a hanging provider all
//! end in the non-AI path, marked, without stalling the run. (Without a provider: ingestion.rs.)

mod accounts_support;

use std::time::Duration;

use domain::analysis::{Analysis, analyze_assisted};
use domain::assist::{AiCall, AiRequest, Assistant, Unavailable, now_or_never};
use domain::config::AnalysisConfig;
use domain::keepa::parse_product_response;
use domain::time::UnixSeconds;
use integration_tests::RuntimeProcess;
use integration_tests::mock_keepa::{IngestApp, Kind, MockKeepa, MockKeepaOptions};
use integration_tests::mock_llm::{LlmFault, MockLlm, PipelineAnswers, PipelineCall, Style, prompt_text};
use rusqlite::Connection;
use serde_json::Value;
use tempfile::TempDir;

/// 20 books: 11 textbooks, 4 trade titles, one dead, one without offer counts (to rescue), two
/// Amazon sells, one overpriced.
const BOOKS: usize = 20;

fn keepa() -> MockKeepa {
    MockKeepa::start(MockKeepaOptions { books: BOOKS, ..MockKeepaOptions::default() })
}

/// One ingest run with the mock LLM as provider and `variables`.
fn run(keepa: &MockKeepa, llm: &MockLlm, state_dir: &std::path::Path, variables: &[(&str, &str)]) -> (RuntimeProcess, Value) {
    let app = IngestApp::new(keepa, state_dir).variable("llm_base_url", &llm.url()).variable("llm_api_key", "test-key");
    let app = variables.iter().fold(app, |app, (name, value)| app.variable(name, value));
    let (app, report) = app.run_once();
    assert_eq!(report["outcome"], "completed", "{report}\n{}", app.log());
    (app, report)
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// `(asin, list_at_review, seasonality_source, sales_source)` of every stored deal.
fn paths(db: &Connection) -> Vec<(String, String, String, String)> {
    let mut statement = db.prepare("SELECT asin, list_at_review, seasonality_source, sales_source FROM deals ORDER BY asin").unwrap();
    statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))).unwrap().map(Result::unwrap).collect()
}

/// Today's `(calls, failures, cache_hits, offline_answers)` of the ingest feature.
fn ingest_usage(db: &Connection) -> (i64, i64, i64, i64) {
    db.query_row(
        "SELECT calls, failures, cache_hits, offline_answers FROM ai_usage WHERE day = date('now') AND feature = 'ingest'",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .unwrap_or((0, 0, 0, 0))
}

/// The mock LLM's answers as a domain assistant, to compute what the app should have stored.
struct SameAnswers(PipelineAnswers);

impl Assistant for SameAnswers {
    async fn ask(&self, request: &AiRequest) -> Result<String, Unavailable> {
        let call = match request.call {
            AiCall::PriceReview => PipelineCall::PriceReview,
            AiCall::Seasonality => PipelineCall::Seasonality,
            AiCall::SalesRescue => PipelineCall::SalesRescue,
        };
        Ok(self.0.answer(call, &request.user))
    }
}

/// The analysis the app should have stored for `asin`, analysed at `analyzed_at`.
fn expected(keepa: &MockKeepa, asin: &str, analyzed_at: i64, answers: &PipelineAnswers) -> Analysis {
    let product = parse_product_response(&keepa.product_response(asin, 1095).unwrap()).unwrap().products.remove(0);
    let (config, assistant) = (AnalysisConfig::default(), SameAnswers(answers.clone()));
    now_or_never(analyze_assisted(&product, UnixSeconds(analyzed_at), &config, &assistant)).expect("the scripted answers never wait")
}

fn label<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).unwrap().as_str().unwrap().to_owned()
}

/// The stored figures the AI-assisted steps decide.
struct Stored {
    asin: String,
    analyzed_at: i64,
    list_at: Option<i64>,
    check: Option<String>,
    review: String,
    season: (String, String, String),
    sales_source: String,
    average_trust_sales: (Option<i64>, Option<f64>, i64),
}

fn stored(db: &Connection) -> Vec<Stored> {
    let mut statement = db
        .prepare(
            "SELECT asin, analyzed_at, list_at_cents, list_at_check, list_at_review, seasonality, seasonality_source, sells_window,
                    sales_source, one_year_avg_cents, deal_trust, inferred_sales_count FROM deals",
        )
        .unwrap();
    let rows = statement.query_map([], |row| {
        Ok(Stored {
            asin: row.get(0)?,
            analyzed_at: row.get(1)?,
            list_at: row.get(2)?,
            check: row.get(3)?,
            review: row.get(4)?,
            season: (row.get(5)?, row.get(6)?, row.get(7)?),
            sales_source: row.get(8)?,
            average_trust_sales: (row.get(9)?, row.get(10)?, row.get(11)?),
        })
    });
    rows.unwrap().map(Result::unwrap).collect()
}

/// Checks every stored row against the assisted analysis with the mock's `answers`.
fn assert_rows_match(keepa: &MockKeepa, db: &Connection, answers: &PipelineAnswers) {
    let rows = stored(db);
    assert!(rows.len() >= 15, "{}", rows.len());
    for row in rows {
        let (asin, analysis) = (&row.asin, expected(keepa, &row.asin, row.analyzed_at, answers));
        assert_eq!(row.list_at, analysis.list_at.price.map(|cents| cents.0), "{asin}");
        assert_eq!(row.review, label(analysis.list_at_review), "{asin}");
        let season = (analysis.seasonality.label().to_owned(), label(analysis.seasonality_source), analysis.sells_window().to_owned());
        assert_eq!(row.season, season, "{asin}");
        assert_eq!(row.sales_source, label(analysis.sales_source), "{asin}");
        let figures = (analysis.one_year_avg.map(|c| c.0), analysis.deal_trust, analysis.inferred_sales_count() as i64);
        assert_eq!(row.average_trust_sales, figures, "{asin}");
        if matches!(row.review.as_str(), "ai_yes" | "ai_no") {
            assert_eq!(row.check.as_deref(), Some("ai"), "{asin}");
        }
        let origins: Vec<String> = db
            .prepare("SELECT DISTINCT origin FROM sale_events WHERE asin = ?")
            .unwrap()
            .query_map([asin], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let origin = if row.sales_source == "ai_rescue" { "ai" } else { "algorithm" };
        assert!(origins.iter().all(|o| o == origin), "{asin}: {origins:?}");
    }
}

fn asins_of(keepa: &MockKeepa, kind: Kind) -> Vec<String> {
    keepa.books().into_iter().filter(|(_, k)| *k == kind).map(|(asin, _)| asin).collect()
}

#[test]
fn ai_answers_shape_the_stored_deals_and_are_cached_across_runs() {
    let (keepa, llm, state_dir) = (keepa(), MockLlm::start(), TempDir::new().unwrap());
    let (app, report) = run(&keepa, &llm, state_dir.path(), &[]);
    let db = app.database();
    let answers = PipelineAnswers::default();
    assert_rows_match(&keepa, &db, &answers);

    // Every kind of question was asked, and each row says which path produced its figures.
    assert!(llm.pipeline_calls(PipelineCall::PriceReview) >= 10, "textbooks with three or more sales are reviewed");
    assert_eq!(llm.pipeline_calls(PipelineCall::Seasonality) as i64, count(&db, "SELECT COUNT(*) FROM deals WHERE seasonality_source = 'ai'"));
    assert!(count(&db, "SELECT COUNT(*) FROM deals WHERE list_at_review = 'ai_yes'") >= 10);
    let reviews: Vec<String> =
        llm.requests().iter().map(prompt_text).filter(|prompt| PipelineCall::of(prompt) == Some(PipelineCall::PriceReview)).collect();
    for prompt in &reviews {
        let pages = prompt.lines().find_map(|line| line.strip_prefix("Pages: ")).unwrap_or_else(|| panic!("no page count in\n{prompt}"));
        assert!(pages.parse::<u32>().is_ok_and(|pages| pages >= 96), "Keepa's numberOfPages reaches the review: {pages:?}");
    }
    for asin in asins_of(&keepa, Kind::YearRound) {
        let (season, source): (String, String) =
            db.query_row("SELECT seasonality, seasonality_source FROM deals WHERE asin = ?", [&asin], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((season.as_str(), source.as_str()), ("Gardening", "ai"), "{asin}: no keyword, the AI's label");
    }
    let rescued = &asins_of(&keepa, Kind::MissingData)[0];
    let (list_at, sales_source, review): (i64, String, String) = db
        .query_row("SELECT list_at_cents, sales_source, list_at_review FROM deals WHERE asin = ?", [rescued], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!((list_at, sales_source.as_str(), review.as_str()), (2500, "ai_rescue", "ai_yes"), "three rescued sales of $25");
    assert_eq!(count(&db, &format!("SELECT COUNT(*) FROM sale_events WHERE asin = '{rescued}' AND origin = 'ai'")), 3);

    // The ledger counts every provider call under `ingest`; the run report too.
    let calls = llm.request_count() as i64;
    assert_eq!(ingest_usage(&db), (calls, 0, 0, 0));
    assert_eq!((report["ai_calls"].as_i64(), report["ai_cache_hits"].as_i64()), (Some(calls), Some(0)), "{report}");

    // The API shows the paths.
    accounts_support::add_user(&app, "ann", "user");
    let deal = accounts_support::login(&app, "ann").get(&format!("/api/deals/{rescued}")).json();
    assert_eq!((&deal["list_at_review"], &deal["sales_source"], &deal["seasonality_source"]), (&Value::from("ai_yes"), &Value::from("ai_rescue"), &Value::from("ai")), "{deal}");
    drop(db);
    app.stop();

    // The deals are found anew (as after the janitor): every answer now comes from the cache.
    let db = Connection::open(state_dir.path().join("sqlite_db.db")).unwrap();
    db.execute_batch(
        "DELETE FROM sale_events; DELETE FROM price_history; DELETE FROM deals; DELETE FROM products;
         DELETE FROM ingest_pass_seen; DELETE FROM system_state WHERE key = 'ingest.discovery';",
    )
    .unwrap();
    drop(db);
    let (app, report) = run(&keepa, &llm, state_dir.path(), &[]);
    assert_eq!(llm.request_count() as i64, calls, "no new provider call");
    let db = app.database();
    assert_eq!(ingest_usage(&db), (calls, 0, calls, 0));
    assert_eq!(report["ai_cache_hits"].as_i64(), Some(calls), "{report}");
    assert_rows_match(&keepa, &db, &answers);
}

#[test]
fn an_ai_no_hides_the_deal_and_a_non_label_is_year_round_from_an_error() {
    let (keepa, llm, state_dir) = (keepa(), MockLlm::start(), TempDir::new().unwrap());
    let answers = PipelineAnswers { price_review: "No".into(), seasonality: "Probably summer".into(), sales_rescue: None };
    llm.set_pipeline_answers(answers.clone());
    let (app, _) = run(&keepa, &llm, state_dir.path(), &[]);
    let db = app.database();
    assert_rows_match(&keepa, &db, &answers);
    let rejected = count(&db, "SELECT COUNT(*) FROM deals WHERE list_at_review = 'ai_no' AND list_at_cents IS NULL AND complete IS NOT 1");
    assert!(rejected >= 10, "{rejected}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE seasonality_source = 'ai'"), 0);
    assert!(count(&db, "SELECT COUNT(*) FROM deals WHERE seasonality = 'Year-round' AND seasonality_source = 'default_error'") >= 4);
}

#[test]
fn reasoning_a_model_writes_before_its_answer_is_not_taken_for_the_answer() {
    let (keepa, llm, state_dir) = (keepa(), MockLlm::start(), TempDir::new().unwrap());
    // The reasoning says "Yes" and names a label; the answers are "No" and a non-label.
    let answers = PipelineAnswers { price_review: "No".into(), seasonality: "Probably summer".into(), sales_rescue: None };
    llm.set_pipeline_answers(answers.clone());
    llm.set_style(Style::MarkdownWithReasoning);
    let (app, _) = run(&keepa, &llm, state_dir.path(), &[]);
    let db = app.database();
    assert_rows_match(&keepa, &db, &answers);
    assert!(count(&db, "SELECT COUNT(*) FROM deals WHERE list_at_review = 'ai_no'") >= 10);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE list_at_review = 'ai_yes' OR seasonality_source = 'ai'"), 0);
}

/// Every row's paths are either decided without the AI or the given fallback.
fn assert_fallbacks(db: &Connection, suffix: &str) {
    let rows = paths(db);
    assert!(rows.len() >= 15);
    for (asin, review, season, sales) in &rows {
        assert!(["none", "ai_yes", &format!("accepted_{suffix}")].contains(&review.as_str()), "{asin}: {review}");
        assert!(["keywords", "ai", &format!("default_{suffix}")].contains(&season.as_str()), "{asin}: {season}");
        assert!(["inferred", "ai_rescue", &format!("unrescued_{suffix}")].contains(&sales.as_str()), "{asin}: {sales}");
    }
    let fallbacks = rows.iter().filter(|(_, review, season, _)| review.ends_with(suffix) || season.ends_with(suffix)).count();
    assert!(fallbacks >= 10, "{fallbacks} rows on the {suffix} path");
}

#[test]
fn the_budget_and_the_run_cap_leave_the_rest_to_the_non_ai_path_marked_quota() {
    let keepa = keepa();
    // Ingestion's daily share: three calls, then the ledger refuses.
    let (llm, state_dir) = (MockLlm::start(), TempDir::new().unwrap());
    let (app, report) = run(&keepa, &llm, state_dir.path(), &[("ingest_ai_daily_budget", "3")]);
    assert_eq!(llm.request_count(), 3);
    let db = app.database();
    assert_fallbacks(&db, "quota");
    let (calls, failures, _, offline) = ingest_usage(&db);
    assert_eq!((calls, failures), (3, 0));
    assert_eq!(offline, report["ai_unanswered"].as_i64().unwrap());
    assert!(offline >= 10, "{report}");
    drop(db);
    app.stop();

    // The run's cap: two calls whatever the budget.
    let (llm, state_dir) = (MockLlm::start(), TempDir::new().unwrap());
    let (app, _) = run(&keepa, &llm, state_dir.path(), &[("ingest_ai_max_calls", "2")]);
    assert_eq!(llm.request_count(), 2);
    assert_fallbacks(&app.database(), "quota");
}

#[test]
fn a_failing_or_hanging_provider_is_given_up_on_quickly_and_marked_error() {
    let keepa = keepa();
    for (fault, timeout) in [(LlmFault::ServerError, "20"), (LlmFault::Hang(Duration::from_secs(60)), "2")] {
        let (llm, state_dir) = (MockLlm::start(), TempDir::new().unwrap());
        llm.fail_every_request(Some(fault.clone()));
        let (app, report) = run(&keepa, &llm, state_dir.path(), &[("ingest_ai_timeout_secs", timeout)]);
        // No retries; after three failures in a row no more questions (a few were in flight).
        let asked = llm.request_count();
        assert!((3..=6).contains(&asked), "{fault:?}: {asked} requests");
        let took = report["finished_at"].as_i64().unwrap() - report["started_at"].as_i64().unwrap();
        assert!(took < 30, "{fault:?}: the run took {took} s");
        let db = app.database();
        assert_fallbacks(&db, "error");
        let (calls, failures, _, _) = ingest_usage(&db);
        assert_eq!((calls, failures), (asked as i64, asked as i64), "{fault:?}");
        drop(db);
        app.stop();
    }
}

/// Rows with a figure left to the non-AI path for want of budget or cap (a `WHERE` condition).
const WAITING_FOR_AN_ANSWER: &str = "list_at_review = 'accepted_quota' OR seasonality_source = 'default_quota' OR sales_source = 'unrescued_quota'";

fn count_waiting(db: &Connection) -> i64 {
    count(db, &format!("SELECT COUNT(*) FROM deals WHERE {WAITING_FOR_AN_ANSWER}"))
}

/// The next run sees every deal of the catalogue again, as when Keepa lists them with a change;
/// with `hours_later`, the waiting rows were analysed that much earlier.
fn list_again(state_dir: &std::path::Path, hours_later: i64) {
    let db = Connection::open(state_dir.join("sqlite_db.db")).unwrap();
    db.execute_batch("DELETE FROM ingest_pass_seen; DELETE FROM system_state WHERE key = 'ingest.discovery';").unwrap();
    db.execute(&format!("UPDATE deals SET analyzed_at = analyzed_at - ?1 WHERE {WAITING_FOR_AN_ANSWER}"), [hours_later * 3600]).unwrap();
}

/// `/product` calls with full history among the mock Keepa's requests.
fn full_product_calls(keepa: &MockKeepa) -> usize {
    keepa.requests().iter().filter(|request| request.starts_with("/product?") && request.contains("history=1")).count()
}

#[test]
fn deals_left_without_an_answer_are_analysed_again_once_the_provider_can_be_asked() {
    let (keepa, llm, state_dir) = (keepa(), MockLlm::start(), TempDir::new().unwrap());
    let (app, _) = run(&keepa, &llm, state_dir.path(), &[("ingest_ai_max_calls", "2"), ("ingest_ai_daily_budget", "2")]);
    let db = app.database();
    assert_fallbacks(&db, "quota");
    let (waiting, stored) = (count_waiting(&db), count(&db, "SELECT COUNT(*) FROM deals"));
    assert!(waiting >= 10, "{waiting} of {stored}");
    drop(db);
    app.stop();

    // Listed again within the hour, or with ingestion's share of today's budget used up: only
    // refreshed, and no history fetched for questions that are not to be asked.
    for (hours_later, variables) in [(0, &[][..]), (1, &[("ingest_ai_daily_budget", "2")][..])] {
        list_again(state_dir.path(), hours_later);
        let full_calls = full_product_calls(&keepa);
        let (app, report) = run(&keepa, &llm, state_dir.path(), variables);
        assert_eq!(full_product_calls(&keepa), full_calls, "{hours_later} h later");
        assert_eq!((report["deals_reanalyzed"].as_i64(), report["deals_updated"].as_i64()), (Some(0), Some(stored)), "{report}");
        assert_eq!((llm.request_count(), count_waiting(&app.database())), (2, waiting));
        app.stop();
    }

    // An hour later with room in the budget, each waiting deal is analysed again in full and
    // asked its questions.
    list_again(state_dir.path(), 1);
    let (app, report) = run(&keepa, &llm, state_dir.path(), &[]);
    assert_eq!(report["deals_reanalyzed"].as_i64(), Some(waiting), "{report}");
    assert_eq!((report["deals_added"].as_i64(), report["deals_updated"].as_i64()), (Some(0), Some(stored - waiting)), "{report}");
    let db = app.database();
    assert_eq!(count_waiting(&db), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals"), stored);
    assert_rows_match(&keepa, &db, &PipelineAnswers::default());
}
