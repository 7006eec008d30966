//! The cron-triggered worker of guided learning (the serverless form of the task queue the
//! original plan called for): each tick claims one pending learn job, fetches the page if the
//! input is a URL and keeps its visible text (for a YouTube video, the English transcript), runs
//! the strategy and mental-model extractions concurrently, and stores the result for the admin's
//! review. Any failure is stored on the job with its reason; the run itself succeeds, so the
//! schedule never stalls on one bad job.

use learning::extract::{self, Extraction};
use learning::jobs::{self, Claimed, Input, Outcome};
use learning::{fetch, text, youtube};
use llm_client::cache::now;
use llm_client::{Completion, Config, LlmClient, LlmError};
use spin_sdk::sqlite::Connection;
use spin_sdk::variables;

wit_bindgen::generate!({ path: "../../wit/cron", world: "spin-cron" });

struct Jobs;

impl Guest for Jobs {
    fn handle_cron_event(_metadata: Metadata) -> Result<(), Error> {
        spin_sdk::http::run(run_one()).map_err(Error::Other)
    }
}

export!(Jobs);

/// Works off the oldest pending job, if any.
async fn run_one() -> Result<(), String> {
    let db = Connection::open_default().map_err(|e| format!("database unavailable: {e}"))?;
    let Some(job) = jobs::claim(&db, now())? else { return Ok(()) };
    match learn(&db, &job).await {
        Ok(()) => Ok(()),
        Err(reason) => jobs::fail(&db, job.id, &reason, now()),
    }
}

async fn learn(db: &Connection, job: &Claimed) -> Result<(), String> {
    let (source_text, mut notes) = source_text(db, job).await?;
    if source_text.trim().is_empty() {
        return Err("there is no visible text to learn from".into());
    }
    let config = Config::from_variables();
    if !config.is_configured() {
        return Err(format!("{}: set the llm_api_key variable to learn", LlmError::NotConfigured));
    }
    jobs::progress(db, job.id, "extracting strategies and mental models", now())?;
    let client = LlmClient::new(config, db);
    let (strategies_request, models_request) =
        (extract::strategies_request(&source_text), extract::mental_models_request(&source_text));
    let (strategies, models) = futures::join!(client.complete(&strategies_request), client.complete(&models_request));
    if let (Err(error), Err(_)) = (&strategies, &models) {
        return Err(format!("both extractions failed: {error}"));
    }
    let strategies = parsed(strategies, "strategies", extract::parse_strategies);
    let models = parsed(models, "mental models", extract::parse_mental_models);
    notes.extend(strategies.notes);
    notes.extend(models.notes);
    let outcome = Outcome { source_text: &source_text, strategies: &strategies.items, mental_models: &models.items, notes: &notes };
    jobs::complete(db, job.id, &outcome, now())
}

/// The text to learn from, with a note on where it came from when that is not the input itself.
async fn source_text(db: &Connection, job: &Claimed) -> Result<(String, Vec<String>), String> {
    let url = match &job.input {
        Input::Text(raw) => return Ok((text::from_plain(raw), Vec::new())),
        Input::Url(url) => url,
    };
    if let Some(video) = youtube::video_id(url)? {
        jobs::progress(db, job.id, "fetching the YouTube transcript", now())?;
        let base_url = variables::get("youtube_base_url").map_err(|e| format!("the youtube_base_url variable: {e}"))?;
        let transcript =
            youtube::transcript(&base_url, &video).await.map_err(|e| format!("could not learn from YouTube video {video}: {e}"))?;
        let note = transcript.note();
        return Ok((transcript.text, vec![note]));
    }
    jobs::progress(db, job.id, "fetching the page", now())?;
    let page = fetch::fetch(url).await.map_err(|e| format!("could not fetch {url}: {e}"))?;
    let body = page.text();
    Ok((if page.is_html { text::from_html(&body) } else { text::from_plain(&body) }, Vec::new()))
}

/// The repaired items of one extraction, or a note saying why there are none.
fn parsed<T>(answer: Result<Completion, LlmError>, what: &str, parse: fn(&str) -> Extraction<T>) -> Extraction<T> {
    match answer {
        Ok(completion) => parse(&completion.content),
        Err(error) => Extraction { items: Vec::new(), notes: vec![format!("could not extract {what}: {error}")] },
    }
}
