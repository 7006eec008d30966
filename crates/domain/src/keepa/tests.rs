use super::*;
use crate::condition::ItemCondition;
use crate::money::Cents;
use crate::time::UnixSeconds;

const PRODUCT_RESPONSE: &str = r#"{
  "timestamp": 1700000000123, "tokensLeft": 57, "refillIn": 3200, "refillRate": 20,
  "tokenFlowReduction": 0.0, "tokensConsumed": 8, "processingTimeInMs": 12,
  "products": [{
    "asin": "0856485837", "title": "Principles of Economics", "manufacturer": "Cengage",
    "author": "Mankiw", "binding": "Hardcover", "numberOfPages": 864, "imagesCSV": "41abc.jpg,51def.jpg",
    "publicationDate": 20140211, "releaseDate": -1, "packageWeight": 1588,
    "categoryTree": [{"catId": 283155, "name": "Books"}, {"catId": 1, "name": "Textbooks"}],
    "trackingSince": 3000000, "lastUpdate": 7000000,
    "fbaFees": {"pickAndPackFee": 625}, "referralFeePercentage": 15.0,
    "csv": [null, [7000000, 4999], [7000000, 3500, 7000060, -1], [7000000, 250000, 7000120, 180000],
            null, null, null, null, null, null, null, [7000000, 3], [7000000, 9, 7000060, 8],
            null, null, null, null, null, null, null, null, [7000000, 3500, 399]],
    "stats": {"current": [-1, 4999, 3500, 180000, null], "avg30": [], "avg90": null,
              "avg180": [5000], "avg365": [5500, 5200, 4100, 200000],
              "salesRankDrops30": 4, "salesRankDrops180": -1, "salesRankDrops365": 40,
              "offerCountFBA": 1, "offerCountFBM": 2, "totalOfferCount": 11},
    "offers": [{"sellerId": "A1SELLER", "condition": 4, "isFBA": true,
                "offerCSV": [6999000, 3700, 0, 7000000, 3500, -1]}]
  }]
}"#;

#[test]
fn parses_a_product_with_history_stats_and_offers() {
    let response = parse_product_response(PRODUCT_RESPONSE).unwrap();
    let tokens = response.tokens.unwrap();
    assert_eq!(tokens.tokens_left, 57);
    assert_eq!(tokens.refill_rate_per_min, Some(20.0));
    assert_eq!(tokens.tokens_consumed, Some(8));
    assert_eq!(tokens.server_time, Some(UnixSeconds(1_700_000_000)));

    let product = &response.products[0];
    assert_eq!(product.asin, "0856485837");
    assert_eq!(product.publisher.as_deref(), Some("Cengage"));
    assert_eq!(product.categories, ["Books", "Textbooks"]);
    assert_eq!(product.image_id.as_deref(), Some("41abc.jpg"));
    assert_eq!(product.pages, Some(864));
    assert_eq!(product.publication_date.as_deref(), Some("2014-02-11"));
    assert_eq!(product.package_weight_g, Some(1588));
    assert_eq!(product.fba_pick_pack_fee, Some(Cents(625)));
    assert_eq!(product.referral_fee_pct, Some(15.0));

    let used = product.series(CsvType::Used);
    assert_eq!(used.len(), 2);
    assert_eq!(used[1].value, None, "-1 is no data, not a price");
    assert_eq!(product.series(CsvType::UsedGood)[0].shipping, Some(399));
    assert!(product.series(CsvType::Amazon).is_empty());

    let stats = product.stats.as_ref().unwrap();
    assert_eq!(stats.current.price(CsvType::Amazon), None);
    assert_eq!(stats.current.get(CsvType::SalesRank), Some(180_000));
    assert_eq!(stats.avg365.price(CsvType::Used), Some(4100));
    assert_eq!(stats.avg90.get(CsvType::Used), None);
    assert_eq!(stats.sales_rank_drops180, None);
    assert_eq!(stats.used_offer_count(), Some(8));
    assert_eq!(stats.new_offer_count(), Some(3));

    let offer = &product.offers[0];
    assert_eq!(offer.condition, Some(ItemCondition::UsedGood));
    let latest = offer.latest.unwrap();
    assert_eq!((latest.item_price, latest.shipping), (Cents(3500), None));
}

