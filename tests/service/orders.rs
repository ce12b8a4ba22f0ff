//! Orders: the contract, captured prices, stock, refusals, lifecycle, cancel, events, N+1.

use orderdesk::service::{self, Error, NewOrder, OrderQuery, ProductChanges, Status};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts, new_order, stock_of};

crate::on_every_backend!(
    create_order_matches_the_contract,
    price_is_captured_at_purchase,
    out_of_stock_is_refused_and_nothing_written,
    unknown_user_or_product_is_refused,
    bad_quantities_and_shapes_are_refused,
    every_status_transition_is_allowed_or_refused,
    cancel_gives_tracked_stock_back,
    events_are_written_with_each_change,
    list_orders_uses_one_statement_for_1_and_for_50_orders,
    list_orders_of_unknown_user_and_paged_orders,
    python_written_rows_read_back,
);

async fn create_order_matches_the_contract(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let mug = a_product(&t.db, "Mug", 850, Some(10)).await;
    let tea = a_product(&t.db, "Tea", 1230, None).await;
    let o = an_order(&t.db, u.id, &[(mug.id, 2), (tea.id, 3)]).await;
    assert_eq!(o.user_id, u.id);
    assert_eq!(o.status, Status::Pending);
    assert_eq!(o.total_amount_cents, 2 * 850 + 3 * 1230);
    assert_eq!(o.total_quantity, 5);
    assert_eq!(o.items.len(), 2);
    assert!(o.items[0].id < o.items[1].id);
    assert_eq!(
        (o.items[1].product_name.as_str(), o.items[1].amount_cents),
        ("Tea", 3690)
    );
    let json = serde_json::to_value(&o).unwrap();
    let keys = crate::keys(&json);
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
    let item_keys = crate::keys(&json["items"][0]);
    assert_eq!(
        item_keys,
        [
            "id",
            "product_id",
            "product_name",
            "quantity",
            "price_cents_at_purchase",
            "amount_cents"
        ]
    );
    assert_eq!(json["status"], "pending");
    assert_eq!(stock_of(&t.db, mug.id).await, Some(8));
    assert_eq!(stock_of(&t.db, tea.id).await, None);
    // What list_orders returns is what create_order returned.
    assert_eq!(service::list_orders(&t.db, u.id).await.unwrap(), vec![o]);

    let confirmed = service::create_order(
        &t.db,
        NewOrder {
            status: Status::Confirmed,
            ..new_order(u.id, &[(tea.id, 1)])
        },
    )
    .await
    .unwrap();
    assert_eq!(confirmed.status, Status::Confirmed);
}

