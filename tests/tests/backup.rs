//! `runtime backup` while an ingestion run is writing, restored into a fresh state directory:
//! the copy is consistent (integrity check, every deal with its product and history) and every
//! deal in it is a deal the live app also ends up with.

use integration_tests::mock_keepa::{IngestApp, MockKeepa, MockKeepaOptions, last_run};
use integration_tests::{RuntimeProcessBuilder, runtime_command};
use rusqlite::Connection;
use std::time::Duration;

fn asins(db: &Connection) -> Vec<String> {
    db.prepare("SELECT asin FROM deals ORDER BY asin").unwrap().query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn backup_during_an_ingestion_run_restores_every_deal_intact() {
    let keepa = MockKeepa::start(MockKeepaOptions { books: 150, ..MockKeepaOptions::default() });
    let live = tempfile::tempdir().unwrap();
    // Paced calls keep the run going while the backup is taken.
    let app = IngestApp::new(&keepa, live.path()).variable("keepa_min_call_interval_ms", "250").start();
    let started = app.wait_until(Duration::from_secs(90), || count(&app.database(), "SELECT COUNT(*) FROM deals") >= 5);
    assert!(started, "no deals were written:\n{}", app.log());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("during-ingestion.backup");
    let backup = runtime_command().arg("backup").arg(&file).arg("--state-dir").arg(live.path()).output().unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(last_run(&app).is_none(), "the run ended before the backup; pace it slower");

    let fresh = dir.path().join("fresh");
    let restore = runtime_command().arg("restore").arg(&file).arg("--state-dir").arg(&fresh).output().unwrap();
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let restored = Connection::open(fresh.join("sqlite_db.db")).unwrap();
    let verdict: String = restored.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(verdict, "ok");
    let restored_asins = asins(&restored);
    assert!(!restored_asins.is_empty());
    assert_eq!(count(&restored, "SELECT COUNT(*) FROM deals d LEFT JOIN products p USING (asin) WHERE p.asin IS NULL"), 0);
    assert_eq!(count(&restored, "SELECT COUNT(*) FROM deals d LEFT JOIN price_history h USING (asin) WHERE h.asin IS NULL"), 0);

    let finished = app.wait_until(Duration::from_secs(180), || last_run(&app).is_some());
    assert!(finished, "the run did not finish:\n{}", app.log());
    let final_asins = asins(&app.database());
    for asin in &restored_asins {
        assert!(final_asins.contains(asin), "{asin} is in the backup but not in the live app");
    }
    assert!(restored_asins.len() < final_asins.len(), "the backup should predate the end of the run");

    drop(restored);
    let copy = RuntimeProcessBuilder::new("spin.toml").state_dir(&fresh).start();
    let health = copy.client().get("/api/health").json();
    assert_eq!(health["ingestion"]["rows_total"], restored_asins.len() as i64, "{health}");
}
