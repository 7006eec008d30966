//! The recommended resale price "List at" and the peak/trough seasons (DOMAIN §4.4).
//!
//! From the sane inferred sales: none → no price (the listing-average "Silver Standard" fallback
//! was removed and must not return, §4.4 / §8 item 16); 1–2 → their median ("sparse rescue");
//! 3 or more → the typical price of the peak month. The candidate is then checked: capped to 90 %
//! of the lowest Amazon price, rejected above $1,500, flagged suspicious above 3× the current used
//! price. Where the original asked the AI whether the price is reasonable the check says
//! [`PriceCheck::AiReview`]; `crate::assist` asks and records the outcome as a [`ListAtReview`]
//! (without an answer the price is accepted, as the original did when the AI was unavailable).

use serde::{Deserialize, Serialize};

use crate::assist::Unavailable;
use crate::config::AnalysisConfig;
use crate::keepa::{CsvType, Stats};
use crate::money::Cents;
use crate::sales::{SaleEvent, prices};
use crate::statistics::{median, repeated_mode};
use crate::time::Month;

/// Where the List at came from (`deals.list_at_source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListAtSource {
    /// Peak-month price of three or more sales.
    Inferred,
    /// Median of one or two sales.
    InferredSparse,
    /// No sales: no List at.
    None,
}

/// How the candidate price was judged (§4.4 steps 1–4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "check")]
pub enum PriceCheck {
    /// Above the Amazon ceiling: clamped to it and accepted without AI.
    CappedByAmazonCeiling,
    /// Sparse source and not suspicious: accepted without AI.
    SparseAccepted,
    /// Above the hard cap: rejected without AI.
    RejectedAboveHardCap,
    /// The AI is asked whether the price is reasonable (step 4); the outcome is a
    /// [`ListAtReview`]. `suspicious` = above the ratio to the current used price (which forces
    /// the question even for sparse prices).
    AiReview { suspicious: bool },
}

/// What became of the AI question of [`PriceCheck::AiReview`] (`deals.list_at_review`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListAtReview {
    /// No question: no candidate, or a rule decided (capped, sparse, hard cap).
    None,
    /// The AI found the price reasonable: kept.
    AiYes,
    /// The AI found it unreasonable: no List at (the deal is stored hidden).
    AiNo,
    /// No provider configured: accepted without review (the non-AI path).
    Accepted,
    /// The daily AI budget, the run's call cap or its time was used up: accepted.
    AcceptedQuota,
    /// The provider failed or answered nonsense: accepted.
    AcceptedError,
}

impl ListAtReview {
    /// The non-AI path taken because the AI could not answer.
    pub fn unanswered(reason: Unavailable) -> ListAtReview {
        match reason {
            Unavailable::NotConfigured => ListAtReview::Accepted,
            Unavailable::Quota => ListAtReview::AcceptedQuota,
            Unavailable::Error => ListAtReview::AcceptedError,
        }
    }
}

/// Peak and trough months with the expected trough price (only with ≥ 3 sales).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seasons {
    pub peak_month: Month,
    pub trough_month: Month,
    /// Median price in the trough month: the overlay's "Est. Buy Price".
    pub expected_trough: Cents,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAt {
    /// The recommendation; `None` when there were no sales or the check rejected it.
    pub price: Option<Cents>,
    pub source: ListAtSource,
    /// `None` when there was no candidate to check.
    pub check: Option<PriceCheck>,
    pub seasons: Option<Seasons>,
}

/// §4.4 from the sane sales and the product's stats.
pub fn recommend_list_at(sales: &[SaleEvent], stats: Option<&Stats>, config: &AnalysisConfig) -> ListAt {
    let (candidate, source, seasons) = match sales.len() {
        0 => return ListAt { price: None, source: ListAtSource::None, check: None, seasons: None },
        n if n < config.min_sales_for_seasons => {
            (median(&prices(sales)).map(Cents::rounded), ListAtSource::InferredSparse, None)
        }
        _ => {
            let (peak_price, seasons) = peak_price_and_seasons(sales);
            (Some(peak_price), ListAtSource::Inferred, Some(seasons))
        }
    };
    let (price, check) = match candidate {
        Some(candidate) => check_price(candidate, source, stats, config),
        None => (None, None),
    };
    ListAt { price, source, check, seasons }
}

/// Groups sales by calendar month; the peak month has the highest median, the trough the lowest
/// (ties → the earlier month). Peak price = the repeated mode of the peak month, else its median.
fn peak_price_and_seasons(sales: &[SaleEvent]) -> (Cents, Seasons) {
    let mut by_month: [Vec<i64>; 12] = Default::default();
    for sale in sales {
        by_month[usize::from(sale.at.month().number() - 1)].push(sale.price.0);
    }
    let medians: Vec<(usize, f64)> =
        by_month.iter().enumerate().filter_map(|(index, prices)| Some((index, median(prices)?))).collect();
    // `medians` is in month order, so keeping the first of equal values picks the earlier month.
    let (peak, _) = medians.iter().copied().fold(medians[0], |best, m| if m.1 > best.1 { m } else { best });
    let (trough, trough_median) = medians.iter().copied().fold(medians[0], |best, m| if m.1 < best.1 { m } else { best });
    let peak_prices = &by_month[peak];
    let peak_price = repeated_mode(peak_prices).map_or_else(|| Cents::rounded(median(peak_prices).unwrap_or_default()), Cents);
    let month = |index: usize| Month::new(index as u8 + 1).expect("index of a 12-element array");
    (peak_price, Seasons { peak_month: month(peak), trough_month: month(trough), expected_trough: Cents::rounded(trough_median) })
}

/// §4.4 steps 1–4 on a positive candidate price.
fn check_price(candidate: Cents, source: ListAtSource, stats: Option<&Stats>, config: &AnalysisConfig) -> (Option<Cents>, Option<PriceCheck>) {
    let ceiling = stats.and_then(|stats| amazon_ceiling(stats, config.amazon_ceiling_ratio));
    if let Some(ceiling) = ceiling.filter(|&ceiling| candidate > ceiling) {
        // Clamping to a ceiling that is itself above the hard cap would accept an absurd price.
        if ceiling <= config.hard_cap {
            return (Some(ceiling), Some(PriceCheck::CappedByAmazonCeiling));
        }
    }
    if candidate > config.hard_cap {
        return (None, Some(PriceCheck::RejectedAboveHardCap));
    }
    let current_used = stats.and_then(|stats| stats.current.price(CsvType::Used));
    let suspicious = current_used.is_some_and(|used| candidate.0 as f64 / used as f64 > config.suspicious_ratio);
    let check = if source == ListAtSource::InferredSparse && !suspicious {
        PriceCheck::SparseAccepted
    } else {
        PriceCheck::AiReview { suspicious }
    };
    (Some(candidate), Some(check))
}

/// `ratio × min(positive Amazon current, avg180, avg365)` (§4.4 step 1).
fn amazon_ceiling(stats: &Stats, ratio: f64) -> Option<Cents> {
    [&stats.current, &stats.avg180, &stats.avg365]
        .into_iter()
        .filter_map(|vector| vector.price(CsvType::Amazon))
        .min()
        .map(|lowest| Cents(lowest).scale(ratio))
}

#[cfg(test)]
mod tests;
