//! What one virtual user does: log in once, then browse and, every `ai_interval`, ask for advice.

use crate::samples;
use goose::prelude::*;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Request names, shared with the verdict.
pub const LOGIN: &str = "/login";
pub const BROWSE: &str = "/api/deals";
pub const ADVICE: &str = "/api/ava-advice";

const MENTORS: [&str; 4] = ["olyvia", "joel", "evelyn", "errol"];
/// Filter combinations a reseller flips between (query strings of /api/deals).
const BROWSE_QUERIES: [&str; 6] = [
    "sort=profit&order=desc",
    "roi_gte=50&sort=roi&order=desc",
    "sales_rank_current_lte=500000&profit_gte=10&sort=profit&order=desc",
    "deal_trust_gte=40&sort=percent_down&order=desc",
    "percent_down_gte=20&hide_amz=1&sort=sales_rank&order=asc",
    "excluded_conditions=New,Collectible&sort=list_at&order=desc",
];

pub struct Settings {
    pub username: String,
    pub password: String,
    pub ai_interval: Duration,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the run's settings; called once before the attack starts.
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

fn settings() -> &'static Settings {
    SETTINGS.get().expect("scenario::configure runs before the attack")
}

/// Per-user state between transactions.
#[derive(Clone)]
struct UserState {
    next_advice_at: Instant,
    asins: Vec<String>,
    step: usize,
}

/// Logs in with JSON; the session cookie stays in the user's cookie jar.
pub async fn log_in(user: &mut GooseUser) -> TransactionResult {
    let credentials = serde_json::json!({"username": settings().username, "password": settings().password});
    let builder = user.get_request_builder(&GooseMethod::Post, "/login")?.json(&credentials);
    let request = GooseRequest::builder().set_request_builder(builder).name(LOGIN).build();
    let mut response = user.request(request).await?;
    samples::record(LOGIN, &response.request);
    if let Ok(reply) = &response.response
        && !reply.status().is_success()
    {
        let status = reply.status();
        return user.set_failure(&format!("login answered {status}"), &mut response.request, None, None);
    }
    // Spread the users' first advice over one interval, so AI load is steady rather than a burst.
    let spread = settings().ai_interval.mul_f64((user.weighted_users_index % 60) as f64 / 60.0);
    user.set_session_data(UserState { next_advice_at: Instant::now() + spread, asins: Vec::new(), step: user.weighted_users_index });
    Ok(())
}

/// One page of deals under one of the usual filters; then advice if it is due.
pub async fn browse(user: &mut GooseUser) -> TransactionResult {
    let state = user.get_session_data_unchecked_mut::<UserState>();
    state.step += 1;
    let query = BROWSE_QUERIES[state.step % BROWSE_QUERIES.len()];
    let page = 1 + state.step % 3;
    let path = format!("/api/deals?{query}&page={page}&limit=50");
    let request = GooseRequest::builder().path(path.as_str()).name(BROWSE).build();
    let response = user.request(request).await?;
    samples::record(BROWSE, &response.request);
    if let Ok(reply) = response.response
        && let Ok(body) = reply.json::<serde_json::Value>().await
    {
        let asins: Vec<String> = body["deals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|deal| deal["asin"].as_str().map(str::to_string))
            .collect();
        if !asins.is_empty() {
            user.get_session_data_unchecked_mut::<UserState>().asins = asins;
        }
    }
    ask_for_advice_if_due(user).await
}

async fn ask_for_advice_if_due(user: &mut GooseUser) -> TransactionResult {
    let state = user.get_session_data_unchecked_mut::<UserState>();
    if Instant::now() < state.next_advice_at || state.asins.is_empty() {
        return Ok(());
    }
    state.next_advice_at = Instant::now() + settings().ai_interval;
    let asin = state.asins[state.step % state.asins.len()].clone();
    let mentor = MENTORS[state.step % MENTORS.len()];
    let path = format!("/api/ava-advice/{asin}?mentor={mentor}");
    let request = GooseRequest::builder().path(path.as_str()).name(ADVICE).build();
    let response = user.request(request).await?;
    samples::record(ADVICE, &response.request);
    Ok(())
}
