//! `/orders` (and `/place_order`): `create_order`, the paged list, one order, its status, cancel;
//! `/events`: the outbox for pollers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use super::error::{Answer, ApiError, ApiResult, Ids};
use super::extract::{JsonBody, Params, PathId};
use super::listed;
use crate::db::Db;
use crate::service::{
    self, NewOrder, NewOrderItem, Order, OrderDetail, OrderQuery, Status, validate,
};

/// A line of `POST /orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    product_id: i64,
    quantity: i64,
}

/// The body of `POST /orders`: `status` is `pending` unless given (`confirmed` is the other
/// status a new order may have).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    user_id: i64,
    items: Vec<Item>,
    #[serde(default)]
    status: Option<String>,
}

/// The body of `PUT /orders/{id}`: the lines that replace the order's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditOrder {
    items: Vec<Item>,
}

/// The body of `PATCH /orders/{id}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetStatus {
    status: String,
}

/// The query of `GET /orders`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderParams {
    user_id: Option<i64>,
    customer: Option<String>,
    status: Option<String>,
    limit: Option<u64>,
    before: Option<i64>,
}

/// The query of `GET /events`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventParams {
    after: Option<i64>,
    limit: Option<u64>,
}

/// A status named in the input, refused with 422 when it is not one.
fn status(raw: &str) -> ApiResult<Status> {
    validate::status(raw).map_err(|e| ApiError::service(&e, Ids::InInput))
}

/// `POST /orders` and `POST /place_order`: 201 with the order, in one transaction; 409 when a
/// line's product has too few units left (nothing written).
pub async fn create(
    State(db): State<Db>,
    JsonBody(body): JsonBody<CreateOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let input = NewOrder {
        user_id: body.user_id,
        status: body.status.as_deref().map_or(Ok(Status::Pending), status)?,
        items: lines(body.items),
    };
    service::create_order(&db, input)
        .await
        .in_input()
        .map(|created| (StatusCode::CREATED, Json(created)))
}

fn lines(items: Vec<Item>) -> Vec<NewOrderItem> {
    items
        .into_iter()
        .map(|i| NewOrderItem {
            product_id: i.product_id,
            quantity: i.quantity,
        })
        .collect()
}

/// `PUT /orders/{id}`: a pending order's lines replaced (stock moves by the difference; a
/// product already on it keeps its price); 409 when it is not pending or stock is short.
pub async fn edit(
    State(db): State<Db>,
    PathId(id): PathId,
    JsonBody(body): JsonBody<EditOrder>,
) -> ApiResult<Json<Order>> {
    service::edit_order(&db, id, lines(body.items))
        .await
        .in_path("order")
        .map(Json)
}

/// `GET /orders`: a page, newest first, `{"orders": [...], "total": n}`.
pub async fn list(State(db): State<Db>, Params(p): Params<OrderParams>) -> ApiResult<Json<Value>> {
    let query = OrderQuery {
        user_id: p.user_id,
        customer: p.customer.filter(|c| !c.is_empty()),
        status: p.status.as_deref().map(status).transpose()?,
        before: p.before,
        limit: p.limit,
        lazy: false,
    };
    service::list_orders_page(&db, query)
        .await
        .in_input()
        .map(|rows| listed("orders", &rows))
}

/// `GET /orders/{id}`: the order with its items, current prices and history.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<OrderDetail>> {
    service::get_order(&db, id).await.in_path("order").map(Json)
}

/// `PATCH /orders/{id}/status` (and `PUT`): the order in its new status; 409 when the lifecycle
/// forbids the change. `cancelled` cancels (tracked stock comes back).
pub async fn set_status(
    State(db): State<Db>,
    PathId(id): PathId,
    JsonBody(body): JsonBody<SetStatus>,
) -> ApiResult<Json<Order>> {
    let to = status(&body.status)?;
    service::set_order_status(&db, id, to)
        .await
        .in_path("order")
        .map(Json)
}

/// `POST /orders/{id}/cancel` and `DELETE /orders/{id}`: the cancelled order (history is never
/// deleted); tracked stock comes back.
pub async fn cancel(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Order>> {
    let cancelled = service::cancel_order(&db, id).await.in_path("order")?;
    Ok(Json(cancelled.order))
}

/// `GET /events?after=ID&limit=N`: the outbox in id order, `{"events": [...], "total": n}`.
pub async fn events(
    State(db): State<Db>,
    Params(p): Params<EventParams>,
) -> ApiResult<Json<Value>> {
    service::list_order_events(&db, None, p.after, p.limit)
        .await
        .in_input()
        .map(|rows| listed("events", &rows))
}
