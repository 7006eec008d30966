//! Every write of the job, one function per kind of row change. Callers wrap a batch of them in
//! one transaction. A full analysis rewrites the whole deal (it recomputed everything); a light
//! update names exactly the columns it recomputed and keeps stored values where it learned
//! nothing (`COALESCE`), the fix for the original's NULL-overwrite bug (DOMAIN §3.4, §8 items 7–9).

use std::collections::{HashMap, HashSet};

use domain::analysis::{Analysis, MarketSnapshot, market_snapshot};
use domain::averages::percent_down;
use domain::buy_offer::{BuyOffer, SellerShipping, refreshed_seller_name};
use domain::config::AnalysisConfig;
use domain::history::ChartHistory;
use domain::keepa::{CsvType, Deal, Product, Seller};
use domain::list_at::{ListAtReview, PriceCheck};
use domain::money::Cents;
use domain::time::UnixSeconds;
use domain::trust::seller_quality;
use keepa_client::DbError;
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::param::{integer, real, text};

/// How a deal of the current pass was handled (`ingest_pass_seen.outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handled {
    Stored,
    Refreshed,
    Rejected,
}

/// `?, ?, …` for `n` parameters.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn texts(values: &[&str]) -> Vec<Value> {
    values.iter().map(|value| Value::Text((*value).to_owned())).collect()
}

/// Which of a page's deals are stored already.
#[derive(Default)]
pub struct StoredDeals {
    pub asins: HashSet<String>,
    /// Those whose last analysis, before `unanswered_before`, left an AI question unanswered (a
    /// `*_quota` or `*_error` path): they are analysed again in full when the provider can be asked.
    pub unanswered: HashSet<String>,
}

impl StoredDeals {
    pub fn contains(&self, asin: &str) -> bool {
        self.asins.contains(asin)
    }
}

/// Which of `asins` already have a deal row, and which of those, analysed before
/// `unanswered_before`, wait for an AI answer.
pub fn existing_deals(db: &Connection, asins: &[&str], unanswered_before: UnixSeconds) -> Result<StoredDeals, DbError> {
    let mut stored = StoredDeals::default();
    if asins.is_empty() {
        return Ok(stored);
    }
    let sql = format!(
        "SELECT asin, analyzed_at < ? AND (list_at_review IN ('accepted_quota', 'accepted_error')
                OR seasonality_source IN ('default_quota', 'default_error')
                OR sales_source IN ('unrescued_quota', 'unrescued_error')) AS unanswered
         FROM deals WHERE asin IN ({})",
        placeholders(asins.len())
    );
    let mut params = vec![Value::Integer(unanswered_before.0)];
    params.extend(texts(asins));
    for row in db.execute(&sql, &params)?.rows() {
        let Some(asin) = row.get::<&str>("asin") else { continue };
        if row.get::<i64>("unanswered") == Some(1) {
            stored.unanswered.insert(asin.to_owned());
        }
        stored.asins.insert(asin.to_owned());
    }
    Ok(stored)
}

/// The `lastUpdate` each of `asins` was handled with earlier in this pass.
pub fn seen_in_pass(db: &Connection, asins: &[&str]) -> Result<HashMap<String, UnixSeconds>, DbError> {
    if asins.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!("SELECT asin, last_update FROM ingest_pass_seen WHERE asin IN ({})", placeholders(asins.len()));
    let result = db.execute(&sql, &texts(asins))?;
    Ok(result
        .rows()
        .filter_map(|row| Some((row.get::<&str>("asin")?.to_owned(), UnixSeconds(row.get::<i64>("last_update")?))))
        .collect())
}

pub fn mark_seen(db: &Connection, deal: &Deal, handled: Handled) -> Result<(), DbError> {
    let outcome = match handled {
        Handled::Stored => "stored",
        Handled::Refreshed => "refreshed",
        Handled::Rejected => "rejected",
    };
    db.execute(
        "INSERT INTO ingest_pass_seen (asin, last_update, outcome) VALUES (?, ?, ?)
         ON CONFLICT (asin) DO UPDATE SET last_update = excluded.last_update, outcome = excluded.outcome",
        &[Value::Text(deal.asin.clone()), Value::Integer(deal.last_update.map_or(0, |at| at.0)), Value::Text(outcome.into())],
    )?;
    Ok(())
}

