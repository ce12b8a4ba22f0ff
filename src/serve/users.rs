//! `/users`: `create_user`, the list, one user, changes, delete, and a user's orders.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::answers::{Deleted, ErrorBody, UserList, UserOrders};
use super::error::{Answer, ApiResult};
use super::extract::{JsonBody, Params, PathId};
use crate::db::Db;
use crate::service::{self, ListQuery, NewUser, User, UserChanges};

/// The query of a list: `?filter=&limit=&after=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Text to look for in the email and name (or the product's name), case- and
    /// accent-insensitive.
    filter: Option<String>,
    /// The page size, 1 to 1000 (default 50).
    limit: Option<u64>,
    /// The last id of the previous page.
    after: Option<i64>,
}

impl From<ListParams> for ListQuery {
    fn from(p: ListParams) -> Self {
        ListQuery {
            filter: p.filter.filter(|f| !f.is_empty()),
            after: p.after,
            limit: p.limit,
        }
    }
}

#[utoipa::path(post, path = "/users", operation_id = "create_user", tag = "users", request_body = NewUser,
    responses((status = 201, description = "The user", body = User),
              (status = 409, description = "The email is already registered", body = ErrorBody)))]
/// `POST /users`: 201 with the user.
pub async fn create(
    State(db): State<Db>,
    JsonBody(input): JsonBody<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    service::create_user(&db, input)
        .await
        .in_input()
        .map(|created| (StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/users", operation_id = "list_users", tag = "users", params(ListParams),
    responses((status = 200, description = "A page of users, in id order", body = UserList)))]
/// `GET /users`: a page, `{"users": [...], "total": n}`.
pub async fn list(
    State(db): State<Db>,
    Params(p): Params<ListParams>,
) -> ApiResult<Json<UserList>> {
    service::list_users(&db, &p.into())
        .await
        .in_input()
        .map(|users| {
            let total = users.len();
            Json(UserList { users, total })
        })
}

#[utoipa::path(get, path = "/users/{id}", operation_id = "get_user", tag = "users", params(("id" = i64, Path, description = "The user's id")),
    responses((status = 200, description = "The user", body = User)))]
/// `GET /users/{id}`.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<User>> {
    service::get_user(&db, id).await.in_path("user").map(Json)
}

#[utoipa::path(patch, path = "/users/{id}", operation_id = "update_user", tag = "users", params(("id" = i64, Path, description = "The user's id")), request_body = UserChanges,
    responses((status = 200, description = "The user as changed", body = User),
              (status = 409, description = "The email is already registered", body = ErrorBody)))]
/// `PATCH /users/{id}`: the user as changed.
pub async fn update(
    State(db): State<Db>,
    PathId(id): PathId,
    JsonBody(changes): JsonBody<UserChanges>,
) -> ApiResult<Json<User>> {
    service::update_user(&db, id, changes)
        .await
        .in_path("user")
        .map(Json)
}

#[utoipa::path(delete, path = "/users/{id}", operation_id = "delete_user", tag = "users", params(("id" = i64, Path, description = "The user's id")),
    responses((status = 200, description = "Deleted", body = Deleted),
              (status = 409, description = "The user has orders", body = ErrorBody)))]
/// `DELETE /users/{id}`: `{"deleted": id}`; 409 when the user has orders.
pub async fn delete(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Deleted>> {
    service::delete_user(&db, id)
        .await
        .in_path("user")
        .map(|deleted| Json(Deleted { deleted }))
}

#[utoipa::path(get, path = "/users/{id}/orders", operation_id = "list_user_orders", tag = "orders", params(("id" = i64, Path, description = "The user's id")),
    responses((status = 200, description = "All of the user's orders, oldest first (list_orders)", body = UserOrders)))]
/// `GET /users/{id}/orders`: `list_orders`, all of the user's orders oldest first.
pub async fn orders(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<UserOrders>> {
    service::list_orders(&db, id)
        .await
        .in_path("user")
        .map(|orders| {
            let total = orders.len();
            Json(UserOrders { orders, total })
        })
}
