//! Choosing the offer to buy: "Price Now", seller and condition (DOMAIN §4.2, light update §3.4).
//!
//! Stats first: the target is Keepa's lowest used price (else the lowest new price); the live
//! offer of the same class quoting exactly that item price is the one to buy. Price, seller and
//! condition all come from that one offer — the original took the condition from a different
//! offer (§8 item 26). When no live offer matches, the condition is the used sub-condition whose
//! current price equals the target, if any, rather than a fixed "Used - Good".
//!
//! `price_now` is the landed price: item + seller shipping. Unknown shipping is 0 for FBA offers
//! and the configured estimate for merchant offers or when no offer matches (§4.2 [CONFLICT]: the
//! code's behaviour, kept). That estimate is seller shipping only; the user's inbound shipping is
//! added separately in `fees` (§8 item 25).

use serde::{Deserialize, Serialize};

use crate::condition::ItemCondition;
use crate::keepa::{CsvType, Product};
use crate::money::Cents;
use crate::time::{UnixSeconds, days};

/// Offers whose latest quote is older than this are not live enough to buy from (§4.2 step 2).
const MAX_QUOTE_AGE_DAYS: u64 = 365;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuyOffer {
    /// Item price plus seller shipping.
    pub price_now: Cents,
    pub seller_shipping: SellerShipping,
    /// `None` when no live offer matched the stats price ("Unknown" seller).
    pub seller_id: Option<String>,
    pub is_fba: bool,
    pub condition: Option<ItemCondition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "cents")]
pub enum SellerShipping {
    /// Stated by the offer (or free because Amazon fulfils it).
    Quoted(Cents),
    /// Not stated; the configured estimate was added.
    Estimated(Cents),
}

impl SellerShipping {
    /// Whether the landed price holds no guessed shipping (`deals.shipping_included`).
    pub fn is_known(self) -> bool {
        matches!(self, SellerShipping::Quoted(_))
    }

    fn cents(self) -> Cents {
        match self {
            SellerShipping::Quoted(cents) | SellerShipping::Estimated(cents) => cents,
        }
    }
}

/// §4.2; `None` when Keepa has neither a used nor a new price (the deal is dropped).
pub fn choose_buy_offer(product: &Product, now: UnixSeconds, estimated_seller_shipping: Cents) -> Option<BuyOffer> {
    let current = &product.stats.as_ref()?.current;
    let (target, wants_used) = match (current.price(CsvType::Used), current.price(CsvType::New)) {
        (Some(used), _) => (Cents(used), true),
        (None, Some(new)) => (Cents(new), false),
        (None, None) => return None,
    };
    let oldest_live_quote = now - days(MAX_QUOTE_AGE_DAYS);

    let matching_offer = product.offers.iter().find_map(|offer| {
        let condition = offer.condition?;
        let quote = offer.latest?;
        let same_class = if wants_used { condition.is_used() } else { condition == ItemCondition::New };
        (same_class && quote.at >= oldest_live_quote && quote.item_price == target).then_some((offer, condition, quote))
    });
    if let Some((offer, condition, quote)) = matching_offer {
        let seller_shipping = match quote.shipping {
            Some(shipping) => SellerShipping::Quoted(shipping),
            None if offer.is_fba => SellerShipping::Quoted(Cents::ZERO),
            None => SellerShipping::Estimated(estimated_seller_shipping),
        };
        return Some(BuyOffer {
            price_now: quote.item_price + seller_shipping.cents(),
            seller_shipping,
            seller_id: offer.seller_id.clone(),
            is_fba: offer.is_fba,
            condition: Some(condition),
        });
    }

    let condition = if wants_used {
        CsvType::USED_CONDITIONS.into_iter().zip([
            ItemCondition::UsedLikeNew,
            ItemCondition::UsedVeryGood,
            ItemCondition::UsedGood,
            ItemCondition::UsedAcceptable,
        ])
        .find(|(series, _)| current.price(*series) == Some(target.0))
        .map(|(_, condition)| condition)
    } else {
        Some(ItemCondition::New)
    };
    Some(BuyOffer {
        price_now: target + estimated_seller_shipping,
        seller_shipping: SellerShipping::Estimated(estimated_seller_shipping),
        seller_id: None,
        is_fba: false,
        condition,
    })
}

