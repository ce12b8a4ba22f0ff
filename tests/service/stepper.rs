//! The transaction stepper on a file database and on PostgreSQL: another connection does not
//! see the paused change, sees it after COMMIT, never after ROLLBACK.

use orderdesk::service::stepper::{self, Stepped};
use orderdesk::service::{self, Error, Status};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts, new_order, stock_of};

crate::on_both_backends!(
    a_paused_order_is_invisible_until_commit,
    a_rolled_back_order_is_never_seen,
    a_paused_cancel_keeps_the_old_state_until_commit,
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
    if t.db.backend() == sea_orm::DbBackend::Postgres {
        assert_eq!(paused.isolation, "read committed");
    }
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
