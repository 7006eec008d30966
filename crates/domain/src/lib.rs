//! Pure domain logic of Agent Arbitrage (formulas from `shared/spec/DOMAIN.md`): no I/O, no
//! clock, no Spin SDK, so it runs natively and inside wasm32-wasip2 components alike and every
//! rule is unit-tested. The Spin components are thin adapters over it.
//!
//! Flow of the ingest job: [`keepa`] parses responses → [`ingest`] decides what Keepa calls to
//! make and when → [`analysis::analyze_assisted`] turns a product with history into the stored
//! deal figures (using [`sales`], [`list_at`], [`averages`], [`trend`], [`seasonality`],
//! [`trust`], [`buy_offer`], and [`assist`] for the questions the spec puts to the AI, through
//! an injected assistant) → [`history`] keeps a compact chart. The deals API computes the per-user
//! money figures with [`fees`], whose module doc is the SQL contract.

pub mod analysis;
pub mod assist;
pub mod averages;
pub mod book_code;
pub mod book_title;
pub mod buy_offer;
pub mod condition;
pub mod config;
pub mod fees;
#[doc(hidden)]
pub mod fixtures;
pub mod history;
pub mod ingest;
pub mod keepa;
pub mod list_at;
pub mod money;
pub mod role;
pub mod sales;
pub mod seasonality;
pub mod splitmix;
mod statistics;
pub mod time;
pub mod trend;
pub mod trust;
