//! Pure domain logic of Agent Arbitrage (see `shared/spec/DOMAIN.md`).
pub mod condition;
pub mod keepa;
pub mod money;
pub mod time;
pub mod config;
pub mod fees;
pub mod sales;
mod statistics;
#[doc(hidden)]
pub mod fixtures;
pub mod ingest;
pub mod list_at;
pub mod averages;
pub mod trust;
pub mod trend;
pub mod seasonality;
pub mod buy_offer;
pub mod analysis;
