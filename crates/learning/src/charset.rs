//! A fetched page's bytes as text, in the encoding the page is written in.
//!
//! Most pages are UTF-8, but older blogs and forums still serve windows-1252 or ISO-8859-1, named
//! in the `Content-Type` header or a `<meta>` tag. Read as UTF-8, each of their curly quotes,
//! dashes and accented letters would become U+FFFD in the text the mentors learn from. Decoding
//! is encoding_rs's (the WHATWG Encoding Standard, as browsers decode): a byte-order mark wins,
//! then the header's charset, then a `<meta>` charset in the page's first 1,024 bytes (where
//! browsers look for it); an unlabelled page is UTF-8 when it is valid UTF-8, else windows-1252.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use scraper::Html;

/// How much of an HTML page is searched for a `<meta>` charset.
const PRESCAN_BYTES: usize = 1024;

/// `body` decoded; `content_type` is the response's header, `is_html` whether it is a page.
pub fn decode(body: &[u8], content_type: &str, is_html: bool) -> String {
    let labelled = header_charset(content_type)
        .or_else(|| if is_html { meta_charset(&body[..body.len().min(PRESCAN_BYTES)]) } else { None })
        .and_then(|label| Encoding::for_label(label.as_bytes()));
    let encoding = labelled.unwrap_or_else(|| if reads_as_utf8(body) { UTF_8 } else { WINDOWS_1252 });
    encoding.decode(body).0.into_owned()
}

/// Valid UTF-8, allowing a character cut off at the end (the body may be truncated at its limit).
fn reads_as_utf8(body: &[u8]) -> bool {
    match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// The `charset` parameter of a `Content-Type` value (the header's, or a `<meta>`'s `content`).
fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The charset of the first `<meta charset=…>` or `<meta http-equiv="content-type" content="…;
/// charset=…">` in `head`, read with the same HTML parser as the page's text.
fn meta_charset(head: &[u8]) -> Option<String> {
    let document = Html::parse_document(&String::from_utf8_lossy(head));
    document.tree.values().find_map(|node| {
        let meta = node.as_element().filter(|element| element.name() == "meta")?;
        let declared = meta.attr("charset").map(|label| label.trim().to_string());
        let is_content_type = meta.attr("http-equiv").is_some_and(|name| name.eq_ignore_ascii_case("content-type"));
        declared.or_else(|| if is_content_type { header_charset(meta.attr("content")?) } else { None })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Don’t pay more than €5 — café" in windows-1252.
    const CP1252: &[u8] = b"Don\x92t pay more than \x805 \x97 caf\xe9";
    const DECODED: &str = "Don’t pay more than €5 — café";

    #[test]
    fn the_header_charset_is_used() {
        assert_eq!(decode(CP1252, "text/html; charset=windows-1252", true), DECODED);
        assert_eq!(decode(CP1252, "text/plain; charset=\"ISO-8859-1\"", false), DECODED, "ISO-8859-1 means windows-1252");
    }

    #[test]
    fn a_meta_charset_is_used_when_the_header_names_none() {
        let page = [b"<html><head><meta charset='windows-1252'></head><body>".as_slice(), CP1252].concat();
        assert!(decode(&page, "text/html", true).ends_with(DECODED));
        let http_equiv = [b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>".as_slice(), CP1252].concat();
        assert!(decode(&http_equiv, "text/html", true).ends_with(DECODED));
    }

    #[test]
    fn unlabelled_pages_are_utf8_when_they_can_be() {
        assert_eq!(decode(DECODED.as_bytes(), "text/html", true), DECODED);
        let cut = &DECODED.as_bytes()[..DECODED.len() - 1];
        assert!(decode(cut, "", true).starts_with("Don’t pay more than €5 — caf"), "a character cut off at the end");
        assert_eq!(decode(CP1252, "", true), DECODED, "not UTF-8: windows-1252");
    }

    #[test]
    fn a_byte_order_mark_wins_and_unknown_labels_are_ignored() {
        let utf8 = [b"\xef\xbb\xbf".as_slice(), DECODED.as_bytes()].concat();
        assert_eq!(decode(&utf8, "text/html; charset=windows-1252", true), DECODED);
        assert_eq!(decode(DECODED.as_bytes(), "text/html; charset=no-such-charset", true), DECODED);
    }
}
