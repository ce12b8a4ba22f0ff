//! `/products`: `create_product`, the list, one product, changes, delete.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::error::{Answer, ApiResult};
use super::extract::{JsonBody, Params, PathId};
use super::users::ListParams;
use crate::db::Db;
use crate::service::{self, NewProduct, Product, ProductChanges};

/// The body of `POST /products`: integer cents, as the learning version; no `stock` means
/// the stock is not tracked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateProduct {
    name: String,
    price_cents: i64,
    #[serde(default)]
    stock: Option<i64>,
}

/// The body of `PATCH /products/{id}`: what changes; `"stock": null` stops tracking stock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchProduct {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    price_cents: Option<i64>,
    // Absent (unchanged), null (untracked) or a number, as the core's `ProductChanges`.
    #[allow(clippy::option_option)]
    #[serde(default, deserialize_with = "present")]
    stock: Option<Option<i64>>,
}

/// A field that is present (`Some`, its value possibly `null`), as opposed to absent (`None`).
#[allow(clippy::option_option)]
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// `POST /products`: 201 with the product.
pub async fn create(
    State(db): State<Db>,
    JsonBody(body): JsonBody<CreateProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let input = NewProduct {
        name: body.name,
        price_cents: body.price_cents,
        stock: body.stock,
    };
    let product = service::create_product(&db, input).await.in_input()?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `GET /products`: a page, `{"products": [...], "total": n}`.
pub async fn list(State(db): State<Db>, Params(p): Params<ListParams>) -> ApiResult<Json<Value>> {
    let products = service::list_products(&db, &p.into()).await.in_input()?;
    Ok(Json(
        json!({ "products": products, "total": products.len() }),
    ))
}

/// `GET /products/{id}`.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Product>> {
    let product = service::get_product(&db, id).await.in_path("product")?;
    Ok(Json(product))
}

/// `PATCH /products/{id}`: the product as changed.
pub async fn update(
    State(db): State<Db>,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PatchProduct>,
) -> ApiResult<Json<Product>> {
    let changes = ProductChanges {
        name: body.name,
        price_cents: body.price_cents,
        stock: body.stock,
    };
    let product = service::update_product(&db, id, changes)
        .await
        .in_path("product")?;
    Ok(Json(product))
}

/// `DELETE /products/{id}`: `{"deleted": id}`; 409 when orders refer to it.
pub async fn delete(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Value>> {
    let id = service::delete_product(&db, id).await.in_path("product")?;
    Ok(Json(json!({ "deleted": id })))
}
