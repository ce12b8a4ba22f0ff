//! Seeding: the demo set pinned to a day, refusals, scale data that holds together.

use chrono::NaiveDate;
use orderdesk::db;
use orderdesk::service::seed::{self, ScaleSeed};
use orderdesk::service::{self, ListQuery, OrderQuery, Status};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts};

crate::on_every_backend!(
    demo_seed_is_deterministic_and_complete,
    seeds_refuse_a_database_with_orders,
    scale_seed_writes_consistent_rows,
    customer_filter_finds_orders_of_no_few_and_many_customers,
    migrate_fresh_empties_and_down_drops,
    rebuilding_the_order_tables_keeps_every_row,
);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

async fn demo_seed_is_deterministic_and_complete(t: TestDb) {
    let report = seed::seed_demo(&t.db, day()).await.unwrap();
    assert_eq!((report.users, report.products, report.orders), (8, 20, 40));
    let c = counts(&t.db).await;
    assert_eq!(
        (c.users, c.products, c.orders, c.items, c.events),
        (8, 20, 40, report.items, report.events)
    );

    let s = service::stats(&t.db).await.unwrap();
    let by_status: Vec<(Status, i64)> = s.orders_by_status.into_iter().collect();
    assert_eq!(
        by_status,
        [
            (Status::Pending, 5),
            (Status::Confirmed, 2),
            (Status::Shipped, 10),
            (Status::Delivered, 14),
            (Status::Cancelled, 9)
        ]
    );
    // Revenue is the sum over the orders that are not cancelled.
    let all = service::list_orders_page(
        &t.db,
        OrderQuery {
            limit: Some(100),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let revenue: i64 = all
        .iter()
        .filter(|o| o.order.status != Status::Cancelled)
        .map(|o| o.order.total_amount_cents)
        .sum();
    assert_eq!(s.revenue_cents, i128::from(revenue));
    assert_eq!(s.revenue_cents, 204_762);
    // Average delivery time, recomputed from each delivered order's events.
    let mut spans = Vec::new();
    for o in all.iter().filter(|o| o.order.status == Status::Delivered) {
        let d = service::get_order(&t.db, o.order.id).await.unwrap();
        let delivered = d
            .events
            .iter()
            .find(|e| e.payload["to"] == "delivered")
            .expect("a delivered event");
        spans.push((delivered.created_at - d.order.created_at).num_seconds() as f64);
    }
    let expected = spans.iter().sum::<f64>() / spans.len() as f64;
    let got = s.avg_delivery_seconds.expect("an average");
    assert!((got - expected).abs() < 1.0, "{got} vs {expected}");
    assert_eq!(s.top_products[0].name, "Knock box");
    assert_eq!(s.top_products[0].quantity, 13);

    // Every date lies in the 30 days before the day, and stock is what is left.
    let first = all.iter().map(|o| o.order.created_at).min().unwrap();
    let last = all.iter().map(|o| o.order.created_at).max().unwrap();
    assert!(first.date_naive() >= NaiveDate::from_ymd_opt(2026, 10, 23).unwrap());
    assert!(last.date_naive() < day());
    let knock = service::list_products(
        &t.db,
        &ListQuery {
            filter: Some("knock".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(knock[0].stock, Some(5));

    // Orders per day: 30 days ending on the day, every demo order counted once.
    let per_day = service::orders_per_day(&t.db, day(), 30).await.unwrap();
    assert_eq!(per_day.len(), 30);
    assert_eq!(per_day.last().unwrap().0, day());
    assert_eq!(per_day.iter().map(|d| d.1).sum::<i64>(), 40);
    let one_day = service::orders_per_day(&t.db, day() - chrono::Days::new(1), 1)
        .await
        .unwrap();
    let expected = all
        .iter()
        .filter(|o| o.order.created_at.date_naive() == day() - chrono::Days::new(1))
        .count() as i64;
    assert_eq!(one_day, vec![(day() - chrono::Days::new(1), expected)]);

    // Orders filtered by customer text, in the database.
    let alans = service::list_orders_page(
        &t.db,
        OrderQuery {
            customer: Some("TURING".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(alans.len(), 6);
    assert!(alans.iter().all(|o| o.customer_email == "alan@example.com"));
}

async fn seeds_refuse_a_database_with_orders(t: TestDb) {
    seed::seed_demo(&t.db, day()).await.unwrap();
    let before = counts(&t.db).await;
    let err = seed::seed_demo(&t.db, day()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "seed: the database already has 40 order(s); seed only an empty one (orderdesk migrate fresh empties it)"
    );
    let spec = ScaleSeed {
        users: 5,
        products: 5,
        orders: 5,
        seed: 1,
        today: day(),
    };
    let err = seed::seed_scale(&t.db, spec, &|_| {}).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("seed: the database already has 40 order(s)"),
        "{err}"
    );
    assert_eq!(counts(&t.db).await, before);
}

async fn scale_seed_writes_consistent_rows(t: TestDb) {
    let existing = a_user(&t.db, "existing@example.com").await;
    let spec = ScaleSeed {
        users: 30,
        products: 12,
        orders: 700,
        seed: 7,
        today: day(),
    };
    let progress = std::sync::Mutex::new(Vec::new());
    let report = seed::seed_scale(&t.db, spec, &|p| {
        progress.lock().unwrap().push(p.orders_done);
    })
    .await
    .unwrap();
    assert_eq!(*progress.lock().unwrap(), [700]);
    let c = counts(&t.db).await;
    assert_eq!((c.users, c.products, c.orders), (31, 12, 700));
    assert_eq!((c.items, c.events), (report.items, report.events));
    assert!(report.items >= 700 && report.items <= 2100);
    let s = service::stats(&t.db).await.unwrap();
    assert!(
        s.orders_by_status.values().all(|&n| n > 0),
        "{:?}",
        s.orders_by_status
    );
    // Every order has items and a created event; dates in the year before the day.
    let orders = all_pages(
        &t.db,
        OrderQuery {
            limit: Some(1000),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(orders.len(), 700);
    for o in &orders {
        assert!(!o.order.items.is_empty());
        assert!(o.order.created_at.date_naive() < day());
    }
    let d = service::get_order(&t.db, 1).await.unwrap();
    assert_eq!(d.events[0].event_type, "order_created");
    // Ids continue after the seeded ones (PostgreSQL's sequences were moved past them).
    let next = a_user(&t.db, "after@example.com").await;
    assert!(next.id > existing.id + 30, "{} vs {}", next.id, existing.id);
    let again = seed::seed_scale(&t.db, ScaleSeed { orders: 0, ..spec }, &|_| {}).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .starts_with("seed: the database already has 700")
    );
}

async fn migrate_fresh_empties_and_down_drops(t: TestDb) {
    seed::seed_demo(&t.db, day()).await.unwrap();
    db::migrate_fresh(&t.db).await.unwrap();
    assert_eq!(counts(&t.db).await.orders, 0);
    let u = a_user(&t.db, "first@example.com").await;
    assert_eq!(u.id, 1, "ids start at 1 after fresh");
    assert_eq!(
        db::migration_status(&t.db)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.1)
            .count(),
        <migration::Migrator as migration::MigratorTrait>::migrations().len()
    );
    db::migrate_down(&t.db, None).await.unwrap();
    assert!(
        db::migration_status(&t.db)
            .await
            .unwrap()
            .iter()
            .all(|m| !m.1)
    );
    assert!(
        service::list_users(&t.db, &ListQuery::default())
            .await
            .is_err()
    );
    db::migrate(&t.db).await.unwrap();
    assert!(
        service::list_users(&t.db, &ListQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// The last migration rebuilds the order tables on SQLite (without AUTOINCREMENT) and its down
/// rebuilds them with it: both keep every row with its id, and orders placed afterwards get new
/// ids with their items and events attached.
async fn rebuilding_the_order_tables_keeps_every_row(t: TestDb) {
    seed::seed_demo(&t.db, day()).await.unwrap();
    let before = counts(&t.db).await;
    let newest = all_pages(&t.db, OrderQuery::default()).await[0].order.id;
    let detail = service::get_order(&t.db, newest).await.unwrap();
    let mug = a_product(&t.db, "Rebuild mug", 450, Some(10)).await.id;
    let ada = a_user(&t.db, "rebuild@example.com").await.id;
    // Down past migration 4 (the rebuild) and up again; the code of today needs every
    // migration, so orders are placed only once they are all applied.
    for (placed_before, step) in [(0, "down"), (0, "up"), (1, "again")] {
        match step {
            "down" => db::migrate_down(&t.db, Some(4)).await.unwrap(),
            _ => db::migrate(&t.db).await.unwrap(),
        }
        if step == "down" {
            // The entities of today name columns that migrations 5 and 6 add (7 adds a table).
            continue;
        }
        assert_eq!(
            counts(&t.db).await.orders,
            before.orders + placed_before,
            "{step}"
        );
        let again = service::get_order(&t.db, detail.order.id).await.unwrap();
        assert_eq!(again.order, detail.order, "{step}");
        assert_eq!(again.events, detail.events, "{step}");
        let placed = an_order(&t.db, ada, &[(mug, 2)]).await;
        assert!(
            placed.id > newest,
            "{step}: id {} given out again",
            placed.id
        );
        let shown = service::get_order(&t.db, placed.id).await.unwrap();
        assert_eq!(shown.order.items.len(), 1, "{step}");
        assert_eq!(shown.events.len(), 1, "{step}");
        assert_eq!(shown.events[0].event_type, "order_created", "{step}");
    }
    let after = counts(&t.db).await;
    assert_eq!(
        (after.orders, after.items, after.events),
        (before.orders + 2, before.items + 2, before.events + 2)
    );
}

/// Every order `query` lists, page after page, newest first.
async fn all_pages(db: &db::Db, query: OrderQuery) -> Vec<service::OrderSummary> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let page = service::list_orders_page(
            db,
            OrderQuery {
                before,
                ..query.clone()
            },
        )
        .await
        .unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.order.id);
        out.extend(page);
    }
    out
}

/// The customer filter takes three paths (no customer matches; a few, read by index; many,
/// scanned): each lists exactly the orders whose customer's email or name holds the text.
async fn customer_filter_finds_orders_of_no_few_and_many_customers(t: TestDb) {
    let spec = ScaleSeed {
        users: 600,
        products: 5,
        orders: 1500,
        seed: 3,
        today: day(),
    };
    seed::seed_scale(&t.db, spec, &|_| {}).await.unwrap();
    let everything = all_pages(
        &t.db,
        OrderQuery {
            limit: Some(1000),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(everything.len(), 1500);
    // seed@ matches no one; seed12@ one user; seed1 111 of them; seed and Example all 600.
    for text in ["seed@", "seed12@", "SEED1", "seed", "Example"] {
        let needle = text.to_lowercase();
        for (status, limit) in [(None, Some(1000)), (Some(Status::Delivered), Some(7))] {
            let want: Vec<(i64, Status)> = everything
                .iter()
                .filter(|o| {
                    o.customer_email.to_lowercase().contains(&needle)
                        || o.customer_name.to_lowercase().contains(&needle)
                })
                .filter(|o| status.is_none_or(|s| o.order.status == s))
                .map(|o| (o.order.id, o.order.status))
                .collect();
            let got: Vec<(i64, Status)> = all_pages(
                &t.db,
                OrderQuery {
                    customer: Some(text.to_owned()),
                    status,
                    limit,
                    ..Default::default()
                },
            )
            .await
            .iter()
            .map(|o| (o.order.id, o.order.status))
            .collect();
            assert_eq!(got, want, "{text} {status:?}");
            if text == "seed@" {
                assert!(got.is_empty());
            } else {
                assert!(!got.is_empty(), "{text} {status:?}");
            }
        }
    }
}
