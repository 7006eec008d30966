//! A Keepa seller (`/seller`, DOMAIN §3.1): name and feedback, the inputs of seller trust (§4.8).

use super::series::{decode_series, known};
use super::{KeepaError, wire};

#[derive(Clone, Debug, PartialEq)]
pub struct Seller {
    pub id: String,
    pub name: Option<String>,
    /// Positive feedback percent, 0–100.
    pub rating_pct: Option<i64>,
    /// Number of ratings.
    pub rating_count: Option<i64>,
}

/// Seller `csv` indices: 0 = rating history, 1 = rating-count history (pairs).
const RATING_HISTORY: usize = 0;
const RATING_COUNT_HISTORY: usize = 1;

impl Seller {
    /// `currentRating`/`currentRatingCount`, else the last value of the rating histories (§4.8).
    pub(super) fn from_wire(id: String, raw: wire::Seller, field: &str) -> Result<Seller, KeepaError> {
        let histories = raw.csv.unwrap_or_default();
        let latest = |index: usize| -> Result<Option<i64>, KeepaError> {
            match histories.get(index) {
                Some(Some(values)) => {
                    // Decoded as a pair series; seller histories never carry shipping.
                    let points = decode_series(RATING_HISTORY, values, &format!("{field}.csv[{index}]"))?;
                    Ok(points.last().and_then(|point| point.value))
                }
                _ => Ok(None),
            }
        };
        Ok(Seller {
            rating_pct: match raw.current_rating.and_then(known) {
                Some(rating) => Some(rating),
                None => latest(RATING_HISTORY)?,
            },
            rating_count: match raw.current_rating_count.and_then(known) {
                Some(count) => Some(count),
                None => latest(RATING_COUNT_HISTORY)?,
            },
            name: raw.seller_name,
            id,
        })
    }
}
