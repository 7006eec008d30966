//! A seeded catalogue of used books with multi-year Keepa histories, rendered in Keepa's wire
//! format (DOMAIN §3.2): Keepa minutes, `-1` for "no data", pair and triplet `csv` arrays,
//! `stats` vectors indexed like `csv`, live `offers` with `offerCSV` triplets.
//!
//! Books are simulated day by day: a sale is a used offer leaving (offer count −1) followed hours
//! later by a better sales rank; sellers relist now and then; prices rise in the book's season.
//! Each book has a kind, so the catalogue holds what a real Keepa feed holds: seasonal textbooks
//! and year-round titles now priced under their history (the profitable deals), dead titles
//! without a sale in a year, titles with missing data, books Amazon itself sells, and books whose
//! used price is not a bargain. Everything derives from `(seed, index, epoch)`: the same book
//! renders identically on every request, so tests can analyse exactly what the app received.

use domain::splitmix::SplitMix64;
use domain::time::UnixSeconds;
use serde_json::{Value, json};

/// Keepa minutes are counted from 2011-01-01T00:00Z.
const KEEPA_EPOCH_UNIX: i64 = 1_293_840_000;
const DAY_MINUTES: i64 = 24 * 60;
const HISTORY_DAYS: i64 = 3 * 365 + 30;

fn keepa_minutes(unix_seconds: i64) -> i64 {
    (unix_seconds - KEEPA_EPOCH_UNIX) / 60
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Sells in bursts at semester start (Aug–Sep, Jan); priced low now.
    SeasonalTextbook,
    /// Sells all year; priced low now.
    YearRound,
    /// No sale for more than a year.
    Dead,
    /// No offer-count history and no fee data: analysable but without sales.
    MissingData,
    /// Amazon has its own offer, which caps the resale price.
    AmazonSold,
    /// The used price is above its history: not a deal.
    Overpriced,
}

impl Kind {
    fn of(index: usize) -> Kind {
        match index % 20 {
            0..=10 => Kind::SeasonalTextbook,
            11..=14 => Kind::YearRound,
            15 => Kind::Dead,
            16 => Kind::MissingData,
            17 | 18 => Kind::AmazonSold,
            _ => Kind::Overpriced,
        }
    }
}

const SUBJECTS: [&str; 12] = [
    "Calculus", "Organic Chemistry", "Microeconomics", "Anatomy and Physiology", "Linear Algebra", "Psychology",
    "Statistics", "Biology", "World History", "Accounting Principles", "Physics", "Sociology",
];
const PUBLISHERS: [&str; 6] = ["Cengage Learning", "Pearson", "McGraw-Hill", "Wiley", "Norton", "Oxford University Press"];
const TRADE_TITLES: [&str; 6] = ["The Quiet Garden", "Notes on Walking", "A History of Salt", "The Long Winter", "Small Rooms", "River Maps"];

/// One simulated book.
#[derive(Clone, Debug)]
pub struct Book {
    pub asin: String,
    pub kind: Kind,
    pub title: String,
    /// Keepa minute of the deal's last update (within the last 10 hours).
    pub last_update_km: i64,
    product: Value,
    history: Value,
    current: Vec<i64>,
}

pub struct Catalogue {
    pub books: Vec<Book>,
    /// Order of `/deal` results: by a pseudo "percentage delta", not by `lastUpdate` (§3.1).
    pub deal_order: Vec<usize>,
}

impl Catalogue {
    /// `count` books simulated up to `now_unix`.
    pub fn generate(seed: u64, count: usize, now_unix: i64) -> Catalogue {
        let books: Vec<Book> = (0..count).map(|index| Book::simulate(seed, index, now_unix)).collect();
        let mut deal_order: Vec<usize> = (0..count).collect();
        deal_order.sort_by_key(|&index| SplitMix64(seed ^ 0xDE41 ^ index as u64).next_u64());
        Catalogue { books, deal_order }
    }

    pub fn book(&self, asin: &str) -> Option<&Book> {
        self.books.iter().find(|book| book.asin == asin)
    }
}

