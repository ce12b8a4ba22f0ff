//! Money as integer cents: exact parsing of typed prices and formatting for display.

/// The largest price accepted, in cents (one billion in currency units).
pub const MAX_PRICE_CENTS: i64 = 100_000_000_000;

/// Parses a typed price such as `12.34`, `12.3`, `12` or `0.99` into cents, exactly.
///
/// # Errors
/// A sentence saying why the text is not a price: empty, a sign, an exponent, more than two
/// decimals, not a number, or above [`MAX_PRICE_CENTS`].
pub fn parse_price(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty; type a price such as 12.34".to_owned());
    }
    if text.starts_with('-') {
        return Err(format!("must not be negative (got {text})"));
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(format!(
            "is not a number with up to 2 decimals, such as 12.34 (got {text})"
        ));
    }
    let fraction = fraction.unwrap_or("");
    if fraction.len() > 2 {
        return Err(format!("has more than 2 decimals (got {text})"));
    }
    let too_large = || format!("is too large (at most {})", format_cents(MAX_PRICE_CENTS));
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let total = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(too_large)?;
    if total > MAX_PRICE_CENTS {
        return Err(too_large());
    }
    Ok(total)
}

/// Formats cents as `12.34` (`-0.05` for negative amounts); i128 for sums over many orders.
pub fn format_cents(cents: impl Into<i128>) -> String {
    let cents: i128 = cents.into();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_price("12.34"), Ok(1234));
        assert_eq!(parse_price("12.3"), Ok(1230));
        assert_eq!(parse_price("12"), Ok(1200));
        assert_eq!(parse_price("0.05"), Ok(5));
        assert_eq!(parse_price(" 7.00 "), Ok(700));
        assert_eq!(parse_price("0"), Ok(0));
    }

    #[test]
    fn refuses_what_is_not_a_price() {
        for bad in [
            "", " ", "12.345", "-1", "1e3", "abc", "12.", ".5", "1,50", "+3", "12.3.4",
        ] {
            assert!(parse_price(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(
            parse_price("99999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
        assert!(
            parse_price("1000000000.01")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn formats() {
        assert_eq!(format_cents(1234), "12.34");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(0), "0.00");
        assert_eq!(format_cents(-5), "-0.05");
        assert_eq!(format_cents(i64::MIN), "-92233720368547758.08");
        assert_eq!(
            format_cents(i128::from(i64::MAX) * 3),
            "276701161105643274.21"
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_the_cents_back(cents in 0..=MAX_PRICE_CENTS) {
            prop_assert_eq!(parse_price(&format_cents(cents)), Ok(cents));
        }

        #[test]
        fn one_decimal_and_no_decimals_parse_exactly(whole in 0_i64..1_000_000, tenth in 0_i64..10) {
            prop_assert_eq!(parse_price(&format!("{whole}.{tenth}")), Ok(whole * 100 + tenth * 10));
            prop_assert_eq!(parse_price(&whole.to_string()), Ok(whole * 100));
        }

        #[test]
        fn three_decimals_signs_and_exponents_are_refused(whole in 0_i64..1_000_000, rest in 0_i64..1000) {
            let three = format!("{whole}.{rest:03}");
            let negative = format!("-{whole}");
            let exponent = format!("{whole}e2");
            prop_assert!(parse_price(&three).is_err());
            prop_assert!(parse_price(&negative).is_err());
            prop_assert!(parse_price(&exponent).is_err());
        }
    }
}
