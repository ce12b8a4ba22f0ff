//! A PostgreSQL server restarted under the running app: a cluster of the test's own (initdb and
//! pg_ctl in a temporary folder, on a free port; never the shared server). The operation that
//! meets the dead server fails with a clear message, the TUI stays up, the next one succeeds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crossterm::event::KeyCode;
use orderdesk::db;
use orderdesk::tui::app::{App, Event};
use orderdesk::tui::request::{Env, execute};

fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// A cluster in a temporary folder; stopped when dropped, panics included.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

fn as_postgres(bin: &Path, tool: &str) -> Command {
    // initdb and the server refuse to run as root: run them as user postgres then.
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    };
    cmd.stdout(std::process::Stdio::null());
    cmd
}

fn is_root() -> bool {
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
    fn start() -> Option<Cluster> {
        let bin = pg_bin()?;
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown the cluster folder");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
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

    fn pg_ctl(&self, action: &[&str]) {
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

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
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

fn cli(url: &str, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("orderdesk")
        .unwrap()
        .env_remove("DATABASE_URL")
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .unwrap()
}

async fn press(app: &mut App, env: &Env, code: KeyCode) {
    let mut queue: std::collections::VecDeque<_> = app.update(Event::Key(code.into())).into();
    while let Some(t) = queue.pop_front() {
        let r = execute(env, t.request).await;
        queue.extend(app.update(Event::Response(t.seq, r)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_fails_one_operation_and_the_next_succeeds() {
    let required = std::env::var("ORDERDESK_REQUIRE_POSTGRES").as_deref() == Ok("1");
    let Some(cluster) = Cluster::start() else {
        assert!(
            !required,
            "ORDERDESK_REQUIRE_POSTGRES=1 but no PostgreSQL binaries were found"
        );
        eprintln!("skipped: no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql");
        return;
    };
    let url = cluster.url();
    let out = cli(
        &url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let db = db::connect(&url).await.unwrap();
    let env = Env::new(db.clone());
    let mut app = App::new(db.now().date_naive(), 24);
    app.set_size(80, 24);
    let start = app.start();
    for t in start {
        let r = execute(&env, t.request).await;
        app.update(Event::Response(t.seq, r));
    }
    assert_eq!(app.users.rows.len(), 1);

    // The server goes away under the running app.
    cluster.pg_ctl(&["stop"]);
    press(&mut app, &env, KeyCode::Char('2')).await;
    let message = app.message.clone().expect("a message");
    assert!(message.error);
    assert!(
        message.text.contains("the database did not answer")
            || message.text.contains("lost the connection"),
        "{}",
        message.text
    );
    assert!(!app.quit, "the TUI stays up");
    let out = cli(&url, &["user", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot open the database postgres://postgres@127.0.0.1:"),
        "{err}"
    );

    // It comes back: the next operation succeeds on a fresh connection.
    cluster.pg_ctl(&["start"]);
    press(&mut app, &env, KeyCode::Char('1')).await;
    assert_eq!(app.users.rows.len(), 1, "{:?}", app.message);
    press(&mut app, &env, KeyCode::Char('2')).await;
    assert!(app.products.rows.is_empty());
    let out = cli(&url, &["--json", "user", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db.close().await.ok();
}
