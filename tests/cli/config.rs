//! Where the database comes from, usage errors, completions, secrets.

use std::fmt::Write as _;

use assert_cmd::Command;

fn bare() -> Command {
    let mut cmd = Command::cargo_bin("orderdesk").unwrap();
    cmd.env_remove("DATABASE_URL")
        .env_remove("ORDERDESK_DATABASE_URL")
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn without_a_subcommand_it_names_the_commands_and_exits_2() {
    let out = bare().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("user, product, order"), "{err}");
}

#[test]
fn completions_and_version() {
    let out = bare().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("orderdesk"));
    let out = bare().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("orderdesk "));
}

/// Trust issue, point 7: `--database-url` > `ORDERDESK_DATABASE_URL` > `DATABASE_URL` > the
/// same two in `./.env` > the default file; a `.env` in a parent directory is never read.
#[test]
fn point_7_the_url_comes_from_the_flag_then_the_environment_then_dotenv_here_only() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("project");
    std::fs::create_dir(&here).unwrap();
    let path = |name: &str| dir.path().join(name);
    // A parent's .env, as another project's would be: never read.
    std::fs::write(
        path(".env"),
        format!(
            "ORDERDESK_DATABASE_URL={}\nDATABASE_URL={}\n",
            path("parent.db").display(),
            path("parent.db").display()
        ),
    )
    .unwrap();
    let dotenv = |lines: &[(&str, &str)]| {
        let text = lines.iter().fold(String::new(), |mut text, (k, v)| {
            let _ = writeln!(text, "{k}={}", path(v).display());
            text
        });
        std::fs::write(here.join(".env"), text).unwrap();
    };
    dotenv(&[
        ("DATABASE_URL", "dotenv-common.db"),
        ("ORDERDESK_DATABASE_URL", "dotenv-own.db"),
    ]);
    let data = dir.path().join("data");
    let run = |cmd: &mut Command| {
        let out = cmd
            .current_dir(&here)
            .env("XDG_DATA_HOME", &data)
            .env("HOME", dir.path())
            .args(["user", "add", "--email", "a@b.io", "--name", "A"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let made = |name: &str| path(name).exists();
    run(bare()
        .env("ORDERDESK_DATABASE_URL", path("env-own.db"))
        .env("DATABASE_URL", path("env-common.db"))
        .arg("--database-url")
        .arg(path("flag.db")));
    assert!(made("flag.db") && !made("env-own.db") && !made("env-common.db"));
    run(bare()
        .env("ORDERDESK_DATABASE_URL", path("env-own.db"))
        .env("DATABASE_URL", path("env-common.db")));
    assert!(made("env-own.db") && !made("env-common.db"));
    run(bare().env("DATABASE_URL", path("env-common.db")));
    assert!(made("env-common.db") && !made("dotenv-own.db"));
    run(&mut bare());
    assert!(made("dotenv-own.db") && !made("dotenv-common.db"));
    dotenv(&[("DATABASE_URL", "dotenv-common.db")]);
    run(&mut bare());
    assert!(made("dotenv-common.db"));
    std::fs::remove_file(here.join(".env")).unwrap();
    run(&mut bare());
    assert!(
        data.join("orderdesk").join("orderdesk.db").exists(),
        "the default file in the data dir"
    );
    assert!(!made("parent.db"), "the parent's .env was never read");
}

/// Trust issue, point 9: an empty `--database-url` is refused, nothing is created.
#[test]
fn point_9_an_empty_database_url_is_refused_not_replaced_by_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = bare()
        .current_dir(dir.path())
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir.path())
        .args(["--database-url", "", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--database-url is empty"), "{err}");
    assert!(!data.exists(), "no default database was created");
}

#[test]
fn a_sqlite_file_and_its_folder_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a").join("b").join("desk.db");
    let out = bare()
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .args(["--json", "product", "list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\n  \"products\": [],\n  \"total\": 0\n}\n"
    );
    assert!(db.exists());
}

#[test]
fn unreachable_databases_fail_without_showing_the_password() {
    let out = bare()
        .args([
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/orders",
            "user",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end(),
        "error: cannot open the database postgres://app:***@127.0.0.1:1/orders: connection \
         refused at 127.0.0.1:1 (is the PostgreSQL server running there?)"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let out = bare()
        .args(["--database-url", "redis://x/y", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("expected sqlite:PATH, postgres://... or mysql://... (mariadb://...)")
    );
}

#[test]
fn bench_never_reads_database_url_and_verifies_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "DATABASE_URL=postgres://nobody@127.0.0.1:1/x\n",
    )
    .unwrap();
    let out = bare()
        .current_dir(dir.path())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x")
        .args(["bench", "--orders", "40"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let verify: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(verify["backend"], "sqlite");
    assert_eq!(verify["ok"], true);
    let expected: i64 = (0..40_i64)
        .flat_map(|i| {
            [
                (i * 7 % 1000 + 1, 1 + i % 3),
                (i * 13 % 1000 + 1, 1 + (i + 1) % 3),
                (i * 31 % 1000 + 1, 1 + (i + 2) % 3),
            ]
        })
        .map(|(p, q)| q * (100 + p * 37 % 9900))
        .sum();
    assert_eq!(verify["checksum"], expected);
    assert!(String::from_utf8_lossy(&out.stderr).contains("phase A: 40 orders"));
}

#[test]
fn bench_tui_needs_a_database_url() {
    let out = bare().args(["bench", "--tui"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("bench --tui: give the database to measure with --database-url"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The password of a database URL shows nowhere: not in output, --echo, errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_in_the_url_never_shows() {
    let Some(t) = crate::backend::setup(crate::backend::Backend::Postgres).await else {
        return;
    };
    // The local server trusts the connection, so a password in the URL is accepted and unused.
    let url = t
        .url
        .replacen("postgres://postgres@", "postgres://postgres:s3cret-pw@", 1);
    assert_ne!(url, t.url);
    let missing = url.rsplit_once('/').unwrap().0.to_owned() + "/orderdesk_no_such_db";
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "--echo",
            "user",
            "add",
            "--email",
            "pw@example.com",
            "--name",
            "Pw",
        ],
        vec![
            "--echo",
            "user",
            "add",
            "--email",
            "pw@example.com",
            "--name",
            "Pw",
        ],
        vec!["--echo", "--json", "order", "list"],
        vec!["migrate", "status"],
        vec!["stats"],
    ];
    for args in runs {
        let out = bare()
            .arg("--database-url")
            .arg(&url)
            .args(&args)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("s3cret-pw"), "{args:?}: {all}");
    }
    let out = bare()
        .arg("--database-url")
        .arg(&missing)
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("postgres://postgres:***@"), "{err}");
    assert!(!err.contains("s3cret-pw"), "{err}");
}

#[test]
fn an_unknown_theme_is_a_usage_error_naming_the_themes() {
    let out = bare()
        .args(["--theme", "purple", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("[possible values: dark, light, high-contrast]"),
        "{err}"
    );
}
