//! The learn job queue (`learn_jobs`, migration 0005): `POST /learn` inserts a pending job and
//! answers at once; the cron `jobs` component claims one job per tick, reports progress, and
//! stores the result for review. A claim is a lease: a run that crashed leaves a `running` job
//! whose lease expires and that is taken again, up to [`MAX_ATTEMPTS`] times.

use mentors::knowledge::Strategy;
use serde::Serialize;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read;

/// How long a claimed job stays with its run (a page 20 s, or a YouTube transcript's three
/// fetches 60 s, + extractions 30 s, with room).
pub const LEASE_SECS: i64 = 180;
/// Runs a job gets before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// What was submitted.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Text(String),
    Url(String),
}

/// A job as `GET /api/learn/<id>` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    pub job_id: i64,
    pub status: String,
    pub progress: String,
    pub input_kind: String,
    pub input: String,
    pub error: Option<String>,
    pub source_text: Option<String>,
    pub strategies: Option<Vec<Strategy>>,
    pub mental_models: Option<Vec<String>>,
    pub notes: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job as the list of recent lessons shows it (`GET /api/learn`): what was given, by whom, how
/// far it got and how much it found, so that an admin who left a job's page can find it again
/// and no finished lesson waits unreviewed and forgotten.
#[derive(Clone, Debug, Serialize)]
pub struct JobSummary {
    pub job_id: i64,
    pub status: String,
    pub progress: String,
    pub input_kind: String,
    /// The URL or the text on one line, at most [`PREVIEW_CHARS`] characters (and `…` when it goes on).
    pub input_preview: String,
    /// The admin who submitted it (`None` once their account is gone).
    pub submitted_by: Option<String>,
    pub error: Option<String>,
    /// How many strategies and mental models the extractions found (`None` until done).
    pub strategies_found: Option<i64>,
    pub mental_models_found: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How much of a submitted text a [`JobSummary`] shows.
pub const PREVIEW_CHARS: usize = 120;

/// A job taken by a run.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub input: Input,
}

fn sql_error(error: spin_sdk::sqlite::Error) -> String {
    error.to_string()
}

fn json_at<T: serde::de::DeserializeOwned>(values: &[Value], index: usize) -> Option<T> {
    read::text(values, index).and_then(|json| serde_json::from_str(&json).ok())
}

fn int_at(values: &[Value], index: usize) -> i64 {
    read::integer(values, index).unwrap_or(0)
}

/// Queues a job and returns its id.
pub fn submit(db: &Connection, user_id: i64, input: &Input, now: i64) -> Result<i64, String> {
    let (kind, value) = match input {
        Input::Text(text) => ("text", text),
        Input::Url(url) => ("url", url),
    };
    let result = db
        .execute(
            "INSERT INTO learn_jobs (user_id, input_kind, input, status, progress, created_at, updated_at) \
             VALUES (?, ?, ?, 'pending', 'queued', ?, ?) RETURNING id",
            &[Value::Integer(user_id), Value::Text(kind.into()), Value::Text(value.clone()), Value::Integer(now), Value::Integer(now)],
        )
        .map_err(sql_error)?;
    result.rows.first().map(|row| int_at(&row.values, 0)).ok_or_else(|| "no job id".into())
}

/// Takes the oldest pending job (or one whose run's lease expired); jobs out of attempts fail.
pub fn claim(db: &Connection, now: i64) -> Result<Option<Claimed>, String> {
    loop {
        let result = db
            .execute(
                "UPDATE learn_jobs SET status = 'running', attempts = attempts + 1, lease_expires_at = ?1 + ?2, \
                     progress = 'started', updated_at = ?1 \
                 WHERE id = (SELECT id FROM learn_jobs \
                             WHERE status = 'pending' OR (status = 'running' AND lease_expires_at < ?1) \
                             ORDER BY id LIMIT 1) \
                 RETURNING id, input_kind, input, attempts",
                &[Value::Integer(now), Value::Integer(LEASE_SECS)],
            )
            .map_err(sql_error)?;
        let Some(row) = result.rows.first() else { return Ok(None) };
        let id = int_at(&row.values, 0);
        if int_at(&row.values, 3) > MAX_ATTEMPTS {
            fail(db, id, &format!("gave up after {MAX_ATTEMPTS} interrupted runs"), now)?;
            continue;
        }
        let value = read::text(&row.values, 2).unwrap_or_default();
        let input = if read::text(&row.values, 1).as_deref() == Some("url") { Input::Url(value) } else { Input::Text(value) };
        return Ok(Some(Claimed { id, input }));
    }
}

/// Records how far a running job got.
pub fn progress(db: &Connection, id: i64, progress: &str, now: i64) -> Result<(), String> {
    db.execute(
        "UPDATE learn_jobs SET progress = ?, updated_at = ? WHERE id = ?",
        &[Value::Text(progress.into()), Value::Integer(now), Value::Integer(id)],
    )
    .map(|_| ())
    .map_err(sql_error)
}

/// The extracted result, ready for review.
pub struct Outcome<'a> {
    pub source_text: &'a str,
    pub strategies: &'a [Strategy],
    pub mental_models: &'a [String],
    pub notes: &'a [String],
}

