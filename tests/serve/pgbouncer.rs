//! Two `serve`s through a PgBouncer of the test's own (Debian's package; `.ci/run` installs it)
//! in front of the shared PostgreSQL, racing 32 clients for 50 units: exactly 50 sold.
//!
//! Session pooling: in transaction pooling, PgBouncer 1.18 cannot hold prepared statements, and
//! sqlx 0.9 names every statement it prepares even with its statement cache off, so the first
//! query fails (`prepared statement "sqlx_s_1" already exists`); docs/deployment.md says what that
//! means for a deployment.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use crate::backend::{Backend, setup};
use crate::cluster::{as_postgres_user, free_port, give_to_postgres};
use crate::{Api, Server};

/// A PgBouncer on a free port in front of the shared server; stopped when dropped.
struct Bouncer {
    dir: tempfile::TempDir,
    port: u16,
    pid: u32,
}

fn pgbouncer() -> Option<PathBuf> {
    let bin = PathBuf::from("/usr/sbin/pgbouncer");
    if bin.exists() {
        return Some(bin);
    }
    assert!(
        std::env::var("ORDERDESK_REQUIRE_POSTGRES").as_deref() != Ok("1"),
        "ORDERDESK_REQUIRE_POSTGRES=1 but PgBouncer is not installed (apt-get install pgbouncer)"
    );
    eprintln!("skipped: PgBouncer is not installed (apt-get install pgbouncer)");
    None
}

impl Bouncer {
    /// PgBouncer in `mode` in front of the server at `host:port`.
    fn start(upstream: (&str, u16), mode: &str) -> Option<Bouncer> {
        let bin = pgbouncer()?;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let path = |name: &str| dir.path().join(name).display().to_string();
        std::fs::write(dir.path().join("users.txt"), "\"postgres\" \"\"\n").unwrap();
        let config = format!(
            "[databases]\n* = host={} port={}\n[pgbouncer]\nlisten_addr = 127.0.0.1\n\
             listen_port = {port}\nauth_type = trust\nauth_file = {}\npool_mode = {mode}\n\
             default_pool_size = 40\nmax_client_conn = 200\nunix_socket_dir =\nlogfile = {}\n\
             pidfile = {}\nignore_startup_parameters = extra_float_digits,options\n",
            upstream.0,
            upstream.1,
            path("users.txt"),
            path("pgbouncer.log"),
            path("pgbouncer.pid"),
        );
        std::fs::write(dir.path().join("pgbouncer.ini"), config).unwrap();
        give_to_postgres(dir.path());
        let status = as_postgres_user(&bin)
            .arg("-d")
            .arg(dir.path().join("pgbouncer.ini"))
            .status()
            .unwrap();
        assert!(status.success(), "pgbouncer -d");
        // The daemon writes its pid file once it listens (within a deadline).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let pid = loop {
            if let Some(pid) = std::fs::read_to_string(dir.path().join("pgbouncer.pid"))
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                break pid;
            }
            let log = std::fs::read_to_string(dir.path().join("pgbouncer.log")).unwrap_or_default();
            assert!(
                std::time::Instant::now() < deadline,
                "PgBouncer did not start:\n{log}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Some(Bouncer { dir, port, pid })
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serves_through_pgbouncer_sell_exactly_the_stock() {
    let Some(t) = setup(Backend::Postgres).await else {
        return;
    };
    let Some(bouncer) = Bouncer::start(("127.0.0.1", 5432), "session") else {
        return;
    };
    let name = t.url.rsplit('/').next().unwrap().to_owned();
    let through = format!("postgres://postgres@127.0.0.1:{}/{name}", bouncer.port);
    let api = Arc::new(Api::start(t).await);
    let first = Server::start(orderdesk::db::connect(&through).await.unwrap()).await;
    let second = Server::start(orderdesk::db::connect(&through).await.unwrap()).await;
    crate::race::race(&api, [first.base.clone(), second.base.clone()]).await;
    // The orders went through PgBouncer: it counts the queries it passed on.
    let log = std::fs::read_to_string(bouncer.dir.path().join("pgbouncer.log")).unwrap();
    assert!(log.contains("login attempt: db="), "{log}");
}
