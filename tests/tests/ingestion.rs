//! The ingest cron job through the runtime against the mock Keepa: what it stores equals the
//! domain crate's analysis, it stops and resumes on tokens, Keepa failures leave the data
//! untouched and are recorded with a backoff, a SIGKILL mid-run loses and duplicates nothing,
//! the janitor removes only stale rows and only while ingestion is healthy, demo rows make way
//! for real ones.

use std::path::Path;
use std::time::Duration;

use domain::analysis::analyze;
use domain::config::AnalysisConfig;
use domain::fees::{BusinessSettings, economics};
use domain::history::ChartHistory;
use domain::keepa::parse_product_response;
use domain::time::UnixSeconds;
use integration_tests::mock_keepa::{Fault, IngestApp, Kind, MockKeepa, MockKeepaOptions, start_with_shared_cache, unix_now};
use integration_tests::{RuntimeProcess, RuntimeProcessBuilder};
use rusqlite::Connection;
use serde_json::Value;
use tempfile::TempDir;

fn keepa(books: usize) -> MockKeepa {
    MockKeepa::start(MockKeepaOptions { books, ..MockKeepaOptions::default() })
}

/// Books the peek keeps: everything but dead and overpriced titles.
fn expected_rows(keepa: &MockKeepa) -> usize {
    keepa.books().iter().filter(|(_, kind)| !matches!(kind, Kind::Dead | Kind::Overpriced)).count()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0)).unwrap()
}

fn state(db: &Connection, key: &str) -> Option<Value> {
    let json: Option<String> = db.query_row("SELECT value FROM system_state WHERE key = ?", [key], |row| row.get(0)).ok();
    json.map(|json| serde_json::from_str(&json).unwrap())
}

/// Every stored row of the tables ingestion writes, as text, for before/after comparisons.
fn snapshot(db: &Connection) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["products", "deals", "price_history", "sale_events"] {
        let mut statement = db.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
        let columns = statement.column_count();
        let mut query = statement.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<String> = (0..columns).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    rows
}

fn assert_integrity(db: &Connection) {
    let result: String = db.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(result, "ok");
}

