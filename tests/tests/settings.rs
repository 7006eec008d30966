//! Per-user settings through the runtime: production defaults, validation naming the field, and
//! a saved change showing in the very next deals response exactly as `domain::fees` computes it.

mod accounts_support;

use accounts_support::*;
use deals_bench::FixtureDeal;
use domain::fees::{BusinessSettings, DealEconomicsInputs, economics};
use domain::money::Cents;
use serde_json::json;

#[test]
fn a_new_user_starts_with_the_production_defaults() {
    let app = start();
    add_user(&app, "ann", "user");
    let body = login(&app, "ann").get("/api/settings").json();
    assert_eq!(
        body,
        json!({ "prep_fee": 2.75, "inbound_shipping": 3.99, "sales_tax_pct": 5.0, "tax_exempt": false, "markup_pct": 10.0, "updated_at": null })
    );
}

#[test]
fn invalid_settings_are_refused_naming_the_field() {
    let app = start();
    add_user(&app, "ann", "user");
    let ann = login(&app, "ann");
    for (body, field) in [
        (json!({ "prep_fee": -1 }), "prep_fee"),
        (json!({ "inbound_shipping": "free" }), "inbound_shipping"),
        (json!({ "sales_tax_pct": -0.5 }), "sales_tax_pct"),
        (json!({ "sales_tax_pct": 101 }), "sales_tax_pct"),
        (json!({ "markup_pct": null }), "markup_pct"),
        (json!({ "tax_exempt": "yes" }), "tax_exempt"),
        (json!({ "shipping": 1 }), "shipping"),
    ] {
        let reply = ann.post_json("/api/settings", &body);
        assert_eq!(reply.status, 400, "{body}");
        assert!(reply.json()["error"].as_str().unwrap().contains(field), "{body}: {}", reply.body);
    }
    assert_eq!(ann.post_json("/api/settings", &json!([1])).status, 400);
    assert_eq!(ann.get("/api/settings").json()["prep_fee"], 2.75, "nothing was saved");
}

#[test]
fn a_settings_change_shows_in_the_next_response_as_the_domain_computes_it() {
    let app = start();
    add_user(&app, "ann", "user");
    add_user(&app, "bob", "user");
    let mut deal = FixtureDeal::new("0134093410");
    deal.price_now_cents = 2500;
    deal.list_at_cents = Some(18050);
    deal.fba_fee_cents = Some(480);
    insert_deals(&app, &[deal]);
    let inputs = DealEconomicsInputs::new(Cents(2500), Some(Cents(18050)), Some(Cents(480)), Some(15.0));
    let (ann, bob) = (login(&app, "ann"), login(&app, "bob"));
    let check = |session: &Session, settings: &BusinessSettings| {
        let expected = economics(&inputs, settings);
        let deal = session.get("/api/deals/0134093410").json();
        assert_eq!(deal["profit"], json!(expected.profit.as_dollars()), "{settings:?}");
        assert_eq!(deal["all_in_cost"], json!(expected.all_in_cost.as_dollars()));
        assert_eq!(deal["amazon_fees"], json!(expected.amazon_fees.as_dollars()));
        assert_eq!(deal["min_listing_price"], json!(expected.min_listing_price.unwrap().as_dollars()));
        let round2 = |v: f64| (v * 100.0).round() / 100.0;
        assert_eq!(deal["margin"], json!(round2(expected.margin_pct.unwrap())));
        assert_eq!(deal["roi"], json!(round2(expected.roi_pct.unwrap())));
        let listed = session.get("/api/deals?sort=profit").json();
        assert_eq!(listed["deals"][0]["profit"], json!(expected.profit.as_dollars()));
    };
    // §4.11's worked example 0134093410 with the production settings: profit $115.63.
    check(&ann, &BusinessSettings::default());
    assert_eq!(ann.get("/api/deals/0134093410").json()["profit"], json!(115.63));
    let changed = BusinessSettings {
        prep_fee: Cents(100),
        inbound_shipping: Cents(0),
        sales_tax_pct: 8.875,
        tax_exempt: false,
        markup_pct: 25.0,
    };
    let saved = ann.post_json(
        "/api/settings",
        &json!({ "prep_fee": 1.0, "inbound_shipping": 0, "sales_tax_pct": 8.875, "markup_pct": 25 }),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["sales_tax_pct"], 8.875, "a decimal tax rate stays decimal");
    check(&ann, &changed);
    check(&bob, &BusinessSettings::default());
    let exempt = ann.post_json("/api/settings", &json!({ "tax_exempt": true }));
    assert_eq!(exempt.status, 200);
    check(&ann, &BusinessSettings { tax_exempt: true, ..changed });
}
