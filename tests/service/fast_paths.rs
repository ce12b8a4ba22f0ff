//! The query-builder forms of the two hand-written fast paths (`create_order_builder`,
//! `list_orders_builder`) give what the fast paths give, and send the statements counted here,
//! exactly, on every backend; `time_both` reports those counts.

use orderdesk::db::in_action;
use orderdesk::lessons::LogCounts;
use orderdesk::service::lessons::{FastPath, time_both};
use orderdesk::service::{self, Error, NewOrderItem, Order};
use orderdesk::sql_log::{self, Entry, SqlLog};

use crate::backend::{Backend, TestDb};
use crate::{a_product, a_user, counts, new_order, stock_of};

crate::on_every_backend!(
    the_builder_form_writes_what_create_order_writes,
    the_builder_form_refuses_what_create_order_refuses,
    the_entity_loader_lists_what_list_orders_lists,
    time_both_counts_each_form_s_statements,
);

/// An order as the customer sees it, without what tells two orders apart (ids, time).
fn shape(o: &Order) -> Order {
    let mut o = o.clone();
    o.id = 0;
    o.created_at = chrono::DateTime::UNIX_EPOCH;
    for item in &mut o.items {
        item.id = 0;
    }
    o
}

/// The statements (BEGIN, COMMIT and ROLLBACK not counted) of the entries of one action.
fn statements_of(entries: &[Entry], label: &str) -> i64 {
    let mine: Vec<Entry> = entries
        .iter()
        .filter(|e| e.action.as_ref().is_some_and(|a| &*a.label == label))
        .cloned()
        .collect();
    LogCounts::of(&mine).statements
}

/// `create_order`'s statements for an order over 2 tracked products and an untracked one (3
/// lines): hand-written, then through the query builder.
fn create_order_statements(backend: Backend) -> (i64, i64) {
    match backend {
        // SELECT, UPDATE .. RETURNING, the write (one statement; on SQLite one text of several)
        // | SELECT, UPDATE, INSERT order, INSERT event, UPDATE order_stats, INSERT sales,
        // INSERT items.
        Backend::Sqlite | Backend::Postgres => (3, 7),
        // SELECT, an UPDATE per tracked product, five writes | SELECT, 2 UPDATEs, INSERT order
        // and its read back, INSERT event, UPDATE order_stats, INSERT sales, INSERT items and
        // their read back.
        Backend::Mysql => (8, 10),
    }
}

async fn the_builder_form_writes_what_create_order_writes(t: TestDb) {
    let db = &t.db;
    let u = a_user(db, "ada@example.com").await;
    let mug = a_product(db, "Mug", 1_200, Some(10)).await;
    let teapot = a_product(db, "Teapot", 3_500, Some(5)).await;
    let poster = a_product(db, "Poster", 900, None).await;
    let lines = [(mug.id, 2), (teapot.id, 1), (poster.id, 3)];
    let log = SqlLog::attach(db, sql_log::CAPACITY);
    let fast = in_action("fast", service::create_order(db, new_order(u.id, &lines)))
        .await
        .unwrap();
    let built = in_action(
        "builder",
        service::create_order_builder(db, new_order(u.id, &lines)),
    )
    .await
    .unwrap();

    assert_eq!(shape(&built), shape(&fast));
    assert_eq!(fast.total_amount_cents, 2 * 1_200 + 3_500 + 3 * 900);
    assert!(built.id > fast.id);
    // What the database holds is what each returned.
    assert_eq!(
        service::list_orders(db, u.id).await.unwrap(),
        vec![fast.clone(), built.clone()]
    );
    assert_eq!(stock_of(db, mug.id).await, Some(10 - 4));
    assert_eq!(stock_of(db, teapot.id).await, Some(5 - 2));
    assert_eq!(stock_of(db, poster.id).await, None);
    // The same order_created event, to the byte.
    let event = |id: i64| async move {
        let events = service::list_order_events(db, Some(id), None, None)
            .await
            .unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        (events[0].event_type.clone(), events[0].payload.clone())
    };
    assert_eq!(event(built.id).await, event(fast.id).await);
    // The running figures moved as a recount finds them.
    let running = service::stats(db).await.unwrap();
    assert_eq!(
        running.revenue_cents,
        2 * i128::from(fast.total_amount_cents)
    );
    assert_eq!(running.top_products[0].quantity, 6, "{running:?}");
    assert_eq!(service::recount_stats(db).await.unwrap(), running);

    let entries = log.entries();
    let (fast_statements, builder_statements) = create_order_statements(t.backend);
    assert_eq!(statements_of(&entries, "fast"), fast_statements);
    assert_eq!(statements_of(&entries, "builder"), builder_statements);
    // The SQL log names the query-builder form beside the fast path's own statements (the
    // products' SELECT and the write: 1, or 5 on MariaDB), and beside nothing else.
    let beside = |label: &str| -> Vec<&'static str> {
        entries
            .iter()
            .filter(|e| e.action.as_ref().is_some_and(|a| &*a.label == label))
            .filter_map(Entry::builder_form)
            .collect()
    };
    let fast = beside("fast");
    assert_eq!(fast.len(), if t.backend == Backend::Mysql { 6 } else { 2 });
    assert!(fast.iter().all(|b| b.starts_with("insert_order_builder: ")));
    assert_eq!(beside("builder"), Vec::<&str>::new());
}

