//! `user` and `product` commands.

use crate::backend::TestDb;
use crate::{fails, json, ok, total};

crate::on_every_backend!(
    user_commands,
    product_commands,
    bad_product_input_is_refused
);

async fn user_commands(t: TestDb) {
    let url = &t.url;
    let out = ok(
        url,
        &[
            "user",
            "add",
            "--email",
            "Ada@Example.com",
            "--name",
            "Ada Lovelace",
        ],
    );
    assert!(out.starts_with("Created user "), "{out}");
    assert!(
        out.contains("ada@example.com") && out.contains("Ada Lovelace"),
        "{out}"
    );
    let grace = json(
        url,
        &[
            "user",
            "add",
            "--email",
            "grace@example.com",
            "--name",
            "Grace Hopper",
        ],
    );
    assert_eq!(grace["email"], "grace@example.com");
    assert_eq!(grace["full_name"], "Grace Hopper");
    let keys = crate::keys(&grace);
    assert_eq!(keys, ["id", "email", "full_name", "created_at"]);
    let id = grace["id"].as_i64().unwrap().to_string();

    let err = fails(
        url,
        &[
            "user",
            "add",
            "--email",
            "ADA@example.com",
            "--name",
            "Twin",
        ],
        1,
    );
    assert_eq!(err, "error: email: ada@example.com is already registered\n");
    let err = fails(url, &["user", "add", "--email", "nope", "--name", "X"], 1);
    assert!(
        err.starts_with("error: email: \"nope\" is not a valid email"),
        "{err}"
    );
    let err = fails(
        url,
        &["user", "add", "--email", "x@y.io", "--name", "  "],
        1,
    );
    assert_eq!(err, "error: name: is empty\n");
    assert_eq!(total(url, &["user", "list"]), 2);

    let list = json(url, &["user", "list", "--filter", "hopper"]);
    assert_eq!(list["total"], 1);
    assert_eq!(list["users"][0]["email"], "grace@example.com");
    assert_eq!(list["users"][0]["order_count"], 0);
    let table = ok(url, &["user", "list"]);
    assert!(table.lines().next().unwrap().contains("email"), "{table}");
    assert_eq!(table.lines().count(), 4, "{table}");

    let shown = json(url, &["user", "show", &id]);
    assert_eq!(shown, grace);
    let updated = json(url, &["user", "update", &id, "--name", "Grace B. Hopper"]);
    assert_eq!(updated["full_name"], "Grace B. Hopper");
    let err = fails(url, &["user", "update", &id], 1);
    assert_eq!(
        err,
        "error: user: nothing to change: give an email or a name\n"
    );

    assert_eq!(
        json(url, &["user", "delete", &id]),
        serde_json::json!({ "deleted": grace["id"] })
    );
    assert_eq!(ok(url, &["user", "delete", "1"]), "Deleted user 1.\n");
    let err = fails(url, &["user", "delete", "1"], 1);
    assert_eq!(err, "error: user: unknown user 1\n");
    assert_eq!(total(url, &["user", "list"]), 0);
    // A malformed id is a usage error.
    let err = fails(url, &["user", "delete", "abc"], 2);
    assert!(err.contains("invalid value 'abc'"), "{err}");
}

async fn product_commands(t: TestDb) {
    let url = &t.url;
    let mug = json(
        url,
        &[
            "product", "add", "--name", "Mug", "--price", "8.50", "--stock", "3",
        ],
    );
    assert_eq!(mug["price_cents"], 850);
    assert_eq!(mug["stock"], 3);
    let gift = json(
        url,
        &["product", "add", "--name", "Gift card", "--price", "25"],
    );
    assert_eq!(gift["price_cents"], 2500);
    assert_eq!(gift["stock"], Value::Null);
    let id = mug["id"].as_i64().unwrap().to_string();

    let table = ok(url, &["product", "list"]);
    assert!(table.contains("8.50") && table.contains("25.00"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("Gift card") && l.trim_end().ends_with('-')),
        "{table}"
    );
    let teas = json(url, &["product", "list", "--filter", "MUG"]);
    assert_eq!(teas["total"], 1);

    let updated = json(
        url,
        &["product", "update", &id, "--price", "9.99", "--stock", "10"],
    );
    assert_eq!(
        (updated["price_cents"].as_i64(), updated["stock"].as_i64()),
        (Some(999), Some(10))
    );
    let untracked = json(url, &["product", "update", &id, "--untracked"]);
    assert_eq!(untracked["stock"], Value::Null);
    let err = fails(
        url,
        &["product", "update", &id, "--stock", "3", "--untracked"],
        2,
    );
    assert!(err.contains("cannot be used with"), "{err}");
    assert_eq!(json(url, &["product", "show", &id]), untracked);
    assert_eq!(json(url, &["product", "delete", &id])["deleted"], mug["id"]);
    assert_eq!(total(url, &["product", "list"]), 1);
}

use serde_json::Value;

async fn bad_product_input_is_refused(t: TestDb) {
    let url = &t.url;
    json(
        url,
        &[
            "product", "add", "--name", "Kept", "--price", "1.00", "--stock", "2",
        ],
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["--name", "X", "--price", "12.345"],
            "error: price: has more than 2 decimals (got 12.345)",
        ),
        (
            &["--name", "X", "--price", "-1"],
            "error: price: must not be negative (got -1)",
        ),
        (
            &["--name", "X", "--price", "1e3"],
            "error: price: is not a number with up to 2 decimals, such as 12.34 (got 1e3)",
        ),
        (
            &["--name", "X", "--price", "abc"],
            "error: price: is not a number with up to 2 decimals, such as 12.34 (got abc)",
        ),
        (
            &["--name", "X", "--price", ""],
            "error: price: is empty; type a price such as 12.34",
        ),
        (
            &["--name", "X", "--price", "99999999999999999999"],
            "error: price: is too large (at most 1000000000.00)",
        ),
        (
            &["--name", "X", "--price", "1", "--stock", "-3"],
            "error: stock: must be 0..=1000000000 (got -3)",
        ),
        (
            &["--name", "X", "--price", "1", "--stock", "many"],
            "error: stock: \"many\" is not a whole number",
        ),
        (
            &[
                "--name",
                "X",
                "--price",
                "1",
                "--stock",
                "99999999999999999999",
            ],
            "error: stock: 99999999999999999999 is out of range",
        ),
        (&["--name", "", "--price", "1"], "error: name: is empty"),
    ];
    for (args, message) in cases {
        let mut full = vec!["product", "add"];
        full.extend_from_slice(args);
        let err = fails(url, &full, 1);
        assert_eq!(err.trim_end(), *message, "{args:?}");
    }
    let err = fails(url, &["product", "update", "1", "--price", "1.001"], 1);
    assert_eq!(
        err.trim_end(),
        "error: price: has more than 2 decimals (got 1.001)"
    );
    let products = json(url, &["product", "list"]);
    assert_eq!(products["total"], 1);
    assert_eq!(products["products"][0]["price_cents"], 100);
}