/// Seller name after a light update (§3.4): kept while the seller id is unchanged, else the
/// new id stands in until the seller is looked up.
pub fn refreshed_seller_name(stored_id: Option<&str>, stored_name: Option<&str>, new_id: Option<&str>) -> Option<String> {
    if stored_id == new_id { stored_name.or(new_id).map(str::to_owned) } else { new_id.map(str::to_owned) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{DAY, NOW, ProductBuilder, at, offer, stat_vector};

    const SHIPPING: Cents = Cents(399);

    fn product(current: &[(CsvType, i64)], offers: Vec<crate::keepa::Offer>) -> Product {
        offers
            .into_iter()
            .fold(ProductBuilder::new("0000000001"), ProductBuilder::offer)
            .stats(|stats| stats.current = stat_vector(current))
            .build()
    }

    #[test]
    fn stats_used_price_matched_to_an_fba_offer() {
        let p = product(
            &[(CsvType::Used, 2500)],
            vec![
                offer("NEWSELLER", ItemCondition::New, true, at(-DAY), 2500, 0),
                offer("A1FBA", ItemCondition::UsedVeryGood, true, at(-DAY), 2500, -1),
            ],
        );
        let chosen = choose_buy_offer(&p, NOW, SHIPPING).unwrap();
        assert_eq!(chosen.price_now, Cents(2500));
        assert_eq!(chosen.seller_id.as_deref(), Some("A1FBA"));
        assert!(chosen.is_fba);
        assert_eq!(chosen.condition, Some(ItemCondition::UsedVeryGood));
        assert!(chosen.seller_shipping.is_known());
    }

    #[test]
    fn merchant_offer_adds_its_shipping_or_the_estimate() {
        let quoted = product(&[(CsvType::Used, 2500)], vec![offer("M", ItemCondition::UsedGood, false, at(-DAY), 2500, 350)]);
        assert_eq!(choose_buy_offer(&quoted, NOW, SHIPPING).unwrap().price_now, Cents(2850));
        let unknown = product(&[(CsvType::Used, 2500)], vec![offer("M", ItemCondition::UsedGood, false, at(-DAY), 2500, -1)]);
        let chosen = choose_buy_offer(&unknown, NOW, SHIPPING).unwrap();
        assert_eq!((chosen.price_now, chosen.seller_shipping), (Cents(2899), SellerShipping::Estimated(SHIPPING)));
    }

    #[test]
    fn no_matching_offer_gives_price_plus_shipping_and_an_unknown_seller() {
        let p = product(
            &[(CsvType::Used, 2500), (CsvType::UsedAcceptable, 2500)],
            vec![
                offer("OTHERPRICE", ItemCondition::UsedGood, true, at(-DAY), 2600, 0),
                offer("STALE", ItemCondition::UsedGood, true, at(-400 * DAY), 2500, 0),
            ],
        );
        let chosen = choose_buy_offer(&p, NOW, SHIPPING).unwrap();
        assert_eq!(chosen.price_now, Cents(2899));
        assert_eq!(chosen.seller_id, None);
        assert_eq!(chosen.condition, Some(ItemCondition::UsedAcceptable));
    }

    #[test]
    fn no_stats_price_means_no_offer() {
        assert_eq!(choose_buy_offer(&product(&[], vec![]), NOW, SHIPPING), None);
        assert_eq!(choose_buy_offer(&ProductBuilder::new("0000000001").build(), NOW, SHIPPING), None);
    }

    #[test]
    fn only_a_new_price_buys_new() {
        let chosen = choose_buy_offer(&product(&[(CsvType::New, 4000)], vec![]), NOW, SHIPPING).unwrap();
        assert_eq!(chosen.price_now, Cents(4399));
        assert_eq!(chosen.condition, Some(ItemCondition::New));
    }

    #[test]
    fn light_update_keeps_the_seller_name_only_for_the_same_seller() {
        assert_eq!(refreshed_seller_name(Some("A1"), Some("Books4U"), Some("A1")).as_deref(), Some("Books4U"));
        assert_eq!(refreshed_seller_name(Some("A1"), Some("Books4U"), Some("B2")).as_deref(), Some("B2"));
        assert_eq!(refreshed_seller_name(Some("A1"), Some("Books4U"), None), None);
    }
}