pub fn clear_pass(db: &Connection) -> Result<(), DbError> {
    db.execute("DELETE FROM ingest_pass_seen", &[])?;
    Ok(())
}

/// The oldest deals not seen since `before`, for the stale rescue.
pub fn stale_deals(db: &Connection, before: UnixSeconds, limit: usize) -> Result<Vec<String>, DbError> {
    let result = db.execute(
        "SELECT asin FROM deals WHERE last_seen_at < ? ORDER BY last_seen_at LIMIT ?",
        &[Value::Integer(before.0), Value::Integer(limit as i64)],
    )?;
    Ok(result.rows().filter_map(|row| row.get::<&str>("asin").map(str::to_owned)).collect())
}

/// A stored enum's snake_case name, as serde writes it (the schema's CHECK values).
fn label<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok()?.as_str().map(str::to_owned)
}

/// `deals.list_at_check`: which rule judged the List at — `ai` when the AI answered the
/// question, `accepted` when it was left to the non-AI path (`list_at_review` says why).
fn price_check_label(check: PriceCheck, review: ListAtReview) -> &'static str {
    match check {
        PriceCheck::CappedByAmazonCeiling => "capped",
        PriceCheck::SparseAccepted | PriceCheck::RejectedAboveHardCap => "rules",
        PriceCheck::AiReview { .. } if matches!(review, ListAtReview::AiYes | ListAtReview::AiNo) => "ai",
        PriceCheck::AiReview { .. } => "accepted",
    }
}

/// The landed price includes a shipping charge the seller actually quoted.
fn shipping_included(offer: &BuyOffer) -> i64 {
    matches!(offer.seller_shipping, SellerShipping::Quoted(_)).into()
}

fn cents(value: Option<Cents>) -> Value {
    integer(value.map(|cents| cents.0))
}

fn seconds(value: Option<UnixSeconds>) -> Value {
    integer(value.map(|at| at.0))
}

/// Columns of a fully analysed deal, in the order of `upsert_analyzed`'s parameters.
const DEAL_COLUMNS: [&str; 47] = [
    "asin", "source", "deal_found_at", "last_seen_at", "last_price_change_at", "keepa_last_update_km",
    "analyzed_at", "price_now_cents", "shipping_included", "condition", "seller_id", "seller_name",
    "seller_quality", "is_fba", "sales_rank", "sales_rank_avg180", "sales_rank_avg365", "drops30", "drops180",
    "drops365", "used_offers_now", "used_offers_avg30", "used_offers_avg180", "used_offers_avg365",
    "new_offers_now", "amazon_selling", "amazon_price_cents", "one_year_avg_cents", "percent_down", "trend",
    "recent_sale_cents", "peak_month", "trough_month", "list_at_cents", "list_at_source", "list_at_check",
    "expected_trough_cents", "seasonality", "seasonality_source", "sells_window", "deal_trust",
    "inferred_sales_count", "offer_drops_count", "fba_fee_cents", "referral_fee_pct", "list_at_review", "sales_source",
];

/// `INSERT … ON CONFLICT DO UPDATE` over [`DEAL_COLUMNS`]: a new analysis replaces every column,
/// except where the stored value outlives it (first sighting, a time Keepa did not repeat, the
/// name and rating of a seller `/seller` did not answer for this time).
fn upsert_deal_sql() -> String {
    let updates: Vec<String> = DEAL_COLUMNS[1..]
        .iter()
        .map(|column| match *column {
            "deal_found_at" => format!("{column} = COALESCE(deals.{column}, excluded.{column})"),
            "last_price_change_at" | "keepa_last_update_km" => format!("{column} = COALESCE(excluded.{column}, deals.{column})"),
            "seller_name" | "seller_quality" => format!(
                "{column} = CASE WHEN excluded.seller_id IS deals.seller_id \
                 THEN COALESCE(excluded.{column}, deals.{column}) ELSE excluded.{column} END"
            ),
            _ => format!("{column} = excluded.{column}"),
        })
        .collect();
    format!(
        "INSERT INTO deals ({}) VALUES ({}) ON CONFLICT (asin) DO UPDATE SET {}",
        DEAL_COLUMNS.join(", "),
        placeholders(DEAL_COLUMNS.len()),
        updates.join(", ")
    )
}

