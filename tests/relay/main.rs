//! The relay and the consumer on a real RabbitMQ (`ORDERDESK_TEST_AMQP`), on every backend:
//! every event arrives, in order per order, once; only one relay publishes a database's events,
//! and another takes over when it is killed, losing nothing.

#[path = "../support/backend.rs"]
mod backend;

#[path = "../support/amqp.rs"]
mod amqp;

mod delivery;
mod faults;
mod takeover;

use orderdesk::db::Db;
use orderdesk::service::{self, NewOrder, NewOrderItem, NewProduct, NewUser, Status};

/// A customer and a mug whose stock is `stock`: their ids.
pub async fn shop(db: &Db, stock: Option<i64>) -> (i64, i64) {
    let user = service::create_user(
        db,
        NewUser {
            email: "ada@example.com".into(),
            full_name: "Ada".into(),
        },
    )
    .await
    .unwrap();
    let mug = service::create_product(
        db,
        NewProduct {
            name: "Mug".into(),
            price_cents: 850,
            stock,
        },
    )
    .await
    .unwrap();
    (user.id, mug.id)
}

/// A pending order of `quantity` of `product`.
pub fn mugs(user: i64, product: i64, quantity: i64) -> NewOrder {
    NewOrder {
        user_id: user,
        status: Status::Pending,
        items: vec![NewOrderItem {
            product_id: product,
            quantity,
        }],
    }
}

/// Places `n` orders of one `product` each.
pub async fn place(db: &Db, user: i64, product: i64, n: usize) {
    for _ in 0..n {
        service::create_order(db, mugs(user, product, 1))
            .await
            .unwrap();
    }
}

/// Waits until the relay has marked every event, and returns what is left (0).
pub async fn wait_for_empty_outbox(db: &Db) -> i64 {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_mins(1);
    loop {
        let lag = orderdesk::service::outbox::relay_lag(db)
            .await
            .unwrap()
            .unpublished;
        if lag == 0 || tokio::time::Instant::now() > deadline {
            return lag;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
