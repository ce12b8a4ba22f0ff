//! `/orders` (and `/place_order`): `create_order`, the paged list, one order, its status, cancel;
//! `/events`: the outbox for pollers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::answers::{ErrorBody, EventList, OrderList};
use super::error::{Answer, ApiError, ApiResult, Ids};
use super::extract::{JsonBody, Params, PathId};
use crate::db::Db;
use crate::service::{
    self, NewOrder, NewOrderItem, Order, OrderDetail, OrderQuery, Status, validate,
};

/// A line of `POST /orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    product_id: i64,
    quantity: i64,
}

/// The body of `POST /orders`: `status` is `pending` unless given (`confirmed` is the other
/// status a new order may have).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    user_id: i64,
    items: Vec<Item>,
    /// `pending` (the default) or `confirmed`.
    #[serde(default)]
    status: Option<String>,
}

/// The body of `PUT /orders/{id}`: the lines that replace the order's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditOrder {
    items: Vec<Item>,
}

/// The body of `PATCH /orders/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatus {
    status: String,
}

/// The query of `GET /orders`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderParams {
    /// Only this customer's orders.
    user_id: Option<i64>,
    /// Only orders whose customer's email or name holds this text.
    customer: Option<String>,
    /// Only orders in this status.
    status: Option<String>,
    /// The page size, 1 to 1000 (default 50).
    limit: Option<u64>,
    /// The last id of the previous page (orders come newest first).
    before: Option<i64>,
}

/// The query of `GET /events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// Events after this id.
    after: Option<i64>,
    /// How many, 1 to 1000 (default 50).
    limit: Option<u64>,
}

/// A status named in the input, refused with 422 when it is not one.
fn status(raw: &str) -> ApiResult<Status> {
    validate::status(raw).map_err(|e| ApiError::service(&e, Ids::InInput))
}

#[utoipa::path(post, path = "/orders", operation_id = "create_order", tag = "orders", request_body = CreateOrder,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body gets the first answer and writes nothing")),
    responses((status = 201, description = "The order, placed in one transaction", body = Order),
              (status = 409, description = "Too few units left (out_of_stock, the line named), or the Idempotency-Key was used with another body (conflict)", body = ErrorBody)))]
/// `POST /orders` and `POST /place_order`: 201 with the order, in one transaction; 409 when a
/// line's product has too few units left (nothing written).
pub async fn create(
    db: State<Db>,
    body: JsonBody<CreateOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    place(db, body).await
}

/// `POST /place_order`: the learning version's name for `POST /orders`.
#[utoipa::path(post, path = "/place_order", operation_id = "place_order", tag = "orders", request_body = CreateOrder,
    params(("Idempotency-Key" = Option<String>, Header, description = "As on POST /orders")),
    responses((status = 201, description = "The order, placed in one transaction", body = Order),
              (status = 409, description = "As on POST /orders", body = ErrorBody)))]
pub async fn place_order(
    db: State<Db>,
    body: JsonBody<CreateOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    place(db, body).await
}

async fn place(
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

#[utoipa::path(put, path = "/orders/{id}", operation_id = "edit_order", tag = "orders", params(("id" = i64, Path, description = "The order's id"), ("Idempotency-Key" = Option<String>, Header, description = "As on POST /orders")), request_body = EditOrder,
    responses((status = 200, description = "The order with its new lines", body = Order),
              (status = 409, description = "The order is not pending, or too few units left", body = ErrorBody)))]
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

#[utoipa::path(get, path = "/orders", operation_id = "list_orders", tag = "orders", params(OrderParams),
    responses((status = 200, description = "A page of orders, newest first", body = OrderList)))]
/// `GET /orders`: a page, newest first, `{"orders": [...], "total": n}`.
pub async fn list(
    State(db): State<Db>,
    Params(p): Params<OrderParams>,
) -> ApiResult<Json<OrderList>> {
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
        .map(|orders| {
            let total = orders.len();
            Json(OrderList { orders, total })
        })
}

