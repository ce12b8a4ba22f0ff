//! Operations: a request past its deadline is a clean 503 that wrote nothing; a request in
//! flight when the server is told to stop finishes; `/metrics` counts. (On SQLite, where
//! another program's write transaction holds the one write lock: the database "stops
//! answering" for writes without a server of ours to kill.)

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend::{Backend, setup};
use crate::{Api, Server};

/// A server on `db` with `timeout`.
async fn server(db: orderdesk::db::Db, timeout: Duration) -> Server {
    let options = orderdesk::serve::Options {
        timeout,
        ..Default::default()
    };
    Server::start_with(db, options).await
}

async fn order(
    client: &reqwest::Client,
    base: &str,
    user: i64,
    product: i64,
) -> (StatusCode, Value) {
    let r = client
        .post(format!("{base}/orders"))
        .json(&json!({"user_id": user, "items": [{"product_id": product, "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_503_and_writes_nothing() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let api = Api::start(t).await;
    let (user, tracked, _) = api.shop(5).await;
    let before = api.counts().await;
    let server = server(api.t.db.clone(), Duration::from_secs(1)).await;
    let base = server.base.clone();
    // Another program holds SQLite's write lock (for 10 s it would make writers wait).
    let other = orderdesk::db::connect(&api.t.url).await.unwrap();
    let held = other.begin_write().await.unwrap();
    let (s, b) = order(&api.client, &base, user, tracked).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_eq!(b["error"]["code"], "unavailable");
    drop(held);
    assert_eq!(api.counts().await, before, "nothing half-done was kept");
    let (s, b) = order(&api.client, &base, user, tracked).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_when_the_server_stops_is_answered() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let api = Api::start(t).await;
    let (user, tracked, _) = api.shop(5).await;
    let server = server(api.t.db.clone(), Duration::from_secs(30)).await;
    let base = server.base.clone();
    let other = orderdesk::db::connect(&api.t.url).await.unwrap();
    let held = other.begin_write().await.unwrap();
    let client = api.client.clone();
    let in_flight = {
        let base = base.clone();
        tokio::spawn(async move { order(&client, &base, user, tracked).await })
    };
    // Wait (with a deadline) until the server counts the request in flight.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = api
            .client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("orderdesk_http_requests_in_flight 1") {
            break; // the order (/metrics does not count itself)
        }
        assert!(tokio::time::Instant::now() < deadline, "{metrics}");
        tokio::task::yield_now().await;
    }
    let stopping = tokio::spawn(server.stop());
    drop(held);
    let (s, b) = in_flight.await.unwrap();
    assert_eq!(
        s,
        StatusCode::CREATED,
        "the request in flight was answered: {b}"
    );
    stopping.await.unwrap();
    let (_, p) = api.get(&format!("/products/{tracked}")).await;
    assert_eq!(p["stock"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_status() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let api = Api::start(t).await;
    api.get("/users").await;
    api.get("/users/abc").await;
    api.get("/nowhere").await;
    let r = api
        .client
        .get(format!("{}/metrics", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    for line in [
        r#"orderdesk_http_requests_total{method="GET",route="/users",status="200"} 1"#,
        r#"orderdesk_http_requests_total{method="GET",route="/users/{id}",status="400"} 1"#,
        r#"orderdesk_http_requests_total{method="GET",route="(no route)",status="404"} 1"#,
        r#"orderdesk_http_request_duration_seconds_count{method="GET",route="/users"} 1"#,
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
}

/// CORS is off unless origins are given; then a browser at one of them may call the API
/// (the preflight answers for it), and one elsewhere gets no CORS headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_only_the_origins_given() {
    let Some(t) = setup(Backend::Sqlite).await else {
        return;
    };
    let api = Api::start(t).await;
    let preflight = |base: String, origin: &'static str| {
        let client = api.client.clone();
        async move {
            client
                .request(reqwest::Method::OPTIONS, format!("{base}/orders"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header(
                    "Access-Control-Request-Headers",
                    "content-type, idempotency-key",
                )
                .send()
                .await
                .unwrap()
        }
    };
    let allowed = |r: &reqwest::Response| {
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    // Without --cors: no CORS headers.
    let r = preflight(api.base.clone(), "https://shop.example.com").await;
    assert_eq!(allowed(&r), None);
    // With one origin.
    let options = orderdesk::serve::Options {
        cors: vec![axum::http::HeaderValue::from_static(
            "https://shop.example.com",
        )],
        ..Default::default()
    };
    let server = Server::start_with(api.t.db.clone(), options).await;
    let base = server.base.clone();
    let r = preflight(base.clone(), "https://shop.example.com").await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(allowed(&r).as_deref(), Some("https://shop.example.com"));
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("PATCH"),
        "{methods}"
    );
    let r = preflight(base, "https://elsewhere.example.com").await;
    assert_eq!(allowed(&r), None);
}
