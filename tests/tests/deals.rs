//! The deals API through the runtime over a hand-made fixture set: every filter and sort with
//! the expected ASINs, pagination, counts equal to `total_records`, ETag/304 polling, the CSV
//! export read back, and a matrix of hostile or malformed parameters that must give 400.

mod accounts_support;
mod openapi_support;

use accounts_support::*;
use openapi_support::Spec;
use deals_bench::FixtureDeal;
use integration_tests::RuntimeProcess;
use serde_json::{Value, json};

/// The fixture: deal `n` has ASIN `000000000n`-style ids; D01 is the baseline and every other
/// deal differs from it in the one field its comment names. Default settings (prep $2.75,
/// shipping $3.99, tax 5 %): D01's profit is 80.00 − 27.74 − 17.00 = $35.26.
fn fixture() -> Vec<FixtureDeal> {
    let deal = |n: u32, change: &dyn Fn(&mut FixtureDeal)| {
        let mut d = FixtureDeal::new(&format!("{n:010}"));
        // Distinct List at prices make every profit distinct, so profit sorts are total.
        d.list_at_cents = Some(8000 + i64::from(n) * 10);
        d.last_price_change_at = 1_700_000_000 + i64::from(n) * 60;
        change(&mut d);
        d
    };
    vec![
        deal(1, &|_| {}),
        deal(2, &|d| d.sales_rank = Some(900_000)),
        deal(3, &|d| d.drops30 = Some(1)),
        deal(4, &|d| d.deal_trust = Some(30.0)),
        deal(5, &|d| d.seller_quality = Some(0.3)),
        deal(6, &|d| d.percent_down = Some(5.0)),
        deal(7, &|d| d.amazon_selling = true),
        deal(8, &|d| d.condition = Some("new")),
        deal(9, &|d| d.condition = Some("collectible_good")),
        deal(10, &|d| d.title = "Advanced Calculus 100% edition".into()),
        // ROI over 1000 %: sorts after 127 % only when ROI is compared as a number.
        deal(11, &|d| {
            d.price_now_cents = 500;
            d.list_at_cents = Some(20_000);
        }),
        // Profit $1.76, ROI 2.5 %: out for roi_gte=20 and profit_gte=5.
        deal(12, &|d| {
            d.price_now_cents = 6000;
            d.list_at_cents = Some(9000);
        }),
        // Never listed: no 1-year average, a loss, no List at.
        deal(13, &|d| d.one_year_avg_cents = None),
        deal(14, &|d| d.list_at_cents = Some(3000)),
        deal(15, &|d| d.list_at_cents = None),
    ]
}

const VISIBLE: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

fn asins(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("{n:010}")).collect()
}

fn without(excluded: &[u32]) -> Vec<String> {
    asins(&VISIBLE.iter().copied().filter(|n| !excluded.contains(n)).collect::<Vec<_>>())
}

struct App {
    _app: RuntimeProcess,
    user: Session,
}

fn app_with_fixture() -> App {
    let app = start();
    add_user(&app, "ann", "user");
    insert_deals(&app, &fixture());
    let user = login(&app, "ann");
    App { _app: app, user }
}

fn listed(session: &Session, query: &str) -> (Vec<String>, Value) {
    let reply = session.get(&format!("/api/deals?limit=500&{query}"));
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    let body = reply.json();
    let asins = body["deals"].as_array().unwrap().iter().map(|d| d["asin"].as_str().unwrap().to_string()).collect();
    (asins, body)
}

