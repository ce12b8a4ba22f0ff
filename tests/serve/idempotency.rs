//! `Idempotency-Key`: a retry gets the first answer and writes nothing, even sent 20 times at
//! once or to another `serve` on the same database; the same key with another body is refused.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::sync::Barrier;

use crate::backend::TestDb;
use crate::{Api, Server};

crate::on_every_backend!(
    a_retry_gets_the_first_answer_and_writes_nothing,
    twenty_concurrent_retries_place_one_order,
);

async fn a_retry_gets_the_first_answer_and_writes_nothing(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, _) = api.shop(3).await;
    let key = [("Idempotency-Key", "order-ada-1")];
    let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 2}]});
    let (s, first, headers) = api
        .request(&api.base, Method::POST, "/orders", &key, &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert!(headers.get("idempotent-replayed").is_none());
    let after_first = api.counts().await;
    // The same key and body: the same answer, marked as a replay; nothing written.
    let (s, again, headers) = api
        .request(&api.base, Method::POST, "/orders", &key, &body)
        .await;
    assert_eq!((s, &again), (StatusCode::CREATED, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(api.counts().await, after_first);
    // Another serve on the same database (a restart, or a second process) knows the key.
    let other = Server::start(api.another_pool().await).await;
    let (s, there, _) = api
        .request(&other.base, Method::POST, "/orders", &key, &body)
        .await;
    assert_eq!((s, &there), (StatusCode::CREATED, &first));
    // The same key with another body is refused, and writes nothing.
    let other_body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}]});
    let (s, refused, _) = api
        .request(&api.base, Method::POST, "/orders", &key, &other_body)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "conflict");
    assert_eq!(refused["error"]["field"], "Idempotency-Key");
    assert_eq!(api.counts().await, after_first);
    // A refusal is an answer too: out of stock (1 left), then restocked, the retry still gets
    // the first answer.
    let short = [("Idempotency-Key", "order-ada-2")];
    let (s, b, _) = api
        .request(&api.base, Method::POST, "/orders", &short, &body)
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("out_of_stock"))
    );
    api.patch(&format!("/products/{tracked}"), &json!({"stock": 10}))
        .await;
    let (s, b2, h) = api
        .request(&api.base, Method::POST, "/orders", &short, &body)
        .await;
    assert_eq!((s, &b2), (StatusCode::CONFLICT, &b));
    assert_eq!(h["idempotent-replayed"], "true");
    // Without a key every request runs; with a new key it runs once.
    let fresh = [("Idempotency-Key", "order-ada-3")];
    let (s, third, _) = api
        .request(&api.base, Method::POST, "/orders", &fresh, &body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{third}");
    assert_ne!(third["id"], first["id"]);
    // Editing with a key: once.
    let id = first["id"].as_i64().unwrap();
    let edit = json!({"items": [{"product_id": tracked, "quantity": 1}]});
    let path = format!("/orders/{id}");
    let edit_key = [("Idempotency-Key", "edit-1")];
    let (s, edited, _) = api
        .request(&api.base, Method::PUT, &path, &edit_key, &edit)
        .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    let events = api.counts().await["order_events"];
    let (s, again, _) = api
        .request(&api.base, Method::PUT, &path, &edit_key, &edit)
        .await;
    assert_eq!((s, &again), (StatusCode::OK, &edited));
    assert_eq!(
        api.counts().await["order_events"],
        events,
        "no second order_updated"
    );
    let (s, b, _) = api
        .request(
            &api.base,
            Method::POST,
            "/orders",
            &[("Idempotency-Key", "")],
            &body,
        )
        .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")),
        "{b}"
    );
}

async fn twenty_concurrent_retries_place_one_order(t: TestDb) {
    let api = Arc::new(Api::start(t).await);
    let (user, tracked, _) = api.shop(100).await;
    let other = Arc::new(Server::start(api.another_pool().await).await);
    let before = api.counts().await;
    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (api, other, barrier) = (api.clone(), other.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}]});
            let base = if i % 2 == 0 {
                api.base.clone()
            } else {
                other.base.clone()
            };
            barrier.wait().await;
            let key = [("Idempotency-Key", "one-order")];
            let (s, b, _) = api
                .request(&base, Method::POST, "/orders", &key, &body)
                .await;
            (s, b["id"].as_i64())
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (status, id) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
        ids.push(id.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer is the one order: {ids:?}");
    let after = api.counts().await;
    assert_eq!(after["orders"], before["orders"] + 1);
    let (_, p) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(p["stock"], 99);
}
