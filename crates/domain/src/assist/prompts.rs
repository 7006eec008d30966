//! The three pipeline questions (DOMAIN §6.2), built from the product and the figures computed
//! so far. Wording is ours; structure, temperature and max tokens follow the spec's table. Each
//! prompt ends with one fixed instruction line on the expected answer format (the mock LLM of the
//! tests recognises the questions by it).

use crate::averages::three_year_average;
use crate::keepa::{CsvType, Product};
use crate::list_at::Seasons;
use crate::money::Cents;
use crate::sales::SaleEvent;
use crate::seasonality::Seasonality;
use crate::time::{Month, UnixSeconds};
use crate::trend::long_term_trend;

use super::evidence::{EVIDENCE_WINDOW, history_table};
use super::{AiCall, AiRequest, CachePolicy, PRICE_REVIEW_TTL, PROMPT_VERSION, SALES_RESCUE_TTL, SEASONALITY_TTL};

/// The answer-format line of the price review.
pub const PRICE_REVIEW_INSTRUCTION: &str = "Answer with Yes or No only.";
/// The answer-format line of the seasonality classification.
pub const SEASONALITY_INSTRUCTION: &str = "Answer with the label only, exactly as written above.";
/// The answer-format line of the sales rescue.
pub const SALES_RESCUE_INSTRUCTION: &str = "Answer with this JSON object only, no other text:";

/// Where product images live (the original's image link, §6.2).
const IMAGE_BASE_URL: &str = "https://images-na.ssl-images-amazon.com/images/I/";

fn text_or_unknown(value: Option<&str>) -> &str {
    value.map(str::trim).filter(|value| !value.is_empty()).unwrap_or("unknown")
}

fn category_path(product: &Product) -> String {
    if product.categories.is_empty() { "unknown".to_owned() } else { product.categories.join(" > ") }
}

fn rank(value: Option<i64>) -> String {
    value.map_or_else(|| "unknown".to_owned(), |rank| rank.to_string())
}

fn month_or_unknown(month: Option<Month>) -> &'static str {
    month.map_or("unknown", Month::abbreviation)
}

fn cache(call: AiCall, asin: &str, parts: &[&str], ttl: std::time::Duration) -> CachePolicy {
    let mut key = vec![PROMPT_VERSION.to_owned(), call.as_str().to_owned(), asin.to_owned()];
    key.extend(parts.iter().map(|part| (*part).to_owned()));
    CachePolicy { key, ttl }
}

/// §4.4 step 4: is `price` reasonable as the peak price (0.1 / 10 tokens, one user message).
/// `seasons` is `None` on the sparse path: the season is then unknown, said in words rather than
/// the original's bare "-" (§4.4 known traps).
pub fn price_review_request(product: &Product, price: Cents, seasons: Option<Seasons>, sales: &[SaleEvent]) -> AiRequest {
    let season = seasons.map(|seasons| seasons.peak_month);
    let season_text = match season {
        Some(month) => month.abbreviation().to_owned(),
        None => "an unknown season (too few sales to tell the peak month)".to_owned(),
    };
    let stats = product.stats.as_ref();
    let image = product.image_id.as_deref().map_or_else(|| "none".to_owned(), |id| format!("{IMAGE_BASE_URL}{id}"));
    let user = format!(
        "You are an expert advisor on the resale prices of used books on Amazon.\n\
         Keep in mind that the 3-year average sale price mixes off-season lows with in-season sales, so a \
         seasonal peak price can legitimately be 200-400% above it. Used book prices above $500 need intense \
         scrutiny; above $1,000 they are almost never reasonable.\n\n\
         Question: is a peak price of {price} reasonable for this book during {season_text}?\n\n\
         Title: {title}\n\
         Category: {category}\n\
         Season: {season_short}\n\
         Binding: {binding}\n\
         Pages: {pages}\n\
         Current Rank: {rank_now}, 90-day Avg Rank: {rank_avg90}\n\
         3-year price trend: {trend}\n\
         3-year average sale price: {average}\n\
         Image: {image}\n\n\
         {PRICE_REVIEW_INSTRUCTION}",
        title = text_or_unknown(product.title.as_deref()),
        category = category_path(product),
        season_short = month_or_unknown(season),
        binding = text_or_unknown(product.binding.as_deref()),
        pages = product.pages.map_or_else(|| "unknown".to_owned(), |pages| pages.to_string()),
        rank_now = rank(stats.and_then(|stats| stats.current.get(CsvType::SalesRank))),
        rank_avg90 = rank(stats.and_then(|stats| stats.avg90.get(CsvType::SalesRank))),
        trend = long_term_trend(sales).description(),
        average = three_year_average(sales).map_or_else(|| "unknown".to_owned(), |cents| cents.to_string()),
    );
    let whole_dollars = Cents::rounded(price.0 as f64 / 100.0).0.to_string();
    AiRequest {
        call: AiCall::PriceReview,
        asin: product.asin.clone(),
        system: None,
        user,
        temperature: 0.1,
        max_tokens: 10,
        cache: cache(AiCall::PriceReview, &product.asin, &[&whole_dollars, month_or_unknown(season)], PRICE_REVIEW_TTL),
    }
}

