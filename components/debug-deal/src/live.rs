//! The live half of the answer: Keepa's product now, analysed with the pipeline's cached AI
//! answers and the user's economics — from the 60-second cache or a token-budgeted call.

use domain::analysis::analyze_assisted;
use domain::assist::now_or_never;
use domain::config::AnalysisConfig;
use domain::fees::{self, BusinessSettings};
use domain::ingest::TokenPolicy;
use keepa_client::{CallError, KeepaClient, KeepaSession, ProductDetail, TokenBudget};
use serde_json::json;
use spin_sdk::http::Response;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::Connection;
use spin_sdk::variables;
use std::time::Duration;

use crate::cached_answers::CachedAnswers;
use llm_client::cache::PipelineAnswers;

/// How long a live answer is reused (each costs Keepa tokens).
const CACHE_SECS: i64 = 60;

/// The live analysis as JSON text, or the response explaining why there is none.
pub fn analysis(db: &Connection, store: &Store, asin: &str, settings: &BusinessSettings) -> Result<String, Response> {
    let now = keepa_client::now();
    let key = format!("debug-deal/{asin}/{settings:?}");
    if let Ok(Some(cached)) = kv_ttl::get(store, &key, now.0) {
        let cached: serde_json::Value = serde_json::from_slice(&cached).unwrap_or_default();
        return Ok(json!({"source": "cache", "analysis": cached}).to_string());
    }
    let session = session(db, now)?;
    let analysis = fetch_and_analyse(session, store, asin, settings, now)?;
    let _ = kv_ttl::set(store, &key, analysis.to_string().as_bytes(), now.0 + CACHE_SECS);
    Ok(json!({"source": "keepa", "analysis": analysis}).to_string())
}

fn variable(name: &str) -> Result<String, Response> {
    variables::get(name).map_err(|e| http_kit::error(500, format!("variable {name}: {e}")))
}

fn number<T: std::str::FromStr>(name: &str) -> Result<T, Response> {
    variable(name)?.trim().parse().map_err(|_| http_kit::error(500, format!("variable {name} is not a number")))
}

fn session(db: &Connection, now: domain::time::UnixSeconds) -> Result<KeepaSession<'_>, Response> {
    let api_key = variable("keepa_api_key")?;
    if api_key.trim().is_empty() {
        return Err(http_kit::error(503, "Keepa is not configured (set SPIN_VARIABLE_KEEPA_API_KEY)"));
    }
    let client = KeepaClient::new(&variable("keepa_base_url")?, &api_key, Duration::from_secs(number("keepa_timeout_secs")?))
        .map_err(|e| http_kit::error(500, e))?;
    let policy = TokenPolicy {
        max_deficit: number("keepa_max_deficit")?,
        min_start_balance: number("keepa_min_start_balance")?,
        ..TokenPolicy::default()
    };
    let budget = TokenBudget::load(db, policy, now).map_err(|e| http_kit::error(500, e.to_string()))?;
    Ok(KeepaSession::new(client, budget, db, Duration::ZERO))
}

fn fetch_and_analyse(
    mut session: KeepaSession<'_>,
    store: &Store,
    asin: &str,
    settings: &BusinessSettings,
    now: domain::time::UnixSeconds,
) -> Result<serde_json::Value, Response> {
    let batch = session.products(&[asin.to_string()], ProductDetail::Full).map_err(|error| match error {
        CallError::Tokens(stop) => {
            let mut response = http_kit::error(
                429,
                format!("not enough Keepa tokens for a live fetch ({:.0} left); try again later", stop.tokens_left),
            );
            if let Some(at) = stop.resume_after {
                response.set_header("retry-after", (at.0 - now.0).max(1).to_string());
            }
            response
        }
        CallError::Keepa(failure) => http_kit::error(502, format!("Keepa failed: {failure}")),
        CallError::Db(error) => http_kit::error(500, error.to_string()),
    })?;
    if let Some((_, error)) = batch.unreadable.first() {
        return Err(http_kit::error(502, format!("Keepa's answer for {asin} is malformed: {error}")));
    }
    let product = batch
        .products
        .iter()
        .find(|product| product.asin == asin)
        .ok_or_else(|| http_kit::error(404, format!("Keepa has no product {asin}")))?;
    let model = llm_client::Config::model_from_variables();
    let (config, answers) = (AnalysisConfig::default(), CachedAnswers(PipelineAnswers::new(store, &model)));
    let analysis = now_or_never(analyze_assisted(product, now, &config, &answers)).expect("cached answers never wait");
    let economics = analysis.economics_inputs.as_ref().map(|inputs| fees::economics(inputs, settings));
    Ok(json!({
        "fetched_at": now.0,
        "tokens_left": session.budget().tokens_left(now).round(),
        "figures": analysis,
        "economics": economics,
    }))
}