#[test]
fn wrong_json_type_names_the_field() {
    let json = PRODUCT_RESPONSE.replace("[7000000, 3], [7000000, 9", r#"[7000000, 3], [7000000, "nine""#);
    let error = parse_product_response(&json).unwrap_err();
    assert!(matches!(error, KeepaError::Json { .. }), "{error}");
    assert_eq!(error.field(), Some("products[0].csv[12][1]"));
}

#[test]
fn bad_stride_names_the_series() {
    let json = PRODUCT_RESPONSE.replace("[7000000, 250000, 7000120, 180000]", "[7000000, 250000, 7000120]");
    let error = parse_product_response(&json).unwrap_err();
    assert!(matches!(error, KeepaError::Field { .. }));
    assert_eq!(error.field(), Some("products[0].csv[3]"));
}

#[test]
fn bad_offer_csv_names_the_offer() {
    let json = PRODUCT_RESPONSE.replace("[6999000, 3700, 0, 7000000, 3500, -1]", "[6999000, 3700]");
    assert_eq!(parse_product_response(&json).unwrap_err().field(), Some("products[0].offers[0].offerCSV"));
}

#[test]
fn missing_asin_and_missing_products_are_named() {
    let json = PRODUCT_RESPONSE.replace(r#""asin": "0856485837", "#, "");
    assert_eq!(parse_product_response(&json).unwrap_err().field(), Some("products[0].asin"));
    assert_eq!(parse_product_response(r#"{"tokensLeft": 3}"#).unwrap_err().field(), Some("products"));
}

#[test]
fn truncated_json_is_an_error_not_a_panic() {
    let truncated = &PRODUCT_RESPONSE[..PRODUCT_RESPONSE.len() / 2];
    assert!(matches!(parse_product_response(truncated), Err(KeepaError::Json { .. })));
    assert!(matches!(parse_product_response("not json"), Err(KeepaError::Json { .. })));
}

#[test]
fn keepa_error_bodies_still_report_tokens() {
    let body = r#"{"error": {"type": "tokens", "message": "Not enough tokens"}, "tokensLeft": -104, "refillRate": 20}"#;
    match parse_product_response(body).unwrap_err() {
        KeepaError::Api { message, tokens } => {
            assert_eq!(message, "Not enough tokens");
            assert_eq!(tokens.unwrap().tokens_left, -104);
        }
        other => panic!("expected an API error, got {other}"),
    }
    assert_eq!(parse_token_status(body).unwrap().tokens_left, -104);
}

#[test]
fn token_endpoint_parses_and_requires_tokens_left() {
    let status = parse_token_status(r#"{"timestamp": 1, "tokensLeft": 290, "refillIn": 100, "refillRate": 25, "tokensConsumed": 0}"#).unwrap();
    assert_eq!((status.tokens_left, status.refill_rate_per_min), (290, Some(25.0)));
    assert_eq!(parse_token_status("{}").unwrap_err().field(), Some("tokensLeft"));
}

#[test]
fn deal_page_keeps_good_deals_and_reports_bad_ones() {
    let body = r#"{"tokensLeft": 40, "deals": {"dr": [
        {"asin": "0134093410", "title": "Calculus", "lastUpdate": 7000100, "creationDate": 7000000,
         "current": [-1, 5000, 2500], "currentSince": [-1, 6999000, 7000050, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 7000080]},
        {"asin": "BAD", "lastUpdate": 7000100},
        {"title": "no asin"}
    ]}}"#;
    let page = parse_deal_response(body).unwrap();
    assert_eq!(page.deals.len(), 1);
    let deal = &page.deals[0];
    assert_eq!(deal.current.price(CsvType::Used), Some(2500));
    assert_eq!(deal.last_used_price_change(), UnixSeconds::from_keepa_minutes(7_000_080));
    let rejected: Vec<_> = page.rejected.iter().map(|e| e.field().unwrap()).collect();
    assert_eq!(rejected, ["deals.dr[1].asin", "deals.dr[2].asin"]);
}

#[test]
fn seller_falls_back_to_rating_history() {
    let body = r#"{"tokensLeft": 5, "sellers": {
        "A1": {"sellerName": "Books4U", "currentRating": 95, "currentRatingCount": 100},
        "A2": {"csv": [[7000000, 90, 7000100, 92], [7000000, 40, 7000100, 50]]}}}"#;
    let sellers = parse_seller_response(body).unwrap().sellers;
    assert_eq!((sellers[0].rating_pct, sellers[0].rating_count), (Some(95), Some(100)));
    assert_eq!((sellers[1].rating_pct, sellers[1].rating_count), (Some(92), Some(50)));
    let broken = body.replace("[7000000, 40, 7000100, 50]", "[7000000, 40, 7000100]");
    assert_eq!(parse_seller_response(&broken).unwrap_err().field(), Some("sellers.A2.csv[1]"));
}
