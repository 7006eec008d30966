//! Which approved strategies and mental models bear on a chat message, without a model: simple
//! keyword overlap. Words are lower-cased, split on anything not a letter or digit, stripped of
//! a plural ending ("textbooks" meets "textbook"), and common English and chat filler words are
//! ignored, as are bare numbers; a lesson's score is the number of distinct words it shares
//! with the message. Good enough to find "the textbook rule" when the provider is down, and
//! predictable enough to explain.

use crate::knowledge::{Knowledge, Strategy};
use std::collections::BTreeSet;

/// Words that say nothing about the topic (checked before the plural ending is stripped).
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get",
    "got", "had", "has", "have", "he", "hello", "her", "here", "hi", "him", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "just", "know", "like", "me", "more", "most", "much", "my", "need", "no", "not", "now", "of",
    "off", "ok", "on", "one", "only", "or", "other", "our", "out", "over", "please", "she", "should", "so", "some",
    "such", "tell", "than", "thanks", "that", "the", "their", "them", "then", "there", "these", "they", "thing",
    "things", "think", "this", "those", "to", "too", "under", "up", "us", "very", "want", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "yes", "you", "your",
];

/// One approved lesson: a strategy or a mental model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lesson<'a> {
    Strategy(&'a Strategy),
    Model(&'a str),
}

impl Lesson<'_> {
    fn text(&self) -> String {
        match self {
            Lesson::Strategy(s) => format!("{} {} {}", s.category, s.trigger, s.advice),
            Lesson::Model(content) => content.to_string(),
        }
    }
}

/// "textbooks" → "textbook", "categories" → "category"; "class" and "bonus" stay.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies").filter(|_| word.len() > 4) {
        return format!("{stem}y");
    }
    let keeps_s = word.ends_with("ss") || word.ends_with("us") || word.ends_with("is");
    match word.strip_suffix('s') {
        Some(stem) if word.len() > 3 && !keeps_s => stem.to_string(),
        _ => word.to_string(),
    }
}

/// The normalized topic words of `text`.
pub fn keywords(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 2 && !word.chars().all(|c| c.is_ascii_digit()))
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .map(|word| singular(&word))
        .collect()
}

/// At most `limit` lessons sharing words with `message`, most shared words first; ties keep the
/// knowledge base's order (strategies, then mental models, each newest first).
pub fn most_relevant<'a>(knowledge: &'a Knowledge, message: &str, limit: usize) -> Vec<Lesson<'a>> {
    let wanted = keywords(message);
    if wanted.is_empty() {
        return Vec::new();
    }
    let lessons = knowledge
        .strategies
        .iter()
        .map(Lesson::Strategy)
        .chain(knowledge.mental_models.iter().map(|m| Lesson::Model(m.as_str())));
    let mut scored: Vec<(usize, Lesson<'a>)> = lessons
        .map(|lesson| (keywords(&lesson.text()).intersection(&wanted).count(), lesson))
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score)); // stable: ties keep their order
    scored.into_iter().take(limit).map(|(_, lesson)| lesson).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(category: &str, trigger: &str, advice: &str) -> Strategy {
        Strategy { category: category.into(), trigger: trigger.into(), advice: advice.into(), confidence: "High".into() }
    }

    fn knowledge() -> Knowledge {
        Knowledge {
            version: 1,
            strategies: vec![
                strategy("Risk", "Amazon is on the listing", "Skip it unless the margin is huge"),
                strategy("Seasonality", "A textbook ranks badly in June", "Buy it and sell in the August textbook rush"),
                strategy("Pricing", "Several used offers undercut you", "Hold your price for a week"),
            ],
            mental_models: vec!["Textbook prices follow the semester".into(), "Cash tied up in slow books cannot buy the next deal".into()],
        }
    }

    #[test]
    fn words_are_normalized_and_stop_words_dropped() {
        let words: Vec<String> = keywords("When should I buy TEXTBOOKS, in 2025? Categories & class!").into_iter().collect();
        assert_eq!(words, ["buy", "category", "class", "textbook"]);
    }

    #[test]
    fn the_lessons_sharing_most_words_come_first() {
        let knowledge = knowledge();
        let found = most_relevant(&knowledge, "Should I buy textbooks in June?", 3);
        assert_eq!(found[0], Lesson::Strategy(&knowledge.strategies[1]), "textbook + june + buy");
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.contains(&Lesson::Model("Textbook prices follow the semester")));
        assert!(found.contains(&Lesson::Model("Cash tied up in slow books cannot buy the next deal")));
    }

    #[test]
    fn at_most_the_limit_and_nothing_for_unrelated_or_empty_words() {
        let knowledge = knowledge();
        assert_eq!(most_relevant(&knowledge, "textbook", 1).len(), 1);
        assert!(most_relevant(&knowledge, "What is the weather like?", 3).is_empty());
        assert!(most_relevant(&knowledge, "Is it? What about this one?", 3).is_empty());
    }
}
