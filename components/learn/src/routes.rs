//! The learn endpoints, one function each, after the admin check.

use learning::extract::{self, Extraction};
use learning::jobs::{self, Input};
use learning::{url_guard, youtube};
use llm_client::cache::now;
use mentors::knowledge::{self, Edited, Saved};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Request, Response};
use spin_sdk::sqlite::Connection;

/// Longest text accepted for learning (the extractions read at most 50,000 characters of it).
const MAX_TEXT_CHARS: usize = 200_000;

#[derive(Deserialize)]
struct LearnJson {
    text: Option<String>,
    url: Option<String>,
}

/// `POST /learn` → 202 `{"job_id"}`.
pub fn submit(db: &Connection, request: &Request, user_id: i64) -> Result<Response, Response> {
    let input = parse_input(request)?;
    let job_id = jobs::submit(db, user_id, &input, now()).map_err(http_kit::unavailable)?;
    #[derive(Serialize)]
    struct Queued {
        job_id: i64,
        status_url: String,
    }
    Ok(http_kit::json(202, &Queued { job_id, status_url: format!("/api/learn/{job_id}") }))
}

/// The text or URL of a learn request: form `learning_text` (a lone http(s) URL is fetched) or JSON.
fn parse_input(request: &Request) -> Result<Input, Response> {
    let (text, url) = if accounts::csrf::is_form(request) {
        let field = accounts::csrf::form_field(request.body(), "learning_text").unwrap_or_default();
        let trimmed = field.trim();
        let is_url = !trimmed.contains(char::is_whitespace) && (trimmed.starts_with("http://") || trimmed.starts_with("https://"));
        if is_url { (None, Some(trimmed.to_string())) } else { (Some(field), None) }
    } else {
        let json: LearnJson = serde_json::from_slice(request.body())
            .map_err(|e| http_kit::error(400, format!("expected form field learning_text or JSON {{\"text\"}} / {{\"url\"}}: {e}")))?;
        (json.text, json.url)
    };
    match (text, url) {
        (_, Some(url)) => {
            let cannot = |reason: String| http_kit::error(400, format!("this URL cannot be learned from: {reason}"));
            let url = url_guard::check(&url).map_err(|refusal| cannot(refusal.0))?;
            youtube::video_id(url.as_str()).map_err(cannot)?;
            Ok(Input::Url(url.to_string()))
        }
        (Some(text), None) if text.trim().is_empty() => Err(http_kit::error(400, "the text to learn from is empty")),
        (Some(text), None) if text.chars().count() > MAX_TEXT_CHARS => {
            Err(http_kit::error(400, format!("the text is too long; the limit is {MAX_TEXT_CHARS} characters")))
        }
        (Some(text), None) => Ok(Input::Text(text)),
        (None, None) => Err(http_kit::error(400, "send learning_text, or JSON with \"text\" or \"url\"")),
    }
}

/// The positive id of a path segment, or a 400 naming `what` it should have been.
fn id_in_path(raw: &str, what: &str) -> Result<i64, Response> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| http_kit::error(400, format!("`{raw}` is not {what}")))
}

fn job_id(raw: &str) -> Result<i64, Response> {
    id_in_path(raw, "a job id")
}

/// How many jobs the list of recent lessons shows.
const RECENT_JOBS: u32 = 20;

/// `GET /api/learn` → `{"jobs": [...]}`, the most recent jobs first.
pub fn recent(db: &Connection) -> Result<Response, Response> {
    let jobs = jobs::recent(db, RECENT_JOBS).map_err(http_kit::unavailable)?;
    Ok(http_kit::json(200, &serde_json::json!({ "jobs": jobs })))
}

/// `GET /api/learn/<id>`.
pub fn status(db: &Connection, raw_id: &str) -> Result<Response, Response> {
    let job = jobs::get(db, job_id(raw_id)?).map_err(http_kit::unavailable)?.ok_or_else(|| http_kit::error(404, "no such learn job"))?;
    Ok(http_kit::json(200, &job))
}

#[derive(Deserialize, Default)]
struct Approval {
    strategies: Option<serde_json::Value>,
    mental_models: Option<serde_json::Value>,
}

