//! A Keepa deal (`/deal` → `deals.dr[]`, DOMAIN §3.2): the cheap discovery record the ingestor
//! filters by `lastUpdate` before spending tokens on the product.

use crate::time::UnixSeconds;

use super::series::CsvType;
use super::stats::StatVector;
use super::{KeepaError, wire};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deal {
    pub asin: String,
    pub title: Option<String>,
    pub last_update: Option<UnixSeconds>,
    /// When Keepa first saw the deal (`creationDate`), shown as "Deal found".
    pub created_at: Option<UnixSeconds>,
    /// Current values per series index, like `stats.current`.
    pub current: StatVector,
    /// Since when each current value holds, per series index.
    pub current_since: Vec<Option<UnixSeconds>>,
}

impl Deal {
    /// Latest change of the used price or any used sub-condition price (§2.2 `last_price_change`,
    /// without the original's index-14/32 mix-up).
    pub fn last_used_price_change(&self) -> Option<UnixSeconds> {
        std::iter::once(CsvType::Used)
            .chain(CsvType::USED_CONDITIONS)
            .filter_map(|series| self.current_since.get(series.index()).copied().flatten())
            .max()
    }

    /// Decodes `deals.dr[index]`; a deal without an ASIN of 10 alphanumerics is an error, which
    /// the response parser reports beside the page rather than failing the page (§3.3 step 5).
    pub(super) fn from_wire(raw: wire::Deal, field: &str) -> Result<Deal, KeepaError> {
        let asin = raw.asin.ok_or_else(|| KeepaError::invalid(format!("{field}.asin"), "missing"))?;
        if !crate::book_code::is_asin_shaped(&asin) {
            return Err(KeepaError::invalid(format!("{field}.asin"), format!("{asin:?} is not 10 alphanumerics")));
        }
        Ok(Deal {
            asin,
            title: raw.title,
            last_update: raw.last_update.and_then(UnixSeconds::from_keepa_minutes),
            created_at: raw.creation_date.and_then(UnixSeconds::from_keepa_minutes),
            current: StatVector(raw.current.unwrap_or_default()),
            current_since: raw
                .current_since
                .unwrap_or_default()
                .into_iter()
                .map(|minutes| minutes.and_then(UnixSeconds::from_keepa_minutes))
                .collect(),
        })
    }
}
