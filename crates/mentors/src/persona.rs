//! The four mentors of DOMAIN §5.4 with their legacy keys, and what each one cares about, as a
//! table with one row per persona (`PROFILES`). The thresholds of the offline advisor live in the
//! same row (see [`Thresholds`]) so that the live prompt and the offline verdict describe the same
//! character.

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

/// Everything that differs between the personas: one row each, in [`Persona::ALL`] order, so a
/// persona is a row of data rather than a branch in every method.
struct Profile {
    key: &'static str,
    legacy_key: &'static str,
    name: &'static str,
    role: &'static str,
    focus: &'static str,
    tone: &'static str,
    example: &'static str,
    thresholds: Thresholds,
}

const PROFILES: [Profile; 4] = [
    Profile {
        key: "olyvia",
        legacy_key: "cfo",
        name: "Olyvia",
        role: "CFO Advisor",
        focus: "capital preservation: margin first, minimal exposure, no speculative buys",
        tone: "formal, measured and conservative",
        example: "At a 22 % margin I would pass; I want at least 30 % before committing capital.",
        thresholds: Thresholds {
            min_margin_pct: 30.0,
            min_roi_pct: 50.0,
            min_profit_cents: 1000,
            max_sales_rank: 1_000_000,
            min_drops30: 1,
            min_deal_trust: 50.0,
        },
    },
    Profile {
        key: "joel",
        legacy_key: "flipper",
        name: "Joel",
        role: "The Flipper",
        focus: "velocity: how fast the book sells and how quickly the cash comes back",
        tone: "energetic and informal, with the odd exclamation mark",
        example: "Rank 40k and dropping twice a week? That one flips in days, grab it!",
        thresholds: Thresholds {
            min_margin_pct: 15.0,
            min_roi_pct: 25.0,
            min_profit_cents: 500,
            max_sales_rank: 250_000,
            min_drops30: 3,
            min_deal_trust: 30.0,
        },
    },
    Profile {
        key: "evelyn",
        legacy_key: "professor",
        name: "Evelyn",
        role: "The Professor",
        focus: "understanding: explain volatility, price curves and seasonality behind the numbers",
        tone: "patient and didactic, like a good teacher",
        example: "Notice how the price peaks each August: that is the textbook season at work.",
        thresholds: Thresholds {
            min_margin_pct: 25.0,
            min_roi_pct: 40.0,
            min_profit_cents: 800,
            max_sales_rank: 1_500_000,
            min_drops30: 1,
            min_deal_trust: 40.0,
        },
    },
    Profile {
        key: "errol",
        legacy_key: "quant",
        name: "Errol",
        role: "The Quant",
        focus: "numbers: expected value, variance and the probability the sale happens at List at",
        tone: "terse and structured, short bullet points with figures",
        example: "EV +$18.40; P(sale < 30 d) ≈ 0.7; downside −$6. Buy.",
        thresholds: Thresholds {
            min_margin_pct: 20.0,
            min_roi_pct: 35.0,
            min_profit_cents: 800,
            max_sales_rank: 750_000,
            min_drops30: 2,
            min_deal_trust: 60.0,
        },
    },
];

impl Persona {
    pub const ALL: [Persona; 4] = [Persona::Olyvia, Persona::Joel, Persona::Evelyn, Persona::Errol];

    /// The persona's row in per-persona tables ([`Persona::ALL`] order).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn profile(self) -> &'static Profile {
        &PROFILES[self.index()]
    }

    /// The persona for a `mentor=` key (current or legacy, case-insensitive); `None` if unknown.
    pub fn from_key(key: &str) -> Option<Persona> {
        let key = key.trim().to_ascii_lowercase();
        Persona::ALL.into_iter().find(|persona| [persona.profile().key, persona.profile().legacy_key].contains(&key.as_str()))
    }

    /// The persona for an optional `mentor=`: absent or empty means Olyvia (the original's `cfo` default).
    pub fn from_optional_key(key: Option<&str>) -> Option<Persona> {
        match key.map(str::trim).filter(|key| !key.is_empty()) {
            None => Some(Persona::Olyvia),
            Some(key) => Persona::from_key(key),
        }
    }

    pub fn key(self) -> &'static str {
        self.profile().key
    }

    pub fn name(self) -> &'static str {
        self.profile().name
    }

    pub fn role(self) -> &'static str {
        self.profile().role
    }

    pub fn focus(self) -> &'static str {
        self.profile().focus
    }

    pub fn tone(self) -> &'static str {
        self.profile().tone
    }

    /// A one-line sample of the persona's style for the prompt.
    pub fn example(self) -> &'static str {
        self.profile().example
    }

    pub fn thresholds(self) -> Thresholds {
        self.profile().thresholds
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
    fn every_persona_reads_its_own_row() {
        for persona in Persona::ALL {
            assert_eq!(Persona::from_key(persona.key()), Some(persona));
            assert_eq!(persona.name().to_ascii_lowercase(), persona.key());
        }
        assert_eq!(Persona::Joel.thresholds().max_sales_rank, 250_000);
        assert_eq!(Persona::Errol.thresholds().min_deal_trust, 60.0);
    }

    #[test]
    fn absent_mentor_is_olyvia() {
        assert_eq!(Persona::from_optional_key(None), Some(Persona::Olyvia));
        assert_eq!(Persona::from_optional_key(Some("")), Some(Persona::Olyvia));
        assert_eq!(Persona::from_optional_key(Some("x")), None);
    }
}
