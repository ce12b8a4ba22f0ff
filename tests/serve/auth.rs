//! Auth: an API with no token runs open and closes as soon as a token exists; no token, a
//! wrong one and a revoked one are 401; a read-only token writing is 403 and writes nothing;
//! JWTs from a user service (a shared secret, a JWKS file, a JWKS URL) are checked for
//! signature, issuer, audience, expiry and scope; idempotency keys are each caller's own.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::backend::TestDb;
use crate::{Api, Server};
use orderdesk::serve::Options;
use orderdesk::serve::auth::{Jwt, KeySource};
use orderdesk::service::{self, Access};

crate::on_every_backend!(
    an_open_api_closes_once_a_token_exists,
    tokens_refused_and_allowed,
    a_jwt_is_checked_for_signature_issuer_audience_expiry_and_scope,
    a_jwks_url_is_fetched_and_its_keys_accepted,
    idempotency_keys_are_each_callers_own,
    a_token_is_looked_up_once_in_a_while_and_its_revocation_applies_within_that_time,
);

const ISSUER: &str = "https://users.shop.test";
const AUDIENCE: &str = "orderdesk";
const SECRET: &str = "a shared secret of more than thirty-two bytes";

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// GET `path` with `authorization` (if any): the status and the answer.
async fn get(api: &Api, path: &str, authorization: Option<&str>) -> (StatusCode, Value) {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let (s, v, _) = api
        .request(&api.base, Method::GET, path, &headers, &Value::Null)
        .await;
    (s, v)
}

/// POST a user with `authorization`: the status and the answer.
async fn add_user(api: &Api, email: &str, authorization: &str) -> (StatusCode, Value) {
    let body = json!({"email": email, "full_name": "Grace Hopper"});
    let (s, v, _) = api
        .request(
            &api.base,
            Method::POST,
            "/users",
            &[("Authorization", authorization)],
            &body,
        )
        .await;
    (s, v)
}

fn assert_refused(answer: &(StatusCode, Value), status: StatusCode, words: &str) {
    let (s, v) = answer;
    assert_eq!(*s, status, "{v}");
    let code = if status == StatusCode::UNAUTHORIZED {
        "unauthorized"
    } else {
        "forbidden"
    };
    assert_eq!(v["error"]["code"], code, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(words), "{message:?} should say {words:?}");
}

async fn an_open_api_closes_once_a_token_exists(t: TestDb) {
    let api = Api::start(t).await;
    assert_eq!(get(&api, "/users", None).await.0, StatusCode::OK);
    let (_, token) = service::create_token(&api.t.db, "shop", Access::ReadWrite)
        .await
        .unwrap();
    // The server looks again at most every second: within a deadline, without a token is 401.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (s, v, headers) = api
            .request(&api.base, Method::GET, "/users", &[], &Value::Null)
            .await;
        if s == StatusCode::UNAUTHORIZED {
            assert_refused(&(s, v), StatusCode::UNAUTHORIZED, "Authorization: Bearer");
            assert_eq!(headers["www-authenticate"], "Bearer realm=\"orderdesk\"");
            break;
        }
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(tokio::time::Instant::now() < deadline, "still open");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        get(&api, "/users", Some(&bearer(&token))).await.0,
        StatusCode::OK
    );
    // Open routes stay open.
    for path in ["/health", "/metrics"] {
        let answer = api.client.get(format!("{}{path}", api.base)).send().await;
        assert_eq!(answer.unwrap().status(), StatusCode::OK, "{path}");
    }
}

