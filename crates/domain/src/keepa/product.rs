//! A Keepa product (`/product`, DOMAIN §3.2): identity, fee inputs, `csv` history, `stats` and
//! live `offers`, validated so that the analysis can trust every value it reads.

use crate::book_code;
use crate::money::Cents;
use crate::time::UnixSeconds;

use super::offer::Offer;
use super::series::{CsvType, HistoryPoint, decode_series};
use super::stats::Stats;
use super::{KeepaError, publication, wire};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Product {
    /// Ten alphanumerics (an ISBN-10 for books; may start with 0).
    pub asin: String,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Keepa's `manufacturer`, the publisher for books.
    pub publisher: Option<String>,
    pub binding: Option<String>,
    /// `numberOfPages`; `None` when Keepa has none (it sends `-1` or `0` for unknown).
    pub pages: Option<u32>,
    /// ISO date as precise as Keepa knows it (`2015-03-14`, `2015-03` or `2015`), from
    /// `publicationDate`, else `releaseDate`.
    pub publication_date: Option<String>,
    /// `packageWeight` in grams; `None` when Keepa has none (`-1` or `0`).
    pub package_weight_g: Option<u32>,
    /// Category names from the root down (`categoryTree[].name`).
    pub categories: Vec<String>,
    /// First image id of `imagesCSV`.
    pub image_id: Option<String>,
    pub tracking_since: Option<UnixSeconds>,
    pub last_update: Option<UnixSeconds>,
    /// `fbaFees.pickAndPackFee`; `None` when Keepa has none (the fee default applies, §4.1).
    pub fba_pick_pack_fee: Option<Cents>,
    /// `referralFeePercentage`; `None` when Keepa has none (the fee default applies, §4.1).
    pub referral_fee_pct: Option<f64>,
    /// `csv[i]` decoded; empty when the series is absent (e.g. `history=0`).
    pub history: Vec<Vec<HistoryPoint>>,
    /// `None` when the request asked for no stats.
    pub stats: Option<Stats>,
    pub offers: Vec<Offer>,
}

impl Product {
    /// The decoded history of one series, empty when Keepa sent none.
    pub fn series(&self, series: CsvType) -> &[HistoryPoint] {
        self.history.get(series.index()).map_or(&[], Vec::as_slice)
    }

    pub(super) fn from_wire(raw: wire::Product, field: &str) -> Result<Product, KeepaError> {
        let asin = raw.asin.ok_or_else(|| KeepaError::invalid(format!("{field}.asin"), "missing"))?;
        if !book_code::is_asin_shaped(&asin) {
            return Err(KeepaError::invalid(format!("{field}.asin"), format!("{asin:?} is not 10 alphanumerics")));
        }
        let history = raw
            .csv
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(index, series)| match series {
                Some(values) => decode_series(index, &values, &format!("{field}.csv[{index}]")),
                None => Ok(Vec::new()),
            })
            .collect::<Result<_, _>>()?;
        let offers = raw
            .offers
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(index, offer)| Offer::from_wire(offer, &format!("{field}.offers[{index}]")))
            .collect::<Result<_, _>>()?;
        let fba_pick_pack_fee = raw.fba_fees.and_then(|fees| fees.pick_and_pack_fee).filter(|&fee| fee >= 0).map(Cents);
        Ok(Product {
            asin,
            title: raw.title,
            author: raw.author,
            publisher: raw.manufacturer,
            binding: raw.binding,
            pages: positive(raw.number_of_pages),
            publication_date: publication::publication_date(raw.publication_date, raw.release_date),
            package_weight_g: positive(raw.package_weight),
            categories: raw.category_tree.unwrap_or_default().into_iter().filter_map(|category| category.name).collect(),
            image_id: raw.images_csv.and_then(|csv| csv.split(',').next().filter(|id| !id.is_empty()).map(str::to_owned)),
            tracking_since: raw.tracking_since.and_then(UnixSeconds::from_keepa_minutes),
            last_update: raw.last_update.and_then(UnixSeconds::from_keepa_minutes),
            fba_pick_pack_fee,
            referral_fee_pct: raw.referral_fee_percentage.or(raw.referral_fee_percent).filter(|&pct| pct >= 0.0),
            history,
            stats: raw.stats.map(Stats::from_wire),
            offers,
        })
    }
}

/// Keepa's count fields use `-1` (and sometimes `0`) for "unknown".
fn positive(value: Option<i64>) -> Option<u32> {
    value.filter(|&value| value > 0).and_then(|value| u32::try_from(value).ok())
}
