//! The hourly maintenance job, fired once at start: each kind of data is cut back to its bound and
//! nothing else is touched.

use integration_tests::{RuntimeProcessBuilder, runtime_command};
use rusqlite::{Connection, params};
use std::time::Duration;

const DAY: i64 = 24 * 3600;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Data of every kind the job prunes, some of it due and some not.
fn seed(db: &Connection, kv: &Connection) {
    let now = now();
    db.execute("INSERT INTO users (id, username, password_hash, role, created_at) VALUES (1, 'ann', 'x', 'user', ?1)", [now])
        .unwrap();
    for (token, created, seen) in [("fresh", now - DAY, now), ("idle", now - 10 * DAY, now - 8 * DAY), ("old", now - 31 * DAY, now)] {
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?1, 1, 'c', ?2, ?3)",
            params![token, created, seen],
        )
        .unwrap();
    }
    db.execute("INSERT INTO chat_conversations (id, user_id, mentor, created_at, updated_at) VALUES (1, 1, 'olyvia', ?1, ?1)", [now])
        .unwrap();
    for i in 0..600 {
        db.execute(
            "INSERT INTO chat_messages (conversation_id, role, content, created_at) VALUES (1, 'user', ?1, ?2)",
            params![format!("message {i}"), now],
        )
        .unwrap();
    }
    // Bob's two oldest messages are past the 90-day retention; the recent one stays.
    db.execute("INSERT INTO users (id, username, password_hash, role, created_at) VALUES (2, 'bob', 'x', 'user', ?1)", [now])
        .unwrap();
    db.execute("INSERT INTO chat_conversations (id, user_id, mentor, created_at, updated_at) VALUES (2, 2, 'joel', ?1, ?1)", [now])
        .unwrap();
    for (content, age_days) in [("bob ancient", 120), ("bob old", 91), ("bob recent", 89)] {
        db.execute(
            "INSERT INTO chat_messages (conversation_id, role, content, created_at) VALUES (2, 'user', ?1, ?2)",
            params![content, now - age_days * DAY],
        )
        .unwrap();
    }
    let jobs = [
        ("old done", "done", now - 40 * DAY),
        ("old approved", "approved", now - 40 * DAY),
        ("recent done", "done", now - DAY),
        ("old pending", "pending", now - 40 * DAY),
    ];
    for (input, status, updated) in jobs {
        db.execute(
            "INSERT INTO learn_jobs (user_id, input_kind, input, status, progress, created_at, updated_at)
             VALUES (1, 'text', ?1, ?2, '', ?3, ?3)",
            params![input, status, updated],
        )
        .unwrap();
    }
    for day in ["2020-01-01", "2099-01-01"] {
        db.execute("INSERT INTO ai_user_usage (day, user_id, calls) VALUES (?1, 1, 3)", [day]).unwrap();
    }
    for (key, until) in [("advice:answered", now - 60), ("advice:asking", now + 3600)] {
        db.execute("INSERT INTO ai_in_flight (cache_key, until) VALUES (?1, ?2)", params![key, until]).unwrap();
    }
    kv.execute_batch(
        "CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                                                    PRIMARY KEY (store, key))",
    )
    .unwrap();
    for (key, value) in [
        ("expired", kv_ttl::encode(b"old", now - 1)),
        ("live", kv_ttl::encode(b"new", now + DAY)),
        ("foreign", b"{\"not\": \"an envelope\"}".to_vec()),
    ] {
        kv.execute("INSERT INTO spin_key_value (store, key, value) VALUES ('default', ?1, ?2)", params![key, value]).unwrap();
    }
}

fn strings(db: &Connection, sql: &str) -> Vec<String> {
    db.prepare(sql).unwrap().query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn maintenance_prunes_each_kind_of_data_to_its_bound() {
    let state = tempfile::tempdir().unwrap();
    let migrated = runtime_command()
        .args(["migrate", "-f"])
        .arg(integration_tests::repo_root().join("spin.toml"))
        .arg("--state-dir")
        .arg(state.path())
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let db = Connection::open(state.path().join("sqlite_db.db")).unwrap();
    let kv = Connection::open(state.path().join("sqlite_key_value.db")).unwrap();
    seed(&db, &kv);

    let app = RuntimeProcessBuilder::new("spin.toml").state_dir(state.path()).arg("--cron-at-start").start();
    let recorded = app.wait_until(Duration::from_secs(60), || {
        db.query_row("SELECT COUNT(*) FROM system_state WHERE key = 'maintenance'", [], |row| row.get::<_, i64>(0)).unwrap() == 1
    });
    assert!(recorded, "maintenance did not run:\n{}", app.log());

    assert_eq!(strings(&db, "SELECT token_hash FROM sessions"), vec!["fresh"]);
    let kept: Vec<String> = strings(&db, "SELECT content FROM chat_messages WHERE conversation_id = 1 ORDER BY id");
    assert_eq!(kept.len(), 500);
    assert_eq!(kept.first().unwrap(), "message 100");
    assert_eq!(kept.last().unwrap(), "message 599");
    assert_eq!(strings(&db, "SELECT content FROM chat_messages WHERE conversation_id = 2"), vec!["bob recent"]);
    // The jobs worker may have picked up the pending one meanwhile; either way it is not pruned.
    assert_eq!(strings(&db, "SELECT input FROM learn_jobs ORDER BY input"), vec!["old pending", "recent done"]);
    assert_eq!(strings(&db, "SELECT day FROM ai_user_usage"), vec!["2099-01-01"]);
    assert_eq!(strings(&db, "SELECT cache_key FROM ai_in_flight"), vec!["advice:asking"]);
    let mut keys = strings(&kv, "SELECT key FROM spin_key_value WHERE store = 'default'");
    keys.sort();
    assert!(!keys.contains(&"expired".to_string()), "{keys:?}");
    assert!(keys.contains(&"live".to_string()) && keys.contains(&"foreign".to_string()), "{keys:?}");
    let summary: String = db.query_row("SELECT value FROM system_state WHERE key = 'maintenance'", [], |row| row.get(0)).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["sessions"], 2);
    assert_eq!(summary["chat_messages"], 102);
    assert_eq!(summary["learn_jobs"], 2);
    assert_eq!(summary["ai_in_flight_marks"], 1);
    assert_eq!(summary["cache_entries"], 1);
}
