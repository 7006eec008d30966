//! The deals listing as SQL: the filters of DOMAIN §5.1 parsed from a query string
//! ([`params`]), the whitelisted sort keys and output columns ([`columns`]), the per-user
//! economics of `domain::fees` written as SQLite expressions ([`economics`]), and the statements
//! built from them ([`sql`]). `/api/deals`, `/api/deal-count` and `/download/deals.csv` all use
//! it, so a count always equals the listing's `total_records` for the same filters.
//!
//! User input reaches SQL text only as a bound parameter or as a key of the fixed column table;
//! the crate is pure (no Spin) so that the exact same SQL runs natively in the benchmark.

pub mod columns;
pub mod economics;
pub mod params;
pub mod sql;
pub mod values;

#[cfg(feature = "spin")]
pub mod counts;
#[cfg(feature = "spin")]
pub mod spin;

pub use columns::{COLUMNS, Column, Kind};
pub use params::{DealsRequest, Filters, Order, ParamError, Params, Sort, asin};
pub use sql::{Param, Statement};
pub use values::Cell;
