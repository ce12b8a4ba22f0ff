//! A database server of a test's own, so that a test may stop, crash or restart it (never the
//! shared server): a PostgreSQL cluster (initdb and `pg_ctl`) or a MariaDB server
//! (`mariadb-install-db` and `mariadbd`), in a temporary folder, on a free port.

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

/// A MariaDB server in a temporary folder; killed when dropped, panics included.
pub struct Maria {
    dir: tempfile::TempDir,
    port: u16,
    server: Option<std::process::Child>,
}

impl Maria {
    /// A server on a free port with an empty database `shop`; `None` when MariaDB's programs
    /// are not installed (then `ORDERDESK_REQUIRE_MYSQL=1` fails the test instead).
    pub fn start() -> Option<Maria> {
        if !Path::new("/usr/sbin/mariadbd").exists() {
            assert!(
                std::env::var("ORDERDESK_REQUIRE_MYSQL").as_deref() != Ok("1"),
                "ORDERDESK_REQUIRE_MYSQL=1 but /usr/sbin/mariadbd is not installed"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut install = Command::new("mariadb-install-db");
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", dir.path().join("data").display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if is_root() {
            install.arg("--user=root");
        }
        assert!(install.status().unwrap().success(), "mariadb-install-db");
        let mut maria = Maria {
            dir,
            port: free_port(),
            server: None,
        };
        maria.start_again();
        maria.client("CREATE DATABASE shop CHARACTER SET utf8mb4");
        Some(maria)
    }

    /// Starts the server on its data (after [`Maria::kill`]: crash recovery) and waits, with a
    /// deadline, until it answers.
    pub fn start_again(&mut self) {
        let data = self.dir.path().join("data");
        let mut server = Command::new("/usr/sbin/mariadbd");
        server
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", self.socket().display()))
            .arg(format!(
                "--pid-file={}",
                self.dir.path().join("pid").display()
            ))
            .arg(format!("--port={}", self.port))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=32M",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(self.dir.path().join("log")).unwrap());
        if is_root() {
            server.arg("--user=root");
        }
        self.server = Some(server.spawn().unwrap());
        let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
        while !self.answers() {
            assert!(
                std::time::Instant::now() < deadline,
                "mariadbd did not start: {}",
                std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Kills the server at once (SIGKILL: no shutdown, as a crash).
    pub fn kill(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("sock")
    }

    fn answers(&self) -> bool {
        Command::new("mariadb-admin")
            .arg(format!("--socket={}", self.socket().display()))
            .args(["-u", "root", "ping"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Runs `sql` as root over the server's socket.
    pub fn client(&self, sql: &str) {
        let status = Command::new("mariadb")
            .arg(format!("--socket={}", self.socket().display()))
            .args(["-u", "root", "-e", sql])
            .status()
            .unwrap();
        assert!(status.success(), "{sql}");
    }

    /// The URL of database `shop` as root (no password).
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}/shop", self.port)
    }

    /// The URL of database `shop` as a user `clerk` whose password is `password` (made here).
    pub fn url_with_password(&self, password: &str) -> String {
        self.client(&format!(
            "CREATE USER IF NOT EXISTS 'clerk'@'%' IDENTIFIED BY '{password}'; \
             GRANT ALL ON shop.* TO 'clerk'@'%'"
        ));
        format!("mysql://clerk:{password}@127.0.0.1:{}/shop", self.port)
    }
}

impl Drop for Maria {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A server of the test's own, of either kind, for the tests that stop and restart it.
pub enum OwnServer {
    Postgres(Cluster),
    Maria(Maria),
}

impl OwnServer {
    /// PostgreSQL (`mysql == false`) or MariaDB; `None` when its programs are missing.
    pub fn start(mysql: bool) -> Option<OwnServer> {
        if mysql {
            Maria::start().map(OwnServer::Maria)
        } else {
            Cluster::start().map(OwnServer::Postgres)
        }
    }

    /// The server goes away: `pg_ctl stop -m immediate`, or SIGKILL for MariaDB.
    pub fn stop(&mut self) {
        match self {
            OwnServer::Postgres(c) => c.pg_ctl(&["stop"]),
            OwnServer::Maria(m) => m.kill(),
        }
    }

    /// It comes back on the same port and data.
    pub fn start_again(&mut self) {
        match self {
            OwnServer::Postgres(c) => c.pg_ctl(&["start"]),
            OwnServer::Maria(m) => m.start_again(),
        }
    }

    /// The URL of a database on it, as its administrator.
    pub fn url(&self) -> String {
        match self {
            OwnServer::Postgres(c) => c.url("postgres"),
            OwnServer::Maria(m) => m.url(),
        }
    }

    /// A crash and a start: `pg_ctl restart -m immediate`, or SIGKILL and `mariadbd` again.
    pub fn restart(&mut self) {
        match self {
            OwnServer::Postgres(c) => c.pg_ctl(&["restart"]),
            OwnServer::Maria(m) => {
                m.kill();
                m.start_again();
            }
        }
    }

    /// A URL with a password (which must show nowhere).
    pub fn url_with_password(&self, password: &str) -> String {
        match self {
            OwnServer::Postgres(c) => c.url_with_password(password),
            OwnServer::Maria(m) => m.url_with_password(password),
        }
    }
}
