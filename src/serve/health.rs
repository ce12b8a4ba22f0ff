//! `/health` and `/stats`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{Answer, ApiResult};
use crate::db::Db;
use crate::service::{self, Stats};

/// `GET /health`: `{"status": "ok", "database": "ok", "backend": ...}`, or 503 with
/// `"database": "unavailable"` when the database does not answer.
pub async fn health(State(db): State<Db>) -> (StatusCode, Json<Value>) {
    let backend = db.backend_name();
    match db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "backend": backend })),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "unavailable", "backend": backend })),
        ),
    }
}

/// `GET /stats`: orders by status, revenue, time to delivery, top products.
pub async fn stats(State(db): State<Db>) -> ApiResult<Json<Stats>> {
    service::stats(&db).await.in_input().map(Json)
}
