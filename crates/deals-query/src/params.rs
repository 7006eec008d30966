//! The query parameters of `/api/deals`, `/api/deal-count` and `/download/deals.csv`
//! (DOMAIN §5.1, with its silent defaults turned into errors): every malformed or out-of-range
//! value is a [`ParamError`] naming the parameter, never a fallback. An empty value means "not
//! set" (what an HTML form sends for an untouched field); unknown parameters are ignored.

use std::collections::HashMap;
use std::fmt;

use crate::columns::Column;

/// Deals per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 500;
/// The largest `page` (keeps OFFSET arithmetic far from overflow).
const MAX_PAGE: u32 = 1_000_000;
/// The longest keyword.
const MAX_KEYWORD_CHARS: usize = 100;

/// A rejected parameter and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "parameter `{}`: {}", self.parameter, self.message)
    }
}

fn error(parameter: &str, message: impl Into<String>) -> ParamError {
    ParamError { parameter: parameter.to_string(), message: message.into() }
}

/// The filters; `None`/empty means "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub sales_rank_lte: Option<i64>,
    pub roi_gte: Option<f64>,
    pub drops30_gte: Option<i64>,
    pub deal_trust_gte: Option<f64>,
    /// On the dashboard's 0–10 scale.
    pub seller_trust_gte: Option<f64>,
    /// `None`: only profitable deals (profit > 0).
    pub profit_gte_cents: Option<i64>,
    pub percent_down_gte: Option<f64>,
    pub keyword: Option<String>,
    pub hide_amazon: bool,
    /// Stored condition values to leave out.
    pub excluded_conditions: Vec<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// A whitelisted sort.
#[derive(Clone, Copy)]
pub struct Sort {
    pub column: &'static Column,
    pub order: Order,
}

impl fmt::Debug for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.column.key, self.order)
    }
}

/// Everything a listing request asks for.
#[derive(Clone, Debug)]
pub struct DealsRequest {
    pub filters: Filters,
    pub sort: Sort,
    pub page: u32,
    pub limit: u32,
}

/// The parameters of one query string, each given at most once.
pub struct Params {
    values: HashMap<String, String>,
}

