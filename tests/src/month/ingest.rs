//! The catalogue of a month, built by the real ingest component against the mock Keepa: batches of
//! mock books (one mock per batch, each with its own seed and so its own ASINs; a mock holds its
//! whole catalogue with 3-year histories in memory, ~160 KB a book) until the target number of deals
//! is stored, then churn cycles: a share of the deals is marked unseen for longer than the
//! janitor's 72 h and a batch of new books is ingested, at the end of which the janitor deletes
//! the unseen ones — as a month of deals dropping off Keepa's list and new ones appearing.

use std::path::Path;
use std::time::Instant;

use rusqlite::params;

use crate::mock_keepa::{IngestApp, MockKeepa, MockKeepaOptions, unix_now};

/// What to build.
#[derive(Clone, Debug)]
pub struct IngestPlan {
    /// Deals stored at the end.
    pub deals: usize,
    /// Share of `deals` replaced during the month, in percent.
    pub churn_pct: usize,
    /// The churn is spread over this many cycles (free pages of one are reused by the next).
    pub churn_cycles: usize,
    /// Mock books per ingest run (bounds the mock's memory).
    pub batch_books: usize,
}

/// Share of mock books the analysis stores as deals (dead and overpriced titles are rejected);
/// measured, and only used to size batches: each phase runs until its count is reached.
const STORED_PER_BOOK: f64 = 0.9;

struct Ingestor<'a> {
    state_dir: &'a Path,
    next_seed: u64,
}

impl Ingestor<'_> {
    /// One ingest run over `books` new mock books; returns (added, removed) deals.
    fn batch(&mut self, books: usize) -> anyhow::Result<(u64, u64)> {
        let seed = self.next_seed;
        self.next_seed += 1;
        let keepa = MockKeepa::start(MockKeepaOptions { seed, books, tokens: 100_000_000, refill_per_min: 1_000_000 });
        // A new mock's books were updated hours ago, before the previous pass's watermark: start a
        // fresh discovery pass, as on a new install.
        self.db()?.execute("DELETE FROM system_state WHERE key = 'ingest.discovery'", [])?;
        let started = Instant::now();
        let (app, report) = IngestApp::new(&keepa, self.state_dir)
            .variable("ingest_new_deal_cap", "100000")
            .variable("ingest_max_pages", "1000")
            .variable("ingest_max_run_secs", "1200")
            .variable("keepa_timeout_secs", "60")
            .run_once();
        app.stop();
        anyhow::ensure!(report["outcome"] == "completed", "ingest run did not complete: {report}");
        let (added, removed) = (report["deals_added"].as_u64().unwrap_or(0), report["deals_removed"].as_u64().unwrap_or(0));
        eprintln!("ingest: seed {seed}, {books} books: +{added} −{removed} deals in {:.0} s", started.elapsed().as_secs_f64());
        Ok((added, removed))
    }

    fn db(&self) -> rusqlite::Result<rusqlite::Connection> {
        let db = rusqlite::Connection::open(self.state_dir.join("sqlite_db.db"))?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(db)
    }

    fn deal_count(&self) -> anyhow::Result<usize> {
        Ok(self.db()?.query_row("SELECT COUNT(*) FROM deals", [], |row| row.get::<_, i64>(0))? as usize)
    }

    /// Ingests new books until `wanted` deals were added.
    fn add(&mut self, wanted: usize, batch_books: usize) -> anyhow::Result<()> {
        let mut added = 0;
        while added < wanted {
            let books = ((((wanted - added) as f64) / STORED_PER_BOOK).ceil() as usize + 10).min(batch_books);
            added += self.batch(books)?.0 as usize;
        }
        Ok(())
    }
}

/// Builds the catalogue of `plan` in the (migrated) state directory.
pub fn run(state_dir: &Path, plan: &IngestPlan) -> anyhow::Result<()> {
    let mut ingestor = Ingestor { state_dir, next_seed: 1 };
    let have = ingestor.deal_count()?;
    ingestor.add(plan.deals.saturating_sub(have), plan.batch_books)?;
    let per_cycle = plan.deals * plan.churn_pct / 100 / plan.churn_cycles.max(1);
    for _ in 0..plan.churn_cycles {
        // Unseen for 80 h: past the janitor's 72 h, so the next healthy run deletes them.
        let unseen_since = unix_now() - 80 * 3600;
        ingestor.db()?.execute(
            "UPDATE deals SET last_seen_at = ?1 WHERE id IN (SELECT id FROM deals ORDER BY random() LIMIT ?2)",
            params![unseen_since, per_cycle as i64],
        )?;
        ingestor.add(per_cycle, plan.batch_books)?;
    }
    eprintln!("ingest: {} deals stored", ingestor.deal_count()?);
    Ok(())
}
