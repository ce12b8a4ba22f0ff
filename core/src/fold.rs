//! Case folding for search: the one rule every list filter uses, whatever the backend.

use unicode_normalization::UnicodeNormalization;

/// The text as the filters compare it: the Unicode lowercase of its NFC form. Case goes
/// ("Ünïcode" and "ÜNÏCODE" become "ünïcode"), accents stay ("e" does not find "é"), and a
/// letter typed as a base and a combining mark finds the same letter typed precomposed.
#[must_use]
pub fn fold(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

/// A user's search key: the folded email and name, on two lines (a filter never spans them:
/// neither may hold a line break).
#[must_use]
pub fn user_key(email: &str, full_name: &str) -> String {
    format!("{}\n{}", fold(email), fold(full_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_goes_accents_stay() {
        assert_eq!(fold("Ünïcode"), "ünïcode");
        assert_eq!(fold("ÜNÏCODE"), "ünïcode");
        // U + COMBINING DIAERESIS is Ü once composed.
        assert_eq!(fold("U\u{308}nicode"), "ünicode");
        assert_ne!(fold("Café"), fold("Cafe"));
        assert_eq!(fold("STRASSE"), "strasse");
        assert_eq!(
            user_key("Ada@X.io", "Ada Lovelace"),
            "ada@x.io\nada lovelace"
        );
    }
}
