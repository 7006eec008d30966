//! Keepa's endpoints (DOMAIN §3.1) over [`transport`](crate::transport): each call builds the
//! documented query, and turns the answer into the domain crate's parsed model or a
//! [`KeepaFailure`]. No token accounting here: see [`KeepaSession`](crate::KeepaSession).

use std::time::Duration;

use domain::keepa::{self, DealResponse, KeepaError, Product, SellerResponse, TokenStatus};
use serde_json::{Value, json};

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

/// A `/product` answer: the products that parsed, and the ASINs whose product did not, each with
/// the error naming the field. One malformed product costs itself, not its whole batch: otherwise
/// every retry of the batch would fail the same way, forever (DOMAIN §8 item 20).
#[derive(Clone, Debug)]
pub struct ProductBatch {
    pub products: Vec<Product>,
    pub unreadable: Vec<(String, KeepaError)>,
    pub tokens: Option<TokenStatus>,
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
    pub fn products(&self, asins: &[String], detail: ProductDetail) -> Result<ProductBatch, KeepaFailure> {
        let asins = asins.join(",");
        let mut query: Vec<(&str, &str)> = vec![("domain", DOMAIN_US), ("asin", &asins)];
        query.extend_from_slice(detail.query());
        let timeout = if detail == ProductDetail::Full { self.timeout * 2 } else { self.timeout };
        self.get("/product", &query, timeout, parse_products)
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

/// Parses a `/product` body; when one product is malformed in an otherwise valid answer, the
/// others are parsed one by one and the bad one is reported by ASIN.
fn parse_products(body: &str) -> Result<ProductBatch, KeepaError> {
    match keepa::parse_product_response(body) {
        Ok(response) => Ok(ProductBatch { products: response.products, unreadable: Vec::new(), tokens: response.tokens }),
        Err(error) if error.field().is_some_and(|field| field.starts_with("products[")) => parse_one_by_one(body).ok_or(error),
        Err(error) => Err(error),
    }
}

/// `None` when the body cannot be split into products that each name their ASIN.
fn parse_one_by_one(body: &str) -> Option<ProductBatch> {
    let Value::Object(mut envelope) = serde_json::from_str::<Value>(body).ok()? else { return None };
    let Value::Array(products) = envelope.remove("products")? else { return None };
    let mut batch = ProductBatch { products: Vec::new(), unreadable: Vec::new(), tokens: keepa::parse_token_status(body).ok() };
    for product in products {
        let asin = product.get("asin").and_then(Value::as_str)?.to_owned();
        match keepa::parse_product_response(&json!({ "products": [product] }).to_string()) {
            Ok(mut single) => batch.products.append(&mut single.products),
            Err(error) => batch.unreadable.push((asin, error)),
        }
    }
    Some(batch)
}
