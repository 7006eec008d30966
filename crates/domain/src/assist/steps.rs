//! The three AI-assisted steps as [`crate::analysis::analyze_assisted`] runs them: each decides
//! whether its question applies, asks, and turns the answer — or its absence — into the figure
//! and the path that produced it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::config::AnalysisConfig;
use crate::keepa::Product;
use crate::list_at::{ListAt, ListAtReview, PriceCheck, Seasons};
use crate::sales::{InferredSales, SaleEvent, SalesSource, sales_rescue_eligible};
use crate::seasonality::{Seasonality, SeasonalitySource, classify_by_keywords};
use crate::time::UnixSeconds;

use super::{Assistant, RescueReply, parse_price_review, parse_seasonality, price_review_request, sales_rescue_request, seasonality_request};

/// §4.3 step 7: no sale confirmed and the rank qualifies → the AI's confident events become the
/// sales, outlier rejection skipped; the offer-drop count stays (deal trust is not computed for
/// rescued sales, §4.8).
pub(crate) async fn rescue_sales(
    product: &Product,
    sales: InferredSales,
    current_rank: Option<i64>,
    now: UnixSeconds,
    config: &AnalysisConfig,
    assistant: &impl Assistant,
) -> (InferredSales, SalesSource) {
    if !sales_rescue_eligible(&sales, current_rank, config) {
        return (sales, SalesSource::Inferred);
    }
    // Nothing in the last 100 days to show the AI: nothing to rescue from.
    let Some(request) = sales_rescue_request(product, now) else { return (sales, SalesSource::Inferred) };
    let reply = match assistant.ask(&request).await {
        Ok(answer) => RescueReply::parse(&answer),
        Err(reason) => return (sales, SalesSource::unanswered(reason)),
    };
    let Ok(reply) = reply else { return (sales, SalesSource::UnrescuedError) };
    let events = reply.accepted_events(now, config);
    if events.is_empty() {
        return (sales, SalesSource::AiNoSales);
    }
    (InferredSales { sane: events, outliers: Vec::new(), offer_drops: sales.offer_drops }, SalesSource::AiRescue)
}

/// §4.4 step 4: a price the rules left to the AI is kept on "yes", dropped on anything else, and
/// accepted when there is no answer (the original's behaviour without the AI).
pub(crate) async fn review_price(product: &Product, list_at: ListAt, sales: &[SaleEvent], assistant: &impl Assistant) -> (ListAt, ListAtReview) {
    let (Some(PriceCheck::AiReview { .. }), Some(price)) = (list_at.check, list_at.price) else {
        return (list_at, ListAtReview::None);
    };
    match assistant.ask(&price_review_request(product, price, list_at.seasons, sales)).await {
        Ok(answer) if parse_price_review(&answer) => (list_at, ListAtReview::AiYes),
        Ok(_) => (ListAt { price: None, ..list_at }, ListAtReview::AiNo),
        Err(reason) => (list_at, ListAtReview::unanswered(reason)),
    }
}

/// §4.6: keywords first; otherwise the AI's label, Year-round without a usable one.
pub(crate) async fn classify_season(product: &Product, seasons: Option<Seasons>, assistant: &impl Assistant) -> (Seasonality, SeasonalitySource) {
    let title = product.title.as_deref().unwrap_or_default();
    let publisher = product.publisher.as_deref().unwrap_or_default();
    if let Some(season) = classify_by_keywords(title, &product.categories.join(" > "), publisher) {
        return (season, SeasonalitySource::Keywords);
    }
    match assistant.ask(&seasonality_request(product, seasons)).await {
        Ok(answer) => match parse_seasonality(&answer) {
            Some(season) => (season, SeasonalitySource::Ai),
            None => (Seasonality::YearRound, SeasonalitySource::DefaultError),
        },
        Err(reason) => (Seasonality::YearRound, SeasonalitySource::unanswered(reason)),
    }
}

/// The output of a future that needs no waiting (the [`super::Offline`] assistant, scripted
/// test assistants); `None` if it would wait.
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