/// A discovered deal after its full analysis.
pub struct AnalyzedDeal<'a> {
    pub deal: &'a Deal,
    pub product: &'a Product,
    pub analysis: &'a Analysis,
    /// The buy offer's seller, when `/seller` answered.
    pub seller: Option<&'a Seller>,
}

/// A product and its deal after a full analysis, with its chart and inferred sales.
pub fn upsert_analyzed(db: &Connection, source: &str, now: UnixSeconds, analyzed: &AnalyzedDeal, config: &AnalysisConfig) -> Result<(), DbError> {
    let AnalyzedDeal { deal, product, analysis, seller } = *analyzed;
    upsert_product(db, product, now)?;
    let market = &analysis.market;
    let offer = market.buy_offer.as_ref();
    let seasons = analysis.list_at.seasons;
    let stats = product.stats.as_ref();
    let inputs = analysis.economics_inputs.as_ref();
    let mut params = vec![
        Value::Text(product.asin.clone()),
        Value::Text(source.into()),
        seconds(deal.created_at),
        Value::Integer(now.0),
        seconds(deal.last_used_price_change().or(analysis.last_price_change_at)),
        integer(deal.last_update.map(UnixSeconds::to_keepa_minutes)),
        Value::Integer(now.0),
        cents(offer.map(|offer| offer.price_now)),
        Value::Integer(offer.map_or(0, shipping_included)),
        text(offer.and_then(|offer| offer.condition).map(|condition| condition.as_str())),
        text(offer.and_then(|offer| offer.seller_id.as_deref())),
        text(seller.and_then(|seller| seller.name.as_deref())),
        real(seller.map(|seller| seller_quality(seller.rating_pct, seller.rating_count))),
        integer(offer.map(|offer| offer.is_fba.into())),
    ];
    params.extend(market_columns(market));
    params.extend([
        Value::Integer(market.amazon_selling.into()),
        integer(stats.and_then(|stats| stats.current.price(CsvType::Amazon))),
        cents(analysis.one_year_avg),
        real(analysis.percent_down),
        text(label(&analysis.trend).as_deref()),
        cents(analysis.recent_sale),
        integer(seasons.map(|seasons| seasons.peak_month.number().into())),
        integer(seasons.map(|seasons| seasons.trough_month.number().into())),
        cents(analysis.list_at.price),
        text(label(&analysis.list_at.source).as_deref()),
        text(analysis.list_at.check.map(|check| price_check_label(check, analysis.list_at_review))),
        cents(seasons.map(|seasons| seasons.expected_trough)),
        Value::Text(analysis.seasonality.label().into()),
        text(label(&analysis.seasonality_source).as_deref()),
        Value::Text(analysis.sells_window().into()),
        real(analysis.deal_trust),
        Value::Integer(analysis.inferred_sales_count() as i64),
        Value::Integer(analysis.offer_drops_count() as i64),
        cents(inputs.map(|inputs| inputs.fba_fee)),
        real(inputs.map(|inputs| inputs.referral_fee_pct)),
        text(label(&analysis.list_at_review).as_deref()),
        text(label(&analysis.sales_source).as_deref()),
    ]);
    db.execute(&upsert_deal_sql(), &params)?;
    let chart = ChartHistory::build(product, &analysis.sales, now, config.history_window);
    db.execute(
        "INSERT INTO price_history (asin, history_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (asin) DO UPDATE SET history_json = excluded.history_json, updated_at = excluded.updated_at",
        &[Value::Text(product.asin.clone()), Value::Text(chart.to_json()), Value::Integer(now.0)],
    )?;
    replace_sale_events(db, &product.asin, analysis)
}

