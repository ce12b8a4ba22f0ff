//! `orderdesk serve` as a user runs it: it says where it listens, answers the README's curl
//! commands, refuses a non-loopback address without auth, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Command, Stdio};

use crate::backend::{Backend, setup};
use crate::{fails, ok};

/// `orderdesk serve --bind 127.0.0.1:0` on `url`: the process, its stderr after the first
/// line, that line, and the address it listens on.
fn spawn_serve(
    url: &str,
    before: &[&str],
    after: &[&str],
) -> (Child, BufReader<ChildStderr>, String, String) {
    let mut server = Command::new(assert_cmd::cargo::cargo_bin("orderdesk"))
        .args(["--database-url", url])
        .args(before)
        .arg("serve")
        .args(if after.contains(&"--bind") {
            &[][..]
        } else {
            &["--bind", "127.0.0.1:0"][..]
        })
        .args(after)
        .env_remove("DATABASE_URL")
        .env_remove("ORDERDESK_DATABASE_URL")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    // With --echo, the start-up's statements come first (whether a token exists).
    let mut seen = String::new();
    let (line, at) = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let _ = server.kill();
            panic!("serve did not say where it listens:\n{seen}");
        }
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let at = rest.split_whitespace().next().unwrap().to_owned();
            break (line, at);
        }
        seen.push_str(&line);
    };
    (server, stderr, line, at)
}

/// Sends SIGTERM to `server`, which must exit 0.
fn stop(server: &mut Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "serve exits 0 on SIGTERM: {status}");
}

/// The README's curl lines (the block that starts with the health check).
fn readme_curls() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("curl -sf http://127.0.0.1:8021/health")
        .expect("the README shows curl");
    readme[start..]
        .lines()
        .take_while(|l| l.starts_with("curl "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_the_readmes_curl_commands_and_stops_on_sigterm() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    ok(&t.url, &["seed", "--demo", "--today", "2026-11-22"]);
    let err = fails(&t.url, &["serve", "--bind", "0.0.0.0:0"], 1);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0 without authentication"),
        "{err}"
    );
    let (mut server, _stderr, line, at) = spawn_serve(&t.url, &[], &[]);
    assert!(line.contains("loopback only"), "{line}");
    let curls = readme_curls();
    assert_eq!(curls.len(), 5, "{curls:?}");
    let mut answers = Vec::new();
    for curl in &curls {
        let out = Command::new("sh")
            .arg("-c")
            .arg(curl.replace("127.0.0.1:8021", &at))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{curl}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        answers.push(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap());
    }
    assert_eq!(answers[0]["status"], "ok");
    assert_eq!(answers[1]["id"], 41, "the README names order 41");
    assert_eq!(answers[2]["status"], "confirmed");
    assert_eq!(answers[3]["orders"][0]["id"], 41);
    assert_eq!(
        answers[4]["orders"].as_array().unwrap().last().unwrap()["id"],
        41
    );
    // The TUI's database has it: another program sees the order, confirmed.
    let shown = crate::json(&t.url, &["order", "show", "41"]);
    assert_eq!(shown["status"], "confirmed");
    stop(&mut server);
}

/// The request log (stderr) has a line per request and never the database's password nor the
/// token a client sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_names_each_request_and_no_secret() {
    let Some(t) = setup(Backend::Postgres).await else {
        return;
    };
    // Trust authentication ignores the password; a URL with one is what a server would get.
    let url = t
        .url
        .replacen("postgres://postgres@", "postgres://postgres:hunter2-pw@", 1);
    assert!(url.contains("hunter2-pw"), "{url}");
    let token = ok(&url, &["token", "create", "--name", "shop"]);
    let token = token.trim();
    let (mut server, mut stderr, first, at) = spawn_serve(&url, &[], &[]);
    for (method, path) in [
        ("GET", "/users?filter=ada"),
        ("GET", "/users/1"),
        ("POST", "/orders"),
    ] {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-X", method])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["-H", "Content-Type: application/json", "-d", "{}"])
            .arg(format!("http://{at}{path}"))
            .status()
            .unwrap();
        assert!(out.success());
    }
    stop(&mut server);
    let mut log = first;
    std::io::Read::read_to_string(&mut stderr, &mut log).unwrap();
    for want in [
        "method=GET route=/users status=200",
        "method=GET route=/users/{id} status=404",
        "method=POST route=/orders status=422",
    ] {
        assert!(log.contains(want), "{want} in:\n{log}");
    }
    assert!(log.contains("request_id=3"), "{log}");
    for secret in ["hunter2-pw", token, &token[4..12], "filter=ada"] {
        assert!(!log.contains(secret), "{secret} in:\n{log}");
    }
}

