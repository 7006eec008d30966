//! Shared by the AI tests (ai.rs, learn.rs): the app wired to a mock LLM, an admin and a user
//! signed in through the real admin CLI and `/login`, deals written into the state directory,
//! and readers for the usage ledger and learn jobs.

#![allow(dead_code)] // each test binary uses a different part

use crate::accounts_support::{self, Session};
use deals_bench::FixtureDeal;
use integration_tests::mock_llm::MockLlm;
use integration_tests::{Reply, RuntimeProcess, RuntimeProcessBuilder};
use std::time::Duration;

/// The app, its mock provider and two signed-in accounts.
pub struct AiApp {
    pub app: RuntimeProcess,
    pub llm: MockLlm,
    pub admin: Session,
    pub user: Session,
}

/// Starts the app with the mock LLM configured (plus `variables`) and signs in `admin` and `user`.
pub fn start(variables: &[(&str, &str)]) -> AiApp {
    start_with(variables, |builder| builder)
}

/// Like [`start`], with extra runtime options (e.g. a runtime-config file).
pub fn start_with(variables: &[(&str, &str)], options: impl FnOnce(RuntimeProcessBuilder) -> RuntimeProcessBuilder) -> AiApp {
    let llm = MockLlm::start();
    let mut builder = RuntimeProcessBuilder::new("spin.toml").variable("llm_base_url", &llm.url()).variable("llm_api_key", "test-key");
    for (name, value) in variables {
        builder = builder.variable(name, value);
    }
    let app = options(builder).start();
    accounts_support::add_user(&app, "admin", "admin");
    accounts_support::add_user(&app, "user", "user");
    let admin = accounts_support::login(&app, "admin");
    let user = accounts_support::login(&app, "user");
    AiApp { app, llm, admin, user }
}

/// A profitable, fast-selling fixture deal.
pub fn good_deal(asin: &str) -> FixtureDeal {
    let mut deal = FixtureDeal::new(asin);
    deal.title = format!("Calculus Textbook {asin}");
    deal.price_now_cents = 1500;
    deal.list_at_cents = Some(9000);
    deal
}

impl AiApp {
    pub fn insert_deals(&self, deals: &[FixtureDeal]) {
        accounts_support::insert_deals(&self.app, deals);
    }

    /// `GET /api/ava-advice/<asin>?mentor=<mentor>` as the user.
    pub fn advice(&self, asin: &str, mentor: &str) -> Reply {
        self.user.get(&format!("/api/ava-advice/{asin}?mentor={mentor}"))
    }

    /// The provider's last failure for good, as the admin's AI usage page shows it (null: none).
    pub fn last_failure(&self) -> serde_json::Value {
        self.admin.get("/api/admin/ai-usage").json()["last_failure"].clone()
    }

    /// Today's `(calls, failures, cache_hits, offline_answers)` of a feature.
    pub fn usage(&self, feature: &str) -> (i64, i64, i64, i64) {
        self.app
            .database()
            .query_row(
                "SELECT calls, failures, cache_hits, offline_answers FROM ai_usage WHERE day = date('now') AND feature = ?",
                [feature],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap_or((0, 0, 0, 0))
    }

    /// Submits JSON to `POST /learn` as the admin; returns the job id.
    pub fn learn(&self, body: &serde_json::Value) -> i64 {
        let reply = self.admin.post_json("/learn", body);
        assert_eq!(reply.status, 202, "{}", reply.body);
        reply.json()["job_id"].as_i64().expect("job_id")
    }

    /// Polls `GET /api/learn/<id>` until the job is no longer pending or running (the cron
    /// worker runs every 5 s; a loaded machine gets a generous limit).
    pub fn wait_for_job(&self, id: i64) -> serde_json::Value {
        let mut last = serde_json::Value::Null;
        let finished = self.app.wait_until(Duration::from_secs(90), || {
            let reply = self.admin.get(&format!("/api/learn/{id}"));
            assert_eq!(reply.status, 200, "{}", reply.body);
            last = reply.json();
            !matches!(last["status"].as_str(), Some("pending" | "running"))
        });
        assert!(finished, "learn job {id} did not finish: {last}");
        last
    }
}
