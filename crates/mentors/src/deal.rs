//! One deal's figures as a mentor sees them: the stored analysis (`deals` ⋈ `products`) plus the
//! requesting user's economics (profit, margin, ROI depend on their cost settings, DOMAIN §4.1),
//! so no user ever gets advice built on another user's numbers.

use domain::book_code;
use domain::book_title::{TitleSearch, main_title};
use domain::fees::{BusinessSettings, DealEconomicsInputs, economics};
use domain::money::Cents;
use llm_client::Message;
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read::{integer, real, text};

/// Everything the advice prompt and the offline advisor read. Money in cents, percentages as
/// percent; `None` is "unknown". Serialized, it is also the deal part of the advice cache key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealFacts {
    pub asin: String,
    pub title: Option<String>,
    pub binding: Option<String>,
    pub category: Option<String>,
    pub condition: Option<String>,
    pub price_now_cents: Option<i64>,
    pub list_at_cents: Option<i64>,
    pub one_year_avg_cents: Option<i64>,
    pub percent_down: Option<f64>,
    pub sales_rank: Option<i64>,
    pub sales_rank_avg365: Option<i64>,
    pub drops30: Option<i64>,
    pub drops365: Option<i64>,
    pub used_offers_now: Option<i64>,
    pub used_offers_avg365: Option<f64>,
    pub amazon_selling: bool,
    pub seasonality: Option<String>,
    pub sells_window: Option<String>,
    pub trend: Option<String>,
    pub deal_trust: Option<f64>,
    pub all_in_cost_cents: Option<i64>,
    pub profit_cents: Option<i64>,
    pub margin_pct: Option<f64>,
    pub roi_pct: Option<f64>,
}

const COLUMNS: &str = "d.asin, p.title, p.binding, p.category_sub, d.condition, d.price_now_cents, d.list_at_cents, \
    d.one_year_avg_cents, d.percent_down, d.sales_rank, d.sales_rank_avg365, d.drops30, d.drops365, \
    d.used_offers_now, d.used_offers_avg365, d.amazon_selling, d.seasonality, d.sells_window, d.trend, \
    d.deal_trust, d.fba_fee_cents, d.referral_fee_pct";

/// Which deal a chat answer was about, for the user to see.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealReference {
    pub asin: String,
    pub title: Option<String>,
}

/// Most ASINs of a conversation looked up in the deals (bounds the queries one chat message can
/// cause; the titles are read at most once).
const MAX_MENTIONED: usize = 5;

/// What a chat's questions may name its deal by, in the order it is looked for.
#[derive(Debug, PartialEq)]
enum Clue<'a> {
    /// An ASIN, ISBN-10 or ISBN-13 ([`book_code::asins_in`]) read as the ASIN; `in_message` when
    /// the new message names it.
    Asin { asin: String, in_message: bool },
    /// A question that may name a deal by its title ([`domain::book_title`]).
    Title(&'a str),
}

/// The clues of a chat, newest question first: the new `message`, then the earlier user turns
/// from the latest back (the model's own words name no deal); within a question its ASINs, then
/// its words as a title. ASINs without repeats, at most [`MAX_MENTIONED`].
fn clues<'a>(message: &'a str, earlier: &'a [Message]) -> Vec<Clue<'a>> {
    let earlier_questions = earlier.iter().rev().filter(|turn| turn.role == "user").map(|turn| turn.content.as_str());
    let mut asins: Vec<String> = Vec::new();
    let mut clues = Vec::new();
    for (index, question) in std::iter::once(message).chain(earlier_questions).enumerate() {
        for asin in book_code::asins_in(question) {
            if asins.len() < MAX_MENTIONED && !asins.contains(&asin) {
                asins.push(asin.clone());
                clues.push(Clue::Asin { asin, in_message: index == 0 });
            }
        }
        if !question.trim().is_empty() {
            clues.push(Clue::Title(question));
        }
    }
    clues
}

/// What a chat question is about: the stored deal whose figures go into the prompt, and the
/// books the new message names that are not stored deals (the mentor has no figures for them and
/// must say so rather than guess, or take another book's figures for theirs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discussed {
    pub deal: Option<DealFacts>,
    /// ASINs of the new message without a stored deal, in the message's order.
    pub untracked: Vec<String>,
}

