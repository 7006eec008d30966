//! All-in cost, Amazon fees, profit, margin, ROI and the minimum listing price
//! (DOMAIN §4.1, worked examples §4.11, settings §2.4).
//!
//! These figures depend on the user's [`BusinessSettings`], so the deals API recomputes them per
//! user at query time in SQL from a few stored per-deal inputs ([`DealEconomicsInputs`]). The
//! formula is therefore kept to SQLite arithmetic and is the contract between this crate and SQL:
//!
//! ```text
//! inputs:   P = price_now_cents            landed buy price (item + seller shipping), > 0
//!           L = list_at_cents              NULL when there is no List at
//!           F = fba_fee_cents              pick & pack fee, $5.50 when Keepa has none
//!           R = referral_fee_pct           percent, 15.0 when Keepa has none
//! settings: prep_fee_cents, inbound_shipping_cents, sales_tax_pct, tax_exempt, markup_pct
//!
//! tax        = tax_exempt ? 0 : round(P * sales_tax_pct / 100.0)
//! all_in     = P + tax + prep_fee_cents + inbound_shipping_cents
//! referral   = L > 0 ? round(L * R / 100.0) : 0
//! amz_fees   = F + referral
//! profit     = coalesce(L, 0) - all_in - amz_fees
//! margin_pct = L > 0 ? 100.0 * profit / L : NULL          (not rounded)
//! roi_pct    = all_in > 0 ? 100.0 * profit / all_in : NULL (not rounded)
//! min_list   = 100 - min(markup_pct, 99) - R > 0
//!              ? round((all_in + F) * 100.0 / (100 - min(markup_pct, 99) - R)) : NULL
//! ```
//!
//! `round` is SQLite's `round(x)` (halves away from zero), cast to INTEGER; every money figure
//! is whole cents and only `tax`, `referral` and `min_list` are rounded, each once. Multiplying
//! before dividing keeps half cents exact (18050 × 15 / 100 = 2707.5 → 2708).
//!
//! Differences from the original, on purpose: the original added the shipping estimate only
//! when a `shipping_included` flag was false, but that flag was never true (§4.1 [BUG]) and the
//! same setting was also added to the price of unknown sellers (§8 item 25). Here seller shipping
//! is part of `P` (see `buy_offer`) and the user's shipping setting is the inbound leg to the
//! prep centre / Amazon, always one charge per book (§4.1 [REWRITE]). The fee defaults are
//! applied once, when the inputs are built, so SQL needs no `COALESCE` on them (§8 item 15).

use serde::{Deserialize, Serialize};

use crate::money::{Cents, round_half_away_from_zero};

/// Pick & pack fee assumed when Keepa has none (§4.1).
pub const DEFAULT_FBA_FEE: Cents = Cents(550);
/// Referral fee percent assumed when Keepa has none (§4.1).
pub const DEFAULT_REFERRAL_FEE_PCT: f64 = 15.0;
/// A markup of 100 % or more would make the repricer floor infinite; it is capped (§4.1 item 6).
const MAX_MARKUP_PCT: f64 = 99.0;

/// The user's cost settings (§2.4); percentages are plain percents (5.0 = 5 %).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BusinessSettings {
    pub prep_fee: Cents,
    /// Shipping one book to the prep centre / Amazon (settings `estimated_shipping_per_book`).
    pub inbound_shipping: Cents,
    /// Sales tax paid on the buy price, in percent; a decimal rate is kept (§8 item 36).
    pub sales_tax_pct: f64,
    pub tax_exempt: bool,
    /// Markup over cost for the repricer floor, in percent.
    pub markup_pct: f64,
}

impl Default for BusinessSettings {
    /// The production values of §4.11: prep $2.75, shipping $3.99, tax 5 %, markup 10 %.
    fn default() -> Self {
        BusinessSettings {
            prep_fee: Cents(275),
            inbound_shipping: Cents(399),
            sales_tax_pct: 5.0,
            tax_exempt: false,
            markup_pct: 10.0,
        }
    }
}

