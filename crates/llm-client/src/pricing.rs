//! What a provider call is estimated to cost: the token counts the provider reports, at prices
//! per million tokens read from Spin variables. The defaults are xAI's list prices for the default
//! model (`grok-4-1-fast-reasoning`: $0.20 per million prompt tokens, $0.05 per million of those
//! served from its prompt cache, $0.50 per million output tokens); a deployment on another model
//! sets its own, or the admin's AI usage page estimates its spend at grok's prices.
//!
//! Cached prompt tokens matter here: every advice and chat call opens with the same persona,
//! strategies and corrections, which providers bill at a half to a tenth of the full rate once
//! cached (xAI: a quarter), so pricing them in full would overstate a busy day's spend.

use crate::Completion;

/// Prices in micro-USD per million tokens (USD per million × 1,000,000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    pub prompt: u64,
    /// For the part of the prompt the provider reports as cached.
    pub cached_prompt: u64,
    /// For output, reasoning included.
    pub completion: u64,
}

impl Default for Prices {
    fn default() -> Prices {
        Prices { prompt: 200_000, cached_prompt: 50_000, completion: 500_000 }
    }
}

/// Highest accepted price, in USD per million tokens: anything above is a typo, not a model.
const MAX_USD_PER_MILLION: f64 = 10_000.0;

impl Prices {
    /// The prices named by `usd_per_million` (a variable's value by its name, in USD per million
    /// tokens, e.g. `"0.20"`); a missing or unreadable one keeps its default.
    pub fn read(usd_per_million: impl Fn(&str) -> Option<String>) -> Prices {
        let defaults = Prices::default();
        let price = |name: &str, default: u64| usd_per_million(name).as_deref().and_then(parse_usd_per_million).unwrap_or(default);
        Prices {
            prompt: price("llm_prompt_usd_per_million", defaults.prompt),
            cached_prompt: price("llm_cached_prompt_usd_per_million", defaults.cached_prompt),
            completion: price("llm_completion_usd_per_million", defaults.completion),
        }
    }

    /// Estimated cost of `completion` in micro-USD, rounded up.
    pub fn cost_micro_usd(&self, completion: &Completion) -> u64 {
        let cached = completion.cached_prompt_tokens.min(completion.prompt_tokens);
        let micro_usd_times_million =
            (completion.prompt_tokens - cached) * self.prompt + cached * self.cached_prompt + completion.completion_tokens * self.completion;
        micro_usd_times_million.div_ceil(1_000_000)
    }
}

/// `"0.20"` (USD per million tokens) as micro-USD per million tokens; `None` unless it is a
/// number from 0 to [`MAX_USD_PER_MILLION`].
fn parse_usd_per_million(text: &str) -> Option<u64> {
    let usd = text.trim().trim_start_matches('$').parse::<f64>().ok()?;
    (0.0..=MAX_USD_PER_MILLION).contains(&usd).then(|| (usd * 1_000_000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(prompt_tokens: u64, cached_prompt_tokens: u64, completion_tokens: u64) -> Completion {
        Completion { content: String::new(), cut_off: false, prompt_tokens, cached_prompt_tokens, completion_tokens }
    }

    #[test]
    fn the_defaults_are_grok_4_1_fast_list_prices() {
        let prices = Prices::default();
        assert_eq!(prices.cost_micro_usd(&completion(1_000_000, 0, 0)), 200_000);
        assert_eq!(prices.cost_micro_usd(&completion(1_000_000, 1_000_000, 0)), 50_000);
        assert_eq!(prices.cost_micro_usd(&completion(0, 0, 1_000_000)), 500_000);
        assert_eq!(prices.cost_micro_usd(&completion(1, 0, 1)), 1, "rounded up");
    }

    #[test]
    fn cached_tokens_are_part_of_the_prompt() {
        let prices = Prices::default();
        // 3,000 prompt tokens of which 2,000 cached, 500 out: 1,000 × 0.2 + 2,000 × 0.05 + 500 × 0.5.
        assert_eq!(prices.cost_micro_usd(&completion(3_000, 2_000, 500)), 550);
        assert_eq!(prices.cost_micro_usd(&completion(1_000, 5_000, 0)), 50, "never more cached than sent");
    }

    #[test]
    fn prices_are_read_in_usd_per_million_and_a_bad_one_keeps_its_default() {
        let variables = |name: &str| match name {
            "llm_prompt_usd_per_million" => Some("2.50".to_string()),
            "llm_cached_prompt_usd_per_million" => Some("$1.25".to_string()),
            "llm_completion_usd_per_million" => Some("ten".to_string()),
            _ => None,
        };
        assert_eq!(Prices::read(variables), Prices { prompt: 2_500_000, cached_prompt: 1_250_000, completion: 500_000 });
        assert_eq!(Prices::read(|_| None), Prices::default());
        assert_eq!(parse_usd_per_million("0.075"), Some(75_000));
        assert_eq!(parse_usd_per_million("0"), Some(0));
        assert_eq!(parse_usd_per_million("-1"), None);
        assert_eq!(parse_usd_per_million("NaN"), None);
        assert_eq!(parse_usd_per_million("1e9"), None);
    }
}
