//! The deal-discovery cursor (DOMAIN §3.3 steps 4–7, §8 items 18–19).
//!
//! The watermark is the `lastUpdate` of the newest deal fully processed. Keepa's `/deal` pages
//! are *not* sorted by `lastUpdate` (`sortType 4` is the percentage delta), so pages are filtered
//! deal by deal instead of stopping at the first old one (§3.1 [REWRITE], §8 item 19). A
//! watermark in the future froze ingestion once (§8 item 18): loads and saves are clamped.

use std::time::Duration;

use crate::keepa::Deal;
use crate::time::{UnixSeconds, hours};

/// How far back a missing or implausible watermark starts: 24 h.
const INITIAL_LOOKBACK: Duration = hours(24);
/// Clock skew tolerated before a watermark counts as "in the future": 24 h.
const MAX_FUTURE_SKEW: Duration = hours(24);

/// The cursor to scan from: the stored one, or now − 24 h when missing or > 24 h ahead.
pub fn watermark_to_scan_from(stored: Option<UnixSeconds>, now: UnixSeconds) -> UnixSeconds {
    match stored {
        Some(watermark) if watermark <= now + MAX_FUTURE_SKEW => watermark,
        _ => now - INITIAL_LOOKBACK,
    }
}

/// The value to store: as given, or `now` when it is more than 24 h ahead.
pub fn watermark_to_save(candidate: UnixSeconds, now: UnixSeconds) -> UnixSeconds {
    if candidate > now + MAX_FUTURE_SKEW { now } else { candidate }
}

/// Deals updated after the watermark, oldest first (so the watermark can ratchet chunk by
/// chunk), one per ASIN (the latest).
pub fn deals_after<'a>(pages: impl IntoIterator<Item = &'a Deal>, watermark: UnixSeconds) -> Vec<&'a Deal> {
    let mut fresh: Vec<&Deal> = pages.into_iter().filter(|deal| deal.last_update.is_some_and(|at| at > watermark)).collect();
    fresh.sort_by(|a, b| a.asin.cmp(&b.asin).then(b.last_update.cmp(&a.last_update)));
    fresh.dedup_by(|later, kept| later.asin == kept.asin);
    fresh.sort_by_key(|deal| deal.last_update);
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{HOUR, MINUTE, NOW, at};

    fn deal(asin: &str, updated: i64) -> Deal {
        Deal { asin: asin.to_owned(), last_update: Some(at(updated)), ..Deal::default() }
    }

    #[test]
    fn watermarks_in_the_past_or_slightly_ahead_are_kept_far_future_is_clamped() {
        assert_eq!(watermark_to_save(at(-HOUR), NOW), at(-HOUR));
        assert_eq!(watermark_to_save(at(5 * MINUTE), NOW), at(5 * MINUTE));
        assert_eq!(watermark_to_save(at(25 * HOUR), NOW), NOW);
        assert_eq!(watermark_to_scan_from(Some(at(25 * HOUR)), NOW), at(-24 * HOUR));
        assert_eq!(watermark_to_scan_from(None, NOW), at(-24 * HOUR));
        assert_eq!(watermark_to_scan_from(Some(at(-3 * HOUR)), NOW), at(-3 * HOUR));
    }

    #[test]
    fn unsorted_page_yields_every_newer_deal_oldest_first() {
        // Keepa's order is not by lastUpdate: an old deal sits between two new ones.
        let page = [deal("000000000A", -5 * HOUR), deal("000000000B", -HOUR), deal("000000000C", -10 * HOUR), deal("000000000D", -2 * HOUR)];
        let fresh: Vec<&str> = deals_after(&page, at(-3 * HOUR)).iter().map(|d| d.asin.as_str()).collect();
        assert_eq!(fresh, ["000000000D", "000000000B"]);
    }

    #[test]
    fn a_deal_seen_twice_is_processed_once_with_its_latest_update() {
        let pages = [deal("000000000A", -2 * HOUR), deal("000000000A", -HOUR)];
        let fresh = deals_after(&pages, at(-3 * HOUR));
        assert_eq!(fresh.len(), 1);
        assert_eq!(fresh[0].last_update, Some(at(-HOUR)));
    }
}
