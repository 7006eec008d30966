//! `domain::fees::economics` as SQLite expressions over a deal row `d` and the requesting user's
//! settings, bound as the first four parameters (`?1`…`?4`, see [`settings_params`]). The
//! formula and its rounding are the domain crate's module doc, term by term; the user-independent
//! part of the profit is the indexed column `d.profit_base_cents` (migration 0003).

use domain::fees::BusinessSettings;

use crate::sql::Param;

/// Markup at or above 100 % makes the floor infinite; capped as in `domain::fees`.
const MAX_MARKUP_PCT: f64 = 99.0;

/// The settings as the parameters `?1` prep fee (cents), `?2` inbound shipping (cents), `?3` the
/// effective sales tax percent (0 when tax-exempt), `?4` the capped markup percent.
pub fn settings_params(settings: &BusinessSettings) -> [Param; 4] {
    let tax_pct = if settings.tax_exempt { 0.0 } else { settings.sales_tax_pct };
    [
        Param::Integer(settings.prep_fee.0),
        Param::Integer(settings.inbound_shipping.0),
        Param::Real(tax_pct),
        Param::Real(settings.markup_pct.min(MAX_MARKUP_PCT)),
    ]
}

/// Resolved pick & pack fee (cents): Keepa's, else $5.50.
pub const FBA_FEE: &str = "(CASE WHEN d.fba_fee_cents >= 0 THEN d.fba_fee_cents ELSE 550 END)";
/// Resolved referral percent: Keepa's, else 15.
pub const REFERRAL_PCT: &str = "(CASE WHEN d.referral_fee_pct >= 0 THEN d.referral_fee_pct ELSE 15.0 END)";
/// Sales tax on the buy price, whole cents. `CAST(x + 0.5 AS INTEGER)` is SQLite's `round(x)`
/// for the non-negative `x` a price gives, without a function call per row.
pub const TAX: &str = "CAST(d.price_now_cents * ?3 / 100.0 + 0.5 AS INTEGER)";

/// All-in cost: price + tax + prep + inbound shipping (cents).
pub fn all_in() -> String {
    format!("(d.price_now_cents + {TAX} + ?1 + ?2)")
}

/// Pick & pack plus the referral fee on List at (cents).
pub fn amazon_fees() -> String {
    format!(
        "({FBA_FEE} + CASE WHEN d.list_at_cents > 0 \
         THEN CAST(round(d.list_at_cents * {REFERRAL_PCT} / 100.0) AS INTEGER) ELSE 0 END)"
    )
}

/// Profit in cents; without a List at, the loss of all-in plus pick & pack.
pub fn profit() -> String {
    format!("(d.profit_base_cents - {TAX} - ?1 - ?2)")
}

/// Margin percent of List at (NULL without a List at).
pub fn margin() -> String {
    format!("(CASE WHEN d.list_at_cents > 0 THEN 100.0 * {} / d.list_at_cents END)", profit())
}

/// Return on the all-in cost, percent (NULL when the cost is not positive).
pub fn roi() -> String {
    let all_in = all_in();
    format!("(CASE WHEN {all_in} > 0 THEN 100.0 * {} / {all_in} END)", profit())
}

/// The repricer floor in cents (NULL when markup + referral reach 100 %).
pub fn min_listing_price() -> String {
    let denominator = format!("(100.0 - ?4 - {REFERRAL_PCT})");
    format!(
        "(CASE WHEN {denominator} > 0 THEN CAST(round(({} + {FBA_FEE}) * 100.0 / {denominator}) AS INTEGER) END)",
        all_in()
    )
}
