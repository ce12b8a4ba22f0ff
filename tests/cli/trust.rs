//! The trust issue (#11) on the command line, on both backends. Each test names its point.

use crate::backend::TestDb;
use crate::{fails, id, json, total};

crate::on_both_backends!(
    point_4_three_lines_of_one_product_are_summed_in_the_refusal,
    point_5_unknown_and_negative_ids_are_refused_everywhere,
);

async fn point_4_three_lines_of_one_product_are_summed_in_the_refusal(t: TestDb) {
    let url = &t.url;
    let ada = id(&json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    ));
    let kettle = id(&json(
        url,
        &[
            "product", "add", "--name", "Kettle", "--price", "45", "--stock", "2",
        ],
    ));
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
    let ada = id(&json(
        url,
        &["user", "add", "--email", "ada@example.com", "--name", "Ada"],
    ));
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
