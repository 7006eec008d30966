//! The `ai_usage` ledger (migration 0005): calls, failures, tokens and estimated cost per UTC day
//! and feature, and the budget checks made before every provider request.
//!
//! A reservation is one write transaction (`BEGIN IMMEDIATE`), so concurrent requests can never
//! overshoot the daily budget: under SQLite's write lock it reads the day's total, the feature's
//! count (for a feature with a sub-budget) and the user's count (`ai_user_usage`), and increments
//! the rows only if all are below their limits. (A conditional `INSERT … SELECT … RETURNING` per
//! table did the same in two statements, but SQLite builds two temporary tables for each, a
//! twentieth of the CPU of an AI request.) Budget state: `warning` from 80 % of the budget,
//! `refused` at 100 %.

use crate::pricing::Prices;
use crate::{Completion, LlmError};
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::{param, read};

/// Share of the budget from which the state is `warning`.
const WARNING_PERCENT: u64 = 80;

/// What the AI is used for (the `feature` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Advice,
    Chat,
    Learn,
    Ingest,
}

impl Feature {
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Advice => "advice",
            Feature::Chat => "chat",
            Feature::Learn => "learn",
            Feature::Ingest => "ingest",
        }
    }
}

/// The budgets a reservation is checked against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub daily_budget: u64,
    pub user_daily_cap: u64,
    /// The feature's own share of the daily budget; `None` = only the app's budget applies.
    pub feature_daily_budget: Option<u64>,
}

fn int(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

/// Whether a request of `feature` (no user) would be refused now: a read, nothing is reserved.
/// Background work checks it before spending other resources on a question it could not ask.
pub fn budget_left(db: &Connection, feature: Feature, limits: &Limits) -> Result<bool, LlmError> {
    Ok(refusal(db, feature, None, limits)?.is_none())
}

/// Why today's usage refuses one more request of `feature` for `user_id`, if it does.
fn refusal(db: &Connection, feature: Feature, user_id: Option<i64>, limits: &Limits) -> Result<Option<LlmError>, LlmError> {
    let counts = db
        .execute(
            "SELECT COALESCE(SUM(calls), 0), COALESCE(SUM(CASE WHEN feature = ?1 THEN calls END), 0), \
                    COALESCE((SELECT calls FROM ai_user_usage WHERE day = date('now') AND user_id = ?2), 0) \
             FROM ai_usage WHERE day = date('now')",
            &[Value::Text(feature.as_str().into()), param::integer(user_id)],
        )?;
    let count = |index: usize| counts.rows.first().map_or(0, |row| read::count(&row.values, index));
    let (day_calls, feature_calls, user_calls) = (count(0), count(1), count(2));
    let feature_budget = limits.feature_daily_budget.map_or(limits.daily_budget, |share| share.min(limits.daily_budget));
    if day_calls >= limits.daily_budget || feature_calls >= feature_budget {
        return Ok(Some(LlmError::BudgetExhausted { budget: feature_budget }));
    }
    if user_id.is_some() && user_calls >= limits.user_daily_cap {
        return Ok(Some(LlmError::UserCapReached { cap: limits.user_daily_cap }));
    }
    Ok(None)
}

/// A question being answered: its cache key, when it was asked and until when (unix seconds) it
/// may take.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub cache_key: String,
    pub asked_at: i64,
    pub until: i64,
}

/// Counts one provider request for today, or refuses it when the app's budget, the feature's
/// share or the user's cap is used up; marks `in_flight` in the same transaction, or refuses with
/// [`LlmError::AskedElsewhere`] when another request holds its mark. Checking and taking the mark
/// under one write lock is what makes two identical questions arriving together cost one call.
pub fn reserve(db: &Connection, feature: Feature, user_id: Option<i64>, limits: &Limits, in_flight: Option<&InFlight>) -> Result<(), LlmError> {
    sqlite_kit::transaction(db, |db| reserve_in_transaction(db, feature, user_id, limits, in_flight))
}