impl Params {
    /// Splits a query string; a parameter given twice is an error.
    pub fn parse(query: &str) -> Result<Params, ParamError> {
        let mut values = HashMap::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if values.insert(key.to_string(), value.trim().to_string()).is_some() {
                return Err(error(&key, "given more than once"));
            }
        }
        Ok(Params { values })
    }

    /// The non-empty value of `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str).filter(|value| !value.is_empty())
    }

    fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ParamError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        let value: i64 = text.parse().map_err(|_| error(name, format!("`{text}` is not a whole number")))?;
        if !(min..=max).contains(&value) {
            return Err(error(name, format!("must be between {min} and {max}")));
        }
        Ok(Some(value))
    }

    fn number(&self, name: &str, min: f64, max: f64) -> Result<Option<f64>, ParamError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        let value: f64 = text
            .parse()
            .ok()
            .filter(|value: &f64| value.is_finite())
            .ok_or_else(|| error(name, format!("`{text}` is not a number")))?;
        if !(min..=max).contains(&value) {
            return Err(error(name, format!("must be between {min} and {max}")));
        }
        Ok(Some(value))
    }

    fn flag(&self, name: &str) -> Result<bool, ParamError> {
        match self.get(name) {
            None | Some("0" | "false") => Ok(false),
            Some("1" | "true") => Ok(true),
            Some(other) => Err(error(name, format!("`{other}` is not one of 1, 0, true, false"))),
        }
    }

    /// The filters of DOMAIN §5.1. A zero threshold means "any", as the dashboard's sliders send it.
    pub fn filters(&self) -> Result<Filters, ParamError> {
        for later in ["hide_gated", "agents_choice"] {
            if self.flag(later)? {
                return Err(error(later, "not available yet"));
            }
        }
        let positive = |value: Option<f64>| value.filter(|v| *v > 0.0);
        let keyword = self.get("keyword").map(str::to_string);
        if keyword.as_ref().is_some_and(|keyword| keyword.chars().count() > MAX_KEYWORD_CHARS) {
            return Err(error("keyword", format!("longer than {MAX_KEYWORD_CHARS} characters")));
        }
        Ok(Filters {
            sales_rank_lte: self.integer("sales_rank_current_lte", 0, i64::MAX)?,
            roi_gte: positive(self.number("roi_gte", 0.0, 1e9)?),
            drops30_gte: self.integer("drops_30_gte", 0, i64::MAX)?.filter(|v| *v > 0),
            deal_trust_gte: positive(self.number("deal_trust_gte", 0.0, 100.0)?),
            seller_trust_gte: positive(self.number("seller_trust_gte", 0.0, 10.0)?),
            profit_gte_cents: positive(self.number("profit_gte", -1e9, 1e9)?).map(|dollars| (dollars * 100.0).round() as i64),
            percent_down_gte: positive(self.number("percent_down_gte", 0.0, 100.0)?),
            keyword,
            hide_amazon: self.flag("hide_amz")?,
            excluded_conditions: self.excluded_conditions()?,
        })
    }

    /// `excluded_conditions`: the dashboard's labels or the stored values, comma-separated.
    fn excluded_conditions(&self) -> Result<Vec<&'static str>, ParamError> {
        let Some(list) = self.get("excluded_conditions") else { return Ok(Vec::new()) };
        let mut excluded = Vec::new();
        for label in list.split(',').map(str::trim).filter(|label| !label.is_empty()) {
            let conditions = condition_group(label)
                .ok_or_else(|| error("excluded_conditions", format!("unknown condition `{label}`")))?;
            excluded.extend(conditions.iter().copied().filter(|c| !excluded.contains(c)).collect::<Vec<_>>());
        }
        Ok(excluded)
    }

    /// `sort` (one of the deal keys, default `id`) and `order` (`asc`, the default, or `desc`).
    pub fn sort(&self) -> Result<Sort, ParamError> {
        let key = self.get("sort").unwrap_or("id");
        let column = Column::find(key).ok_or_else(|| error("sort", format!("`{key}` is not a deal field")))?;
        let order = match self.get("order") {
            None | Some("asc") => Order::Asc,
            Some("desc") => Order::Desc,
            Some(other) => return Err(error("order", format!("`{other}` is not asc or desc"))),
        };
        Ok(Sort { column, order })
    }

    /// The whole listing request: filters, sort, `page` (from 1) and `limit` (1–500).
    pub fn listing(&self) -> Result<DealsRequest, ParamError> {
        let page = self.integer("page", 1, i64::from(MAX_PAGE))?.unwrap_or(1);
        let limit = self.integer("limit", 1, i64::from(MAX_LIMIT))?.unwrap_or(i64::from(DEFAULT_LIMIT));
        Ok(DealsRequest { filters: self.filters()?, sort: self.sort()?, page: page as u32, limit: limit as u32 })
    }
}

/// The stored condition values behind a dashboard label (DOMAIN §5.1) or a stored value itself.
fn condition_group(label: &str) -> Option<&'static [&'static str]> {
    const ALL: &[&str] = &[
        "new",
        "used_like_new",
        "used_very_good",
        "used_good",
        "used_acceptable",
        "refurbished",
        "collectible_like_new",
        "collectible_very_good",
        "collectible_good",
        "collectible_acceptable",
    ];
    let group: &'static [&'static str] = match label.to_ascii_lowercase().as_str() {
        "new" => &ALL[0..1],
        "u-like new" => &ALL[1..2],
        "u-very good" => &ALL[2..3],
        "u-good" => &ALL[3..4],
        "u-acceptable" => &ALL[4..5],
        "collectible" => &ALL[6..10],
        other => return ALL.iter().position(|value| *value == other).map(|i| &ALL[i..=i]),
    };
    Some(group)
}

