//! The write of a new order: the order row, its items, its `order_created` event and its share
//! of the running figures (`order_stats`, `product_sales`), in as few round trips as each
//! backend allows.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Writes the order row, its items, its `order_created` event and its share of the running
/// figures (`order_stats`, `product_sales`) in one round trip, and returns the items as written.
///
/// A round trip is what an order costs (a thread hand-off per statement on SQLite, a network
/// hop on PostgreSQL), so the statements travel together, each still through SeaORM's
/// connection and so in the SQL log:
/// - PostgreSQL: one statement, the writes chained by data-modifying CTEs (`WITH new_order AS
///   (INSERT .. RETURNING id), new_items AS (INSERT .. SELECT .. FROM new_order ..) ..`).
/// - SQLite has no INSERT inside WITH, but sqlx runs a text of several statements in one call
///   on its worker thread, binding the values in order. The others find their order as
///   `(SELECT max(id) FROM orders)`: the caller's transaction holds SQLite's write lock, and
///   SQLite gives a new row the largest id plus one (orders are never deleted), so the row just
///   inserted is the newest.
/// - MariaDB runs one statement per prepared call and has no INSERT inside WITH: see
///   [`write_order_mysql`].
pub(super) async fn write_order(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    lines: &[Line<'_>],
    total_amount_cents: i64,
    payload: &str,
    at: DateTime<Utc>,
) -> Result<Vec<order_item::Model>, Error> {
    let backend = conn.get_database_backend();
    if backend == DbBackend::MySql {
        return write_order_mysql(conn, input, lines, total_amount_cents, payload, at).await;
    }
    let mut sql = SqlText::new(backend);
    let postgres = backend == DbBackend::Postgres;
    let new_id = if postgres {
        "new_order.id"
    } else {
        "(SELECT max(id) FROM orders)"
    };
    if postgres {
        sql.push("WITH new_order AS (");
    }
    sql.push("INSERT INTO orders (user_id, status, created_at, updated_at) VALUES (");
    sql.bind(input.user_id);
    sql.push(", ");
    sql.bind(input.status.as_str());
    sql.push(", ");
    sql.bind(at);
    sql.push(", ");
    sql.bind(at);
    if postgres {
        sql.push(") RETURNING id), new_event AS (");
        sql.push("INSERT INTO order_events (order_id, event_type, payload, created_at) ");
        sql.push("SELECT id, 'order_created', ");
    } else {
        sql.push("); INSERT INTO order_events (order_id, event_type, payload, created_at) ");
        sql.push("VALUES ((SELECT max(id) FROM orders), 'order_created', ");
    }
    sql.bind(payload);
    sql.push(", ");
    sql.bind(at);
    sql.push(if postgres {
        " FROM new_order), new_stats AS ("
    } else {
        "); "
    });
    let status = input.status.as_str();
    let (hi, lo) = split_revenue(total_amount_cents);
    sql.push(&format!(
        "UPDATE order_stats SET {status} = {status} + 1, revenue_hi = revenue_hi + "
    ));
    sql.bind(hi);
    sql.push(", revenue_lo = revenue_lo + ");
    sql.bind(lo);
    if postgres {
        sql.push(" FROM new_order WHERE order_stats.shard = new_order.id % ");
    } else {
        sql.push(" WHERE shard = (SELECT max(id) FROM orders) % ");
    }
    sql.push(&STATS_SHARDS.to_string());
    sql.push(if postgres { "), new_sales AS (" } else { "; " });
    // One row per product, in product order: rows of one statement cannot conflict with each
    // other, and writers that lock them in the same order never deadlock.
    let mut sold = units_by_product(lines);
    sold.sort_unstable();
    sql.push("INSERT INTO product_sales (product_id, shard, units) ");
    if postgres {
        sql.push("SELECT v.column1, new_order.id % ");
        sql.push(&SALES_SHARDS.to_string());
        sql.push(", v.column2 FROM new_order, (VALUES ");
    } else {
        sql.push("VALUES ");
    }
    for (i, (product_id, units)) in sold.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*product_id);
        if !postgres {
            sql.push(&format!(", {new_id} % {SALES_SHARDS}"));
        }
        sql.push(", ");
        sql.bind(*units);
        sql.push(")");
    }
    if postgres {
        sql.push(") AS v ORDER BY v.column1");
    }
    sql.on_conflict_add("product_sales", "product_id, shard", "units");
    sql.push(if postgres { "), new_items AS (" } else { "; " });
    sql.push(
        "INSERT INTO order_items \
         (order_id, product_id, quantity, price_cents_at_purchase, stock_taken) ",
    );
    sql.push(if postgres {
        // VALUES names its columns column1, column2, ..; column1 keeps the lines in order.
        "SELECT new_order.id, v.column2, v.column3, v.column4, v.column5 FROM new_order, (VALUES "
    } else {
        "VALUES "
    });
    for (i, line) in lines.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        if postgres {
            sql.bind(line.number as i64);
        } else {
            sql.push(new_id);
        }
        sql.push(", ");
        sql.bind(line.item.product_id);
        sql.push(", ");
        sql.bind(line.item.quantity);
        sql.push(", ");
        sql.bind(line.product.price_cents);
        sql.push(", ");
        sql.bind(line.stock_taken());
        sql.push(")");
    }
    if postgres {
        sql.push(") AS v ORDER BY v.column1");
    }
    sql.push(" RETURNING id, order_id, product_id, quantity, price_cents_at_purchase, stock_taken");
    if postgres {
        sql.push(") SELECT * FROM new_items");
    }
    order_item::Entity::find()
        .from_raw_sql(sql.statement())
        .all(conn)
        .await
        .map_err(|e| unknown_user(e, input.user_id))
}

