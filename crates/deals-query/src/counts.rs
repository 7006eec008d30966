//! Counts cached in the key-value store, keyed by what determines them: the filters and the
//! settings (hashed), stamped with the deals data version they were counted at (bumped by a
//! trigger on every change to `deals`, migration 0003). A snapshot of an older version is simply
//! counted again and overwritten. Snapshots expire a day after their last count (kv-ttl), so the
//! maintenance job sweeps away the filter combinations nobody polls any more.
//! `/api/deal-count` answers from it, and `/api/deals` takes its `total_records` from it, so paging
//! through a result counts it once.

use std::hash::{DefaultHasher, Hash, Hasher};

use domain::fees::BusinessSettings;
use serde::{Deserialize, Serialize};
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::Connection;

use crate::params::Filters;
use crate::spin::execute;
use crate::sql;

/// The answer, as sent and as cached.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Debug)]
pub struct Counted {
    pub count: i64,
    pub max_id: i64,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    version: i64,
    counted: Counted,
}

/// How long an unused snapshot is kept.
const SNAPSHOT_TTL_SECS: i64 = 24 * 3600;

/// What a count depends on.
pub struct Key {
    version: i64,
    query_hash: u64,
}

impl Key {
    /// The current data version and the hash of the filters and settings.
    pub fn new(db: &Connection, filters: &Filters, settings: &BusinessSettings) -> Result<Key, String> {
        let result = db
            .execute("SELECT version FROM deals_version WHERE id = 1", &[])
            .map_err(|e| format!("cannot read the deals version: {e}"))?;
        let version = result.rows.first().and_then(|row| row.get::<i64>(0)).unwrap_or(0);
        // Debug text of the parsed values: canonical whatever the order or spelling of the query.
        let mut hasher = DefaultHasher::new();
        format!("{filters:?}|{settings:?}").hash(&mut hasher);
        Ok(Key { version, query_hash: hasher.finish() })
    }

    /// A strong ETag that changes exactly when the version, the filters or the settings do.
    pub fn etag(&self) -> String {
        format!("\"{}-{:016x}\"", self.version, self.query_hash)
    }

    fn store_key(&self) -> String {
        format!("deal-count/{:016x}", self.query_hash)
    }
}

/// The count for `key`: from the snapshot when it is of the current version, else counted and cached.
pub fn count(db: &Connection, key: &Key, filters: &Filters, settings: &BusinessSettings) -> Result<Counted, String> {
    let store = Store::open_default().map_err(|e| format!("cannot open the key-value store: {e}"))?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let cached = kv_ttl::get(&store, &key.store_key(), now)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Snapshot>(&bytes).ok());
    if let Some(snapshot) = cached.filter(|snapshot| snapshot.version == key.version) {
        return Ok(snapshot.counted);
    }
    let result = execute(db, &sql::count(filters, settings))?;
    let row = result.rows.first().ok_or("the count query returned no row")?;
    let counted = Counted { count: row.get(0).unwrap_or(0), max_id: row.get(1).unwrap_or(0) };
    let snapshot = serde_json::to_vec(&Snapshot { version: key.version, counted }).map_err(|e| e.to_string())?;
    // A failed cache write only costs the next poll a recount.
    let _ = kv_ttl::set(&store, &key.store_key(), &snapshot, now + SNAPSHOT_TTL_SECS);
    Ok(counted)
}
