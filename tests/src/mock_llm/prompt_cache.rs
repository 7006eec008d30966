//! The provider's prompt cache, as xAI and OpenAI run theirs: the start of a prompt that repeats
//! the start of an earlier one, in whole blocks, is served from cache and reported in
//! `usage.prompt_tokens_details.cached_tokens` (billed at a lower price). It shows whether the
//! app's prompts put what stays the same ahead of what changes.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hasher};

/// Size of a cached block: 128 tokens at the mock's 4 characters a token.
pub const BLOCK_CHARS: usize = 512;

#[derive(Default)]
pub struct PromptCache {
    /// Hashes of every prompt start seen, one per whole block.
    starts: HashSet<u64>,
}

impl PromptCache {
    /// How many tokens of `prompt` the cache serves; then remembers its blocks.
    pub fn serve(&mut self, prompt: &str) -> usize {
        let mut hasher = DefaultHasher::new();
        let mut cached_blocks = 0;
        let mut hit = true;
        for block in prompt.as_bytes().chunks_exact(BLOCK_CHARS) {
            hasher.write(block);
            let start = hasher.finish();
            hit = hit && self.starts.contains(&start);
            cached_blocks += usize::from(hit);
            self.starts.insert(start);
        }
        cached_blocks * BLOCK_CHARS / 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_repeated_start_in_whole_blocks_is_cached() {
        let mut cache = PromptCache::default();
        let shared = "k".repeat(2 * BLOCK_CHARS + 100);
        assert_eq!(cache.serve(&format!("{shared} first deal")), 0, "nothing seen yet");
        assert_eq!(cache.serve(&format!("{shared} second deal")), 2 * BLOCK_CHARS / 4);
        assert_eq!(cache.serve(&format!("x{shared}")), 0, "the same text after another start");
        assert_eq!(cache.serve("short"), 0);
    }
}
