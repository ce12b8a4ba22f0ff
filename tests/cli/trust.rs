//! The trust issue (#11) on the command line, on both backends. Each test names its point.

use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

use crate::backend::{Backend, DbDrop, TestDb};
use crate::{add_product, add_user, fails, id, json, total};

crate::on_every_backend!(
    point_4_three_lines_of_one_product_are_summed_in_the_refusal,
    point_5_unknown_and_negative_ids_are_refused_everywhere,
    point_10_doctor_says_which_database_and_what_is_in_it,
    point_15_invisible_characters_and_signs_are_refused_and_nothing_written,
    point_16_json_refusals_have_the_api_error_shape,
    tables_fit_columns,
);

async fn point_4_three_lines_of_one_product_are_summed_in_the_refusal(t: TestDb) {
    let url = &t.url;
    let ada = add_user(url, "ada@example.com");
    let kettle = add_product(url, "Kettle", "45", Some("2"));
    let line = format!("{kettle}:1");
    let err = fails(
        url,
        &[
            "order", "add", "--user", &ada, "--item", &line, "--item", &line, "--item", &line,
        ],
        1,
    );
    assert_eq!(
        err.trim_end(),
        format!(
            "error: item 1: product {kettle} (Kettle): 3 requested over 3 lines (items 1, 2, 3), 2 left"
        )
    );
    assert_eq!(total(url, &["order", "list"]), 0);
    let placed = json(
        url,
        &[
            "order", "add", "--user", &ada, "--item", &line, "--item", &line,
        ],
    );
    assert_eq!(placed["items"].as_array().unwrap().len(), 2);
    assert_eq!(json(url, &["product", "show", &kettle])["stock"], 0);
}

async fn point_5_unknown_and_negative_ids_are_refused_everywhere(t: TestDb) {
    let url = &t.url;
    let ada = add_user(url, "ada@example.com");
    // A known user with no orders and an order with its events still answer as before.
    assert_eq!(total(url, &["order", "list", "--user", &ada]), 0);
    let cases: [(&[&str], &str); 12] = [
        (
            &["order", "list", "--user", "4242"],
            "error: user: unknown user 4242",
        ),
        (
            &["events", "--order", "4242"],
            "error: order: unknown order 4242",
        ),
        (
            &["order", "show", "4242"],
            "error: order: unknown order 4242",
        ),
        (&["user", "show", "4242"], "error: user: unknown user 4242"),
        (
            &["product", "show", "4242"],
            "error: product: unknown product 4242",
        ),
        (
            &["order", "cancel", "4242"],
            "error: order: unknown order 4242",
        ),
        (
            &["order", "list", "--user", "-9"],
            "error: user: must be a positive id (got -9)",
        ),
        (
            &["events", "--order", "-3"],
            "error: order: must be a positive id (got -3)",
        ),
        (
            &["order", "show", "-1"],
            "error: order: must be a positive id (got -1)",
        ),
        (
            &["user", "delete", "-2"],
            "error: user: must be a positive id (got -2)",
        ),
        (
            &["product", "show", "0"],
            "error: product: must be a positive id (got 0)",
        ),
        (
            &["order", "add", "--user", "-9", "--item", "1:1"],
            "error: user: must be a positive id (got -9)",
        ),
    ];
    for (args, message) in cases {
        let err = fails(url, args, 1);
        assert_eq!(err.trim_end(), message, "{args:?}");
    }
    // Not a number at all stays a usage error (exit 2).
    let err = fails(url, &["order", "list", "--user", "abc"], 2);
    assert!(err.contains("invalid value 'abc'"), "{err}");
}

