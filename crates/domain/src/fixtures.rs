//! Test and benchmark fixtures: a builder for hand-written products and a deterministic
//! generator of products with three years of realistic history. Not part of the API.

use crate::condition::ItemCondition;
use crate::keepa::{CsvType, HistoryPoint, Offer, OfferQuote, Product, StatVector, Stats};
use crate::money::Cents;
use crate::splitmix::SplitMix64;
use crate::time::{UnixSeconds, days};

/// A fixed "now" for tests: 2025-06-15T12:00:00Z. Tests place every event relative to it.
pub const NOW: UnixSeconds = UnixSeconds(1_749_988_800);

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// `NOW` shifted by `seconds` (negative = in the past).
pub fn at(seconds: i64) -> UnixSeconds {
    UnixSeconds(NOW.0 + seconds)
}

/// Builds a [`Product`] series by series.
pub struct ProductBuilder {
    product: Product,
}

impl ProductBuilder {
    pub fn new(asin: &str) -> Self {
        ProductBuilder { product: Product { asin: asin.to_owned(), ..Product::default() } }
    }

    /// Sets `csv[series]` from `(time, value)` pairs; a negative value is Keepa's "no data".
    pub fn series(mut self, series: CsvType, points: &[(UnixSeconds, i64)]) -> Self {
        let index = series.index();
        if self.product.history.len() <= index {
            self.product.history.resize(index + 1, Vec::new());
        }
        self.product.history[index] =
            points.iter().map(|&(at, value)| HistoryPoint { at, value: (value >= 0).then_some(value), shipping: None }).collect();
        self
    }

    pub fn stats(mut self, edit: impl FnOnce(&mut Stats)) -> Self {
        edit(self.product.stats.get_or_insert_with(Stats::default));
        self
    }

    pub fn offer(mut self, offer: Offer) -> Self {
        self.product.offers.push(offer);
        self
    }

    pub fn build(self) -> Product {
        self.product
    }
}

/// A stats vector with the given `(index, value)` entries and -1 elsewhere.
pub fn stat_vector(entries: &[(CsvType, i64)]) -> StatVector {
    let mut values = vec![Some(-1); 34];
    for &(series, value) in entries {
        values[series.index()] = Some(value);
    }
    StatVector(values)
}

/// An offer whose latest triplet is `(at, item_price, shipping)`; shipping -1 = unknown.
pub fn offer(seller_id: &str, condition: ItemCondition, is_fba: bool, at: UnixSeconds, item_price: i64, shipping: i64) -> Offer {
    Offer {
        seller_id: Some(seller_id.to_owned()),
        condition: Some(condition),
        is_fba,
        latest: Some(OfferQuote { at, item_price: Cents(item_price), shipping: (shipping >= 0).then_some(Cents(shipping)) }),
    }
}

/// Three used sales of $20 in May (an offer drop each, the rank improving an hour later), Amazon
/// at $100, the used price now $12 with a $12 FBA offer, titled "Moby Dick" (no season keyword).
pub fn three_may_sales() -> Product {
    let sale_days = [-32, -31, -30];
    let mut ranks = vec![(at(-60 * DAY), 600_000)];
    let mut counts = vec![(at(-60 * DAY), 10)];
    for (n, day) in sale_days.iter().enumerate() {
        counts.push((at(day * DAY), 9 - n as i64));
        ranks.push((at(day * DAY + HOUR), 100_000 + n as i64));
        ranks.push((at(day * DAY + 12 * HOUR), 600_000));
    }
    let mut product = ProductBuilder::new("0134093410")
        .series(CsvType::SalesRank, &ranks)
        .series(CsvType::CountUsed, &counts)
        .series(CsvType::Used, &[(at(-40 * DAY), 2000), (at(-2 * DAY), 1200)])
        .stats(|stats| {
            stats.current = stat_vector(&[(CsvType::Amazon, 10_000), (CsvType::Used, 1200), (CsvType::SalesRank, 250_000)]);
            stats.total_offer_count = Some(9);
            stats.offer_count_fba = Some(1);
            stats.offer_count_fbm = Some(1);
        })
        .offer(offer("A1FBA", ItemCondition::UsedGood, true, at(-2 * DAY), 1200, -1))
        .build();
    product.title = Some("Moby Dick".to_owned());
    product
}

