//! Checks and parsers for what users type, shared by every front end and by the services.

use super::{Error, MAX_QUANTITY, MAX_STOCK, MAX_TEXT, Status};
use crate::money;

/// Characters that show nothing or reorder what follows: bidirectional embeddings, overrides,
/// isolates and marks, the zero-width space, the word joiner, the byte-order mark. In a name or
/// an email they only ever disguise it (`admin\u{202E}gpj.exe`). The zero-width joiner and
/// non-joiner are kept: Persian and Indic names and emoji sequences need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Refuses control characters and invisible ones, naming the first by its code point.
fn printable(field: &str, text: &str) -> Result<(), Error> {
    match text.chars().find(|c| c.is_control() || is_invisible(*c)) {
        Some(c) => Err(Error::invalid(
            field,
            format!(
                "must not contain control or invisible characters (found U+{:04X})",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

/// Checks an email and returns it trimmed and lowercased. The syntax is checked by the
/// `email_address` crate (RFC 5321/5322), with a dotted domain required (an address a shop
/// can write to) and no display text or IP literal.
///
/// # Errors
/// Empty, too long, with spaces, control or invisible characters, or not an email.
pub fn email(field: &str, raw: &str) -> Result<String, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::invalid(
            field,
            "is empty; type an email such as ada@example.com",
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(Error::invalid(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    }
    printable(field, text)?;
    if text.chars().any(char::is_whitespace) {
        return Err(Error::invalid(field, "must not contain spaces"));
    }
    let options = email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        ..email_address::Options::default()
    };
    if let Err(e) = email_address::EmailAddress::parse_with_options(text, options) {
        // The crate says "Missing separator character '@'."; the message goes on after ours.
        let reason = e.to_string();
        let reason = reason.trim_end_matches('.');
        let mut chars = reason.chars();
        let reason: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        return Err(Error::invalid(
            field,
            format!("{text:?} is not a valid email: {reason}"),
        ));
    }
    Ok(text.to_lowercase())
}

/// Checks a name (of a person or product) and returns it trimmed; anything else is kept as typed.
///
/// # Errors
/// Empty, longer than [`MAX_TEXT`] characters, or with control or invisible characters.
pub fn name(field: &str, raw: &str) -> Result<String, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(Error::invalid(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    }
    printable(field, text)?;
    Ok(text.to_owned())
}

/// Parses a typed price (`12.34`) into cents.
///
/// # Errors
/// See [`money::parse_price`].
pub fn price(field: &str, raw: &str) -> Result<i64, Error> {
    money::parse_price(raw).map_err(|reason| Error::invalid(field, reason))
}

/// Checks a price in cents.
///
/// # Errors
/// Negative or above [`money::MAX_PRICE_CENTS`].
pub fn price_cents(field: &str, cents: i64) -> Result<i64, Error> {
    if !(0..=money::MAX_PRICE_CENTS).contains(&cents) {
        return Err(Error::invalid(
            field,
            format!(
                "must be 0.00..={} (got {})",
                money::format_cents(money::MAX_PRICE_CENTS),
                money::format_cents(cents)
            ),
        ));
    }
    Ok(cents)
}

/// A whole number as typed: digits, or a minus and digits (refused by the caller's range with
/// a clearer reason). A plus sign is refused, as it is in a price.
fn integer(field: &str, raw: &str, what: &str) -> Result<i64, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, format!("is empty; type {what}")));
    }
    if text.starts_with('+') {
        return Err(Error::invalid(
            field,
            format!("{text:?} is not a whole number (no sign: type {what})"),
        ));
    }
    text.parse::<i64>().map_err(|e| {
        let reason = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                format!("{text} is out of range")
            }
            _ => format!("{text:?} is not a whole number"),
        };
        Error::invalid(field, reason)
    })
}

/// Parses a typed quantity.
///
/// # Errors
/// Not a whole number, or outside 1..=[`MAX_QUANTITY`].
pub fn quantity(field: &str, raw: &str) -> Result<i64, Error> {
    quantity_value(field, integer(field, raw, "a quantity such as 2")?)
}

/// Checks a quantity.
///
/// # Errors
/// Outside 1..=[`MAX_QUANTITY`].
pub fn quantity_value(field: &str, quantity: i64) -> Result<i64, Error> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(Error::invalid(
            field,
            format!("quantity must be 1..={MAX_QUANTITY} (got {quantity})"),
        ))
    }
}

/// Parses a typed stock level.
///
/// # Errors
/// Not a whole number, or outside 0..=[`MAX_STOCK`].
pub fn stock(field: &str, raw: &str) -> Result<i64, Error> {
    stock_value(field, integer(field, raw, "a stock level such as 12")?)
}

/// Checks a stock level.
///
/// # Errors
/// Outside 0..=[`MAX_STOCK`].
pub fn stock_value(field: &str, stock: i64) -> Result<i64, Error> {
    if (0..=MAX_STOCK).contains(&stock) {
        Ok(stock)
    } else {
        Err(Error::invalid(
            field,
            format!("must be 0..={MAX_STOCK} (got {stock})"),
        ))
    }
}

