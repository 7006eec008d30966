//! A month of user traffic written straight into the state directory, in the formats the
//! components write (so the maintenance component and the size report see real rows):
//! users and settings (crates/accounts), one session per active user per day (accounts'
//! token hash, and its clean-up of the user's expired sessions at login), mentor chat
//! (crates/mentors history: a conversation per active user-day), the AI ledger (`ai_usage` per day
//! and feature, `ai_user_usage` per user and day), learn jobs and approved strategies, and the
//! key-value entries that are kv-ttl envelopes: advice answers under llm-client's cache keys (24 h),
//! deal-count snapshots (deals-query, 24 h) and ingestion's AI answers (90 d / 30 d / 1 d).
//! Timestamps are spread over the 30 days before now; sizes of texts are drawn from the ranges the
//! prompts allow (chat replies ≤ 300 tokens, advice ≤ 1,000).

use std::path::Path;

use rusqlite::{Connection, params};

use domain::splitmix::SplitMix64;

const DAY: i64 = 24 * 3600;

/// How much traffic a month brings.
#[derive(Clone, Debug)]
pub struct TrafficPlan {
    pub days: i64,
    pub subscribers: i64,
    /// Distinct users signing in on a day (each logs in once that day).
    pub active_per_day: i64,
    /// Chat rows per active user-day (half questions, half the mentor's replies).
    pub chat_messages: i64,
    /// Advice answers from the provider per active user-day (cache misses: one entry each).
    pub advice_answers: i64,
    /// Distinct deal-count snapshots (filter and settings combinations) per active user-day.
    pub count_snapshots: i64,
    /// Ingestion's AI answers per day (its daily share of the provider budget).
    pub ingest_ai_answers: i64,
    pub learn_jobs_per_day: i64,
}

impl Default for TrafficPlan {
    fn default() -> Self {
        TrafficPlan {
            days: 30,
            subscribers: 30_000,
            active_per_day: 10_000,
            chat_messages: 10,
            advice_answers: 2,
            count_snapshots: 2,
            ingest_ai_answers: 500,
            learn_jobs_per_day: 2,
        }
    }
}

/// Rows written, for the report.
#[derive(Debug, Default, PartialEq)]
pub struct Written {
    pub users: i64,
    pub sessions: i64,
    pub chat_messages: i64,
    pub kv_entries: i64,
    pub learn_jobs: i64,
}

const MENTORS: [&str; 4] = ["olyvia", "joel", "evelyn", "errol"];
const WORDS: [&str; 24] = [
    "deal", "margin", "rank", "textbook", "season", "profit", "offers", "list", "price", "buy", "consider", "risk",
    "the", "a", "at", "this", "with", "fees", "sells", "trend", "history", "used", "condition", "return",
];

/// `len` bytes of prose (as HTML paragraphs when `html`).
fn prose(rng: &mut SplitMix64, len: i64, html: bool) -> String {
    let mut text = String::with_capacity(len as usize + 16);
    if html {
        text.push_str("<p>");
    }
    while (text.len() as i64) < len {
        text.push_str(WORDS[rng.between(0, WORDS.len() as i64) as usize]);
        text.push(if rng.chance(8) { '.' } else { ' ' });
    }
    if html {
        text.push_str("</p>");
    }
    text
}

/// A pool of texts with lengths in `low..high`, reused across rows (SQLite stores each row's copy).
fn pool(rng: &mut SplitMix64, low: i64, high: i64, html: bool) -> Vec<String> {
    (0..256).map(|_| { let len = rng.between(low, high); prose(rng, len, html) }).collect()
}

