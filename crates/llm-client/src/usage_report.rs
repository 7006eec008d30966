//! The ledger's recent days, for the admin's AI usage page (`GET /api/admin/ai-usage`): what the
//! provider was asked and what that is estimated to have cost, and what was answered without it
//! (cache hits, offline answers), per UTC day and feature, and when the provider last answered
//! and last failed, and why.
//! `/api/health` shows only today; the bill comes per month.

use crate::LlmError;
use crate::ledger::{self, ProviderState};
use serde::{Serialize, Serializer};
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read;
use std::collections::BTreeMap;

/// Counts of one feature on one day, or sums of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Usage {
    pub calls: u64,
    pub failures: u64,
    pub prompt_tokens: u64,
    /// The part of `prompt_tokens` the provider served from its prompt cache (billed cheaper).
    pub cached_prompt_tokens: u64,
    pub completion_tokens: u64,
    #[serde(rename = "estimated_spend_usd", serialize_with = "dollars")]
    pub estimated_cost_micro_usd: u64,
    pub cache_hits: u64,
    pub offline_answers: u64,
}

impl Usage {
    fn add(&mut self, other: &Usage) {
        self.calls += other.calls;
        self.failures += other.failures;
        self.prompt_tokens += other.prompt_tokens;
        self.cached_prompt_tokens += other.cached_prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.estimated_cost_micro_usd += other.estimated_cost_micro_usd;
        self.cache_hits += other.cache_hits;
        self.offline_answers += other.offline_answers;
    }
}

fn dollars<S: Serializer>(micro_usd: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*micro_usd as f64 / 1_000_000.0)
}

/// One day: its sums, and each feature used that day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayUsage {
    pub day: String,
    #[serde(flatten)]
    pub total: Usage,
    pub features: BTreeMap<String, Usage>,
}

/// One user's provider calls over the period (`ai_user_usage`, which the maintenance job keeps
/// for 90 days).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UserCalls {
    pub name: String,
    pub calls: u64,
}

/// The days with any usage, newest first, their sums, the budget each day is held to, the users
/// who asked (most calls first), and the provider's state: its last answer and last failure for
/// good (whenever they were).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageReport {
    pub daily_budget: u64,
    pub days: Vec<DayUsage>,
    pub total: Usage,
    pub users: Vec<UserCalls>,
    #[serde(flatten)]
    pub provider: ProviderState,
}

/// The last `days` UTC days (today included) of the ledger.
pub fn report(db: &Connection, days: u32, daily_budget: u64) -> Result<UsageReport, LlmError> {
    let period = Value::Text(format!("-{days} days"));
    let result = db.execute(
        "SELECT day, feature, calls, failures, prompt_tokens, cached_prompt_tokens, completion_tokens, estimated_cost_micro_usd, \
                cache_hits, offline_answers \
         FROM ai_usage WHERE day > date('now', ?1) ORDER BY day DESC, feature",
        std::slice::from_ref(&period),
    )?;
    let rows = result.rows.iter().map(|row| {
        let count = |index: usize| read::count(&row.values, index);
        let usage = Usage {
            calls: count(2),
            failures: count(3),
            prompt_tokens: count(4),
            cached_prompt_tokens: count(5),
            completion_tokens: count(6),
            estimated_cost_micro_usd: count(7),
            cache_hits: count(8),
            offline_answers: count(9),
        };
        (read::text(&row.values, 0).unwrap_or_default(), read::text(&row.values, 1).unwrap_or_default(), usage)
    });
    Ok(UsageReport { users: users(db, &period)?, provider: ledger::provider_state(db)?, ..by_day(rows, daily_budget) })
}

/// Provider calls per user in the period, most first (background work has no user).
fn users(db: &Connection, period: &Value) -> Result<Vec<UserCalls>, LlmError> {
    let result = db.execute(
        "SELECT u.username, SUM(a.calls) AS calls FROM ai_user_usage a JOIN users u ON u.id = a.user_id \
         WHERE a.day > date('now', ?1) GROUP BY a.user_id HAVING calls > 0 ORDER BY calls DESC, u.username",
        std::slice::from_ref(period),
    )?;
    Ok(result
        .rows
        .iter()
        .map(|row| UserCalls { name: read::text(&row.values, 0).unwrap_or_default(), calls: read::count(&row.values, 1) })
        .collect())
}

/// Groups (day, feature, usage) rows that come newest day first into days with their sums.
fn by_day(rows: impl Iterator<Item = (String, String, Usage)>, daily_budget: u64) -> UsageReport {
    let mut report = UsageReport {
        daily_budget,
        days: Vec::new(),
        total: Usage::default(),
        users: Vec::new(),
        provider: ProviderState { last_answer_at: None, last_failure: None },
    };
    for (day, feature, usage) in rows {
        if report.days.last().is_none_or(|last| last.day != day) {
            report.days.push(DayUsage { day, total: Usage::default(), features: BTreeMap::new() });
        }
        let today = report.days.last_mut().expect("pushed above");
        today.total.add(&usage);
        today.features.insert(feature, usage);
        report.total.add(&usage);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(calls: u64, cost: u64) -> Usage {
        Usage { calls, estimated_cost_micro_usd: cost, cache_hits: 1, ..Usage::default() }
    }

    #[test]
    fn rows_group_into_days_with_their_sums() {
        let rows = [
            ("2026-12-06", "advice", usage(3, 1_500)),
            ("2026-12-06", "chat", usage(2, 500)),
            ("2026-12-04", "ingest", usage(7, 10)),
        ]
        .map(|(day, feature, usage)| (day.to_string(), feature.to_string(), usage));
        let report = by_day(rows.into_iter(), 1000);
        assert_eq!(report.days.iter().map(|d| (d.day.as_str(), d.total.calls, d.features.len())).collect::<Vec<_>>(), [("2026-12-06", 5, 2), ("2026-12-04", 7, 1)]);
        assert_eq!(report.days[0].total.estimated_cost_micro_usd, 2_000);
        assert_eq!(report.days[0].features["chat"], usage(2, 500));
        assert_eq!((report.total.calls, report.total.cache_hits, report.total.estimated_cost_micro_usd), (12, 3, 2_010));
    }

    #[test]
    fn spend_is_shown_in_dollars() {
        let json = serde_json::to_value(usage(1, 2_500)).unwrap();
        assert_eq!(json["estimated_spend_usd"], 0.0025);
        assert!(json.get("estimated_cost_micro_usd").is_none());
    }

    #[test]
    fn no_usage_is_an_empty_report() {
        let report = by_day(std::iter::empty(), 50);
        assert_eq!((report.days.len(), report.total, report.daily_budget), (0, Usage::default(), 50));
    }
}
