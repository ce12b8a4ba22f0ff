//! Racing clerks: many tasks on a pool as large as the racers, released together by a barrier,
//! for the last units of one product. Never oversold; every refusal is the clean out-of-stock.

use std::sync::Arc;

use orderdesk::db::ConnectConfig;
use orderdesk::service::{self, Error};
use tokio::sync::Barrier;

use crate::backend::{Backend, setup_with};
use crate::{a_product, a_user, counts, new_order, stock_of};

const RACERS: usize = 16;
const STOCK: i64 = 5;

async fn racers_never_oversell(backend: Backend) {
    let Some(t) = setup_with(
        backend,
        ConnectConfig {
            max_connections: Some(RACERS as u32),
            ..ConnectConfig::default()
        },
    )
    .await
    else {
        return;
    };
    let u = a_user(&t.db, "clerk@example.com").await;
    let last = a_product(&t.db, "Last units", 100, Some(STOCK)).await;
    let barrier = Arc::new(Barrier::new(RACERS));
    let mut tasks = Vec::new();
    for _ in 0..RACERS {
        let db = t.db.clone();
        let barrier = barrier.clone();
        let order = new_order(u.id, &[(last.id, 1)]);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            service::create_order(&db, order).await
        }));
    }
    let mut sold = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => sold += 1,
            Err(Error::OutOfStock {
                available,
                requested,
                ..
            }) => {
                assert_eq!((available, requested), (0, 1));
                refused += 1;
            }
            Err(other) => panic!("a racer failed with something other than out of stock: {other}"),
        }
    }
    assert_eq!((sold, refused), (STOCK as usize, RACERS - STOCK as usize));
    assert_eq!(stock_of(&t.db, last.id).await, Some(0));
    let c = counts(&t.db).await;
    assert_eq!(
        (c.orders, c.items, c.events),
        (STOCK as u64, STOCK as u64, STOCK as u64)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racers_never_oversell_on_sqlite() {
    racers_never_oversell(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racers_never_oversell_on_postgres() {
    racers_never_oversell(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racers_never_oversell_on_mysql() {
    racers_never_oversell(Backend::Mysql).await;
}
