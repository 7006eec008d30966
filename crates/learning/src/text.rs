//! The visible text of a page (DOMAIN §5.5): parsed with html5ever (through `scraper`'s DOM),
//! without `script`, `style`, `nav`, `header`, `footer` (and other invisible elements), block
//! elements on their own lines, whitespace collapsed, at most [`MAX_CHARS`] characters.

use ego_tree::NodeRef;
use scraper::{Html, Node};

/// Longest text passed to the extractions.
pub const MAX_CHARS: usize = 50_000;

/// Elements whose content is never visible text (or is page chrome).
const SKIPPED: [&str; 10] = ["script", "style", "nav", "header", "footer", "noscript", "template", "head", "svg", "iframe"];
/// Elements that start a new line.
const BLOCKS: [&str; 20] = [
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
    "blockquote", "pre", "main", "dd",
];

/// Visible text of an HTML document.
pub fn from_html(html: &str) -> String {
    let document = Html::parse_document(html);
    let mut lines = vec![String::new()];
    collect(document.tree.root(), &mut lines);
    finish(lines.iter().map(String::as_str))
}

/// A plain-text body, normalized the same way.
pub fn from_plain(text: &str) -> String {
    finish(text.lines())
}

fn collect(node: NodeRef<'_, Node>, lines: &mut Vec<String>) {
    match node.value() {
        Node::Text(text) => {
            let current = lines.last_mut().expect("at least one line");
            current.push(' ');
            current.push_str(&text.text);
        }
        Node::Element(element) => {
            let tag = element.name();
            if SKIPPED.contains(&tag) {
                return;
            }
            let block = BLOCKS.contains(&tag);
            if block {
                lines.push(String::new());
            }
            node.children().for_each(|child| collect(child, lines));
            if block {
                lines.push(String::new());
            }
        }
        Node::Document | Node::Fragment => node.children().for_each(|child| collect(child, lines)),
        _ => {}
    }
}

/// Collapses whitespace per line, drops empty lines, truncates to [`MAX_CHARS`].
fn finish<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let text = lines
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    truncate(&text)
}

/// At most [`MAX_CHARS`] characters.
pub fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_visible_text_only() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body><header>Menu</header>\
            <nav>Home | About</nav><main><h1>Buying  textbooks</h1><p>Buy when rank &lt; 100k.</p>\
            <script>alert('x')</script><ul><li>One</li><li>Two</li></ul></main><footer>© 2024</footer></body></html>";
        assert_eq!(from_html(html), "Buying textbooks\nBuy when rank < 100k.\nOne\nTwo");
    }

    #[test]
    fn malformed_html_still_parses() {
        assert_eq!(from_html("<p>open <b>bold<p>next"), "open bold\nnext");
    }

    #[test]
    fn truncates_to_the_limit() {
        let long = "a".repeat(MAX_CHARS + 10);
        assert_eq!(from_plain(&long).chars().count(), MAX_CHARS);
    }
}
