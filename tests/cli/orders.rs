//! `order`, `seed`, `stats` and `migrate` commands.

use serde_json::Value;

use crate::backend::TestDb;
use crate::{fails, id, json, ok, total};

crate::on_every_backend!(
    order_commands,
    order_refusals_write_nothing,
    seed_stats_and_migrate,
    echo_events_and_lazy,
    bench_refuses_tables_unless_fresh,
    bench_builder_runs_w1_through_the_query_builder,
    bench_tui_times_every_list,
);

async fn order_commands(t: TestDb) {
    let url = &t.url;
    let ada = id(&json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    ));
    let mug = id(&json(
        url,
        &[
            "product", "add", "--name", "Mug", "--price", "8.50", "--stock", "5",
        ],
    ));
    let tea = id(&json(
        url,
        &["product", "add", "--name", "Tea", "--price", "12.30"],
    ));

    let order = json(
        url,
        &[
            "order",
            "add",
            "--user",
            &ada,
            "--item",
            &format!("{mug}:2"),
            "--item",
            &format!("{tea}:1"),
        ],
    );
    assert_eq!(order["status"], "pending");
    assert_eq!(order["total_amount_cents"], 2 * 850 + 1230);
    assert_eq!(order["total_quantity"], 3);
    assert_eq!(order["items"][0]["product_name"], "Mug");
    assert_eq!(order["items"][0]["amount_cents"], 1700);
    let keys = crate::keys(&order);
    assert_eq!(
        keys,
        [
            "id",
            "user_id",
            "status",
            "created_at",
            "items",
            "total_amount_cents",
            "total_quantity"
        ]
    );
    let oid = id(&order);
    assert_eq!(json(url, &["product", "show", &mug])["stock"], 3);

    let placed = ok(
        url,
        &[
            "order",
            "add",
            "--user",
            &ada,
            "--item",
            &format!("{tea}:1"),
            "--status",
            "confirmed",
        ],
    );
    assert!(placed.starts_with("Placed order "), "{placed}");
    assert!(placed.contains("confirmed"), "{placed}");

    let list = json(url, &["order", "list"]);
    assert_eq!(list["total"], 2);
    assert_eq!(list["orders"][1]["id"], order["id"], "newest first");
    assert_eq!(list["orders"][0]["customer_email"], "ada@example.com");
    assert_eq!(total(url, &["order", "list", "--status", "confirmed"]), 1);
    assert_eq!(
        total(url, &["order", "list", "--user", &ada, "--limit", "1"]),
        1
    );
    assert_eq!(total(url, &["order", "list", "--before", &oid]), 0);
    let table = ok(url, &["order", "list"]);
    assert!(
        table.contains("ada@example.com") && table.contains("29.30"),
        "{table}"
    );

    let shown = json(url, &["order", "show", &oid]);
    assert_eq!(shown["customer_email"], "ada@example.com");
    assert_eq!(shown["events"][0]["event_type"], "order_created");
    assert_eq!(
        shown["current_prices_cents"],
        serde_json::json!([850, 1230])
    );
    let text = ok(url, &["order", "show", &oid]);
    assert!(
        text.contains("History") && text.contains("order_created"),
        "{text}"
    );

    let err = fails(url, &["order", "status", &oid, "shipped"], 1);
    assert_eq!(
        err,
        format!(
            "error: status: order {oid} is pending and can become confirmed or cancelled, not shipped\n"
        )
    );
    assert_eq!(
        json(url, &["order", "status", &oid, "CONFIRMED"])["status"],
        "confirmed"
    );
    // Trust issue, point 16: a status is a clap value: a typo is a usage error (exit 2)
    // with the values and a suggestion.
    let err = fails(url, &["order", "status", &oid, "shiped"], 2);
    assert!(
        err.starts_with("error: invalid value 'shiped' for '<STATUS>'")
            && err.contains("[possible values: pending, confirmed, shipped, delivered, cancelled]")
            && err.contains("a similar value exists: 'shipped'"),
        "{err}"
    );

    let cancelled = ok(url, &["order", "cancel", &oid]);
    assert!(
        cancelled.contains(&format!("back in stock: 2 x product {mug}")),
        "{cancelled}"
    );
    assert_eq!(json(url, &["product", "show", &mug])["stock"], 5);
    let err = fails(url, &["order", "cancel", &oid], 1);
    assert_eq!(
        err,
        format!("error: status: order {oid} is already cancelled\n")
    );
    let err = fails(url, &["order", "show", "999999"], 1);
    assert_eq!(err, "error: order: unknown order 999999\n");
}