async fn the_builder_form_refuses_what_create_order_refuses(t: TestDb) {
    let db = &t.db;
    let u = a_user(db, "ada@example.com").await;
    let mug = a_product(db, "Mug", 1_200, Some(10)).await;
    let kettle = a_product(db, "Kettle", 4_900, Some(2)).await;
    let before = counts(db).await;
    // Out of stock on the second line: the first line's stock is given back.
    let short = [(mug.id, 1), (kettle.id, 5)];
    let fast = service::create_order(db, new_order(u.id, &short))
        .await
        .unwrap_err();
    let built = service::create_order_builder(db, new_order(u.id, &short))
        .await
        .unwrap_err();
    assert!(
        matches!(&built, Error::OutOfStock { field, available: 2, requested: 5, .. } if field == "item 2"),
        "{built:?}"
    );
    assert_eq!(built.to_string(), fast.to_string());
    // An unknown user, and an unknown product on a line.
    for lines in [vec![(mug.id, 1)], vec![(mug.id, 1), (999_999, 1)]] {
        let user = if lines.len() == 1 { 999_999 } else { u.id };
        let fast = service::create_order(db, new_order(user, &lines))
            .await
            .unwrap_err();
        let built = service::create_order_builder(db, new_order(user, &lines))
            .await
            .unwrap_err();
        assert!(matches!(built, Error::NotFound { .. }), "{built:?}");
        assert_eq!(built.to_string(), fast.to_string());
    }
    // Bad input is refused before anything is sent.
    let mut zero = new_order(u.id, &[(mug.id, 1)]);
    zero.items.push(NewOrderItem {
        product_id: mug.id,
        quantity: 0,
    });
    let built = service::create_order_builder(db, zero).await.unwrap_err();
    assert!(built.to_string().contains("item 2 quantity"), "{built}");
    // Nothing of any of them was written.
    assert_eq!(counts(db).await, before);
    assert_eq!(stock_of(db, mug.id).await, Some(10));
    assert_eq!(stock_of(db, kettle.id).await, Some(2));
}

async fn the_entity_loader_lists_what_list_orders_lists(t: TestDb) {
    let db = &t.db;
    let ada = a_user(db, "ada@example.com").await;
    let grace = a_user(db, "grace@example.com").await;
    let mug = a_product(db, "Mug", 1_200, None).await;
    let pen = a_product(db, "Pen", 250, None).await;
    for i in 0..20 {
        let lines: &[(i64, i64)] = if i % 2 == 0 {
            &[(pen.id, 1), (mug.id, 2)]
        } else {
            &[(mug.id, 1)]
        };
        service::create_order(db, new_order(ada.id, lines))
            .await
            .unwrap();
    }
    let log = SqlLog::attach(db, sql_log::CAPACITY);
    let fast = in_action("fast", service::list_orders(db, ada.id))
        .await
        .unwrap();
    let built = in_action("builder", service::list_orders_builder(db, ada.id))
        .await
        .unwrap();
    assert_eq!(fast.len(), 20);
    assert_eq!(built, fast);
    let entries = log.entries();
    assert_eq!(statements_of(&entries, "fast"), 1);
    let beside: Vec<_> = entries.iter().filter_map(Entry::builder_form).collect();
    assert_eq!(beside.len(), 1, "the join alone: {beside:?}");
    assert!(beside[0].starts_with("list_orders_builder: order::Entity::load()"));
    // The orders, their items, the items' products.
    assert_eq!(statements_of(&entries, "builder"), 3);

    // No orders, and no such user.
    assert_eq!(
        service::list_orders_builder(db, grace.id).await.unwrap(),
        vec![]
    );
    let unknown = service::list_orders_builder(db, 999_999).await.unwrap_err();
    assert!(matches!(unknown, Error::NotFound { .. }), "{unknown:?}");
    let bad = service::list_orders_builder(db, 0).await.unwrap_err();
    assert!(bad.to_string().contains("user"), "{bad}");
}

async fn time_both_counts_each_form_s_statements(t: TestDb) {
    let db = &t.db;
    let u = a_user(db, "ada@example.com").await;
    let mug = a_product(db, "Mug", 1_200, Some(10)).await;
    let teapot = a_product(db, "Teapot", 3_500, Some(10)).await;
    let poster = a_product(db, "Poster", 900, None).await;
    let items: Vec<NewOrderItem> = [(mug.id, 1), (teapot.id, 1), (poster.id, 2)]
        .into_iter()
        .map(NewOrderItem::from)
        .collect();
    let placed = time_both(db, FastPath::CreateOrder, u.id, &items, 3)
        .await
        .unwrap();
    let (fast, builder) = create_order_statements(t.backend);
    assert_eq!(
        (placed.fast.statements, placed.builder.statements),
        (fast as u64, builder as u64)
    );
    assert_eq!(counts(db).await.orders, 6, "3 orders each way");
    assert_eq!(stock_of(db, mug.id).await, Some(4));
    let listed = time_both(db, FastPath::ListOrders, u.id, &[], 2)
        .await
        .unwrap();
    assert_eq!((listed.fast.statements, listed.builder.statements), (1, 3));

    let before = counts(db).await;
    let refused = time_both(db, FastPath::CreateOrder, u.id, &items, 0)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("times") && refused.to_string().contains("1 to 1000"),
        "{refused}"
    );
    assert_eq!(counts(db).await, before);
}
