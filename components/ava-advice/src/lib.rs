//! `GET /api/ava-advice/<asin>?mentor=<key>` (DOMAIN §5.3): a mentor's opinion on one deal, for
//! the signed-in user's own numbers.
//!
//! The answer is cached in the key-value store under everything it depends on (deal figures for
//! this user, the user's settings, the knowledge version, persona, model), so an unchanged
//! question never costs a second provider call and a changed deal is a miss. While a question is
//! with the provider it is marked in flight (taken in the ledger's reservation, under its write
//! lock), and the same question arriving meanwhile (the deal closed and opened again, a second
//! tab, a double click) waits for that answer.
//! Without a provider, when it fails, or when the budget is used up, the persona's rule-based
//! assessment answers instead, marked `"source": "offline"`.

use domain::book_code;
use llm_client::{ChatRequest, Config, Feature, LlmClient, LlmError, cache, ledger, reply};
use mentors::deal::{self, DealFacts};
use mentors::knowledge::{self, Knowledge};
use mentors::persona::Persona;
use mentors::{offline, prompt};
use serde::Serialize;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

/// How long cached advice stays valid (DOMAIN §6.3: advice ~24 h).
const CACHE_TTL_SECS: i64 = 24 * 3600;

#[derive(Serialize)]
struct Advice {
    advice: String,
    mentor: &'static str,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offline_reason: Option<String>,
}

#[http_component]
async fn handle(request: Request) -> Response {
    match answer(request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn answer(request: Request) -> Result<Response, Response> {
    if *request.method() != Method::Get {
        return Err(http_kit::method_not_allowed("GET"));
    }
    let db = http_kit::open_database()?;
    let user = accounts::require_user(&db, &request, accounts::Audience::Api)?;
    let asin = asin_from_path(&request)?;
    let persona = mentor_from_query(request.query())?;
    let facts = deal::load(&db, &asin, &user.settings)
        .map_err(http_kit::unavailable)?
        .ok_or_else(|| http_kit::error(404, "Deal not found"))?;
    let knowledge = knowledge::load_for_prompts(&db).map_err(http_kit::unavailable)?;
    let config = Config::from_variables();
    let store = http_kit::open_key_value_store()?;
    let key = cache_key(persona, &facts, &knowledge, &user.settings, &config);
    let request = ChatRequest {
        feature: Feature::Advice,
        user_id: Some(user.id),
        messages: prompt::advice_messages(persona, &facts, &knowledge),
        temperature: 0.4,
        max_tokens: Some(1000),
    };
    let client = LlmClient::new(config, &db).answering(&key);
    // Each round answers, or finds that another request took the question in the meantime;
    // the next round waits for that request's answer (or its failure).
    loop {
        let outcome = match cache::get_or_wait(&db, &store, &key).await {
            Ok(Some(advice)) => {
                ledger::record_cache_hit(&db, Feature::Advice);
                return Ok(respond(advice, persona, "cache", None));
            }
            Ok(None) => client.complete(&request).await,
            Err(failed) => Err(failed),
        };
        match outcome {
            Ok(completion) => {
                let advice = reply::to_html(&completion);
                cache::put(&store, &key, &advice, cache::now(), CACHE_TTL_SECS);
                return Ok(respond(advice, persona, "llm", None));
            }
            Err(LlmError::AskedElsewhere) => continue,
            Err(error) => {
                ledger::record_offline_answer(&db, Feature::Advice);
                return Ok(respond(offline::advice_html(persona, &facts), persona, "offline", Some(error.to_string())));
            }
        }
    }
}

fn respond(advice: String, persona: Persona, source: &'static str, offline_reason: Option<String>) -> Response {
    http_kit::json(200, &Advice { advice, mentor: persona.key(), source, offline_reason })
}

/// The ASIN after the route (`spin-path-info` = `/<asin>`).
fn asin_from_path(request: &Request) -> Result<String, Response> {
    let suffix = request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("");
    let asin = suffix.trim_start_matches('/');
    if book_code::is_asin_shaped(asin) {
        Ok(asin.to_ascii_uppercase())
    } else {
        Err(http_kit::error(400, "expected /api/ava-advice/<asin> with a 10-character ASIN"))
    }
}

/// `mentor=` (current or legacy key; absent = Olyvia); an unknown key is a 400.
fn mentor_from_query(query: &str) -> Result<Persona, Response> {
    let value = form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "mentor").map(|(_, v)| v.into_owned());
    Persona::from_optional_key(value.as_deref()).ok_or_else(|| {
        http_kit::error(400, "unknown mentor; use olyvia, joel, evelyn or errol (or cfo, flipper, professor, quant)")
    })
}

/// Everything the advice depends on.
fn cache_key(
    persona: Persona,
    facts: &DealFacts,
    knowledge: &Knowledge,
    settings: &impl Serialize,
    config: &Config,
) -> String {
    let facts = serde_json::to_string(facts).unwrap_or_default();
    let settings = serde_json::to_string(settings).unwrap_or_default();
    let version = knowledge.version.to_string();
    cache::key("advice", &[facts.as_str(), persona.key(), version.as_str(), settings.as_str(), config.model.as_str()])
}
