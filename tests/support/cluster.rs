//! A PostgreSQL cluster of a test's own: initdb and `pg_ctl` in a temporary folder, on a free
//! port, so that a test may stop, crash or restart it (never the shared server).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// A cluster in a temporary folder; stopped when dropped, panics included.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

pub fn as_postgres(bin: &Path, tool: &str) -> Command {
    as_postgres_user(&bin.join(tool))
}

/// `program`, as user postgres when the test runs as root: initdb, the server and PgBouncer
/// refuse to run as root. Its stdout is discarded.
pub fn as_postgres_user(program: &Path) -> Command {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.stdout(std::process::Stdio::null());
    cmd
}

/// Gives `dir` to user postgres when the test runs as root (see [`as_postgres_user`]).
pub fn give_to_postgres(dir: &Path) {
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "chown {}", dir.display());
    }
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn is_root() -> bool {
    // The uid without libc: /proc/self/status says it.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

impl Cluster {
    /// A cluster on a free port; `None` when PostgreSQL's programs are not installed (then
    /// `ORDERDESK_REQUIRE_POSTGRES=1` fails the test instead).
    pub fn start() -> Option<Cluster> {
        let Some(bin) = pg_bin() else {
            assert!(
                std::env::var("ORDERDESK_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "ORDERDESK_REQUIRE_POSTGRES=1 but initdb is not under /usr/lib/postgresql"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        give_to_postgres(dir.path());
        let port = free_port();
        let status = as_postgres(&bin, "initdb")
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(dir.path().join("data"))
            .status()
            .unwrap();
        assert!(status.success(), "initdb");
        let cluster = Cluster { bin, dir, port };
        cluster.pg_ctl(&["start"]);
        Some(cluster)
    }

    pub fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let status = as_postgres(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-w", "-m", "immediate", "-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .args(action)
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {action:?}");
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url_with_password(&self, password: &str) -> String {
        format!(
            "postgres://postgres:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .status();
    }
}
