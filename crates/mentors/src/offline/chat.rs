//! The offline chat reply: when no provider answers, the mentor still says something useful in
//! its own voice — the persona's assessment of the stored deal the conversation names (by ASIN,
//! ISBN or title), which of the books the message names it has no figures for, and up to
//! [`MAX_QUOTES`] approved strategies and mental models that share words with the message — and always says
//! plainly that the AI provider is unavailable and what the offline mentor can do. Every piece of
//! stored or user text is escaped; the tags are the sanitizer's whitelist.

use super::relevance::{Lesson, most_relevant};
use super::voice::voice;
use super::{assessment_html, escape};
use crate::deal::Discussed;
use crate::knowledge::Knowledge;
use crate::persona::Persona;

/// Most lessons quoted in one reply.
pub const MAX_QUOTES: usize = 3;

fn quote(lesson: &Lesson) -> String {
    match lesson {
        Lesson::Strategy(s) => match s.situation() {
            Some(situation) => format!("<li><b>{}</b> — if {}: {}</li>", escape(&s.category), escape(situation), escape(&s.advice)),
            None => format!("<li><b>{}</b> — {}</li>", escape(&s.category), escape(&s.advice)),
        },
        Lesson::Model(content) => format!("<li><i>Mental model:</i> {}</li>", escape(content)),
    }
}

/// The reply to `message` from `persona` without a provider (`reason` says why), drawing on
/// `knowledge` and on what the conversation is about: its stored deal, and the books the message
/// names that have no figures here.
pub fn chat_html(persona: Persona, message: &str, knowledge: &Knowledge, discussed: &Discussed, reason: &str) -> String {
    let voice = voice(persona);
    let mut html = format!("<p><b>{} (offline):</b> {}</p>", persona.name(), voice.chat_opening);
    if let Some(deal) = &discussed.deal {
        let title = deal.title.as_deref().map_or_else(String::new, |title| format!(" <i>{}</i>", escape(title)));
        html += &format!("<p>{}{title} ({}):</p>{}", voice.deal_intro, escape(&deal.asin), assessment_html(persona, deal));
    }
    if !discussed.untracked.is_empty() {
        html += &format!("<p>{} {}.</p>", voice.untracked, escape(&discussed.untracked.join(", ")));
    }
    let lessons = most_relevant(knowledge, message, MAX_QUOTES);
    if !lessons.is_empty() {
        let quotes: String = lessons.iter().map(quote).collect();
        html += &format!("<p>{}</p><ul>{quotes}</ul>", voice.knowledge_intro);
    }
    if discussed.deal.is_none() && discussed.untracked.is_empty() && lessons.is_empty() {
        html += &format!("<p>{}</p>", voice.nothing_found);
    }
    html += &format!(
        "<p><i>The AI provider is not available right now ({}), so this answer comes from rules: the approved \
         strategies and mental models that share words with your message, and my assessment of the stored deal \
         this conversation names by its ASIN or ISBN (e.g. 0134093410, B0… or 978…) or by its title. Ask again later for a full answer.</i></p>",
        escape(reason)
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Strategy;
    use crate::offline::tests::deal;

    fn knowledge() -> Knowledge {
        Knowledge {
            version: 1,
            strategies: vec![
                Strategy {
                    category: "Seasonality".into(),
                    trigger: "a textbook is cheap in <b>June</b>".into(),
                    advice: "Buy it & sell in August <script>alert(1)</script>".into(),
                    confidence: "High".into(),
                },
                Strategy { category: "Risk".into(), trigger: "Amazon is on the listing".into(), advice: "Skip".into(), confidence: "Low".into() },
                Strategy { category: "General".into(), trigger: "Manual Entry".into(), advice: "Textbooks sell in August".into(), confidence: "Medium".into() },
            ],
            mental_models: vec!["Textbook prices follow the semester".into()],
        }
    }

    #[test]
    fn quotes_the_matching_knowledge_escaped_in_the_persona_voice() {
        let html = chat_html(Persona::Joel, "When do textbooks sell best?", &knowledge(), &Discussed::default(), "no LLM provider is configured");
        assert!(html.starts_with("<p><b>Joel (offline):</b> The AI is down"), "{html}");
        assert!(html.contains("Straight from the playbook:</p><ul><li><b>Seasonality</b> — if a textbook is cheap in &lt;b&gt;June&lt;/b&gt;: Buy it &amp; sell in August &lt;script&gt;"), "{html}");
        assert!(html.contains("<li><b>General</b> — Textbooks sell in August</li>"), "a strategy for any situation: {html}");
        assert!(html.contains("<li><i>Mental model:</i> Textbook prices follow the semester</li></ul>"), "{html}");
        assert!(!html.contains("Amazon is on the listing"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("The AI provider is not available right now (no LLM provider is configured)"), "{html}");
    }

    #[test]
    fn a_named_deal_gets_the_offline_assessment() {
        let mut book = deal(40.0, 80.0, 3000, 50_000);
        book.title = Some("Calculus <Early> Transcendentals".into());
        let discussed = Discussed { deal: Some(book), untracked: vec![] };
        let html = chat_html(Persona::Evelyn, "What about 0856485837?", &knowledge(), &discussed, "down");
        assert!(html.contains("Let us look at the deal you named, <i>Calculus &lt;Early&gt; Transcendentals</i> (0856485837):</p><p><b>Evelyn: Buy.</b>"), "{html}");
        assert!(html.contains("<li>Margin 40.0 % (wants ≥ 25 %) — ok</li>"), "{html}");
        assert!(!html.contains("Our notes say nothing"), "{html}");
    }

    #[test]
    fn books_without_figures_are_named_as_such_beside_the_stored_deal() {
        let discussed = Discussed { deal: Some(deal(40.0, 80.0, 3000, 50_000)), untracked: vec!["0306406152".into(), "B00<b>X".into()] };
        let html = chat_html(Persona::Olyvia, "Is 0856485837 better than 978-0-306-40615-7?", &knowledge(), &discussed, "down");
        assert!(html.contains("On the deal you mention,"), "{html}");
        assert!(html.contains("<p>We hold no figures on record for 0306406152, B00&lt;b&gt;X.</p>"), "{html}");
        let only_untracked = Discussed { deal: None, untracked: vec!["0306406152".into()] };
        let html = chat_html(Persona::Errol, "Hello 0306406152", &knowledge(), &only_untracked, "down");
        assert!(html.contains("<p>Not a tracked deal: 0306406152.</p>"), "{html}");
        assert!(!html.contains("No knowledge entry matches"), "the message did name a book: {html}");
    }

    #[test]
    fn nothing_found_says_so_and_what_the_offline_mentor_can_do() {
        let html = chat_html(Persona::Errol, "Hello there!", &knowledge(), &Discussed::default(), "the daily AI budget is used up");
        assert!(html.contains("<p>No knowledge entry matches. No known book (ASIN or title) in the message.</p>"), "{html}");
        assert!(html.contains("my assessment of the stored deal this conversation names by its ASIN"), "{html}");
        assert!(html.contains("(the daily AI budget is used up)"), "{html}");
    }
}
