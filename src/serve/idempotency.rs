//! `Idempotency-Key` on `POST /orders`, `POST /place_order` and `PUT /orders/{id}`: the first
//! request with a key runs and its answer (4xx included) is kept; a retry with the same key and
//! body gets that answer again and writes nothing; one that arrives while the first still runs
//! waits for it (up to 10 s); the same key with another body is refused (409). Keys live in the
//! database, so this holds across restarts and across several `serve` processes.

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::extract::MAX_BODY;
use crate::db::Db;
use crate::service::idempotency::{self, Claim};

/// The header.
pub const HEADER: &str = "idempotency-key";

/// The header on an answer that repeats the first one.
pub const REPLAYED: &str = "idempotent-replayed";

/// How long a retry waits for the first request with its key.
const WAIT: Duration = Duration::from_secs(10);

/// The routes that honour the header: those that create or replace an order.
const ROUTES: &[(Method, &str)] = &[
    (Method::POST, "/orders"),
    (Method::POST, "/place_order"),
    (Method::PUT, "/orders/{id}"),
];

/// The middleware (on every guarded route; it acts on [`ROUTES`] only).
pub async fn layer(State(db): State<Db>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let honoured = ROUTES
        .iter()
        .any(|(method, path)| request.method() == method && route == Some(*path));
    let Some(key) = request.headers().get(HEADER).filter(|_| honoured) else {
        return next.run(request).await;
    };
    let Ok(key) = key.to_str().map(str::to_owned) else {
        return ApiError::validation(Some("Idempotency-Key"), "must be printable ASCII")
            .into_response();
    };
    // Keys are the caller's own: a token's, a JWT subject's ("" on an open API).
    let scope = request
        .extensions()
        .get::<super::auth::Caller>()
        .map(|c| c.scope.clone())
        .unwrap_or_default();
    let scope = scope.as_str();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            None,
            format!("the body is over {MAX_BODY} bytes"),
        )
        .into_response();
    };
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update(b" ");
    hash.update(parts.uri.path());
    hash.update(b"\n");
    hash.update(&bytes);
    let hash = format!("{:x}", hash.finalize());
    let started = tokio::time::Instant::now();
    loop {
        match idempotency::claim_key(&db, scope, &key, &hash).await {
            Ok(Claim::Fresh) => break,
            Ok(Claim::Done { status, body }) => return replay(status, body),
            Ok(Claim::OtherRequest) => {
                return conflict("was used with another request; a retry must send the same body");
            }
            Ok(Claim::InFlight) if started.elapsed() < WAIT => {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Ok(Claim::InFlight) => {
                return conflict(
                    "the first request with this key has not finished; try again later",
                );
            }
            Err(e) => return ApiError::service(&e, super::error::Ids::InInput).into_response(),
        }
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        let _ = idempotency::release_key(&db, scope, &key).await;
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let kept = if parts.status.is_server_error() {
        // The database did not answer, say: a retry may succeed, so it runs again.
        idempotency::release_key(&db, scope, &key).await
    } else {
        let text = String::from_utf8_lossy(&body);
        idempotency::save_answer(&db, scope, &key, parts.status.as_u16(), &text).await
    };
    if let Err(e) = kept {
        return ApiError::service(&e, super::error::Ids::InInput).into_response();
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

fn conflict(why: &str) -> Response {
    ApiError::new(
        StatusCode::CONFLICT,
        "conflict",
        Some("Idempotency-Key"),
        format!("this Idempotency-Key {why}"),
    )
    .into_response()
}
