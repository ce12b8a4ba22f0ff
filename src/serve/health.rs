//! `/health` and `/stats`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::answers::Health;
use super::error::{Answer, ApiResult};
use crate::db::Db;
use crate::service::{self, Stats};

#[utoipa::path(get, path = "/health", operation_id = "health", tag = "operations", security(()),
    responses((status = 200, description = "The database answers", body = Health),
              (status = 503, description = "The database does not answer", body = Health)))]
/// `GET /health`: `{"status": "ok", "database": "ok", "backend": ...}`, or 503 with
/// `"database": "unavailable"` when the database does not answer.
pub async fn health(State(db): State<Db>) -> (StatusCode, Json<Health>) {
    let backend = db.backend_name();
    match db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
                backend,
            }),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable",
                database: "unavailable",
                backend,
            }),
        ),
    }
}

#[utoipa::path(get, path = "/stats", operation_id = "stats", tag = "orders",
    responses((status = 200, description = "Orders by status, revenue, time to delivery, top products", body = Stats)))]
/// `GET /stats`: orders by status, revenue, time to delivery, top products.
pub async fn stats(State(db): State<Db>) -> ApiResult<Json<Stats>> {
    service::stats(&db).await.in_input().map(Json)
}