async fn tokens_refused_and_allowed(t: TestDb) {
    let db = t.db.clone();
    let (writer, write_token) = service::create_token(&db, "shop", Access::ReadWrite)
        .await
        .unwrap();
    let (_, read_token) = service::create_token(&db, "reports", Access::ReadOnly)
        .await
        .unwrap();
    let (revoked, revoked_token) = service::create_token(&db, "old", Access::ReadWrite)
        .await
        .unwrap();
    service::revoke_token(&db, revoked.id).await.unwrap();
    let api = Api::start(t).await;
    let before = api.counts().await;
    let refused = [
        (None, "Authorization: Bearer <token>"),
        (Some("Basic YWRhOnNlY3JldA==".to_owned()), "Bearer <token>"),
        (Some(bearer("odt_0000")), "unknown token"),
        (
            Some(bearer(&write_token[..write_token.len() - 1])),
            "unknown token",
        ),
        (Some(bearer("not.a.jwt")), "no JWT key is configured"),
        (
            Some(bearer(&revoked_token)),
            "token 3 (\"old\") was revoked at",
        ),
    ];
    for (authorization, words) in &refused {
        let answer = get(&api, "/users", authorization.as_deref()).await;
        assert_refused(&answer, StatusCode::UNAUTHORIZED, words);
        assert_eq!(answer.1["error"]["field"], "Authorization");
        if let Some(a) = authorization {
            let answer = add_user(&api, "refused@example.com", a).await;
            assert_refused(&answer, StatusCode::UNAUTHORIZED, words);
        }
    }
    // Read-only reads, and its writes are 403 on every writing method.
    assert_eq!(
        get(&api, "/users", Some(&bearer(&read_token))).await.0,
        StatusCode::OK
    );
    let reader = bearer(&read_token);
    let answer = add_user(&api, "reader@example.com", &reader).await;
    assert_refused(
        &answer,
        StatusCode::FORBIDDEN,
        "token 2 (\"reports\") is read-only",
    );
    for (method, path) in [
        (Method::PATCH, "/users/1"),
        (Method::DELETE, "/users/1"),
        (Method::PUT, "/orders/1"),
        (Method::POST, "/orders/1/cancel"),
    ] {
        let (s, v, _) = api
            .request(
                &api.base,
                method,
                path,
                &[("Authorization", &reader)],
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {v}");
    }
    assert_eq!(api.counts().await, before, "nothing refused was written");
    // Read-write writes.
    let (s, user) = add_user(&api, "grace@example.com", &bearer(&write_token)).await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    assert_eq!(writer.id, 1);
    assert_eq!(api.counts().await["users"], before["users"] + 1);
}

/// A JWT with these claims, signed with the shared secret.
fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// A JWT with these claims, signed with the test issuer's Ed25519 key (kid `test-2026`).
fn eddsa(claims: &Value) -> String {
    let pem = std::fs::read(fixture("issuer-ed25519.pem")).unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("test-2026".to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_pem(&pem).unwrap()).unwrap()
}

fn claims(scope: &str, expires_in: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "clerk-7", "scope": scope, "exp": now + expires_in})
}

async fn options(source: KeySource) -> Options {
    Options {
        jwt: Some(std::sync::Arc::new(
            Jwt::load(source, ISSUER, AUDIENCE).await.unwrap(),
        )),
        ..Default::default()
    }
}

