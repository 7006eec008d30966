//! Deal trust and seller trust (DOMAIN §4.8).
//!
//! Deal trust says how many of the offer drops turned out to be sales: a product whose offers
//! vanish without rank movement (delistings) is less trustworthy. Seller trust is the Wilson
//! lower bound of the seller's positive-feedback share, which ranks 95 % of 100 ratings above
//! 100 % of 1 rating.

/// `sane sales / offer drops × 100`; `None` without drops (e.g. AI-rescued products).
pub fn deal_trust(sane_sales: usize, offer_drops: usize) -> Option<f64> {
    (offer_drops > 0).then(|| sane_sales as f64 / offer_drops as f64 * 100.0)
}

/// z for a 95 % confidence interval.
const WILSON_Z: f64 = 1.96;

/// Wilson score lower bound (0–1) for `rating_pct` positive feedback out of `rating_count`
/// ratings; positives = ⌊rating% × n / 100⌋. 0 when the seller or its ratings are unknown.
pub fn seller_quality(rating_pct: Option<i64>, rating_count: Option<i64>) -> f64 {
    let (Some(rating_pct), Some(count)) = (rating_pct, rating_count.filter(|&n| n > 0)) else {
        return 0.0;
    };
    let n = count as f64;
    let positives = (rating_pct.clamp(0, 100) * count / 100) as f64;
    let share = positives / n;
    let z2 = WILSON_Z * WILSON_Z;
    (share + z2 / (2.0 * n) - WILSON_Z * (share * (1.0 - share) / n + z2 / (4.0 * n * n)).sqrt()) / (1.0 + z2 / n)
}

/// The "x / 10" the dashboard shows for a seller quality score.
pub fn seller_trust_out_of_ten(quality: f64) -> u8 {
    (quality * 10.0).round().clamp(0.0, 10.0) as u8
}

/// The minimum quality matched by the filter `seller_trust_gte = k` (§5.1): `(k − 0.5) / 10`,
/// so the filter agrees with the rounded display.
pub fn seller_trust_filter_threshold(k: u8) -> f64 {
    (f64::from(k) - 0.5) / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_quality(rating_pct: i64, count: i64, expected: f64, out_of_ten: u8) {
        let quality = seller_quality(Some(rating_pct), Some(count));
        assert!((quality - expected).abs() < 0.0001, "{rating_pct}% of {count}: {quality}");
        assert_eq!(seller_trust_out_of_ten(quality), out_of_ten);
    }

    #[test]
    fn wilson_examples_of_the_spec() {
        assert_quality(95, 100, 0.8882, 9);
        assert_quality(99, 1000, 0.9817, 10);
        assert_quality(100, 10, 0.7225, 7);
        assert_quality(90, 50, 0.7864, 8);
        assert_quality(100, 1, 0.2065, 2);
    }

    #[test]
    fn unknown_sellers_score_zero() {
        assert_eq!(seller_quality(None, Some(100)), 0.0);
        assert_eq!(seller_quality(Some(95), Some(0)), 0.0);
        assert_eq!(seller_quality(Some(95), None), 0.0);
    }

    #[test]
    fn filter_threshold_matches_the_display() {
        assert_eq!(seller_trust_filter_threshold(9), 0.85);
        assert!(0.8882 >= seller_trust_filter_threshold(9));
        assert!(0.8882 < seller_trust_filter_threshold(10));
    }

    #[test]
    fn deal_trust_is_sales_over_drops() {
        assert_eq!(deal_trust(28, 46).map(|t| t.round()), Some(61.0));
        assert_eq!(deal_trust(0, 0), None);
        assert_eq!(deal_trust(3, 3), Some(100.0));
    }
}