/// What a chat is about, with `settings` applied: the first stored deal the new message names,
/// by ASIN or ISBN or else by title, or failing that, the one the conversation's latest earlier
/// question names, so that a follow-up ("and in August?") is still about the book the
/// conversation named; and which books the new message names by number that are not stored
/// deals. At most [`MAX_MENTIONED`] lookups by ASIN and one read of the deals' titles.
pub fn load_discussed(db: &Connection, message: &str, earlier: &[Message], settings: &BusinessSettings) -> Result<Discussed, String> {
    let mut discussed = Discussed::default();
    let mut main_titles: Option<Vec<(String, String)>> = None;
    for clue in clues(message, earlier) {
        // Once the deal is known, only the new message's other numbers are looked up (to say
        // which of its books have no figures here).
        let numbered_in_message = matches!(clue, Clue::Asin { in_message: true, .. });
        if discussed.deal.is_some() && !numbered_in_message {
            break;
        }
        match clue {
            Clue::Asin { asin, in_message } => match load(db, &asin, settings)? {
                Some(deal) if discussed.deal.is_none() => discussed.deal = Some(deal),
                Some(_) => {}
                None if in_message => discussed.untracked.push(asin),
                None => {}
            },
            Clue::Title(question) => {
                let main_titles = match &mut main_titles {
                    Some(main_titles) => main_titles,
                    empty => empty.insert(deal_main_titles(db)?),
                };
                let named = TitleSearch::new(question).best(main_titles.iter().map(|(asin, main)| (asin, main.as_str())));
                if let Some(asin) = named {
                    discussed.deal = load(db, asin, settings)?;
                }
            }
        }
    }
    Ok(discussed)
}

/// Every stored deal's (ASIN, [`main_title`]) where its title has one, best-selling first: of
/// one title in several editions, the chat takes the edition that sells (the user sees which, and
/// can name another by its ASIN).
fn deal_main_titles(db: &Connection) -> Result<Vec<(String, String)>, String> {
    let result = db
        .execute(
            "SELECT d.asin, p.title FROM deals d JOIN products p ON p.asin = d.asin WHERE p.title IS NOT NULL \
             ORDER BY d.sales_rank IS NULL, d.sales_rank, d.asin",
            &[],
        )
        .map_err(|e| e.to_string())?;
    Ok(result.rows.iter().filter_map(|row| Some((text(&row.values, 0)?, main_title(&text(&row.values, 1)?)?))).collect())
}

/// The deal for `asin` with `settings` applied, or `None` when there is no such deal.
pub fn load(db: &Connection, asin: &str, settings: &BusinessSettings) -> Result<Option<DealFacts>, String> {
    let result = db
        .execute(
            &format!("SELECT {COLUMNS} FROM deals d JOIN products p ON p.asin = d.asin WHERE d.asin = ?"),
            &[Value::Text(asin.to_ascii_uppercase())],
        )
        .map_err(|e| e.to_string())?;
    Ok(result.rows.first().map(|row| from_row(&row.values, settings)))
}

fn from_row(v: &[Value], settings: &BusinessSettings) -> DealFacts {
    let price_now = integer(v, 5);
    let list_at = integer(v, 6);
    let money = price_now.filter(|p| *p > 0).map(|price| {
        let inputs = DealEconomicsInputs::new(Cents(price), list_at.map(Cents), integer(v, 20).map(Cents), real(v, 21));
        economics(&inputs, settings)
    });
    DealFacts {
        asin: text(v, 0).unwrap_or_default(),
        title: text(v, 1),
        binding: text(v, 2),
        category: text(v, 3),
        condition: text(v, 4),
        price_now_cents: price_now,
        list_at_cents: list_at,
        one_year_avg_cents: integer(v, 7),
        percent_down: real(v, 8),
        sales_rank: integer(v, 9),
        sales_rank_avg365: integer(v, 10),
        drops30: integer(v, 11),
        drops365: integer(v, 12),
        used_offers_now: integer(v, 13),
        used_offers_avg365: real(v, 14),
        amazon_selling: integer(v, 15).unwrap_or(0) != 0,
        seasonality: text(v, 16),
        sells_window: text(v, 17),
        trend: text(v, 18),
        deal_trust: real(v, 19),
        all_in_cost_cents: money.map(|m| m.all_in_cost.0),
        profit_cents: money.filter(|_| list_at.is_some_and(|l| l > 0)).map(|m| m.profit.0),
        margin_pct: money.and_then(|m| m.margin_pct),
        roi_pct: money.filter(|_| list_at.is_some_and(|l| l > 0)).and_then(|m| m.roi_pct),
    }
}