/// §4.6 step 5: one of the 17 labels for a book the keywords could not place (0.1 / 50 tokens).
/// Peak and trough months go into the prompt and the cache key (the original sent "-" and keyed
/// without them, freezing first answers, §8 item 23).
pub fn seasonality_request(product: &Product, seasons: Option<Seasons>) -> AiRequest {
    let (peak, trough) = (seasons.map(|s| s.peak_month), seasons.map(|s| s.trough_month));
    let labels: Vec<&str> = Seasonality::ALL.iter().map(|season| season.label()).collect();
    let user = format!(
        "Classify this book by the season in which it sells best.\n\n\
         Title: {title}\n\
         Category: {category}\n\
         Publisher: {publisher}\n\
         Month with the highest inferred sale prices: {peak}\n\
         Month with the lowest inferred sale prices: {trough}\n\n\
         Labels:\n{labels}\n\n\
         {SEASONALITY_INSTRUCTION}",
        title = text_or_unknown(product.title.as_deref()),
        category = category_path(product),
        publisher = text_or_unknown(product.publisher.as_deref()),
        peak = month_or_unknown(peak),
        trough = month_or_unknown(trough),
        labels = labels.join("\n"),
    );
    AiRequest {
        call: AiCall::Seasonality,
        asin: product.asin.clone(),
        system: Some("You are an expert in book classification who knows when each kind of book sells.".to_owned()),
        user,
        temperature: 0.1,
        max_tokens: 50,
        cache: cache(AiCall::Seasonality, &product.asin, &[month_or_unknown(peak), month_or_unknown(trough)], SEASONALITY_TTL),
    }
}

