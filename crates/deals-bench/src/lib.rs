//! Deal rows written straight into the app's SQLite database: hand-made ones for the
//! integration tests and a reproducible pseudo-random catalogue for the benchmark. One insert
//! path for both, matching the columns ingestion fills (migration 0002).

use rusqlite::{Connection, params};

/// The fields of a deal that the filters, sorts and economics read.
#[derive(Clone, Debug)]
pub struct FixtureDeal {
    pub asin: String,
    pub title: String,
    pub author: String,
    pub price_now_cents: i64,
    pub list_at_cents: Option<i64>,
    pub one_year_avg_cents: Option<i64>,
    pub fba_fee_cents: Option<i64>,
    pub referral_fee_pct: Option<f64>,
    pub sales_rank: Option<i64>,
    pub drops30: Option<i64>,
    pub deal_trust: Option<f64>,
    pub seller_quality: Option<f64>,
    pub seller_name: String,
    pub percent_down: Option<f64>,
    pub amazon_selling: bool,
    pub condition: Option<&'static str>,
    pub seasonality: String,
    pub last_price_change_at: i64,
}

impl FixtureDeal {
    /// A complete, profitable deal; tests change the fields they are about.
    pub fn new(asin: &str) -> FixtureDeal {
        FixtureDeal {
            asin: asin.to_string(),
            title: format!("Book {asin}"),
            author: "Author".into(),
            price_now_cents: 2000,
            list_at_cents: Some(8000),
            one_year_avg_cents: Some(5000),
            fba_fee_cents: Some(500),
            referral_fee_pct: Some(15.0),
            sales_rank: Some(100_000),
            drops30: Some(5),
            deal_trust: Some(80.0),
            seller_quality: Some(0.9),
            seller_name: "Seller".into(),
            percent_down: Some(20.0),
            amazon_selling: false,
            condition: Some("used_good"),
            seasonality: "Year-round".into(),
            last_price_change_at: 1_700_000_000,
        }
    }
}

/// Inserts the products and deals in one transaction.
pub fn insert(db: &mut Connection, deals: &[FixtureDeal]) -> rusqlite::Result<()> {
    let tx = db.transaction()?;
    {
        let mut product = tx.prepare(
            "INSERT INTO products (asin, title, author, publisher, category_sub, updated_at) VALUES (?1, ?2, ?3, 'Publisher', 'Textbooks', 0)",
        )?;
        let mut deal = tx.prepare(
            "INSERT INTO deals (asin, source, last_seen_at, analyzed_at, last_price_change_at, price_now_cents,
               list_at_cents, one_year_avg_cents, fba_fee_cents, referral_fee_pct, sales_rank, drops30, deal_trust,
               seller_quality, seller_name, percent_down, amazon_selling, condition, seasonality)
             VALUES (?1, 'demo', ?2, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for d in deals {
            product.execute(params![d.asin, d.title, d.author])?;
            deal.execute(params![
                d.asin,
                d.last_price_change_at,
                d.price_now_cents,
                d.list_at_cents,
                d.one_year_avg_cents,
                d.fba_fee_cents,
                d.referral_fee_pct,
                d.sales_rank,
                d.drops30,
                d.deal_trust,
                d.seller_quality,
                d.seller_name,
                d.percent_down,
                d.amazon_selling,
                d.condition,
                d.seasonality,
            ])?;
        }
    }
    tx.commit()
}

/// `count` varied deals from `seed` (same seed, same catalogue); most complete and profitable.
pub fn catalogue(count: usize, seed: u64) -> Vec<FixtureDeal> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |bound: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    const CONDITIONS: [&str; 5] = ["used_like_new", "used_very_good", "used_good", "used_acceptable", "new"];
    (0..count)
        .map(|i| {
            let price = 500 + next(6000) as i64;
            let mut deal = FixtureDeal::new(&format!("B{i:09}"));
            deal.title = format!("Title {} volume {}", next(100_000), i % 7);
            deal.price_now_cents = price;
            deal.list_at_cents = (next(20) != 0).then(|| price + next(15_000) as i64 - 1000);
            deal.one_year_avg_cents = (next(25) != 0).then(|| price + next(5000) as i64);
            deal.fba_fee_cents = (next(10) != 0).then(|| 300 + next(500) as i64);
            deal.referral_fee_pct = Some(15.0);
            deal.sales_rank = Some(1 + next(3_000_000) as i64);
            deal.drops30 = Some(next(40) as i64);
            deal.deal_trust = Some(next(101) as f64);
            deal.seller_quality = Some(next(1000) as f64 / 1000.0);
            deal.percent_down = Some(next(90) as f64);
            deal.amazon_selling = next(5) == 0;
            deal.condition = Some(CONDITIONS[next(5) as usize]);
            deal.last_price_change_at = 1_700_000_000 + next(10_000_000) as i64;
            deal
        })
        .collect()
}