#[test]
fn a_run_stores_what_the_domain_crate_computes() {
    let keepa = keepa(60);
    let state_dir = TempDir::new().unwrap();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let db = app.database();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals") as usize, expected_rows(&keepa));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE source = 'keepa'"), count(&db, "SELECT COUNT(*) FROM deals"));

    let config = AnalysisConfig::default();
    let mut checked = 0;
    for (asin, kind) in keepa.books() {
        let row = db.query_row(
            "SELECT analyzed_at, price_now_cents, list_at_cents, one_year_avg_cents, percent_down, deal_trust,
                    inferred_sales_count, offer_drops_count, fba_fee_cents, referral_fee_pct, sales_rank, peak_month,
                    seasonality, seller_id, complete, list_at_source, condition
             FROM deals WHERE asin = ?",
            [&asin],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<i64>>(3)?,
                    row.get::<_, Option<f64>>(4)?,
                    row.get::<_, Option<f64>>(5)?,
                    (row.get::<_, i64>(6)?, row.get::<_, i64>(7)?),
                    (row.get::<_, Option<i64>>(8)?, row.get::<_, Option<f64>>(9)?),
                    (row.get::<_, Option<i64>>(10)?, row.get::<_, Option<i64>>(11)?, row.get::<_, Option<String>>(12)?),
                    (row.get::<_, Option<String>>(13)?, row.get::<_, Option<i64>>(14)?, row.get::<_, Option<String>>(15)?, row.get::<_, Option<String>>(16)?),
                ))
            },
        );
        let Ok((analyzed_at, price_now, list_at, one_year_avg, percent_down, trust, counts, fees, market, identity)) = row else {
            assert!(matches!(kind, Kind::Dead | Kind::Overpriced), "{asin} ({kind:?}) was not stored");
            continue;
        };
        let product = parse_product_response(&keepa.product_response(&asin, 1095).unwrap()).unwrap().products.remove(0);
        let now = UnixSeconds(analyzed_at);
        let analysis = analyze(&product, now, &config);
        let offer = analysis.market.buy_offer.as_ref().unwrap();
        assert_eq!(price_now, Some(offer.price_now.0), "{asin}");
        assert_eq!(list_at, analysis.list_at.price.map(|cents| cents.0), "{asin}");
        assert_eq!(one_year_avg, analysis.one_year_avg.map(|cents| cents.0), "{asin}");
        assert_eq!(percent_down, analysis.percent_down, "{asin}");
        assert_eq!(trust, analysis.deal_trust, "{asin}");
        assert_eq!(counts, (analysis.inferred_sales_count() as i64, analysis.offer_drops_count() as i64), "{asin}");
        let inputs = analysis.economics_inputs.unwrap();
        assert_eq!(fees, (Some(inputs.fba_fee.0), Some(inputs.referral_fee_pct)), "{asin}");
        let peak = analysis.list_at.seasons.map(|seasons| i64::from(seasons.peak_month.number()));
        assert_eq!(market, (analysis.market.sales_rank, peak, Some(analysis.seasonality.label().to_owned())), "{asin}");
        assert_eq!(identity.0, offer.seller_id, "{asin}");
        assert_eq!(identity.3.as_deref(), offer.condition.map(|condition| condition.as_str()), "{asin}");
        let visible = list_at.is_some_and(|cents| cents > 0) && one_year_avg.is_some_and(|cents| cents > 0);
        assert_eq!(identity.1 == Some(1), visible, "{asin}");
        if kind == Kind::MissingData {
            assert_eq!(identity.2.as_deref(), Some("none"), "{asin}: no sales, no List at, stored but hidden");
        }
        let catalogue: (Option<String>, Option<i64>) = db
            .query_row("SELECT publication_date, package_weight_g FROM products WHERE asin = ?", [&asin], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap();
        assert_eq!(catalogue, (product.publication_date.clone(), product.package_weight_g.map(i64::from)), "{asin}");
        let chart: String = db.query_row("SELECT history_json FROM price_history WHERE asin = ?", [&asin], |row| row.get(0)).unwrap();
        assert_eq!(chart, ChartHistory::build(&product, &analysis.sales, now, config.history_window).to_json(), "{asin}");
        let events = count(&db, &format!("SELECT COUNT(*) FROM sale_events WHERE asin = '{asin}'"));
        assert_eq!(events as usize, analysis.sales.sane.len() + analysis.sales.outliers.len(), "{asin}");
        // No LLM configured: every AI-assisted figure took the non-AI path and says so.
        let paths: (String, String, String) = db
            .query_row("SELECT list_at_review, seasonality_source, sales_source FROM deals WHERE asin = ?", [&asin], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap();
        let label = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        let expected = (
            label(serde_json::to_value(analysis.list_at_review).unwrap()),
            label(serde_json::to_value(analysis.seasonality_source).unwrap()),
            label(serde_json::to_value(analysis.sales_source).unwrap()),
        );
        assert_eq!(paths, expected, "{asin}");
        assert!(["none", "accepted"].contains(&paths.0.as_str()) && ["keywords", "default"].contains(&paths.1.as_str()), "{asin}: {paths:?}");
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
    // Keepa's three date formats keep their precision, and the release date stands in for an unknown one.
    let dates = "SELECT COUNT(DISTINCT length(publication_date)) FROM products WHERE publication_date IS NOT NULL";
    assert_eq!(count(&db, dates), 3, "YYYY-MM-DD, YYYY-MM and YYYY");
    assert!(count(&db, "SELECT COUNT(*) FROM products WHERE publication_date = '2024-09-01'") > 0, "release dates");
    assert!(count(&db, "SELECT COUNT(*) FROM products WHERE package_weight_g IS NULL") > 0, "unknown weights stay NULL");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE sales_source = 'unrescued'"), 3, "the books without offer counts");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM ai_usage"), 0, "no provider: nothing asked, nothing counted");
    assert_eq!((report["ai_calls"].as_i64(), report["ai_unanswered"].as_i64()), (Some(0), Some(0)), "{report}");

    // Health: deals a user sees under the default settings, computed here with domain::fees.
    let mut visible_profitable = 0;
    let mut statement = db.prepare("SELECT price_now_cents, list_at_cents, fba_fee_cents, referral_fee_pct FROM deals WHERE complete = 1").unwrap();
    let rows = statement
        .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, Option<i64>>(2)?, row.get::<_, Option<f64>>(3)?)))
        .unwrap();
    for row in rows {
        let (price, list_at, fba, referral) = row.unwrap();
        let inputs = domain::fees::DealEconomicsInputs::new(
            domain::money::Cents(price),
            Some(domain::money::Cents(list_at)),
            fba.map(domain::money::Cents),
            referral,
        );
        if economics(&inputs, &BusinessSettings::default()).profit.0 > 0 {
            visible_profitable += 1;
        }
    }
    let health = app.client().get("/api/health").json();
    let ingestion = &health["ingestion"];
    assert_eq!(ingestion["deals_total"], visible_profitable, "{health}");
    assert!(visible_profitable * 2 > expected_rows(&keepa) as i64, "most stored deals are profitable: {visible_profitable}");
    assert_eq!(ingestion["rows_total"], expected_rows(&keepa) as i64);
    assert_eq!(ingestion["last_run_at"], report["started_at"]);
    assert_eq!(ingestion["last_error"], Value::Null);
    assert_eq!(ingestion["failing"], false);
    assert!(ingestion["tokens_left"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_token_starved_run_stops_early_and_the_next_run_resumes_the_same_pass() {
    let keepa = MockKeepa::start(MockKeepaOptions { books: 60, tokens: 120, refill_per_min: 1, ..MockKeepaOptions::default() });
    let state_dir = TempDir::new().unwrap();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "stopped_for_tokens", "{report}");
    assert!(report["resume_after"].as_i64().unwrap() > report["started_at"].as_i64().unwrap());
    let db = app.database();
    assert!(state(&db, "ingest.failure").is_none(), "running out of tokens is not a failure");
    let first_pass = state(&db, "ingest.discovery").unwrap()["pass"].clone();
    assert!(first_pass.is_object(), "the pass is checkpointed: {first_pass}");
    let stored_before = count(&db, "SELECT COUNT(*) FROM deals");
    assert!((stored_before as usize) < expected_rows(&keepa));
    drop(db);
    app.stop();

    keepa.set_tokens(100_000, 1_000);
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let db = app.database();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals") as usize, expected_rows(&keepa));
    let discovery = state(&db, "ingest.discovery").unwrap();
    assert_eq!(discovery["pass"], Value::Null, "the pass finished");
    // The watermark derives from the first run's pass start: the same pass was resumed.
    assert_eq!(discovery["watermark"].as_i64().unwrap(), first_pass["started_at"].as_i64().unwrap() - 600);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM ingest_pass_seen"), 0);
}

/// Starts a fresh app whose Keepa fails with `fault` from the first full-history call on.
fn failing_run(fault: Fault, state_dir: &Path) -> (MockKeepa, RuntimeProcess, Value) {
    let keepa = keepa(30);
    // /token, /deal, the peek: then every call fails.
    keepa.fail_after(3, fault.clone());
    let (app, report) = IngestApp::new(&keepa, state_dir).run_once();
    (keepa, app, report)
}

#[test]
fn keepa_failures_leave_the_database_unchanged_and_are_recorded_with_a_backoff() {
    let cases = [
        (Fault::RateLimited, "rate_limited"),
        (Fault::ServerError, "server_error"),
        (Fault::Slow(Duration::from_secs(6)), "timeout"),
        (Fault::Truncated, "malformed_response"),
        (Fault::Garbage, "malformed_response"),
    ];
    for (fault, kind) in cases {
        let state_dir = TempDir::new().unwrap();
        let (_keepa, app, report) = failing_run(fault.clone(), state_dir.path());
        assert_eq!(report["outcome"], "failed", "{fault:?}: {report}");
        let db = app.database();
        assert!(snapshot(&db).is_empty(), "{fault:?}: a failed chunk writes nothing");
        let failure = state(&db, "ingest.failure").unwrap_or_else(|| panic!("{fault:?}: failure recorded"));
        assert_eq!(failure["kind"], kind, "{fault:?}");
        assert_eq!(failure["consecutive_failures"], 1);
        assert!(failure["next_attempt_at"].as_i64().unwrap() > failure["at"].as_i64().unwrap(), "{fault:?}: {failure}");
        assert_eq!(state(&db, "ingest.last_error").unwrap(), failure);
        let health = app.client().get("/api/health").json();
        assert_eq!(health["ingestion"]["failing"], true);
        assert_eq!(health["ingestion"]["last_error"]["kind"], kind);
        assert_eq!(health["ingestion"]["next_attempt_at"], failure["next_attempt_at"]);
    }
}

#[test]
fn a_failing_keepa_never_touches_stored_deals_and_the_job_backs_off() {
    let keepa = keepa(30);
    let state_dir = TempDir::new().unwrap();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let before = snapshot(&app.database());
    assert!(!before.is_empty());
    app.stop();

    keepa.fail_always(Some(Fault::ServerError));
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "failed", "{report}");
    assert_eq!(snapshot(&app.database()), before);
    app.stop();

    // Within the backoff the next run makes no Keepa call at all.
    let calls = keepa.requests().len();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "backing_off", "{report}");
    assert_eq!(keepa.requests().len(), calls);
    assert_eq!(snapshot(&app.database()), before);
}

