//! Users: create, list (paged, filtered), get, update, delete.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::{Error, ListQuery, check_id, finish, unique_to_conflict, validate};
use crate::db::Db;
use crate::entity::{order, user};

/// A new user: what `create_user` takes (and `POST /users` reads: unknown fields refused).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    /// The email; unique, stored lowercased.
    pub email: String,
    /// The full name.
    pub full_name: String,
}

/// Changes to a user; `None` (or absent in JSON) leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChanges {
    /// A new email.
    pub email: Option<String>,
    /// A new full name.
    pub full_name: Option<String>,
}

/// A user as the four operations return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// The id.
    pub id: i64,
    /// The email.
    pub email: String,
    /// The full name.
    pub full_name: String,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
}

/// A user in a list, with the number of orders they placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRow {
    /// The id.
    pub id: i64,
    /// The email.
    pub email: String,
    /// The full name.
    pub full_name: String,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// How many orders the user has.
    pub order_count: i64,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User {
            id: m.id,
            email: m.email,
            full_name: m.full_name,
            created_at: m.created_at,
        }
    }
}

fn email_taken(email: &str) -> impl FnOnce() -> String + '_ {
    move || format!("{email} is already registered")
}

/// Creates a user.
///
/// # Errors
/// Validation (email, name) or Conflict (email already registered); nothing is written.
pub async fn create_user(db: &Db, input: NewUser) -> Result<User, Error> {
    let email = validate::email("email", &input.email)?;
    let full_name = validate::name("name", &input.full_name)?;
    let model = user::ActiveModel {
        email: Set(email.clone()),
        full_name: Set(full_name),
        created_at: Set(db.now()),
        ..Default::default()
    }
    .insert(db.reader())
    .await
    .map_err(|e| unique_to_conflict(e, "email", email_taken(&email)))?;
    Ok(model.into())
}

/// One page of users in id order, with their order counts, optionally filtered by text in the
/// email or name.
///
/// # Errors
/// Validation (limit) or a database failure.
pub async fn list_users(db: &Db, query: &ListQuery) -> Result<Vec<UserRow>, Error> {
    let limit = query.page_size()?;
    let mut select = user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::Email,
            user::Column::FullName,
            user::Column::CreatedAt,
        ])
        .column_as(
            Expr::cust("(SELECT COUNT(*) FROM orders WHERE orders.user_id = users.id)"),
            "order_count",
        )
        .order_by_asc(user::Column::Id)
        .limit(limit);
    if let Some(after) = query.after {
        select = select.filter(user::Column::Id.gt(after));
    }
    if let Some(pattern) = query.like_pattern() {
        select = select.filter(matches(&pattern));
    }
    Ok(select.into_model::<UserRow>().all(db.reader()).await?)
}

/// A condition: the user's email or name matches a LIKE pattern from `ListQuery::like_pattern`.
pub(super) fn matches(pattern: &str) -> sea_orm::sea_query::SimpleExpr {
    super::search_matches(
        user::Column::SearchKey,
        &[user::Column::Email, user::Column::FullName],
        pattern,
    )
}

/// One user.
///
/// # Errors
/// `NotFound` when there is no such user.
pub async fn get_user(db: &Db, id: i64) -> Result<User, Error> {
    check_id("user", id)?;
    find_user(db.reader(), id).await.map(User::from)
}

async fn find_user(conn: &impl ConnectionTrait, id: i64) -> Result<user::Model, Error> {
    user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| Error::unknown("user", id))
}

/// Changes a user's email and/or name.
///
/// # Errors
/// Validation, `NotFound`, or Conflict (email already registered); nothing is written.
pub async fn update_user(db: &Db, id: i64, changes: UserChanges) -> Result<User, Error> {
    check_id("user", id)?;
    let email = changes
        .email
        .as_deref()
        .map(|e| validate::email("email", e))
        .transpose()?;
    let full_name = changes
        .full_name
        .as_deref()
        .map(|n| validate::name("name", n))
        .transpose()?;
    if email.is_none() && full_name.is_none() {
        return Err(Error::invalid(
            "user",
            "nothing to change: give an email or a name",
        ));
    }
    let tx = db.begin_write().await?;
    let result = async {
        let current = find_user(&*tx, id).await?;
        let mut active: user::ActiveModel = current.into();
        if let Some(email) = &email {
            active.email = Set(email.clone());
        }
        if let Some(full_name) = full_name {
            active.full_name = Set(full_name);
        }
        let taken = email.clone().unwrap_or_default();
        let model = active
            .update(&*tx)
            .await
            .map_err(|e| unique_to_conflict(e, "email", email_taken(&taken)))?;
        Ok(User::from(model))
    }
    .await;
    finish(tx, result).await
}

/// Deletes a user who has no orders.
///
/// # Errors
/// `NotFound`, or Conflict when the user has orders; nothing is written.
pub async fn delete_user(db: &Db, id: i64) -> Result<i64, Error> {
    check_id("user", id)?;
    let tx = db.begin_write().await?;
    let result = async {
        find_user(&*tx, id).await?;
        let orders = order::Entity::find()
            .filter(order::Column::UserId.eq(id))
            .count(&*tx)
            .await?;
        if orders > 0 {
            return Err(Error::Conflict {
                field: "user".to_owned(),
                reason: format!("user {id} has {orders} order(s) and cannot be deleted"),
            });
        }
        user::Entity::delete_by_id(id).exec(&*tx).await?;
        Ok(id)
    }
    .await;
    finish(tx, result).await
}
