//! Reading orders: `list_orders` (one statement), pages of all orders (keyset), one order's detail.

#[allow(clippy::wildcard_imports)]
use super::*;

/// All of a user's orders, oldest first, each with its items in id order: one statement (the
/// orders joined to their items and products) whatever the number of orders; a second only
/// when there are none, to tell "no orders" from "no such user".
///
/// # Errors
/// `NotFound` when there is no such user.
pub async fn list_orders(db: &Db, user_id: i64) -> Result<Vec<Order>, Error> {
    check_id("user", user_id)?;
    let conn = db.reader();
    let mut sql = SqlText::new(db.backend());
    sql.push(
        "SELECT o.id AS order_id, o.user_id, o.status, o.created_at, \
         i.id AS item_id, i.product_id, p.name AS product_name, i.quantity, \
         i.price_cents_at_purchase \
         FROM orders o \
         LEFT JOIN order_items i ON i.order_id = o.id \
         LEFT JOIN products p ON p.id = i.product_id \
         WHERE o.user_id = ",
    );
    sql.bind(user_id);
    sql.push(" ORDER BY o.id, i.id");
    let rows = conn.query_all_raw(sql.statement()).await?;
    if rows.is_empty() {
        return user_exists(conn, user_id).await.map(|()| Vec::new());
    }
    // Columns by position, and an order's own columns only on its first row: a user's orders
    // come back as one row per item, so decoding each row whole by column name costs more than
    // the database's work here (list_orders is a hot path: the benchmark's phase B).
    let mut orders: Vec<Order> = Vec::new();
    let mut items: Vec<OrderItem> = Vec::new();
    let mut current: Option<(i64, i64, Status, DateTime<Utc>)> = None;
    for row in &rows {
        let order_id: i64 = row.try_get_by_index(0)?;
        if current.as_ref().map(|c| c.0) != Some(order_id) {
            if let Some((id, user, status, at)) = current.take() {
                orders.push(assemble(id, user, status, at, std::mem::take(&mut items))?);
            }
            let status: String = row.try_get_by_index(2)?;
            current = Some((
                order_id,
                row.try_get_by_index(1)?,
                stored_status(&status)?,
                row.try_get_by_index(3)?,
            ));
        }
        // LEFT JOIN: an order without items has one row with NULLs for the item.
        if let Some(id) = row.try_get_by_index::<Option<i64>>(4)? {
            let quantity: i64 = row.try_get_by_index(7)?;
            let price_cents_at_purchase: i64 = row.try_get_by_index(8)?;
            items.push(OrderItem {
                id,
                product_id: row.try_get_by_index(5)?,
                product_name: row
                    .try_get_by_index::<Option<String>>(6)?
                    .unwrap_or_default(),
                quantity,
                price_cents_at_purchase,
                amount_cents: quantity
                    .checked_mul(price_cents_at_purchase)
                    .ok_or_else(|| too_large("items"))?,
            });
        }
    }
    if let Some((id, user, status, at)) = current {
        orders.push(assemble(id, user, status, at, items)?);
    }
    Ok(orders)
}