fn upsert_product(db: &Connection, product: &Product, now: UnixSeconds) -> Result<(), DbError> {
    let category_sub = product.categories.get(2..).filter(|names| !names.is_empty()).map(|names| names.join(", "));
    db.execute(
        "INSERT INTO products (asin, title, author, publisher, binding, publication_date, image_id, category_root,
            category_sub, package_weight_g, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (asin) DO UPDATE SET title = COALESCE(excluded.title, products.title),
            author = COALESCE(excluded.author, products.author),
            publisher = COALESCE(excluded.publisher, products.publisher),
            binding = COALESCE(excluded.binding, products.binding),
            publication_date = COALESCE(excluded.publication_date, products.publication_date),
            image_id = COALESCE(excluded.image_id, products.image_id),
            category_root = COALESCE(excluded.category_root, products.category_root),
            category_sub = COALESCE(excluded.category_sub, products.category_sub),
            package_weight_g = COALESCE(excluded.package_weight_g, products.package_weight_g),
            updated_at = excluded.updated_at",
        &[
            Value::Text(product.asin.clone()),
            text(product.title.as_deref()),
            text(product.author.as_deref()),
            text(product.publisher.as_deref()),
            text(product.binding.as_deref()),
            text(product.publication_date.as_deref()),
            text(product.image_id.as_deref()),
            text(product.categories.first().map(String::as_str)),
            text(category_sub.as_deref()),
            integer(product.package_weight_g.map(i64::from)),
            Value::Integer(now.0),
        ],
    )?;
    Ok(())
}

fn replace_sale_events(db: &Connection, asin: &str, analysis: &Analysis) -> Result<(), DbError> {
    db.execute("DELETE FROM sale_events WHERE asin = ?", &[Value::Text(asin.into())])?;
    let events = analysis.sales.sane.iter().map(|sale| (sale, false)).chain(analysis.sales.outliers.iter().map(|sale| (sale, true)));
    let origin = analysis.sales_source.origin();
    for (sale, is_outlier) in events {
        db.execute(
            "INSERT OR IGNORE INTO sale_events (asin, event_at, price_cents, offer_type, origin, is_outlier)
             VALUES (?, ?, ?, ?, ?, ?)",
            &[
                Value::Text(asin.into()),
                Value::Integer(sale.at.0),
                Value::Integer(sale.price.0),
                text(label(&sale.offer_class).as_deref()),
                Value::Text(origin.into()),
                Value::Integer(is_outlier.into()),
            ],
        )?;
    }
    Ok(())
}