/// Writes the plan's month, ending at `now`, into the migrated database and key-value store.
pub fn write(db: &mut Connection, kv: &mut Connection, plan: &TrafficPlan, now: i64) -> anyhow::Result<Written> {
    let mut rng = SplitMix64(0x5EED_0FAA);
    let mut written = Written::default();
    let questions = pool(&mut rng, 60, 300, false);
    let replies = pool(&mut rng, 300, 1200, true);
    let advice = pool(&mut rng, 800, 2400, true);
    let sources = pool(&mut rng, 5_000, 40_000, false);
    // One real argon2id hash (every row has the same length; hashing 30,000 would take minutes).
    let password_hash = passwords::hash("simulated-subscriber").map_err(anyhow::Error::msg)?;
    let asins: Vec<String> = {
        let mut statement = db.prepare("SELECT asin FROM deals")?;
        statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?
    };
    anyhow::ensure!(!asins.is_empty(), "no deals: ingest first");
    let start = now - plan.days * DAY;

    let tx = db.transaction()?;
    for user in 1..=plan.subscribers {
        let role = if user == 1 { "admin" } else { "user" };
        tx.execute(
            "INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user, format!("subscriber{user}"), password_hash, role, start - DAY],
        )?;
        if user % 3 == 0 {
            tx.execute(
                "INSERT INTO user_settings (user_id, prep_fee_cents, inbound_shipping_cents, sales_tax_pct, markup_pct, updated_at)
                 VALUES (?1, ?2, 399, 7.25, 15.0, ?3)",
                params![user, 100 + user % 300, start],
            )?;
        }
        written.users += 1;
    }
    tx.commit()?;

    let mut users: Vec<i64> = (1..=plan.subscribers).collect();
    for day in 0..plan.days {
        let day_start = start + day * DAY;
        // Today's active users: the first `active_per_day` of a fresh shuffle.
        for i in 0..users.len() {
            let j = rng.between(i as i64, users.len() as i64) as usize;
            users.swap(i, j);
        }
        let tx = db.transaction()?;
        let kv_tx = kv.transaction()?;
        {
            let mut expire_sessions = tx.prepare_cached(
                "DELETE FROM sessions WHERE user_id = ?1 AND (last_seen_at <= ?2 OR created_at <= ?3)",
            )?;
            let mut session = tx.prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut conversation = tx.prepare_cached(
                "INSERT INTO chat_conversations (user_id, mentor, created_at, updated_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            )?;
            let mut message =
                tx.prepare_cached("INSERT INTO chat_messages (conversation_id, role, content, created_at) VALUES (?1, ?2, ?3, ?4)")?;
            let mut user_usage = tx.prepare_cached(
                "INSERT INTO ai_user_usage (day, user_id, calls) VALUES (date(?1, 'unixepoch'), ?2, ?3)
                 ON CONFLICT (day, user_id) DO UPDATE SET calls = calls + excluded.calls",
            )?;
            let mut entry = kv_tx.prepare_cached("INSERT OR REPLACE INTO spin_key_value (store, key, value) VALUES ('default', ?1, ?2)")?;
            for &user in &users[..plan.active_per_day as usize] {
                let at = (day_start + rng.between(6 * 3600, 22 * 3600)).min(now - 3600);
                // accounts::session::create: the user's expired sessions go at login.
                expire_sessions.execute(params![
                    user,
                    at - accounts::session::IDLE_LIMIT_SECS,
                    at - accounts::session::ABSOLUTE_LIMIT_SECS
                ])?;
                let token = accounts::token::random().map_err(anyhow::Error::msg)?;
                let csrf = accounts::token::random().map_err(anyhow::Error::msg)?;
                let last_seen = (at + rng.between(60, 3 * 3600)).min(now);
                session.execute(params![accounts::token::hash(&token), user, csrf, at, last_seen])?;
                written.sessions += 1;

                let mentor = MENTORS[rng.between(0, 4) as usize];
                if plan.chat_messages > 0 {
                    let end = at + 60 * plan.chat_messages;
                    let id: i64 = conversation.query_row(params![user, mentor, at, end], |row| row.get(0))?;
                    for n in 0..plan.chat_messages {
                        let (role, content) = if n % 2 == 0 {
                            ("user", &questions[rng.between(0, 256) as usize])
                        } else {
                            ("assistant", &replies[rng.between(0, 256) as usize])
                        };
                        message.execute(params![id, role, content, at + 60 * n])?;
                        written.chat_messages += 1;
                    }
                }
                user_usage.execute(params![at, user, plan.advice_answers + plan.chat_messages / 2])?;

                for k in 0..plan.advice_answers {
                    let asin = &asins[rng.between(0, asins.len() as i64) as usize];
                    let facts = format!("{{\"asin\":\"{asin}\",\"user\":{user},\"at\":{}}}", at + k);
                    let settings = format!("{{\"prep_fee\":{}}}", if user % 3 == 0 { 100 + user % 300 } else { 275 });
                    let key = llm_client::cache::key("advice", &[&facts, mentor, "1", &settings, "grok-4-1-fast-reasoning"]);
                    let html = &advice[rng.between(0, 256) as usize];
                    entry.execute(params![key, kv_ttl::encode(html.as_bytes(), at + DAY)])?;
                    written.kv_entries += 1;
                }
                for _ in 0..plan.count_snapshots {
                    let key = format!("deal-count/{:016x}", rng.next_u64());
                    let snapshot = format!("{{\"version\":{},\"counted\":{{\"count\":{},\"max_id\":{}}}}}", rng.between(1, 1 << 20), rng.between(0, 20_000), rng.between(20_000, 40_000));
                    entry.execute(params![key, kv_ttl::encode(snapshot.as_bytes(), at + DAY)])?;
                    written.kv_entries += 1;
                }
            }
            // Ingestion's AI answers: seasonality (90 days), price review (30 days), rescue (1 day).
            for n in 0..plan.ingest_ai_answers {
                let at = day_start + rng.between(0, DAY);
                let asin = &asins[rng.between(0, asins.len() as i64) as usize];
                let (question, ttl, answer) = match n % 5 {
                    0 | 1 => ("seasonality", 90 * DAY, "{\"label\":\"Fall Semester\",\"peak\":8,\"trough\":12}".to_string()),
                    2 | 3 => ("price_review", 30 * DAY, "{\"verdict\":\"Yes\"}".to_string()),
                    _ => ("rescue", DAY, prose(&mut rng, 200, false)),
                };
                let key = llm_client::cache::key("ingest-ai", &[question, asin, &at.to_string(), &n.to_string()]);
                entry.execute(params![key, kv_ttl::encode(answer.as_bytes(), at + ttl)])?;
                written.kv_entries += 1;
            }
            let active = plan.active_per_day;
            for (feature, calls, hits) in [
                ("advice", active * plan.advice_answers, active * plan.advice_answers * 4),
                ("chat", active * plan.chat_messages / 2, 0),
                ("learn", plan.learn_jobs_per_day * 3, 0),
                ("ingest", plan.ingest_ai_answers, plan.ingest_ai_answers),
            ] {
                let (prompt, completion) = (calls * 900, calls * 350);
                let tokens = llm_client::Completion {
                    content: String::new(),
                    cut_off: false,
                    prompt_tokens: prompt as u64,
                    cached_prompt_tokens: 0,
                    completion_tokens: completion as u64,
                };
                tx.execute(
                    "INSERT INTO ai_usage (day, feature, calls, prompt_tokens, completion_tokens, estimated_cost_micro_usd, cache_hits)
                     VALUES (date(?1, 'unixepoch'), ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![day_start, feature, calls, prompt, completion,
                        llm_client::pricing::Prices::default().cost_micro_usd(&tokens) as i64, hits],
                )?;
            }
            for _ in 0..plan.learn_jobs_per_day {
                let at = day_start + rng.between(0, DAY);
                let source = &sources[rng.between(0, 256) as usize];
                let strategies: Vec<serde_json::Value> = (0..5)
                    .map(|_| serde_json::json!({"category": "Buying", "trigger": prose(&mut rng, 60, false), "advice": prose(&mut rng, 200, false), "confidence": "High"}))
                    .collect();
                let id: i64 = tx.query_row(
                    "INSERT INTO learn_jobs (user_id, input_kind, input, status, progress, attempts, source_text, strategies_json,
                        mental_models_json, notes_json, created_at, updated_at)
                     VALUES (1, 'url', ?1, 'approved', 'Approved', 1, ?2, ?3, '[]', '[]', ?4, ?5) RETURNING id",
                    params![format!("https://example.com/articles/{at}"), source, serde_json::Value::from(strategies.clone()).to_string(), at, at + 600],
                    |row| row.get(0),
                )?;
                for strategy in &strategies {
                    tx.execute(
                        "INSERT OR IGNORE INTO strategies (category, trigger_text, advice, confidence, source_job_id, date_added, content_key)
                         VALUES ('Buying', ?1, ?2, 'High', ?3, date(?4, 'unixepoch'), ?5)",
                        params![strategy["trigger"].as_str(), strategy["advice"].as_str(), id, at,
                            format!("buying|{}|{}", strategy["trigger"].as_str().unwrap_or(""), strategy["advice"].as_str().unwrap_or(""))],
                    )?;
                }
                written.learn_jobs += 1;
            }
        }
        tx.commit()?;
        kv_tx.commit()?;
    }
    Ok(written)
}

/// Opens the state directory's database and key-value store (the runtime has created both) and
/// writes the plan's month ending now.
pub fn write_state_dir(state_dir: &Path, plan: &TrafficPlan) -> anyhow::Result<Written> {
    let open = |name: &str| -> anyhow::Result<Connection> {
        let connection = Connection::open(state_dir.join(name))?;
        connection.busy_timeout(std::time::Duration::from_secs(30))?;
        // Bulk generation only: the runtime reopens with its own settings.
        connection.pragma_update(None, "synchronous", "OFF")?;
        Ok(connection)
    };
    let (mut db, mut kv) = (open("sqlite_db.db")?, open("sqlite_key_value.db")?);
    write(&mut db, &mut kv, plan, crate::mock_keepa::unix_now())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migrated in-memory database with a few deals, and Spin's key-value table.
    fn stores() -> (Connection, Connection) {
        let mut db = Connection::open_in_memory().unwrap();
        let mut files: Vec<_> = std::fs::read_dir(crate::repo_root().join("migrations")).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            db.execute_batch(&std::fs::read_to_string(file).unwrap()).unwrap();
        }
        let tx = db.transaction().unwrap();
        for n in 0..5 {
            tx.execute("INSERT INTO products (asin, updated_at) VALUES (?1, 0)", [format!("B00000000{n}")]).unwrap();
            tx.execute("INSERT INTO deals (asin, source, last_seen_at, analyzed_at) VALUES (?1, 'keepa', 0, 0)", [format!("B00000000{n}")]).unwrap();
        }
        tx.commit().unwrap();
        let kv = Connection::open_in_memory().unwrap();
        kv.execute_batch("CREATE TABLE spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))").unwrap();
        (db, kv)
    }

    #[test]
    fn writes_the_planned_rows_in_the_components_formats() {
        let (mut db, mut kv) = stores();
        let plan = TrafficPlan { days: 10, subscribers: 40, active_per_day: 20, ingest_ai_answers: 5, ..TrafficPlan::default() };
        let now = 1_800_000_000;
        let written = write(&mut db, &mut kv, &plan, now).unwrap();
        assert_eq!(written.sessions, 200);
        assert_eq!(written.chat_messages, 200 * plan.chat_messages);
        let count = |sql: &str| db.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
        // Sessions idle for 7 days were removed when their user logged in again.
        assert!(count("SELECT COUNT(*) FROM sessions") < 200);
        assert_eq!(count("SELECT COUNT(*) FROM sessions WHERE length(token_hash) = 64"), count("SELECT COUNT(*) FROM sessions"));
        assert_eq!(count("SELECT MIN(created_at) >= 1800000000 - 10 * 86400 FROM sessions"), 1);
        assert_eq!(count("SELECT COUNT(*) FROM ai_usage"), 40);
        // Every key-value entry is an envelope the maintenance sweep can read.
        let mut statement = kv.prepare("SELECT key, value FROM spin_key_value").unwrap();
        let entries: Vec<(String, Vec<u8>)> = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(entries.len() as i64, written.kv_entries);
        assert!(entries.iter().all(|(_, value)| kv_ttl::decode(value).is_some()));
        let expired = entries.iter().filter(|(_, value)| kv_ttl::decode(value).unwrap().0 <= now).count();
        assert!(expired > entries.len() / 2, "most of a month's 24-hour entries have expired");
        assert!(entries.iter().any(|(key, _)| key.starts_with("advice:")) && entries.iter().any(|(key, _)| key.starts_with("deal-count/")));
    }
}
