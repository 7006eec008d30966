//! What the mentor endpoints know (DOMAIN §5.3, §5.4, §6.2): the four [`persona`]s, a deal's
//! figures for one user ([`deal`]), the approved [`knowledge`] base, the [`prompt`]s built from
//! them, the rule-based [`offline`] advisor used when no provider answers, and the chat
//! [`history`] kept per user.

pub mod deal;
pub mod history;
pub mod knowledge;
pub mod offline;
pub mod persona;
pub mod prompt;

/// `Value::Text` / `Value::Integer` readers shared by the SQL modules of this crate.
pub(crate) mod sql {
    use spin_sdk::sqlite::Value;

    pub fn text(values: &[Value], index: usize) -> Option<String> {
        match values.get(index) {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        }
    }

    pub fn integer(values: &[Value], index: usize) -> Option<i64> {
        match values.get(index) {
            Some(Value::Integer(value)) => Some(*value),
            _ => None,
        }
    }

    pub fn real(values: &[Value], index: usize) -> Option<f64> {
        match values.get(index) {
            Some(Value::Real(value)) => Some(*value),
            Some(Value::Integer(value)) => Some(*value as f64),
            _ => None,
        }
    }
}