async fn price_is_captured_at_purchase(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Kettle", 4500, None).await;
    let o = an_order(&t.db, u.id, &[(p.id, 2)]).await;
    service::update_product(
        &t.db,
        p.id,
        ProductChanges {
            price_cents: Some(9900),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let listed = service::list_orders(&t.db, u.id).await.unwrap();
    assert_eq!(listed[0].items[0].price_cents_at_purchase, 4500);
    assert_eq!(listed[0].total_amount_cents, 9000);
    let detail = service::get_order(&t.db, o.id).await.unwrap();
    assert_eq!(detail.order.items[0].price_cents_at_purchase, 4500);
    assert_eq!(detail.current_prices_cents, vec![9900]);
    let later = an_order(&t.db, u.id, &[(p.id, 1)]).await;
    assert_eq!(later.items[0].price_cents_at_purchase, 9900);
}

async fn out_of_stock_is_refused_and_nothing_written(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let plenty = a_product(&t.db, "Plenty", 100, Some(50)).await;
    let scarce = a_product(&t.db, "Scarce", 100, Some(2)).await;
    let before = counts(&t.db).await;
    let err = service::create_order(&t.db, new_order(u.id, &[(plenty.id, 5), (scarce.id, 3)]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutOfStock { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "item 2: product {} (Scarce) has 2 left, 3 requested",
            scarce.id
        )
    );
    assert_eq!(counts(&t.db).await, before);
    // The first line's stock was taken inside the transaction and given back by the rollback.
    assert_eq!(stock_of(&t.db, plenty.id).await, Some(50));
    assert_eq!(stock_of(&t.db, scarce.id).await, Some(2));
    // Lines of one product stay lines but are checked together: 1 + 2 of Scarce is more than
    // its 2, and the refusal names the product, its lines, their sum and the stock as it is.
    let err = service::create_order(
        &t.db,
        new_order(u.id, &[(scarce.id, 1), (plenty.id, 4), (scarce.id, 2)]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "item 1: product {} (Scarce): 3 requested over 2 lines (items 1, 3), 2 left",
            scarce.id
        )
    );
    assert!(
        matches!(&err, Error::OutOfStock { available: 2, requested: 3, lines, .. } if *lines == [1, 3]),
        "{err:?}"
    );
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(stock_of(&t.db, plenty.id).await, Some(50));
    // Two tracked products and a split line in one order: all taken, items in line order.
    let o = an_order(
        &t.db,
        u.id,
        &[(plenty.id, 4), (scarce.id, 1), (plenty.id, 6)],
    )
    .await;
    let lines: Vec<(i64, i64)> = o.items.iter().map(|i| (i.product_id, i.quantity)).collect();
    assert_eq!(lines, [(plenty.id, 4), (scarce.id, 1), (plenty.id, 6)]);
    assert!(o.items.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(stock_of(&t.db, plenty.id).await, Some(40));
    assert_eq!(stock_of(&t.db, scarce.id).await, Some(1));
    // Exactly what is left can be sold; then nothing more.
    an_order(&t.db, u.id, &[(scarce.id, 1)]).await;
    assert_eq!(stock_of(&t.db, scarce.id).await, Some(0));
    let err = service::create_order(&t.db, new_order(u.id, &[(scarce.id, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "item 1: product {} (Scarce) has 0 left, 1 requested",
            scarce.id
        )
    );
}

async fn unknown_user_or_product_is_refused(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Tracked", 100, Some(5)).await;
    let before = counts(&t.db).await;
    let err = service::create_order(&t.db, new_order(u.id + 100, &[(p.id, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("user: unknown user {}", u.id + 100)
    );
    let err = service::create_order(&t.db, new_order(u.id, &[(p.id, 1), (p.id + 100, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("item 2: unknown product {}", p.id + 100)
    );
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(stock_of(&t.db, p.id).await, Some(5));
}

async fn bad_quantities_and_shapes_are_refused(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 100, None).await;
    let before = counts(&t.db).await;
    for (quantity, message) in [
        (0, "item 1 quantity: quantity must be 1..=10000 (got 0)"),
        (-3, "item 1 quantity: quantity must be 1..=10000 (got -3)"),
        (
            10_001,
            "item 1 quantity: quantity must be 1..=10000 (got 10001)",
        ),
        (
            i64::MAX,
            "item 1 quantity: quantity must be 1..=10000 (got 9223372036854775807)",
        ),
    ] {
        let err = service::create_order(&t.db, new_order(u.id, &[(p.id, quantity)]))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    let err = service::create_order(&t.db, new_order(u.id, &[]))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "items: an order needs at least one item");
    let err = service::create_order(
        &t.db,
        NewOrder {
            status: Status::Shipped,
            ..new_order(u.id, &[(p.id, 1)])
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "status: a new order starts pending or confirmed, not shipped"
    );
    let err = service::create_order(&t.db, new_order(u.id, &[(-4, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 1 product: must be a positive id (got -4)"
    );
    assert_eq!(counts(&t.db).await, before);
    // 10000 is the bound, and allowed.
    an_order(&t.db, u.id, &[(p.id, 10_000)]).await;
}

/// Puts a new order into `status` through the allowed path.
async fn order_in(t: &TestDb, user_id: i64, product_id: i64, status: Status) -> i64 {
    let o = an_order(&t.db, user_id, &[(product_id, 1)]).await;
    let path: &[Status] = match status {
        Status::Pending => &[],
        Status::Confirmed => &[Status::Confirmed],
        Status::Shipped => &[Status::Confirmed, Status::Shipped],
        Status::Delivered => &[Status::Confirmed, Status::Shipped, Status::Delivered],
        Status::Cancelled => &[Status::Cancelled],
    };
    for &s in path {
        service::set_order_status(&t.db, o.id, s).await.unwrap();
    }
    o.id
}

async fn every_status_transition_is_allowed_or_refused(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 100, None).await;
    let allowed = [
        (Status::Pending, Status::Confirmed),
        (Status::Pending, Status::Cancelled),
        (Status::Confirmed, Status::Shipped),
        (Status::Confirmed, Status::Cancelled),
        (Status::Shipped, Status::Delivered),
    ];
    for from in Status::ALL {
        for to in Status::ALL {
            let id = order_in(&t, u.id, p.id, from).await;
            let before = counts(&t.db).await;
            let result = service::set_order_status(&t.db, id, to).await;
            if allowed.contains(&(from, to)) {
                let o = result.unwrap_or_else(|e| panic!("{from} -> {to} refused: {e}"));
                assert_eq!(o.status, to);
                assert_eq!(counts(&t.db).await.events, before.events + 1);
            } else {
                let err = result.expect_err(&format!("{from} -> {to} was allowed"));
                assert!(matches!(err, Error::InvalidTransition { .. }), "{err:?}");
                assert!(
                    err.to_string().starts_with(&format!("status: order {id} ")),
                    "{err}"
                );
                assert_eq!(counts(&t.db).await, before);
                assert_eq!(
                    service::get_order(&t.db, id).await.unwrap().order.status,
                    from
                );
            }
        }
    }
    let err = service::set_order_status(&t.db, 999_999, Status::Confirmed)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "order: unknown order 999999");
    assert_eq!(
        "sent".parse::<Status>().unwrap_err().to_string(),
        "status: unknown status \"sent\"; one of pending, confirmed, shipped, delivered, cancelled"
    );
}

async fn cancel_gives_tracked_stock_back(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let tracked = a_product(&t.db, "Tracked", 100, Some(10)).await;
    let untracked = a_product(&t.db, "Untracked", 100, None).await;
    let o = an_order(&t.db, u.id, &[(tracked.id, 3), (untracked.id, 2)]).await;
    assert_eq!(stock_of(&t.db, tracked.id).await, Some(7));
    let cancelled = service::cancel_order(&t.db, o.id).await.unwrap();
    assert_eq!(cancelled.order.status, Status::Cancelled);
    assert_eq!(cancelled.restocked, vec![(tracked.id, 3)]);
    assert_eq!(stock_of(&t.db, tracked.id).await, Some(10));
    assert_eq!(stock_of(&t.db, untracked.id).await, None);
    let before = counts(&t.db).await;
    let err = service::cancel_order(&t.db, o.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("status: order {} is already cancelled", o.id)
    );
    assert_eq!(stock_of(&t.db, tracked.id).await, Some(10));
    assert_eq!(counts(&t.db).await, before);

    // Setting the status to cancelled is the same operation.
    let again = an_order(&t.db, u.id, &[(tracked.id, 4)]).await;
    service::set_order_status(&t.db, again.id, Status::Confirmed)
        .await
        .unwrap();
    service::set_order_status(&t.db, again.id, Status::Cancelled)
        .await
        .unwrap();
    assert_eq!(stock_of(&t.db, tracked.id).await, Some(10));

    // A shipped order cannot be cancelled, and its stock stays sold.
    let shipped = an_order(&t.db, u.id, &[(tracked.id, 1)]).await;
    service::set_order_status(&t.db, shipped.id, Status::Confirmed)
        .await
        .unwrap();
    service::set_order_status(&t.db, shipped.id, Status::Shipped)
        .await
        .unwrap();
    let err = service::cancel_order(&t.db, shipped.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "status: order {} is shipped and can become delivered, not cancelled",
            shipped.id
        )
    );
    assert_eq!(stock_of(&t.db, tracked.id).await, Some(9));
}

async fn events_are_written_with_each_change(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 850, Some(5)).await;
    let o = an_order(&t.db, u.id, &[(p.id, 2)]).await;
    service::set_order_status(&t.db, o.id, Status::Confirmed)
        .await
        .unwrap();
    service::cancel_order(&t.db, o.id).await.unwrap();
    let events = service::get_order(&t.db, o.id).await.unwrap().events;
    let kinds: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        ["order_created", "order_status_updated", "order_cancelled"]
    );
    assert_eq!(events[0].payload["total_amount_cents"], 1700);
    assert_eq!(
        events[0].payload["items"][0]["price_cents_at_purchase"],
        850
    );
    assert_eq!(
        events[1].payload,
        serde_json::json!({"from": "pending", "to": "confirmed"})
    );
    assert_eq!(events[2].payload["restocked"][0]["quantity"], 2);
    let listed = service::list_order_events(&t.db, Some(o.id), Some(events[0].id), None)
        .await
        .unwrap();
    assert_eq!(listed, events[1..].to_vec());
}

async fn list_orders_uses_one_statement_for_1_and_for_50_orders(t: TestDb) {
    let one = a_user(&t.db, "one@example.com").await;
    let fifty = a_user(&t.db, "fifty@example.com").await;
    let a = a_product(&t.db, "A", 100, None).await;
    let b = a_product(&t.db, "B", 250, None).await;
    an_order(&t.db, one.id, &[(a.id, 1), (b.id, 2)]).await;
    for i in 0..50 {
        an_order(&t.db, fifty.id, &[(a.id, 1 + i % 3), (b.id, 1)]).await;
    }
    let recorder = t.db.recorder().clone();
    let start = recorder.statements();
    let orders = service::list_orders(&t.db, one.id).await.unwrap();
    let for_one = recorder.statements() - start;
    let start = recorder.statements();
    let many = service::list_orders(&t.db, fifty.id).await.unwrap();
    let for_fifty = recorder.statements() - start;
    assert_eq!(orders.len(), 1);
    assert_eq!(many.len(), 50);
    assert!(many.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    assert!(
        many.iter()
            .all(|o| o.items.len() == 2 && o.items[0].product_name == "A")
    );
    assert_eq!((for_one, for_fifty), (1, 1));
}

async fn list_orders_of_unknown_user_and_paged_orders(t: TestDb) {
    let err = service::list_orders(&t.db, 4242).await.unwrap_err();
    assert_eq!(err.to_string(), "user: unknown user 4242");
    let u = a_user(&t.db, "ada@example.com").await;
    let v = a_user(&t.db, "grace@example.com").await;
    assert!(service::list_orders(&t.db, u.id).await.unwrap().is_empty());
    let p = a_product(&t.db, "Mug", 100, None).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let who = if i % 2 == 0 { u.id } else { v.id };
        ids.push(an_order(&t.db, who, &[(p.id, 1)]).await.id);
    }
    service::set_order_status(&t.db, ids[6], Status::Confirmed)
        .await
        .unwrap();
    let recorder = t.db.recorder().clone();
    let start = recorder.statements();
    let page = service::list_orders_page(
        &t.db,
        OrderQuery {
            limit: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(recorder.statements() - start, 2);
    assert_eq!(
        page.iter().map(|o| o.order.id).collect::<Vec<_>>(),
        [ids[6], ids[5], ids[4]]
    );
    assert_eq!(page[0].customer_email, "ada@example.com");
    let next = service::list_orders_page(
        &t.db,
        OrderQuery {
            limit: Some(3),
            before: Some(ids[4]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        next.iter().map(|o| o.order.id).collect::<Vec<_>>(),
        [ids[3], ids[2], ids[1]]
    );
    let graces = service::list_orders_page(
        &t.db,
        OrderQuery {
            user_id: Some(v.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(graces.len(), 3);
    let confirmed = service::list_orders_page(
        &t.db,
        OrderQuery {
            status: Some(Status::Confirmed),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        confirmed.iter().map(|o| o.order.id).collect::<Vec<_>>(),
        [ids[6]]
    );
}

/// Rows written the way the Python learning version writes them (naive timestamp text on
/// SQLite, no orderdesk-only columns) read back through the services.
async fn python_written_rows_read_back(t: TestDb) {
    use sea_orm::{ConnectionTrait, Statement};
    let python = t.other_program().await;
    let backend = t.db.backend();
    let sqlite = backend == sea_orm::DbBackend::Sqlite;
    // SQLite and MariaDB (DATETIME, in UTC) are given naive text, PostgreSQL an offset.
    let stamp = if sqlite || backend == sea_orm::DbBackend::MySql {
        "'2026-11-22 03:24:10.108756'"
    } else {
        "'2026-11-22 03:24:10.108756+00'"
    };
    for sql in [
        format!(
            "INSERT INTO users (email, full_name, created_at) VALUES ('py@example.com', 'Py Thon', {stamp})"
        ),
        "INSERT INTO products (name, price_cents) VALUES ('Legacy', 499)".to_owned(),
        format!(
            "INSERT INTO orders (user_id, status, created_at) \
             SELECT id, 'pending', {stamp} FROM users WHERE email = 'py@example.com'"
        ),
        "INSERT INTO order_items (order_id, product_id, quantity, price_cents_at_purchase) \
         SELECT o.id, p.id, 2, 499 FROM orders o, products p WHERE p.name = 'Legacy'"
            .to_owned(),
    ] {
        python
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    let users = service::list_users(&t.db, &orderdesk::service::ListQuery::default())
        .await
        .unwrap();
    assert_eq!(
        users[0].created_at.to_rfc3339(),
        "2026-11-22T03:24:10.108756+00:00"
    );
    let orders = service::list_orders(&t.db, users[0].id).await.unwrap();
    assert_eq!(orders[0].total_amount_cents, 998);
    assert_eq!(
        orders[0].created_at.to_rfc3339(),
        "2026-11-22T03:24:10.108756+00:00"
    );
    let p = service::list_products(&t.db, &orderdesk::service::ListQuery::default())
        .await
        .unwrap();
    assert_eq!(p[0].stock, None);
    // And orderdesk can move the legacy order along.
    let moved = service::set_order_status(&t.db, orders[0].id, Status::Confirmed)
        .await
        .unwrap();
    assert_eq!(moved.status, Status::Confirmed);
}
