//! Database URLs as messages show them: with every password hidden.

/// The URL with any password replaced by `***`, for messages: in the user part
/// (`user:pass@`, percent-encoded or not) and in the query (`?password=`), parsed with the
/// `url` crate. Anything that does not parse as a URL is shown as `***` past its scheme when it
/// has an `@` (it may hold a password), and as it is otherwise (a file path).
#[must_use]
pub fn redact(text: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(text) else {
        return match text.split_once("://") {
            Some((scheme, rest)) if rest.contains('@') => format!("{scheme}://***"),
            _ => text.to_owned(),
        };
    };
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        key.contains("password") || key == "pass" || key == "pwd" || key.contains("secret")
    };
    let in_query = parsed.query_pairs().any(|(k, _)| secret(&k));
    if parsed.password().is_none() && !in_query {
        return text.to_owned();
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if in_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if secret(&k) {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string().replace("%2A%2A%2A", "***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_in_every_form() {
        for (url, shown) in [
            (
                "postgres://app:s3cret@db.example.com:5432/orders?sslmode=require",
                "postgres://app:***@db.example.com:5432/orders?sslmode=require",
            ),
            // Percent-encoded, and an unencoded @ inside the password.
            ("postgres://app:p%40ss%3Aw@h/db", "postgres://app:***@h/db"),
            ("postgres://app:p@ss@h/db", "postgres://app:***@h/db"),
            (
                "postgres://app@h/db?password=s3cret&sslmode=disable",
                "postgres://app@h/db?password=***&sslmode=disable",
            ),
            (
                "postgresql://h/db?user=a&PASSWORD=x",
                "postgresql://h/db?user=a&PASSWORD=***",
            ),
            ("postgres://app@h/db", "postgres://app@h/db"),
            ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
            ("sqlite://data/x.db", "sqlite://data/x.db"),
            // Not a URL at all, but it may hold a password.
            ("postgres://a:b@[bad/db", "postgres://***"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
            for secret in ["s3cret", "p%40ss", "p@ss", "ss%3Aw"] {
                assert!(!redact(url).contains(secret), "{url}");
            }
        }
    }
}