/// Stores the result; the job is `done`.
pub fn complete(db: &Connection, id: i64, outcome: &Outcome<'_>, now: i64) -> Result<(), String> {
    db.execute(
        "UPDATE learn_jobs SET status = 'done', progress = 'ready for review', source_text = ?, strategies_json = ?, \
             mental_models_json = ?, notes_json = ?, error = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
        &[
            Value::Text(outcome.source_text.into()),
            Value::Text(to_json(outcome.strategies)),
            Value::Text(to_json(outcome.mental_models)),
            Value::Text(to_json(outcome.notes)),
            Value::Integer(now),
            Value::Integer(id),
        ],
    )
    .map(|_| ())
    .map_err(sql_error)
}

fn to_json<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Marks a job failed with a reason the admin can act on.
pub fn fail(db: &Connection, id: i64, error: &str, now: i64) -> Result<(), String> {
    db.execute(
        "UPDATE learn_jobs SET status = 'failed', progress = 'failed', error = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
        &[Value::Text(error.into()), Value::Integer(now), Value::Integer(id)],
    )
    .map(|_| ())
    .map_err(sql_error)
}

/// Marks a reviewed job approved (in the transaction that saves its lesson).
pub fn mark_approved(db: &Connection, id: i64, now: i64) -> Result<(), spin_sdk::sqlite::Error> {
    db.execute(
        "UPDATE learn_jobs SET status = 'approved', progress = 'approved', updated_at = ? WHERE id = ?",
        &[Value::Integer(now), Value::Integer(id)],
    )
    .map(|_| ())
}

/// The job with id `id`, if any.
pub fn get(db: &Connection, id: i64) -> Result<Option<Job>, String> {
    let result = db
        .execute(
            "SELECT id, status, progress, input_kind, input, error, source_text, strategies_json, mental_models_json, \
                    notes_json, created_at, updated_at FROM learn_jobs WHERE id = ?",
            &[Value::Integer(id)],
        )
        .map_err(sql_error)?;
    Ok(result.rows.first().map(|row| {
        let v = &row.values;
        Job {
            job_id: int_at(v, 0),
            status: read::text(v, 1).unwrap_or_default(),
            progress: read::text(v, 2).unwrap_or_default(),
            input_kind: read::text(v, 3).unwrap_or_default(),
            input: read::text(v, 4).unwrap_or_default(),
            error: read::text(v, 5),
            source_text: read::text(v, 6),
            strategies: json_at(v, 7),
            mental_models: json_at(v, 8),
            notes: json_at(v, 9).unwrap_or_default(),
            created_at: int_at(v, 10),
            updated_at: int_at(v, 11),
        }
    }))
}

/// The `limit` most recent jobs, newest first.
pub fn recent(db: &Connection, limit: u32) -> Result<Vec<JobSummary>, String> {
    let result = db
        .execute(
            "SELECT j.id, j.status, j.progress, j.input_kind, substr(j.input, 1, ?1), u.username, j.error, \
                    iif(json_valid(j.strategies_json), json_array_length(j.strategies_json), NULL), \
                    iif(json_valid(j.mental_models_json), json_array_length(j.mental_models_json), NULL), j.created_at, j.updated_at \
             FROM learn_jobs j LEFT JOIN users u ON u.id = j.user_id ORDER BY j.id DESC LIMIT ?2",
            &[Value::Integer(PREVIEW_READ_CHARS as i64 + 1), Value::Integer(i64::from(limit))],
        )
        .map_err(sql_error)?;
    Ok(result
        .rows
        .iter()
        .map(|row| {
            let v = &row.values;
            JobSummary {
                job_id: int_at(v, 0),
                status: read::text(v, 1).unwrap_or_default(),
                progress: read::text(v, 2).unwrap_or_default(),
                input_kind: read::text(v, 3).unwrap_or_default(),
                input_preview: preview(&read::text(v, 4).unwrap_or_default()),
                submitted_by: read::text(v, 5),
                error: read::text(v, 6),
                strategies_found: read::integer(v, 7),
                mental_models_found: read::integer(v, 8),
                created_at: int_at(v, 9),
                updated_at: int_at(v, 10),
            }
        })
        .collect())
}

/// How much of an input is read to make its preview: enough for [`PREVIEW_CHARS`] once pasted
/// line breaks and indentation are folded.
const PREVIEW_READ_CHARS: usize = 4 * PREVIEW_CHARS;

/// The preview of an input from `start`, its first [`PREVIEW_READ_CHARS`] + 1 characters at
/// most: whitespace runs folded so a pasted article reads as one line, cut to [`PREVIEW_CHARS`],
/// and `…` when the input goes on.
fn preview(start: &str) -> String {
    let folded = start.split_whitespace().collect::<Vec<_>>().join(" ");
    let read_all = start.chars().count() <= PREVIEW_READ_CHARS;
    if read_all && folded.chars().count() <= PREVIEW_CHARS {
        return folded;
    }
    let cut: String = folded.chars().take(PREVIEW_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_one_line_cut_with_an_ellipsis_only_when_the_input_goes_on() {
        assert_eq!(preview("Buy  textbooks\n\nin June."), "Buy textbooks in June.");
        let exactly = "é".repeat(PREVIEW_CHARS);
        assert_eq!(preview(&exactly), exactly);
        assert_eq!(preview(&format!("{exactly}x")), format!("{exactly}…"));
        let indented = format!("{}{exactly}", "\n".repeat(PREVIEW_READ_CHARS - PREVIEW_CHARS));
        assert_eq!(preview(&indented), exactly, "leading blank lines do not count");
        let read_part = format!("{}short", " ".repeat(PREVIEW_READ_CHARS));
        assert_eq!(preview(&format!("{read_part} ")), "short…", "the input went on past what was read");
    }
}