#[test]
fn sigkill_mid_run_then_restart_loses_nothing_and_duplicates_nothing() {
    let keepa = keepa(150);
    keepa.fail_always(Some(Fault::Slow(Duration::from_millis(400))));
    let since = unix_now();
    let state_dir = TempDir::new().unwrap();
    let app = IngestApp::new(&keepa, state_dir.path()).start();
    let db = app.database();
    let midway = app.wait_until(Duration::from_secs(120), || count(&db, "SELECT COUNT(*) FROM deals") >= 10);
    assert!(midway, "the run stored nothing; log:\n{}", app.log());
    assert!(integration_tests::mock_keepa::last_run(&app).is_none_or(|run| run["started_at"].as_i64() < Some(since)), "killed mid-run");
    drop(db);
    app.kill_hard();

    let db = Connection::open(state_dir.path().join("sqlite_db.db")).unwrap();
    assert_integrity(&db);
    let partial = count(&db, "SELECT COUNT(*) FROM deals");
    // Each stored deal was written with all its rows in one transaction.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals d LEFT JOIN price_history h USING (asin) WHERE h.asin IS NULL"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals d LEFT JOIN products p USING (asin) WHERE p.asin IS NULL"), 0);
    drop(db);

    keepa.fail_always(None);
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let db = app.database();
    assert_integrity(&db);
    let total = count(&db, "SELECT COUNT(*) FROM deals");
    assert_eq!(total as usize, expected_rows(&keepa));
    assert!(total > partial);
    assert_eq!(report["deals_added"].as_i64().unwrap(), total - partial, "nothing stored twice");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM products"), total);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM price_history"), total);
}