async fn order_refusals_write_nothing(t: TestDb) {
    let url = &t.url;
    let ada = id(&json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    ));
    let mug = id(&json(
        url,
        &[
            "product", "add", "--name", "Mug", "--price", "8.50", "--stock", "2",
        ],
    ));
    let item = |s: &str| s.replace('P', &mug);
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec![
                "--user".into(),
                ada.clone(),
                "--item".into(),
                item("P:1"),
                "--item".into(),
                item("P:2"),
            ],
            format!(
                "error: item 1: product {mug} (Mug): 3 requested over 2 lines (items 1, 2), 2 left"
            ),
        ),
        (
            vec!["--user".into(), "999".into(), "--item".into(), item("P:1")],
            "error: user: unknown user 999".into(),
        ),
        (
            vec![
                "--user".into(),
                ada.clone(),
                "--item".into(),
                "777:1".into(),
            ],
            "error: item 1: unknown product 777".into(),
        ),
        (
            vec!["--user".into(), ada.clone(), "--item".into(), item("P:0")],
            "error: item 1 quantity: quantity must be 1..=10000 (got 0)".into(),
        ),
        (
            vec!["--user".into(), ada.clone(), "--item".into(), item("P:-2")],
            "error: item 1 quantity: quantity must be 1..=10000 (got -2)".into(),
        ),
        (
            vec![
                "--user".into(),
                ada.clone(),
                "--item".into(),
                item("P:10001"),
            ],
            "error: item 1 quantity: quantity must be 1..=10000 (got 10001)".into(),
        ),
        (
            vec!["--user".into(), ada.clone(), "--item".into(), item("P:1.5")],
            "error: item 1 quantity: \"1.5\" is not a whole number".into(),
        ),
        (
            vec!["--user".into(), ada.clone(), "--item".into(), item("P")],
            format!("error: item 1: \"{mug}\" is not PRODUCT_ID:QUANTITY (such as 3:2)"),
        ),
        (
            vec![
                "--user".into(),
                ada.clone(),
                "--item".into(),
                item("P:1"),
                "--status".into(),
                "shipped".into(),
            ],
            "error: status: a new order starts pending or confirmed, not shipped".into(),
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["order", "add"];
        full.extend(args.iter().map(String::as_str));
        let err = fails(url, &full, 1);
        assert_eq!(err.trim_end(), message, "{args:?}");
    }
    assert_eq!(total(url, &["order", "list"]), 0);
    assert_eq!(json(url, &["product", "show", &mug])["stock"], 2);
    let err = fails(url, &["order", "add", "--user", &ada], 2);
    assert!(err.contains("--item"), "{err}");
}

