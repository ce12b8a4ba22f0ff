//! `/products`: `create_product`, the list, one product, changes, delete.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::answers::{Deleted, ErrorBody, ProductList};
use super::error::{Answer, ApiResult};
use super::extract::{JsonBody, Params, PathId};
use super::users::ListParams;
use crate::db::Db;
use crate::service::{self, NewProduct, Product, ProductChanges};

#[utoipa::path(post, path = "/products", operation_id = "create_product", tag = "products", request_body = NewProduct,
    responses((status = 201, description = "The product", body = Product)))]
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

#[utoipa::path(get, path = "/products", operation_id = "list_products", tag = "products", params(ListParams),
    responses((status = 200, description = "A page of products, in id order", body = ProductList)))]
/// `GET /products`: a page, `{"products": [...], "total": n}`.
pub async fn list(
    State(db): State<Db>,
    Params(p): Params<ListParams>,
) -> ApiResult<Json<ProductList>> {
    let products = service::list_products(&db, &p.into()).await.in_input();
    products.map(|products| {
        let total = products.len();
        Json(ProductList { products, total })
    })
}

#[utoipa::path(get, path = "/products/{id}", operation_id = "get_product", tag = "products", params(("id" = i64, Path, description = "The product's id")),
    responses((status = 200, description = "The product", body = Product)))]
/// `GET /products/{id}`.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Product>> {
    service::get_product(&db, id)
        .await
        .in_path("product")
        .map(Json)
}

#[utoipa::path(patch, path = "/products/{id}", operation_id = "update_product", tag = "products", params(("id" = i64, Path, description = "The product's id")), request_body = ProductChanges,
    responses((status = 200, description = "The product as changed", body = Product)))]
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

#[utoipa::path(delete, path = "/products/{id}", operation_id = "delete_product", tag = "products", params(("id" = i64, Path, description = "The product's id")),
    responses((status = 200, description = "Deleted", body = Deleted),
              (status = 409, description = "Orders refer to the product", body = ErrorBody)))]
/// `DELETE /products/{id}`: `{"deleted": id}`; 409 when orders refer to it.
pub async fn delete(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Deleted>> {
    service::delete_product(&db, id)
        .await
        .in_path("product")
        .map(|deleted| Json(Deleted { deleted }))
}
