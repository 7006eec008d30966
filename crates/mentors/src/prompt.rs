//! The mentor prompts (DOMAIN §6.2, restated): a system line naming the persona, the persona's
//! focus, tone and example, the approved strategies and mental models, the strategic corrections
//! every advice and chat prompt carries, and the deal's facts for this user.
//!
//! What is the same for every deal comes first and the deal last. xAI and OpenAI keep the prompts
//! they have seen and bill a new prompt's tokens that repeat the start of an earlier one at a
//! fraction of the price (`llm_client::pricing`), so with the knowledge base ahead of the deal
//! every advice call of a persona after the first pays full price only for its deal, and a chat
//! turn only for what is new since the last.

use crate::deal::{DealFacts, Discussed};
use crate::knowledge::{Knowledge, Strategy};
use crate::persona::Persona;
use llm_client::Message;

/// The fixed guidance against the original model's known misjudgements (DOMAIN §6.2
/// "strategic corrections"), in our own words.
pub const STRATEGIC_CORRECTIONS: &str = "\
Strategic corrections (always apply):
1. Textbooks are not a problem category. Treat counterfeit risk as high only when all four signs \
appear together: sales rank better than 100,000, a price far under the historical average, a New or \
Like-New condition, and a seller with little feedback offering several cheap new copies. Titles ranked \
worse than 500,000 and older editions are rarely counterfeited.
2. A seasonal title ranked worse than 1,000,000 off-season is not dead: in its season it often ranks \
200,000-400,000. Amazon's aged-inventory surcharges start at 181 days and grow from 271 days, and \
sellers ship two to three months before the season, so a seasonal hold is a plan, not a risk by itself.
3. Quick flips (rank under 1,000,000 with frequent rank drops) and seasonal holds are both valid. \
Judge year-round titles on velocity; judge seasonal titles on how stable the offer count is, how deep \
the discount is and how they rank in season. Never tell the user to move the money into year-round \
replenishment instead of a good seasonal buy.";

/// What the platform's figures mean (the original injected its documentation here).
const PLATFORM_NOTES: &str = "\
How the dashboard computes its figures: List at is the typical peak-season sale price inferred from \
real past sales (an offer-count drop confirmed by a sales-rank drop); the 1-year average is the mean \
of those inferred sales; profit = List at - all-in cost (buy price, sales tax, prep, inbound shipping) \
- Amazon fees (pick & pack plus referral); deal trust is the share of offer drops confirmed as sales.";

/// The strategies relevant to a deal: General, Buying and Risk, plus Seasonality for textbooks.
fn relevant_strategies<'a>(knowledge: &'a Knowledge, deal: &DealFacts) -> Vec<&'a Strategy> {
    let seasonal = deal.mentions_textbook();
    knowledge
        .strategies
        .iter()
        .filter(|s| matches!(s.category.as_str(), "General" | "Buying" | "Risk") || (seasonal && s.category == "Seasonality"))
        .collect()
}

fn strategy_lines<'a>(strategies: impl IntoIterator<Item = &'a Strategy>) -> String {
    let lines: Vec<String> = strategies
        .into_iter()
        .map(|s| match s.situation() {
            Some(situation) => format!("- [Category: {}] IF {situation} THEN {}", s.category, s.advice),
            None => format!("- [Category: {}] {}", s.category, s.advice),
        })
        .collect();
    if lines.is_empty() { "(none approved yet)".into() } else { lines.join("\n") }
}

fn model_lines(models: &[String]) -> String {
    if models.is_empty() { "(none approved yet)".into() } else { models.iter().map(|m| format!("- {m}")).collect::<Vec<_>>().join("\n") }
}

fn persona_block(persona: Persona) -> String {
    format!(
        "You are {name}, {role}, a mentor for a used-book Amazon FBA reseller.\nFocus: {focus}.\nTone: {tone}.\nExample of your style: \"{example}\"",
        name = persona.name(),
        role = persona.role(),
        focus = persona.focus(),
        tone = persona.tone(),
        example = persona.example(),
    )
}

/// The advice prompt for one deal (temperature 0.4, ≤ 1000 tokens in the original).
pub fn advice_messages(persona: Persona, deal: &DealFacts, knowledge: &Knowledge) -> Vec<Message> {
    let system = format!(
        "You are {}, {}, an arbitrage assistant. Stay in character.",
        persona.name(),
        persona.role()
    );
    let user = format!(
        "{persona}\n\n{PLATFORM_NOTES}\n\nLearned strategies:\n{strategies}\n\n\
         Mental models:\n{models}\n\n{STRATEGIC_CORRECTIONS}\n\nThe deal:\n{facts}\n\n\
         Give your opinion on buying this book in 150-180 words: start with a clear verdict, then the reasons \
         from the figures above. No preamble. Format with HTML only, using just <p>, <b>, <i>, <ul>, <li>.",
        persona = persona_block(persona),
        facts = deal.fact_sheet(),
        strategies = strategy_lines(relevant_strategies(knowledge, deal)),
        models = model_lines(&knowledge.mental_models),
    );
    vec![Message::system(system), Message::user(user)]
}