/// An order refused by the foreign key to users names the user.
pub(super) fn unknown_user(e: sea_orm::DbErr, user_id: i64) -> Error {
    match e.sql_err() {
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::unknown("user", user_id),
        _ => Error::Db(e),
    }
}

/// [`write_order`] on MariaDB: five statements, each a round trip, since a prepared statement
/// holds one statement there and no INSERT can sit inside a WITH. The order's id comes back
/// from its INSERT (the connection's last insert id), and is bound into the others; the items
/// come back from theirs with `INSERT ... RETURNING` (MariaDB 10.5+).
async fn write_order_mysql(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    lines: &[Line<'_>],
    total_amount_cents: i64,
    payload: &str,
    at: DateTime<Utc>,
) -> Result<Vec<order_item::Model>, Error> {
    let backend = DbBackend::MySql;
    let mut sql = SqlText::new(backend);
    sql.push("INSERT INTO orders (user_id, status, created_at, updated_at) VALUES (");
    sql.bind(input.user_id);
    sql.push(", ");
    sql.bind(input.status.as_str());
    sql.push(", ");
    sql.bind(at);
    sql.push(", ");
    sql.bind(at);
    sql.push(")");
    let order_id = conn
        .execute_raw(sql.statement())
        .await
        .map_err(|e| unknown_user(e, input.user_id))?
        .last_insert_id() as i64;

    let mut sql = SqlText::new(backend);
    sql.push("INSERT INTO order_events (order_id, event_type, payload, created_at) VALUES (");
    sql.bind(order_id);
    sql.push(", 'order_created', ");
    sql.bind(payload);
    sql.push(", ");
    sql.bind(at);
    sql.push(")");
    conn.execute_raw(sql.statement()).await?;

    let status = input.status.as_str();
    let (hi, lo) = split_revenue(total_amount_cents);
    let mut sql = SqlText::new(backend);
    sql.push(&format!(
        "UPDATE order_stats SET {status} = {status} + 1, revenue_hi = revenue_hi + "
    ));
    sql.bind(hi);
    sql.push(", revenue_lo = revenue_lo + ");
    sql.bind(lo);
    sql.push(" WHERE shard = ");
    sql.bind(order_id.rem_euclid(STATS_SHARDS));
    conn.execute_raw(sql.statement()).await?;

    // One row per product, in product order, as on the other backends.
    let mut sold = units_by_product(lines);
    sold.sort_unstable();
    let mut sql = SqlText::new(backend);
    sql.push("INSERT INTO product_sales (product_id, shard, units) VALUES ");
    for (i, (product_id, units)) in sold.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*product_id);
        sql.push(", ");
        sql.bind(order_id.rem_euclid(SALES_SHARDS));
        sql.push(", ");
        sql.bind(*units);
        sql.push(")");
    }
    sql.on_conflict_add("product_sales", "product_id, shard", "units");
    conn.execute_raw(sql.statement()).await?;

    let mut sql = SqlText::new(backend);
    sql.push(
        "INSERT INTO order_items \
         (order_id, product_id, quantity, price_cents_at_purchase, stock_taken) VALUES ",
    );
    for (i, line) in lines.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(order_id);
        sql.push(", ");
        sql.bind(line.item.product_id);
        sql.push(", ");
        sql.bind(line.item.quantity);
        sql.push(", ");
        sql.bind(line.product.price_cents);
        sql.push(", ");
        sql.bind(line.stock_taken());
        sql.push(")");
    }
    sql.push(" RETURNING id, order_id, product_id, quantity, price_cents_at_purchase, stock_taken");
    order_item::Entity::find()
        .from_raw_sql(sql.statement())
        .all(conn)
        .await
        .map_err(Error::Db)
}
