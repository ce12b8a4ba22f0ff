//! Times as a person reads them: in the local time zone, and said so. JSON stays UTC (RFC 3339).

use chrono::{DateTime, Local, Utc};

/// The zone times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The machine's zone (`TZ`, else /etc/localtime).
    #[default]
    Local,
    /// UTC (tests and snapshots pin it, so that they read the same on every machine).
    Utc,
}

impl Zone {
    /// `t` in this zone, by a chrono format (`%Y-%m-%d %H:%M`).
    #[must_use]
    pub fn format(self, t: &DateTime<Utc>, format: &str) -> String {
        match self {
            Zone::Local => t.with_timezone(&Local).format(format).to_string(),
            Zone::Utc => t.format(format).to_string(),
        }
    }

    /// A minute-precise time, `2026-11-22 10:24`.
    #[must_use]
    pub fn minute(self, t: &DateTime<Utc>) -> String {
        self.format(t, "%Y-%m-%d %H:%M")
    }

    /// The label that says which zone a time is in: `local` or `UTC`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Zone::Local => "local",
            Zone::Utc => "UTC",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn utc_is_as_stored_and_local_is_labelled() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 9, 5, 0).unwrap();
        assert_eq!(Zone::Utc.minute(&t), "2026-11-22 09:05");
        assert_eq!(
            Zone::Local.minute(&t),
            t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
        );
        assert_eq!(Zone::Local.label(), "local");
    }
}
