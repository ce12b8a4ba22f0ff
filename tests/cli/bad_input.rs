//! Bad input of every kind at every flag: a clear error that names the field, and nothing
//! written. On both backends.

use crate::backend::TestDb;
use crate::{json, od};

crate::on_every_backend!(every_bad_input_is_refused_with_its_field_and_writes_nothing);

fn totals(url: &str) -> [u64; 3] {
    [
        json(url, &["user", "list", "--limit", "1000"])["total"]
            .as_u64()
            .unwrap(),
        json(url, &["product", "list", "--limit", "1000"])["total"]
            .as_u64()
            .unwrap(),
        json(url, &["order", "list", "--limit", "1000"])["total"]
            .as_u64()
            .unwrap(),
    ]
}

async fn every_bad_input_is_refused_with_its_field_and_writes_nothing(t: TestDb) {
    let url = &t.url;
    let user = json(
        url,
        &[
            "user",
            "add",
            "--email",
            "kept@example.com",
            "--name",
            "Kept",
        ],
    );
    let product = json(
        url,
        &[
            "product", "add", "--name", "Kept", "--price", "2.00", "--stock", "5",
        ],
    );
    let gone = json(
        url,
        &[
            "user",
            "add",
            "--email",
            "gone@example.com",
            "--name",
            "Gone",
        ],
    );
    let gone_id = gone["id"].to_string();
    json(url, &["user", "delete", &gone_id]);
    let (u, p) = (user["id"].to_string(), product["id"].to_string());
    let item = |q: &str| format!("{p}:{q}");
    let long = "x".repeat(10_000);
    let sql = "Robert'); DROP TABLE users;--";
    let before = totals(url);

    // (arguments, the start of the message, the exit code)
    let cases: Vec<(Vec<String>, &str, i32)> = vec![
        (
            vec!["user", "add", "--email", "", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: is empty",
            1,
        ),
        (
            vec!["user", "add", "--email", "   ", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: is empty",
            1,
        ),
        (
            vec!["user", "add", "--email", "no-at-sign", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: \"no-at-sign\" is not a valid email",
            1,
        ),
        (
            vec!["user", "add", "--email", "a@b", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: \"a@b\" is not a valid email",
            1,
        ),
        (
            vec!["user", "add", "--email", "a b@c.io", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: must not contain spaces",
            1,
        ),
        (
            vec![
                "user".into(),
                "add".into(),
                "--email".into(),
                format!("{long}@x.io"),
                "--name".into(),
                "A".into(),
            ],
            "error: email: is longer than 200 characters",
            1,
        ),
        (
            vec!["user", "add", "--email", "émoji🚀@x", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: \"émoji🚀@x\" is not a valid email",
            1,
        ),
        (
            vec!["user", "add", "--email", "KEPT@example.com", "--name", "A"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: email: kept@example.com is already registered",
            1,
        ),
        (
            vec!["user", "add", "--email", "new@x.io", "--name", ""]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: name: is empty",
            1,
        ),
        (
            vec!["user", "add", "--email", "new@x.io", "--name", "  "]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: name: is empty",
            1,
        ),
        (
            vec![
                "user".into(),
                "add".into(),
                "--email".into(),
                "new@x.io".into(),
                "--name".into(),
                long.clone(),
            ],
            "error: name: is longer than 200 characters",
            1,
        ),
        (
            vec!["user", "add", "--email", "new@x.io", "--name", "tab\there"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: name: must not contain control or invisible characters (found U+0009)",
            1,
        ),
        (
            vec!["user".into(), "update".into(), u.clone()],
            "error: user: nothing to change",
            1,
        ),
        (
            vec![
                "user".into(),
                "update".into(),
                u.clone(),
                "--email".into(),
                "bad".into(),
            ],
            "error: email: \"bad\" is not a valid email",
            1,
        ),
        (
            vec!["user", "update", "999999", "--name", "X"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: user: unknown user 999999",
            1,
        ),
        (
            vec![
                "user".into(),
                "update".into(),
                gone_id.clone(),
                "--name".into(),
                "X".into(),
            ],
            "error: user: unknown user",
            1,
        ),
        (
            vec!["user", "delete", "0"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: user: must be a positive id (got 0)",
            1,
        ),
        (
            vec!["user", "delete", "99999999999999999999"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: invalid value '99999999999999999999'",
            2,
        ),
        (
            vec!["user", "delete", "abc"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: invalid value 'abc'",
            2,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", ""]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is empty",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", " "]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is empty",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "12.345"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: has more than 2 decimals",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "1e3"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is not a number",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "-1"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: must not be negative",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "0x10"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is not a number",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "١٢"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is not a number",
            1,
        ),
        (
            vec![
                "product",
                "add",
                "--name",
                "X",
                "--price",
                "9223372036854775808",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: price: is too large",
            1,
        ),
        (
            vec!["product", "add", "--name", "X", "--price", "1000000000.01"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: price: is too large",
            1,
        ),
        (
            vec![
                "product",
                "add",
                "--name",
                "X",
                "--price",
                "1;DROP TABLE products",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: price: is not a number",
            1,
        ),
        (
            vec!["product", "add", "--name", "", "--price", "1"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: name: is empty",
            1,
        ),
        (
            vec![
                "product".into(),
                "add".into(),
                "--name".into(),
                long.clone(),
                "--price".into(),
                "1".into(),
            ],
            "error: name: is longer than 200 characters",
            1,
        ),
        (
            vec![
                "product", "add", "--name", "X", "--price", "1", "--stock", "-1",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: stock: must be 0..=1000000000 (got -1)",
            1,
        ),
        (
            vec![
                "product", "add", "--name", "X", "--price", "1", "--stock", "1.5",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: stock: \"1.5\" is not a whole number",
            1,
        ),
        (
            vec![
                "product", "add", "--name", "X", "--price", "1", "--stock", "",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: stock: is empty",
            1,
        ),
        (
            vec![
                "product",
                "add",
                "--name",
                "X",
                "--price",
                "1",
                "--stock",
                "9223372036854775808",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: stock: 9223372036854775808 is out of range",
            1,
        ),
        (
            vec![
                "product",
                "add",
                "--name",
                "X",
                "--price",
                "1",
                "--stock",
                "1000000001",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "error: stock: must be 0..=1000000000",
            1,
        ),
        (
            vec!["product".into(), "update".into(), p.clone()],
            "error: product: nothing to change",
            1,
        ),
        (
            vec![
                "product".into(),
                "update".into(),
                p.clone(),
                "--price".into(),
                "abc".into(),
            ],
            "error: price: is not a number",
            1,
        ),
        (
            vec!["product", "update", "424242", "--price", "1"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: product: unknown product 424242",
            1,
        ),
        (
            vec!["product", "delete", "424242"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: product: unknown product 424242",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("0"),
            ],
            "error: item 1 quantity: quantity must be 1..=10000 (got 0)",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("-1"),
            ],
            "error: item 1 quantity: quantity must be 1..=10000 (got -1)",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("10001"),
            ],
            "error: item 1 quantity: quantity must be 1..=10000 (got 10001)",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("99999999999999999999"),
            ],
            "error: item 1 quantity: 99999999999999999999 is out of range",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("1e3"),
            ],
            "error: item 1 quantity: \"1e3\" is not a whole number",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item(""),
            ],
            "error: item 1 quantity: is empty",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("6"),
            ],
            "error: item 1: product",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                "x:1".into(),
            ],
            "error: item 1 product: \"x\" is not a whole number",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                "0:1".into(),
            ],
            "error: item 1 product: must be a positive id (got 0)",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                "777777:1".into(),
            ],
            "error: item 1: unknown product 777777",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                gone_id.clone(),
                "--item".into(),
                item("1"),
            ],
            "error: user: unknown user",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("1"),
                "--status".into(),
                "shipped".into(),
            ],
            "error: status: a new order starts pending or confirmed",
            1,
        ),
        (
            vec![
                "order".into(),
                "add".into(),
                "--user".into(),
                u.clone(),
                "--item".into(),
                item("1"),
                "--status".into(),
                sql.into(),
            ],
            "error: invalid value",
            2,
        ),
        (
            vec!["order", "status", "1", "teleported"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: invalid value 'teleported' for '<STATUS>'",
            2,
        ),
        (
            vec!["order", "status", "888888", "confirmed"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: order: unknown order 888888",
            1,
        ),
        (
            vec!["order", "cancel", "888888"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: order: unknown order 888888",
            1,
        ),
        (
            vec!["order", "list", "--status", "lost"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: invalid value 'lost' for '--status <STATUS>'",
            2,
        ),
        (
            vec!["order", "list", "--limit", "0"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: limit: must be 1..=1000 (got 0)",
            1,
        ),
        (
            vec!["user", "list", "--limit", "100000"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: limit: must be 1..=1000 (got 100000)",
            1,
        ),
        (
            vec!["seed", "--users", "1", "--orders", "5"]
                .into_iter()
                .map(String::from)
                .collect(),
            "error: orders: orders need at least one user and one product",
            1,
        ),
    ];
    assert!(cases.len() >= 50, "{} cases", cases.len());
    for (args, message, code) in &cases {
        let out = od(url).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:.80?}: {err}");
        assert!(
            err.starts_with(message),
            "{args:.80?}: expected {message:?}, got {err:.300}"
        );
        assert!(out.stdout.is_empty(), "{args:.80?} printed to stdout");
    }
    assert_eq!(totals(url), before, "nothing was written");
    assert_eq!(json(url, &["product", "show", &p])["stock"], 5);
    eprintln!(
        "{:?}: {} bad command lines refused with their field, row counts unchanged",
        t.backend,
        cases.len()
    );
}
