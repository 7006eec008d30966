//! SQLite plumbing the components' store code shares, so that each writes its SQL and nothing
//! around it: [`transaction`] for all-or-nothing writes, [`param`] for optional values as
//! parameters, and [`read`] for columns that may be NULL or come back in another storage class.

pub mod param;
pub mod read;
mod transaction;

pub use transaction::transaction;