fn reserve_in_transaction(
    db: &Connection,
    feature: Feature,
    user_id: Option<i64>,
    limits: &Limits,
    in_flight: Option<&InFlight>,
) -> Result<(), LlmError> {
    if let Some(in_flight) = in_flight
        && asked_before(db, &in_flight.cache_key, in_flight.asked_at)?
    {
        return Err(LlmError::AskedElsewhere);
    }
    if let Some(refusal) = refusal(db, feature, user_id, limits)? {
        return Err(refusal);
    }
    if let Some(in_flight) = in_flight {
        db.execute(
            "INSERT INTO ai_in_flight (cache_key, until) VALUES (?1, ?2) ON CONFLICT (cache_key) DO UPDATE SET until = excluded.until",
            &[Value::Text(in_flight.cache_key.clone()), Value::Integer(in_flight.until)],
        )?;
    }
    let feature_name = Value::Text(feature.as_str().into());
    db.execute(
        "INSERT INTO ai_usage (day, feature, calls) VALUES (date('now'), ?1, 1) \
         ON CONFLICT (day, feature) DO UPDATE SET calls = calls + 1",
        &[feature_name],
    )?;
    if let Some(user_id) = user_id {
        db.execute(
            "INSERT INTO ai_user_usage (day, user_id, calls) VALUES (date('now'), ?1, 1) \
             ON CONFLICT (day, user_id) DO UPDATE SET calls = calls + 1",
            &[Value::Integer(user_id)],
        )?;
    }
    Ok(())
}

/// Until when (unix seconds) the question cached under `cache_key` may be with the provider,
/// if it has a mark: a mark past its time belongs to a request that died; no mark, to a question
/// never asked or whose call failed for good (or, once expired, swept by maintenance).
pub fn in_flight_until(db: &Connection, cache_key: &str) -> Result<Option<i64>, spin_sdk::sqlite::Error> {
    let marks = db.execute("SELECT until FROM ai_in_flight WHERE cache_key = ?1", &[Value::Text(cache_key.into())])?;
    Ok(marks.rows.first().and_then(|row| read::integer(&row.values, 0)))
}

fn asked_before(db: &Connection, cache_key: &str, now: i64) -> Result<bool, spin_sdk::sqlite::Error> {
    Ok(in_flight_until(db, cache_key)?.is_some_and(|until| until > now))
}

/// Takes the mark of a question whose call failed for good, so that those waiting ask themselves.
pub fn clear_in_flight(db: &Connection, cache_key: &str) {
    if let Err(error) = db.execute("DELETE FROM ai_in_flight WHERE cache_key = ?1", &[Value::Text(cache_key.into())]) {
        eprintln!("ai_in_flight: could not clear {cache_key}: {error}");
    }
}

/// Rough token count (4 characters per token), for history budgets and providers that omit `usage`.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Adds the tokens and cost of a successful request (already counted by [`reserve`]) and notes
/// when it was answered. Bookkeeping failures after the fact are logged, not returned: the
/// answer is already paid for.
pub fn record_completion(db: &Connection, feature: Feature, completion: &Completion, prices: &Prices, answered_at: i64) {
    let cost = prices.cost_micro_usd(completion);
    let recorded = db.execute(
        "INSERT INTO ai_usage (day, feature, prompt_tokens, cached_prompt_tokens, completion_tokens, estimated_cost_micro_usd, last_answer_at) \
         VALUES (date('now'), ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (day, feature) DO UPDATE SET \
         prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_prompt_tokens = cached_prompt_tokens + excluded.cached_prompt_tokens, \
         completion_tokens = completion_tokens + excluded.completion_tokens, \
         estimated_cost_micro_usd = estimated_cost_micro_usd + excluded.estimated_cost_micro_usd, \
         last_answer_at = max(COALESCE(last_answer_at, 0), excluded.last_answer_at)",
        &[
            Value::Text(feature.as_str().into()),
            int(completion.prompt_tokens),
            int(completion.cached_prompt_tokens),
            int(completion.completion_tokens),
            int(cost),
            Value::Integer(answered_at),
        ],
    );
    if let Err(error) = recorded {
        eprintln!("ai_usage ledger: could not record a {} answer: {error}", feature.as_str());
    }
}

