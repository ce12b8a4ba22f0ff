//! The status lifecycle: moving an order on, and cancelling it (stock and figures given back).

#[allow(clippy::wildcard_imports)]
use super::*;

/// Takes an order's units (per product) out of its shard of `product_sales`.
pub(super) async fn product_sales_less(
    conn: &impl ConnectionTrait,
    order_id: i64,
    sold: &[(i64, i64)],
) -> Result<(), Error> {
    if sold.is_empty() {
        return Ok(());
    }
    product_sales::Entity::update_many()
        .col_expr(
            product_sales::Column::Units,
            Expr::col(product_sales::Column::Units).sub(crate::service::by_id(
                product_sales::Column::ProductId,
                sold,
            )),
        )
        .filter(product_sales::Column::Shard.eq(order_id.rem_euclid(SALES_SHARDS)))
        .filter(product_sales::Column::ProductId.is_in(sold.iter().map(|(p, _)| *p)))
        .exec(conn)
        .await?;
    Ok(())
}

/// Moves an order along its lifecycle; `cancelled` is the same operation as [`cancel_order`].
/// Writes an `order_status_updated` event in the same transaction.
///
/// # Errors
/// `NotFound`, or `InvalidTransition` for any change the lifecycle does not allow; nothing is
/// written.
pub async fn set_order_status(db: &Db, id: i64, to: Status) -> Result<Order, Error> {
    if to == Status::Cancelled {
        return cancel_order(db, id).await.map(|c| c.order);
    }
    check_id("order", id)?;
    let tx = db.begin_write().await?;
    let result = change_status(&*tx, id, to, db.now()).await;
    let result = match result {
        Ok(()) => load_detail(&*tx, id).await.map(|d| d.order),
        Err(e) => Err(e),
    };
    finish(tx, result).await
}

/// Moves an order from its current status to `to` and writes the event, at `at`; the caller
/// owns the transaction. Returns nothing: the caller reloads what it needs.
pub(crate) async fn change_status(
    conn: &impl ConnectionTrait,
    id: i64,
    to: Status,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let (from, created_at) = transition(conn, id, to, at).await?;
    let delivery_ms = (to == Status::Delivered).then(|| {
        let micros = (at - created_at).num_microseconds().unwrap_or(i64::MAX);
        (micros + 500).div_euclid(1000)
    });
    move_in_stats(conn, id, from, to, delivery_ms, 0).await?;
    let payload = json!({ "from": from, "to": to });
    write_event(conn, id, "order_status_updated", &payload, at).await
}

/// Checks and applies a status change with a conditional update; returns the old status and
/// when the order was placed.
pub(super) async fn transition(
    conn: &impl ConnectionTrait,
    id: i64,
    to: Status,
    at: DateTime<Utc>,
) -> Result<(Status, DateTime<Utc>), Error> {
    let current = order::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| order_not_found(id))?;
    let from = stored_status(&current.status)?;
    if !from.can_become(to) {
        return Err(Error::InvalidTransition {
            order_id: id,
            from,
            to,
        });
    }
    let changed = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(at))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec(conn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Error::Conflict {
            field: "status".to_owned(),
            reason: format!("order {id} changed while this change was being made; try again"),
        });
    }
    Ok((from, current.created_at))
}

/// Moves order `id` from one status to another in its `order_stats` row, adding the time it
/// took to deliver and taking away revenue (a cancel); one statement.
pub(super) async fn move_in_stats(
    conn: &impl ConnectionTrait,
    id: i64,
    from: Status,
    to: Status,
    delivery_ms: Option<i64>,
    revenue_lost: i64,
) -> Result<(), Error> {
    let mut sql = SqlText::new(conn.get_database_backend());
    let (from, to) = (from.as_str(), to.as_str());
    sql.push(&format!(
        "UPDATE order_stats SET {from} = {from} - 1, {to} = {to} + 1"
    ));
    if let Some(ms) = delivery_ms {
        sql.push(", delivery_ms = delivery_ms + ");
        sql.bind(ms);
    }
    if revenue_lost != 0 {
        let (hi, lo) = split_revenue(revenue_lost);
        sql.push(", revenue_hi = revenue_hi - ");
        sql.bind(hi);
        sql.push(", revenue_lo = revenue_lo - ");
        sql.bind(lo);
    }
    sql.push(" WHERE shard = ");
    sql.bind(id.rem_euclid(STATS_SHARDS));
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}

/// Cancels a pending or confirmed order, gives its units back to every product whose stock is
/// tracked, and writes an `order_cancelled` event, all in one transaction.
///
/// # Errors
/// `NotFound`, or `InvalidTransition` when the order is shipped, delivered or already cancelled.
pub async fn cancel_order(db: &Db, id: i64) -> Result<CancelOrder, Error> {
    check_id("order", id)?;
    let tx = db.begin_write().await?;
    let result = cancel_in(&*tx, id, db.now()).await;
    finish(tx, result).await
}

/// The body of `cancel_order` inside the caller's transaction, at a given time.
///
/// Each line gives back what it took from stock when the order was placed
/// (`order_items.stock_taken`), to products whose stock is still tracked; the order's revenue
/// and units leave the running figures. Statements: the status change, the order read back,
/// the units taken, one UPDATE of the stock (when any was taken), one of `order_stats`, one of
/// `product_sales`, the event.
pub(crate) async fn cancel_in(
    conn: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<CancelOrder, Error> {
    let (from, _) = transition(conn, id, Status::Cancelled, at).await?;
    let detail = load_detail(conn, id).await?;
    // Per product: (units sold, units taken from stock).
    let int = crate::service::int_type(conn.get_database_backend());
    let taken: Vec<(i64, i64, i64)> = order_item::Entity::find()
        .select_only()
        .column(order_item::Column::ProductId)
        .column_as(Expr::cust(format!("CAST(SUM(quantity) AS {int})")), "units")
        .column_as(
            Expr::cust(format!("CAST(SUM(stock_taken) AS {int})")),
            "taken",
        )
        .filter(order_item::Column::OrderId.eq(id))
        .group_by(order_item::Column::ProductId)
        .order_by_asc(order_item::Column::ProductId)
        .into_tuple()
        .all(conn)
        .await?;
    let give_back: Vec<(i64, i64)> = taken
        .iter()
        .filter(|(_, _, t)| *t > 0)
        .map(|&(p, _, t)| (p, t))
        .collect();
    let restocked = if give_back.is_empty() {
        Vec::new()
    } else {
        let given = give_back_stock(conn, &give_back).await?;
        give_back
            .into_iter()
            .filter(|(p, _)| given.contains(p))
            .collect()
    };
    move_in_stats(
        conn,
        id,
        from,
        Status::Cancelled,
        None,
        detail.order.total_amount_cents,
    )
    .await?;
    let sold: Vec<(i64, i64)> = taken.iter().map(|&(p, u, _)| (p, u)).collect();
    product_sales_less(conn, id, &sold).await?;
    let payload = json!({
        "from": from,
        "to": Status::Cancelled,
        "restocked": restocked
            .iter()
            .map(|(p, q)| json!({ "product_id": p, "quantity": q }))
            .collect::<Vec<_>>(),
    });
    write_event(conn, id, "order_cancelled", &payload, at).await?;
    Ok(CancelOrder {
        order: detail.order,
        restocked,
    })
}