/// The light update of a stored deal from a history-free product (§3.4): market columns,
/// buy offer (or the stored one when Keepa shows none), percent down against the stored
/// one-year average, `last_seen_at`. List at and everything from history stay as stored.
pub fn refresh(db: &Connection, now: UnixSeconds, product: &Product, deal: Option<&Deal>, config: &AnalysisConfig) -> Result<(), DbError> {
    let stored = db.execute(
        "SELECT seller_id, seller_name, one_year_avg_cents FROM deals WHERE asin = ?",
        &[Value::Text(product.asin.clone())],
    )?;
    let Some(row) = stored.rows().next() else { return Ok(()) };
    let market = market_snapshot(product, now, config);
    let offer = market.buy_offer.as_ref();
    let stored_seller = row.get::<&str>("seller_id");
    let new_seller = offer.and_then(|offer| offer.seller_id.as_deref());
    let same_seller = offer.is_none() || stored_seller == new_seller;
    let seller_name = if same_seller {
        row.get::<&str>("seller_name").map(str::to_owned)
    } else {
        refreshed_seller_name(stored_seller, row.get::<&str>("seller_name"), new_seller)
    };
    let one_year_avg = row.get::<i64>("one_year_avg_cents").map(Cents);
    let stats = product.stats.as_ref();
    db.execute(
        "UPDATE deals SET
            last_seen_at = ?2,
            keepa_last_update_km = COALESCE(?3, keepa_last_update_km),
            last_price_change_at = COALESCE(?4, last_price_change_at),
            price_now_cents = COALESCE(?5, price_now_cents),
            shipping_included = COALESCE(?6, shipping_included),
            condition = COALESCE(?7, condition),
            is_fba = COALESCE(?8, is_fba),
            seller_id = CASE WHEN ?9 THEN seller_id ELSE ?10 END,
            seller_name = ?11,
            seller_quality = CASE WHEN ?9 THEN seller_quality ELSE NULL END,
            percent_down = COALESCE(?12, percent_down),
            sales_rank = COALESCE(?13, sales_rank),
            sales_rank_avg180 = COALESCE(?14, sales_rank_avg180),
            sales_rank_avg365 = COALESCE(?15, sales_rank_avg365),
            drops30 = COALESCE(?16, drops30),
            drops180 = COALESCE(?17, drops180),
            drops365 = COALESCE(?18, drops365),
            used_offers_now = COALESCE(?19, used_offers_now),
            used_offers_avg30 = COALESCE(?20, used_offers_avg30),
            used_offers_avg180 = COALESCE(?21, used_offers_avg180),
            used_offers_avg365 = COALESCE(?22, used_offers_avg365),
            new_offers_now = COALESCE(?23, new_offers_now),
            amazon_selling = COALESCE(?24, amazon_selling),
            amazon_price_cents = CASE WHEN ?24 IS NULL THEN amazon_price_cents ELSE ?25 END
         WHERE asin = ?1",
        &[
            Value::Text(product.asin.clone()),
            Value::Integer(now.0),
            integer(deal.and_then(|deal| deal.last_update).map(UnixSeconds::to_keepa_minutes)),
            seconds(deal.and_then(Deal::last_used_price_change)),
            cents(offer.map(|offer| offer.price_now)),
            integer(offer.map(shipping_included)),
            text(offer.and_then(|offer| offer.condition).map(|condition| condition.as_str())),
            integer(offer.map(|offer| offer.is_fba.into())),
            Value::Integer(same_seller.into()),
            text(new_seller),
            text(seller_name.as_deref()),
            real(offer.and_then(|offer| percent_down(offer.price_now, one_year_avg))),
        ]
        .into_iter()
        .chain(market_columns(&market))
        .chain([
            integer(stats.map(|_| market.amazon_selling.into())),
            integer(stats.and_then(|stats| stats.current.price(CsvType::Amazon))),
        ])
        .collect::<Vec<_>>(),
    )?;
    Ok(())
}

/// Rank and offer columns in schema order: `sales_rank` … `new_offers_now`.
fn market_columns(market: &MarketSnapshot) -> [Value; 11] {
    let average = |count: Option<i64>| real(count.map(|n| n as f64));
    [
        integer(market.sales_rank),
        integer(market.sales_rank_avg180),
        integer(market.sales_rank_avg365),
        integer(market.drops30),
        integer(market.drops180),
        integer(market.drops365),
        integer(market.used_offers_now),
        average(market.used_offers_avg30),
        average(market.used_offers_avg180),
        average(market.used_offers_avg365),
        integer(market.new_offers_now),
    ]
}

/// Deletes the deals chosen by `condition` (a `WHERE` over `deals`) with everything stored for
/// their products; foreign-key cascades are not relied on (Spin does not enable them).
pub fn delete_deals(db: &Connection, condition: &str, params: &[Value]) -> Result<u32, DbError> {
    let chosen = format!("SELECT asin FROM deals WHERE {condition}");
    let count = db
        .execute(&format!("SELECT COUNT(*) AS n FROM ({chosen})"), params)?
        .rows()
        .next()
        .and_then(|row| row.get::<i64>("n"))
        .unwrap_or(0);
    if count == 0 {
        return Ok(0);
    }
    for table in ["sale_events", "price_history"] {
        db.execute(&format!("DELETE FROM {table} WHERE asin IN ({chosen})"), params)?;
    }
    db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_products (asin TEXT PRIMARY KEY)", &[])?;
    db.execute("DELETE FROM doomed_products", &[])?;
    db.execute(&format!("INSERT INTO doomed_products {chosen}"), params)?;
    db.execute(&format!("DELETE FROM deals WHERE {condition}"), params)?;
    db.execute("DELETE FROM products WHERE asin IN (SELECT asin FROM doomed_products)", &[])?;
    db.execute("DELETE FROM doomed_products", &[])?;
    Ok(count as u32)
}
