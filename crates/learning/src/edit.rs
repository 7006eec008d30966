//! An admin's edit of one stored strategy or mental model (`PUT /api/strategies/<id>`,
//! `PUT /api/intelligence/<id>`), checked strictly: the review page repairs what a model
//! returned, but a person correcting one item should hear what is wrong with it. Text fields
//! are cleaned as extraction cleans them, since every later prompt carries them.

use crate::extract::clean_field;
use mentors::knowledge::{CATEGORIES, Strategy};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyEdit {
    category: String,
    #[serde(default)]
    trigger: String,
    advice: String,
    #[serde(default)]
    confidence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelEdit {
    content: String,
}

/// The strategy in `body` (`{category, trigger?, advice, confidence?}`): a known category and
/// some advice; no trigger means any situation ("General"), no confidence "Medium".
pub fn strategy(body: &[u8]) -> Result<Strategy, String> {
    let edit: StrategyEdit = serde_json::from_slice(body).map_err(|e| format!("expected JSON {{\"category\", \"trigger\", \"advice\", \"confidence\"}}: {e}"))?;
    let category = CATEGORIES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(edit.category.trim()))
        .ok_or_else(|| format!("category must be one of {}", CATEGORIES.join(", ")))?;
    let advice = clean_field(&edit.advice);
    if advice.is_empty() {
        return Err("advice must not be empty".into());
    }
    let or = |text: &str, default: &str| Some(clean_field(text)).filter(|t| !t.is_empty()).unwrap_or_else(|| default.to_string());
    Ok(Strategy { category: category.to_string(), trigger: or(&edit.trigger, "General"), advice, confidence: or(&edit.confidence, "Medium") })
}

/// The statement in `body` (`{content}`), not empty.
pub fn mental_model(body: &[u8]) -> Result<String, String> {
    let edit: ModelEdit = serde_json::from_slice(body).map_err(|e| format!("expected JSON {{\"content\"}}: {e}"))?;
    let content = clean_field(&edit.content);
    if content.is_empty() {
        return Err("content must not be empty".into());
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_edit_is_cleaned_and_defaults_its_optional_fields() {
        let edited = strategy(br#"{"category": "pricing", "advice": "  List at   <b>$40</b> "}"#).unwrap();
        assert_eq!(edited, Strategy { category: "Pricing".into(), trigger: "General".into(), advice: "List at $40".into(), confidence: "Medium".into() });
    }

    #[test]
    fn a_strategy_edit_says_what_is_wrong() {
        assert_eq!(strategy(br#"{"category": "Luck", "advice": "x"}"#).unwrap_err(), "category must be one of Buying, Pricing, Risk, Seasonality, General");
        assert_eq!(strategy(br#"{"category": "Risk", "advice": " <i></i> "}"#).unwrap_err(), "advice must not be empty");
        assert!(strategy(br#"{"category": "Risk", "advise": "typo"}"#).unwrap_err().starts_with("expected JSON"));
        assert!(strategy(b"not json").is_err());
    }

    #[test]
    fn a_mental_model_edit_needs_content() {
        assert_eq!(mental_model(br#"{"content": " Demand  follows the semester "}"#).unwrap(), "Demand follows the semester");
        assert_eq!(mental_model(br#"{"content": ""}"#).unwrap_err(), "content must not be empty");
        assert!(mental_model(br#"{"text": "x"}"#).is_err());
    }
}
