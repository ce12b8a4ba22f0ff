//! 32 clients racing over HTTP for 50 units, split between two `serve`s on one database (as
//! two processes behind a load balancer): exactly 50 sold, every other answer a clean 409.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Barrier;

use crate::backend::TestDb;
use crate::{Api, Server};

crate::on_every_backend!(thirty_two_clients_race_for_fifty_units);

async fn thirty_two_clients_race_for_fifty_units(t: TestDb) {
    let api = Arc::new(Api::start(t).await);
    let second = Server::start(api.another_pool().await).await;
    let bases = [api.base.clone(), second.base.clone()];
    race(&api, bases).await;
}

/// 32 clients, half on each of `bases`, send 1,000 orders for one unit of a product with 50:
/// exactly 50 sold and 950 clean 409s. (`api` makes the shop and sends the requests.)
pub async fn race(api: &Arc<Api>, bases: [String; 2]) {
    const CLIENTS: usize = 32;
    const ATTEMPTS: usize = 1_000;
    let (user, tracked, _) = api.shop(50).await;
    let bases = Arc::new(bases);
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (api, bases, barrier) = (api.clone(), bases.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let base = bases[client % 2].clone();
            barrier.wait().await;
            let mut answers = Vec::new();
            for _ in (client..ATTEMPTS).step_by(CLIENTS) {
                let body =
                    json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}]});
                let post = reqwest::Method::POST;
                let (s, b, _) = api.request(&base, post, "/orders", &[], &body).await;
                answers.push((s, b["error"]["code"].as_str().map(str::to_owned)));
            }
            answers
        }));
    }
    let mut sold = 0;
    let mut refused = 0;
    for task in tasks {
        for (status, code) in task.await.unwrap() {
            match status {
                StatusCode::CREATED => sold += 1,
                StatusCode::CONFLICT if code.as_deref() == Some("out_of_stock") => refused += 1,
                other => panic!("an unexpected answer: {other} {code:?}"),
            }
        }
    }
    assert_eq!((sold, refused), (50, 950));
    let (_, product) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(product["stock"], 0);
    let (_, orders) = api.get(&format!("/users/{user}/orders")).await;
    assert_eq!(orders["total"], 50);
}