/// `POST /api/learn/<id>/approve`: the admin's edited lists, or the extracted ones as they are.
pub fn approve(db: &Connection, raw_id: &str, body: &[u8]) -> Result<Response, Response> {
    let id = job_id(raw_id)?;
    let job = jobs::get(db, id).map_err(http_kit::unavailable)?.ok_or_else(|| http_kit::error(404, "no such learn job"))?;
    if !matches!(job.status.as_str(), "done" | "approved") {
        return Err(http_kit::error(409, format!("the job is {}; only a finished job can be approved", job.status)));
    }
    let edits: Approval = if body.iter().all(u8::is_ascii_whitespace) {
        Approval::default()
    } else {
        serde_json::from_slice::<Option<Approval>>(body)
            .map_err(|e| http_kit::error(400, format!("expected JSON {{\"strategies\": [...], \"mental_models\": [...]}}: {e}")))?
            .unwrap_or_default()
    };
    let strategies = match edits.strategies {
        Some(value) => extract::strategies_from_json(value, Extraction::default()).items,
        None => job.strategies.unwrap_or_default(),
    };
    let models = match edits.mental_models {
        Some(value) => extract::model_statements(value, &mut Vec::new()),
        None => job.mental_models.unwrap_or_default(),
    };
    let (strategies, mental_models) = sqlite_kit::transaction(db, |db| {
        let saved = knowledge::save_lesson(db, &strategies, &models, id)?;
        jobs::mark_approved(db, id, now())?;
        Ok::<_, spin_sdk::sqlite::Error>(saved)
    })
    .map_err(|error| http_kit::unavailable(error.to_string()))?;
    #[derive(Serialize)]
    struct Approved {
        strategies: Saved,
        mental_models: Saved,
    }
    Ok(http_kit::json(200, &Approved { strategies, mental_models }))
}

/// A knowledge-base list with its counts (DOMAIN §5 `/strategies`, `/intelligence`).
#[derive(Serialize)]
struct Listing<T> {
    items: Vec<T>,
    total_count: i64,
    new_today_count: i64,
}

/// `GET /api/strategies`.
pub fn strategies(db: &Connection) -> Result<Response, Response> {
    let items = knowledge::list_strategies(db, None).map_err(http_kit::unavailable)?;
    let (total_count, new_today_count) = knowledge::counts(db, "strategies").map_err(http_kit::unavailable)?;
    Ok(http_kit::json(200, &Listing { items, total_count, new_today_count }))
}

/// `GET /api/intelligence`.
pub fn intelligence(db: &Connection) -> Result<Response, Response> {
    let items = knowledge::list_mental_models(db, None).map_err(http_kit::unavailable)?;
    let (total_count, new_today_count) = knowledge::counts(db, "mental_models").map_err(http_kit::unavailable)?;
    Ok(http_kit::json(200, &Listing { items, total_count, new_today_count }))
}

/// `PUT /api/strategies/<id>`: the stored strategy corrected by the admin, as it now reads.
pub fn edit_strategy(db: &Connection, raw_id: &str, body: &[u8]) -> Result<Response, Response> {
    let id = id_in_path(raw_id, "an item id")?;
    let strategy = learning::edit::strategy(body).map_err(|problem| http_kit::error(400, problem))?;
    edited(id, "strategy", knowledge::edit_strategy(db, id, strategy).map_err(http_kit::unavailable)?)
}

/// `PUT /api/intelligence/<id>`: the stored mental model corrected by the admin.
pub fn edit_mental_model(db: &Connection, raw_id: &str, body: &[u8]) -> Result<Response, Response> {
    let id = id_in_path(raw_id, "an item id")?;
    let content = learning::edit::mental_model(body).map_err(|problem| http_kit::error(400, problem))?;
    edited(id, "mental model", knowledge::edit_mental_model(db, id, content).map_err(http_kit::unavailable)?)
}

/// 200 with the item as stored; 404 for an unknown id; 409 when another item says the same.
fn edited<T: Serialize>(id: i64, what: &str, edit: Edited<T>) -> Result<Response, Response> {
    match edit {
        Edited::Saved(item) => Ok(http_kit::json(200, &item)),
        Edited::NotFound => Err(http_kit::error(404, format!("no item {id}"))),
        Edited::Duplicate(other) => Err(http_kit::error(409, format!("an identical {what} is already stored (item {other}); delete one of them instead"))),
    }
}

/// `DELETE /api/strategies/<id>`, `DELETE /api/intelligence/<id>` (`table` is the list's table).
pub fn delete(db: &Connection, table: &'static str, raw_id: &str) -> Result<Response, Response> {
    let id = id_in_path(raw_id, "an item id")?;
    if !knowledge::delete(db, table, id).map_err(http_kit::unavailable)? {
        return Err(http_kit::error(404, format!("no item {id}")));
    }
    Ok(http_kit::json(200, &serde_json::json!({ "deleted": id })))
}
