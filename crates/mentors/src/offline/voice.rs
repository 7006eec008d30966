//! How each persona words its offline answers: one row of phrases per persona, so the offline
//! advisor and the offline chat stay in character without a `match` per sentence.

use crate::persona::Persona;

/// The fixed phrases of one persona's offline answers.
pub(crate) struct Voice {
    /// Opens a **Buy** verdict.
    pub buy: &'static str,
    /// Opens a **Consider carefully** or **Pass** verdict.
    pub hold: &'static str,
    /// Opens an offline chat reply.
    pub chat_opening: &'static str,
    /// Introduces the deal named in a chat message.
    pub deal_intro: &'static str,
    /// Introduces the quoted strategies and mental models.
    pub knowledge_intro: &'static str,
    /// Precedes the books a chat message names that are not stored deals.
    pub untracked: &'static str,
    /// Says that neither the knowledge base nor the deals matched the message.
    pub nothing_found: &'static str,
}

/// In [`Persona::ALL`] order.
const VOICES: [Voice; 4] = [
    Voice {
        buy: "The numbers clear my bar; the capital is well placed.",
        hold: "I would not commit capital on these figures yet.",
        chat_opening: "I cannot consult the live model just now, so I will answer strictly from what we have on record.",
        deal_intro: "On the deal you mention,",
        untracked: "We hold no figures on record for",
        knowledge_intro: "Our approved knowledge base says this on your question:",
        nothing_found: "Nothing in our approved strategies or mental models matches your question, and it names no \
                        deal I hold figures for; I would rather not speculate.",
    },
    Voice {
        buy: "This one moves, grab it!",
        hold: "Too slow or too thin for a quick flip!",
        chat_opening: "The AI is down, but here is the quick version!",
        deal_intro: "That deal,",
        untracked: "Not on my radar, no numbers for",
        knowledge_intro: "Straight from the playbook:",
        nothing_found: "Got nothing in the playbook on that, and no book I know. Send me a deal's ASIN or title!",
    },
    Voice {
        buy: "Let us read the figures one by one and see what they teach us.",
        hold: "Let us read the figures one by one and see what they teach us.",
        chat_opening: "The live mentor is away, so let us work from our notes together.",
        deal_intro: "Let us look at the deal you named,",
        untracked: "Our notes have no figures yet for",
        knowledge_intro: "Here is what our knowledge base teaches on this:",
        nothing_found: "Our notes say nothing yet about those words, and your message names no deal I know. \
                        Try the words a strategy would use, or give me a deal's ASIN or title.",
    },
    Voice {
        buy: "Checks against thresholds:",
        hold: "Checks against thresholds:",
        chat_opening: "Offline. Rule-based output.",
        deal_intro: "Deal",
        untracked: "Not a tracked deal:",
        knowledge_intro: "Matching knowledge entries:",
        nothing_found: "No knowledge entry matches. No known book (ASIN or title) in the message.",
    },
];

pub(crate) fn voice(persona: Persona) -> &'static Voice {
    &VOICES[persona.index()]
}
