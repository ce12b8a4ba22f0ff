//! `/users`: `create_user`, the list, one user, changes, delete, and a user's orders.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{Answer, ApiResult};
use super::extract::{JsonBody, Params, PathId};
use super::listed;
use crate::db::Db;
use crate::service::{self, ListQuery, NewUser, User, UserChanges};

/// The query of a list: `?filter=&limit=&after=`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    filter: Option<String>,
    limit: Option<u64>,
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

/// `GET /users`: a page, `{"users": [...], "total": n}`.
pub async fn list(State(db): State<Db>, Params(p): Params<ListParams>) -> ApiResult<Json<Value>> {
    service::list_users(&db, &p.into())
        .await
        .in_input()
        .map(|rows| listed("users", &rows))
}

/// `GET /users/{id}`.
pub async fn show(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<User>> {
    service::get_user(&db, id).await.in_path("user").map(Json)
}

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

/// `DELETE /users/{id}`: `{"deleted": id}`; 409 when the user has orders.
pub async fn delete(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Value>> {
    service::delete_user(&db, id)
        .await
        .in_path("user")
        .map(|id| Json(json!({ "deleted": id })))
}

/// `GET /users/{id}/orders`: `list_orders`, all of the user's orders oldest first.
pub async fn orders(State(db): State<Db>, PathId(id): PathId) -> ApiResult<Json<Value>> {
    service::list_orders(&db, id)
        .await
        .in_path("user")
        .map(|rows| listed("orders", &rows))
}
