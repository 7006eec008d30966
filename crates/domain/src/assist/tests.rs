//! The AI-assisted pipeline end to end with a scripted assistant: the DOMAIN §4.4 acceptance
//! cases, the rescue feeding List at, the seasonality label feeding the selling window, and the
//! path each figure records when the AI cannot answer.

use std::cell::RefCell;

use super::*;
use crate::analysis::{Analysis, analyze_assisted};
use crate::config::AnalysisConfig;
use crate::fixtures::{DAY, HOUR, NOW, ProductBuilder, at, stat_vector, three_may_sales};
use crate::keepa::{CsvType, Product};
use crate::list_at::{ListAtReview, ListAtSource, PriceCheck};
use crate::money::Cents;
use crate::sales::SalesSource;
use crate::seasonality::{Seasonality, SeasonalitySource};

/// Answers each call from a script and remembers what it was asked.
struct Scripted {
    rescue: Result<String, Unavailable>,
    review: Result<String, Unavailable>,
    season: Result<String, Unavailable>,
    asked: RefCell<Vec<AiRequest>>,
}

impl Scripted {
    fn new(rescue: Result<&str, Unavailable>, review: Result<&str, Unavailable>, season: Result<&str, Unavailable>) -> Scripted {
        let own = |answer: Result<&str, Unavailable>| answer.map(str::to_owned);
        Scripted { rescue: own(rescue), review: own(review), season: own(season), asked: RefCell::new(Vec::new()) }
    }

    fn answering(answer: Result<&str, Unavailable>) -> Scripted {
        Scripted::new(answer, answer, answer)
    }

    fn calls(&self) -> Vec<AiCall> {
        self.asked.borrow().iter().map(|request| request.call).collect()
    }
}

impl Assistant for Scripted {
    async fn ask(&self, request: &AiRequest) -> Result<String, Unavailable> {
        self.asked.borrow_mut().push(request.clone());
        match request.call {
            AiCall::SalesRescue => self.rescue.clone(),
            AiCall::PriceReview => self.review.clone(),
            AiCall::Seasonality => self.season.clone(),
        }
    }
}

fn analyze_with(product: &Product, assistant: &Scripted) -> Analysis {
    now_or_never(analyze_assisted(product, NOW, &AnalysisConfig::default(), assistant)).expect("a scripted assistant never waits")
}

#[test]
fn three_may_sales_ask_the_ai_and_a_yes_keeps_2000_with_peak_may() {
    // DOMAIN §4.4: Amazon current 10000 (ceiling 9000) and used current 10000.
    let mut product = three_may_sales();
    product.stats.as_mut().unwrap().current = stat_vector(&[(CsvType::Amazon, 10_000), (CsvType::Used, 10_000), (CsvType::SalesRank, 250_000)]);
    let assistant = Scripted::new(Err(Unavailable::Error), Ok("Yes"), Ok("Gardening"));
    let analysis = analyze_with(&product, &assistant);
    assert_eq!(assistant.calls(), [AiCall::PriceReview, AiCall::Seasonality], "no rescue: the sales were confirmed");
    assert_eq!(analysis.list_at.price, Some(Cents(2000)));
    assert_eq!(analysis.list_at.check, Some(PriceCheck::AiReview { suspicious: false }));
    assert_eq!(analysis.list_at_review, ListAtReview::AiYes);
    assert_eq!(analysis.list_at.seasons.unwrap().peak_month.abbreviation(), "May");
    assert!(assistant.asked.borrow()[0].user.contains("peak price of $20.00 reasonable for this book during May"));
    assert_eq!(analysis.sales_source, SalesSource::Inferred);
    assert_eq!(analysis.deal_trust, Some(100.0));
}

#[test]
fn an_ai_no_drops_the_list_at_and_the_deal_inputs_with_it() {
    let assistant = Scripted::new(Err(Unavailable::Error), Ok("No."), Ok("Year-round"));
    let analysis = analyze_with(&three_may_sales(), &assistant);
    assert_eq!((analysis.list_at.price, analysis.list_at_review), (None, ListAtReview::AiNo));
    assert_eq!(analysis.economics_inputs.unwrap().list_at, None, "no List at: the deal is stored hidden");
    assert_eq!((analysis.seasonality, analysis.seasonality_source), (Seasonality::YearRound, SeasonalitySource::Ai));
}

