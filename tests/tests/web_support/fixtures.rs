//! Fixture deals for the browser test, written straight into the app's database the way the
//! ingest job writes them: `count` generated deals (deterministic, a spread of ranks, prices,
//! conditions and seasons, a tenth of them unprofitable and so hidden), plus one known deal with
//! a three-year history and inferred sales for the overlay chart (DOMAIN §4.11's second worked
//! example: $25.00 now, List at $180.50, FBA fee $4.80 → profit $115.6x at default settings).

use rusqlite::{Connection, params};

/// The known deal, found with the keyword [`KNOWN_KEYWORD`].
pub const KNOWN_ASIN: &str = "0134093410";
pub const KNOWN_KEYWORD: &str = "Zymurgy";
/// The ISBN-13 on the known deal's barcode, as a reseller would type it.
pub const KNOWN_ISBN13: &str = "978-0-13-409341-3";

const DAY: i64 = 86_400;
const SUBJECTS: [&str; 12] = [
    "Calculus", "Organic Chemistry", "Microeconomics", "Anatomy and Physiology", "Linear Algebra", "World History",
    "Psychology", "Statistics", "Nursing Fundamentals", "Constitutional Law", "Gardening", "Marketing",
];
const KINDS: [&str; 4] = ["Textbook", "Handbook", "Essentials", "Principles"];
const CONDITIONS: [&str; 7] = ["used_good", "used_very_good", "used_like_new", "used_acceptable", "new", "used_good", "collectible_good"];
const SEASONS: [(&str, &str); 4] =
    [("Textbook (Summer)", "Jul - Sep"), ("Textbook (Winter)", "Jan - Feb"), ("Year-round", "All Year"), ("Gardening", "Mar - Apr")];
const TRENDS: [&str; 3] = ["up", "down", "flat"];

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A small deterministic generator (64-bit LCG), so every run sees the same deals.
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, bound: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as i64
    }
}

/// One deal row and its product.
struct Deal {
    asin: String,
    title: String,
    price: i64,
    list_at: i64,
    fba_fee: i64,
    rank: i64,
    condition: &'static str,
}

/// Inserts `count` generated deals and the known deal with its history.
pub fn insert_deals(db: &mut Connection, count: u32) {
    let transaction = db.transaction().expect("begin");
    let mut numbers = Numbers(42);
    for i in 0..count {
        let price = 500 + numbers.below(6000);
        let markup = if i % 10 == 9 { 80 } else { 150 + numbers.below(300) };
        let deal = Deal {
            asin: format!("B{:09}", i),
            title: format!(
                "{} {} ({} ed.) vol. {i}",
                SUBJECTS[i as usize % SUBJECTS.len()],
                KINDS[numbers.below(4) as usize],
                1 + numbers.below(9)
            ),
            price,
            list_at: price * markup / 100,
            fba_fee: 300 + numbers.below(500),
            rank: 10_i64.pow(3 + numbers.below(4) as u32) * (1 + numbers.below(9)),
            condition: CONDITIONS[i as usize % CONDITIONS.len()],
        };
        insert(&transaction, &deal, &mut numbers, i);
    }
    let known = Deal {
        asin: KNOWN_ASIN.into(),
        title: format!("{KNOWN_KEYWORD}: The Science of Brewing (3rd ed.)"),
        price: 2500,
        list_at: 18050,
        fba_fee: 480,
        rank: 48_000,
        condition: "used_very_good",
    };
    insert(&transaction, &known, &mut numbers, count);
    insert_history(&transaction, KNOWN_ASIN, 2500, 18050);
    transaction.commit().expect("commit");
}

/// Inserts one more deal that the keyword filter of the known deal also matches.
pub fn insert_new_deal(db: &Connection) {
    let deal = Deal {
        asin: "0000000042".into(),
        title: format!("{KNOWN_KEYWORD} Companion Workbook"),
        price: 1500,
        list_at: 9000,
        fba_fee: 400,
        rank: 120_000,
        condition: "used_good",
    };
    insert(db, &deal, &mut Numbers(7), 0);
}

