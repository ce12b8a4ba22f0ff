//! Delivering the outbox: what the relay (`orderdesk relay`) reads and records. The events are
//! picked by their own marker (`published_at IS NULL`), in id order, never after a cursor; an
//! event is marked only once the broker has confirmed it, so a crash in between sends it again
//! (at least once), and none is ever skipped.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use super::{Error, OrderEvent};
use crate::db::Db;
use crate::entity::order_event;

/// The most events one batch carries.
pub const MAX_BATCH: u64 = 10_000;

/// This database's identity, made at random by migration 9: message ids carry it beside the
/// event id, since two databases both have an event 1.
///
/// # Errors
/// A database failure, or no identity (the migration has not run).
pub async fn database_id(db: &Db) -> Result<String, Error> {
    let row = db
        .reader()
        .query_one_raw(Statement::from_string(
            db.backend(),
            "SELECT value FROM orderdesk_meta WHERE name = 'database_id'",
        ))
        .await?
        .ok_or_else(|| {
            Error::Db(sea_orm::DbErr::RecordNotFound(
                "orderdesk_meta.database_id (run the migrations)".to_owned(),
            ))
        })?;
    Ok(row.try_get_by_index(0)?)
}

/// Up to `limit` events the broker has not confirmed, oldest id first. One statement, on the
/// index of the unpublished events.
///
/// # Errors
/// Validation (`limit` 1..=[`MAX_BATCH`]) or a database failure.
pub async fn unpublished_events(db: &Db, limit: u64) -> Result<Vec<OrderEvent>, Error> {
    if !(1..=MAX_BATCH).contains(&limit) {
        return Err(Error::invalid(
            "batch",
            format!("must be 1..={MAX_BATCH} (got {limit})"),
        ));
    }
    Ok(order_event::Entity::find()
        .filter(order_event::Column::PublishedAt.is_null())
        .order_by_asc(order_event::Column::Id)
        .limit(limit)
        .all(db.reader())
        .await?
        .into_iter()
        .map(super::orders::to_event)
        .collect())
}

/// Records the events `ids` as confirmed by the broker, at `db.now()`; one UPDATE. An event
/// already marked keeps its first time.
///
/// # Errors
/// A database failure.
pub async fn mark_published(db: &Db, ids: &[i64]) -> Result<u64, Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let done = order_event::Entity::update_many()
        .col_expr(order_event::Column::PublishedAt, Expr::val(db.now()))
        .filter(order_event::Column::Id.is_in(ids.iter().copied()))
        .filter(order_event::Column::PublishedAt.is_null())
        .exec(db.reader())
        .await?;
    Ok(done.rows_affected)
}

/// How far the relay is behind: the events not yet confirmed, and when the oldest of them was
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lag {
    /// Events the broker has not confirmed.
    pub unpublished: i64,
    /// When the oldest of them was written (`None` when there are none).
    pub oldest: Option<DateTime<Utc>>,
}

/// The relay's lag; two statements on the index of the unpublished events.
///
/// # Errors
/// A database failure.
pub async fn relay_lag(db: &Db) -> Result<Lag, Error> {
    let unpublished = order_event::Entity::find()
        .filter(order_event::Column::PublishedAt.is_null())
        .count(db.reader())
        .await?;
    let oldest = order_event::Entity::find()
        .filter(order_event::Column::PublishedAt.is_null())
        .order_by_asc(order_event::Column::Id)
        .one(db.reader())
        .await?
        .map(|e| e.created_at);
    Ok(Lag {
        unpublished: unpublished as i64,
        oldest,
    })
}

/// An event of the outbox and when the broker confirmed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The event, as `orderdesk events` prints it.
    pub event: OrderEvent,
    /// When the relay had it confirmed (`None`: not yet).
    pub published_at: Option<DateTime<Utc>>,
}

/// The newest `limit` events, newest first, each with whether it was published, and the relay's
/// lag: what the TUI's events view shows. Three statements.
///
/// # Errors
/// Validation (`limit` 1..=[`MAX_BATCH`]) or a database failure.
pub async fn recent_deliveries(db: &Db, limit: u64) -> Result<(Vec<Delivery>, Lag), Error> {
    if !(1..=MAX_BATCH).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("must be 1..={MAX_BATCH} (got {limit})"),
        ));
    }
    let rows = order_event::Entity::find()
        .order_by_desc(order_event::Column::Id)
        .limit(limit)
        .all(db.reader())
        .await?
        .into_iter()
        .map(|e| Delivery {
            published_at: e.published_at,
            event: super::orders::to_event(e),
        })
        .collect();
    Ok((rows, relay_lag(db).await?))
}