/// Inserts a deal of an ASIN the mock does not know, last seen `hours_ago`.
fn insert_foreign_deal(db: &Connection, asin: &str, hours_ago: i64) {
    let seen = unix_now() - hours_ago * 3600;
    db.execute("INSERT INTO products (asin, title, updated_at) VALUES (?, 'Foreign', ?)", rusqlite::params![asin, seen]).unwrap();
    db.execute(
        "INSERT INTO deals (asin, source, last_seen_at, analyzed_at, price_now_cents, list_at_cents, one_year_avg_cents)
         VALUES (?, 'keepa', ?, ?, 1000, 5000, 4000)",
        rusqlite::params![asin, seen, seen],
    )
    .unwrap();
    db.execute("INSERT INTO price_history (asin, history_json, updated_at) VALUES (?, '{}', ?)", rusqlite::params![asin, seen]).unwrap();
    db.execute(
        "INSERT INTO sale_events (asin, event_at, price_cents, offer_type, origin) VALUES (?, ?, 3000, 'used', 'algorithm')",
        rusqlite::params![asin, seen],
    )
    .unwrap();
}

#[test]
fn the_janitor_removes_only_stale_rows_and_waits_while_ingestion_fails() {
    let keepa = keepa(20);
    let state_dir = TempDir::new().unwrap();
    let app = start_with_shared_cache(|| RuntimeProcessBuilder::new("spin.toml"), state_dir.path());
    {
        let db = app.database();
        insert_foreign_deal(&db, "9990000001", 100);
        insert_foreign_deal(&db, "9990000002", 60);
        insert_foreign_deal(&db, "9990000003", 1);
    }
    app.stop();
    let foreign = |db: &Connection| count(db, "SELECT COUNT(*) FROM deals WHERE asin LIKE '999%'");

    keepa.fail_always(Some(Fault::ServerError));
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "failed", "{report}");
    assert_eq!(foreign(&app.database()), 3, "nothing deleted while ingestion fails");
    app.database().execute("DELETE FROM system_state WHERE key = 'ingest.failure'", []).unwrap();
    app.stop();

    keepa.fail_always(None);
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    assert_eq!(report["deals_removed"], 1, "{report}");
    let db = app.database();
    assert_eq!(foreign(&db), 2);
    for table in ["deals", "products", "price_history", "sale_events"] {
        assert_eq!(count(&db, &format!("SELECT COUNT(*) FROM {table} WHERE asin = '9990000001'")), 0, "{table}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE asin NOT LIKE '999%'") as usize, expected_rows(&keepa));
    assert_integrity(&db);
}