/// `serve --echo`: each request's statements under its method and route, so that what one
/// `POST /orders` costs can be shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_echo_prints_each_requests_statements_under_it() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    ok(&t.url, &["seed", "--demo", "--today", "2026-11-22"]);
    let (mut server, mut stderr, first, at) = spawn_serve(&t.url, &["--echo"], &[]);
    let out = Command::new("curl")
        .args(["-sf", "-X", "POST", "-H", "Content-Type: application/json"])
        .args([
            "-d",
            r#"{"user_id": 1, "items": [{"product_id": 2, "quantity": 1}]}"#,
        ])
        .arg(format!("http://{at}/orders"))
        .output()
        .unwrap();
    assert!(out.status.success());
    stop(&mut server);
    let mut log = first;
    std::io::Read::read_to_string(&mut stderr, &mut log).unwrap();
    let start = log
        .find("── POST /orders (request 1)")
        .unwrap_or_else(|| panic!("a header for the request:\n{log}"));
    let of_request: Vec<&str> = log[start..].lines().collect();
    assert_eq!(of_request[1], "BEGIN IMMEDIATE", "{log}");
    assert!(
        of_request
            .iter()
            .any(|l| l.starts_with("INSERT INTO orders"))
            && of_request.contains(&"COMMIT"),
        "{log}"
    );
    assert!(
        log.contains("method=POST route=/orders status=201"),
        "{log}"
    );
}

/// `serve --log FILE` appends the request log to the file (and not to stderr).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_log_writes_the_request_log_to_a_file() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.log");
    let log_arg = log.to_str().unwrap();
    let (mut server, mut stderr, _, at) = spawn_serve(&t.url, &[], &["--log", log_arg]);
    let out = Command::new("curl")
        .args(["-sf", "-o", "/dev/null", &format!("http://{at}/health")])
        .status()
        .unwrap();
    assert!(out.success());
    stop(&mut server);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(
        !rest.contains("route="),
        "stderr has no request lines: {rest}"
    );
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("method=GET route=/health status=200"),
        "{written}"
    );
}

/// `token create` prints the token once (alone on stdout, for `$(...)`); `token list` never
/// shows it; `token revoke` makes serve refuse it. With a token, serve listens beyond loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_created_listed_revoked_and_close_the_api() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let url = &t.url;
    let listed = crate::json(url, &["token", "list"]);
    assert_eq!(listed["total"], 0);
    assert!(ok(url, &["token", "list"]).contains("No tokens: serve runs open"));
    let err = fails(url, &["token", "create", "--name", "  "], 1);
    assert!(err.contains("name: is empty"), "{err}");
    assert_eq!(
        crate::json(url, &["token", "list"])["total"],
        0,
        "nothing written"
    );
    let token = ok(url, &["token", "create", "--name", "shop"]);
    let token = token.trim().to_owned();
    assert!(
        token.starts_with("odt_") && token.len() == 68 && !token.contains(' '),
        "{token:?}"
    );
    let created = crate::json(
        url,
        &["token", "create", "--name", "reports", "--read-only"],
    );
    assert_eq!(created["access"], "read-only");
    assert!(created["token"].as_str().unwrap().starts_with("odt_"));
    let text = ok(url, &["token", "list"]);
    assert!(text.contains(&format!("{}…", &token[..12])), "{text}");
    assert!(
        !text.contains(&token[12..]),
        "the list never shows a token: {text}"
    );
    let listed = crate::json(url, &["token", "list"]);
    assert_eq!(listed["total"], 2);
    assert!(listed["tokens"][0].get("token").is_none(), "{listed}");
    // Beyond loopback now that auth is on.
    let (mut server, _stderr, line, at) = spawn_serve(url, &[], &["--bind", "0.0.0.0:0"]);
    assert!(line.contains("auth: API tokens"), "{line}");
    let at = at.replace("0.0.0.0", "127.0.0.1");
    let status = |authorization: &str| {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
            .args(["-H", authorization])
            .arg(format!("http://{at}/users"))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(status(&format!("Authorization: Bearer {token}")), "200");
    assert_eq!(status("X-None: 1"), "401");
    assert!(ok(url, &["token", "revoke", "1"]).contains("Revoked token 1 (\"shop\")"));
    // serve trusts a token it found valid for a moment (TRUSTED_FOR), then asks again.
    let deadline = std::time::Instant::now()
        + orderdesk::serve::auth::TRUSTED_FOR
        + std::time::Duration::from_secs(5);
    while status(&format!("Authorization: Bearer {token}")) != "401" {
        assert!(
            std::time::Instant::now() < deadline,
            "the revoked token is still accepted"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let revoked = crate::json(url, &["token", "list"]);
    assert!(revoked["tokens"][0]["revoked_at"].is_string(), "{revoked}");
    let err = fails(url, &["token", "revoke", "9"], 1);
    assert!(err.contains("unknown token 9"), "{err}");
    stop(&mut server);
}
