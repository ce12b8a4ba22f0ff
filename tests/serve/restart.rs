//! PostgreSQL or MariaDB restarted (a crash: `pg_ctl restart -m immediate`, or SIGKILL, on a
//! server of the test's own) while 8 clients keep ordering over HTTP. Afterwards every order answered 201 is in the
//! database; an order in the database that was not answered 201 can only be one whose answer was
//! lost (a 503 or a broken connection; counted, never more than those); stock plus units sold is
//! what it was; and the server answers again without being restarted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Mutex;

use crate::Server;
use crate::cluster::OwnServer;
use orderdesk::service::{self, NewProduct, NewUser};

const CLIENTS: usize = 8;
const STOCK: i64 = 1_000_000;

/// What the clients saw.
#[derive(Default)]
struct Seen {
    /// Orders answered 201.
    placed: Vec<i64>,
    /// Answers other than 201, by status.
    refused: Vec<u16>,
    /// Requests with no answer (the connection broke or timed out).
    lost: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_survive_a_postgres_restart_under_load() {
    orders_survive_a_restart_under_load(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_survive_a_mysql_restart_under_load() {
    orders_survive_a_restart_under_load(true).await;
}

async fn orders_survive_a_restart_under_load(mysql: bool) {
    let Some(mut own) = OwnServer::start(mysql) else {
        return;
    };
    let url = own.url();
    let db = orderdesk::db::connect(&url).await.unwrap();
    orderdesk::db::migrate(&db).await.unwrap();
    let user = service::create_user(
        &db,
        NewUser {
            email: "ada@example.com".into(),
            full_name: "Ada".into(),
        },
    )
    .await
    .unwrap();
    let product = service::create_product(
        &db,
        NewProduct {
            name: "Mug".into(),
            price_cents: 250,
            stock: Some(STOCK),
        },
    )
    .await
    .unwrap();
    let options = orderdesk::serve::Options {
        timeout: Duration::from_secs(5),
        ..Default::default()
    };
    let server = Server::start_with(db.clone(), options).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let after_restart = Arc::new(AtomicUsize::new(0));
    let restarted = Arc::new(AtomicBool::new(false));
    let body = json!({"user_id": user.id, "items": [{"product_id": product.id, "quantity": 1}]});
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (client, base, body) = (client.clone(), server.base.clone(), body.clone());
        let (seen, stop) = (seen.clone(), stop.clone());
        let (after_restart, restarted) = (after_restart.clone(), restarted.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let answer = client
                    .post(format!("{base}/orders"))
                    .json(&body)
                    .send()
                    .await;
                let mut seen = seen.lock().await;
                match answer {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let order: serde_json::Value = r.json().await.unwrap();
                        seen.placed.push(order["id"].as_i64().unwrap());
                        if restarted.load(Ordering::SeqCst) {
                            after_restart.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    Ok(r) => seen.refused.push(r.status().as_u16()),
                    Err(_) => seen.lost += 1,
                }
            }
        }));
    }
    // Some orders before the crash, then the crash and restart, then orders again.
    let deadline = tokio::time::Instant::now() + Duration::from_mins(1);
    while seen.lock().await.placed.len() < 100 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "orders before the crash"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before_crash = seen.lock().await.placed.len();
    tokio::task::block_in_place(|| own.restart());
    restarted.store(true, Ordering::SeqCst);
    let deadline = tokio::time::Instant::now() + Duration::from_mins(1);
    while after_restart.load(Ordering::SeqCst) < 100 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server answers 201 again after the restart (placed {} after it)",
            after_restart.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    let seen = seen.lock().await;
    eprintln!(
        "placed {} ({before_crash} before the crash), refused {:?}, lost {}",
        seen.placed.len(),
        seen.refused,
        seen.lost
    );
    // Only "unavailable" while the server was away: never a 500, never a 4xx.
    assert!(
        seen.refused.iter().all(|s| *s == 503),
        "refusals: {:?}",
        seen.refused
    );
    // Every order answered 201 is there; any other is one whose answer was lost.
    let fresh = orderdesk::db::connect(&url).await.unwrap();
    let stored: Vec<i64> = service::list_orders(&fresh, user.id)
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    let placed: std::collections::BTreeSet<i64> = seen.placed.iter().copied().collect();
    assert_eq!(placed.len(), seen.placed.len(), "no id answered twice");
    let stored_set: std::collections::BTreeSet<i64> = stored.iter().copied().collect();
    let missing: Vec<_> = placed.difference(&stored_set).collect();
    assert!(
        missing.is_empty(),
        "answered 201 but not stored: {missing:?}"
    );
    let unanswered = stored_set.difference(&placed).count();
    assert!(
        unanswered <= seen.refused.len() + seen.lost,
        "{unanswered} orders stored that no client was told of, beyond the {} answers lost",
        seen.refused.len() + seen.lost
    );
    eprintln!("stored but unanswered (lost in flight): {unanswered}");
    // Stock plus units sold is what it was.
    let stock = service::get_product(&fresh, product.id)
        .await
        .unwrap()
        .stock
        .unwrap();
    assert_eq!(stock + stored.len() as i64, STOCK);
    drop(server);
    fresh.close().await.unwrap();
    db.close().await.unwrap();
}
