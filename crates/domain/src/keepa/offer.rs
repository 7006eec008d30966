//! Live offers of a product (`offers=20`, DOMAIN §3.2): who sells, in which condition, at what
//! item price and shipping now (the last `offerCSV` triplet).

use crate::condition::ItemCondition;
use crate::money::Cents;
use crate::time::UnixSeconds;

use super::KeepaError;
use super::series::known;
use super::wire;

#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub seller_id: Option<String>,
    /// `None` for condition codes Keepa leaves undefined.
    pub condition: Option<ItemCondition>,
    pub is_fba: bool,
    /// The latest price point; `None` when the offer has no priced triplet.
    pub latest: Option<OfferQuote>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferQuote {
    pub at: UnixSeconds,
    pub item_price: Cents,
    /// `None` when Keepa does not know the shipping (-1).
    pub shipping: Option<Cents>,
}

impl Offer {
    pub(super) fn from_wire(raw: wire::Offer, field: &str) -> Result<Offer, KeepaError> {
        let offer_csv = raw.offer_csv.unwrap_or_default();
        if !offer_csv.len().is_multiple_of(3) {
            return Err(KeepaError::invalid(
                format!("{field}.offerCSV"),
                format!("length {} is not a multiple of 3 (time, price, shipping)", offer_csv.len()),
            ));
        }
        let latest = match offer_csv.rchunks_exact(3).next() {
            Some(&[minutes, price, shipping]) => {
                let at = UnixSeconds::from_keepa_minutes(minutes).ok_or_else(|| {
                    KeepaError::invalid(format!("{field}.offerCSV[{}]", offer_csv.len() - 3), format!("{minutes} is not a Keepa minute"))
                })?;
                known(price).map(|price| OfferQuote { at, item_price: Cents(price), shipping: known(shipping).map(Cents) })
            }
            _ => None,
        };
        Ok(Offer {
            seller_id: raw.seller_id,
            condition: raw.condition.and_then(ItemCondition::from_keepa_code),
            is_fba: raw.is_fba.unwrap_or(false),
            latest,
        })
    }
}
