//! The four mentors of DOMAIN §5.4 with their legacy keys, and what each one cares about.
//! The thresholds of the offline advisor live with the persona (see [`Thresholds`]) so that the
//! live prompt and the offline verdict describe the same character.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Persona {
    Olyvia,
    Joel,
    Evelyn,
    Errol,
}

/// The numbers a persona's offline verdict is based on (documented in README.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Margin on the List at price, percent.
    pub min_margin_pct: f64,
    /// Return on the all-in cost, percent.
    pub min_roi_pct: f64,
    /// Profit per book, cents.
    pub min_profit_cents: i64,
    /// Worst acceptable current sales rank.
    pub max_sales_rank: i64,
    /// Sales-rank drops (≈ sales) in the last 30 days.
    pub min_drops30: i64,
    /// Deal trust (share of offer drops confirmed as sales), percent.
    pub min_deal_trust: f64,
}

impl Persona {
    pub const ALL: [Persona; 4] = [Persona::Olyvia, Persona::Joel, Persona::Evelyn, Persona::Errol];

    /// The persona for a `mentor=` key (current or legacy, case-insensitive); `None` if unknown.
    pub fn from_key(key: &str) -> Option<Persona> {
        match key.trim().to_ascii_lowercase().as_str() {
            "olyvia" | "cfo" => Some(Persona::Olyvia),
            "joel" | "flipper" => Some(Persona::Joel),
            "evelyn" | "professor" => Some(Persona::Evelyn),
            "errol" | "quant" => Some(Persona::Errol),
            _ => None,
        }
    }

    /// The persona for an optional `mentor=`: absent or empty means Olyvia (the original's `cfo` default).
    pub fn from_optional_key(key: Option<&str>) -> Option<Persona> {
        match key.map(str::trim).filter(|key| !key.is_empty()) {
            None => Some(Persona::Olyvia),
            Some(key) => Persona::from_key(key),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Persona::Olyvia => "olyvia",
            Persona::Joel => "joel",
            Persona::Evelyn => "evelyn",
            Persona::Errol => "errol",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Persona::Olyvia => "Olyvia",
            Persona::Joel => "Joel",
            Persona::Evelyn => "Evelyn",
            Persona::Errol => "Errol",
        }
    }

    pub fn role(self) -> &'static str {
        match self {
            Persona::Olyvia => "CFO Advisor",
            Persona::Joel => "The Flipper",
            Persona::Evelyn => "The Professor",
            Persona::Errol => "The Quant",
        }
    }

    pub fn focus(self) -> &'static str {
        match self {
            Persona::Olyvia => "capital preservation: margin first, minimal exposure, no speculative buys",
            Persona::Joel => "velocity: how fast the book sells and how quickly the cash comes back",
            Persona::Evelyn => "understanding: explain volatility, price curves and seasonality behind the numbers",
            Persona::Errol => "numbers: expected value, variance and the probability the sale happens at List at",
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Persona::Olyvia => "formal, measured and conservative",
            Persona::Joel => "energetic and informal, with the odd exclamation mark",
            Persona::Evelyn => "patient and didactic, like a good teacher",
            Persona::Errol => "terse and structured, short bullet points with figures",
        }
    }

    /// A one-line sample of the persona's style for the prompt.
    pub fn example(self) -> &'static str {
        match self {
            Persona::Olyvia => "At a 22 % margin I would pass; I want at least 30 % before committing capital.",
            Persona::Joel => "Rank 40k and dropping twice a week? That one flips in days, grab it!",
            Persona::Evelyn => "Notice how the price peaks each August: that is the textbook season at work.",
            Persona::Errol => "EV +$18.40; P(sale < 30 d) ≈ 0.7; downside −$6. Buy.",
        }
    }

    pub fn thresholds(self) -> Thresholds {
        match self {
            Persona::Olyvia => Thresholds {
                min_margin_pct: 30.0,
                min_roi_pct: 50.0,
                min_profit_cents: 1000,
                max_sales_rank: 1_000_000,
                min_drops30: 1,
                min_deal_trust: 50.0,
            },
            Persona::Joel => Thresholds {
                min_margin_pct: 15.0,
                min_roi_pct: 25.0,
                min_profit_cents: 500,
                max_sales_rank: 250_000,
                min_drops30: 3,
                min_deal_trust: 30.0,
            },
            Persona::Evelyn => Thresholds {
                min_margin_pct: 25.0,
                min_roi_pct: 40.0,
                min_profit_cents: 800,
                max_sales_rank: 1_500_000,
                min_drops30: 1,
                min_deal_trust: 40.0,
            },
            Persona::Errol => Thresholds {
                min_margin_pct: 20.0,
                min_roi_pct: 35.0,
                min_profit_cents: 800,
                max_sales_rank: 750_000,
                min_drops30: 2,
                min_deal_trust: 60.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_keys_map_to_the_personas() {
        assert_eq!(Persona::from_key("cfo"), Some(Persona::Olyvia));
        assert_eq!(Persona::from_key("Flipper"), Some(Persona::Joel));
        assert_eq!(Persona::from_key("professor"), Some(Persona::Evelyn));
        assert_eq!(Persona::from_key("quant"), Some(Persona::Errol));
        assert_eq!(Persona::from_key("bob"), None);
    }

    #[test]
    fn absent_mentor_is_olyvia() {
        assert_eq!(Persona::from_optional_key(None), Some(Persona::Olyvia));
        assert_eq!(Persona::from_optional_key(Some("")), Some(Persona::Olyvia));
        assert_eq!(Persona::from_optional_key(Some("x")), None);
    }
}
