//! The `order_events` outbox: reading it, and writing an event beside a change.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) async fn write_event(
    conn: &impl ConnectionTrait,
    order_id: i64,
    event_type: &str,
    payload: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    order_event::Entity::insert(order_event::ActiveModel {
        order_id: Set(order_id),
        event_type: Set(event_type.to_owned()),
        payload: Set(payload.to_string()),
        created_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Events from the outbox in id order, optionally of one order and after a cursor.
///
/// # Errors
/// Validation (ids, limit) or a database failure.
pub async fn list_order_events(
    db: &Db,
    order_id: Option<i64>,
    after: Option<i64>,
    limit: Option<u64>,
) -> Result<Vec<OrderEvent>, Error> {
    if let Some(id) = order_id {
        check_id("order", id)?;
    }
    let limit = crate::service::ListQuery {
        limit,
        ..Default::default()
    }
    .page_size()?;
    let events = events_where(db.reader(), order_id, after, limit).await?;
    // An order has its order_created event; no events at all may still be an order the
    // learning version wrote (it writes none), so only then is the order looked up.
    if let Some(id) = order_id
        && events.is_empty()
        && after.is_none()
    {
        order_exists(db.reader(), id).await?;
    }
    Ok(events)
}

/// The newest events of the outbox, newest first, before a cursor.
///
/// # Errors
/// Validation (limit) or a database failure.
pub async fn recent_order_events(
    db: &Db,
    before: Option<i64>,
    limit: Option<u64>,
) -> Result<Vec<OrderEvent>, Error> {
    let limit = crate::service::ListQuery {
        limit,
        ..Default::default()
    }
    .page_size()?;
    let mut select = order_event::Entity::find()
        .order_by_desc(order_event::Column::Id)
        .limit(limit);
    if let Some(before) = before {
        select = select.filter(order_event::Column::Id.lt(before));
    }
    Ok(select
        .all(db.reader())
        .await?
        .into_iter()
        .map(to_event)
        .collect())
}

pub(crate) fn to_event(e: order_event::Model) -> OrderEvent {
    OrderEvent {
        id: e.id,
        order_id: e.order_id,
        payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::String(e.payload)),
        event_type: e.event_type,
        created_at: e.created_at,
    }
}

pub(super) async fn events_where(
    conn: &impl ConnectionTrait,
    order_id: Option<i64>,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<OrderEvent>, Error> {
    let mut select = order_event::Entity::find().order_by_asc(order_event::Column::Id);
    if let Some(id) = order_id {
        select = select.filter(order_event::Column::OrderId.eq(id));
    }
    if let Some(after) = after {
        select = select.filter(order_event::Column::Id.gt(after));
    }
    if limit != u64::MAX {
        select = select.limit(limit);
    }
    Ok(select.all(conn).await?.into_iter().map(to_event).collect())
}
