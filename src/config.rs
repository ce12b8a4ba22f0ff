//! Where the database URL comes from, first found wins: `--database-url`, the environment's
//! `ORDERDESK_DATABASE_URL`, then `DATABASE_URL`, then the same two names in a `.env` file in
//! the current directory (never a parent's: another project's `.env` higher up must not send
//! orderdesk to its database), then a SQLite file in the user's data directory. Settings added
//! later use the same `ORDERDESK_` prefix.

use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable orderdesk reads first.
pub const ENV_URL: &str = "ORDERDESK_DATABASE_URL";
/// The conventional variable it reads next.
pub const ENV_URL_COMMON: &str = "DATABASE_URL";

/// Where a resolved URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The `--database-url` flag.
    Flag,
    /// An environment variable (its name).
    Env(&'static str),
    /// A variable (its name) in the `.env` file of the current directory.
    DotEnv(&'static str),
    /// The default file in the user's data directory.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--database-url"),
            Source::Env(name) => write!(f, "the environment's {name}"),
            Source::DotEnv(name) => write!(f, "{name} in ./.env"),
            Source::Default => f.write_str("the default (your data directory)"),
        }
    }
}

/// A database URL and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The URL, normalised (a bare path becomes a `sqlite://` URL).
    pub url: String,
    /// Where it came from.
    pub source: Source,
}

/// Resolves the URL in the documented order: flag > `ORDERDESK_DATABASE_URL` > `DATABASE_URL` >
/// the same two in `./.env` > the default file. An empty flag is refused; an empty variable
/// counts as unset.
///
/// # Errors
/// An empty `--database-url`, an unreadable `./.env`, or no URL anywhere and no data directory.
pub fn database_url(flag: Option<&str>) -> Result<DatabaseUrl, String> {
    if let Some(url) = flag {
        if url.trim().is_empty() {
            return Err(
                "--database-url is empty; give a file path, a sqlite: URL, a postgres:// URL or a \
                 mysql:// (mariadb://) URL \
                 (or leave the flag out for the default)"
                    .to_owned(),
            );
        }
        return Ok(resolved(url, Source::Flag));
    }
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    for name in [ENV_URL, ENV_URL_COMMON] {
        if let Some(url) = given(std::env::var(name).ok()) {
            return Ok(resolved(&url, Source::Env(name)));
        }
    }
    let dotenv = dotenv_vars(Path::new(".env"))?;
    for name in [ENV_URL, ENV_URL_COMMON] {
        let value = dotenv
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone());
        if let Some(url) = given(value) {
            return Ok(resolved(&url, Source::DotEnv(name)));
        }
    }
    let path = default_database_path().ok_or_else(|| {
        format!("cannot find the user's data directory; give --database-url or set {ENV_URL}")
    })?;
    Ok(DatabaseUrl {
        url: sqlite_url(&path),
        source: Source::Default,
    })
}

fn resolved(url: &str, source: Source) -> DatabaseUrl {
    DatabaseUrl {
        url: normalize(url),
        source,
    }
}

/// The variables of the `.env` file at `path` (none when there is no such file), without
/// changing the process environment and without looking in any other directory.
fn dotenv_vars(path: &Path) -> Result<Vec<(String, String)>, String> {
    match dotenvy::from_path_iter(path) {
        Ok(iter) => iter
            .map(|item| item.map_err(|e| format!("{}: {e}", path.display())))
            .collect(),
        Err(e) if e.not_found() => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The default database: `orderdesk.db` in the user's data directory.
#[must_use]
pub fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "orderdesk").map(|d| d.data_dir().join("orderdesk.db"))
}

/// A `sqlite://` URL for a file path.
#[must_use]
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Leaves `sqlite:` and `postgres(ql)://` URLs as they are and turns a bare path into a
/// `sqlite://` URL.
#[must_use]
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    if url.starts_with("sqlite:") || url.contains("://") {
        url.to_owned()
    } else {
        sqlite_url(Path::new(url))
    }
}

pub use orderdesk_core::redact::redact;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_paths_become_sqlite_urls() {
        assert_eq!(normalize("/tmp/x.db"), "sqlite:///tmp/x.db");
        assert_eq!(normalize("data/x.db"), "sqlite://data/x.db");
        assert_eq!(normalize("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(normalize("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn the_flag_wins() {
        let url = database_url(Some("/tmp/flag.db")).unwrap();
        assert_eq!(url.url, "sqlite:///tmp/flag.db");
        assert_eq!(url.source, Source::Flag);
    }

    #[test]
    fn an_empty_flag_is_refused() {
        let err = database_url(Some("")).unwrap_err();
        assert!(err.starts_with("--database-url is empty"), "{err}");
        assert!(database_url(Some("  ")).is_err());
    }

    #[test]
    fn dotenv_is_read_from_the_given_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        assert_eq!(dotenv_vars(&path).unwrap(), []);
        std::fs::write(
            &path,
            "ORDERDESK_DATABASE_URL=/tmp/a.db\nDATABASE_URL=/tmp/b.db\n",
        )
        .unwrap();
        assert_eq!(dotenv_vars(&path).unwrap().len(), 2);
    }
}
