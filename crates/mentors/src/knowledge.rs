//! The approved knowledge base (DOMAIN §2.5): strategies and mental models, injected into every
//! mentor prompt, written only by an admin's approval of a learn job.
//!
//! Identity for dedupe is the normalized content (`content_key`: lower-cased, whitespace
//! collapsed; `category|trigger|advice` for strategies), enforced by a UNIQUE index, so approving
//! the same lesson twice, or two spellings of it, stores it once.

use serde::{Deserialize, Serialize};
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read::{integer, text};

/// The five strategy categories of DOMAIN §2.5.
pub const CATEGORIES: [&str; 5] = ["Buying", "Pricing", "Risk", "Seasonality", "General"];
/// Most strategies a prompt carries (newest first), to bound prompt size and cost.
const PROMPT_STRATEGY_LIMIT: usize = 60;
/// Most mental models a prompt carries (newest first).
const PROMPT_MODEL_LIMIT: usize = 40;

/// One actionable rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    pub category: String,
    pub trigger: String,
    pub advice: String,
    pub confidence: String,
}

/// Triggers that name no situation: what a strategy gets when it was written without one (a
/// model's bare sentence, an admin's plain line; DOMAIN §5.5's "Manual Entry"). The admin pages
/// (`knowledge.js`) read them the same way.
const NO_SITUATION: [&str; 2] = ["general", "manual entry"];

impl Strategy {
    /// The situation the advice is for, or `None` when it holds in any.
    pub fn situation(&self) -> Option<&str> {
        let trigger = self.trigger.trim();
        let named = !trigger.is_empty() && !NO_SITUATION.iter().any(|none| trigger.eq_ignore_ascii_case(none));
        named.then_some(trigger)
    }
}

/// One conceptual statement (DOMAIN §2.5 "intelligence").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MentalModel {
    pub content: String,
}

/// A stored strategy or mental model as the admin lists show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stored<T> {
    pub id: i64,
    #[serde(flatten)]
    pub item: T,
    pub date_added: String,
}

/// What the prompts inject.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Knowledge {
    pub version: i64,
    pub strategies: Vec<Strategy>,
    pub mental_models: Vec<String>,
}

/// How many items an approval stored and how many were already known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Saved {
    pub saved: u32,
    pub skipped: u32,
}

fn sql_error(error: spin_sdk::sqlite::Error) -> String {
    error.to_string()
}

/// Lower-cased, whitespace collapsed, trimmed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The dedupe identity of a strategy.
pub fn strategy_key(strategy: &Strategy) -> String {
    format!("{}|{}|{}", normalize(&strategy.category), normalize(&strategy.trigger), normalize(&strategy.advice))
}

/// The current knowledge version (bumped by triggers on every change; part of cache keys).
pub fn version(db: &Connection) -> Result<i64, String> {
    let result = db.execute("SELECT version FROM knowledge_version WHERE id = 1", &[]).map_err(sql_error)?;
    Ok(result.rows.first().and_then(|row| integer(&row.values, 0)).unwrap_or(0))
}

/// The newest strategies and mental models for prompts, with the version they belong to.
pub fn load_for_prompts(db: &Connection) -> Result<Knowledge, String> {
    let version = version(db)?;
    let strategies = list_strategies(db, Some(PROMPT_STRATEGY_LIMIT))?.into_iter().map(|s| s.item).collect();
    let mental_models = list_mental_models(db, Some(PROMPT_MODEL_LIMIT))?.into_iter().map(|m| m.item.content).collect();
    Ok(Knowledge { version, strategies, mental_models })
}

/// The rows of `select` (a `SELECT … FROM` without ordering), newest first, at most `limit`.
fn newest(db: &Connection, select: &str, limit: Option<usize>) -> Result<Vec<spin_sdk::sqlite::RowResult>, String> {
    let limit = Value::Integer(limit.map_or(-1, |l| l as i64));
    Ok(db.execute(&format!("{select} ORDER BY id DESC LIMIT ?"), &[limit]).map_err(sql_error)?.rows)
}

