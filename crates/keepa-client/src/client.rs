//! Keepa's endpoints (DOMAIN §3.1) over [`transport`](crate::transport): each call builds the
//! documented query, and turns the answer into the domain crate's parsed model or a
//! [`KeepaFailure`]. No token accounting here: see [`KeepaSession`](crate::KeepaSession).

use std::time::Duration;

use domain::keepa::{
    self, DealResponse, KeepaError, ProductResponse, SellerResponse, TokenStatus,
};
use serde_json::Value;

use crate::KeepaFailure;
use crate::transport::{self, Origin, TransportError};

/// Keepa's marketplace id of amazon.com.
const DOMAIN_US: &str = "1";

/// How much of a product to ask for (DOMAIN §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductDetail {
    /// Cheap candidate check: current stats of a year, live offers, no history.
    Peek,
    /// Refresh of a stored deal or a stale one: like the peek with 180-day stats.
    Light,
    /// Full history for the analysis. `days` covers the 3-year window of the inferred sales
    /// (§4.3 step 2); the original's `days=365` cut that window to one year.
    Full,
}

impl ProductDetail {
    fn query(self) -> &'static [(&'static str, &'static str)] {
        match self {
            ProductDetail::Peek => &[("stats", "365"), ("history", "0"), ("offers", "20"), ("rating", "1"), ("only_live_offers", "1")],
            ProductDetail::Light => &[("stats", "180"), ("history", "0"), ("offers", "20"), ("rating", "1"), ("only_live_offers", "1")],
            ProductDetail::Full => &[("stats", "365"), ("days", "1095"), ("history", "1"), ("offers", "20"), ("rating", "1"), ("only_live_offers", "1")],
        }
    }
}

pub struct KeepaClient {
    origin: Origin,
    api_key: String,
    timeout: Duration,
}

impl KeepaClient {
    /// `timeout` bounds each call; full-history calls get twice as long (§3.1: 60 s / 120 s).
    pub fn new(base_url: &str, api_key: &str, timeout: Duration) -> Result<KeepaClient, String> {
        Ok(KeepaClient { origin: Origin::parse(base_url)?, api_key: api_key.to_owned(), timeout })
    }

    /// `/token`: the balance, free of charge.
    pub fn token_status(&self) -> Result<TokenStatus, KeepaFailure> {
        self.get("/token", &[], self.timeout, keepa::parse_token_status)
    }

    /// One `/deal` page of `selection` (the admin's query with `page` set).
    pub fn deals(&self, selection: &Value, page: u32) -> Result<DealResponse, KeepaFailure> {
        let mut selection = selection.clone();
        if let Some(object) = selection.as_object_mut() {
            object.insert("page".into(), Value::from(page));
        }
        let selection = selection.to_string();
        self.get("/deal", &[("selection", &selection)], self.timeout, keepa::parse_deal_response)
    }

    /// `/product` for up to 100 ASINs.
    pub fn products(&self, asins: &[String], detail: ProductDetail) -> Result<ProductResponse, KeepaFailure> {
        let asins = asins.join(",");
        let mut query: Vec<(&str, &str)> = vec![("domain", DOMAIN_US), ("asin", &asins)];
        query.extend_from_slice(detail.query());
        let timeout = if detail == ProductDetail::Full { self.timeout * 2 } else { self.timeout };
        self.get("/product", &query, timeout, keepa::parse_product_response)
    }

    /// `/seller` for up to 100 seller ids.
    pub fn sellers(&self, seller_ids: &[String]) -> Result<SellerResponse, KeepaFailure> {
        let ids = seller_ids.join(",");
        self.get("/seller", &[("domain", DOMAIN_US), ("seller", &ids)], self.timeout, keepa::parse_seller_response)
    }

    fn get<T>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        timeout: Duration,
        parse: fn(&str) -> Result<T, KeepaError>,
    ) -> Result<T, KeepaFailure> {
        let mut encoded = form_urlencoded::Serializer::new(String::new());
        encoded.append_pair("key", &self.api_key);
        for (name, value) in query {
            encoded.append_pair(name, value);
        }
        let reply = transport::get(&self.origin, &format!("{path}?{}", encoded.finish()), timeout).map_err(|error| match error {
            TransportError::Timeout => KeepaFailure::Timeout,
            TransportError::Failed(message) => KeepaFailure::Transport(message),
        })?;
        let body = String::from_utf8_lossy(&reply.body);
        match reply.status {
            200..=299 => parse(&body).map_err(KeepaFailure::Malformed),
            429 => Err(KeepaFailure::RateLimited { tokens: keepa::parse_token_status(&body).ok() }),
            status => Err(KeepaFailure::Status { status, tokens: keepa::parse_token_status(&body).ok() }),
        }
    }
}
