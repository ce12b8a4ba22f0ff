//! Where the database URL comes from: `--database-url`, then `DATABASE_URL`, then a `.env` file,
//! then a SQLite file in the user's data directory.

use std::path::{Path, PathBuf};

/// Where a resolved URL came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `--database-url` flag.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Env,
    /// `DATABASE_URL` in a `.env` file.
    DotEnv,
    /// The default file in the user's data directory.
    Default,
}

/// A database URL and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The URL, normalised (a bare path becomes a `sqlite://` URL).
    pub url: String,
    /// Where it came from.
    pub source: Source,
}

/// Resolves the URL in the documented order: flag > `DATABASE_URL` > `.env` > default file.
///
/// # Errors
/// When no URL is given anywhere and the user's data directory cannot be determined.
pub fn database_url(flag: Option<&str>) -> Result<DatabaseUrl, String> {
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    if let Some(url) = given(flag.map(str::to_owned)) {
        return Ok(resolved(&url, Source::Flag));
    }
    if let Some(url) = given(std::env::var("DATABASE_URL").ok()) {
        return Ok(resolved(&url, Source::Env));
    }
    if let Some(url) = given(dotenv_database_url()) {
        return Ok(resolved(&url, Source::DotEnv));
    }
    let path = default_database_path().ok_or_else(|| {
        "cannot find the user's data directory; give --database-url or set DATABASE_URL".to_owned()
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

/// `DATABASE_URL` from a `.env` file in the current directory or a parent, without changing the
/// process environment.
fn dotenv_database_url() -> Option<String> {
    dotenvy::dotenv_iter()
        .ok()?
        .filter_map(Result::ok)
        .find(|(key, _)| key == "DATABASE_URL")
        .map(|(_, value)| value)
}

/// The default database: `orderdesk.db` in the user's data directory.
pub fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "orderdesk").map(|d| d.data_dir().join("orderdesk.db"))
}

/// A `sqlite://` URL for a file path.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Leaves `sqlite:` and `postgres(ql)://` URLs as they are and turns a bare path into a
/// `sqlite://` URL.
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    if url.starts_with("sqlite:") || url.contains("://") {
        url.to_owned()
    } else {
        sqlite_url(Path::new(url))
    }
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

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
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@db.example.com:5432/orders?sslmode=require"),
            "postgres://app:***@db.example.com:5432/orders?sslmode=require"
        );
        assert_eq!(redact("postgres://app@h/db"), "postgres://app@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
