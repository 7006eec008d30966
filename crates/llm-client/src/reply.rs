//! A model's reply made fit for the page.
//!
//! The mentors are told to answer in HTML, but chat models often answer in Markdown anyway or
//! wrap their HTML in a code fence. Put on the page as it came, that shows asterisks, hashes and
//! backticks, and runs every paragraph and list into one line. So the reply is read as
//! CommonMark, which passes HTML through untouched, then cut to the whitelist
//! ([`sanitize::html`]); the sanitizer, not the Markdown reader, is what makes it safe. (Reasoning
//! a model writes into its answer is already gone: the provider client drops it.)

use crate::{Completion, sanitize};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd, html};

/// Said under an answer the model stopped mid-way, so that its last sentence is not taken as whole.
const CUT_OFF_NOTE: &str = "<p><i>(The answer stops here: the model reached its length limit.)</i></p>";

/// The completion's answer (HTML, Markdown or plain text) as whitelisted HTML.
pub fn to_html(completion: &Completion) -> String {
    let mut html = markdown_to_html(&completion.content);
    if completion.cut_off {
        html.push_str(CUT_OFF_NOTE);
    }
    html
}

fn markdown_to_html(raw: &str) -> String {
    let mut markup = String::with_capacity(raw.len() + raw.len() / 4);
    html::push_html(&mut markup, readable_events(Parser::new(raw)));
    sanitize::html(&markup).trim().to_string()
}

/// Markdown events rewritten into what the whitelist can show:
/// - a heading becomes a bold paragraph (`h1`–`h6` are not on the whitelist);
/// - a code block's content is read as HTML, since a fenced or indented block in a reply is the
///   model's HTML put in a fence (`` ```html ``), never code a reseller needs to see;
/// - a line break inside a paragraph stays a line break, as the model meant it.
fn readable_events<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut in_code_block = false;
    events.filter_map(move |event| match event {
        Event::Start(Tag::Heading { .. }) => Some(Event::Html(CowStr::Borrowed("<p><strong>"))),
        Event::End(TagEnd::Heading(_)) => Some(Event::Html(CowStr::Borrowed("</strong></p>"))),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented)) => {
            in_code_block = true;
            None
        }
        Event::End(TagEnd::CodeBlock) => {
            in_code_block = false;
            None
        }
        Event::Text(text) if in_code_block => Some(Event::Html(text)),
        Event::SoftBreak => Some(Event::HardBreak),
        other => Some(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_replies_pass_unchanged() {
        let reply = "<p><b>Olyvia</b>: buy it.</p><ul><li>Margin 48 %</li><li>Rank 661,158</li></ul>";
        assert_eq!(markdown_to_html(reply), reply);
        let spaced = "<p>Verdict: buy.</p>\n\n<ul>\n<li>Margin 48 %</li>\n</ul>";
        assert_eq!(markdown_to_html(spaced), "<p>Verdict: buy.</p>\n<ul>\n<li>Margin 48 %</li>\n</ul>");
    }

    #[test]
    fn markdown_replies_become_paragraphs_lists_and_bold() {
        let reply = "### Verdict\n**Buy** it, the margin is *wide*.\n\n- Rank 661k\n- 26 drops a year\n\n1. List at $123\n2. Hold for August";
        assert_eq!(
            markdown_to_html(reply),
            "<p><strong>Verdict</strong></p>\n<p><strong>Buy</strong> it, the margin is <em>wide</em>.</p>\n\
             <ul>\n<li>Rank 661k</li>\n<li>26 drops a year</li>\n</ul>\n<ol>\n<li>List at $123</li>\n<li>Hold for August</li>\n</ol>"
        );
    }

    #[test]
    fn plain_text_keeps_its_paragraphs_and_line_breaks() {
        assert_eq!(markdown_to_html("Buy it.\nThe rank is good.\n\nSell in August."), "<p>Buy it.<br>\nThe rank is good.</p>\n<p>Sell in August.</p>");
        assert_eq!(markdown_to_html("rank < 100k & price * 2"), "<p>rank &lt; 100k &amp; price * 2</p>");
    }

    #[test]
    fn fenced_html_is_read_as_html() {
        assert_eq!(markdown_to_html("```html\n<p>Buy <b>now</b></p>\n```"), "<p>Buy <b>now</b></p>");
        assert_eq!(markdown_to_html("<p>Intro</p>\n\n    <ul><li>indented</li></ul>"), "<p>Intro</p>\n<ul><li>indented</li></ul>");
    }

    #[test]
    fn an_answer_cut_off_says_so_below_it() {
        let completion = |cut_off| Completion { content: "**Buy** it, because the".into(), cut_off, prompt_tokens: 1, cached_prompt_tokens: 0, completion_tokens: 1 };
        assert_eq!(to_html(&completion(false)), "<p><strong>Buy</strong> it, because the</p>");
        assert_eq!(to_html(&completion(true)), format!("<p><strong>Buy</strong> it, because the</p>{CUT_OFF_NOTE}"));
    }

    #[test]
    fn markdown_cannot_smuggle_markup_past_the_whitelist() {
        let hostile = "[click](javascript:steal()) ![x](https://evil/x.png)\n\n<script>alert(1)</script>\n\n```\n<img src=x onerror=\"steal()\">\n```";
        assert_eq!(markdown_to_html(hostile), "<p>click </p>");
    }
}
