//! `edit_order`: a pending order's lines replaced in one transaction, stock and figures kept
//! true, an `order_updated` event written.

use super::lifecycle::product_sales_less;
#[allow(clippy::wildcard_imports)]
use super::*;

/// Replaces the lines of a pending order with `items`, in one transaction:
/// - the old lines give back what they took from stock (to products still tracked), then the
///   new lines take theirs with the conditional UPDATE, so tracked stock moves by the
///   difference and is never oversold, and each line's `stock_taken` stays what a later cancel
///   gives back;
/// - a product already on the order keeps the price it was bought at; a new one is captured
///   at its current price;
/// - the running figures (revenue, units per product) follow, and an `order_updated` event
///   records the lines before and after.
///
/// # Errors
/// Validation (the lines), `NotFound` (the order, or a line's product), `Conflict` when the
/// order is not pending, `OutOfStock` (with the line); nothing is written.
pub async fn edit_order(db: &Db, id: i64, items: Vec<NewOrderItem>) -> Result<Order, Error> {
    check_id("order", id)?;
    check_items(&items)?;
    let tx = db.begin_write().await?;
    let result = edit_in(&*tx, id, &items, db.now()).await;
    finish(tx, result).await
}

async fn edit_in(
    conn: &impl ConnectionTrait,
    id: i64,
    items: &[NewOrderItem],
    at: DateTime<Utc>,
) -> Result<Order, Error> {
    let current = order::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| order_not_found(id))?;
    let status = stored_status(&current.status)?;
    let pending_only = || Error::Conflict {
        field: "status".to_owned(),
        reason: format!("order {id} is {status}; only a pending order can be edited"),
    };
    if status != Status::Pending {
        return Err(pending_only());
    }
    // Holds the order against a concurrent status change until COMMIT.
    let touched = order::Entity::update_many()
        .col_expr(order::Column::UpdatedAt, Expr::value(at))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(Status::Pending.as_str()))
        .exec(conn)
        .await?;
    if touched.rows_affected != 1 {
        return Err(pending_only());
    }
    let old = order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(id))
        .order_by_asc(order_item::Column::Id)
        .all(conn)
        .await?;
    give_back(conn, &old).await?;
    let sold: Vec<(i64, i64)> = summed(old.iter().map(|i| (i.product_id, i.quantity)));
    product_sales_less(conn, id, &sold).await?;
    order_item::Entity::delete_many()
        .filter(order_item::Column::OrderId.eq(id))
        .exec(conn)
        .await?;

    // The new lines: a product already on the order keeps its price.
    let kept: HashMap<i64, i64> = old
        .iter()
        .rev()
        .map(|i| (i.product_id, i.price_cents_at_purchase))
        .collect();
    let mut ids: Vec<i64> = items.iter().map(|i| i.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut products = products_by_id(conn, &ids).await?;
    for (product_id, price) in &kept {
        if let Some(p) = products.get_mut(product_id) {
            p.price_cents = *price;
        }
    }
    let lines = priced_lines(items, &products)?;
    let old_total: i64 = old
        .iter()
        .map(|i| i.quantity * i.price_cents_at_purchase)
        .sum();
    let new_total = order_total(&lines)?;
    take_stock(conn, &lines).await?;
    order_item::Entity::insert_many(lines.iter().map(|l| order_item::ActiveModel {
        order_id: Set(id),
        product_id: Set(l.item.product_id),
        quantity: Set(l.item.quantity),
        price_cents_at_purchase: Set(l.product.price_cents),
        stock_taken: Set(l.stock_taken()),
        ..Default::default()
    }))
    .exec_without_returning(conn)
    .await?;
    let mut units = units_by_product(&lines);
    units.sort_unstable();
    product_sales_more(conn, id, &units).await?;
    revenue_moves(conn, id, old_total, new_total).await?;
    let line_json = |product_id: i64, quantity: i64, price: i64| json!({ "product_id": product_id, "quantity": quantity, "price_cents_at_purchase": price });
    let payload = json!({
        "before": {
            "items": old.iter().map(|i| line_json(i.product_id, i.quantity, i.price_cents_at_purchase)).collect::<Vec<_>>(),
            "total_amount_cents": old_total,
        },
        "items": lines.iter().map(|l| line_json(l.item.product_id, l.item.quantity, l.product.price_cents)).collect::<Vec<_>>(),
        "total_amount_cents": new_total,
    });
    write_event(conn, id, "order_updated", &payload, at).await?;
    load_detail(conn, id).await.map(|d| d.order)
}

/// `(product, n)` pairs summed per product, in product order.
fn summed(pairs: impl IntoIterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
    let mut sums: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    for (product, n) in pairs {
        *sums.entry(product).or_default() += n;
    }
    sums.into_iter().collect()
}

/// Gives back what `lines` took from stock, to products whose stock is still tracked.
async fn give_back(conn: &impl ConnectionTrait, lines: &[order_item::Model]) -> Result<(), Error> {
    let taken: Vec<(i64, i64)> = summed(lines.iter().map(|i| (i.product_id, i.stock_taken)))
        .into_iter()
        .filter(|(_, t)| *t > 0)
        .collect();
    if taken.is_empty() {
        return Ok(());
    }
    product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).add(by_product(&taken)),
        )
        .filter(product::Column::Id.is_in(taken.iter().map(|(p, _)| *p)))
        .filter(product::Column::Stock.is_not_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Adds units per product (in product order) to the order's shard of `product_sales`.
async fn product_sales_more(
    conn: &impl ConnectionTrait,
    order_id: i64,
    units: &[(i64, i64)],
) -> Result<(), Error> {
    let mut sql = SqlText::new(conn.get_database_backend());
    sql.push("INSERT INTO product_sales (product_id, shard, units) VALUES ");
    for (i, (product_id, n)) in units.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*product_id);
        sql.push(", ");
        sql.bind(order_id.rem_euclid(SALES_SHARDS));
        sql.push(", ");
        sql.bind(*n);
        sql.push(")");
    }
    sql.on_conflict_add("product_sales", "product_id, shard", "units");
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}

/// Moves the order's revenue in its `order_stats` row from `old` to `new` cents.
async fn revenue_moves(
    conn: &impl ConnectionTrait,
    order_id: i64,
    old: i64,
    new: i64,
) -> Result<(), Error> {
    let ((old_hi, old_lo), (new_hi, new_lo)) = (split_revenue(old), split_revenue(new));
    let mut sql = SqlText::new(conn.get_database_backend());
    sql.push("UPDATE order_stats SET revenue_hi = revenue_hi + ");
    sql.bind(new_hi - old_hi);
    sql.push(", revenue_lo = revenue_lo + ");
    sql.bind(new_lo - old_lo);
    sql.push(" WHERE shard = ");
    sql.bind(order_id.rem_euclid(STATS_SHARDS));
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}