fn insert(db: &Connection, deal: &Deal, numbers: &mut Numbers, i: u32) {
    let now = now();
    let (season, window) = SEASONS[i as usize % SEASONS.len()];
    db.execute(
        "INSERT INTO products (asin, title, author, publisher, binding, publication_date, category_sub, updated_at)
         VALUES (?1, ?2, ?3, 'Fixture Press', 'Paperback', '2014-02', 'Textbooks', ?4)",
        params![deal.asin, deal.title, format!("Author {}", i % 97), now],
    )
    .expect("insert product");
    let one_year_avg = (deal.price + deal.list_at) / 2;
    let offer_drops = 10 + numbers.below(40);
    db.execute(
        "INSERT INTO deals (asin, source, deal_found_at, last_seen_at, last_price_change_at, analyzed_at, price_now_cents,
            condition, seller_id, seller_name, seller_quality, is_fba, sales_rank, sales_rank_avg180, sales_rank_avg365,
            drops30, drops180, drops365, used_offers_now, used_offers_avg30, new_offers_now, amazon_selling, amazon_price_cents,
            one_year_avg_cents, percent_down, trend, peak_month, trough_month, list_at_cents, list_at_source, list_at_check,
            expected_trough_cents, seasonality, seasonality_source, sells_window, deal_trust, inferred_sales_count,
            offer_drops_count, fba_fee_cents, referral_fee_pct)
         VALUES (?1, 'demo', ?2, ?2, ?3, ?2, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 2, ?17, ?18,
            ?19, ?20, ?21, 9, 5, ?22, 'inferred', 'accepted', ?23, ?24, 'keywords', ?25, ?26, ?27, ?28, ?29, 15.0)",
        params![
            deal.asin,
            now,
            now - numbers.below(30 * DAY),
            deal.price,
            deal.condition,
            format!("SELLER{}", i % 50),
            format!("Seller {}", i % 50),
            0.2 + numbers.below(80) as f64 / 100.0,
            deal.rank,
            deal.rank + numbers.below(50_000),
            deal.rank + numbers.below(100_000),
            numbers.below(40),
            numbers.below(120),
            numbers.below(300),
            1 + numbers.below(30),
            1.0 + numbers.below(30) as f64,
            i.is_multiple_of(9),
            i.is_multiple_of(9).then_some(deal.price + 300),
            one_year_avg,
            100.0 * (one_year_avg - deal.price) as f64 / one_year_avg as f64,
            TRENDS[i as usize % TRENDS.len()],
            deal.list_at,
            deal.price * 9 / 10,
            season,
            window,
            (20 + numbers.below(81)) as f64,
            offer_drops / 2,
            offer_drops,
            deal.fba_fee,
        ],
    )
    .expect("insert deal");
}

/// Three years of weekly history (the compact chart JSON of the domain crate) and 12 inferred
/// sales, one of them an outlier.
fn insert_history(db: &Connection, asin: &str, price: i64, list_at: i64) {
    let now = now();
    let start = now - 1095 * DAY;
    let weeks: Vec<i64> = (0..157).map(|week| start + week * 7 * DAY).collect();
    let wave = |week: usize, low: i64, high: i64| low + (high - low) * ((week % 52) as i64 - 26).abs() / 26;
    let series = |low: i64, high: i64| -> Vec<(i64, Option<i64>)> {
        weeks.iter().enumerate().map(|(week, at)| (*at, Some(wave(week, low, high)))).collect()
    };
    let mut amazon = series(list_at, list_at + 2000);
    amazon[40].1 = None;
    let sales: Vec<(i64, i64, bool)> =
        (0..12).map(|n| (start + (n * 90 + 30) * DAY, if n == 5 { list_at * 3 } else { list_at - 1500 + n * 200 }, n == 5)).collect();
    let history = serde_json::json!({
        "used": series(price, list_at),
        "new": series(list_at, list_at + 4000),
        "amazon": amazon,
        "sales_rank": weeks.iter().enumerate().map(|(week, at)| (*at, Some(20_000 + wave(week, 0, 400_000)))).collect::<Vec<_>>(),
        "used_offers": weeks.iter().map(|at| (*at, Some(12))).collect::<Vec<_>>(),
        "new_offers": weeks.iter().map(|at| (*at, Some(3))).collect::<Vec<_>>(),
        "sales": sales,
    });
    db.execute("INSERT INTO price_history (asin, history_json, updated_at) VALUES (?1, ?2, ?3)", params![asin, history.to_string(), now])
        .expect("insert history");
    for (at, cents, outlier) in sales {
        db.execute(
            "INSERT INTO sale_events (asin, event_at, price_cents, offer_type, origin, is_outlier) VALUES (?1, ?2, ?3, 'used', 'algorithm', ?4)",
            params![asin, at, cents, outlier],
        )
        .expect("insert sale");
    }
}
