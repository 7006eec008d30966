//! What can be wrong with a Keepa response, always naming the field so a bad product can be
//! logged and hidden instead of retried forever (DOMAIN §8 item 20).

use std::fmt;

use super::TokenStatus;

#[derive(Clone, Debug, PartialEq)]
pub enum KeepaError {
    /// Not JSON, or a field of the wrong JSON type; `field` is the path, e.g. `products[0].csv[3]`.
    Json { field: String, message: String },
    /// Well-typed JSON whose value breaks Keepa's format (bad stride, missing ASIN, …).
    Field { field: String, problem: String },
    /// Keepa answered with an `error` object. `tokens` carries the balance the body still reports,
    /// which the token bucket must learn even from failed calls (§3.1).
    Api { message: String, tokens: Option<TokenStatus> },
}

impl KeepaError {
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> KeepaError {
        KeepaError::Field { field: field.into(), problem: problem.into() }
    }

    /// The offending field's path, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            KeepaError::Json { field, .. } | KeepaError::Field { field, .. } => Some(field),
            KeepaError::Api { .. } => None,
        }
    }
}

impl fmt::Display for KeepaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepaError::Json { field, message } => write!(f, "Keepa JSON invalid at `{field}`: {message}"),
            KeepaError::Field { field, problem } => write!(f, "Keepa field `{field}`: {problem}"),
            KeepaError::Api { message, .. } => write!(f, "Keepa error: {message}"),
        }
    }
}

impl std::error::Error for KeepaError {}