/// Counts a failed request.
pub fn record_failure(db: &Connection, feature: Feature) {
    add(db, feature, &[("failures", 1)]);
}

/// The provider's last failure for good (migration 0010).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LastFailure {
    pub at: i64,
    pub feature: String,
    pub reason: String,
}

/// Keeps `error` as the provider's last failure, replacing the one before.
pub fn record_final_failure(db: &Connection, feature: Feature, error: &LlmError, at: i64) {
    let written = db.execute(
        "INSERT INTO ai_last_failure (id, at, feature, reason) VALUES (1, ?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET at = excluded.at, feature = excluded.feature, reason = excluded.reason",
        &[Value::Integer(at), Value::Text(feature.as_str().into()), Value::Text(error.to_string())],
    );
    if let Err(problem) = written {
        eprintln!("ai_last_failure: could not record {error}: {problem}");
    }
}

/// How recently a failure makes the provider count as failing, unless it answered since.
const FAILING_WINDOW_SECS: i64 = 3600;

/// What the ledger knows of the provider's state: its last answer and its last failure for good.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProviderState {
    pub last_answer_at: Option<i64>,
    pub last_failure: Option<LastFailure>,
}

impl ProviderState {
    /// Whether the provider is failing at `now`: its last failure (within the last hour) is not
    /// older than its last answer (times are whole seconds; in a tie the failure counts, and the
    /// next answer clears it).
    pub fn is_failing(&self, now: i64) -> bool {
        self.last_failure
            .as_ref()
            .is_some_and(|failure| now - failure.at < FAILING_WINDOW_SECS && failure.at >= self.last_answer_at.unwrap_or(i64::MIN))
    }
}

/// The provider's last answer (any day, any feature) and last failure for good.
pub fn provider_state(db: &Connection) -> Result<ProviderState, LlmError> {
    let answered = db.execute("SELECT MAX(last_answer_at) FROM ai_usage", &[])?;
    let last_answer_at = answered.rows.first().and_then(|row| read::integer(&row.values, 0));
    Ok(ProviderState { last_answer_at, last_failure: last_failure(db)? })
}

/// The provider's last failure for good, if it ever failed.
fn last_failure(db: &Connection) -> Result<Option<LastFailure>, LlmError> {
    let result = db.execute("SELECT at, feature, reason FROM ai_last_failure WHERE id = 1", &[])?;
    Ok(result.rows.first().map(|row| LastFailure {
        at: read::integer(&row.values, 0).unwrap_or_default(),
        feature: read::text(&row.values, 1).unwrap_or_default(),
        reason: read::text(&row.values, 2).unwrap_or_default(),
    }))
}

/// Counts an answer served from the cache (no provider call).
pub fn record_cache_hit(db: &Connection, feature: Feature) {
    add(db, feature, &[("cache_hits", 1)]);
}

/// Counts an answer produced offline (no provider, provider down or budget used up).
pub fn record_offline_answer(db: &Connection, feature: Feature) {
    add(db, feature, &[("offline_answers", 1)]);
}

/// Adds `amounts` to today's row of `feature` in one UPSERT (one write: under a burst of
/// concurrent requests every extra write statement is another wait for SQLite's write lock).
fn add(db: &Connection, feature: Feature, amounts: &[(&str, u64)]) {
    let columns: Vec<&str> = amounts.iter().map(|(column, _)| *column).collect();
    let placeholders: Vec<String> = (0..amounts.len()).map(|i| format!("?{}", i + 2)).collect();
    let updates: Vec<String> = columns.iter().map(|c| format!("{c} = {c} + excluded.{c}")).collect();
    let sql = format!(
        "INSERT INTO ai_usage (day, feature, {}) VALUES (date('now'), ?1, {}) \
         ON CONFLICT (day, feature) DO UPDATE SET {}",
        columns.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    );
    let mut parameters = vec![Value::Text(feature.as_str().into())];
    parameters.extend(amounts.iter().map(|(_, amount)| int(*amount)));
    if let Err(error) = db.execute(&sql, &parameters) {
        eprintln!("ai_usage ledger: could not record {} usage: {error}", feature.as_str());
    }
}