/// Trust issue, point 8: a database that holds something else gets no orderdesk tables unless
/// `migrate up` asks for them; the refusal says what it found and how to go on.
async fn point_8_tables_of_something_else_are_not_joined_unasked(backend: Backend) {
    let Some((url, _dir, pg)) = crate::backend::fresh_url(backend).await else {
        return;
    };
    let _drop = DbDrop(pg);
    let create = if backend == Backend::Sqlite {
        "?mode=rwc"
    } else {
        ""
    };
    let conn = sea_orm::Database::connect(format!("{url}{create}"))
        .await
        .unwrap();
    conn.execute_unprepared("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT)")
        .await
        .unwrap();
    let tables = || async {
        let sql = match backend {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' ORDER BY 1"
            }
            Backend::Mysql => {
                "SELECT table_name FROM information_schema.tables \
                 WHERE table_schema = DATABASE() ORDER BY 1"
            }
        };
        conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect::<Vec<_>>()
    };
    for args in [
        &["user", "list"][..],
        &["order", "add", "--user", "1", "--item", "1:1"],
    ] {
        let err = fails(&url, args, 1);
        assert!(
            err.contains("holds tables that are not orderdesk's (accounts) and none of orderdesk's; nothing was written"),
            "{err}"
        );
        assert!(err.contains("migrate up"), "{err}");
        assert_eq!(tables().await, ["accounts"], "nothing was created");
    }
    let up = json(&url, &["migrate", "up"]);
    assert_eq!(up["migrations"][0]["applied"], true);
    assert_eq!(json(&url, &["user", "list"])["total"], 0);
    assert!(tables().await.contains(&"accounts".to_owned()));
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_8_tables_of_something_else_are_not_joined_unasked_sqlite() {
    point_8_tables_of_something_else_are_not_joined_unasked(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_8_tables_of_something_else_are_not_joined_unasked_postgres() {
    point_8_tables_of_something_else_are_not_joined_unasked(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_8_tables_of_something_else_are_not_joined_unasked_mysql() {
    point_8_tables_of_something_else_are_not_joined_unasked(Backend::Mysql).await;
}

/// Trust issue, point 13: a missing PostgreSQL database is named with the command that
/// creates it; no driver wording.
#[tokio::test]
async fn point_13_a_missing_postgres_database_says_how_to_create_it() {
    let Some((url, _dir, pg)) = crate::backend::fresh_url(Backend::Postgres).await else {
        return;
    };
    let _drop = DbDrop(pg);
    let missing = format!("{url}_missing");
    let name = missing.rsplit('/').next().unwrap().to_owned();
    let err = fails(&missing, &["user", "list"], 1);
    assert!(
        err.contains(&format!("there is no database \"{name}\" on "))
            && err.contains("createdb -h ")
            && err.contains(&format!(" {name}`")),
        "{err}"
    );
    assert!(!err.contains("error returned from database"), "{err}");
}

/// Trust issue, point 13: a write that waited out SQLite's busy timeout behind another
/// program's write transaction says the database is busy, that nothing was written and to try
/// again (it waits the 10 s of the timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_13_a_write_behind_another_programs_lock_says_busy_not_locked() {
    let t = crate::backend::setup(Backend::Sqlite).await.unwrap();
    let url = t.url.clone();
    let ada = add_user(&url, "ada@example.com");
    let mug = add_product(&url, "Mug", "8.50", None);
    // Another program's write transaction, held open.
    let other = sea_orm::Database::connect(&url).await.unwrap();
    let held = other
        .begin_with_config(None, None)
        .await
        .expect("a transaction");
    held.execute_unprepared("UPDATE products SET name = 'Held' WHERE id = 1")
        .await
        .unwrap();
    let line = format!("{mug}:1");
    let url2 = url.clone();
    let err = tokio::task::spawn_blocking(move || {
        fails(&url2, &["order", "add", "--user", &ada, "--item", &line], 1)
    })
    .await
    .unwrap();
    assert_eq!(
        err.trim_end(),
        "error: the database is busy: another program (another orderdesk with a transaction \
         paused in the stepper, say) has held its write lock for 10 s; nothing was written, \
         try again"
    );
    held.rollback().await.unwrap();
    other.close().await.unwrap();
    assert_eq!(total(&url, &["order", "list"]), 0);
}

/// Trust issue, point 16: with `--json` a refusal prints `{"error": {"code", "field",
/// "message"}}` on stderr (exit 1); a usage error stays clap's text (exit 2).
async fn point_16_json_refusals_have_the_api_error_shape(t: TestDb) {
    let url = &t.url;
    let ada = add_user(url, "ada@example.com");
    let mug = add_product(url, "Mug", "8.50", Some("1"));
    let order = id(&json(
        url,
        &[
            "order",
            "add",
            "--user",
            &ada,
            "--item",
            &format!("{mug}:1"),
        ],
    ));
    let cases: [(Vec<String>, serde_json::Value); 5] = [
        (
            vec![
                "order".into(),
                "status".into(),
                order.clone(),
                "shipped".into(),
            ],
            serde_json::json!({"error": {"code": "invalid_transition", "field": "status",
                "message": format!("order {order} is pending and can become confirmed or cancelled, not shipped")}}),
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                ada.clone(),
                "--item".into(),
                format!("{mug}:0"),
            ],
            serde_json::json!({"error": {"code": "validation", "field": "item 1 quantity",
                "message": "quantity must be 1..=10000 (got 0)"}}),
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                ada.clone(),
                "--item".into(),
                format!("{mug}:1"),
            ],
            serde_json::json!({"error": {"code": "out_of_stock", "field": "item 1",
                "message": format!("product {mug} (Mug) has 0 left, 1 requested")}}),
        ),
        (
            vec!["order".into(), "show".into(), "4242".into()],
            serde_json::json!({"error": {"code": "not_found", "field": "order",
                "message": "unknown order 4242"}}),
        ),
        (
            vec![
                "user".into(),
                "add".into(),
                "--email".into(),
                "ada@example.com".into(),
                "--name".into(),
                "Again".into(),
            ],
            serde_json::json!({"error": {"code": "conflict", "field": "email",
                "message": "ada@example.com is already registered"}}),
        ),
    ];
    for (args, want) in cases {
        let mut full = vec!["--json"];
        full.extend(args.iter().map(String::as_str));
        let err = fails(url, &full, 1);
        let got: serde_json::Value = serde_json::from_str(err.trim_end())
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {err}"));
        assert_eq!(got, want, "{args:?}");
    }
    let err = fails(url, &["--json", "order", "status", &order, "shiped"], 2);
    assert!(err.starts_with("error: invalid value 'shiped'"), "{err}");
}

/// Trust issue, point 15: names and emails with control, bidirectional or zero-width
/// characters are refused with the field named; a plus sign is refused in stock as in price.
async fn point_15_invisible_characters_and_signs_are_refused_and_nothing_written(t: TestDb) {
    let url = &t.url;
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "user",
                "add",
                "--email",
                "ada@example.com",
                "--name",
                "Ada\u{202E}ecalevoL",
            ],
            "error: name: must not contain control or invisible characters (found U+202E)",
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "ad\u{200B}a@example.com",
                "--name",
                "Ada",
            ],
            "error: email: must not contain control or invisible characters (found U+200B)",
        ),
        (
            &["user", "add", "--email", "ada@example", "--name", "Ada"],
            "error: email: \"ada@example\" is not a valid email",
        ),
        (
            &["product", "add", "--name", "Mug\u{2066}", "--price", "1"],
            "error: name: must not contain control or invisible characters (found U+2066)",
        ),
        (
            &["product", "add", "--name", "Mug", "--price", "+3"],
            "error: price: is not a number with up to 2 decimals",
        ),
        (
            &[
                "product", "add", "--name", "Mug", "--price", "3", "--stock", "+5",
            ],
            "error: stock: \"+5\" is not a whole number (no sign",
        ),
    ];
    for (args, message) in cases {
        let err = fails(url, args, 1);
        assert!(err.starts_with(message), "{args:?}: {err}");
    }
    assert_eq!(total(url, &["user", "list"]), 0, "nothing written");
    assert_eq!(total(url, &["product", "list"]), 0, "nothing written");
}

