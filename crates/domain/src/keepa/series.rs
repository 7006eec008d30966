//! Keepa `csv` history arrays (DOMAIN §3.2).
//!
//! Each `product.csv[i]` is a flat array: pairs `[keepa_minute, value, …]` for most types and
//! triplets `[keepa_minute, price, shipping, …]` for the `_SHIPPING` types. `-1` means "no offer /
//! no data" and is kept as `None`, never as a value (§3.2: "Never treat -1 as a value").

use crate::time::UnixSeconds;

use super::KeepaError;

/// The index of a series in `product.csv` and in the `stats` vectors (§3.2). Only the indices the
/// domain reads are named; the others are parsed (so malformed data is still reported) but unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CsvType {
    Amazon = 0,
    New = 1,
    Used = 2,
    SalesRank = 3,
    CountNew = 11,
    CountUsed = 12,
    UsedLikeNew = 19,
    UsedVeryGood = 20,
    UsedGood = 21,
    UsedAcceptable = 22,
}

impl CsvType {
    /// The used sub-condition price series, best condition first (§3.3 peek, §4.2).
    pub const USED_CONDITIONS: [CsvType; 4] =
        [CsvType::UsedLikeNew, CsvType::UsedVeryGood, CsvType::UsedGood, CsvType::UsedAcceptable];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Whether `csv[index]` holds triplets: NEW_FBM_SHIPPING (7), BUY_BOX_SHIPPING and the used and
/// collectible sub-conditions (18–26), REFURBISHED_SHIPPING (27), BUY_BOX_USED_SHIPPING (32).
fn has_shipping(index: usize) -> bool {
    matches!(index, 7 | 18..=27 | 32)
}

/// One point of a history series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryPoint {
    pub at: UnixSeconds,
    /// Price in cents, rank or count; `None` where Keepa wrote -1 (no offer / no data).
    pub value: Option<i64>,
    /// Shipping in cents for triplet series; `None` for pair series and unknown shipping.
    pub shipping: Option<i64>,
}

/// Decodes `csv[index]`, checking the stride, the timestamps and their order. `field` names the
/// array in errors (e.g. `products[0].csv[3]`).
pub(super) fn decode_series(index: usize, raw: &[i64], field: &str) -> Result<Vec<HistoryPoint>, KeepaError> {
    let stride = if has_shipping(index) { 3 } else { 2 };
    if !raw.len().is_multiple_of(stride) {
        return Err(KeepaError::invalid(
            field,
            format!("length {} is not a multiple of {stride} (time, value{})", raw.len(), if stride == 3 { ", shipping" } else { "" }),
        ));
    }
    let mut points = Vec::with_capacity(raw.len() / stride);
    for (n, chunk) in raw.chunks_exact(stride).enumerate() {
        let at = UnixSeconds::from_keepa_minutes(chunk[0]).ok_or_else(|| {
            KeepaError::invalid(format!("{field}[{}]", n * stride), format!("{} is not a Keepa minute", chunk[0]))
        })?;
        if points.last().is_some_and(|previous: &HistoryPoint| previous.at > at) {
            return Err(KeepaError::invalid(format!("{field}[{}]", n * stride), "time goes backwards"));
        }
        points.push(HistoryPoint {
            at,
            value: known(chunk[1]),
            shipping: if stride == 3 { known(chunk[2]) } else { None },
        });
    }
    Ok(points)
}

/// Keepa's negative sentinels (-1 no data, -2 not yet computed) become `None`.
pub(super) fn known(raw: i64) -> Option<i64> {
    (raw >= 0).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_triplets_decode_with_minus_one_as_none() {
        let pairs = decode_series(2, &[7_000_000, 1999, 7_000_060, -1], "csv[2]").unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].value, Some(1999));
        assert_eq!(pairs[1].value, None);
        assert_eq!(pairs[1].at, UnixSeconds::from_keepa_minutes(7_000_060).unwrap());

        let triplets = decode_series(21, &[7_000_000, 1500, 399, 7_000_010, 1400, -1], "csv[21]").unwrap();
        assert_eq!(triplets[0].shipping, Some(399));
        assert_eq!(triplets[1].shipping, None);
    }

    #[test]
    fn wrong_stride_names_the_series() {
        let err = decode_series(21, &[7_000_000, 1500, 399, 7_000_010], "products[0].csv[21]").unwrap_err();
        assert_eq!(err.field(), Some("products[0].csv[21]"));
    }

    #[test]
    fn backwards_time_names_the_element() {
        let err = decode_series(3, &[7_000_100, 5, 7_000_000, 6], "products[1].csv[3]").unwrap_err();
        assert_eq!(err.field(), Some("products[1].csv[3][2]"));
    }
}
