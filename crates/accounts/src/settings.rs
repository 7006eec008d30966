//! Per-user business settings (`user_settings`, DOMAIN §2.4) as the domain crate's
//! [`BusinessSettings`]; a user who never saved any gets the production defaults (§4.11).

use domain::fees::BusinessSettings;
use domain::money::Cents;
use spin_sdk::sqlite::{Connection, Value};
use sqlite_kit::read;

use crate::now;

/// The settings columns, in the order [`from_values`] reads them (alias `us`).
pub const COLUMNS: &str =
    "us.prep_fee_cents, us.inbound_shipping_cents, us.sales_tax_pct, us.tax_exempt, us.markup_pct, us.updated_at";

/// Settings from the values of [`COLUMNS`]; all NULL (no row) gives the defaults.
pub fn from_values(values: &[Value]) -> BusinessSettings {
    let defaults = BusinessSettings::default();
    let integer = |i: usize| read::integer(values, i);
    let real = |i: usize| read::real(values, i);
    BusinessSettings {
        prep_fee: integer(0).map_or(defaults.prep_fee, Cents),
        inbound_shipping: integer(1).map_or(defaults.inbound_shipping, Cents),
        sales_tax_pct: real(2).unwrap_or(defaults.sales_tax_pct),
        tax_exempt: integer(3).map_or(defaults.tax_exempt, |v| v != 0),
        markup_pct: real(4).unwrap_or(defaults.markup_pct),
    }
}

/// The settings of `user_id`, and when they were last saved (`None`: never, defaults).
pub fn load(db: &Connection, user_id: i64) -> Result<(BusinessSettings, Option<i64>), String> {
    let sql = format!("SELECT {COLUMNS} FROM user_settings us WHERE us.user_id = ?");
    let result = db.execute(&sql, &[Value::Integer(user_id)]).map_err(|e| format!("cannot read settings: {e}"))?;
    Ok(match result.rows.first() {
        Some(row) => (from_values(&row.values), row.get::<i64>(5)),
        None => (BusinessSettings::default(), None),
    })
}

/// Stores the settings of `user_id` (validated by the caller).
pub fn save(db: &Connection, user_id: i64, settings: &BusinessSettings) -> Result<(), String> {
    db.execute(
        "INSERT INTO user_settings (user_id, prep_fee_cents, inbound_shipping_cents, sales_tax_pct, tax_exempt, markup_pct, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET prep_fee_cents = excluded.prep_fee_cents,
           inbound_shipping_cents = excluded.inbound_shipping_cents, sales_tax_pct = excluded.sales_tax_pct,
           tax_exempt = excluded.tax_exempt, markup_pct = excluded.markup_pct, updated_at = excluded.updated_at",
        &[
            Value::Integer(user_id),
            Value::Integer(settings.prep_fee.0),
            Value::Integer(settings.inbound_shipping.0),
            Value::Real(settings.sales_tax_pct),
            Value::Integer(i64::from(settings.tax_exempt)),
            Value::Real(settings.markup_pct),
            Value::Integer(now()),
        ],
    )
    .map(|_| ())
    .map_err(|e| format!("cannot save settings: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_row_means_the_production_defaults() {
        assert_eq!(from_values(&[Value::Null, Value::Null, Value::Null, Value::Null, Value::Null]), BusinessSettings::default());
    }

    #[test]
    fn stored_values_win() {
        let values = [Value::Integer(100), Value::Integer(0), Value::Real(7.25), Value::Integer(1), Value::Integer(20)];
        let settings = from_values(&values);
        assert_eq!(settings.prep_fee, Cents(100));
        assert_eq!(settings.inbound_shipping, Cents(0));
        assert_eq!(settings.sales_tax_pct, 7.25);
        assert!(settings.tax_exempt);
        assert_eq!(settings.markup_pct, 20.0);
    }
}