#[test]
fn demo_rows_are_labelled_and_the_first_real_run_replaces_them() {
    let keepa = keepa(20);
    let state_dir = TempDir::new().unwrap();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).variable("ingest_data_source", "demo").run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let demo = count(&app.database(), "SELECT COUNT(*) FROM deals WHERE source = 'demo'");
    assert_eq!(demo as usize, expected_rows(&keepa));
    assert_eq!(app.client().get("/api/health").json()["ingestion"]["demo_rows"], demo);
    app.stop();

    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["deals_removed"], demo, "{report}");
    let db = app.database();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals WHERE source = 'demo'"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM products WHERE asin NOT IN (SELECT asin FROM deals)"), 0);
}

#[test]
fn one_malformed_product_is_skipped_without_failing_its_batch() {
    let keepa = keepa(30);
    let (bad, _) = keepa.books().into_iter().find(|(_, kind)| *kind == Kind::SeasonalTextbook).unwrap();
    keepa.corrupt_product(&bad);
    let state_dir = TempDir::new().unwrap();
    let (app, report) = IngestApp::new(&keepa, state_dir.path()).run_once();
    assert_eq!(report["outcome"], "completed", "{report}");
    let db = app.database();
    assert_eq!(count(&db, &format!("SELECT COUNT(*) FROM deals WHERE asin = '{bad}'")), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM deals") as usize, expected_rows(&keepa) - 1);
    assert!(state(&db, "ingest.failure").is_none());
    assert!(app.log().contains(&format!("Keepa product {bad} is unreadable")), "{}", app.log());
}
