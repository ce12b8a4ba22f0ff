//! The SQL log: what `create_order` sends, in one transaction band, with values; a refusal's
//! ROLLBACK; the N+1 detector on lazy and eager `list_orders`.

use orderdesk::db::in_action;
use orderdesk::service::{self, Error};
use orderdesk::sql_log::{self, Kind, SqlLog};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts, new_order};

crate::on_every_backend!(
    create_order_is_one_band_from_begin_to_commit,
    a_refused_order_is_rolled_back,
    lazy_list_orders_is_flagged_and_eager_is_not,
    a_logged_select_is_explained_and_a_write_is_not,
);

/// Enter on a statement of the SQL log: the plan of a SELECT in the backend's own form (with its
/// values bound), and a write refused without running it.
async fn a_logged_select_is_explained_and_a_write_is_not(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let mug = a_product(&t.db, "Mug", 850, None).await;
    an_order(&t.db, u.id, &[(mug.id, 1)]).await;
    let log = SqlLog::attach(&t.db, sql_log::CAPACITY);
    service::list_orders(&t.db, u.id).await.unwrap();
    let entry = log.entries().into_iter().next().expect("the list's SELECT");
    let plan = service::explain(&t.db, &entry.sql, entry.values.clone())
        .await
        .unwrap()
        .join("\n");
    // Each backend's own form: MariaDB's JSON, PostgreSQL's costed nodes, SQLite's steps.
    let planned = match t.db.backend() {
        sea_orm::DbBackend::MySql => {
            plan.contains("\"query_block\"") && plan.contains("\"table_name\"")
        }
        sea_orm::DbBackend::Postgres => plan.contains("cost="),
        _ => plan.contains("SEARCH") || plan.contains("SCAN"),
    };
    assert!(planned, "{plan}");
    let before = counts(&t.db).await;
    let err = service::explain(&t.db, "DELETE FROM orders", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "statement"),
        "{err}"
    );
    assert_eq!(counts(&t.db).await, before);
}

async fn create_order_is_one_band_from_begin_to_commit(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let mug = a_product(&t.db, "Mug", 850, Some(10)).await;
    let tea = a_product(&t.db, "Tea", 1230, None).await;
    let log = SqlLog::attach(&t.db, sql_log::CAPACITY);
    in_action("place order", async {
        service::create_order(&t.db, new_order(u.id, &[(mug.id, 2), (tea.id, 1)]))
            .await
            .unwrap()
    })
    .await;
    let entries = log.entries();
    let kinds: Vec<Kind> = entries.iter().map(|e| e.kind).collect();
    // BEGIN; SELECT the products; UPDATE the tracked stock; one round trip that INSERTs the
    // order, its event and its items (five statements on MariaDB, which runs one per call);
    // COMMIT.
    let mysql = t.db.backend() == sea_orm::DbBackend::MySql;
    let writes = if mysql { 5 } else { 1 };
    let mut want = vec![Kind::Begin, Kind::Statement, Kind::Statement];
    want.extend(std::iter::repeat_n(Kind::Statement, writes));
    want.push(Kind::Commit);
    assert_eq!(kinds, want);
    let begin = if t.db.backend() == sea_orm::DbBackend::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    assert_eq!(entries[0].sql, begin);
    let tx = entries[0].tx.expect("a transaction id");
    assert!(entries.iter().all(|e| e.tx == Some(tx)), "one band");
    assert!(
        entries
            .iter()
            .all(|e| e.action.as_ref().unwrap().label.as_ref() == "place order")
    );
    let sqls: Vec<String> = entries.iter().map(|e| e.inlined(log.backend())).collect();
    assert!(
        sqls[1].starts_with("SELECT") && sqls[1].contains(&format!("IN ({}, {})", mug.id, tea.id)),
        "{}",
        sqls[1]
    );
    let (products, stock) = if mysql {
        ("UPDATE `products`", "`stock` - 2")
    } else {
        ("UPDATE \"products\"", "\"stock\" - 2")
    };
    assert!(
        sqls[2].starts_with(products) && sqls[2].contains(stock),
        "{}",
        sqls[2]
    );
    let write = &sqls[3..3 + writes].join("; ");
    let at = |what: &str| {
        write
            .find(what)
            .unwrap_or_else(|| panic!("{what} in {write}"))
    };
    assert!(
        at("INSERT INTO orders") < at("INSERT INTO order_events")
            && at("INSERT INTO order_events") < at("UPDATE order_stats")
            && at("UPDATE order_stats") < at("INSERT INTO product_sales")
            && at("INSERT INTO product_sales") < at("INSERT INTO order_items"),
        "{write}"
    );
    assert!(
        write.contains("order_created") && write.contains("850") && write.contains("1230"),
        "{write}"
    );
    if t.db.backend() == sea_orm::DbBackend::Postgres {
        assert!(write.starts_with("WITH new_order AS (INSERT"), "{write}");
    } else if mysql {
        assert!(
            write.ends_with(
                "RETURNING id, order_id, product_id, quantity, price_cents_at_purchase, stock_taken"
            ),
            "{write}"
        );
    } else {
        assert_eq!(write.matches("; INSERT").count(), 3, "{write}");
        assert_eq!(write.matches("; UPDATE").count(), 1, "{write}");
    }
    assert!(entries.iter().all(|e| !e.failed));
    let summary = sql_log::summarize(&entries);
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].statements, 4 + writes);
    assert_eq!(
        summary[0].n_plus_one, None,
        "per-line writes are not an N+1"
    );
}

async fn a_refused_order_is_rolled_back(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let scarce = a_product(&t.db, "Scarce", 100, Some(1)).await;
    let before = counts(&t.db).await;
    let log = SqlLog::attach(&t.db, sql_log::CAPACITY);
    let err = in_action("too many", async {
        service::create_order(&t.db, new_order(u.id, &[(scarce.id, 2)]))
            .await
            .unwrap_err()
    })
    .await;
    assert!(matches!(err, Error::OutOfStock { .. }));
    let entries = log.entries();
    assert_eq!(entries.first().unwrap().kind, Kind::Begin);
    assert_eq!(
        entries.last().unwrap().kind,
        Kind::Rollback { on_drop: false }
    );
    assert!(!entries.iter().any(|e| e.kind == Kind::Commit));
    assert_eq!(counts(&t.db).await, before);
}

async fn lazy_list_orders_is_flagged_and_eager_is_not(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 100, None).await;
    for _ in 0..5 {
        an_order(&t.db, u.id, &[(p.id, 1)]).await;
    }
    let log = SqlLog::attach(&t.db, sql_log::CAPACITY);
    let lazy = in_action("lazy", service::list_orders_lazy(&t.db, u.id))
        .await
        .unwrap();
    let eager = in_action("eager", service::list_orders(&t.db, u.id))
        .await
        .unwrap();
    assert_eq!(lazy, eager, "the same result either way");
    let summary = sql_log::summarize(&log.entries());
    assert_eq!(summary.len(), 2);
    assert_eq!(summary[0].statements, 1 + 5);
    let (shape, n) = summary[0].n_plus_one.clone().expect("lazy is flagged");
    assert_eq!(n, 5);
    assert!(shape.contains("order_items"), "{shape}");
    assert_eq!(summary[1].statements, 1);
    assert_eq!(summary[1].n_plus_one, None);
}
