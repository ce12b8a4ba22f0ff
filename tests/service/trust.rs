//! The trust issue (#11): figures a clerk and a teacher can trust. Each test names its point.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use orderdesk::db;
use orderdesk::service::{
    self, Error, ListQuery, MAX_ORDER_TOTAL_CENTS, ProductChanges, Stats, Status,
};
use sea_orm::{ConnectionTrait, Statement};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts, new_order, stock_of};

crate::on_every_backend!(
    point_1_cancel_gives_back_what_the_order_took_not_its_quantity,
    point_2_an_order_total_is_bounded_below_2_pow_53,
    point_2_stats_never_overflow_whatever_was_accepted,
    point_2_running_figures_equal_a_recount_after_random_work,
    point_3_filters_fold_case_the_same_on_every_backend,
    point_4_lines_of_one_product_are_checked_together_and_stay_lines,
);

async fn set_stock(t: &TestDb, id: i64, stock: Option<i64>) {
    service::update_product(
        &t.db,
        id,
        ProductChanges {
            stock: Some(stock),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn point_1_cancel_gives_back_what_the_order_took_not_its_quantity(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    // Placed while untracked: it took nothing, so a cancel gives nothing back.
    let beans = a_product(&t.db, "Beans", 100, None).await;
    let first = an_order(&t.db, u.id, &[(beans.id, 3)]).await;
    set_stock(&t, beans.id, Some(0)).await;
    let cancelled = service::cancel_order(&t.db, first.id).await.unwrap();
    assert_eq!(stock_of(&t.db, beans.id).await, Some(0));
    assert!(cancelled.restocked.is_empty(), "{:?}", cancelled.restocked);

    // Placed while tracked: 3 taken of 10 over two lines. A manual count then sets 20; the
    // cancel adds the 3 the order holds to what the count said.
    let mug = a_product(&t.db, "Mug", 100, Some(10)).await;
    let second = an_order(&t.db, u.id, &[(mug.id, 2), (mug.id, 1)]).await;
    assert_eq!(stock_of(&t.db, mug.id).await, Some(7));
    set_stock(&t, mug.id, Some(20)).await;
    let cancelled = service::cancel_order(&t.db, second.id).await.unwrap();
    assert_eq!(stock_of(&t.db, mug.id).await, Some(23));
    assert_eq!(cancelled.restocked, [(mug.id, 3)]);

    // Placed while tracked, then no longer tracked: nothing to give back to.
    let tea = a_product(&t.db, "Tea", 100, Some(5)).await;
    let third = an_order(&t.db, u.id, &[(tea.id, 2)]).await;
    set_stock(&t, tea.id, None).await;
    let cancelled = service::cancel_order(&t.db, third.id).await.unwrap();
    assert_eq!(stock_of(&t.db, tea.id).await, None);
    assert!(cancelled.restocked.is_empty());
    // The order_cancelled event says what came back.
    let events = service::list_order_events(&t.db, Some(second.id), None, None)
        .await
        .unwrap();
    assert_eq!(
        events.last().unwrap().payload["restocked"],
        serde_json::json!([{ "product_id": mug.id, "quantity": 3 }])
    );
}

async fn point_2_an_order_total_is_bounded_below_2_pow_53(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    // The largest price (1,000,000,000.00) x the largest quantity, 9 lines: 9 x 10^15 cents,
    // just under 2^53 - 1.
    let gold = a_product(&t.db, "Gold", 100_000_000_000, None).await;
    let nine = an_order(&t.db, u.id, &[(gold.id, 10_000); 9]).await;
    assert_eq!(nine.total_amount_cents, 9_000_000_000_000_000);
    assert!(nine.total_amount_cents <= MAX_ORDER_TOTAL_CENTS);
    let before = counts(&t.db).await;
    let err = service::create_order(&t.db, new_order(u.id, &[(gold.id, 10_000); 10]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "items: the order totals 100000000000000.00, over the most one order may total, \
         90071992547409.91 (2^53 - 1 cents, which every JSON client reads exactly)"
    );
    assert_eq!(counts(&t.db).await, before, "nothing written");
}

/// 1,100 orders of 9 x 10^15 cents are 9.9 x 10^18, over `i64::MAX` (9.22 x 10^18): stats, the
/// dashboard's figures and the recount all say the exact sum.
async fn point_2_stats_never_overflow_whatever_was_accepted(t: TestDb) {
    const ORDERS: i128 = 1_100;
    let u = a_user(&t.db, "ada@example.com").await;
    let gold = a_product(&t.db, "Gold", 100_000_000_000, None).await;
    for _ in 0..ORDERS {
        an_order(&t.db, u.id, &[(gold.id, 10_000); 9]).await;
    }
    let want = ORDERS * 9_000_000_000_000_000;
    assert!(want > i128::from(i64::MAX));
    let fast = service::stats(&t.db).await.unwrap();
    assert_eq!(fast.revenue_cents, want);
    assert_eq!(fast.top_products[0].quantity, 1_100 * 9 * 10_000);
    let recount = service::recount_stats(&t.db).await.unwrap();
    assert_eq!(recount, fast);
    // JSON keeps every digit.
    let json = serde_json::to_string(&fast).unwrap();
    assert!(
        json.contains("\"revenue_cents\":9900000000000000000"),
        "{json}"
    );
}

/// A clock the test moves forward by hand.
fn manual_clock() -> (Arc<AtomicI64>, db::Clock) {
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let micros = Arc::new(AtomicI64::new(start.timestamp_micros()));
    let read = micros.clone();
    let clock: db::Clock = Arc::new(move || {
        DateTime::from_timestamp_micros(read.load(Ordering::SeqCst)).expect("a valid time")
    });
    (micros, clock)
}

fn assert_same(fast: &Stats, recount: &Stats, when: &str) {
    assert_eq!(fast.orders_by_status, recount.orders_by_status, "{when}");
    assert_eq!(fast.revenue_cents, recount.revenue_cents, "{when}");
    assert_eq!(fast.top_products, recount.top_products, "{when}");
    match (fast.avg_delivery_seconds, recount.avg_delivery_seconds) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 0.001, "{when}: {a} vs {b}"),
        (a, b) => assert_eq!(a, b, "{when}"),
    }
}

/// A few hundred seeded-random creates, status changes and cancels, with stock tracked and
/// not, refusals included; after each hundred the running figures equal a full recount, and
/// after the summary tables are rebuilt by their migration too.
async fn point_2_running_figures_equal_a_recount_after_random_work(t: TestDb) {
    let (now, clock) = manual_clock();
    let d = t.db.clone().with_clock(clock);
    let mut rng = fastrand::Rng::with_seed(11);
    let mut users = Vec::new();
    for i in 0..5 {
        users.push(a_user(&d, &format!("u{i}@example.com")).await.id);
    }
    let mut products = Vec::new();
    for i in 0..12 {
        let stock = (i % 3 != 0).then_some(40);
        products.push(
            a_product(&d, &format!("P{i}"), 99 + i * 250, stock)
                .await
                .id,
        );
    }
    let mut orders: Vec<i64> = Vec::new();
    let (mut placed, mut moved, mut cancelled, mut refused) = (0, 0, 0, 0);
    for step in 1..=400 {
        now.fetch_add(rng.i64(1..7_200_000_000), Ordering::SeqCst);
        let roll = rng.u8(..10);
        if roll < 5 || orders.is_empty() {
            let lines: Vec<(i64, i64)> = (0..rng.usize(1..4))
                .map(|_| (products[rng.usize(..products.len())], rng.i64(1..6)))
                .collect();
            let user = users[rng.usize(..users.len())];
            let status = if rng.bool() {
                Status::Pending
            } else {
                Status::Confirmed
            };
            let mut input = new_order(user, &lines);
            input.status = status;
            match service::create_order(&d, input).await {
                Ok(o) => {
                    orders.push(o.id);
                    placed += 1;
                }
                Err(Error::OutOfStock { .. }) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        } else if roll < 8 {
            let id = orders[rng.usize(..orders.len())];
            let order = service::get_order(&d, id).await.unwrap();
            if let Some(next) = order.order.status.forward() {
                service::set_order_status(&d, id, next).await.unwrap();
                moved += 1;
            }
        } else if roll == 8 {
            // A restock now and then, so that orders keep being placed.
            let p = products[rng.usize(..products.len())];
            if stock_of(&d, p).await.is_some() {
                let mut stock = Some(rng.i64(0..50));
                if rng.u8(..4) == 0 {
                    stock = None;
                }
                set_stock(&t, p, stock).await;
            }
        } else {
            let id = orders[rng.usize(..orders.len())];
            match service::cancel_order(&d, id).await {
                Ok(_) => cancelled += 1,
                Err(Error::InvalidTransition { .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
        if step % 100 == 0 {
            let fast = service::stats(&d).await.unwrap();
            let recount = service::recount_stats(&d).await.unwrap();
            assert_same(&fast, &recount, &format!("after step {step}"));
        }
    }
    eprintln!(
        "random work: {placed} placed, {moved} moved on, {cancelled} cancelled, {refused} refused"
    );
    assert!(
        placed > 100 && moved > 50 && cancelled >= 15,
        "a mix of work was done"
    );
    let fast = service::stats(&d).await.unwrap();
    assert!(fast.orders_by_status[&Status::Delivered] > 0);
    assert!(fast.avg_delivery_seconds.is_some());
    // Migration 5 fills the tables from the orders already there: down (past 7, 6 and 5) and
    // up give the same.
    db::migrate_down(&d, Some(3)).await.unwrap();
    db::migrate(&d).await.unwrap();
    let rebuilt = service::stats(&d).await.unwrap();
    assert_same(&rebuilt, &fast, "after the migration rebuilt them");
}

async fn point_4_lines_of_one_product_are_checked_together_and_stay_lines(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Kettle", 4500, Some(2)).await;
    let before = counts(&t.db).await;
    let err = service::create_order(&t.db, new_order(u.id, &[(p.id, 1); 3]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "item 1: product {} (Kettle): 3 requested over 3 lines (items 1, 2, 3), 2 left",
            p.id
        )
    );
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(stock_of(&t.db, p.id).await, Some(2));
    let o = an_order(&t.db, u.id, &[(p.id, 1); 2]).await;
    assert_eq!(o.items.len(), 2, "two lines stay two lines");
    assert_eq!(stock_of(&t.db, p.id).await, Some(0));
}

async fn user_names(d: &db::Db, filter: &str) -> Vec<String> {
    let query = ListQuery {
        filter: Some(filter.to_owned()),
        ..Default::default()
    };
    let mut names: Vec<String> = service::list_users(d, &query)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.full_name)
        .collect();
    names.sort();
    names
}

async fn product_names(d: &db::Db, filter: &str) -> Vec<String> {
    let query = ListQuery {
        filter: Some(filter.to_owned()),
        ..Default::default()
    };
    let mut names: Vec<String> = service::list_products(d, &query)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort();
    names
}

/// The body of point 3, on any database: case folds the same way everywhere, accents count,
/// rows the learning version writes (no search key) are found, by ASCII until orderdesk fills
/// their key and fully after.
async fn filters_fold_case(d: &db::Db, url: &str) {
    for (email, name) in [
        ("uni@example.com", "Ünïcode Ölaf"),
        ("zola@example.com", "Émile Zola"),
        ("plain@example.com", "Emile Plain"),
        ("cafe@example.com", "Café Owner"),
    ] {
        service::create_user(
            d,
            service::NewUser {
                email: email.into(),
                full_name: name.into(),
            },
        )
        .await
        .unwrap();
    }
    service::create_product(
        d,
        service::NewProduct {
            name: "CRÈME brûlée torch".into(),
            price_cents: 100,
            stock: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(user_names(d, "ünïcode").await, ["Ünïcode Ölaf"]);
    assert_eq!(user_names(d, "ÜNÏCODE ÖL").await, ["Ünïcode Ölaf"]);
    // A decomposed Ü (U + combining diaeresis) is the same letter.
    assert_eq!(user_names(d, "u\u{308}nïcode").await, ["Ünïcode Ölaf"]);
    assert!(user_names(d, "unicode").await.is_empty(), "accents count");
    assert_eq!(user_names(d, "émile").await, ["Émile Zola"]);
    assert_eq!(user_names(d, "emile").await, ["Emile Plain"]);
    assert_eq!(user_names(d, "CAFÉ").await, ["Café Owner"]);
    assert_eq!(product_names(d, "crème BRÛ").await, ["CRÈME brûlée torch"]);
    assert!(product_names(d, "creme").await.is_empty());

    // Rows as the learning version writes them: no search key.
    let backend = d.backend();
    let stamp = if backend == sea_orm::DbBackend::Postgres {
        "'2026-11-22 03:24:10.108756+00'"
    } else {
        "'2026-11-22 03:24:10.108756'"
    };
    let raw = sea_orm::Database::connect(url).await.unwrap();
    for sql in [
        format!(
            "INSERT INTO users (email, full_name, created_at) \
             VALUES ('legacy@example.com', 'Ünïcode Legacy', {stamp})"
        ),
        "INSERT INTO products (name, price_cents) VALUES ('ÉCLAIR Legacy', 250)".to_owned(),
    ] {
        raw.execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    // Found at once by what LOWER folds on every backend (ASCII) ...
    assert_eq!(
        user_names(d, "LEGACY").await,
        ["Ünïcode Legacy"],
        "a row without a key is still found"
    );
    assert_eq!(product_names(d, "legacy").await, ["ÉCLAIR Legacy"]);
    // ... and, once orderdesk has filled its key (as it does at every start), like any other.
    assert_eq!(service::fill_search_keys(d).await.unwrap(), 2);
    assert_eq!(
        user_names(d, "ünïcode").await,
        ["Ünïcode Legacy", "Ünïcode Ölaf"]
    );
    assert_eq!(product_names(d, "éclair").await, ["ÉCLAIR Legacy"]);
    assert_eq!(service::fill_search_keys(d).await.unwrap(), 0);
}

async fn point_3_filters_fold_case_the_same_on_every_backend(t: TestDb) {
    filters_fold_case(&t.db, &t.url).await;
}

/// Point 3 on a PostgreSQL database whose `LC_CTYPE` is `C`, where `LOWER` folds ASCII only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_3_filters_fold_case_on_a_postgres_c_collation() {
    let Some((url, _dir, pg)) = crate::backend::fresh_url(crate::backend::Backend::Postgres).await
    else {
        return;
    };
    let _drop = crate::backend::DbDrop(pg.clone());
    let (base, name) = pg.expect("a PostgreSQL database");
    let admin = sea_orm::Database::connect(format!("{base}/postgres"))
        .await
        .unwrap();
    let c_name = format!("{name}_c");
    let _drop_c = crate::backend::DbDrop(Some((base.clone(), c_name.clone())));
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE \"{c_name}\" TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'"
        ))
        .await
        .unwrap();
    admin.close().await.unwrap();
    let c_url = url.replace(&name, &c_name);
    let d = db::connect(&c_url).await.unwrap();
    db::migrate(&d).await.unwrap();
    let other = sea_orm::Database::connect(&c_url).await.unwrap();
    let ctype: String = other
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT datctype::text FROM pg_database WHERE datname = current_database()",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(ctype, "C");
    filters_fold_case(&d, &c_url).await;
    other.close().await.unwrap();
    d.close().await.unwrap();
}
