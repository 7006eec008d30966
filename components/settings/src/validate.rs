//! Reading and checking submitted settings; every refusal names the field. Money is dollars
//! (rounded to the cent), percentages keep their decimals (DOMAIN §8 item 36), nothing negative.

use domain::fees::BusinessSettings;
use domain::money::Cents;
use serde_json::Value;

/// Upper bounds that catch typos (a $2,750 prep fee) without limiting real use.
const MAX_MONEY_DOLLARS: f64 = 1000.0;
const MAX_TAX_PCT: f64 = 100.0;
const MAX_MARKUP_PCT: f64 = 1000.0;

/// The fields, in the API's spelling.
const FIELDS: [&str; 5] = ["prep_fee", "inbound_shipping", "sales_tax_pct", "tax_exempt", "markup_pct"];

/// A JSON object with any subset of the fields, applied over `current`.
pub fn from_json(body: &[u8], current: BusinessSettings) -> Result<BusinessSettings, String> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Err("body must be a JSON object of settings".into());
    };
    let mut settings = current;
    for (name, value) in &fields {
        let number = || value.as_f64().ok_or(format!("`{name}` must be a number"));
        match name.as_str() {
            "prep_fee" => settings.prep_fee = money(name, number()?)?,
            "inbound_shipping" => settings.inbound_shipping = money(name, number()?)?,
            "sales_tax_pct" => settings.sales_tax_pct = percent(name, number()?, MAX_TAX_PCT)?,
            "markup_pct" => settings.markup_pct = percent(name, number()?, MAX_MARKUP_PCT)?,
            "tax_exempt" => settings.tax_exempt = value.as_bool().ok_or("`tax_exempt` must be true or false")?,
            other => return Err(format!("unknown setting `{other}` (known: {})", FIELDS.join(", "))),
        }
    }
    Ok(settings)
}

/// An HTML form with every field (`tax_exempt` is a checkbox: present means true).
pub fn from_form(body: &[u8]) -> Result<BusinessSettings, String> {
    let field = |name: &str| accounts::csrf::form_field(body, name);
    let number = |name: &str| -> Result<f64, String> {
        let text = field(name).ok_or(format!("missing form field `{name}`"))?;
        text.trim().parse::<f64>().map_err(|_| format!("`{name}` must be a number, not `{text}`"))
    };
    Ok(BusinessSettings {
        prep_fee: money("prep_fee", number("prep_fee")?)?,
        inbound_shipping: money("inbound_shipping", number("inbound_shipping")?)?,
        sales_tax_pct: percent("sales_tax_pct", number("sales_tax_pct")?, MAX_TAX_PCT)?,
        tax_exempt: field("tax_exempt").is_some_and(|value| !matches!(value.as_str(), "" | "0" | "false" | "off")),
        markup_pct: percent("markup_pct", number("markup_pct")?, MAX_MARKUP_PCT)?,
    })
}

fn money(name: &str, dollars: f64) -> Result<Cents, String> {
    if !dollars.is_finite() || dollars < 0.0 {
        return Err(format!("`{name}` must not be negative"));
    }
    if dollars > MAX_MONEY_DOLLARS {
        return Err(format!("`{name}` must be at most {MAX_MONEY_DOLLARS} dollars"));
    }
    // Through tenths of a cent first: 1.005 is stored as 1.00499…, and a user who typed it means
    // half a cent, which rounds up like any other half.
    Ok(Cents(((dollars * 1000.0).round() / 10.0).round() as i64))
}

fn percent(name: &str, value: f64, max: f64) -> Result<f64, String> {
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{name}` must not be negative"));
    }
    if value > max {
        return Err(format!("`{name}` must be at most {max}"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_merges_and_keeps_decimal_tax() {
        let settings = from_json(br#"{"sales_tax_pct": 5.5, "prep_fee": 1.005}"#, BusinessSettings::default()).unwrap();
        assert_eq!(settings.sales_tax_pct, 5.5);
        assert_eq!(settings.prep_fee, Cents(101));
        assert_eq!(settings.inbound_shipping, Cents(399));
    }

    #[test]
    fn refusals_name_the_field() {
        let current = BusinessSettings::default();
        assert!(from_json(br#"{"prep_fee": -1}"#, current).unwrap_err().contains("prep_fee"));
        assert!(from_json(br#"{"markup_pct": "ten"}"#, current).unwrap_err().contains("markup_pct"));
        assert!(from_json(br#"{"tax": 1}"#, current).unwrap_err().contains("tax"));
        assert!(from_form(b"prep_fee=1&inbound_shipping=x&sales_tax_pct=1&markup_pct=1").unwrap_err().contains("inbound_shipping"));
    }

    #[test]
    fn form_checkbox_absent_means_false() {
        let settings = from_form(b"prep_fee=2&inbound_shipping=3&sales_tax_pct=7.25&markup_pct=12").unwrap();
        assert!(!settings.tax_exempt);
        assert_eq!(settings.sales_tax_pct, 7.25);
        assert!(from_form(b"prep_fee=2&inbound_shipping=3&sales_tax_pct=7&markup_pct=12&tax_exempt=on").unwrap().tax_exempt);
    }
}