/// Trust issue, point 10: `doctor` prints the URL it resolved (password hidden) and where it
/// came from, the backend and server version, the migrations, the row counts and whether the
/// database answers; exit 1 when something is wrong; it writes nothing.
async fn point_10_doctor_says_which_database_and_what_is_in_it(t: TestDb) {
    let url = &t.url;
    json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    );
    let report = json(url, &["doctor"]);
    assert_eq!(report["source"], "--database-url");
    assert_eq!(report["answers"], true);
    let (backend, version) = match t.backend {
        Backend::Sqlite => ("sqlite", "SQLite "),
        Backend::Postgres => ("postgres", "PostgreSQL "),
        Backend::Mysql => ("mysql", "MariaDB 10."),
    };
    assert_eq!(report["backend"], backend);
    assert!(
        report["server_version"]
            .as_str()
            .unwrap()
            .starts_with(version),
        "{report}"
    );
    assert_eq!(
        report["migrations"]["applied"],
        report["migrations"]["total"]
    );
    assert_eq!(report["rows"]["users"], 1);
    assert_eq!(report["rows"]["orders"], 0);
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(
        report["api_tokens"],
        serde_json::json!({"active": 0, "revoked": 0})
    );
    let text = crate::ok(url, &["doctor"]);
    assert!(text.contains("answers         true"), "{text}");
    assert!(
        text.contains("api tokens      none: serve runs open, on loopback only"),
        "{text}"
    );
    crate::ok(url, &["token", "create", "--name", "shop"]);
    crate::ok(url, &["token", "create", "--name", "old"]);
    crate::ok(url, &["token", "revoke", "2"]);
    let text = crate::ok(url, &["doctor"]);
    assert!(
        text.contains("api tokens      1 active, 1 revoked: serve needs a token"),
        "{text}"
    );
}