#[test]
fn every_filter_selects_the_expected_deals_and_the_count_agrees() {
    let app = app_with_fixture();
    let user = &app.user;
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("", without(&[])),
        ("sales_rank_current_lte=500000", without(&[2])),
        ("sales_rank_current_lte=0", vec![]),
        ("drops_30_gte=2", without(&[3])),
        ("deal_trust_gte=50", without(&[4])),
        ("seller_trust_gte=5", without(&[5])),
        ("percent_down_gte=10", without(&[6])),
        ("hide_amz=1", without(&[7])),
        ("excluded_conditions=New", without(&[8])),
        ("excluded_conditions=Collectible,New", without(&[8, 9])),
        ("excluded_conditions=U-Good", asins(&[8, 9])),
        ("keyword=calculus", asins(&[10])),
        ("keyword=100%25", asins(&[10])),
        ("keyword=%25", asins(&[10])),
        ("roi_gte=20", without(&[12])),
        ("roi_gte=1000", asins(&[11])),
        ("profit_gte=5", without(&[12])),
        ("profit_gte=0", without(&[])),
        // Deal n (n ≤ 10) makes 35.26 + 0.10 n − round(1.5 n)/100: D09 $36.02, D10 $36.11.
        ("profit_gte=36.05", asins(&[10, 11])),
        ("sales_rank_current_lte=500000&roi_gte=20&hide_amz=1", without(&[2, 7, 12])),
    ];
    for (query, expected) in cases {
        let (mut got, body) = listed(user, &format!("sort=asin&{query}"));
        got.sort();
        assert_eq!(got, expected, "{query}");
        let total = body["pagination"]["total_records"].as_i64().unwrap();
        assert_eq!(total, expected.len() as i64, "{query}");
        let count = user.get(&format!("/api/deal-count?{query}"));
        assert_eq!(count.status, 200, "{query}: {}", count.body);
        let count = count.json();
        assert_eq!(count["count"].as_i64().unwrap(), total, "count vs total_records for {query}");
        let max_id = body["deals"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).max().unwrap_or(0);
        assert_eq!(count["max_id"].as_i64().unwrap(), max_id, "{query}");
    }
}

#[test]
fn a_book_is_found_by_its_asin_or_the_isbn_on_its_barcode() {
    let app = start();
    add_user(&app, "ann", "user");
    let book = |asin: &str, title: &str| FixtureDeal { title: title.into(), ..FixtureDeal::new(asin) };
    insert_deals(&app, &[book("0134093410", "Effective Java"), book("0306406152", "Signals and Systems"), book("080442957X", "Cosmos")]);
    let user = login(&app, "ann");
    let cases: [(&str, &[&str]); 8] = [
        ("0134093410", &["0134093410"]),
        ("080442957x", &["080442957X"]),
        ("9780134093413", &["0134093410"]),
        ("978-0-306-40615-7", &["0306406152"]),
        ("+9780804429573+", &["080442957X"]),
        // A mistyped barcode (wrong check digit) finds nothing rather than another book.
        ("9780134093414", &[]),
        ("979-10-323-0569-0", &[]),
        ("cosmos", &["080442957X"]),
    ];
    for (keyword, expected) in cases {
        let (found, body) = listed(&user, &format!("keyword={keyword}"));
        assert_eq!(found, expected, "keyword={keyword}");
        assert_eq!(body["pagination"]["total_records"].as_i64().unwrap(), expected.len() as i64, "keyword={keyword}");
        let count = user.get(&format!("/api/deal-count?keyword={keyword}")).json();
        assert_eq!(count["count"].as_i64().unwrap(), expected.len() as i64, "deal-count keyword={keyword}");
    }
    let csv = user.get("/download/deals.csv?keyword=9780134093413");
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("0134093410") && !csv.body.contains("0306406152"), "{}", csv.body);
}

#[test]
fn every_field_sorts_both_ways_with_nulls_last_and_roi_numerically() {
    let app = app_with_fixture();
    let user = &app.user;
    for column in deals_query::COLUMNS {
        for order in ["asc", "desc"] {
            let (_, body) = listed(user, &format!("sort={}&order={order}", column.key));
            let values: Vec<&Value> = body["deals"].as_array().unwrap().iter().map(|d| &d[column.key]).collect();
            let first_null = values.iter().position(|v| v.is_null()).unwrap_or(values.len());
            assert!(values[first_null..].iter().all(|v| v.is_null()), "{} {order}: nulls last", column.key);
            for pair in values[..first_null].windows(2) {
                let ordering = compare(pair[0], pair[1]);
                let ok = if order == "asc" { ordering.is_le() } else { ordering.is_ge() };
                assert!(ok, "{} {order}: {} before {}", column.key, pair[0], pair[1]);
            }
        }
    }
    let (by_roi, _) = listed(user, "sort=roi&order=desc");
    assert_eq!(by_roi.first().unwrap(), "0000000011", "ROI 1276 % is the highest");
    assert_eq!(by_roi.last().unwrap(), "0000000012", "ROI 2.5 % is the lowest");
    let (by_profit, _) = listed(user, "sort=profit&order=desc");
    assert_eq!(by_profit, asins(&[11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 12]));
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap().total_cmp(&y.as_f64().unwrap()),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => panic!("mixed types {a} / {b}"),
    }
}

