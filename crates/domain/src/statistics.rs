//! Small descriptive statistics over cent values, shared by inferred sales (§4.3 IQR) and the
//! List-at recommendation (§4.4 median and mode). Results are `f64` so callers round once.

/// Arithmetic mean; `None` for no values.
pub fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// Median (mean of the two middle values for an even count); `None` for no values.
pub fn median(values: &[i64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    percentile_of_sorted(&sorted, 0.5)
}

/// Percentile with linear interpolation between closest ranks (numpy's default), `fraction` in
/// 0..=1, over already sorted values; `None` for no values.
pub fn percentile_of_sorted(sorted: &[i64], fraction: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = fraction * last as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let weight = position - lower as f64;
    Some(sorted[lower] as f64 + (sorted[upper] - sorted[lower]) as f64 * weight)
}

/// The most frequent value if it occurs more than once (the smallest such value on ties),
/// else `None` — §4.4's "mode only when a price repeats".
pub fn repeated_mode(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if run.len() > 1 && best.is_none_or(|(_, count)| run.len() > count) {
            best = Some((run[0], run.len()));
        }
    }
    best.map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_linearly() {
        let sorted = [1000, 1100, 1200, 1300, 9000];
        assert_eq!(percentile_of_sorted(&sorted, 0.25), Some(1100.0));
        assert_eq!(percentile_of_sorted(&sorted, 0.75), Some(1300.0));
        assert_eq!(percentile_of_sorted(&[10, 20], 0.25), Some(12.5));
        assert_eq!(percentile_of_sorted(&[], 0.5), None);
    }

    #[test]
    fn median_and_mean() {
        assert_eq!(median(&[3000, 2000]), Some(2500.0));
        assert_eq!(median(&[5, 1, 3]), Some(3.0));
        assert_eq!(mean(&[1000, 2000, 3000]), Some(2000.0));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn mode_needs_a_repeat_and_prefers_the_smallest_on_ties() {
        assert_eq!(repeated_mode(&[6000, 6000, 7000]), Some(6000));
        assert_eq!(repeated_mode(&[7000, 7000, 6000, 6000, 9000]), Some(6000));
        assert_eq!(repeated_mode(&[1, 2, 3]), None);
    }
}