async fn seed_stats_and_migrate(t: TestDb) {
    let url = &t.url;
    let status = json(url, &["migrate", "status"]);
    assert_eq!(status["migrations"][0]["applied"], true);
    let report = json(url, &["seed", "--demo", "--today", "2026-11-22"]);
    assert_eq!(
        (
            report["users"].as_u64(),
            report["products"].as_u64(),
            report["orders"].as_u64()
        ),
        (Some(8), Some(20), Some(40))
    );
    let stats = json(url, &["stats"]);
    assert_eq!(
        stats["orders_by_status"],
        serde_json::json!({"pending": 5, "confirmed": 2, "shipped": 10, "delivered": 14, "cancelled": 9})
    );
    assert_eq!(stats["revenue_cents"], 204_762);
    let recount = json(url, &["stats", "--recount"]);
    for key in ["orders_by_status", "revenue_cents", "top_products"] {
        assert_eq!(stats[key], recount[key], "{key}");
    }
    let (a, b) = (
        stats["avg_delivery_seconds"].as_f64().unwrap(),
        recount["avg_delivery_seconds"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 0.001, "{a} vs {b}");
    assert_eq!(stats["top_products"][0]["name"], "Knock box");
    let text = ok(url, &["stats"]);
    assert!(text.contains("Revenue: 2047.62"), "{text}");
    let err = fails(url, &["seed", "--demo"], 1);
    assert!(
        err.starts_with("error: seed: the database already has 40 order(s)"),
        "{err}"
    );
    let err = fails(url, &["seed"], 2);
    assert!(err.contains("required"), "{err}");

    let count = <migration::Migrator as migration::MigratorTrait>::migrations().len();
    // Trust issue, point 11: without a terminal to ask on, fresh and down need --yes.
    for action in ["fresh", "down"] {
        let err = fails(url, &["migrate", action], 2);
        assert!(
            err.contains("nothing was changed. Add --yes to do it without a terminal"),
            "{err}"
        );
    }
    assert_eq!(
        total(url, &["order", "list"]),
        40,
        "fresh without --yes kept the orders"
    );
    assert_eq!(
        json(url, &["migrate", "status"])["migrations"][count - 1]["applied"],
        true,
        "down without --yes kept the last migration"
    );
    let fresh = json(url, &["migrate", "fresh", "--yes"]);
    assert_eq!(fresh["total"], count);
    assert_eq!(total(url, &["order", "list"]), 0);
    let scale = json(
        url,
        &[
            "seed",
            "--users",
            "10",
            "--products",
            "5",
            "--orders",
            "120",
        ],
    );
    assert_eq!(scale["orders"], 120);
    assert_eq!(total(url, &["user", "list"]), 10);
    assert_eq!(total(url, &["order", "list", "--limit", "1000"]), 120);

    // down rolls back the last migration, then the one before, one at a time, down to no
    // tables; up applies them all again.
    let applied = |report: &serde_json::Value| -> Vec<bool> {
        report["migrations"]
            .as_array()
            .expect("migrations")
            .iter()
            .map(|m| m["applied"].as_bool().expect("applied"))
            .collect()
    };
    for left in (0..count).rev() {
        let down = json(url, &["migrate", "down", "--yes"]);
        let expected: Vec<bool> = (0..count).map(|i| i < left).collect();
        assert_eq!(applied(&down), expected);
    }
    let up = json(url, &["migrate", "up"]);
    assert_eq!(applied(&up), vec![true; count]);
    assert_eq!(total(url, &["order", "list"]), 0);
}

async fn echo_events_and_lazy(t: TestDb) {
    let url = &t.url;
    let ada = id(&json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    ));
    let mug = id(&json(
        url,
        &[
            "product", "add", "--name", "Mug", "--price", "8.50", "--stock", "3",
        ],
    ));
    let item = format!("{mug}:2");
    let out = crate::od(url)
        .args(["--echo", "order", "add", "--user", &ada, "--item", &item])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let mut lines: Vec<&str> = err.lines().filter(|l| !l.starts_with('[')).collect();
    // The last line sums it up: the statements, BEGIN and COMMIT included, and their time.
    let writes = if url.starts_with("mysql") { 5 } else { 1 };
    let summary = lines.pop().unwrap();
    assert!(
        summary.starts_with(&format!("-- {} statement(s), ", 4 + writes))
            && summary.ends_with(" ms"),
        "{err}"
    );
    let begin = if url.starts_with("sqlite") {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    assert_eq!(lines.first(), Some(&begin), "{err}");
    assert_eq!(lines.last(), Some(&"COMMIT"), "{err}");
    // BEGIN, SELECT the products, UPDATE the stock, the INSERTs in one round trip (five
    // statements on MariaDB), COMMIT.
    assert_eq!(lines.len(), 4 + writes, "{err}");
    assert!(
        err.contains("INSERT INTO orders") && err.contains("INSERT INTO order_items"),
        "{err}"
    );
    assert!(
        err.contains(&format!("(2, {mug}, 2)")),
        "the stock update's values: {err}"
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("Placed order")
    );

    let out = crate::od(url)
        .args(["--echo", "order", "add", "--user", &ada, "--item", &item])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\nROLLBACK\n"), "{err}");
    assert!(!err.contains("COMMIT"), "{err}");
    assert!(err.trim_end().ends_with("has 1 left, 2 requested"), "{err}");

    let tea = id(&json(
        url,
        &["product", "add", "--name", "Tea", "--price", "1"],
    ));
    for _ in 0..4 {
        json(
            url,
            &[
                "order",
                "add",
                "--user",
                &ada,
                "--item",
                &format!("{tea}:1"),
            ],
        );
    }
    let selects = |lazy: bool| {
        let mut args = vec!["--echo", "order", "list", "--user", &ada];
        if lazy {
            args.push("--lazy");
        }
        let out = crate::od(url).args(&args).output().unwrap();
        assert!(out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        let n = err.lines().filter(|l| l.starts_with("SELECT")).count();
        (n, err.lines().last().unwrap().to_owned())
    };
    let ((eager, eager_said), (lazy, lazy_said)) = (selects(false), selects(true));
    assert_eq!((eager, lazy), (2, 1 + 5));
    // The N+1 warning the SQL log screen shows, in --echo's last line.
    assert!(
        eager_said.starts_with("-- 2 statement(s), ") && !eager_said.contains("N+1"),
        "{eager_said}"
    );
    assert!(
        lazy_said.starts_with("-- 6 statement(s), ")
            && lazy_said.ends_with("; ⚠ likely N+1: the same SELECT 5 times"),
        "{lazy_said}"
    );

    let out = ok(url, &["events"]);
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 5);
    assert!(events.iter().all(|e| e["event_type"] == "order_created"));
    let first = events[0]["order_id"].as_i64().unwrap().to_string();
    let one = ok(url, &["events", "--order", &first]);
    assert_eq!(one.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(one.trim()).unwrap()["payload"]["items"][0]["quantity"],
        2
    );
}

fn bench_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn bench_refuses_tables_unless_fresh(t: TestDb) {
    // t.url has orderdesk's tables (the harness migrated it).
    let err = fails(&t.url, &["bench", "--orders", "30"], 1);
    assert!(
        err.contains("already has orderdesk tables; bench --fresh"),
        "{err}"
    );
    json(
        &t.url,
        &["user", "add", "--email", "old@example.com", "--name", "Old"],
    );
    let out = crate::od(&t.url)
        .args(["bench", "--orders", "30", "--fresh"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = bench_lines(&out.stdout);
    let phases: Vec<&str> = lines.iter().map(|l| l["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["seed", "A", "B", "verify"]);
    let verify = &lines[3];
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["orders"], 30);
    assert_eq!(verify["checksum"], verify["expected_checksum"]);
    let backend = t.db.backend_name();
    assert!(
        lines
            .iter()
            .all(|l| l["impl"] == "orderdesk" && l["backend"] == backend)
    );
    // list_orders: 1 statement for each of the 30 users with orders (orders joined to items and
    // products), 2 for the 970 without (the second tells "no orders" from "no such user").
    assert_eq!(lines[2]["statements_per_op"], 1.97);
}

/// `bench --builder`: W1 through the query-builder forms, verified as the fast paths are, with
/// their statements per order and per list.
async fn bench_builder_runs_w1_through_the_query_builder(t: TestDb) {
    let out = crate::od(&t.url)
        .args(["bench", "--orders", "30", "--fresh", "--builder"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = bench_lines(&out.stdout);
    let phases: Vec<&str> = lines.iter().map(|l| l["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["seed", "A", "B", "verify"]);
    assert_eq!(lines[3]["ok"], true);
    assert_eq!(lines[3]["checksum"], lines[3]["expected_checksum"]);
    assert!(lines.iter().all(|l| l["impl"] == "orderdesk-builder"));
    // W1's products are untracked: the products' SELECT, then the order, its event, the
    // running figures, the sales and the items, each a statement (MariaDB reads the order and
    // the items back).
    let mysql = t.backend == crate::backend::Backend::Mysql;
    assert_eq!(lines[1]["statements_per_op"], if mysql { 8.0 } else { 6.0 });
    // The entity loader: 3 statements for each of the 30 users with orders, 2 for the 970
    // without (the orders' SELECT finds none, then "no orders" is told from "no such user").
    assert_eq!(lines[2]["statements_per_op"], 2.03);
}

async fn bench_tui_times_every_list(t: TestDb) {
    let err = fails(&t.url, &["bench", "--tui"], 1);
    assert!(
        err.contains("bench --tui: the database has no users: seed it first"),
        "{err}"
    );
    ok(
        &t.url,
        &[
            "seed",
            "--users",
            "40",
            "--products",
            "30",
            "--orders",
            "300",
        ],
    );
    let before = json(&t.url, &["stats"]);
    let out = crate::od(&t.url).args(["bench", "--tui"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = bench_lines(&out.stdout);
    let phase = |l: &Value| l["phase"].as_str().unwrap().to_owned();
    let phases: Vec<String> = lines.iter().map(phase).collect();
    assert_eq!(
        phases,
        [
            "first_frame",
            "keys",
            "keys",
            "keys",
            "keys",
            "sql_log_frame",
            "sql_log_key",
            "rss"
        ]
    );
    // The SQL log screen, drawn and moved through with a full log.
    for l in &lines[5..7] {
        assert_eq!(l["entries"], 2000, "{l}");
        assert_eq!(l["frames"], 200, "{l}");
        assert!(l["median_ms"].as_f64().unwrap() <= l["p95_ms"].as_f64().unwrap());
    }
    assert!(lines[0]["ms"].as_f64().unwrap() > 0.0);
    assert!(
        lines[0]["rows"].as_u64().unwrap() > 0,
        "the first frame has rows"
    );
    // Each list: the key that opens it, 20 PgDn, 20 PgUp, 10 Down, then a filter typed a letter
    // at a time and cleared (and on orders, every status filter in turn).
    let keys: Vec<(String, u64)> = lines[1..5]
        .iter()
        .map(|l| {
            assert!(l["median_ms"].as_f64().unwrap() <= l["max_ms"].as_f64().unwrap());
            (
                l["screen"].as_str().unwrap().to_owned(),
                l["keys"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("users".to_owned(), 1 + 50 + 7),
            ("products".to_owned(), 1 + 50 + 5),
            ("orders".to_owned(), 1 + 50 + 6 + 9 + 2 + 8 + 1),
            ("all".to_owned(), 58 + 56 + 77),
        ]
    );
    assert!(lines[7]["peak_mib"].as_f64().unwrap() > 1.0);
    // It only reads.
    assert_eq!(json(&t.url, &["stats"]), before);
}