#[test]
fn pages_split_the_sorted_list_without_overlap() {
    let app = app_with_fixture();
    let user = &app.user;
    let (all, _) = listed(user, "sort=profit&order=desc");
    let mut paged = Vec::new();
    for page in 1..=3 {
        let body = user.get(&format!("/api/deals?sort=profit&order=desc&limit=5&page={page}")).json();
        assert_eq!(body["pagination"], json!({ "total_records": 12, "total_pages": 3, "current_page": page, "limit": 5 }));
        paged.extend(body["deals"].as_array().unwrap().iter().map(|d| d["asin"].as_str().unwrap().to_string()));
    }
    assert_eq!(paged, all);
    let beyond = user.get("/api/deals?limit=5&page=4").json();
    assert_eq!(beyond["deals"], json!([]));
    let default = user.get("/api/deals").json();
    assert_eq!(default["pagination"]["limit"], 50);
    assert_eq!(default["deals"][0]["asin"], "0000000001", "default sort is id ascending");
}

#[test]
fn a_deal_has_every_field_as_a_number_string_bool_or_null_and_money_in_dollars() {
    let app = app_with_fixture();
    let user = &app.user;
    let deal = user.get("/api/deals/0000000001").json();
    for column in deals_query::COLUMNS {
        assert!(deal.get(column.key).is_some(), "missing {}", column.key);
    }
    assert_eq!(deal["price_now"], json!(20.0));
    assert_eq!(deal["list_at"], json!(80.1));
    assert_eq!(deal["all_in_cost"], json!(27.74));
    assert_eq!(deal["amazon_fees"], json!(17.02));
    assert_eq!(deal["profit"], json!(35.34));
    assert_eq!(deal["roi"], json!(127.4));
    assert_eq!(deal["amazon_selling"], json!(false));
    assert!(deal["publication_date"].is_null());
    // Incomplete deals are not listed but can be opened.
    let incomplete = user.get("/api/deals/0000000015").json();
    assert!(incomplete["list_at"].is_null());
    assert_eq!(user.get("/api/deals/0000000099").status, 404);
    assert_eq!(user.get("/api/deals/0000000001/history").status, 404, "no stored history");
    assert_eq!(user.get("/api/deals/0000000001/nope").status, 404);
}

#[test]
fn deal_count_answers_304_until_data_filters_or_settings_change() {
    let app = start();
    add_user(&app, "ann", "user");
    insert_deals(&app, &fixture());
    let user = login(&app, "ann");
    let first = user.get("/api/deal-count?roi_gte=20");
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap().to_string();
    let poll = |query: &str, etag: &str| user.client.request("GET", &format!("/api/deal-count?{query}"), None, &[("if-none-match", etag)]);
    let unchanged = poll("roi_gte=20", &etag);
    assert_eq!((unchanged.status, unchanged.body.as_str()), (304, ""));
    assert_eq!(poll("roi_gte=20.0", &etag).status, 304, "same filter, other spelling");
    assert_eq!(poll("roi_gte=30", &etag).status, 200, "other filters");
    let mut new_deal = FixtureDeal::new("0000000020");
    new_deal.list_at_cents = Some(50_000);
    insert_deals(&app, &[new_deal]);
    let after_insert = poll("roi_gte=20", &etag);
    assert_eq!(after_insert.status, 200, "new data");
    assert_eq!(after_insert.json()["count"], first.json()["count"].as_i64().unwrap() + 1);
    let etag = after_insert.header("etag").unwrap().to_string();
    assert_eq!(poll("roi_gte=20", &etag).status, 304);
    assert_eq!(user.post_json("/api/settings", &json!({ "prep_fee": 3 })).status, 200);
    assert_eq!(poll("roi_gte=20", &etag).status, 200, "new settings");
}