/// Stored strategies, newest first.
pub fn list_strategies(db: &Connection, limit: Option<usize>) -> Result<Vec<Stored<Strategy>>, String> {
    let rows = newest(db, "SELECT id, category, trigger_text, advice, confidence, date_added FROM strategies", limit)?;
    Ok(rows
        .iter()
        .map(|row| Stored {
            id: integer(&row.values, 0).unwrap_or_default(),
            item: Strategy {
                category: text(&row.values, 1).unwrap_or_default(),
                trigger: text(&row.values, 2).unwrap_or_default(),
                advice: text(&row.values, 3).unwrap_or_default(),
                confidence: text(&row.values, 4).unwrap_or_default(),
            },
            date_added: text(&row.values, 5).unwrap_or_default(),
        })
        .collect())
}

/// Stored mental models, newest first.
pub fn list_mental_models(db: &Connection, limit: Option<usize>) -> Result<Vec<Stored<MentalModel>>, String> {
    let rows = newest(db, "SELECT id, content, date_added FROM mental_models", limit)?;
    Ok(rows
        .iter()
        .map(|row| Stored {
            id: integer(&row.values, 0).unwrap_or_default(),
            item: MentalModel { content: text(&row.values, 1).unwrap_or_default() },
            date_added: text(&row.values, 2).unwrap_or_default(),
        })
        .collect())
}

/// Total and added-today counts of `table` (`strategies` or `mental_models`).
pub fn counts(db: &Connection, table: &'static str) -> Result<(i64, i64), String> {
    let result = db
        .execute(
            &format!("SELECT COUNT(*), COALESCE(SUM(date_added = date('now')), 0) FROM {table}"),
            &[],
        )
        .map_err(sql_error)?;
    let row = result.rows.first().map(|row| row.values.clone()).unwrap_or_default();
    Ok((integer(&row, 0).unwrap_or(0), integer(&row, 1).unwrap_or(0)))
}

/// Deletes one stored item of `table` (`strategies` or `mental_models`); whether it existed. The
/// schema's triggers bump the knowledge version, so no cached advice built with it is served again.
pub fn delete(db: &Connection, table: &'static str, id: i64) -> Result<bool, String> {
    let deleted = db.execute(&format!("DELETE FROM {table} WHERE id = ? RETURNING id"), &[Value::Integer(id)]).map_err(sql_error)?;
    Ok(!deleted.rows.is_empty())
}

/// What an admin's edit of a stored item came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Edited<T> {
    Saved(Stored<T>),
    NotFound,
    /// Another stored item already says the same (its `content_key`); its id.
    Duplicate(i64),
}

/// Replaces stored strategy `id` with `strategy`; the version triggers make every later prompt
/// (and advice cache key) use the edit.
pub fn edit_strategy(db: &Connection, id: i64, strategy: Strategy) -> Result<Edited<Strategy>, String> {
    let values = [&strategy.category, &strategy.trigger, &strategy.advice, &strategy.confidence].map(|field| Value::Text(field.clone()));
    let edited = edit_row(db, "strategies", id, &strategy_key(&strategy), "category = ?, trigger_text = ?, advice = ?, confidence = ?", &values)?;
    Ok(edited.into_edited(id, strategy))
}

/// Replaces the statement of stored mental model `id` with `content`.
pub fn edit_mental_model(db: &Connection, id: i64, content: String) -> Result<Edited<MentalModel>, String> {
    let edited = edit_row(db, "mental_models", id, &normalize(&content), "content = ?", &[Value::Text(content.clone())])?;
    Ok(edited.into_edited(id, MentalModel { content }))
}

/// What [`edit_row`] did to the row.
enum RowEdit {
    Saved { date_added: String },
    NotFound,
    Duplicate(i64),
}

impl RowEdit {
    fn into_edited<T>(self, id: i64, item: T) -> Edited<T> {
        match self {
            RowEdit::Saved { date_added } => Edited::Saved(Stored { id, item, date_added }),
            RowEdit::NotFound => Edited::NotFound,
            RowEdit::Duplicate(other) => Edited::Duplicate(other),
        }
    }
}

