//! The offline advisor: a rule-based verdict from the deal's figures and the persona's
//! [`Thresholds`], used when no provider is configured, the provider fails, or the budget is
//! used up (always marked `"source": "offline"`).
//!
//! Each check compares one figure with the persona's threshold; the verdict is **Buy** when all
//! known checks pass, **Pass** when a deal-breaker fails (no profit, margin or ROI below the
//! threshold, rank worse than the limit) and **Consider carefully** otherwise (velocity or trust
//! below the threshold, Amazon on the listing, unknown figures). For seasonal titles the rank
//! limit is doubled (DOMAIN §6.2 correction 2: off-season ranks understate in-season demand).
//!
//! The offline [`chat_html`] reply reuses that assessment for a deal the message names, and
//! quotes the approved knowledge that shares words with the message ([`relevance`]). The
//! persona's wording comes from one table ([`voice`]).

mod chat;
pub mod relevance;
mod voice;

pub use chat::chat_html;

use crate::deal::{DealFacts, dollars, number, percent};
use crate::persona::{Persona, Thresholds};
use voice::voice;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Buy,
    Consider,
    Pass,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Buy => "Buy",
            Verdict::Consider => "Consider carefully",
            Verdict::Pass => "Pass",
        }
    }
}

struct Check {
    passed: Option<bool>,
    deal_breaker: bool,
    line: String,
}

fn checks(deal: &DealFacts, t: &Thresholds) -> Vec<Check> {
    let rank_limit = if deal.is_seasonal() { t.max_sales_rank * 2 } else { t.max_sales_rank };
    vec![
        Check {
            passed: deal.profit_cents.map(|p| p >= t.min_profit_cents),
            deal_breaker: true,
            line: format!("Profit {} (wants ≥ {})", dollars(deal.profit_cents), dollars(Some(t.min_profit_cents))),
        },
        Check {
            passed: deal.margin_pct.map(|m| m >= t.min_margin_pct),
            deal_breaker: true,
            line: format!("Margin {} (wants ≥ {:.0} %)", percent(deal.margin_pct), t.min_margin_pct),
        },
        Check {
            passed: deal.roi_pct.map(|r| r >= t.min_roi_pct),
            deal_breaker: true,
            line: format!("ROI {} (wants ≥ {:.0} %)", percent(deal.roi_pct), t.min_roi_pct),
        },
        Check {
            passed: deal.sales_rank.map(|r| r <= rank_limit),
            deal_breaker: true,
            line: format!("Sales rank {} (wants ≤ {rank_limit})", number(deal.sales_rank)),
        },
        Check {
            passed: deal.drops30.map(|d| d >= t.min_drops30),
            deal_breaker: false,
            line: format!("Rank drops in 30 days {} (wants ≥ {})", number(deal.drops30), t.min_drops30),
        },
        Check {
            passed: deal.deal_trust.map(|d| d >= t.min_deal_trust),
            deal_breaker: false,
            line: format!("Deal trust {} (wants ≥ {:.0} %)", percent(deal.deal_trust), t.min_deal_trust),
        },
        Check {
            passed: Some(!deal.amazon_selling),
            deal_breaker: false,
            line: if deal.amazon_selling { "Amazon sells this title too".into() } else { "Amazon is not on the listing".into() },
        },
    ]
}

/// The verdict for `deal` under `persona`'s thresholds.
pub fn verdict(persona: Persona, deal: &DealFacts) -> Verdict {
    let checks = checks(deal, &persona.thresholds());
    if checks.iter().any(|c| c.deal_breaker && c.passed == Some(false)) {
        Verdict::Pass
    } else if checks.iter().all(|c| c.passed == Some(true)) {
        Verdict::Buy
    } else {
        Verdict::Consider
    }
}

/// The verdict with the persona's opening and every check, as whitelisted HTML.
fn assessment_html(persona: Persona, deal: &DealFacts) -> String {
    let verdict = verdict(persona, deal);
    let opening = if verdict == Verdict::Buy { voice(persona).buy } else { voice(persona).hold };
    let items: String = checks(deal, &persona.thresholds())
        .iter()
        .map(|check| {
            let mark = match check.passed {
                Some(true) => "ok",
                Some(false) => "below",
                None => "unknown",
            };
            format!("<li>{} — {mark}</li>", escape(&check.line))
        })
        .collect();
    format!("<p><b>{name}: {label}.</b> {opening}</p><ul>{items}</ul>", name = persona.name(), label = verdict.label())
}

/// The offline advice as whitelisted HTML.
pub fn advice_html(persona: Persona, deal: &DealFacts) -> String {
    format!(
        "{assessment}<p><i>Offline assessment from {name}'s thresholds; the live mentor is not available right now.</i></p>",
        assessment = assessment_html(persona, deal),
        name = persona.name(),
    )
}

/// `text` made safe inside HTML elements.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn deal(margin: f64, roi: f64, profit: i64, rank: i64) -> DealFacts {
        DealFacts {
            asin: "0856485837".into(),
            title: Some("Book".into()),
            binding: None,
            category: None,
            condition: None,
            price_now_cents: Some(3500),
            list_at_cents: Some(24626),
            one_year_avg_cents: Some(5438),
            percent_down: Some(26.0),
            sales_rank: Some(rank),
            sales_rank_avg365: None,
            drops30: Some(5),
            drops365: Some(40),
            used_offers_now: Some(10),
            used_offers_avg365: None,
            amazon_selling: false,
            seasonality: Some("Year-round".into()),
            sells_window: None,
            trend: None,
            deal_trust: Some(80.0),
            all_in_cost_cents: Some(4349),
            profit_cents: Some(profit),
            margin_pct: Some(margin),
            roi_pct: Some(roi),
        }
    }

    #[test]
    fn olyvia_wants_thirty_percent_margin() {
        assert_eq!(verdict(Persona::Olyvia, &deal(64.8, 366.9, 15958, 50_000)), Verdict::Buy);
        assert_eq!(verdict(Persona::Olyvia, &deal(22.0, 60.0, 2000, 50_000)), Verdict::Pass);
    }

    #[test]
    fn joel_passes_on_slow_books_that_olyvia_would_buy() {
        let slow = deal(40.0, 80.0, 3000, 600_000);
        assert_eq!(verdict(Persona::Joel, &slow), Verdict::Pass);
        assert_eq!(verdict(Persona::Olyvia, &slow), Verdict::Buy);
    }

    #[test]
    fn unknown_figures_mean_consider() {
        let mut unknown = deal(40.0, 80.0, 3000, 50_000);
        unknown.deal_trust = None;
        assert_eq!(verdict(Persona::Errol, &unknown), Verdict::Consider);
    }

    #[test]
    fn html_is_escaped_and_names_the_persona() {
        let html = advice_html(Persona::Evelyn, &deal(40.0, 80.0, 3000, 50_000));
        assert!(html.starts_with("<p><b>Evelyn: Buy.</b>"));
        assert!(html.contains("Margin 40.0 % (wants ≥ 25 %) — ok"));
        assert!(html.ends_with("the live mentor is not available right now.</i></p>"));
    }

    #[test]
    fn the_opening_follows_the_verdict() {
        assert!(advice_html(Persona::Joel, &deal(40.0, 80.0, 3000, 50_000)).contains("Joel: Buy.</b> This one moves, grab it!"));
        assert!(advice_html(Persona::Joel, &deal(40.0, 80.0, 3000, 600_000)).contains("Joel: Pass.</b> Too slow or too thin"));
    }
}
