//! Pure decision logic of the ingest job (DOMAIN §3.3–3.6, §8 items 1–6).

/// Keepa budget and maintenance rules, defaulted to the locked values of §9.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IngestPolicy {}