/// The stored per-deal inputs of the economics (`deals.price_now_cents`, `list_at_cents`,
/// `products.fba_pick_pack_fee_cents`, `products.referral_fee_pct`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealEconomicsInputs {
    pub price_now: Cents,
    pub list_at: Option<Cents>,
    /// Resolved pick & pack fee (Keepa's, else [`DEFAULT_FBA_FEE`]).
    pub fba_fee: Cents,
    /// Resolved referral percent (Keepa's, else [`DEFAULT_REFERRAL_FEE_PCT`]).
    pub referral_fee_pct: f64,
}

impl DealEconomicsInputs {
    /// Applies the fee defaults of §4.1 to Keepa's possibly missing fee fields.
    pub fn new(price_now: Cents, list_at: Option<Cents>, fba_fee: Option<Cents>, referral_fee_pct: Option<f64>) -> Self {
        DealEconomicsInputs {
            price_now,
            list_at,
            fba_fee: fba_fee.filter(|fee| fee.0 >= 0).unwrap_or(DEFAULT_FBA_FEE),
            referral_fee_pct: referral_fee_pct.filter(|pct| *pct >= 0.0).unwrap_or(DEFAULT_REFERRAL_FEE_PCT),
        }
    }
}

/// The settings-dependent figures of one deal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    /// Cash to acquire and ship in one book; excludes Amazon fees.
    pub all_in_cost: Cents,
    /// Pick & pack plus the referral fee on the List at price.
    pub amazon_fees: Cents,
    /// Negative `all_in + fees` when there is no List at (the row is then hidden, §4.1 item 7).
    pub profit: Cents,
    pub margin_pct: Option<f64>,
    pub roi_pct: Option<f64>,
    /// The repricer floor; `None` when markup + referral reach 100 %.
    pub min_listing_price: Option<Cents>,
}

/// The formula of the module doc.
pub fn economics(inputs: &DealEconomicsInputs, settings: &BusinessSettings) -> Economics {
    let tax = if settings.tax_exempt { Cents::ZERO } else { inputs.price_now.percent(settings.sales_tax_pct) };
    let all_in_cost = inputs.price_now + tax + settings.prep_fee + settings.inbound_shipping;
    let list_at = inputs.list_at.filter(|list_at| list_at.is_positive());
    let referral = list_at.map_or(Cents::ZERO, |list_at| list_at.percent(inputs.referral_fee_pct));
    let amazon_fees = inputs.fba_fee + referral;
    let profit = list_at.unwrap_or(Cents::ZERO) - all_in_cost - amazon_fees;
    let markup_pct = settings.markup_pct.min(MAX_MARKUP_PCT);
    let floor_denominator = 100.0 - markup_pct - inputs.referral_fee_pct;
    Economics {
        all_in_cost,
        amazon_fees,
        profit,
        margin_pct: list_at.map(|list_at| 100.0 * profit.0 as f64 / list_at.0 as f64),
        roi_pct: all_in_cost.is_positive().then(|| 100.0 * profit.0 as f64 / all_in_cost.0 as f64),
        min_listing_price: (floor_denominator > 0.0).then(|| {
            Cents(round_half_away_from_zero((all_in_cost + inputs.fba_fee).0 as f64 * 100.0 / floor_denominator))
        }),
    }
}