/// `$12.34`, or `unknown`.
pub fn dollars(cents: Option<i64>) -> String {
    cents.map_or_else(|| "unknown".to_string(), |c| Cents(c).to_string())
}

/// `12.3 %`, or `unknown`.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "unknown".to_string(), |v| format!("{v:.1} %"))
}

/// A number, or `unknown`.
pub fn number(value: Option<i64>) -> String {
    value.map_or_else(|| "unknown".to_string(), |v| v.to_string())
}

impl DealFacts {
    /// Whether the book is seasonal in the sense of DOMAIN §6.2's corrections.
    pub fn is_seasonal(&self) -> bool {
        self.seasonality.as_deref().is_some_and(|s| s != "Year-round")
    }

    /// Whether "textbook" appears in the title or seasonality (adds the Seasonality strategies).
    pub fn mentions_textbook(&self) -> bool {
        [&self.title, &self.seasonality]
            .iter()
            .any(|field| field.as_deref().is_some_and(|s| s.to_ascii_lowercase().contains("textbook")))
    }

    /// The deal as the chat panel names it ("About <title> (<ASIN>)").
    pub fn reference(&self) -> DealReference {
        DealReference { asin: self.asin.clone(), title: self.title.clone() }
    }

    /// The facts as prompt lines (DOMAIN §6.2 "deal facts").
    pub fn fact_sheet(&self) -> String {
        let text = |value: &Option<String>| value.clone().unwrap_or_else(|| "unknown".into());
        [
            format!("ASIN: {}", self.asin),
            format!("Title: {}", text(&self.title)),
            format!("Binding: {}; category: {}; condition: {}", text(&self.binding), text(&self.category), text(&self.condition)),
            format!("Buy price now (with seller shipping): {}", dollars(self.price_now_cents)),
            format!("Recommended List at (typical peak sale): {}", dollars(self.list_at_cents)),
            format!("1-year average sale price: {}; percent below it: {}", dollars(self.one_year_avg_cents), percent(self.percent_down)),
            format!(
                "Sales rank now: {}; 365-day average rank: {}; rank drops (≈ sales) 30 d: {}, 365 d: {}",
                number(self.sales_rank),
                number(self.sales_rank_avg365),
                number(self.drops30),
                number(self.drops365)
            ),
            format!(
                "Used offers now: {}; 365-day average: {}; Amazon selling: {}",
                number(self.used_offers_now),
                self.used_offers_avg365.map_or("unknown".into(), |v| format!("{v:.1}")),
                if self.amazon_selling { "yes" } else { "no" }
            ),
            format!("Seasonality: {}; sells: {}; price trend: {}", text(&self.seasonality), text(&self.sells_window), text(&self.trend)),
            format!("Deal trust: {}", percent(self.deal_trust)),
            format!(
                "For this user: all-in cost {}, profit {}, margin {}, ROI {}",
                dollars(self.all_in_cost_cents),
                dollars(self.profit_cents),
                percent(self.margin_pct),
                percent(self.roi_pct)
            ),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_is_searched_newest_question_first_numbers_before_titles() {
        let turn = |role: &'static str, content: &str| Message { role, content: content.into() };
        let asin = |asin: &str, in_message: bool| Clue::Asin { asin: asin.into(), in_message };
        let earlier = [
            turn("user", "What about 0856485837?"),
            turn("assistant", "Compare it with 080442957X."),
            turn("user", "And b00abcdefg or 0856485837?"),
        ];
        assert_eq!(
            clues("And in August?", &earlier),
            [
                Clue::Title("And in August?"),
                asin("B00ABCDEFG", false),
                asin("0856485837", false),
                Clue::Title("And b00abcdefg or 0856485837?"),
                Clue::Title("What about 0856485837?"),
            ],
            "the model's own words name no deal"
        );
        assert_eq!(clues("Now 978-0-13-409341-3", &earlier)[0], asin("0134093410", true), "the barcode's ISBN-13");
        assert_eq!(clues("", &[])[..], [], "nothing to look for");
        let many: Vec<Message> = (0..9).map(|i| turn("user", &format!("{i}00000000{i}"))).collect();
        let asins: Vec<Clue> = clues("hi", &many).into_iter().filter(|clue| matches!(clue, Clue::Asin { .. })).collect();
        assert_eq!(asins.len(), MAX_MENTIONED);
        assert_eq!(asins[0], asin("8000000008", false));
    }
}
