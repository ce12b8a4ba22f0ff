//! The transaction stepper on a file database, PostgreSQL and MariaDB: another connection does
//! not see the paused change, sees it after COMMIT, never after ROLLBACK; a second writer waits
//! for a row the paused transaction holds and is refused, in the database's words.

use orderdesk::service::stepper::{self, Contended, Row, SECOND_WRITER_WAIT, Stepped};
use orderdesk::service::{self, Error, Status};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts, new_order, stock_of};

crate::on_every_backend!(
    a_paused_order_is_invisible_until_commit,
    a_rolled_back_order_is_never_seen,
    a_paused_cancel_keeps_the_old_state_until_commit,
    a_second_writer_waits_for_the_paused_rows_and_is_refused,
);

async fn a_paused_order_is_invisible_until_commit(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 850, Some(10)).await;
    let other = a_product(&t.db, "Tea", 100, None).await;
    let before = counts(&t.db).await;
    let paused = stepper::begin_create_order(&t.db, new_order(u.id, &[(p.id, 2)]))
        .await
        .unwrap();
    let Stepped::Created(order) = &paused.what else {
        panic!("{:?}", paused.what)
    };
    let id = order.id;
    let isolation = match t.db.backend() {
        sea_orm::DbBackend::Postgres => "read committed",
        sea_orm::DbBackend::MySql => "repeatable read",
        _ => "serializable (SQLite has a single writer)",
    };
    assert_eq!(paused.isolation, isolation);
    // The pool is another connection: it sees the last committed state.
    let err = service::get_order(&t.db, id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(stock_of(&t.db, p.id).await, Some(10));
    // A write meanwhile waits (SQLite: the paused transaction holds the write lock) or goes
    // ahead (PostgreSQL: it touches other rows); either way it succeeds once we commit.
    let db = t.db.clone();
    let writer =
        tokio::spawn(
            async move { service::create_order(&db, new_order(u.id, &[(other.id, 1)])).await },
        );
    paused.commit().await.unwrap();
    writer.await.unwrap().unwrap();
    let seen = service::get_order(&t.db, id).await.unwrap();
    assert_eq!(seen.order.items[0].quantity, 2);
    assert_eq!(stock_of(&t.db, p.id).await, Some(8));
    assert_eq!(counts(&t.db).await.orders, before.orders + 2);
}

async fn a_rolled_back_order_is_never_seen(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 850, Some(10)).await;
    let before = counts(&t.db).await;
    let paused = stepper::begin_create_order(&t.db, new_order(u.id, &[(p.id, 3)]))
        .await
        .unwrap();
    let id = paused.what.order_id();
    paused.rollback().await.unwrap();
    assert!(service::get_order(&t.db, id).await.is_err());
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(stock_of(&t.db, p.id).await, Some(10));
    // A refusal never pauses: it is rolled back at once.
    let err = stepper::begin_create_order(&t.db, new_order(u.id, &[(p.id, 11)]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutOfStock { .. }), "{err}");
    assert_eq!(counts(&t.db).await, before);
}

async fn a_paused_cancel_keeps_the_old_state_until_commit(t: TestDb) {
    let u = a_user(&t.db, "ada@example.com").await;
    let p = a_product(&t.db, "Mug", 850, Some(10)).await;
    let o = an_order(&t.db, u.id, &[(p.id, 4)]).await;
    let paused = stepper::begin_cancel_order(&t.db, o.id).await.unwrap();
    assert_eq!(
        service::get_order(&t.db, o.id).await.unwrap().order.status,
        Status::Pending
    );
    assert_eq!(stock_of(&t.db, p.id).await, Some(6));
    let Stepped::Cancelled(cancelled) = paused.commit().await.unwrap() else {
        panic!()
    };
    assert_eq!(cancelled.restocked, vec![(p.id, 4)]);
    assert_eq!(
        service::get_order(&t.db, o.id).await.unwrap().order.status,
        Status::Cancelled
    );
    assert_eq!(stock_of(&t.db, p.id).await, Some(10));
}

async fn a_second_writer_waits_for_the_paused_rows_and_is_refused(t: TestDb) {
    let sqlite = t.db.backend() == sea_orm::DbBackend::Sqlite;
    let u = a_user(&t.db, "ada@example.com").await;
    let mug = a_product(&t.db, "Mug", 850, Some(10)).await;
    let tea = a_product(&t.db, "Tea", 100, None).await;
    let paused = stepper::begin_create_order(&t.db, new_order(u.id, &[(mug.id, 2)]))
        .await
        .unwrap();
    assert_eq!(Row::of(&paused.what), Row::Product(mug.id));
    let refused = |met: Contended| match met {
        Contended::Refused(waited, why) => {
            assert!(waited >= SECOND_WRITER_WAIT, "{waited:?}");
            why
        }
        other @ Contended::WentThrough(_) => panic!("not refused: {other:?}"),
    };
    // The paused order took the mug's stock: its row is locked (SQLite: the whole database).
    let why = refused(
        stepper::second_writer(&t.db, Row::Product(mug.id))
            .await
            .unwrap(),
    );
    let words = match t.db.backend() {
        sea_orm::DbBackend::MySql => "Lock wait timeout exceeded",
        sea_orm::DbBackend::Postgres => "lock timeout",
        _ => "database is locked",
    };
    assert!(why.contains(words), "{why}");
    // The tea's stock is not tracked: the order never locked its row.
    let tea_row = stepper::second_writer(&t.db, Row::Product(tea.id))
        .await
        .unwrap();
    if sqlite {
        refused(tea_row);
    } else {
        assert!(matches!(tea_row, Contended::WentThrough(_)), "{tea_row:?}");
    }
    // Once the order commits, the row is free; the second writer wrote nothing.
    paused.commit().await.unwrap();
    let after = stepper::second_writer(&t.db, Row::Product(mug.id))
        .await
        .unwrap();
    assert!(matches!(after, Contended::WentThrough(_)), "{after:?}");
    assert_eq!(stock_of(&t.db, mug.id).await, Some(8));

    // A paused cancel holds its order's row.
    let o = an_order(&t.db, u.id, &[(tea.id, 1)]).await;
    let paused = stepper::begin_cancel_order(&t.db, o.id).await.unwrap();
    assert_eq!(Row::of(&paused.what), Row::Order(o.id));
    refused(
        stepper::second_writer(&t.db, Row::Order(o.id))
            .await
            .unwrap(),
    );
    paused.rollback().await.unwrap();
    assert_eq!(
        service::get_order(&t.db, o.id).await.unwrap().order.status,
        Status::Pending
    );
}