/// The chat prompt: persona and the knowledge, then the deal the conversation is about (if it
/// names a stored one) and the books the message names that have no figures here; then the
/// earlier turns, then the new message.
pub fn chat_messages(persona: Persona, knowledge: &Knowledge, discussed: &Discussed, history: &[Message], message: &str) -> Vec<Message> {
    let mut about = discussed.deal.as_ref().map_or(String::new(), |deal| {
        format!("\n\n{PLATFORM_NOTES}\n\nThe deal the operator is asking about (figures for their own costs):\n{}", deal.fact_sheet())
    });
    if !discussed.untracked.is_empty() {
        about += &format!(
            "\n\nNamed in the operator's message but not among the deals this app tracks, so without figures here: \
             {}. Say so if asked about them; do not guess their prices, ranks or profits.",
            discussed.untracked.join(", ")
        );
    }
    let system = format!(
        "You are {}, {}. Stay in character.\n{}\n\nYou are chatting with the operator about online \
         arbitrage and Amazon FBA. Prefer the learned knowledge below over general advice.\n\n\
         Learned strategies:\n{}\n\nMental models:\n{}\n\n{STRATEGIC_CORRECTIONS}\n\n\
         Answer without preamble in at most 120 words, formatted with HTML only (<p>, <b>, <i>, <ul>, <li>).{about}",
        persona.name(),
        persona.role(),
        persona_block(persona),
        strategy_lines(&knowledge.strategies),
        model_lines(&knowledge.mental_models),
    );
    let mut messages = Vec::with_capacity(history.len() + 2);
    messages.push(Message::system(system));
    messages.extend_from_slice(history);
    messages.push(Message::user(message));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::tests::deal;

    fn knowledge() -> Knowledge {
        let strategy = |category: &str, advice: &str| Strategy {
            category: category.into(),
            trigger: "rank under 100k".into(),
            advice: advice.into(),
            confidence: "High".into(),
        };
        Knowledge {
            version: 3,
            strategies: vec![strategy("Buying", "Buy below half the 1-year average."), strategy("Risk", "Skip books Amazon sells.")],
            mental_models: vec!["Velocity beats margin on cheap books.".into()],
        }
    }

    fn text(messages: &[Message]) -> String {
        messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// How much of `b` repeats the start of `a`, in bytes.
    fn shared_start(a: &str, b: &str) -> usize {
        a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
    }

    #[test]
    fn advice_prompts_of_two_deals_differ_only_after_the_knowledge() {
        let (mut first, mut second) = (deal(35.0, 60.0, 2000, 90_000), deal(10.0, 12.0, 300, 900_000));
        second.asin = "0262033844".into();
        (first.title, second.title) = (Some("Zymurgy".into()), Some("Algorithms".into()));
        let (first, second) = (text(&advice_messages(Persona::Olyvia, &first, &knowledge())), text(&advice_messages(Persona::Olyvia, &second, &knowledge())));
        let shared = shared_start(&first, &second);
        let deal_starts = first.find("The deal:").unwrap();
        assert!(shared >= deal_starts, "shared {shared} bytes, the deal starts at {deal_starts}");
        for knowledge in ["Buy below half", "Velocity beats margin", "Strategic corrections"] {
            assert!(first[..shared].contains(knowledge), "{knowledge} is in the shared start");
        }
        assert!(first.contains("Zymurgy") && second.contains("Algorithms"));
    }

    #[test]
    fn a_chat_prompt_keeps_the_knowledge_ahead_of_the_deal_and_its_turns() {
        let question = "Is 0856485837 a buy?";
        let plain = chat_messages(Persona::Joel, &knowledge(), &Discussed::default(), &[], "hello");
        let discussed = Discussed { deal: Some(deal(35.0, 60.0, 2000, 90_000)), untracked: vec!["0262033844".into()] };
        let history = [Message::user("hello"), Message::assistant("<p>Hi</p>")];
        let about_deal = chat_messages(Persona::Joel, &knowledge(), &discussed, &history, question);
        let shared = shared_start(&plain[0].content, &about_deal[0].content);
        assert_eq!(shared, plain[0].content.len(), "the prompt without a deal is the start of the one with it");
        assert!(about_deal[0].content[shared..].contains("The deal the operator is asking about"));
        assert!(about_deal[0].content.ends_with("do not guess their prices, ranks or profits."));
        assert_eq!(&about_deal[1..3], &history);
        assert_eq!(about_deal[3], Message::user(question));
    }
}
