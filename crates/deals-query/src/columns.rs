//! Every field of a deal in the API, CSV and OpenAPI file: its lower snake_case key, the SQL
//! that reads it and how it is rendered. This table is the sort whitelist too — `sort` must be
//! one of these keys, so the ORDER BY text only ever comes from here.

use crate::economics;

/// How a stored value is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Integer cents, rendered as dollars rounded to the cent.
    Cents,
    Integer,
    /// A stored real, rendered as is.
    Real,
    /// A computed percentage, rendered with two decimals.
    Percent,
    Text,
    /// 0/1 rendered as false/true.
    Bool,
}

/// Where a field's value comes from.
#[derive(Clone, Copy)]
pub enum Source {
    /// A column of `deals d`.
    Deal(&'static str),
    /// A column of `products p` (joined only when needed).
    Product(&'static str),
    /// A per-user economics expression over `d` and the settings parameters.
    Economics(fn() -> String),
}

/// One output field.
#[derive(Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub source: Source,
    pub kind: Kind,
}

impl Column {
    /// The SQL expression of the field.
    pub fn sql(&self) -> String {
        match self.source {
            Source::Deal(name) => format!("d.{name}"),
            Source::Product(name) => format!("p.{name}"),
            Source::Economics(expression) => expression(),
        }
    }

    pub fn needs_product(&self) -> bool {
        matches!(self.source, Source::Product(_))
    }

    /// The field with key `key`, if there is one.
    pub fn find(key: &str) -> Option<&'static Column> {
        COLUMNS.iter().find(|column| column.key == key)
    }
}

const fn deal(key: &'static str, name: &'static str, kind: Kind) -> Column {
    Column { key, source: Source::Deal(name), kind }
}

const fn product(key: &'static str, name: &'static str, kind: Kind) -> Column {
    Column { key, source: Source::Product(name), kind }
}

const fn computed(key: &'static str, expression: fn() -> String, kind: Kind) -> Column {
    Column { key, source: Source::Economics(expression), kind }
}

use Kind::{Bool, Cents, Integer, Percent, Real, Text};

/// The fields of a deal, in output order (also the CSV column order).
pub const COLUMNS: &[Column] = &[
    deal("id", "id", Integer),
    deal("asin", "asin", Text),
    product("title", "title", Text),
    product("author", "author", Text),
    product("publisher", "publisher", Text),
    product("binding", "binding", Text),
    product("publication_date", "publication_date", Text),
    product("category_root", "category_root", Text),
    product("category_sub", "category_sub", Text),
    product("image_id", "image_id", Text),
    product("package_weight_g", "package_weight_g", Integer),
    deal("condition", "condition", Text),
    deal("price_now", "price_now_cents", Cents),
    deal("list_at", "list_at_cents", Cents),
    deal("one_year_avg", "one_year_avg_cents", Cents),
    deal("percent_down", "percent_down", Real),
    computed("all_in_cost", economics::all_in, Cents),
    computed("amazon_fees", economics::amazon_fees, Cents),
    computed("profit", economics::profit, Cents),
    computed("margin", economics::margin, Percent),
    computed("roi", economics::roi, Percent),
    computed("min_listing_price", economics::min_listing_price, Cents),
    deal("fba_fee", "fba_fee_cents", Cents),
    deal("referral_fee_pct", "referral_fee_pct", Real),
    deal("shipping_included", "shipping_included", Bool),
    deal("seller_id", "seller_id", Text),
    deal("seller_name", "seller_name", Text),
    deal("seller_quality", "seller_quality", Real),
    deal("is_fba", "is_fba", Bool),
    deal("sales_rank", "sales_rank", Integer),
    deal("sales_rank_avg180", "sales_rank_avg180", Integer),
    deal("sales_rank_avg365", "sales_rank_avg365", Integer),
    deal("drops30", "drops30", Integer),
    deal("drops180", "drops180", Integer),
    deal("drops365", "drops365", Integer),
    deal("used_offers_now", "used_offers_now", Integer),
    deal("used_offers_avg30", "used_offers_avg30", Real),
    deal("used_offers_avg180", "used_offers_avg180", Real),
    deal("used_offers_avg365", "used_offers_avg365", Real),
    deal("new_offers_now", "new_offers_now", Integer),
    deal("amazon_selling", "amazon_selling", Bool),
    deal("amazon_price", "amazon_price_cents", Cents),
    deal("trend", "trend", Text),
    deal("recent_sale", "recent_sale_cents", Cents),
    deal("peak_month", "peak_month", Integer),
    deal("trough_month", "trough_month", Integer),
    deal("expected_trough", "expected_trough_cents", Cents),
    deal("seasonality", "seasonality", Text),
    deal("seasonality_source", "seasonality_source", Text),
    deal("sells_window", "sells_window", Text),
    deal("list_at_source", "list_at_source", Text),
    deal("list_at_check", "list_at_check", Text),
    deal("list_at_review", "list_at_review", Text),
    deal("deal_trust", "deal_trust", Real),
    deal("inferred_sales_count", "inferred_sales_count", Integer),
    deal("offer_drops_count", "offer_drops_count", Integer),
    deal("sales_source", "sales_source", Text),
    deal("deal_found_at", "deal_found_at", Integer),
    deal("last_price_change_at", "last_price_change_at", Integer),
    deal("last_seen_at", "last_seen_at", Integer),
    deal("analyzed_at", "analyzed_at", Integer),
    deal("keepa_last_update_km", "keepa_last_update_km", Integer),
    deal("source", "source", Text),
];

/// All fields as a SELECT list, in [`COLUMNS`] order.
pub fn select_list() -> String {
    COLUMNS.iter().map(Column::sql).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_lower_snake_case() {
        for (i, column) in COLUMNS.iter().enumerate() {
            assert!(column.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{}", column.key);
            assert!(COLUMNS[i + 1..].iter().all(|other| other.key != column.key), "duplicate {}", column.key);
        }
    }

    #[test]
    fn find_only_knows_the_table() {
        assert_eq!(Column::find("roi").unwrap().kind, Kind::Percent);
        assert!(Column::find("id; DROP TABLE deals").is_none());
    }
}