/// One sale of $90 (offer drop confirmed by the rank an hour later), used now at $25.
fn sparse_suspicious() -> Product {
    let mut product = ProductBuilder::new("0000000007")
        .series(CsvType::SalesRank, &[(at(-20 * DAY), 500_000), (at(-10 * DAY + HOUR), 90_000)])
        .series(CsvType::CountUsed, &[(at(-20 * DAY), 5), (at(-10 * DAY), 4)])
        .series(CsvType::Used, &[(at(-10 * DAY), 9000)])
        .stats(|stats| stats.current = stat_vector(&[(CsvType::Used, 2500), (CsvType::SalesRank, 90_000)]))
        .build();
    product.title = Some("College Algebra".to_owned());
    product
}

#[test]
fn a_suspicious_sparse_price_forces_the_question_with_an_unknown_season() {
    // DOMAIN §4.4: sparse median 9000, used current 2500 → ratio 3.6 → AI forced.
    let assistant = Scripted::answering(Ok("Yes"));
    let analysis = analyze_with(&sparse_suspicious(), &assistant);
    assert_eq!(assistant.calls(), [AiCall::PriceReview], "keywords classify a college title");
    assert_eq!(analysis.list_at.source, ListAtSource::InferredSparse);
    assert_eq!(analysis.list_at.check, Some(PriceCheck::AiReview { suspicious: true }));
    assert_eq!((analysis.list_at.price, analysis.list_at_review), (Some(Cents(9000)), ListAtReview::AiYes));
    assert!(assistant.asked.borrow()[0].user.contains("during an unknown season"));
    assert_eq!(analysis.seasonality_source, SeasonalitySource::Keywords);
}

#[test]
fn no_sales_never_ask_about_the_price() {
    // DOMAIN §4.4: no sales with valid averages → no List at, AI never asked about the price.
    let product = ProductBuilder::new("0000000009")
        .series(CsvType::SalesRank, &[(at(-30 * DAY), 3_000_000), (at(-DAY), 3_100_000)])
        .stats(|stats| {
            stats.current = stat_vector(&[(CsvType::Used, 2000), (CsvType::SalesRank, 3_100_000)]);
            stats.avg90 = stat_vector(&[(CsvType::Used, 2500)]);
        })
        .build();
    let mut titled = product.clone();
    titled.title = Some("Bar Exam Essentials".to_owned());
    let assistant = Scripted::answering(Ok("Yes"));
    let analysis = analyze_with(&titled, &assistant);
    assert!(assistant.calls().is_empty(), "rank beyond the rescue cutoff, season from keywords: {:?}", assistant.calls());
    assert_eq!((analysis.list_at.price, analysis.list_at.source), (None, ListAtSource::None));
    assert_eq!((analysis.list_at_review, analysis.sales_source), (ListAtReview::None, SalesSource::Inferred));
}

/// Offer drops the rank never confirms, rank 400k now: eligible for the rescue.
fn unconfirmed_drops() -> Product {
    let mut product = ProductBuilder::new("0000000011")
        .series(CsvType::SalesRank, &[(at(-90 * DAY), 300_000), (at(-5 * DAY), 400_000)])
        .series(CsvType::CountUsed, &[(at(-80 * DAY), 6), (at(-60 * DAY), 5), (at(-40 * DAY), 4)])
        .series(CsvType::Used, &[(at(-80 * DAY), 2400)])
        .stats(|stats| stats.current = stat_vector(&[(CsvType::Used, 2400), (CsvType::SalesRank, 400_000)]))
        .build();
    product.title = Some("The Quiet Garden Path".to_owned());
    product
}

