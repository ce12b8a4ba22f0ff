//! `/products`: `create_product`, the list, one product, changes, delete.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{Answer, ApiResult};
use super::extract::{JsonBody, Params, PathId};
use super::listed;
use super::users::ListParams;
use crate::db::Db;
use crate::service::{self, NewProduct, Product, ProductChanges};

/// `POST /products`: 201 with the product.
pub async fn create(
    State(db): State<Db>,
    JsonBody(input): JsonBody<NewProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    service::create_product(&db, input)
        .await
        .in_input()
        .map(|created| (StatusCode::CREATED, Json(created)))
}

/// `GET /products`: a page, `{"products": [...], "total": n}`.
pub async fn list(State(db): State<Db>, Params(p): Params<ListParams>) -> ApiResult<Json<Value>> {
    let products = service::list_products(&db, &p.into()).await.in_input();
    products.map(|rows| listed("products", &rows))
}

/// `GET /products/{id}`.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Product>> {
    service::get_product(&db, id)
        .await
        .in_path("product")
        .map(Json)
}

/// `PATCH /products/{id}`: the product as changed.
pub async fn update(
    State(db): State<Db>,
    PathId(id): PathId,
    JsonBody(changes): JsonBody<ProductChanges>,
) -> ApiResult<Json<Product>> {
    service::update_product(&db, id, changes)
        .await
        .in_path("product")
        .map(Json)
}

/// `DELETE /products/{id}`: `{"deleted": id}`; 409 when orders refer to it.
pub async fn delete(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Value>> {
    service::delete_product(&db, id)
        .await
        .in_path("product")
        .map(|id| Json(json!({ "deleted": id })))
}
