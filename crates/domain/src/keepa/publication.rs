//! A book's publication date from Keepa's `publicationDate` or `releaseDate` (DOMAIN §2.2, §3.2).
//!
//! Keepa documents an integer `YYYY`, `YYYYMM` or `YYYYMMDD` (`-1` = unknown); older data and
//! other feeds also carry Keepa minutes or a string. The date is kept exactly as precise as Keepa
//! knows it, as ISO 8601: `2015-03-14`, `2015-03` or `2015` — padding a bare year to `-01-01`
//! would invent a day. These strings sort chronologically, so the column can be ordered.

use serde::Deserialize;

use crate::time::UnixSeconds;

/// The field as it arrives: a number, a string, or anything else (ignored rather than failing
/// the whole product over a field nothing is computed from).
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawDate {
    Number(i64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

/// Years a book's publication can plausibly fall in; anything else is a placeholder or garbage.
const YEARS: std::ops::RangeInclusive<i64> = 1400..=2200;

/// The ISO date of `publicationDate`, else of `releaseDate`; `None` when neither is a date.
pub(super) fn publication_date(publication: Option<RawDate>, release: Option<RawDate>) -> Option<String> {
    publication.and_then(iso_date).or_else(|| release.and_then(iso_date))
}

fn iso_date(raw: RawDate) -> Option<String> {
    match raw {
        RawDate::Number(number) => from_number(number),
        RawDate::Text(text) => from_text(text.trim()),
        RawDate::Other(_) => None,
    }
}

/// `YYYY`, `YYYYMM`, `YYYYMMDD`, or Keepa minutes (seven digits: 2012-11 to 2030).
fn from_number(number: i64) -> Option<String> {
    match number {
        1_000..=9_999 => year(number),
        100_000..=999_999 => year_month(number / 100, number % 100),
        1_000_000..=9_999_999 => UnixSeconds::from_keepa_minutes(number).map(UnixSeconds::date_string),
        10_000_000..=99_999_999 => full_date(number / 10_000, number / 100 % 100, number % 100),
        _ => None,
    }
}

/// `YYYY-MM-DD` (a time after it is ignored) or `YYYY-MM`, read as the number without its
/// dashes, or digits read as a number.
fn from_text(text: &str) -> Option<String> {
    let date = date_part(text);
    let shape: Vec<usize> = date.split('-').map(str::len).collect();
    if !matches!(shape[..], [_] | [4, 2] | [4, 2, 2]) {
        return None;
    }
    let digits = date.replace('-', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    from_number(digits.parse().ok()?)
}

/// The first ten characters when a time follows them (`2015-03-14T00:00:00Z`), else the text.
fn date_part(text: &str) -> &str {
    match text.get(..10) {
        Some(date) if text[10..].starts_with(['T', ' ']) => date,
        _ => text,
    }
}

fn year(year: i64) -> Option<String> {
    YEARS.contains(&year).then(|| format!("{year:04}"))
}

fn year_month(year: i64, month: i64) -> Option<String> {
    (YEARS.contains(&year) && (1..=12).contains(&month)).then(|| format!("{year:04}-{month:02}"))
}

fn full_date(year: i64, month: i64, day: i64) -> Option<String> {
    if !YEARS.contains(&year) {
        return None;
    }
    UnixSeconds::from_date(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).map(UnixSeconds::date_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: i64) -> Option<String> {
        publication_date(Some(RawDate::Number(n)), None)
    }

    fn text(s: &str) -> Option<String> {
        publication_date(Some(RawDate::Text(s.into())), None)
    }

    #[test]
    fn keepas_integer_formats_keep_their_precision() {
        assert_eq!(number(20150314).as_deref(), Some("2015-03-14"));
        assert_eq!(number(201503).as_deref(), Some("2015-03"));
        assert_eq!(number(2015).as_deref(), Some("2015"));
    }

    #[test]
    fn keepa_minutes_become_the_utc_date() {
        let minutes = UnixSeconds::from_date(2019, 6, 1).unwrap().to_keepa_minutes() + 600;
        assert_eq!(number(minutes).as_deref(), Some("2019-06-01"));
    }

    #[test]
    fn unknown_and_impossible_values_are_none() {
        for value in [-1, 0, 20150230, 201513, 201500, 99991231, 123, 123_456_789] {
            assert_eq!(number(value), None, "{value}");
        }
        for value in ["", "n/a", "2015-02-30", "2015-13", "15-03-14", "2015/03/14", "-1"] {
            assert_eq!(text(value), None, "{value:?}");
        }
    }

    #[test]
    fn strings_are_read_as_iso_dates_or_digits() {
        assert_eq!(text("2015-03-14").as_deref(), Some("2015-03-14"));
        assert_eq!(text(" 2015-03-14T00:00:00Z ").as_deref(), Some("2015-03-14"));
        assert_eq!(text("2015-03").as_deref(), Some("2015-03"));
        assert_eq!(text("20150314").as_deref(), Some("2015-03-14"));
    }

    #[test]
    fn a_field_of_another_type_is_no_date_and_no_error() {
        for json in ["2015.5", "true", "{\"year\": 2015}", "[2015]"] {
            let raw: RawDate = serde_json::from_str(json).unwrap();
            assert_eq!(publication_date(Some(raw), None), None, "{json}");
        }
    }

    #[test]
    fn the_release_date_stands_in_when_the_publication_date_is_unknown() {
        let release = || Some(RawDate::Number(20200101));
        assert_eq!(publication_date(Some(RawDate::Number(-1)), release()).as_deref(), Some("2020-01-01"));
        assert_eq!(publication_date(None, release()).as_deref(), Some("2020-01-01"));
        assert_eq!(publication_date(Some(RawDate::Number(2019)), release()).as_deref(), Some("2019"));
    }
}
