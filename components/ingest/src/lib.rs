//! The ingest job (DOMAIN §3.3–§3.6), fired by the cron trigger every 5 minutes: sync the Keepa
//! token balance, refresh stale deals, discover new deals page by page (peek cheaply, fetch full
//! history for the promising ones, analyse with the domain crate — asking the AI provider, when
//! one is configured, the questions the spec puts to it — upsert), then let the janitor remove
//! deals unseen for 72 h — only when the run was healthy.
//!
//! Every step ends the run instead of waiting: out of tokens, the run records why and when to
//! resume; on a Keepa failure it records the error and a backoff time. Each batch is one
//! transaction together with its checkpoint, so a run killed at any point resumes without
//! duplicates or gaps. A failing Keepa never touches stored deals.

mod assistant;
mod config;
mod discovery;
mod run;
mod store;
mod upkeep;

use spin_sdk::sqlite::Connection;

wit_bindgen::generate!({ path: "../../wit/cron", world: "spin-cron" });

struct Ingest;

impl Guest for Ingest {
    fn handle_cron_event(_metadata: Metadata) -> Result<(), Error> {
        let db = Connection::open_default().map_err(|error| Error::Other(format!("opening the database: {error}")))?;
        let report = run::run(&db).map_err(|error| Error::Other(format!("database error: {error}")))?;
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        Ok(())
    }
}

export!(Ingest);