/// Parses a status name.
///
/// # Errors
/// Not one of the five statuses.
pub fn status(raw: &str) -> Result<Status, Error> {
    raw.parse()
}

/// Parses an order line typed as `PRODUCT_ID:QTY`.
///
/// # Errors
/// Not of that form, a bad id or a bad quantity; the field is `field` (such as `item 2`).
pub fn item(field: &str, raw: &str) -> Result<(i64, i64), Error> {
    let Some((product, qty)) = raw.split_once(':') else {
        return Err(Error::invalid(
            field,
            format!("{raw:?} is not PRODUCT_ID:QUANTITY (such as 3:2)"),
        ));
    };
    let product_id = integer(&format!("{field} product"), product, "a product id")?;
    if product_id <= 0 {
        return Err(Error::invalid(
            format!("{field} product"),
            format!("must be a positive id (got {product_id})"),
        ));
    }
    let quantity = quantity(&format!("{field} quantity"), qty)?;
    Ok((product_id, quantity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", " Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.io",
            "a b@x.io",
            "ada@x",
            "a@b@c.io",
            "ada@x..io",
        ] {
            let err = email("email", bad).unwrap_err().to_string();
            assert!(err.starts_with("email: "), "{bad:?} gave {err}");
        }
    }

    /// Trust issue, point 15.
    #[test]
    fn invisible_and_control_characters_are_refused_with_the_field() {
        for (bad, code) in [
            ("Ada\u{202E}ecalevol", "U+202E"),
            ("Ada\u{200B}", "U+200B"),
            ("\u{FEFF}Ada", "U+FEFF"),
            ("A\u{2066}da", "U+2066"),
            ("A\u{200F}da", "U+200F"),
            ("A\tda", "U+0009"),
            ("A\u{1b}[31mda", "U+001B"),
        ] {
            let err = name("name", bad).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("name: must not contain control or invisible characters (found {code})")
            );
            let err = email("email", &format!("{bad}@example.com"))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("email: must not contain control"), "{err}");
        }
        // Scripts that need a joiner keep it.
        assert_eq!(name("name", "می\u{200C}خواهم").unwrap(), "می\u{200C}خواهم");
        assert!(name("name", "👨\u{200D}👩\u{200D}👧 Family").is_ok());
    }

    #[test]
    fn stock_quantity_and_price_refuse_a_plus_sign_alike() {
        assert!(crate::money::parse_price("+3").is_err());
        assert!(
            stock("stock", "+5")
                .unwrap_err()
                .to_string()
                .contains("no sign")
        );
        assert!(
            quantity("quantity", "+2")
                .unwrap_err()
                .to_string()
                .contains("no sign")
        );
        assert_eq!(stock("stock", " 5 ").unwrap(), 5);
    }

    #[test]
    fn names_keep_what_was_typed() {
        let sql = "Robert'); DROP TABLE users;--";
        assert_eq!(name("name", sql).unwrap(), sql);
        assert_eq!(name("name", "  Zoë 🚀 ").unwrap(), "Zoë 🚀");
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(MAX_TEXT + 1)).is_err());
        assert!(name("name", "a\u{7}b").is_err());
    }

    #[test]
    fn quantities_and_stock() {
        assert_eq!(quantity("quantity", "3").unwrap(), 3);
        for bad in [
            "0",
            "-1",
            "10001",
            "1.5",
            "1e3",
            "",
            "x",
            "99999999999999999999",
        ] {
            let err = quantity("quantity", bad).unwrap_err().to_string();
            assert!(err.starts_with("quantity: "), "{bad:?} gave {err}");
        }
        assert_eq!(stock("stock", "0").unwrap(), 0);
        assert!(stock("stock", "-1").is_err());
    }

    #[test]
    fn items() {
        assert_eq!(item("item 1", "3:2").unwrap(), (3, 2));
        assert_eq!(
            item("item 2", "3:0").unwrap_err().to_string(),
            "item 2 quantity: quantity must be 1..=10000 (got 0)"
        );
        assert!(
            item("item 1", "3")
                .unwrap_err()
                .to_string()
                .contains("PRODUCT_ID:QUANTITY")
        );
        assert!(
            item("item 1", "x:1")
                .unwrap_err()
                .to_string()
                .starts_with("item 1 product")
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn quantities_are_accepted_exactly_within_bounds(q in any::<i64>()) {
            let parsed = quantity("quantity", &q.to_string());
            prop_assert_eq!(parsed.is_ok(), (1..=MAX_QUANTITY).contains(&q));
            if let Ok(v) = parsed {
                prop_assert_eq!(v, q);
            }
        }

        #[test]
        fn quantity_text_that_is_not_an_integer_is_refused(s in "[^0-9]{1,8}") {
            prop_assert!(quantity("quantity", &s).is_err());
        }
    }
}
