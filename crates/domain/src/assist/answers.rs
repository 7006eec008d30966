//! Reading the provider's answers (DOMAIN §6.2 "output handling"). Models add punctuation,
//! quotes and code fences around what was asked for; those are tolerated, anything that is not
//! the asked-for content is not.

use serde::{Deserialize, Serialize};

use crate::config::AnalysisConfig;
use crate::money::{Cents, round_half_away_from_zero};
use crate::sales::{OfferClass, SaleEvent};
use crate::seasonality::Seasonality;
use crate::time::{UnixSeconds, hours};

/// Price review: a "yes" anywhere in the answer accepts (§6.2). Matched as a word, so
/// "yesterday" is not a yes; everything else — "No", an empty or unrelated answer — rejects.
pub fn parse_price_review(answer: &str) -> bool {
    answer.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|word| word == "yes")
}

/// Seasonality: exactly one of the 17 labels (case, surrounding quotes, backticks and a final
/// period aside); `None` for anything else, which the caller turns into Year-round (§4.6 step 5).
pub fn parse_seasonality(answer: &str) -> Option<Seasonality> {
    let trimmed = answer.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '*' | '.'));
    Seasonality::ALL.into_iter().find(|season| season.label().eq_ignore_ascii_case(trimmed))
}

/// One sale the AI reports: a day and the used price in dollars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RescueEvent {
    pub date: String,
    #[serde(deserialize_with = "dollars")]
    pub price: f64,
}

/// The sales rescue's JSON contract (§6.2): `{sales_found, events:[{date, price}],
/// estimated_market_price, confidence, reasoning}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RescueReply {
    pub sales_found: bool,
    #[serde(default)]
    pub events: Vec<RescueEvent>,
    #[serde(default, deserialize_with = "optional_dollars")]
    pub estimated_market_price: Option<f64>,
    pub confidence: String,
    #[serde(default)]
    pub reasoning: String,
}

/// Longest reasoning kept with a cached answer (it is only ever logged).
const MAX_REASONING_CHARS: usize = 300;

impl RescueReply {
    /// The JSON object in `answer` (code fences and text around it are ignored).
    pub fn parse(answer: &str) -> Result<RescueReply, String> {
        let start = answer.find('{').ok_or("the answer holds no JSON object")?;
        let end = answer.rfind('}').filter(|&end| end > start).ok_or("the answer's JSON object is not closed")?;
        let mut reply: RescueReply =
            serde_json::from_str(&answer[start..=end]).map_err(|error| format!("the answer breaks the contract: {error}"))?;
        reply.reasoning = reply.reasoning.chars().take(MAX_REASONING_CHARS).collect();
        Ok(reply)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a reply of plain fields serializes")
    }

    /// Only High or Medium confidence counts (§6.2).
    pub fn is_confident(&self) -> bool {
        ["high", "medium"].contains(&self.confidence.trim().to_ascii_lowercase().as_str())
    }

    /// The sales to use: none unless confident and found; each event at 12:00 UTC of its date
    /// with price × 100 in cents. Events with an unreadable date, no positive price, or outside
    /// the analysed history (future, older than the window) are dropped. Time-ordered.
    pub fn accepted_events(&self, now: UnixSeconds, config: &AnalysisConfig) -> Vec<SaleEvent> {
        if !self.sales_found || !self.is_confident() {
            return Vec::new();
        }
        let oldest = now - config.history_window;
        let mut events: Vec<SaleEvent> = self
            .events
            .iter()
            .filter_map(|event| {
                let at = UnixSeconds::parse_date(&event.date)? + hours(12);
                let price = Cents(round_half_away_from_zero(event.price * 100.0));
                (price.is_positive() && at >= oldest && at <= now).then_some(SaleEvent { at, price, offer_class: OfferClass::Used })
            })
            .collect();
        events.sort_by_key(|event| event.at);
        events
    }
}

/// A price as a JSON number or a string such as "$24.99".
#[derive(Deserialize)]
#[serde(untagged)]
enum Price {
    Number(f64),
    Text(String),
}

impl Price {
    fn dollars(self) -> Option<f64> {
        let value = match self {
            Price::Number(value) => value,
            Price::Text(text) => text.trim().trim_start_matches('$').replace(',', "").parse().ok()?,
        };
        value.is_finite().then_some(value)
    }
}

