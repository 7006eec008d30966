//! CSV encoding of deal rows: RFC 4180 quoting by the `csv` crate, numbers unformatted, and text
//! cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
//! prefixed with `'` so they stay text. Numbers are never prefixed: they cannot hold a formula.

use deals_query::{COLUMNS, Kind};
use spin_sdk::sqlite::RowResult;

/// The header row: the API's field keys.
pub fn header() -> Vec<u8> {
    encode(std::iter::once(COLUMNS.iter().map(|column| column.key.to_string()).collect()))
}

/// The encoded rows.
pub fn rows(rows: &[RowResult]) -> Vec<u8> {
    encode(rows.iter().map(|row| {
        COLUMNS
            .iter()
            .zip(&row.values)
            .map(|(column, value)| {
                let text = deals_query::spin::cell(value).to_csv(column.kind);
                if column.kind == Kind::Text { defuse(text) } else { text }
            })
            .collect()
    }))
}

fn encode(records: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer.write_record(&record).expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("flushing to memory cannot fail")
}

/// Text that a spreadsheet would evaluate, made inert.
fn defuse(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(defuse("Calculus".into()), "Calculus");
    }
}
