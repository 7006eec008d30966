//! The numbers a reseller has in hand for a book, read as the ASIN its deal is stored under.
//!
//! Amazon lists a book under its ISBN-10 (DOMAIN §2: the ASIN), but the barcode on the book — what
//! a scanner app or a thrift-store shelf gives — is its ISBN-13: `978`, the first nine ISBN-10
//! digits, and a check digit of its own. Both are often written with hyphens. Reading every form
//! as the ASIN lets a deal be found (search box, mentor chat) by whichever number the user has.
//! ISBN-13s that start with `979` have no ISBN-10, so they name no book ASIN.

/// Whether `code` has the shape of an ASIN as Amazon and Keepa write them: 10 ASCII letters or
/// digits (DOMAIN §3.3 step 5). Whether it names a stored deal is for the deals to say.
pub fn is_asin_shaped(code: &str) -> bool {
    code.len() == 10 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The ASIN `code` names, upper-cased: an ISBN-10 (nine digits and a digit or `X`), an Amazon
/// ASIN (`B0` and eight letters or digits), or an ISBN-13 of the `978` range whose check digit
/// is right; hyphens anywhere are ignored. `None` for anything else, including ten-letter words.
pub fn asin_of(code: &str) -> Option<String> {
    let compact: String = code.chars().filter(|c| *c != '-').collect::<String>().to_ascii_uppercase();
    if !compact.is_ascii() {
        return None;
    }
    match compact.len() {
        10 if is_isbn10_shaped(&compact) || is_amazon_asin(&compact) => Some(compact),
        13 => isbn13_to_isbn10(&compact),
        _ => None,
    }
}

/// The ASINs `text` names, in order of first mention and without repeats: each word (letters,
/// digits and hyphens) read with [`asin_of`], so `ISBN 978-0-13-409341-3` names `0134093410`.
pub fn asins_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for asin in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter_map(asin_of) {
        if !found.contains(&asin) {
            found.push(asin);
        }
    }
    found
}

fn is_isbn10_shaped(code: &str) -> bool {
    let (body, check) = code.split_at(9);
    body.bytes().all(|b| b.is_ascii_digit()) && (check == "X" || check.bytes().all(|b| b.is_ascii_digit()))
}

fn is_amazon_asin(code: &str) -> bool {
    code.starts_with("B0") && is_asin_shaped(code)
}

/// The ISBN-10 of a valid `978` ISBN-13 (13 digits whose 1-3-1-3… weighted sum is a multiple of
/// ten): its nine middle digits and their mod-11 check digit (`X` for ten).
fn isbn13_to_isbn10(isbn13: &str) -> Option<String> {
    let digits: Vec<u32> = isbn13.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let weighted: u32 = digits.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d }).sum();
    if !isbn13.starts_with("978") || !weighted.is_multiple_of(10) {
        return None;
    }
    let body = &isbn13[3..12];
    let sum: u32 = digits[3..12].iter().zip((2..=10).rev()).map(|(d, weight)| d * weight).sum();
    let check = match (11 - sum % 11) % 11 {
        10 => 'X',
        n => char::from_digit(n, 10)?,
    };
    Some(format!("{body}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asin_shape() {
        assert!(is_asin_shaped("0856485837"));
        assert!(is_asin_shaped("B00ABCDEFG"));
        assert!(!is_asin_shaped("085648583"));
        assert!(!is_asin_shaped("0856485837;"));
        assert!(!is_asin_shaped("../../etc/"));
    }

    #[test]
    fn isbn13s_of_the_978_range_read_as_their_isbn10() {
        assert_eq!(asin_of("9780134093413").as_deref(), Some("0134093410"));
        assert_eq!(asin_of("978-0-306-40615-7").as_deref(), Some("0306406152"));
        // ISBN-10 check digit ten is written X.
        assert_eq!(asin_of("9780804429573").as_deref(), Some("080442957X"));
        assert_eq!(asin_of("9780134093414"), None, "wrong check digit");
        assert_eq!(asin_of("9791032305690"), None, "979 ISBNs have no ISBN-10");
        assert_eq!(asin_of("97801340934１3"), None, "only ASCII digits");
    }

    #[test]
    fn isbn10s_and_amazon_asins_read_as_themselves() {
        assert_eq!(asin_of("0-13-409341-0").as_deref(), Some("0134093410"));
        assert_eq!(asin_of("080442957x").as_deref(), Some("080442957X"));
        assert_eq!(asin_of("b00abcdefg").as_deref(), Some("B00ABCDEFG"));
        for not_a_code in ["profitable", "calculus12", "013409341", "01340934100", "", "-", "B00ABCDEF;", "12345678é"] {
            assert_eq!(asin_of(not_a_code), None, "{not_a_code}");
        }
    }

    #[test]
    fn text_names_books_in_every_form() {
        assert_eq!(
            asins_in("Is 0856485837 better than b00abcdefg, or 080442957X? (0856485837 again)"),
            ["0856485837", "B00ABCDEFG", "080442957X"]
        );
        assert_eq!(asins_in("The barcode says ISBN-13: 978-0-13-409341-3, or 9780134093413."), ["0134093410"]);
        assert!(asins_in("profitable textbooks, rank 1234567890X, ISBN 9780134093414").is_empty());
    }
}
