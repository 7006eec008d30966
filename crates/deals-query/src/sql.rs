//! The statements: a page of deals, the count behind it, one deal, and all deals for the CSV.
//! The settings are parameters `?1`…`?4` ([`economics::settings_params`]); filter values follow
//! as `?5`…, always bound, never spliced.
//!
//! A page is chosen in an inner query that reads only the covering index `deals_listing`
//! (migration 0003) — filters, economics and sort key all come from it — and only the page's
//! rows are then read in full and joined with their product.

use domain::book_code;
use domain::fees::BusinessSettings;

use crate::columns;
use crate::economics;
use crate::params::{DealsRequest, Filters, Order, Sort};

/// A bound parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Integer(i64),
    Real(f64),
    Text(String),
}

/// SQL text plus its parameters, in `?N` order.
#[derive(Clone, Debug)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Statement {
    /// `sql` with `params`, minus trailing settings parameters the text never mentions
    /// (SQLite refuses more parameters than the highest `?N` it sees).
    fn new(sql: String, mut params: Vec<Param>) -> Statement {
        while !params.is_empty() && !mentions(&sql, params.len()) {
            params.pop();
        }
        Statement { sql, params }
    }
}

/// Whether `sql` contains the placeholder `?n` (and not merely `?n0`).
fn mentions(sql: &str, n: usize) -> bool {
    let placeholder = format!("?{n}");
    sql.match_indices(&placeholder)
        .any(|(at, _)| !sql[at + placeholder.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// WHERE clauses under construction, numbering their parameters after the settings.
struct Conditions {
    clauses: Vec<String>,
    params: Vec<Param>,
    needs_product: bool,
}

impl Conditions {
    fn new(settings: &BusinessSettings) -> Conditions {
        Conditions { clauses: Vec::new(), params: economics::settings_params(settings).to_vec(), needs_product: false }
    }

    /// Binds `param` and returns its placeholder.
    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("?{}", self.params.len())
    }

    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }
}

/// A deal worth showing has a resale price, a sale history and a buy price (DOMAIN §5.1).
const COMPLETE: &str = "d.list_at_cents > 0 AND d.one_year_avg_cents > 0 AND d.price_now_cents > 0";

/// The always-applied completeness rule (DOMAIN §5.1), the profit rule and the filters.
fn conditions(filters: &Filters, settings: &BusinessSettings) -> Conditions {
    let mut c = Conditions::new(settings);
    // Spelled as in the partial index `deals_listing` (migration 0003), which SQLite then uses.
    c.push(COMPLETE.into());
    let profit = economics::profit();
    match filters.profit_gte_cents {
        Some(cents) => {
            let placeholder = c.bind(Param::Integer(cents));
            c.push(format!("{profit} >= {placeholder}"));
        }
        None => c.push(format!("{profit} > 0")),
    }
    if let Some(rank) = filters.sales_rank_lte {
        let placeholder = c.bind(Param::Integer(rank));
        c.push(format!("d.sales_rank <= {placeholder}"));
    }
    if let Some(roi) = filters.roi_gte {
        let placeholder = c.bind(Param::Real(roi));
        c.push(format!("{} >= {placeholder}", economics::roi()));
    }
    if let Some(drops) = filters.drops30_gte {
        let placeholder = c.bind(Param::Integer(drops));
        c.push(format!("d.drops30 >= {placeholder}"));
    }
    if let Some(trust) = filters.deal_trust_gte {
        let placeholder = c.bind(Param::Real(trust));
        c.push(format!("d.deal_trust >= {placeholder}"));
    }
    if let Some(trust) = filters.seller_trust_gte {
        // The dashboard's 0–10 scale over the stored 0–1 score, half a point of slack (§5.1).
        let placeholder = c.bind(Param::Real((trust - 0.5) / 10.0));
        c.push(format!("d.seller_quality >= {placeholder}"));
    }
    if let Some(percent) = filters.percent_down_gte {
        let placeholder = c.bind(Param::Real(percent));
        c.push(format!("d.percent_down >= {placeholder}"));
    }
    if filters.hide_amazon {
        c.push("d.amazon_selling = 0".into());
    }
    if !filters.excluded_conditions.is_empty() {
        let placeholders: Vec<String> =
            filters.excluded_conditions.iter().map(|condition| c.bind(Param::Text(condition.to_string()))).collect();
        c.push(format!("(d.condition IS NULL OR d.condition NOT IN ({}))", placeholders.join(", ")));
    }
    if let Some(keyword) = &filters.keyword {
        let placeholder = c.bind(Param::Text(format!("%{}%", escape_like(keyword))));
        let fields = ["p.title", "p.category_sub", "d.seasonality", "p.publisher", "p.author", "d.seller_name"];
        let mut matches: Vec<String> = fields.iter().map(|field| format!("{field} LIKE {placeholder} ESCAPE '\\'")).collect();
        // A keyword that is a book's code (its ASIN, or the ISBN on its barcode) finds that book.
        if let Some(asin) = book_code::asin_of(keyword.trim()) {
            matches.push(format!("d.asin = {}", c.bind(Param::Text(asin))));
        }
        c.push(format!("({})", matches.join(" OR ")));
        c.needs_product = true;
    }
    c
}

/// `keyword` with LIKE's wildcards taken literally.
fn escape_like(keyword: &str) -> String {
    keyword.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// `ORDER BY` text: the whitelisted column, NULLs last, then `id` so pages never overlap.
fn order_by(sort: &Sort) -> String {
    let direction = match sort.order {
        Order::Asc => "ASC",
        Order::Desc => "DESC",
    };
    format!("{} {direction} NULLS LAST, d.id ASC", sort.column.sql())
}

fn from(needs_product: bool) -> &'static str {
    if needs_product { "deals d LEFT JOIN products p ON p.asin = d.asin" } else { "deals d" }
}

/// One page of deals, every field of [`COLUMNS`], in sort order.
///
/// A page sorted by profit, highest first, does not sort every matching deal: a first pass walks
/// the top of index `deals_by_profit` (no sort) for the first `offset + limit` matching deals;
/// their profits are at least their minimum `m`, so the page's deals' are too, and as
/// profit = base − tax − prep − shipping with a non-negative tax, each of them has
/// `profit_base_cents ≥ m + prep + shipping` — the only range the page then sorts.
pub fn page(request: &DealsRequest, settings: &BusinessSettings) -> Statement {
    let mut c = conditions(&request.filters, settings);
    let by_profit_desc = request.sort.column.key == "profit" && request.sort.order == Order::Desc;
    let (floor, source) = if by_profit_desc && !c.needs_product {
        let window = c.bind(Param::Integer(i64::from(request.page) * i64::from(request.limit)));
        let floor = format!(
            "floor AS (SELECT CASE WHEN COUNT(*) = {window} THEN MIN(profit) + ?1 + ?2 END AS base FROM \
             (SELECT {} AS profit FROM deals d INDEXED BY deals_by_profit WHERE {} \
              ORDER BY d.profit_base_cents DESC LIMIT {window})), ",
            economics::profit(),
            c.sql(),
        );
        c.push(format!("d.profit_base_cents >= COALESCE((SELECT base FROM floor), {})", i64::MIN + 1));
        (floor, "deals d INDEXED BY deals_by_profit")
    } else {
        (String::new(), from(c.needs_product || request.sort.column.needs_product()))
    };
    let limit = c.bind(Param::Integer(i64::from(request.limit)));
    let offset = c.bind(Param::Integer(i64::from(request.page - 1) * i64::from(request.limit)));
    let order = order_by(&request.sort);
    let sql = format!(
        "WITH {floor}page AS (SELECT d.id FROM {source} WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset}) \
         SELECT {} FROM page JOIN deals d ON d.id = page.id LEFT JOIN products p ON p.asin = d.asin ORDER BY {order}",
        c.sql(),
        columns::select_list(),
    );
    Statement::new(sql, c.params)
}

/// `count, max_id` of the deals matching `filters` (`max_id` 0 when none).
pub fn count(filters: &Filters, settings: &BusinessSettings) -> Statement {
    let c = conditions(filters, settings);
    let sql = format!("SELECT COUNT(*), COALESCE(MAX(d.id), 0) FROM {} WHERE {}", from(c.needs_product), c.sql());
    Statement::new(sql, c.params)
}

/// Every matching deal after the first `offset` in sort order, at most `limit` (the CSV reads in chunks).
pub fn chunk(filters: &Filters, sort: &Sort, settings: &BusinessSettings, offset: i64, limit: i64) -> Statement {
    let request = DealsRequest { filters: filters.clone(), sort: *sort, page: 1, limit: 0 };
    let mut statement = page(&request, settings);
    let count = statement.params.len();
    statement.params[count - 2] = Param::Integer(limit);
    statement.params[count - 1] = Param::Integer(offset);
    statement
}

/// One deal by ASIN, every field, whether or not it is complete.
pub fn one(asin: &str, settings: &BusinessSettings) -> Statement {
    let mut params = economics::settings_params(settings).to_vec();
    params.push(Param::Text(asin.to_string()));
    let sql = format!(
        "SELECT {} FROM deals d LEFT JOIN products p ON p.asin = d.asin WHERE d.asin = ?5",
        columns::select_list()
    );
    Statement::new(sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn request(query: &str) -> DealsRequest {
        Params::parse(query).unwrap().listing().unwrap()
    }

    #[test]
    fn user_input_is_only_ever_bound() {
        let hostile = "x' OR 1=1; DROP TABLE deals; --";
        let query = format!("keyword={}", hostile.replace(' ', "+").replace(';', "%3B").replace('=', "%3D"));
        let statement = page(&request(&query), &BusinessSettings::default());
        assert!(!statement.sql.contains("DROP"), "{}", statement.sql);
        assert!(statement.params.contains(&Param::Text(format!("%{hostile}%"))));
    }

    #[test]
    fn placeholders_match_the_parameters() {
        let statement = page(&request("roi_gte=10&excluded_conditions=New,U-Good&keyword=a_b&page=3"), &BusinessSettings::default());
        let highest = (1..=statement.params.len()).rev().find(|n| statement.sql.contains(&format!("?{n}"))).unwrap();
        assert_eq!(highest, statement.params.len());
        assert_eq!(statement.params[statement.params.len() - 1], Param::Integer(100));
        assert!(statement.params.contains(&Param::Text("%a\\_b%".into())));
    }

    #[test]
    fn a_keyword_that_is_a_book_code_also_matches_the_asin() {
        let settings = BusinessSettings::default();
        let by_barcode = page(&request("keyword=978-0-13-409341-3"), &settings);
        assert!(by_barcode.sql.contains("d.asin = ?"), "{}", by_barcode.sql);
        assert!(by_barcode.params.contains(&Param::Text("0134093410".into())));
        let by_word = page(&request("keyword=calculus"), &settings);
        assert!(!by_word.sql.contains("d.asin = ?"), "{}", by_word.sql);
    }

    #[test]
    fn unused_trailing_settings_are_not_bound() {
        let statement = count(&Filters::default(), &BusinessSettings::default());
        assert_eq!(statement.params.len(), 3, "{}", statement.sql);
        assert!(mentions("a ?12 b", 12) && !mentions("a ?12 b", 1));
    }

    #[test]
    fn only_a_descending_profit_sort_gets_a_floor() {
        let settings = BusinessSettings::default();
        let narrowed = page(&request("sort=profit&order=desc&page=3&roi_gte=20"), &settings);
        assert!(narrowed.sql.contains("INDEXED BY deals_by_profit") && narrowed.sql.contains("floor AS"));
        assert!(narrowed.params.contains(&Param::Integer(150)), "the window is offset + limit");
        for other in ["sort=profit", "sort=roi&order=desc", "sort=profit&order=desc&keyword=x"] {
            assert!(!page(&request(other), &settings).sql.contains("floor AS"), "{other}");
        }
    }

    #[test]
    fn products_are_joined_only_when_needed() {
        let settings = BusinessSettings::default();
        assert!(!count(&Filters::default(), &settings).sql.contains("products"));
        let keyword = Filters { keyword: Some("x".into()), ..Filters::default() };
        assert!(count(&keyword, &settings).sql.contains("products"));
    }
}
