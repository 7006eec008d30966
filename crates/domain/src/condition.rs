//! Item condition of an offer or a deal (DOMAIN §3.2 offer codes, §2.6 `condition` CHECK values).
//!
//! One enum instead of the original's four spellings (digit codes, "Used - Good", "very good",
//! "C-like new"), which made the condition filter match every variant by hand (§5.1).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCondition {
    New,
    UsedLikeNew,
    UsedVeryGood,
    UsedGood,
    UsedAcceptable,
    Refurbished,
    CollectibleLikeNew,
    CollectibleVeryGood,
    CollectibleGood,
    CollectibleAcceptable,
}

impl ItemCondition {
    /// Keepa's offer `condition` code (1 New, 2–5 Used, 6 Refurbished, 7–10 Collectible);
    /// `None` for codes Keepa documents as unknown.
    pub fn from_keepa_code(code: i64) -> Option<ItemCondition> {
        use ItemCondition::*;
        Some(match code {
            1 => New,
            2 => UsedLikeNew,
            3 => UsedVeryGood,
            4 => UsedGood,
            5 => UsedAcceptable,
            6 => Refurbished,
            7 => CollectibleLikeNew,
            8 => CollectibleVeryGood,
            9 => CollectibleGood,
            10 => CollectibleAcceptable,
            _ => return None,
        })
    }

    pub fn is_used(self) -> bool {
        use ItemCondition::*;
        matches!(self, UsedLikeNew | UsedVeryGood | UsedGood | UsedAcceptable)
    }

    /// The value stored in `deals.condition` (§2.6).
    pub fn as_str(self) -> &'static str {
        use ItemCondition::*;
        match self {
            New => "new",
            UsedLikeNew => "used_like_new",
            UsedVeryGood => "used_very_good",
            UsedGood => "used_good",
            UsedAcceptable => "used_acceptable",
            Refurbished => "refurbished",
            CollectibleLikeNew => "collectible_like_new",
            CollectibleVeryGood => "collectible_very_good",
            CollectibleGood => "collectible_good",
            CollectibleAcceptable => "collectible_acceptable",
        }
    }
}
