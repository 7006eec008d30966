//! Keepa wire model and parser (DOMAIN §3.1–3.2).
//!
//! Responses are deserialized with serde into [`wire`] structs (every field optional) and then
//! validated into the model types re-exported here. Any malformed or partial input becomes a
//! [`KeepaError`] naming the field (`products[0].csv[3]`), never a panic: a product that cannot be
//! read is logged and hidden, not retried forever (§8 item 20).

mod deal;
mod error;
mod offer;
mod product;
mod publication;
mod seller;
mod series;
mod stats;
mod tokens;
mod wire;

pub use deal::Deal;
pub use error::KeepaError;
pub use offer::{Offer, OfferQuote};
pub use product::Product;
pub use seller::Seller;
pub use series::{CsvType, HistoryPoint};
pub use stats::{StatVector, Stats};
pub use tokens::TokenStatus;

/// `/product` answer.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductResponse {
    pub products: Vec<Product>,
    pub tokens: Option<TokenStatus>,
}

/// `/deal` answer. Deals that fail validation are reported in `rejected`, so one bad record does
/// not cost the whole page.
#[derive(Clone, Debug, PartialEq)]
pub struct DealResponse {
    pub deals: Vec<Deal>,
    pub rejected: Vec<KeepaError>,
    pub tokens: Option<TokenStatus>,
}

/// `/seller` answer.
#[derive(Clone, Debug, PartialEq)]
pub struct SellerResponse {
    pub sellers: Vec<Seller>,
    pub tokens: Option<TokenStatus>,
}

pub fn parse_product_response(json: &str) -> Result<ProductResponse, KeepaError> {
    let mut raw = parse_envelope(json)?;
    let products = raw
        .products
        .take()
        .ok_or_else(|| KeepaError::invalid("products", "missing"))?
        .into_iter()
        .enumerate()
        .map(|(index, product)| Product::from_wire(product, &format!("products[{index}]")))
        .collect::<Result<_, _>>()?;
    Ok(ProductResponse { products, tokens: TokenStatus::from_wire(&raw) })
}

pub fn parse_deal_response(json: &str) -> Result<DealResponse, KeepaError> {
    let mut raw = parse_envelope(json)?;
    let page = raw.deals.take().ok_or_else(|| KeepaError::invalid("deals", "missing"))?;
    let (mut deals, mut rejected) = (Vec::new(), Vec::new());
    for (index, deal) in page.dr.unwrap_or_default().into_iter().enumerate() {
        match Deal::from_wire(deal, &format!("deals.dr[{index}]")) {
            Ok(deal) => deals.push(deal),
            Err(error) => rejected.push(error),
        }
    }
    Ok(DealResponse { deals, rejected, tokens: TokenStatus::from_wire(&raw) })
}

pub fn parse_seller_response(json: &str) -> Result<SellerResponse, KeepaError> {
    let mut raw = parse_envelope(json)?;
    let sellers = raw
        .sellers
        .take()
        .ok_or_else(|| KeepaError::invalid("sellers", "missing"))?
        .into_iter()
        .map(|(id, seller)| {
            let field = format!("sellers.{id}");
            Seller::from_wire(id, seller, &field)
        })
        .collect::<Result<_, _>>()?;
    Ok(SellerResponse { sellers, tokens: TokenStatus::from_wire(&raw) })
}

/// The token fields of any Keepa body: `/token`, any endpoint, or an HTTP error body (§3.1).
pub fn parse_token_status(json: &str) -> Result<TokenStatus, KeepaError> {
    let raw: wire::Response = deserialize(json)?;
    TokenStatus::from_wire(&raw).ok_or_else(|| KeepaError::invalid("tokensLeft", "missing"))
}

/// Deserializes any response and turns a Keepa `error` object into [`KeepaError::Api`].
fn parse_envelope(json: &str) -> Result<wire::Response, KeepaError> {
    let raw: wire::Response = deserialize(json)?;
    match &raw.error {
        Some(error) => Err(KeepaError::Api {
            message: error.get("message").and_then(|m| m.as_str()).map_or_else(|| error.to_string(), str::to_owned),
            tokens: TokenStatus::from_wire(&raw),
        }),
        None => Ok(raw),
    }
}

fn deserialize<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, KeepaError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| KeepaError::Json {
        field: error.path().to_string(),
        message: error.into_inner().to_string(),
    })
}

#[cfg(test)]
mod tests;
