//! `order edit ID --item ...`: a pending order's lines replaced, stock following; refusals
//! write nothing.

use crate::backend::TestDb;
use crate::{fails, id, json, ok};

crate::on_every_backend!(order_edit_replaces_the_lines_of_a_pending_order);

async fn order_edit_replaces_the_lines_of_a_pending_order(t: TestDb) {
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
    let order = id(&json(
        url,
        &[
            "order",
            "add",
            "--user",
            &ada,
            "--item",
            &format!("{mug}:2"),
        ],
    ));
    let text = ok(
        url,
        &[
            "order",
            "edit",
            &order,
            "--item",
            &format!("{mug}:5"),
            "--item",
            &format!("{tea}:1"),
        ],
    );
    assert!(
        text.starts_with(&format!(
            "Edited order {order} for user {ada}: pending, 6 item(s), total 54.80."
        )),
        "{text}"
    );
    let shown = json(url, &["product", "show", &mug]);
    assert_eq!(shown["stock"], 0, "5 - 5");
    let err = fails(
        url,
        &["order", "edit", &order, "--item", &format!("{mug}:6")],
        1,
    );
    assert!(
        err.contains("item 1: product") && err.contains("5 left, 6 requested"),
        "{err}"
    );
    let err = fails(url, &["order", "edit", &order, "--item", "x:1"], 1);
    assert!(err.starts_with("error: item 1 product:"), "{err}");
    ok(url, &["order", "status", &order, "confirmed"]);
    let err = fails(
        url,
        &["order", "edit", &order, "--item", &format!("{tea}:1")],
        1,
    );
    assert_eq!(
        err.trim(),
        format!("error: status: order {order} is confirmed; only a pending order can be edited")
    );
    let shown = json(url, &["order", "show", &order]);
    assert_eq!(shown["total_amount_cents"], 5 * 850 + 1230);
    assert_eq!(shown["events"][1]["event_type"], "order_updated");
}
