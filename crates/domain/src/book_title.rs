//! A book named by its title in free text — "is Campbell Biology worth it at $40?" — for the
//! mentor chat, which otherwise knows a book only by a number ([`crate::book_code`]).
//!
//! People write a title as the cover prints it, without the subtitle, edition or series that
//! Amazon appends, and often without the leading article. So a stored title is looked for by its
//! *main title*: the part before the first `:`, `(`, `[`, `,` or dash between spaces, in
//! lower-case words (apostrophes dropped, so "Ender's" and "Enders" agree), without a leading
//! "the", "a" or "an". A one-word main title ("Biology", "Calculus") is an everyday word of a
//! reseller's question, so only main titles of at least two words and [`MIN_MAIN_TITLE_CHARS`]
//! characters are looked for, and only as whole words.

/// Shortest main title, in characters (spaces included), that a text can name.
pub const MIN_MAIN_TITLE_CHARS: usize = 10;

/// Where a main title ends: subtitles, editions and series follow these.
const MAIN_TITLE_ENDS: [char; 4] = [':', '(', '[', ','];
const DASHES: [&str; 3] = [" - ", " – ", " — "];
const ARTICLES: [&str; 3] = ["the", "a", "an"];

/// The lower-case words of `text`: runs of letters and digits, apostrophes dropped.
fn words(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The main title of `title` as it is looked for (words joined by single spaces), or `None`
/// when it is too short to tell from ordinary words.
pub fn main_title(title: &str) -> Option<String> {
    let mut main = title.split(MAIN_TITLE_ENDS).next().unwrap_or("");
    for dash in DASHES {
        main = main.split(dash).next().unwrap_or("");
    }
    let mut words = words(main);
    if words.first().is_some_and(|first| ARTICLES.contains(&first.as_str())) {
        words.remove(0);
    }
    let joined = words.join(" ");
    (words.len() >= 2 && joined.chars().count() >= MIN_MAIN_TITLE_CHARS).then_some(joined)
}

/// A text (a chat question) prepared for looking up main titles in.
pub struct TitleSearch {
    /// The text's words, each between single spaces, so that a title matches whole words only.
    spaced: String,
}

impl TitleSearch {
    pub fn new(text: &str) -> Self {
        TitleSearch { spaced: format!(" {} ", words(text).join(" ")) }
    }

    /// Whether the text names `main` (a [`main_title`]), as whole words.
    pub fn names(&self, main: &str) -> bool {
        self.spaced.contains(&format!(" {main} "))
    }

    /// Which of `main_titles` (key, [`main_title`]) the text names: the longest one found, so
    /// "Campbell Biology in Focus" wins over "Campbell Biology"; among equally long ones (one
    /// title in several editions) the first, so the caller orders them by preference. The main
    /// titles are computed once by the caller, however many texts it searches.
    pub fn best<'a, K>(&self, main_titles: impl IntoIterator<Item = (K, &'a str)>) -> Option<K> {
        let mut best: Option<(usize, K)> = None;
        for (key, main) in main_titles {
            if self.names(main) && best.as_ref().is_none_or(|(length, _)| main.len() > *length) {
                best = Some((main.len(), key));
            }
        }
        best.map(|(_, key)| key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_title_drops_subtitle_edition_series_and_article() {
        assert_eq!(main_title("Campbell Biology (11th Edition)").as_deref(), Some("campbell biology"));
        assert_eq!(main_title("The Norton Anthology of English Literature, Vol. 1").as_deref(), Some("norton anthology of english literature"));
        assert_eq!(main_title("Ender's Game: Special 20th Anniversary Edition").as_deref(), Some("enders game"));
        assert_eq!(main_title("Organic Chemistry - Study Guide [Paperback]").as_deref(), Some("organic chemistry"));
        assert_eq!(main_title("Gödel, Escher, Bach").as_deref(), None, "one word before the comma");
        assert_eq!(main_title("Calculus: Early Transcendentals"), None, "one word");
        assert_eq!(main_title("The Road"), None, "one word without the article");
        assert_eq!(main_title("Our Town"), None, "two words, but shorter than 10 characters");
        assert_eq!(main_title("The Art of War").as_deref(), Some("art of war"));
        assert_eq!(main_title(""), None);
    }

    /// The main title of `title`, which the tests know to be long enough.
    fn main(title: &str) -> String {
        main_title(title).unwrap_or_else(|| panic!("{title} has a main title"))
    }

    #[test]
    fn a_text_names_a_title_by_whole_words_in_any_case() {
        let search = TitleSearch::new("Is CAMPBELL biology worth $40? And Ender’s Game?");
        assert!(search.names(&main("Campbell Biology (12th Edition)")));
        assert!(search.names(&main("Enders Game")), "apostrophes do not matter");
        assert!(!search.names(&main("Campbell Biology in Focus")), "the whole main title must be there");
        assert!(!TitleSearch::new("campbell biologyx").names(&main("Campbell Biology")), "whole words only");
        assert_eq!(main_title("The Road"), None, "so \"the road to calculus\" names no book");
    }

    #[test]
    fn the_most_specific_title_wins_and_ties_keep_the_callers_order() {
        let titles = [
            ("0134093410", main("Campbell Biology (11th Edition)")),
            ("0134446755", main("Campbell Biology in Focus")),
            ("0321775651", main("Campbell Biology (10th Edition)")),
        ];
        let best = |text: &str| TitleSearch::new(text).best(titles.iter().map(|(asin, main)| (*asin, main.as_str())));
        assert_eq!(best("thoughts on campbell biology in focus?"), Some("0134446755"));
        assert_eq!(best("thoughts on campbell biology?"), Some("0134093410"));
        assert_eq!(best("thoughts on biology?"), None);
    }
}