#[utoipa::path(get, path = "/orders/{id}", operation_id = "get_order", tag = "orders", params(("id" = i64, Path, description = "The order's id")),
    responses((status = 200, description = "The order with its items, current prices and history", body = OrderDetail)))]
/// `GET /orders/{id}`: the order with its items, current prices and history.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<OrderDetail>> {
    service::get_order(&db, id).await.in_path("order").map(Json)
}

#[utoipa::path(patch, path = "/orders/{id}/status", operation_id = "set_order_status", tag = "orders", params(("id" = i64, Path, description = "The order's id")), request_body = SetStatus,
    responses((status = 200, description = "The order in its new status", body = Order),
              (status = 409, description = "The lifecycle forbids the change (invalid_transition)", body = ErrorBody)))]
/// `PATCH /orders/{id}/status` (and `PUT`): the order in its new status; 409 when the lifecycle
/// forbids the change. `cancelled` cancels (tracked stock comes back).
pub async fn set_status(
    db: State<Db>,
    id: PathId,
    body: JsonBody<SetStatus>,
) -> ApiResult<Json<Order>> {
    change_status(db, id, body).await
}

/// `PUT /orders/{id}/status`: as `PATCH`.
#[utoipa::path(put, path = "/orders/{id}/status", operation_id = "put_order_status", tag = "orders", params(("id" = i64, Path, description = "The order's id")), request_body = SetStatus,
    responses((status = 200, description = "The order in its new status", body = Order),
              (status = 409, description = "The lifecycle forbids the change (invalid_transition)", body = ErrorBody)))]
pub async fn put_status(
    db: State<Db>,
    id: PathId,
    body: JsonBody<SetStatus>,
) -> ApiResult<Json<Order>> {
    change_status(db, id, body).await
}

async fn change_status(
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

#[utoipa::path(post, path = "/orders/{id}/cancel", operation_id = "cancel_order", tag = "orders", params(("id" = i64, Path, description = "The order's id")),
    responses((status = 200, description = "The cancelled order", body = Order),
              (status = 409, description = "The order is shipped, delivered or already cancelled (invalid_transition)", body = ErrorBody)))]
/// `POST /orders/{id}/cancel` and `DELETE /orders/{id}`: the cancelled order (history is never
/// deleted); tracked stock comes back.
pub async fn cancel(db: State<Db>, id: PathId) -> ApiResult<Json<Order>> {
    cancel_it(db, id).await
}

/// `DELETE /orders/{id}`: cancels the order; history is never deleted, so nothing is removed.
#[utoipa::path(delete, path = "/orders/{id}", operation_id = "delete_order", tag = "orders", params(("id" = i64, Path, description = "The order's id")),
    description = "Cancels the order (as POST /orders/{id}/cancel): an order's history is never deleted. Tracked stock comes back. Answers the cancelled order.",
    responses((status = 200, description = "The cancelled order", body = Order),
              (status = 409, description = "The order is shipped, delivered or already cancelled (invalid_transition)", body = ErrorBody)))]
pub async fn delete(db: State<Db>, id: PathId) -> ApiResult<Json<Order>> {
    cancel_it(db, id).await
}

async fn cancel_it(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Order>> {
    let cancelled = service::cancel_order(&db, id).await.in_path("order")?;
    Ok(Json(cancelled.order))
}

#[utoipa::path(get, path = "/events", operation_id = "list_events", tag = "orders", params(EventParams),
    responses((status = 200, description = "The outbox in id order", body = EventList)))]
/// `GET /events?after=ID&limit=N`: the outbox in id order, `{"events": [...], "total": n}`.
pub async fn events(
    State(db): State<Db>,
    Params(p): Params<EventParams>,
) -> ApiResult<Json<EventList>> {
    service::list_order_events(&db, None, p.after, p.limit)
        .await
        .in_input()
        .map(|events| {
            let total = events.len();
            Json(EventList { events, total })
        })
}