/// Repricer floor of a confirmed purchase: `(buy_cost + prep_fee) × (1 + markup/100)`
/// (§4.1 item 8; a different rule from the deal floor, kept as the original has it).
pub fn confirmed_buy_min_list_price(buy_cost: Cents, prep_fee_at_purchase: Cents, markup_pct: f64) -> Cents {
    (buy_cost + prep_fee_at_purchase).scale(1.0 + markup_pct / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(price_now: i64, list_at: i64, fba_fee: i64) -> DealEconomicsInputs {
        DealEconomicsInputs::new(Cents(price_now), Some(Cents(list_at)), Some(Cents(fba_fee)), Some(15.0))
    }

    fn assert_pct(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a percentage");
        assert!((actual - expected).abs() < 0.01, "{actual} != {expected}");
    }

    #[test]
    fn worked_example_0856485837() {
        let e = economics(&deal(3500, 24626, 625), &BusinessSettings::default());
        assert_eq!(e.all_in_cost, Cents(4349));
        assert_eq!(e.amazon_fees, Cents(4319));
        assert_eq!(e.profit, Cents(15958));
        assert_pct(e.margin_pct, 64.80);
        assert_pct(e.roi_pct, 366.93);
        assert_eq!(e.min_listing_price, Some(Cents(6632)));
    }

    #[test]
    fn worked_example_0134093410_rounds_the_half_cent_fee_up() {
        let e = economics(&deal(2500, 18050, 480), &BusinessSettings::default());
        assert_eq!(e.all_in_cost, Cents(3299));
        assert_eq!(e.amazon_fees, Cents(3188));
        assert_eq!(e.profit, Cents(11563));
        assert_pct(e.margin_pct, 64.06);
        assert_pct(e.roi_pct, 350.50);
        assert_eq!(e.min_listing_price, Some(Cents(5039)));
    }

    #[test]
    fn worked_example_0321743261() {
        let e = economics(&deal(1800, 12500, 710), &BusinessSettings::default());
        assert_eq!(e.all_in_cost, Cents(2564));
        assert_eq!(e.amazon_fees, Cents(2585));
        assert_eq!(e.profit, Cents(7351));
        assert_pct(e.margin_pct, 58.81);
        assert_pct(e.roi_pct, 286.70);
        assert_eq!(e.min_listing_price, Some(Cents(4365)));
    }

    #[test]
    fn tax_exempt_drops_the_tax() {
        let settings = BusinessSettings { tax_exempt: true, ..BusinessSettings::default() };
        assert_eq!(economics(&deal(3500, 24626, 625), &settings).all_in_cost, Cents(4174));
    }

    #[test]
    fn no_inbound_shipping_drops_the_shipping() {
        // §4.11 "shipping included → no +3.99".
        let settings = BusinessSettings { inbound_shipping: Cents::ZERO, ..BusinessSettings::default() };
        assert_eq!(economics(&deal(3500, 24626, 625), &settings).all_in_cost, Cents(3950));
    }

    #[test]
    fn missing_fees_fall_back_to_the_defaults() {
        let inputs = DealEconomicsInputs::new(Cents(3500), Some(Cents(24626)), None, None);
        assert_eq!((inputs.fba_fee, inputs.referral_fee_pct), (Cents(550), 15.0));
        let negative = DealEconomicsInputs::new(Cents(3500), None, Some(Cents(-1)), Some(-1.0));
        assert_eq!((negative.fba_fee, negative.referral_fee_pct), (Cents(550), 15.0));
    }

    #[test]
    fn missing_list_at_leaves_a_loss_of_all_in_plus_fba() {
        let inputs = DealEconomicsInputs::new(Cents(3500), None, Some(Cents(625)), Some(15.0));
        let e = economics(&inputs, &BusinessSettings::default());
        assert_eq!(e.amazon_fees, Cents(625));
        assert_eq!(e.profit, -(Cents(4349) + Cents(625)));
        assert_eq!(e.margin_pct, None);
        assert!(e.roi_pct.unwrap() < 0.0);
    }

    #[test]
    fn markup_is_capped_and_an_impossible_floor_is_none() {
        let huge_markup = BusinessSettings { markup_pct: 150.0, ..BusinessSettings::default() };
        assert_eq!(economics(&deal(3500, 24626, 625), &huge_markup).min_listing_price, None);
        let inputs = DealEconomicsInputs::new(Cents(1000), Some(Cents(2000)), Some(Cents(0)), Some(0.5));
        let floor = economics(&inputs, &huge_markup).min_listing_price.unwrap();
        // (1000 + 50 + 275 + 399) × 100 / (100 − 99 − 0.5)
        assert_eq!(floor, Cents(344_800));
    }

    #[test]
    fn confirmed_buy_floor() {
        assert_eq!(confirmed_buy_min_list_price(Cents(1000), Cents(275), 10.0), Cents(1403));
    }
}