async fn a_jwt_is_checked_for_signature_issuer_audience_expiry_and_scope(t: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let api = Api::start_with(t, options(KeySource::KeyFile(secret)).await).await;
    let before = api.counts().await;
    let both = "orders:read orders:write";
    let mut wrong_audience = claims(both, 600);
    wrong_audience["aud"] = json!("billing");
    let mut wrong_issuer = claims(both, 600);
    wrong_issuer["iss"] = json!("https://evil.test");
    let mut no_subject = claims(both, 600);
    no_subject.as_object_mut().unwrap().remove("sub");
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(both, 600),
        &EncodingKey::from_secret(b"another secret of more than thirty-two bytes").unwrap(),
    )
    .unwrap();
    let refused = [
        (hs256(&claims(both, -3600)), "expired"),
        (hs256(&wrong_audience), "audience (aud) is not orderdesk"),
        (
            hs256(&wrong_issuer),
            "issuer (iss) is not https://users.shop.test",
        ),
        (hs256(&no_subject), "no sub claim"),
        (forged, "signature does not verify"),
        // An Ed25519 token where the key is a shared secret.
        (eddsa(&claims(both, 600)), "not one orderdesk holds"),
    ];
    for (token, words) in &refused {
        let answer = add_user(&api, "jwt@example.com", &bearer(token)).await;
        assert_refused(&answer, StatusCode::UNAUTHORIZED, words);
    }
    // Scopes: read needs orders:read, write orders:write.
    let reader = bearer(&hs256(&claims("orders:read", 600)));
    assert_eq!(get(&api, "/users", Some(&reader)).await.0, StatusCode::OK);
    let answer = add_user(&api, "jwt@example.com", &reader).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "no orders:write scope");
    let writer_only = bearer(&hs256(&claims("orders:write", 600)));
    let answer = get(&api, "/users", Some(&writer_only)).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "no orders:read scope");
    assert_eq!(api.counts().await, before, "nothing refused was written");
    // An array scope is read too.
    let mut listed = claims(both, 600);
    listed["scope"] = json!(["orders:read", "orders:write"]);
    let (s, v) = add_user(&api, "jwt@example.com", &bearer(&hs256(&listed))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn a_jwks_url_is_fetched_and_its_keys_accepted(t: TestDb) {
    // The user service's JWKS, served over HTTP by a router of the test's own.
    let jwks = std::fs::read_to_string(fixture("jwks.json")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || async move { jwks }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{at}/.well-known/jwks.json");
    let api = Api::start_with(t, options(KeySource::jwks(&url)).await).await;
    let token = eddsa(&claims("orders:read orders:write", 600));
    let (s, v) = add_user(&api, "jwks@example.com", &bearer(&token)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The same key from a file; a token signed by someone else is refused.
    let from_file = Server::start_with(
        api.t.db.clone(),
        options(KeySource::JwksFile(fixture("jwks.json"))).await,
    )
    .await;
    let (s, v, _) = api
        .request(
            &from_file.base,
            Method::GET,
            "/users",
            &[("Authorization", &bearer(&token))],
            &Value::Null,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let answer = add_user(
        &api,
        "hs@example.com",
        &bearer(&hs256(&claims("orders:write", 600))),
    )
    .await;
    assert_refused(&answer, StatusCode::UNAUTHORIZED, "HS256");
}

async fn idempotency_keys_are_each_callers_own(t: TestDb) {
    let db = t.db.clone();
    let (_, first) = service::create_token(&db, "web", Access::ReadWrite)
        .await
        .unwrap();
    let (_, second) = service::create_token(&db, "script", Access::ReadWrite)
        .await
        .unwrap();
    let api = Api::start(t).await;
    let write = bearer(&first);
    let (_, user) = add_user(&api, "ada@example.com", &write).await;
    let (s, product, _) = api
        .request(
            &api.base,
            Method::POST,
            "/products",
            &[("Authorization", &write)],
            &json!({"name": "Mug", "price_cents": 250}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{product}");
    let body =
        json!({"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]});
    let mut ids = Vec::new();
    for token in [&first, &second, &first] {
        let headers = [
            ("Authorization", bearer(token)),
            ("Idempotency-Key", "order-1".to_owned()),
        ];
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, order, _) = api
            .request(&api.base, Method::POST, "/orders", &headers, &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{order}");
        ids.push(order["id"].as_i64().unwrap());
    }
    // The same key from two callers: two orders; the first caller's retry: its first order.
    assert_ne!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[2]);
    assert_eq!(api.counts().await["orders"], 2);
}

async fn a_token_is_looked_up_once_in_a_while_and_its_revocation_applies_within_that_time(
    t: TestDb,
) {
    let (token, secret) = service::create_token(&t.db, "shop", Access::ReadWrite)
        .await
        .unwrap();
    let api = Api::start(t).await;
    let authorization = bearer(&secret);
    let recorder = api.t.db.recorder().clone();
    // Ten requests in a row: the token is looked up once, each list is one statement.
    let before = recorder.statements();
    for _ in 0..10 {
        assert_eq!(
            get(&api, "/users", Some(&authorization)).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(recorder.statements() - before, 1 + 10);
    // Revoked by another program: refused within TRUSTED_FOR.
    let other = api.another_pool().await;
    service::revoke_token(&other, token.id).await.unwrap();
    let revoked = tokio::time::Instant::now();
    let deadline = revoked + orderdesk::serve::auth::TRUSTED_FOR + Duration::from_secs(5);
    loop {
        let answer = get(&api, "/users", Some(&authorization)).await;
        if answer.0 == StatusCode::UNAUTHORIZED {
            assert_refused(&answer, StatusCode::UNAUTHORIZED, "was revoked at");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still accepted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