/// A used textbook with three years of Keepa-like history ending at `now`: the rank is crawled
/// every ~2 h (≈ 13,000 points), used offers and prices change about twice a day, sales come in
/// bursts in August/January, and the stats and offers match the end of the history.
pub fn realistic_textbook(seed: u64, now: UnixSeconds) -> Product {
    let mut rng = SplitMix64(seed);
    let start = now - days(1095);
    let (mut ranks, mut used_counts, mut new_counts, mut used_prices, mut new_prices, mut amazon) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut rank, mut used_offers, mut new_offers, mut used_price, mut new_price) = (400_000_i64, 12_i64, 4_i64, 4500_i64, 9000_i64);
    let mut t = start;
    while t < now {
        let in_season = matches!(t.month().number(), 1 | 8 | 9);
        let sale_chance = if in_season { 8 } else { 30 };
        if rng.between(0, sale_chance) == 0 {
            // A sale: an offer disappears and the rank jumps up shortly after.
            used_offers = (used_offers - 1).max(1);
            used_counts.push((t, used_offers));
            rank = (rank / 3).max(20_000);
            ranks.push((t + std::time::Duration::from_secs(rng.between(600, 20 * 3600) as u64), rank));
        } else {
            rank = (rank + rng.between(500, 6000)).min(3_000_000);
            ranks.push((t, rank));
        }
        if rng.between(0, 12) == 0 {
            used_offers += 1;
            used_counts.push((t, used_offers));
        }
        if rng.between(0, 24) == 0 {
            new_offers = (new_offers + rng.between(-1, 2)).max(0);
            new_counts.push((t, new_offers));
        }
        if rng.between(0, 6) == 0 {
            let seasonal_lift = if in_season { 1500 } else { 0 };
            used_price = (3000 + seasonal_lift + rng.between(0, 3000)).max(500);
            used_prices.push((t, if rng.between(0, 50) == 0 { -1 } else { used_price }));
        }
        if rng.between(0, 20) == 0 {
            new_price = 8000 + rng.between(0, 4000);
            new_prices.push((t, new_price));
            amazon.push((t, new_price + 500));
        }
        t = t + std::time::Duration::from_secs(rng.between(HOUR, 3 * HOUR) as u64);
    }
    ranks.sort_by_key(|&(at, _)| at);
    ranks.dedup_by_key(|&mut (at, _)| at);

    let mut product = ProductBuilder::new(&format!("{:010}", seed % 10_000_000_000))
        .series(CsvType::Amazon, &amazon)
        .series(CsvType::New, &new_prices)
        .series(CsvType::Used, &used_prices)
        .series(CsvType::SalesRank, &ranks)
        .series(CsvType::CountNew, &new_counts)
        .series(CsvType::CountUsed, &used_counts)
        .stats(|stats| {
            stats.current = stat_vector(&[(CsvType::Amazon, new_price + 500), (CsvType::New, new_price), (CsvType::Used, used_price), (CsvType::SalesRank, rank), (CsvType::UsedGood, used_price)]);
            stats.avg30 = stat_vector(&[(CsvType::CountUsed, used_offers + 1)]);
            stats.avg90 = stat_vector(&[(CsvType::Used, 4800), (CsvType::CountUsed, used_offers)]);
            stats.avg180 = stat_vector(&[(CsvType::Amazon, 10_500), (CsvType::SalesRank, 350_000), (CsvType::CountUsed, used_offers)]);
            stats.avg365 = stat_vector(&[(CsvType::Amazon, 10_200), (CsvType::Used, 5000), (CsvType::SalesRank, 380_000), (CsvType::CountUsed, used_offers)]);
            stats.sales_rank_drops30 = Some(3);
            stats.sales_rank_drops180 = Some(20);
            stats.sales_rank_drops365 = Some(41);
            stats.offer_count_fba = Some(new_offers / 2);
            stats.offer_count_fbm = Some(new_offers - new_offers / 2);
            stats.total_offer_count = Some(new_offers + used_offers);
        })
        .offer(offer("A1FBASELLER", ItemCondition::UsedGood, true, now - days(1), used_price, -1))
        .offer(offer("A2MERCHANT", ItemCondition::UsedVeryGood, false, now - days(2), used_price + 300, 399))
        .build();
    product.title = Some("Calculus: Early Transcendentals".to_owned());
    product.publisher = Some("Cengage Learning".to_owned());
    product.categories = vec!["Books".to_owned(), "Textbooks".to_owned(), "Mathematics".to_owned()];
    product.fba_pick_pack_fee = Some(Cents(625));
    product.referral_fee_pct = Some(15.0);
    product
}