/// Sets `assignments` (`values`) and the identity `key` on row `id` of `table`, unless another
/// row has that identity.
fn edit_row(db: &Connection, table: &'static str, id: i64, key: &str, assignments: &str, values: &[Value]) -> Result<RowEdit, String> {
    sqlite_kit::transaction(db, |db| {
        let same = db.execute(&format!("SELECT id FROM {table} WHERE content_key = ? AND id <> ?"), &[Value::Text(key.into()), Value::Integer(id)])?;
        if let Some(other) = same.rows.first().and_then(|row| integer(&row.values, 0)) {
            return Ok(RowEdit::Duplicate(other));
        }
        let mut parameters = values.to_vec();
        parameters.extend([Value::Text(key.into()), Value::Integer(id)]);
        let updated = db.execute(&format!("UPDATE {table} SET {assignments}, content_key = ? WHERE id = ? RETURNING date_added"), &parameters)?;
        Ok(match updated.rows.first() {
            Some(row) => RowEdit::Saved { date_added: text(&row.values, 0).unwrap_or_default() },
            None => RowEdit::NotFound,
        })
    })
    .map_err(sql_error)
}

/// Stores the strategies not yet known (with the models, see [`save_lesson`]).
fn save_strategies(db: &Connection, strategies: &[Strategy], job_id: i64) -> Result<Saved, spin_sdk::sqlite::Error> {
    let mut saved = Saved::default();
    for strategy in strategies {
        let inserted = db
            .execute(
                "INSERT INTO strategies (category, trigger_text, advice, confidence, source_job_id, date_added, content_key) \
                 VALUES (?, ?, ?, ?, ?, date('now'), ?) ON CONFLICT (content_key) DO NOTHING RETURNING id",
                &[
                    Value::Text(strategy.category.clone()),
                    Value::Text(strategy.trigger.clone()),
                    Value::Text(strategy.advice.clone()),
                    Value::Text(strategy.confidence.clone()),
                    Value::Integer(job_id),
                    Value::Text(strategy_key(strategy)),
                ],
            )?;
        if inserted.rows.is_empty() { saved.skipped += 1 } else { saved.saved += 1 }
    }
    Ok(saved)
}

fn save_mental_models(db: &Connection, models: &[String], job_id: i64) -> Result<Saved, spin_sdk::sqlite::Error> {
    let mut saved = Saved::default();
    for model in models {
        let inserted = db
            .execute(
                "INSERT INTO mental_models (content, source_job_id, date_added, content_key) \
                 VALUES (?, ?, date('now'), ?) ON CONFLICT (content_key) DO NOTHING RETURNING id",
                &[Value::Text(model.trim().to_string()), Value::Integer(job_id), Value::Text(normalize(model))],
            )?;
        if inserted.rows.is_empty() { saved.skipped += 1 } else { saved.saved += 1 }
    }
    Ok(saved)
}

/// Stores an approved lesson's strategies and mental models, skipping those already known. Call it
/// inside a transaction (`sqlite_kit::transaction`), so an error leaves none of the lesson behind.
pub fn save_lesson(db: &Connection, strategies: &[Strategy], models: &[String], job_id: i64) -> Result<(Saved, Saved), spin_sdk::sqlite::Error> {
    Ok((save_strategies(db, strategies, job_id)?, save_mental_models(db, models, job_id)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spacing() {
        let a = Strategy { category: "Buying".into(), trigger: "Rank  < 100k".into(), advice: "Buy ".into(), confidence: "High".into() };
        let b = Strategy { category: "buying".into(), trigger: "rank < 100K".into(), advice: " buy".into(), confidence: "Low".into() };
        assert_eq!(strategy_key(&a), strategy_key(&b));
        assert_eq!(normalize("  Idea\tA \n"), "idea a");
    }

    #[test]
    fn generic_triggers_name_no_situation() {
        let with = |trigger: &str| Strategy { category: "General".into(), trigger: trigger.into(), advice: "Check Amazon".into(), confidence: "Medium".into() };
        assert_eq!(with(" Rank under 100k ").situation(), Some("Rank under 100k"));
        for none in ["General", "manual entry", "  ", ""] {
            assert_eq!(with(none).situation(), None, "{none:?}");
        }
    }
}
