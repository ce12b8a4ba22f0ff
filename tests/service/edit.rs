//! Editing a pending order (the serve issue, part 2): lines replaced in one transaction, stock
//! moved by the difference and never oversold, prices kept or captured, figures kept true.

use orderdesk::service::{self, Error, NewOrderItem, Status};

use crate::backend::TestDb;
use crate::{a_product, a_user, counts, new_order, stock_of};

crate::on_every_backend!(
    an_edit_moves_stock_by_the_difference_and_a_cancel_then_gives_back_what_is_held,
    an_edit_that_is_refused_writes_nothing,
    random_creates_edits_and_cancels_keep_stock_and_figures_true,
);

fn items(lines: &[(i64, i64)]) -> Vec<NewOrderItem> {
    lines.iter().copied().map(NewOrderItem::from).collect()
}

async fn an_edit_moves_stock_by_the_difference_and_a_cancel_then_gives_back_what_is_held(
    t: TestDb,
) {
    let d = &t.db;
    let u = a_user(d, "ada@example.com").await;
    let kettle = a_product(d, "Kettle", 4500, Some(10)).await;
    let mug = a_product(d, "Mug", 800, Some(5)).await;
    let wrap = a_product(d, "Gift wrap", 300, None).await;
    let placed = service::create_order(d, new_order(u.id, &[(kettle.id, 3), (wrap.id, 1)]))
        .await
        .unwrap();
    // The kettle's price goes up after the order: the order keeps what it paid.
    service::update_product(
        d,
        kettle.id,
        service::ProductChanges {
            price_cents: Some(5000),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let edited = service::edit_order(d, placed.id, items(&[(kettle.id, 5), (mug.id, 2)]))
        .await
        .unwrap();
    assert_eq!(edited.id, placed.id);
    assert_eq!(edited.status, Status::Pending);
    let lines: Vec<(i64, i64, i64)> = edited
        .items
        .iter()
        .map(|i| (i.product_id, i.quantity, i.price_cents_at_purchase))
        .collect();
    assert_eq!(lines, [(kettle.id, 5, 4500), (mug.id, 2, 800)]);
    assert_eq!(edited.total_amount_cents, 5 * 4500 + 2 * 800);
    assert_eq!(stock_of(d, kettle.id).await, Some(5), "10 - 5");
    assert_eq!(stock_of(d, mug.id).await, Some(3), "5 - 2");
    let detail = service::get_order(d, placed.id).await.unwrap();
    let kinds: Vec<&str> = detail
        .events
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(kinds, ["order_created", "order_updated"]);
    let updated = &detail.events[1].payload;
    assert_eq!(updated["before"]["total_amount_cents"], 3 * 4500 + 300);
    assert_eq!(updated["total_amount_cents"], 5 * 4500 + 2 * 800);
    // The figures follow: revenue and units are the edited order's.
    let stats = service::stats(d).await.unwrap();
    assert_eq!(stats.revenue_cents, i128::from(5 * 4500 + 2 * 800));
    let recount = service::recount_stats(d).await.unwrap();
    assert_eq!(stats.top_products, recount.top_products);
    // A cancel gives back exactly what the edited lines hold.
    let cancelled = service::cancel_order(d, placed.id).await.unwrap();
    assert_eq!(cancelled.restocked, [(kettle.id, 5), (mug.id, 2)]);
    assert_eq!(stock_of(d, kettle.id).await, Some(10));
    assert_eq!(stock_of(d, mug.id).await, Some(5));
    assert_eq!(service::stats(d).await.unwrap().revenue_cents, 0);
}

async fn an_edit_that_is_refused_writes_nothing(t: TestDb) {
    let d = &t.db;
    let u = a_user(d, "ada@example.com").await;
    let kettle = a_product(d, "Kettle", 4500, Some(4)).await;
    let mug = a_product(d, "Mug", 800, Some(5)).await;
    let order = service::create_order(d, new_order(u.id, &[(kettle.id, 3)]))
        .await
        .unwrap();
    let before = counts(d).await;
    let shown = service::get_order(d, order.id).await.unwrap();
    // Out of stock on the second line: the order keeps its lines and the stock its units.
    let err = service::edit_order(d, order.id, items(&[(kettle.id, 4), (mug.id, 6)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OutOfStock { field, available: 5, requested: 6, .. } if field == "item 2"),
        "{err:?}"
    );
    // The kettle: 3 held by the order + 1 on the shelf, so 4 is fine and 5 is not.
    let err = service::edit_order(d, order.id, items(&[(kettle.id, 5)]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutOfStock {
                available: 4,
                requested: 5,
                ..
            }
        ),
        "{err:?}"
    );
    let err = service::edit_order(d, order.id, items(&[(9_999_999, 1)]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "product",
                ..
            }
        ),
        "{err:?}"
    );
    let err = service::edit_order(d, order.id, Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "items"),
        "{err:?}"
    );
    let err = service::edit_order(d, 9_999_999, items(&[(mug.id, 1)]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "order", .. }),
        "{err:?}"
    );
    assert_eq!(counts(d).await, before);
    assert_eq!(service::get_order(d, order.id).await.unwrap(), shown);
    assert_eq!(stock_of(d, kettle.id).await, Some(1));
    assert_eq!(stock_of(d, mug.id).await, Some(5));
    // Only a pending order can be edited.
    service::set_order_status(d, order.id, Status::Confirmed)
        .await
        .unwrap();
    let err = service::edit_order(d, order.id, items(&[(mug.id, 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "status: order {} is confirmed; only a pending order can be edited",
            order.id
        )
    );
    assert_eq!(stock_of(d, mug.id).await, Some(5));
}

/// 200 seeded-random creates, edits, status changes and cancels: afterwards every tracked
/// product's stock plus what the open orders' lines hold is its starting stock, and the
/// running figures equal a recount.
async fn random_creates_edits_and_cancels_keep_stock_and_figures_true(t: TestDb) {
    let d = &t.db;
    let u = a_user(d, "ada@example.com").await;
    let mut products = Vec::new();
    for (i, stock) in [Some(120), Some(40), None, Some(25), Some(200)]
        .into_iter()
        .enumerate()
    {
        let p = a_product(d, &format!("Product {i}"), 100 * (i as i64 + 1), stock).await;
        products.push((p.id, stock));
    }
    let mut rng = fastrand::Rng::with_seed(7);
    let mut orders = Vec::new();
    let (mut edited, mut refused) = (0, 0);
    for _ in 0..200 {
        let lines: Vec<(i64, i64)> = (0..rng.usize(1..4))
            .map(|_| (products[rng.usize(..products.len())].0, rng.i64(1..5)))
            .collect();
        match rng.u8(..10) {
            0..4 => match service::create_order(d, new_order(u.id, &lines)).await {
                Ok(o) => orders.push(o.id),
                Err(Error::OutOfStock { .. }) => refused += 1,
                Err(e) => panic!("{e}"),
            },
            4..8 if !orders.is_empty() => {
                let id = orders[rng.usize(..orders.len())];
                match service::edit_order(d, id, items(&lines)).await {
                    Ok(_) => edited += 1,
                    Err(Error::OutOfStock { .. } | Error::Conflict { .. }) => refused += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            8 if !orders.is_empty() => {
                let id = orders[rng.usize(..orders.len())];
                match service::set_order_status(d, id, Status::Confirmed).await {
                    Ok(_) | Err(Error::InvalidTransition { .. }) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            _ if !orders.is_empty() => {
                let id = orders[rng.usize(..orders.len())];
                match service::cancel_order(d, id).await {
                    Ok(_) | Err(Error::InvalidTransition { .. }) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            _ => {}
        }
    }
    assert!(
        edited > 40 && refused > 0,
        "{edited} edited, {refused} refused"
    );
    let mut held = std::collections::HashMap::new();
    for &id in &orders {
        let o = service::get_order(d, id).await.unwrap();
        if o.order.status != Status::Cancelled {
            for i in &o.order.items {
                *held.entry(i.product_id).or_insert(0) += i.quantity;
            }
        }
    }
    for (id, start) in products {
        if let Some(start) = start {
            let now = stock_of(d, id).await.unwrap();
            assert_eq!(
                now + held.get(&id).copied().unwrap_or(0),
                start,
                "product {id}"
            );
        }
    }
    let fast = service::stats(d).await.unwrap();
    let recount = service::recount_stats(d).await.unwrap();
    assert_eq!(fast.revenue_cents, recount.revenue_cents);
    assert_eq!(fast.orders_by_status, recount.orders_by_status);
    assert_eq!(fast.top_products, recount.top_products);
}