/// `asin` upper-cased if it is ten letters or digits (an ASIN or ISBN-10), else an error naming `asin`.
pub fn asin(text: &str) -> Result<String, ParamError> {
    if domain::book_code::is_asin_shaped(text) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(error("asin", "must be 10 letters or digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(query: &str) -> Result<Filters, ParamError> {
        Params::parse(query)?.filters()
    }

    fn parameter_of(result: Result<impl fmt::Debug, ParamError>) -> String {
        result.expect_err("an error").parameter
    }

    #[test]
    fn defaults_are_the_first_page_of_fifty_by_id() {
        let request = Params::parse("").unwrap().listing().unwrap();
        assert_eq!((request.page, request.limit, request.sort.column.key, request.sort.order), (1, 50, "id", Order::Asc));
        assert_eq!(request.filters, Filters::default());
    }

    #[test]
    fn parses_every_filter() {
        let parsed = filters(
            "sales_rank_current_lte=0&roi_gte=20&drops_30_gte=2&deal_trust_gte=70&seller_trust_gte=5\
             &profit_gte=4.5&percent_down_gte=10&keyword=Calculus&hide_amz=1&excluded_conditions=New,Collectible",
        )
        .unwrap();
        assert_eq!(parsed.sales_rank_lte, Some(0));
        assert_eq!(parsed.roi_gte, Some(20.0));
        assert_eq!(parsed.drops30_gte, Some(2));
        assert_eq!(parsed.deal_trust_gte, Some(70.0));
        assert_eq!(parsed.seller_trust_gte, Some(5.0));
        assert_eq!(parsed.profit_gte_cents, Some(450));
        assert_eq!(parsed.percent_down_gte, Some(10.0));
        assert_eq!(parsed.keyword.as_deref(), Some("Calculus"));
        assert!(parsed.hide_amazon);
        assert_eq!(parsed.excluded_conditions.len(), 5);
    }

    #[test]
    fn zero_thresholds_and_empty_values_mean_any() {
        assert_eq!(filters("roi_gte=0&drops_30_gte=0&profit_gte=0&keyword=&hide_amz=0").unwrap(), Filters::default());
    }

    #[test]
    fn bad_values_name_their_parameter() {
        assert_eq!(parameter_of(filters("roi_gte=abc")), "roi_gte");
        assert_eq!(parameter_of(filters("roi_gte=-1")), "roi_gte");
        assert_eq!(parameter_of(filters("roi_gte=NaN")), "roi_gte");
        assert_eq!(parameter_of(filters("sales_rank_current_lte=1.5")), "sales_rank_current_lte");
        assert_eq!(parameter_of(filters("seller_trust_gte=11")), "seller_trust_gte");
        assert_eq!(parameter_of(filters("hide_amz=yes")), "hide_amz");
        assert_eq!(parameter_of(filters("excluded_conditions=New,Mint")), "excluded_conditions");
        assert_eq!(parameter_of(filters("hide_gated=1")), "hide_gated");
        assert_eq!(parameter_of(filters("roi_gte=1&roi_gte=2")), "roi_gte");
        let listing = |q: &str| Params::parse(q).unwrap().listing();
        assert_eq!(parameter_of(listing("sort=id;DROP TABLE deals")), "sort");
        assert_eq!(parameter_of(listing("order=up")), "order");
        assert_eq!(parameter_of(listing("limit=501")), "limit");
        assert_eq!(parameter_of(listing("limit=0")), "limit");
        assert_eq!(parameter_of(listing("page=0")), "page");
    }

    #[test]
    fn condition_labels_cover_their_stored_values() {
        assert_eq!(condition_group("U-Good"), Some(&["used_good"][..]));
        assert_eq!(condition_group("collectible").unwrap().len(), 4);
        assert_eq!(condition_group("used_acceptable"), Some(&["used_acceptable"][..]));
        assert_eq!(condition_group("mint"), None);
    }

    #[test]
    fn asins_are_ten_letters_or_digits() {
        assert_eq!(asin("0134093410").unwrap(), "0134093410");
        assert_eq!(asin("b00abcdefg").unwrap(), "B00ABCDEFG");
        assert_eq!(asin("' OR 1=1--").unwrap_err().parameter, "asin");
        assert!(asin("123").is_err());
    }
}
