//! The AI's part of the live re-analysis: the answers the ingest job cached for the same
//! questions (DOMAIN §6.3 keys), so that an unchanged deal is explained with the figures it was
//! stored with. The provider itself is never asked here — a debugging look costs no AI budget —
//! and a question nobody has asked yet takes the non-AI path, which the figures then name.

use domain::assist::{AiRequest, Assistant, Unavailable};
use llm_client::cache::PipelineAnswers;

pub struct CachedAnswers<'a>(pub PipelineAnswers<'a>);

impl Assistant for CachedAnswers<'_> {
    async fn ask(&self, request: &AiRequest) -> Result<String, Unavailable> {
        self.0.get(&request.cache.key).ok_or(Unavailable::NotConfigured)
    }
}