/// A user's orders, oldest first; an empty list costs a second statement that tells "no
/// orders" from "no such user".
pub(super) async fn user_orders(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<order::Model>, Error> {
    check_id("user", user_id)?;
    let orders = order::Entity::find()
        .filter(order::Column::UserId.eq(user_id))
        .order_by_asc(order::Column::Id)
        .all(conn)
        .await?;
    if orders.is_empty() {
        user_exists(conn, user_id).await?;
    }
    Ok(orders)
}

/// `list_orders` the naive way: one query for the user's orders, then one per order for its
/// items (1 + N statements). The same result as [`list_orders`]; it exists to be compared.
///
/// # Errors
/// `NotFound` when there is no such user.
pub async fn list_orders_lazy(db: &Db, user_id: i64) -> Result<Vec<Order>, Error> {
    let conn = db.reader();
    let orders = user_orders(conn, user_id).await?;
    let mut out = Vec::with_capacity(orders.len());
    for o in orders {
        let mut items = items_where(
            conn,
            Condition::all().add(order_item::Column::OrderId.eq(o.id)),
        )
        .await?;
        let rows = items.remove(&o.id).unwrap_or_default();
        out.push(to_order(o.id, o.user_id, &o.status, o.created_at, &rows)?);
    }
    Ok(out)
}

/// Up to this many customers matching a customer filter, their orders are read by the
/// `user_id` index; more, and the newest orders are scanned for theirs.
pub(super) const FEW_CUSTOMERS: u64 = 500;

/// A page of all orders, newest first (keyset: ids below `before`), optionally one customer's
/// or one status', each with its customer and items. Two statements (1 + the number of orders
/// when `lazy`).
///
/// # Errors
/// Validation (limit, ids) or a database failure.
pub async fn list_orders_page(db: &Db, query: OrderQuery) -> Result<Vec<OrderSummary>, Error> {
    let limit = crate::service::ListQuery {
        limit: query.limit,
        ..Default::default()
    }
    .page_size()?;
    if let Some(id) = query.user_id {
        check_id("user", id)?;
    }
    let conn = db.reader();
    let mut select = order_rows();
    if let Some(id) = query.user_id {
        select = select.filter(order::Column::UserId.eq(id));
    }
    if let Some(status) = query.status {
        select = select.filter(order::Column::Status.eq(status.as_str()));
    }
    let text = crate::service::ListQuery {
        filter: query.customer.clone(),
        ..Default::default()
    };
    if let Some(pattern) = text.like_pattern() {
        // Orders are scanned newest first until a page matches, which is quick when many
        // customers match and a scan of every order when few or none do (550 ms over a
        // million). So the customers are found first: none, no orders; a few, their orders
        // by the user_id index; many, the scan, which then soon fills a page.
        let customers: Vec<i64> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(users::matches(&pattern))
            .limit(FEW_CUSTOMERS + 1)
            .into_tuple()
            .all(conn)
            .await?;
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        select = if customers.len() as u64 <= FEW_CUSTOMERS {
            select.filter(order::Column::UserId.is_in(customers))
        } else {
            select.filter(users::matches(&pattern))
        };
    }
    if let Some(before) = query.before {
        select = select.filter(order::Column::Id.lt(before));
    }
    let rows = select
        .order_by_desc(order::Column::Id)
        .limit(limit)
        .into_model::<OrderRow>()
        .all(conn)
        .await?;
    if rows.is_empty() {
        // Nobody's orders, or an unknown customer: only an empty page asks which.
        if let Some(id) = query.user_id {
            user_exists(conn, id).await?;
        }
        return Ok(Vec::new());
    }
    let mut items = if query.lazy {
        let mut items = HashMap::new();
        for r in &rows {
            items.extend(
                items_where(
                    conn,
                    Condition::all().add(order_item::Column::OrderId.eq(r.id)),
                )
                .await?,
            );
        }
        items
    } else {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        items_where(
            conn,
            Condition::all().add(order_item::Column::OrderId.is_in(ids)),
        )
        .await?
    };
    rows.into_iter()
        .map(|r| {
            let lines = items.remove(&r.id).unwrap_or_default();
            Ok(OrderSummary {
                order: to_order(r.id, r.user_id, &r.status, r.created_at, &lines)?,
                customer_email: r.customer_email,
                customer_name: r.customer_name,
            })
        })
        .collect()
}

pub(super) fn order_rows() -> sea_orm::Select<order::Entity> {
    order::Entity::find()
        .select_only()
        .columns([
            order::Column::Id,
            order::Column::UserId,
            order::Column::Status,
            order::Column::CreatedAt,
            order::Column::UpdatedAt,
        ])
        .column_as(user::Column::Email, "customer_email")
        .column_as(user::Column::FullName, "customer_name")
        .inner_join(user::Entity)
}

/// One order with its customer, lines (captured and current prices) and events.
///
/// # Errors
/// `NotFound` when there is no such order.
pub async fn get_order(db: &Db, id: i64) -> Result<OrderDetail, Error> {
    check_id("order", id)?;
    load_detail(db.reader(), id).await
}

pub(super) async fn load_detail(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<OrderDetail, Error> {
    let row = order_rows()
        .filter(order::Column::Id.eq(id))
        .into_model::<OrderRow>()
        .one(conn)
        .await?
        .ok_or_else(|| order_not_found(id))?;
    let mut items = items_where(
        conn,
        Condition::all().add(order_item::Column::OrderId.eq(id)),
    )
    .await?;
    let lines = items.remove(&id).unwrap_or_default();
    let current_prices_cents = lines.iter().map(|l| l.current_price_cents).collect();
    let events = events_where(conn, Some(id), None, u64::MAX).await?;
    Ok(OrderDetail {
        order: to_order(row.id, row.user_id, &row.status, row.created_at, &lines)?,
        customer_email: row.customer_email,
        customer_name: row.customer_name,
        updated_at: row.updated_at,
        current_prices_cents,
        events,
    })
}

/// Ok when order `id` exists, `NotFound` otherwise.
pub(super) async fn order_exists(conn: &impl ConnectionTrait, id: i64) -> Result<(), Error> {
    let found = order::Entity::find_by_id(id)
        .select_only()
        .column(order::Column::Id)
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    found.map(|_| ()).ok_or_else(|| order_not_found(id))
}

/// Ok when user `id` exists, `NotFound` otherwise.
pub(super) async fn user_exists(conn: &impl ConnectionTrait, id: i64) -> Result<(), Error> {
    let found = user::Entity::find_by_id(id)
        .select_only()
        .column(user::Column::Id)
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    found.map(|_| ()).ok_or_else(|| Error::unknown("user", id))
}
