//! Refusals: each its own clear 4xx in the one error shape, never a 500, never a write.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::Api;
use crate::backend::TestDb;

crate::on_every_backend!(
    a_bad_request_gets_its_own_4xx_and_writes_nothing,
    refusals_of_the_service_name_the_field,
);

/// Asserts the one error shape: `{"error": {"code", "field", "message"}}`.
fn error(status: StatusCode, body: &Value, want: (StatusCode, &str, Option<&str>)) {
    assert_eq!(status, want.0, "{body}");
    let e = &body["error"];
    assert_eq!(e["code"], want.1, "{body}");
    assert_eq!(e["field"].as_str(), want.2, "{body}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}

async fn a_bad_request_gets_its_own_4xx_and_writes_nothing(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, _) = api.shop(5).await;
    let before = api.counts().await;
    let json_ct = Some("application/json");
    let post = |path: &'static str, ct: Option<&'static str>, body: &[u8]| {
        let body = body.to_vec();
        let api = &api;
        async move { api.raw(Method::POST, path, ct, body).await }
    };
    let (s, b) = post("/users", json_ct, b"{\"email\": ").await;
    error(s, &b, (StatusCode::BAD_REQUEST, "bad_request", None));
    let (s, b) = post("/users", json_ct, b"not json").await;
    error(s, &b, (StatusCode::BAD_REQUEST, "bad_request", None));
    let (s, b) = post(
        "/users",
        json_ct,
        b"{\"email\": \"a@b.co\", \"full_name\": \"A\"} trailing",
    )
    .await;
    error(s, &b, (StatusCode::BAD_REQUEST, "bad_request", None));
    let body = br#"{"email": "x@example.com", "full_name": "X"}"#;
    let (s, b) = post("/users", Some("text/plain"), body).await;
    error(
        s,
        &b,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        ),
    );
    let (s, b) = post("/users", None, body).await;
    error(
        s,
        &b,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        ),
    );
    // A charset is fine.
    let (s, b) = post("/users", Some("application/json; charset=utf-8"), b"{}").await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("email"),
        ),
    );
    let (s, b) = post(
        "/users",
        json_ct,
        br#"{"email": "x@example.com", "full_name": "X", "admin": true}"#,
    )
    .await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("admin"),
        ),
    );
    let (s, b) = post(
        "/products",
        json_ct,
        br#"{"name": "Tea", "price_cents": "4.50"}"#,
    )
    .await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("price_cents"),
        ),
    );
    let (s, b) = post(
        "/orders",
        json_ct,
        br#"{"user_id": 1, "items": [{"product_id": 1, "quantity": "two"}]}"#,
    )
    .await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("items[0].quantity"),
        ),
    );
    // A body of 10 MB: the server answers 413 without reading it all (and may close the
    // connection before the client has sent it), so it is sent by hand and the answer read.
    let big = format!(
        "{{\"email\": \"{}\", \"full_name\": \"X\"}}",
        "a".repeat(10 << 20)
    );
    let (s, b) = post_ignoring_a_closed_connection(&api.base, "/users", big.into_bytes()).await;
    error(s, &b, (StatusCode::PAYLOAD_TOO_LARGE, "too_large", None));
    // Path ids.
    let (s, b) = api.get("/users/abc").await;
    error(s, &b, (StatusCode::BAD_REQUEST, "bad_request", Some("id")));
    let (s, b) = api.get("/orders/9999999").await;
    error(s, &b, (StatusCode::NOT_FOUND, "not_found", Some("order")));
    let (s, b) = api
        .patch("/users/9999999", &json!({"full_name": "Z"}))
        .await;
    error(s, &b, (StatusCode::NOT_FOUND, "not_found", Some("user")));
    // Queries.
    let (s, b) = api.get("/users?limit=lots").await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("limit"),
        ),
    );
    let (s, b) = api.get("/orders?sort=asc").await;
    error(
        s,
        &b,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation", Some("sort")),
    );
    let (s, b) = api.get("/orders?status=shiped").await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("status"),
        ),
    );
    let (s, b) = api.get("/orders?user_id=9999999").await;
    error(
        s,
        &b,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation", Some("user")),
    );
    // Routes and methods.
    let (s, b) = api.get("/nowhere").await;
    error(s, &b, (StatusCode::NOT_FOUND, "not_found", None));
    let (s, b) = api
        .raw(Method::PUT, "/users", json_ct, b"{}".to_vec())
        .await;
    error(
        s,
        &b,
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None),
    );
    // Nothing above wrote a row, and the shop still answers.
    assert_eq!(api.counts().await, before);
    let good = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}]});
    assert_eq!(api.post("/orders", &good).await.0, StatusCode::CREATED);
}

async fn refusals_of_the_service_name_the_field(t: TestDb) {
    let api = Api::start(t).await;
    let (user, tracked, untracked) = api.shop(5).await;
    let before = api.counts().await;
    let (s, b) = api
        .post(
            "/users",
            &json!({"email": "ada@example.com", "full_name": "Ada again"}),
        )
        .await;
    error(s, &b, (StatusCode::CONFLICT, "conflict", Some("email")));
    let (s, b) = api
        .post(
            "/users",
            &json!({"email": "not an email", "full_name": "X"}),
        )
        .await;
    error(
        s,
        &b,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Some("email"),
        ),
    );
    let (s, b) = api
        .post("/products", &json!({"name": "Tea", "price_cents": -1}))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")),
        "{b}"
    );
    // Out of stock on the second line: nothing of the order is written.
    let body = json!({"user_id": user, "items": [
        {"product_id": untracked, "quantity": 1}, {"product_id": tracked, "quantity": 6}]});
    let (s, b) = api.post("/orders", &body).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "out_of_stock");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("5 left"),
        "{b}"
    );
    // Unknown ids in the body are bad values (422), not missing routes.
    let body = json!({"user_id": 9_999_999, "items": [{"product_id": tracked, "quantity": 1}]});
    let (s, b) = api.post("/orders", &body).await;
    error(
        s,
        &b,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation", Some("user")),
    );
    let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 0}]});
    let (s, b) = api.post("/orders", &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")),
        "{b}"
    );
    let body = json!({"user_id": user, "items": [{"product_id": tracked, "quantity": 1}], "status": "shipped"});
    let (s, b) = api.post("/orders", &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation")),
        "{b}"
    );
    assert_eq!(api.counts().await, before);
}

/// POSTs `body` as JSON over a plain TCP connection, writing it while the answer is read (a
/// write the server cut short is ignored), and returns the answer's status and JSON body.
async fn post_ignoring_a_closed_connection(
    base: &str,
    path: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let writer = tokio::spawn(async move {
        let _ = write.write_all(head.as_bytes()).await;
        let _ = write.write_all(&body).await;
    });
    let mut answer = Vec::new();
    let _ = read.read_to_end(&mut answer).await;
    writer.abort();
    let text = String::from_utf8_lossy(&answer);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP answer: {text}"));
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (
        StatusCode::from_u16(status).unwrap(),
        serde_json::from_str(json).unwrap_or(Value::Null),
    )
}