#[test]
fn point_10_doctor_on_a_missing_file_creates_nothing_and_on_a_dead_server_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-yet.db");
    let out = crate::od(file.to_str().unwrap())
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["answers"], serde_json::Value::Null);
    assert!(
        report["note"]
            .as_str()
            .unwrap()
            .contains("does not exist yet")
    );
    assert!(!file.exists(), "doctor created nothing");

    let out = crate::od("postgres://app:hunter2@127.0.0.1:1/shop")
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["url"], "postgres://app:***@127.0.0.1:1/shop");
    assert_eq!(report["answers"], false);
    assert!(
        report["problems"][0]
            .as_str()
            .unwrap()
            .contains("connection refused at 127.0.0.1:1"),
        "{report}"
    );
    assert!(!stdout.contains("hunter2"));
}

/// Trust issue, "also": with stdout not a terminal, tables honour `COLUMNS`: no line is wider.
async fn tables_fit_columns(t: TestDb) {
    let url = &t.url;
    crate::ok(url, &["seed", "--demo", "--today", "2026-11-22"]);
    json(
        url,
        &[
            "product",
            "add",
            "--name",
            "A product with a very long name that goes on and on past any narrow terminal",
            "--price",
            "1",
        ],
    );
    for args in [
        &["user", "list"][..],
        &["product", "list"],
        &["order", "list"],
        &["order", "show", "31"],
        &["stats"],
        &["migrate", "status"],
    ] {
        let out = crate::od(url)
            .env("COLUMNS", "60")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 60, "{args:?}: a line of {widest}:\n{text}");
        assert!(widest > 20, "{args:?} printed a table:\n{text}");
        // Times shown to a person are local and say so; JSON stays UTC.
        if args[0] != "stats" && args[0] != "migrate" && args[0] != "product" {
            assert!(text.contains("(local)"), "{args:?}:\n{text}");
        }
    }
    let listed = json(url, &["order", "list", "--limit", "1"]);
    let created = listed["orders"][0]["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created)
            .is_ok_and(|t| t.offset().local_minus_utc() == 0),
        "{created}"
    );
    // In a zone 5:30 ahead of UTC, the table shows the order's time 5:30 later.
    let id = listed["orders"][0]["id"].to_string();
    let utc = chrono::DateTime::parse_from_rfc3339(created).unwrap();
    let local = (utc + chrono::Duration::minutes(330))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let out = crate::od(url)
        .env("TZ", "Asia/Kolkata")
        .args(["order", "show", &id])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("created (local)  {local}")),
        "{local} in:\n{text}"
    );
}

/// MariaDB's connection errors, as a person can act on them: a refused connection (`doctor`,
/// with `mariadb://` as the scheme, password hidden), a missing database with the statement
/// that creates it, and a user the server does not let in.
#[tokio::test]
async fn mysql_connection_errors_say_what_to_do() {
    let out = crate::od("mariadb://app:hunter2@127.0.0.1:1/shop")
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["url"], "mariadb://app:***@127.0.0.1:1/shop");
    assert_eq!(report["backend"], "mysql");
    assert_eq!(
        report["problems"][0],
        "connection refused at 127.0.0.1:1 (is the MariaDB server running there?)",
        "{report}"
    );
    assert!(!stdout.contains("hunter2"));

    let Some((url, _dir, server)) = crate::backend::fresh_url(Backend::Mysql).await else {
        return;
    };
    let _drop = DbDrop(server);
    let missing = format!("{url}_missing");
    let name = missing.rsplit('/').next().unwrap().to_owned();
    let err = fails(&missing, &["user", "list"], 1);
    assert!(
        err.contains(&format!(
            "there is no database \"{name}\" on 127.0.0.1:3306"
        )) && err.contains(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4")),
        "{err}"
    );
    let stranger = url.replacen("mysql://root@", "mysql://nobody_here:pw@", 1);
    let err = fails(&stranger, &["user", "list"], 1);
    assert!(
        err.contains("does not let user \"nobody_here\" in") && !err.contains(":pw@"),
        "{err}"
    );
}
