//! Replaying an annotated SQL file (`--log-sql`, `w` on the SQL log) with the database's own
//! shell: sqlite3, psql or mariadb.

use std::process::{Command, Stdio};

use crate::backend::Backend;

/// Runs `file` through the backend's own shell against the database at `url`.
pub fn replay(backend: Backend, url: &str, file: &std::path::Path) {
    let input = std::fs::File::open(file).unwrap();
    let mut cmd = match backend {
        Backend::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.args(["-bail", url.trim_start_matches("sqlite://")]);
            c
        }
        Backend::Postgres => {
            let mut c = Command::new("psql");
            c.args(["-q", "-v", "ON_ERROR_STOP=1", url]);
            c
        }
        Backend::Mysql => {
            // mysql://user@host:port/name
            let rest = url.trim_start_matches("mysql://");
            let (user, rest) = rest.split_once('@').unwrap();
            let (host_port, name) = rest.split_once('/').unwrap();
            let (host, port) = host_port.split_once(':').unwrap();
            let mut c = Command::new("mariadb");
            c.args(["-h", host, "-P", port, "-u", user, name]);
            c
        }
    };
    let out = cmd
        .stdin(Stdio::from(input))
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{backend:?} replay of {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