/// §4.3 step 7: sales hidden in the history when the inference confirmed none (0.2 / 500
/// tokens). `None` when the last 100 days hold no history to show.
pub fn sales_rescue_request(product: &Product, now: UnixSeconds) -> Option<AiRequest> {
    let table = history_table(product, now)?;
    let user = format!(
        "You are an analyst who reconstructs the used-copy sales of a book on Amazon from its Keepa history. \
         The automatic detection confirmed no sale; look for sales it missed.\n\n\
         Rules of evidence:\n\
         - An offer-count drop together with a sales-rank improvement is a sale.\n\
         - A rank improvement without an offer-count drop can still be a sale when a seller holds more than one copy.\n\
         - An offer-count drop without a rank improvement is a seller delisting, not a sale.\n\
         - Keepa records sparsely: not every change is captured, so judge the overall pattern.\n\n\
         Book: {title} (ASIN {asin}). Today is {today}.\n\
         History of the last {window} days (UTC; a row whenever a value changes; prices in USD):\n\n\
         {table}\n\
         {SALES_RESCUE_INSTRUCTION}\n\
         {{\"sales_found\": true, \"events\": [{{\"date\": \"YYYY-MM-DD\", \"price\": 24.99}}], \
         \"estimated_market_price\": 24.99, \"confidence\": \"High\", \"reasoning\": \"one sentence\"}}\n\
         confidence is High, Medium or Low; price is the used sale price in USD; when you find no sale, \
         answer sales_found false with an empty events list.",
        title = text_or_unknown(product.title.as_deref()),
        asin = product.asin,
        today = now.date_string(),
        window = EVIDENCE_WINDOW.as_secs() / 86_400,
    );
    Some(AiRequest {
        call: AiCall::SalesRescue,
        asin: product.asin.clone(),
        system: None,
        user,
        temperature: 0.2,
        max_tokens: 500,
        cache: cache(AiCall::SalesRescue, &product.asin, &[], SALES_RESCUE_TTL),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, NOW, ProductBuilder, at, stat_vector};
    use crate::sales::OfferClass;

    fn book() -> Product {
        let mut product = ProductBuilder::new("0000000042")
            .series(CsvType::SalesRank, &[(at(-20 * DAY), 300_000)])
            .stats(|stats| {
                stats.current = stat_vector(&[(CsvType::SalesRank, 250_000)]);
                stats.avg90 = stat_vector(&[(CsvType::SalesRank, 310_000)]);
            })
            .build();
        product.title = Some("The Quiet Garden".to_owned());
        product.categories = vec!["Books".to_owned(), "Literature".to_owned()];
        product.publisher = Some("Harbor Press".to_owned());
        product.binding = Some("Paperback".to_owned());
        product.pages = Some(312);
        product.image_id = Some("51abc.jpg".to_owned());
        product
    }

    fn may_seasons() -> Seasons {
        Seasons { peak_month: Month::new(5).unwrap(), trough_month: Month::new(11).unwrap(), expected_trough: Cents(1500) }
    }

    #[test]
    fn price_review_carries_the_facts_and_its_sampling() {
        let sales = [1000, 1500, 2000].map(|price| SaleEvent { at: at(-price * DAY / 100), price: Cents(price), offer_class: OfferClass::Used });
        let request = price_review_request(&book(), Cents(4549), Some(may_seasons()), &sales);
        assert_eq!((request.temperature, request.max_tokens, request.system.is_none()), (0.1, 10, true));
        for fact in [
            "peak price of $45.49 reasonable for this book during May",
            "Title: The Quiet Garden",
            "Category: Books > Literature",
            "Binding: Paperback",
            "Pages: 312",
            "Current Rank: 250000, 90-day Avg Rank: 310000",
            "3-year average sale price: $15.00",
            "Image: https://images-na.ssl-images-amazon.com/images/I/51abc.jpg",
            "200-400%",
            PRICE_REVIEW_INSTRUCTION,
        ] {
            assert!(request.user.contains(fact), "missing {fact:?} in\n{}", request.user);
        }
        assert_eq!(request.cache.key, ["1", "price_review", "0000000042", "45", "May"]);
        assert_eq!(request.cache.ttl, PRICE_REVIEW_TTL);
        let sparse = price_review_request(&book(), Cents(9000), None, &sales[..1]);
        assert!(sparse.user.contains("an unknown season"), "{}", sparse.user);
        assert!(sparse.user.contains("3-year price trend: Insufficient data"));
    }

    #[test]
    fn seasonality_lists_every_label_and_keys_by_peak_and_trough() {
        let request = seasonality_request(&book(), Some(may_seasons()));
        assert_eq!((request.temperature, request.max_tokens), (0.1, 50));
        assert!(request.system.as_deref().unwrap().contains("book classification"));
        for season in Seasonality::ALL {
            assert!(request.user.contains(&format!("\n{}\n", season.label())), "{}", season.label());
        }
        assert!(request.user.contains("Publisher: Harbor Press") && request.user.contains("prices: May") && request.user.contains("prices: Nov"));
        assert_eq!(request.cache.key, ["1", "seasonality", "0000000042", "May", "Nov"]);
        assert_ne!(seasonality_request(&book(), None).cache.key, request.cache.key);
    }

    #[test]
    fn sales_rescue_shows_the_history_and_the_contract() {
        let request = sales_rescue_request(&book(), NOW).unwrap();
        assert_eq!((request.temperature, request.max_tokens), (0.2, 500));
        assert!(request.user.contains("| Time | Rank | Used Price | Offers |"));
        assert!(request.user.contains("| 300000 | - | - |"), "{}", request.user);
        assert!(request.user.contains(&format!("Today is {}", NOW.date_string())));
        assert!(request.user.contains("\"sales_found\"") && request.user.contains(SALES_RESCUE_INSTRUCTION));
        assert_eq!(request.cache.ttl, SALES_RESCUE_TTL);
        assert_eq!(sales_rescue_request(&ProductBuilder::new("0000000001").build(), NOW), None);
    }
}
