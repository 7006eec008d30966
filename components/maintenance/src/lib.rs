//! The hourly maintenance job. Everything the app keeps grows with use; this is where each kind
//! of data gets its bound, so the database of a year-old install is as small as a month-old one:
//! expired sessions go, chat history is capped per user, finished learn jobs, old per-user AI
//! counts and expired in-flight marks of AI questions are pruned, expired key-value cache entries
//! are swept (Spin's store has no TTL), and SQLite refreshes its query-planner statistics. What
//! was done is recorded in `system_state` under `maintenance`.

mod prune;

use serde::Serialize;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::{Connection, Value};

wit_bindgen::generate!({ path: "../../wit/cron", world: "spin-cron" });

/// What one run removed.
#[derive(Serialize, Default)]
struct Outcome {
    ran_at: i64,
    sessions: usize,
    chat_messages: usize,
    learn_jobs: usize,
    ai_user_usage_days: usize,
    ai_in_flight_marks: usize,
    cache_entries: usize,
}

struct Maintenance;

impl Guest for Maintenance {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        run(metadata.timestamp as i64).map_err(Error::Other)
    }
}

fn run(now: i64) -> Result<(), String> {
    let db = Connection::open_default().map_err(|e| format!("cannot open the database: {e}"))?;
    let store = Store::open_default().map_err(|e| format!("cannot open the key-value store: {e}"))?;
    let outcome = Outcome {
        ran_at: now,
        sessions: prune::expired_sessions(&db, now)?,
        chat_messages: prune::chat_history(&db, now)?,
        learn_jobs: prune::finished_learn_jobs(&db, now)?,
        ai_user_usage_days: prune::old_ai_user_usage(&db, now)?,
        ai_in_flight_marks: prune::expired_ai_in_flight(&db, now)?,
        cache_entries: kv_ttl::sweep(&store, now).map_err(|e| format!("sweeping the cache: {e}"))?,
    };
    db.execute("PRAGMA optimize", &[]).map_err(|e| format!("PRAGMA optimize: {e}"))?;
    let summary = serde_json::to_string(&outcome).map_err(|e| e.to_string())?;
    db.execute(
        "INSERT INTO system_state (key, value, updated_at) VALUES ('maintenance', ?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[Value::Text(summary.clone()), Value::Integer(now)],
    )
    .map_err(|e| format!("recording the outcome: {e}"))?;
    println!("maintenance: {summary}");
    Ok(())
}

export!(Maintenance);
