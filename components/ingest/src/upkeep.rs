//! Keeping stored deals alive and the table clean (DOMAIN §3.3 step 2, §3.6): the stale rescue
//! refreshes deals unseen for 48 h with one light call; the janitor deletes deals unseen for
//! 72 h. The janitor is only called after a healthy run, so a stalled or failing ingestion never
//! lets the dashboard decay (§8 item 6).

use domain::ingest::JanitorDecision;
use domain::time::UnixSeconds;
use keepa_client::{CallError, DbError, ProductDetail, now};
use spin_sdk::sqlite::Connection;
use sqlite_kit::param::integer;
use sqlite_kit::transaction;

use crate::config::IngestConfig;
use crate::run::Context;
use crate::store;

pub fn stale_rescue(cx: &mut Context) -> Result<(), CallError> {
    let policy = &cx.config.analysis.ingest.stale_rescue;
    let limit = policy.batch_limit(cx.session.budget().bucket.refill_rate_per_min);
    let stale = store::stale_deals(cx.db, policy.stale_before(now()), limit)?;
    if stale.is_empty() {
        return Ok(());
    }
    let response = cx.session.products(&stale, ProductDetail::Light)?;
    let at = now();
    let config = &cx.config.analysis;
    transaction(cx.db, |db| response.products.iter().try_for_each(|product| store::refresh(db, at, product, None, config)))?;
    cx.report.deals_updated += response.products.len() as u32;
    Ok(())
}

/// Deletes deals unseen for the janitor period; returns how many.
pub fn janitor(db: &Connection, config: &IngestConfig, healthy_at: UnixSeconds) -> Result<u32, DbError> {
    match config.analysis.ingest.janitor.decide(now(), Some(healthy_at)) {
        JanitorDecision::Delete { last_seen_before } => {
            transaction(db, |db| store::delete_deals(db, "last_seen_at < ?", &[integer(Some(last_seen_before.0))]))
        }
        JanitorDecision::SkipNoHealthyIngest => Ok(0),
    }
}
