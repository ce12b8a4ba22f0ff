//! Every route's success, in the shapes of `--json`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::Api;
use crate::backend::TestDb;

crate::on_every_backend!(
    the_learning_versions_four_operations_over_http,
    users_and_products_are_listed_shown_changed_and_deleted,
    an_orders_status_moves_along_its_lifecycle_and_cancel_gives_stock_back,
    health_stats_and_events_answer,
    a_pending_order_is_edited_with_put,
);

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

async fn the_learning_versions_four_operations_over_http(t: TestDb) {
    let api = Api::start(t).await;
    let (s, user) = api
        .post(
            "/users",
            &json!({"email": "grace@example.com", "full_name": "Grace Hopper"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    assert_eq!(keys(&user), ["created_at", "email", "full_name", "id"]);
    assert_eq!(user["email"], "grace@example.com");
    let (s, product) = api
        .post(
            "/products",
            &json!({"name": "Kettle", "price_cents": 4500, "stock": 3}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{product}");
    assert_eq!(keys(&product), ["id", "name", "price_cents", "stock"]);
    assert_eq!(
        (product["price_cents"].as_i64(), product["stock"].as_i64()),
        (Some(4500), Some(3))
    );
    let (user_id, product_id) = (
        user["id"].as_i64().unwrap(),
        product["id"].as_i64().unwrap(),
    );
    let body = json!({"user_id": user_id, "items": [{"product_id": product_id, "quantity": 2}]});
    let (s, order) = api.post("/orders", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{order}");
    assert_eq!(
        keys(&order),
        [
            "created_at",
            "id",
            "items",
            "status",
            "total_amount_cents",
            "total_quantity",
            "user_id"
        ]
    );
    assert_eq!(order["status"], "pending");
    assert_eq!(order["total_amount_cents"], 9000);
    assert_eq!(order["items"][0]["price_cents_at_purchase"], 4500);
    assert_eq!(order["items"][0]["product_name"], "Kettle");
    // The seeds' place_order is the same operation.
    let one = json!({"user_id": user_id, "items": [{"product_id": product_id, "quantity": 1}], "status": "confirmed"});
    let (s, second) = api.post("/place_order", &one).await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    assert_eq!(second["status"], "confirmed");
    let (s, list) = api.get(&format!("/users/{user_id}/orders")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 2);
    assert_eq!(list["orders"][0]["id"], order["id"], "oldest first");
    assert_eq!(list["orders"][1]["items"][0]["quantity"], 1);
    // The stock was taken: 3 - 2 - 1.
    let (_, product) = api.get(&format!("/products/{product_id}")).await;
    assert_eq!(product["stock"], 0);
}

async fn users_and_products_are_listed_shown_changed_and_deleted(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, untracked) = api.shop(10).await;
    let (s, users) = api.get("/users?filter=LOVELACE").await;
    assert_eq!(s, StatusCode::OK, "{users}");
    assert_eq!(users["total"], 1);
    assert_eq!(users["users"][0]["email"], "ada@example.com");
    assert_eq!(users["users"][0]["order_count"], 0);
    let (_, none) = api.get("/users?filter=nobody").await;
    assert_eq!(none, json!({"users": [], "total": 0}));
    let (s, shown) = api.get(&format!("/users/{user}")).await;
    assert_eq!(
        (s, shown["full_name"].as_str()),
        (StatusCode::OK, Some("Ada Lovelace"))
    );
    let (s, changed) = api
        .patch(&format!("/users/{user}"), &json!({"full_name": "Ada King"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["full_name"].as_str(), changed["email"].as_str()),
        (Some("Ada King"), Some("ada@example.com"))
    );

    let (s, products) = api.get("/products?limit=1").await;
    assert_eq!((s, products["total"].as_i64()), (StatusCode::OK, Some(1)));
    let (_, next) = api
        .get(&format!(
            "/products?limit=1&after={}",
            products["products"][0]["id"]
        ))
        .await;
    assert_eq!(
        next["products"][0]["id"].as_i64(),
        Some(untracked.max(tracked))
    );
    // null stops tracking the stock; an absent field leaves it.
    let (s, p) = api
        .patch(
            &format!("/products/{tracked}"),
            &json!({"price_cents": 300}),
        )
        .await;
    assert_eq!(
        (s, p["price_cents"].as_i64(), p["stock"].as_i64()),
        (StatusCode::OK, Some(300), Some(10))
    );
    let (_, p) = api
        .patch(&format!("/products/{tracked}"), &json!({"stock": null}))
        .await;
    assert!(p["stock"].is_null(), "{p}");

    // A product and a user with no orders go; with orders they stay (409).
    let (s, gone) = api.delete(&format!("/products/{untracked}")).await;
    assert_eq!((s, gone), (StatusCode::OK, json!({"deleted": untracked})));
    let (s, _) = api.get(&format!("/products/{untracked}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let order = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}]});
    assert_eq!(api.post("/orders", &order).await.0, StatusCode::CREATED);
    let (s, refused) = api.delete(&format!("/users/{user}")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "conflict");
    let (s, _) = api
        .post(
            "/users",
            &json!({"email": "new@example.com", "full_name": "New"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, users) = api.get("/users?filter=new@").await;
    let new = users["users"][0]["id"].as_i64().unwrap();
    let (s, gone) = api.delete(&format!("/users/{new}")).await;
    assert_eq!((s, gone), (StatusCode::OK, json!({"deleted": new})));
}

async fn an_orders_status_moves_along_its_lifecycle_and_cancel_gives_stock_back(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, untracked) = api.shop(10).await;
    let body = json!({"user_id": user, "items": [
        {"product_id": tracked, "quantity": 4}, {"product_id": untracked, "quantity": 1}]});
    let (_, first) = api.post("/orders", &body).await;
    let (_, second) = api.post("/orders", &body).await;
    let (first, second) = (
        first["id"].as_i64().unwrap(),
        second["id"].as_i64().unwrap(),
    );

    let (s, page) = api.get(&format!("/orders?user_id={user}&limit=1")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(
        (page["total"].as_i64(), page["orders"][0]["id"].as_i64()),
        (Some(1), Some(second)),
        "newest first"
    );
    let (_, older) = api.get(&format!("/orders?before={second}")).await;
    assert_eq!(older["orders"][0]["id"].as_i64(), Some(first));

    let (s, moved) = api
        .patch(
            &format!("/orders/{first}/status"),
            &json!({"status": "confirmed"}),
        )
        .await;
    assert_eq!(
        (s, moved["status"].as_str()),
        (StatusCode::OK, Some("confirmed")),
        "{moved}"
    );
    let (s, moved) = api
        .send(
            Method::PUT,
            &format!("/orders/{first}/status"),
            &json!({"status": "shipped"}),
        )
        .await;
    assert_eq!(
        (s, moved["status"].as_str()),
        (StatusCode::OK, Some("shipped")),
        "{moved}"
    );
    let (_, shipped) = api.get("/orders?status=shipped").await;
    assert_eq!(shipped["total"], 1);
    let (s, refused) = api
        .patch(
            &format!("/orders/{first}/status"),
            &json!({"status": "pending"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_transition");
    let (s, refused) = api
        .post(&format!("/orders/{first}/cancel"), &json!({}))
        .await;
    assert_eq!(
        (s, refused["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    // 10 - 4 - 4 = 2 left; cancelling the second gives its 4 back.
    let (_, p) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(p["stock"], 2);
    let (s, cancelled) = api.delete(&format!("/orders/{second}")).await;
    assert_eq!(
        (s, cancelled["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{cancelled}"
    );
    let (_, p) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(p["stock"], 6);
    let (s, detail) = api.get(&format!("/orders/{second}")).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["order_created", "order_cancelled"],
        "history is kept"
    );
    assert_eq!(detail["items"].as_array().unwrap().len(), 2);
}

async fn health_stats_and_events_answer(t: TestDb) {
    let backend = t.db.backend_name();
    let api = Api::start(t).await;
    let (s, health) = api.get("/health").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        health,
        json!({"status": "ok", "database": "ok", "backend": backend})
    );
    let (user, tracked, _) = api.shop(10).await;
    let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 3}]});
    let (_, order) = api.post("/orders", &body).await;
    let id = order["id"].as_i64().unwrap();
    api.patch(
        &format!("/orders/{id}/status"),
        &json!({"status": "confirmed"}),
    )
    .await;
    let (s, stats) = api.get("/stats").await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    assert_eq!(stats["orders_by_status"]["confirmed"], 1);
    assert_eq!(stats["revenue_cents"], 750);
    assert_eq!(stats["top_products"][0]["quantity"], 3);
    let (s, events) = api.get("/events").await;
    assert_eq!(
        (s, events["total"].as_i64()),
        (StatusCode::OK, Some(2)),
        "{events}"
    );
    let first = events["events"][0]["id"].as_i64().unwrap();
    assert_eq!(events["events"][0]["event_type"], "order_created");
    assert_eq!(events["events"][1]["payload"]["to"], "confirmed");
    let (_, after) = api.get(&format!("/events?after={first}&limit=5")).await;
    assert_eq!(after["total"], 1);
    assert_eq!(after["events"][0]["event_type"], "order_status_updated");
}

async fn a_pending_order_is_edited_with_put(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, untracked) = api.shop(10).await;
    let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 4}]});
    let (_, order) = api.post("/orders", &body).await;
    let id = order["id"].as_i64().unwrap();
    let edit = json!({"items": [{"product_id": tracked, "quantity": 1}, {"product_id": untracked, "quantity": 2}]});
    let (s, edited) = api.send(Method::PUT, &format!("/orders/{id}"), &edit).await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["id"].as_i64(), edited["total_quantity"].as_i64()),
        (Some(id), Some(3))
    );
    assert_eq!(edited["total_amount_cents"], 250 + 2 * 400);
    let (_, p) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(p["stock"], 9, "10 - 1: three units came back");
    // Refusals: an unknown product in the body is a bad value, an unknown order a missing row,
    // too many units or an order no longer pending a conflict.
    let before = api.counts().await;
    let unknown = json!({"items": [{"product_id": 9_999_999, "quantity": 1}]});
    let (s, b) = api
        .send(Method::PUT, &format!("/orders/{id}"), &unknown)
        .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("item 1")),
        "{b}"
    );
    let (s, _) = api.send(Method::PUT, "/orders/9999999", &edit).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let greedy = json!({"items": [{"product_id": tracked, "quantity": 11}]});
    let (s, b) = api
        .send(Method::PUT, &format!("/orders/{id}"), &greedy)
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("out_of_stock")),
        "{b}"
    );
    assert_eq!(api.counts().await, before);
    api.patch(
        &format!("/orders/{id}/status"),
        &json!({"status": "confirmed"}),
    )
    .await;
    let confirmed = api.counts().await;
    let (s, b) = api.send(Method::PUT, &format!("/orders/{id}"), &edit).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict")),
        "{b}"
    );
    assert_eq!(api.counts().await, confirmed);
}