#[test]
fn the_csv_reads_back_as_the_same_rows_and_defuses_formulas() {
    let app = start();
    add_user(&app, "ann", "user");
    let mut deals = fixture();
    deals[0].title = "=HYPERLINK(\"http://evil\",\"x\")".into();
    deals[1].title = "Commas, \"quotes\"\nand lines".into();
    insert_deals(&app, &deals);
    let user = login(&app, "ann");
    let query = "sort=profit&order=desc&hide_amz=1";
    let reply = user.get(&format!("/download/deals.csv?{query}"));
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-disposition").unwrap().starts_with("attachment"));
    let mut reader = csv::Reader::from_reader(reply.body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, deals_query::COLUMNS.iter().map(|c| c.key.to_string()).collect::<Vec<_>>());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let (_, body) = listed(&user, query);
    let api = body["deals"].as_array().unwrap();
    assert_eq!(records.len(), api.len());
    for (record, deal) in records.iter().zip(api) {
        for (cell, key) in record.iter().zip(&header) {
            let expected = match &deal[key] {
                Value::Null => String::new(),
                Value::String(text) if text.starts_with('=') => format!("'{text}"),
                Value::String(text) => text.clone(),
                // Money is written with two decimals ("5.00"); the same number either way.
                Value::Number(number) => {
                    assert_eq!(cell.parse::<f64>().ok(), number.as_f64(), "{key} of {}", deal["asin"]);
                    continue;
                }
                other => other.to_string(),
            };
            assert_eq!(cell, expected, "{key} of {}", deal["asin"]);
        }
    }
    assert_eq!(user.get("/download/other.csv").status, 404);
    assert_eq!(user.get("/download/deals.csv?sort=nope").status, 400);
}

