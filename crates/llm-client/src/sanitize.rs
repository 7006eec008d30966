//! The HTML whitelist for model output (DOMAIN §8 item 34: the original inserted it with
//! `innerHTML` unsanitized, and scraped pages can steer the model into emitting scripts).
//!
//! Only `b, i, em, strong, br, p, ul, ol, li` survive, without any attribute; the content of
//! `script`/`style` is dropped, other tags are unwrapped to their text. The parsing is
//! ammonia's (html5ever), so malformed markup is handled as a browser would.

use ammonia::Builder;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The tags that survive.
pub const ALLOWED_TAGS: [&str; 9] = ["b", "i", "em", "strong", "br", "p", "ul", "ol", "li"];

fn cleaner() -> &'static Builder<'static> {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = Builder::empty();
        builder
            .tags(HashSet::from(ALLOWED_TAGS))
            .clean_content_tags(HashSet::from(["script", "style"]))
            .strip_comments(true);
        builder
    })
}

/// `untrusted` reduced to the whitelist.
pub fn html(untrusted: &str) -> String {
    cleaner().clean(untrusted).to_string()
}

/// `untrusted` with every tag removed (for single-line fields such as a strategy's trigger).
pub fn text(untrusted: &str) -> String {
    static STRIP_ALL: OnceLock<Builder<'static>> = OnceLock::new();
    let builder = STRIP_ALL.get_or_init(|| {
        let mut builder = Builder::empty();
        builder.clean_content_tags(HashSet::from(["script", "style"])).strip_comments(true);
        builder
    });
    let cleaned = builder.clean(untrusted).to_string();
    // ammonia escapes text for HTML; plain-text fields want the characters back.
    cleaned.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_whitelist_and_drops_scripts_and_handlers() {
        let dirty = r#"<p onclick="x()">Buy <b>now</b></p><script>alert(1)</script><img src=x onerror="steal()"><ul><li>a</li></ul>"#;
        let clean = html(dirty);
        assert_eq!(clean, "<p>Buy <b>now</b></p><ul><li>a</li></ul>");
    }

    #[test]
    fn unknown_tags_keep_their_text() {
        assert_eq!(html(r#"<a href="javascript:x">link</a> <h1>Title</h1>"#), "link Title");
        assert_eq!(html("<em>a</em><br><i>b</i><strong>c</strong><ol><li>d</li></ol>"), "<em>a</em><br><i>b</i><strong>c</strong><ol><li>d</li></ol>");
    }

    #[test]
    fn text_strips_every_tag() {
        assert_eq!(text("<b>Rank</b> < 100k & <script>x</script>falling"), "Rank < 100k & falling");
    }
}
