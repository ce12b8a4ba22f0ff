//! The real binary, run as a user runs it: every command, its JSON, exit codes and messages,
//! on SQLite and PostgreSQL.

#[path = "../support/backend.rs"]
mod backend;
#[path = "../support/replay.rs"]
mod replay;

mod bad_input;
mod catalog;
mod config;
mod contention;
mod crash;
mod edit;
mod handout;
mod learn;
mod orders;
mod readme;
mod serve;
mod trust;

use assert_cmd::Command;
use serde_json::Value;

/// `orderdesk --database-url URL ARGS...`, with no `DATABASE_URL` or .env in the way.
pub fn od(url: &str) -> Command {
    let mut cmd = Command::cargo_bin("orderdesk").expect("the orderdesk binary");
    cmd.env_remove("DATABASE_URL")
        .env_remove("ORDERDESK_DATABASE_URL")
        .env("NO_COLOR", "1")
        .current_dir(std::env::temp_dir())
        .arg("--database-url")
        .arg(url);
    cmd
}

/// Runs with `--json`, expects success, and parses stdout.
pub fn json(url: &str, args: &[&str]) -> Value {
    let out = od(url).arg("--json").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs, expects exit code `code`, and returns stderr.
pub fn fails(url: &str, args: &[&str], code: i32) -> String {
    let out = od(url).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// Runs, expects success, returns stdout.
pub fn ok(url: &str, args: &[&str]) -> String {
    let out = od(url).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `id` of a JSON object, as an argument.
pub fn id(v: &Value) -> String {
    v["id"].as_i64().unwrap().to_string()
}

/// `user add` with a name of "Ada"; the new user's id.
pub fn add_user(url: &str, email: &str) -> String {
    id(&json(
        url,
        &["user", "add", "--email", email, "--name", "Ada"],
    ))
}

/// `product add` with an optional stock; the new product's id.
pub fn add_product(url: &str, name: &str, price: &str, stock: Option<&str>) -> String {
    let mut args = vec!["product", "add", "--name", name, "--price", price];
    if let Some(stock) = stock {
        args.extend(["--stock", stock]);
    }
    id(&json(url, &args))
}

/// The `total` of a list command.
pub fn total(url: &str, args: &[&str]) -> u64 {
    json(url, args)["total"].as_u64().unwrap()
}

/// The keys of a JSON object, in order.
pub fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}
