//! Keepa for the app's Spin components: the HTTP client, its token budget and the state the
//! ingest job keeps in SQLite.
//!
//! Everything here is I/O glue over the pure `domain` crate, shared by the components that talk
//! to Keepa (the cron `ingest` job now, the `/api/debug/deal/<asin>` endpoint later) or show what
//! ingestion is doing (`health`, `admin`):
//! - [`transport`]: one GET with a hard deadline (spin-sdk's `send` has none);
//! - [`client`]: Keepa's endpoints and how their failures are classified ([`KeepaFailure`]);
//! - [`budget`]: the token bucket and learned call costs persisted in `keepa_token_state`;
//! - [`session`]: a client whose every call is reserved, sent, settled and saved;
//! - [`deal_query`]: the `/deal` selection an admin edits (`app_config`);
//! - [`ingest_state`]: checkpoints, run status and failures in `system_state`.

pub mod budget;
pub mod client;
pub mod deal_query;
mod failure;
pub mod ingest_state;
pub mod session;
mod sql;
pub mod transport;

pub use budget::{TokenBudget, TokenStop};
pub use client::{KeepaClient, ProductBatch, ProductDetail};
pub use failure::KeepaFailure;
pub use session::{CallError, KeepaSession};
pub use sql::{DbError, now};