fn rescue_json(dates_and_prices: &[(&str, f64)], confidence: &str) -> String {
    let events: Vec<String> = dates_and_prices.iter().map(|(date, price)| format!(r#"{{"date": "{date}", "price": {price}}}"#)).collect();
    format!(r#"{{"sales_found": true, "events": [{}], "estimated_market_price": 25, "confidence": "{confidence}", "reasoning": "r"}}"#, events.join(", "))
}

#[test]
fn rescued_events_become_the_sales_and_feed_list_at_without_the_iqr() {
    // NOW is 2025-06-15: three May sales at $25 and one March outlier the IQR fence would drop.
    let answer = rescue_json(&[("2025-05-02", 25.0), ("2025-05-09", 25.0), ("2025-05-16", 25.0), ("2025-03-20", 90.0)], "High");
    let assistant = Scripted::new(Ok(&answer), Ok("Yes"), Ok("Travel"));
    let analysis = analyze_with(&unconfirmed_drops(), &assistant);
    assert_eq!(assistant.calls(), [AiCall::SalesRescue, AiCall::PriceReview, AiCall::Seasonality]);
    assert_eq!(analysis.sales_source, SalesSource::AiRescue);
    assert_eq!(analysis.sales.sane.len(), 4, "AI events skip the outlier fence");
    assert!(analysis.sales.sane.iter().all(|sale| sale.at.0.rem_euclid(DAY) == 12 * HOUR), "events at noon UTC");
    assert_eq!(analysis.sales.offer_drops, 2, "the unconfirmed drops are still counted");
    assert_eq!(analysis.deal_trust, None, "trust is not computed for AI sales");
    assert_eq!(analysis.list_at.seasons.unwrap().peak_month.abbreviation(), "Mar", "the peak month's median decides");
    assert_eq!(analysis.list_at_review, ListAtReview::AiYes);
    assert_eq!(analysis.one_year_avg, Some(Cents(4125)));
    assert_eq!((analysis.seasonality, analysis.seasonality_source), (Seasonality::Travel, SeasonalitySource::Ai));
    assert_eq!(analysis.sells_window(), "May - Aug");
    let season_prompt = &assistant.asked.borrow()[2].user;
    assert!(season_prompt.contains("highest inferred sale prices: Mar") && season_prompt.contains("lowest inferred sale prices: May"));
}

#[test]
fn a_low_confidence_or_broken_rescue_leaves_no_sales() {
    let low = rescue_json(&[("2025-05-02", 25.0)], "Low");
    let analysis = analyze_with(&unconfirmed_drops(), &Scripted::new(Ok(&low), Ok("Yes"), Ok("Travel")));
    assert_eq!((analysis.sales_source, analysis.list_at.price), (SalesSource::AiNoSales, None));
    let broken = analyze_with(&unconfirmed_drops(), &Scripted::new(Ok("I found two sales."), Ok("Yes"), Ok("Travel")));
    assert_eq!(broken.sales_source, SalesSource::UnrescuedError);
    assert!(broken.sales.sane.is_empty());
}

#[test]
fn without_answers_every_step_takes_the_non_ai_path_and_says_why() {
    for (reason, sales, season) in [
        (Unavailable::NotConfigured, SalesSource::Unrescued, SeasonalitySource::Default),
        (Unavailable::Quota, SalesSource::UnrescuedQuota, SeasonalitySource::DefaultQuota),
        (Unavailable::Error, SalesSource::UnrescuedError, SeasonalitySource::DefaultError),
    ] {
        let assistant = Scripted::answering(Err(reason));
        let rescued = analyze_with(&unconfirmed_drops(), &assistant);
        assert_eq!((rescued.sales_source, rescued.seasonality, rescued.seasonality_source), (sales, Seasonality::YearRound, season));
        let reviewed = analyze_with(&three_may_sales(), &assistant);
        assert_eq!(reviewed.list_at.price, Some(Cents(2000)), "accepted without review ({reason:?})");
        assert_eq!(reviewed.list_at_review, ListAtReview::unanswered(reason));
    }
    assert_eq!(ListAtReview::unanswered(Unavailable::Quota), ListAtReview::AcceptedQuota);
}

#[test]
fn an_answer_that_is_no_label_is_year_round_from_an_error() {
    let analysis = analyze_with(&three_may_sales(), &Scripted::new(Err(Unavailable::Error), Ok("Yes"), Ok("Probably summer")));
    assert_eq!((analysis.seasonality, analysis.seasonality_source), (Seasonality::YearRound, SeasonalitySource::DefaultError));
}

#[test]
fn the_offline_analysis_is_the_assisted_one_without_answers() {
    let offline = crate::analysis::analyze(&unconfirmed_drops(), NOW, &AnalysisConfig::default());
    let unanswered = analyze_with(&unconfirmed_drops(), &Scripted::answering(Err(Unavailable::NotConfigured)));
    assert_eq!(offline, unanswered);
}

#[test]
fn only_usable_answers_are_cached_in_canonical_form() {
    let product = three_may_sales();
    let review = price_review_request(&product, Cents(2000), None, &[]);
    assert_eq!(review.cacheable_answer("yes, it is"), Some("Yes".to_owned()));
    assert_eq!(review.cacheable_answer("Nope"), Some("No".to_owned()));
    let season = seasonality_request(&product, None);
    assert_eq!(season.cacheable_answer(" gardening "), Some("Gardening".to_owned()));
    assert_eq!(season.cacheable_answer("a gardening book"), None);
    let rescue = sales_rescue_request(&product, NOW).unwrap();
    assert_eq!(rescue.cacheable_answer("no JSON"), None);
    let cached = rescue.cacheable_answer(&format!("```\n{}\n```", rescue_json(&[("2025-05-02", 25.0)], "High"))).unwrap();
    assert_eq!(RescueReply::parse(&cached).unwrap().accepted_events(NOW, &AnalysisConfig::default()).len(), 1);
}