/// Today's usage against the budget, as `/api/health` reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageSummary {
    pub day: String,
    pub calls_today: u64,
    pub daily_budget: u64,
    /// `ok`, `warning` (≥ 80 % of the budget) or `refused` (budget used up).
    pub budget_state: &'static str,
    pub failures_today: u64,
    pub prompt_tokens_today: u64,
    pub completion_tokens_today: u64,
    pub estimated_spend_usd_today: f64,
    pub advice_cache_hits_today: u64,
    /// Cache hits / (cache hits + provider calls) of the advice feature; `None` before any.
    pub advice_cache_hit_rate: Option<f64>,
    pub offline_answers_today: u64,
}

/// `ok`, `warning` or `refused` for `calls` of `budget`.
pub fn budget_state(calls: u64, budget: u64) -> &'static str {
    if calls >= budget {
        "refused"
    } else if calls * 100 >= budget * WARNING_PERCENT {
        "warning"
    } else {
        "ok"
    }
}

/// Sums today's rows.
pub fn summary(db: &Connection, daily_budget: u64) -> Result<UsageSummary, LlmError> {
    let result = db
        .execute(
            "SELECT date('now') AS day, \
                    COALESCE(SUM(calls), 0), COALESCE(SUM(failures), 0), COALESCE(SUM(prompt_tokens), 0), \
                    COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(estimated_cost_micro_usd), 0), \
                    COALESCE(SUM(CASE WHEN feature = 'advice' THEN cache_hits END), 0), \
                    COALESCE(SUM(CASE WHEN feature = 'advice' THEN calls END), 0), \
                    COALESCE(SUM(offline_answers), 0) \
             FROM ai_usage WHERE day = date('now')",
            &[],
        )?;
    let row = result.rows.first().ok_or_else(|| LlmError::Storage("no summary row".into()))?;
    let number = |i: usize| read::count(&row.values, i);
    let day = read::text(&row.values, 0).unwrap_or_default();
    let calls = number(1);
    let (advice_hits, advice_calls) = (number(6), number(7));
    Ok(UsageSummary {
        day,
        calls_today: calls,
        daily_budget,
        budget_state: budget_state(calls, daily_budget),
        failures_today: number(2),
        prompt_tokens_today: number(3),
        completion_tokens_today: number(4),
        estimated_spend_usd_today: number(5) as f64 / 1_000_000.0,
        advice_cache_hits_today: advice_hits,
        advice_cache_hit_rate: (advice_hits + advice_calls > 0)
            .then(|| advice_hits as f64 / (advice_hits + advice_calls) as f64),
        offline_answers_today: number(8),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_from_eighty_percent_refused_at_the_budget() {
        assert_eq!(budget_state(0, 1000), "ok");
        assert_eq!(budget_state(799, 1000), "ok");
        assert_eq!(budget_state(800, 1000), "warning");
        assert_eq!(budget_state(1000, 1000), "refused");
        assert_eq!(budget_state(0, 0), "refused");
    }

    #[test]
    fn the_provider_is_failing_while_its_last_failure_is_recent_and_newer_than_its_last_answer() {
        let failed_at = |at: i64| Some(LastFailure { at, feature: "chat".into(), reason: "HTTP 500".into() });
        let state = |last_answer_at: Option<i64>, last_failure| ProviderState { last_answer_at, last_failure };
        let now = 10_000;
        assert!(state(None, failed_at(now - 60)).is_failing(now), "failed, never answered");
        assert!(state(Some(now - 120), failed_at(now - 60)).is_failing(now));
        assert!(state(Some(now - 60), failed_at(now - 60)).is_failing(now), "in the same second");
        assert!(!state(Some(now - 30), failed_at(now - 60)).is_failing(now), "answered since");
        assert!(!state(None, failed_at(now - FAILING_WINDOW_SECS)).is_failing(now), "an hour ago");
        assert!(!state(Some(now), None).is_failing(now));
    }
}