impl Book {
    fn simulate(seed: u64, index: usize, now_unix: i64) -> Book {
        let mut rng = SplitMix64(seed.wrapping_mul(0x1000_0001).wrapping_add(index as u64));
        let kind = Kind::of(index);
        let now_km = keepa_minutes(now_unix);
        let asin = format!("{:010}", 1_000_000_000 + (seed % 1000) * 1_000_000 + index as u64);
        let subject = SUBJECTS[index % SUBJECTS.len()];
        let (title, publisher, categories) = match kind {
            Kind::SeasonalTextbook | Kind::Dead | Kind::Overpriced => (
                format!("{subject}: A College Textbook, {} Edition", 2 + index % 9),
                PUBLISHERS[index % PUBLISHERS.len()],
                vec!["Books", "Textbooks", subject],
            ),
            _ => (format!("{} ({})", TRADE_TITLES[index % TRADE_TITLES.len()], index), "Harbor Press", vec!["Books", "Literature & Fiction"]),
        };
        let base_price = rng.between(3000, 9000);
        let start_km = now_km - HISTORY_DAYS * DAY_MINUTES;
        let (mut ranks, mut used_counts, mut new_counts, mut used_prices, mut new_prices, mut amazon) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut rank, mut used_offers, mut new_offers) = (rng.between(150_000, 900_000), rng.between(6, 14), rng.between(1, 5));
        let mut sales_days: Vec<i64> = Vec::new();
        let dead_since = now_km - 400 * DAY_MINUTES;
        for day in 0..HISTORY_DAYS {
            let day_km = start_km + day * DAY_MINUTES + rng.between(0, 600);
            let month = UnixSeconds(KEEPA_EPOCH_UNIX + day_km * 60).month().number();
            let in_season = matches!(month, 1 | 8 | 9);
            let seasonal = kind == Kind::SeasonalTextbook || kind == Kind::Overpriced;
            let price = if seasonal && in_season { base_price * 14 / 10 } else { base_price } + rng.between(-400, 400);
            if rng.chance(30) || day == 0 {
                used_prices.push([day_km, price]);
            }
            if rng.chance(5) || day == 0 {
                new_prices.push([day_km, base_price * 2 + rng.between(0, 1500)]);
            }
            if kind == Kind::AmazonSold && (rng.chance(5) || day == 0) {
                amazon.push([day_km, base_price * 12 / 10 + rng.between(0, 800)]);
            }
            let sale_chance = match kind {
                Kind::Dead if day_km > dead_since => 0,
                _ if seasonal && in_season => 18,
                _ if seasonal => 3,
                _ => 7,
            };
            if rng.chance(sale_chance) && used_offers > 1 {
                used_offers -= 1;
                used_counts.push([day_km, used_offers]);
                rank = (rank / 3).max(8_000);
                ranks.push([day_km + rng.between(30, 600), rank]);
                sales_days.push(day_km);
            }
            rank = (rank + rng.between(2_000, 15_000)).min(4_000_000);
            ranks.push([day_km + 720, rank]);
            if rng.chance(9) {
                used_offers += 1;
                used_counts.push([day_km + 900, used_offers]);
            }
            if rng.chance(2) {
                new_offers = (new_offers + rng.between(-1, 2)).max(0);
                new_counts.push([day_km + 1000, new_offers]);
            }
        }
        for series in [&mut ranks, &mut used_counts, &mut new_counts] {
            series.sort();
            series.dedup_by_key(|point| point[0]);
        }
        let now_used = match kind {
            Kind::Overpriced => base_price * 16 / 10,
            _ => base_price * rng.between(38, 55) / 100,
        };
        let last_update_km = now_km - rng.between(5, 600);
        used_prices.push([last_update_km, now_used]);
        let drops = |days: i64| sales_days.iter().filter(|&&km| km > now_km - days * DAY_MINUTES).count() as i64;
        let amazon_now = amazon.last().map_or(-1, |point| point[1]);
        let new_now = new_prices.last().map_or(-1, |point| point[1]);
        let mut current = vec![-1; 34];
        current[0] = amazon_now;
        current[1] = new_now;
        current[2] = now_used;
        current[3] = rank;
        current[11] = new_offers;
        current[12] = used_offers;
        current[21] = now_used;
        let average = |value: i64| {
            let mut vector = vec![-1; 34];
            vector[0] = if amazon_now > 0 { base_price * 12 / 10 + 400 } else { -1 };
            vector[1] = base_price * 2 + 700;
            vector[2] = value;
            vector[3] = rank + 100_000;
            vector[11] = new_offers;
            vector[12] = used_offers;
            vector[21] = value;
            vector
        };
        let typical = base_price * if kind == Kind::SeasonalTextbook { 11 } else { 10 } / 10;
        let missing = kind == Kind::MissingData;
        let offers = if missing {
            json!([])
        } else {
            json!([
                {"sellerId": format!("A{:09}FBA", index), "condition": 4, "isFBA": true,
                 "offerCSV": [last_update_km - 3000, now_used + 500, 0, last_update_km, now_used, 0]},
                {"sellerId": format!("A{:09}MFN", index), "condition": 3, "isFBA": false,
                 "offerCSV": [last_update_km, now_used + 350, 399]}
            ])
        };
        let stats = json!({
            "current": current,
            "avg30": average(typical), "avg90": average(typical), "avg180": average(typical), "avg365": average(typical),
            "salesRankDrops30": drops(30), "salesRankDrops90": drops(90), "salesRankDrops180": drops(180), "salesRankDrops365": drops(365),
            "offerCountFBA": new_offers / 2, "offerCountFBM": new_offers - new_offers / 2,
            "totalOfferCount": new_offers + used_offers,
        });
        let product = json!({
            "asin": asin, "title": title, "manufacturer": publisher, "author": format!("Author {}", index % 97),
            "binding": "Paperback", "numberOfPages": 96 + index % 50 * 8, "imagesCSV": format!("{asin}.jpg"),
            "publicationDate": publication_date(index), "releaseDate": 20_240_901,
            "packageWeight": if missing { -1 } else { 250 + index as i64 % 20 * 45 },
            "categoryTree": categories.iter().enumerate().map(|(n, name)| json!({"catId": 283155 + n, "name": name})).collect::<Vec<_>>(),
            "trackingSince": start_km, "lastUpdate": last_update_km,
            "fbaFees": if missing { Value::Null } else { json!({"pickAndPackFee": 300 + (index as i64 % 5) * 80}) },
            "referralFeePercentage": if missing { Value::Null } else { json!(15.0) },
            "stats": stats, "offers": offers,
        });
        let flat = |points: &[[i64; 2]]| -> Value { points.iter().flatten().copied().collect::<Vec<_>>().into() };
        let mut csv = vec![Value::Null; 22];
        csv[0] = if amazon.is_empty() { Value::Null } else { flat(&amazon) };
        csv[1] = flat(&new_prices);
        csv[2] = flat(&used_prices);
        csv[3] = flat(&ranks);
        if !missing {
            csv[11] = flat(&new_counts);
            csv[12] = flat(&used_counts);
        }
        csv[21] = used_prices.iter().flat_map(|[at, price]| [*at, *price, 0]).collect::<Vec<_>>().into();
        Book { asin, kind, title, last_update_km, product, history: Value::Array(csv), current }
    }

    /// The `/product` object; `history` adds `csv` from `days` ago (Keepa's `days` parameter).
    pub fn product_json(&self, history: bool, days: Option<i64>) -> Value {
        let mut product = self.product.clone();
        if history {
            let csv = match days {
                Some(days) => cut_history(&self.history, self.last_update_km - days * DAY_MINUTES),
                None => self.history.clone(),
            };
            product["csv"] = csv;
        }
        product
    }

    /// The `/deal` record (`deals.dr[]`).
    pub fn deal_json(&self) -> Value {
        let mut since = vec![-1; 34];
        since[2] = self.last_update_km;
        since[21] = self.last_update_km;
        json!({
            "asin": self.asin, "title": self.title, "lastUpdate": self.last_update_km,
            "creationDate": self.last_update_km - 2 * DAY_MINUTES, "current": self.current, "currentSince": since,
        })
    }
}

/// Drops points older than `from_km` from every series (pairs and triplets alike).
fn cut_history(csv: &Value, from_km: i64) -> Value {
    let series = csv.as_array().into_iter().flatten().enumerate().map(|(index, series)| {
        let Some(values) = series.as_array() else { return Value::Null };
        let stride = if index == 21 { 3 } else { 2 };
        let kept: Vec<Value> = values
            .chunks(stride)
            .filter(|point| point[0].as_i64().is_some_and(|km| km >= from_km))
            .flat_map(|point| point.iter().cloned())
            .collect();
        Value::Array(kept)
    });
    Value::Array(series.collect())
}

/// `publicationDate` in each of Keepa's formats in turn (`YYYYMMDD`, `YYYYMM`, `YYYY`), or `-1`
/// for every fourth book, whose `releaseDate` then stands in.
fn publication_date(index: usize) -> i64 {
    let year = 1990 + (index % 35) as i64;
    match index % 4 {
        0 => year * 10_000 + (index % 12 + 1) as i64 * 100 + (index % 28 + 1) as i64,
        1 => year * 100 + (index % 12 + 1) as i64,
        2 => year,
        _ => -1,
    }
}
