//! Checks and parsers for what users type, shared by every front end and by the services.

use super::{Error, MAX_QUANTITY, MAX_STOCK, MAX_TEXT, Status};
use crate::money;

/// Checks an email and returns it trimmed and lowercased.
///
/// # Errors
/// Empty, too long, with spaces or control characters, or not of the form `name@domain.tld`.
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
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            "must not contain spaces or control characters",
        ));
    }
    let valid = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    };
    if !valid {
        return Err(Error::invalid(
            field,
            format!("{text:?} is not a valid email (expected name@domain.tld)"),
        ));
    }
    Ok(text.to_lowercase())
}

/// Checks a name (of a person or product) and returns it trimmed; anything else is kept as typed.
///
/// # Errors
/// Empty, longer than [`MAX_TEXT`] characters, or with control characters.
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
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
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

fn integer(field: &str, raw: &str, what: &str) -> Result<i64, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, format!("is empty; type {what}")));
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