#[test]
fn hostile_and_malformed_parameters_get_400_naming_the_parameter() {
    let app = app_with_fixture();
    let user = &app.user;
    let cases = [
        ("sort=id;DROP TABLE deals", "sort"),
        ("sort=profit)--", "sort"),
        ("sort=(SELECT 1)", "sort"),
        ("order=DESC;", "order"),
        ("order=up", "order"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=1e3", "limit"),
        ("roi_gte=abc", "roi_gte"),
        ("roi_gte=1e999", "roi_gte"),
        ("roi_gte=NaN", "roi_gte"),
        ("roi_gte=-5", "roi_gte"),
        ("profit_gte=5dollars", "profit_gte"),
        ("sales_rank_current_lte=99999999999999999999999", "sales_rank_current_lte"),
        ("sales_rank_current_lte=1 OR 1=1", "sales_rank_current_lte"),
        ("drops_30_gte=2.5", "drops_30_gte"),
        ("deal_trust_gte=101", "deal_trust_gte"),
        ("seller_trust_gte=11", "seller_trust_gte"),
        ("percent_down_gte=x", "percent_down_gte"),
        ("hide_amz=yes", "hide_amz"),
        ("excluded_conditions=New'--", "excluded_conditions"),
        ("hide_gated=1", "hide_gated"),
        ("agents_choice=true", "agents_choice"),
        ("roi_gte=1&roi_gte=2", "roi_gte"),
    ];
    for (query, parameter) in cases {
        let query = query.replace(' ', "%20").replace(';', "%3B");
        for path in ["/api/deals", "/api/deal-count", "/download/deals.csv"] {
            let reply = user.get(&format!("{path}?{query}"));
            let filter_only = path == "/api/deal-count" && ["sort", "order", "page", "limit"].contains(&parameter);
            if filter_only {
                assert_eq!(reply.status, 200, "{path}?{query} ignores paging: {}", reply.body);
                continue;
            }
            if path == "/download/deals.csv" && ["page", "limit"].contains(&parameter) {
                continue;
            }
            assert_eq!(reply.status, 400, "{path}?{query}: {}", reply.body);
            let error = reply.json()["error"].as_str().unwrap().to_string();
            assert!(error.contains(&format!("`{parameter}`")), "{path}?{query}: {error}");
        }
    }
    let long_keyword = user.get(&format!("/api/deals?keyword={}", "a".repeat(101)));
    assert_eq!(long_keyword.status, 400);
    // Injection attempts in values that are legitimately free text just match nothing.
    let (found, _) = listed(user, "keyword=%27%20OR%201%3D1%20--");
    assert!(found.is_empty());
    for asin in ["%27%20OR%201%3D1", "short", "0000000001x"] {
        let reply = user.get(&format!("/api/deals/{asin}"));
        assert_eq!(reply.status, 400, "{asin}");
        assert!(reply.json()["error"].as_str().unwrap().contains("`asin`"));
    }
    let (all, _) = listed(user, "");
    assert_eq!(all.len(), VISIBLE.len(), "the deals table is intact");
    assert_eq!(user.client.request("DELETE", "/api/deals", None, &[("x-csrf-token", &user.csrf)]).status, 405);
}

#[test]
fn the_openapi_file_documents_every_deal_field_in_order() {
    let text = std::fs::read_to_string(integration_tests::repo_root().join("docs/openapi.yaml")).unwrap();
    let spec: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let properties = spec["components"]["schemas"]["Deal"]["properties"].as_mapping().unwrap();
    let documented: Vec<&str> = properties.keys().map(|key| key.as_str().unwrap()).collect();
    let served: Vec<&str> = deals_query::COLUMNS.iter().map(|column| column.key).collect();
    assert_eq!(documented, served);
    for path in ["/login", "/logout", "/api/deals", "/api/deals/{asin}", "/api/deals/{asin}/history", "/api/deal-count", "/api/settings", "/download/deals.csv"] {
        assert!(spec["paths"].get(path).is_some(), "{path} undocumented");
    }
}

#[test]
fn profit_pages_found_through_the_floor_equal_a_full_sort() {
    let app = start();
    add_user(&app, "ann", "user");
    insert_deals(&app, &deals_bench::catalogue(3000, 7));
    let ann = login(&app, "ann");
    assert_eq!(ann.post_json("/api/settings", &json!({ "sales_tax_pct": 9.5, "prep_fee": 0.5 })).status, 200);
    for filters in ["", "sales_rank_current_lte=1000000&roi_gte=20", "drops_30_gte=10&hide_amz=1", "profit_gte=60"] {
        // Reference: every match via the ascending sort (which never uses the floor), re-sorted here.
        let mut reference: Vec<(f64, i64, String)> = Vec::new();
        for page in 1.. {
            let body = ann.get(&format!("/api/deals?sort=profit&order=asc&limit=500&page={page}&{filters}")).json();
            let deals = body["deals"].as_array().unwrap().clone();
            reference.extend(deals.iter().map(|d| (d["profit"].as_f64().unwrap(), d["id"].as_i64().unwrap(), d["asin"].as_str().unwrap().to_string())));
            if deals.len() < 500 {
                break;
            }
        }
        reference.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let expected: Vec<String> = reference.into_iter().map(|(_, _, asin)| asin).take(200).collect();
        let mut paged = Vec::new();
        for page in 1..=4 {
            let body = ann.get(&format!("/api/deals?sort=profit&order=desc&limit=50&page={page}&{filters}")).json();
            paged.extend(body["deals"].as_array().unwrap().iter().map(|d| d["asin"].as_str().unwrap().to_string()));
        }
        assert_eq!(paged, expected, "{filters}");
    }
}

#[test]
fn the_deals_answers_are_as_docs_openapi_yaml_documents() {
    let spec = Spec::load();
    let app = app_with_fixture();
    let answered = |path: &str, status: u16| {
        let reply = app.user.get(path);
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        reply.json()
    };
    spec.check("get", "/api/deals", 200, &answered("/api/deals?limit=500", 200));
    spec.check("get", "/api/deals", 400, &answered("/api/deals?limit=0", 400));
    for asin in asins(&VISIBLE).iter().chain(&asins(&[13, 14, 15])) {
        spec.check("get", "/api/deals/{asin}", 200, &answered(&format!("/api/deals/{asin}"), 200));
    }
    spec.check("get", "/api/deals/{asin}", 404, &answered("/api/deals/9999999999", 404));
    spec.check("get", "/api/deal-count", 200, &answered("/api/deal-count?roi_gte=20", 200));
    spec.check("get", "/api/settings", 200, &answered("/api/settings", 200));
    spec.check("get", "/api/deals", 401, &app._app.client().get("/api/deals").json());
}