fn dollars<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Price::deserialize(deserializer)?.dollars().ok_or_else(|| serde::de::Error::custom("a price is not a number"))
}

fn optional_dollars<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(Option::<Price>::deserialize(deserializer)?.and_then(Price::dollars))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, NOW, at};

    #[test]
    fn yes_anywhere_accepts_and_anything_else_rejects() {
        for yes in ["Yes", "yes.", "YES, reasonable", "**Yes**", "I think yes"] {
            assert!(parse_price_review(yes), "{yes}");
        }
        for no in ["No", "no.", "", "Yesterday it was cheaper", "Unsure"] {
            assert!(!parse_price_review(no), "{no}");
        }
    }

    #[test]
    fn seasonality_takes_exact_labels_only() {
        assert_eq!(parse_seasonality("Gardening"), Some(Seasonality::Gardening));
        assert_eq!(parse_seasonality(" \"Romance/Valentine's Day\".\n"), Some(Seasonality::RomanceValentines));
        assert_eq!(parse_seasonality("textbook (winter)"), Some(Seasonality::TextbookWinter));
        assert_eq!(parse_seasonality("Year-round"), Some(Seasonality::YearRound));
        for junk in ["Summer", "It is a Gardening book", "", "Gardening, Travel"] {
            assert_eq!(parse_seasonality(junk), None, "{junk}");
        }
    }

    fn reply(confidence: &str, events: &str) -> RescueReply {
        let json = format!(
            "```json\n{{\"sales_found\": true, \"events\": {events}, \"estimated_market_price\": 24.5, \"confidence\": \"{confidence}\", \"reasoning\": \"drops\"}}\n```"
        );
        RescueReply::parse(&json).unwrap()
    }

    #[test]
    fn confident_events_become_noon_sales_in_cents() {
        let events = r#"[{"date": "2025-05-20", "price": 24.99}, {"date": "2025-04-02", "price": "$19.50"}]"#;
        let sales = reply("High", events).accepted_events(NOW, &AnalysisConfig::default());
        let noon = |date: &str| UnixSeconds::parse_date(date).unwrap() + hours(12);
        assert_eq!(
            sales,
            [
                SaleEvent { at: noon("2025-04-02"), price: Cents(1950), offer_class: OfferClass::Used },
                SaleEvent { at: noon("2025-05-20"), price: Cents(2499), offer_class: OfferClass::Used },
            ]
        );
        assert_eq!(reply("medium", events).accepted_events(NOW, &AnalysisConfig::default()).len(), 2);
    }

    #[test]
    fn low_confidence_or_nothing_found_gives_no_sales() {
        let events = r#"[{"date": "2025-05-20", "price": 24.99}]"#;
        assert!(reply("Low", events).accepted_events(NOW, &AnalysisConfig::default()).is_empty());
        let mut not_found = reply("High", events);
        not_found.sales_found = false;
        assert!(not_found.accepted_events(NOW, &AnalysisConfig::default()).is_empty());
    }

    #[test]
    fn implausible_events_are_dropped() {
        let tomorrow = (at(DAY)).date_string();
        let events = format!(
            r#"[{{"date": "{tomorrow}", "price": 20}}, {{"date": "2019-01-01", "price": 20}}, {{"date": "2025-02-30", "price": 20}},
                {{"date": "2025-05-01", "price": 0}}, {{"date": "2025-05-02", "price": 21}}]"#
        );
        let sales = reply("High", &events).accepted_events(NOW, &AnalysisConfig::default());
        assert_eq!(sales.iter().map(|sale| sale.price.0).collect::<Vec<_>>(), [2100]);
    }

    #[test]
    fn broken_contracts_are_errors_and_canonical_json_parses_again() {
        assert!(RescueReply::parse("no sales here").is_err());
        assert!(RescueReply::parse(r#"{"events": []}"#).is_err(), "sales_found and confidence are required");
        assert!(RescueReply::parse(r#"{"sales_found": true, "events": [{"date": "2025-05-01", "price": "cheap"}], "confidence": "High"}"#).is_err());
        let original = reply("High", r#"[{"date": "2025-05-20", "price": 24.99}]"#);
        assert_eq!(RescueReply::parse(&original.to_json()).unwrap(), original);
    }
}
