//! SplitMix64: a tiny deterministic generator, so nothing here needs a `rand` dependency. The
//! ingest backoff spreads its jitter seed with [`mix`]; fixtures and the integration tests' mock
//! Keepa and month simulation draw whole sequences from [`SplitMix64`].

/// The generator's step (the golden ratio in 64 bits).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step and SplitMix64's finaliser: spreads `seed` over 64 bits.
pub fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator; its state is the seed.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        let value = mix(self.0);
        self.0 = self.0.wrapping_add(GAMMA);
        value
    }

    /// Uniform in `low..high` (`low` when the range is empty).
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next_u64() % (high - low).max(1) as u64) as i64
    }

    /// True with a chance of `percent` in 100.
    pub fn chance(&mut self, percent: i64) -> bool {
        self.between(0, 100) < percent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // The first outputs of SplitMix64 seeded with 1234567 (Vigna's reference implementation).
        let mut rng = SplitMix64(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn between_stays_in_range_and_an_empty_range_gives_low() {
        let mut rng = SplitMix64(7);
        assert!((0..1000).map(|_| rng.between(-5, 5)).all(|v| (-5..5).contains(&v)));
        assert_eq!(rng.between(3, 3), 3);
    }
}
