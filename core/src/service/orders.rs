//! Orders: create_order (one transaction, captured prices, stock taken safely, an event),
//! list_orders (constant statements), paged lists, detail, status changes, cancel, events.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde::Serialize;
use serde_json::json;

use super::sql_text::SqlText;
use super::{Error, MAX_LINES, MAX_ORDER_TOTAL_CENTS, Status, check_id, finish, users, validate};
use crate::db::Db;
use crate::entity::{order, order_event, order_item, product, product_sales, user};
use migration::{REVENUE_SPLIT_BITS, SALES_SHARDS, STATS_SHARDS};

/// One line of a new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrderItem {
    /// The product.
    pub product_id: i64,
    /// How many units, 1..=10000.
    pub quantity: i64,
}

/// A new order: what create_order takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// The customer.
    pub user_id: i64,
    /// The starting status: pending or confirmed.
    pub status: Status,
    /// The lines, at least one.
    pub items: Vec<NewOrderItem>,
}

/// A line of an order, with the price captured when it was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderItem {
    /// The line's id.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// The product's name (as it is now).
    pub product_name: String,
    /// Units.
    pub quantity: i64,
    /// The unit price when the order was placed, in cents.
    pub price_cents_at_purchase: i64,
    /// quantity x price_cents_at_purchase.
    pub amount_cents: i64,
}

/// An order as create_order and list_orders return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The id.
    pub id: i64,
    /// The customer.
    pub user_id: i64,
    /// Where it is in its lifecycle.
    pub status: Status,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    /// Its lines in id order.
    pub items: Vec<OrderItem>,
    /// The sum of the lines' amounts, in cents.
    pub total_amount_cents: i64,
    /// The sum of the lines' quantities.
    pub total_quantity: i64,
}

/// An order in a list of all orders: the order and who placed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderSummary {
    /// The order.
    #[serde(flatten)]
    pub order: Order,
    /// The customer's email.
    pub customer_email: String,
    /// The customer's name.
    pub customer_name: String,
}

/// An order with everything the detail view shows: customer, each line's current price beside
/// the captured one, and the status history from the events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderDetail {
    /// The order.
    #[serde(flatten)]
    pub order: Order,
    /// The customer's email.
    pub customer_email: String,
    /// The customer's name.
    pub customer_name: String,
    /// When the status last changed.
    pub updated_at: DateTime<Utc>,
    /// Each line's product price today, by line id order.
    pub current_prices_cents: Vec<i64>,
    /// The order's events, oldest first.
    pub events: Vec<OrderEvent>,
}

/// What cancel_order did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CancelOrder {
    /// The cancelled order.
    #[serde(flatten)]
    pub order: Order,
    /// The units given back to each tracked product, as `[product_id, units]`.
    pub restocked: Vec<(i64, i64)>,
}

/// A row of the order_events outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderEvent {
    /// The id.
    pub id: i64,
    /// The order it is about.
    pub order_id: i64,
    /// order_created, order_status_updated or order_cancelled.
    pub event_type: String,
    /// What happened, as JSON.
    pub payload: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Which orders a page of all orders shows: newest first, before a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Only this customer's orders.
    pub user_id: Option<i64>,
    /// Only orders whose customer's email or name contains this text (case-insensitive).
    pub customer: Option<String>,
    /// Only orders in this status.
    pub status: Option<Status>,
    /// The cursor: only orders with a smaller id.
    pub before: Option<i64>,
    /// The page size; `None` for 50.
    pub limit: Option<u64>,
    /// Fetch each order's items with a query of its own (the naive way, 1 + N statements), to
    /// show what eager loading saves.
    pub lazy: bool,
}

#[derive(Debug, FromQueryResult)]
struct ItemRow {
    id: i64,
    order_id: i64,
    product_id: i64,
    product_name: String,
    quantity: i64,
    price_cents_at_purchase: i64,
    current_price_cents: i64,
}

#[derive(Debug, FromQueryResult)]
struct OrderRow {
    id: i64,
    user_id: i64,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    customer_email: String,
    customer_name: String,
}

fn stored_status(text: &str) -> Result<Status, Error> {
    text.parse().map_err(|_| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "an order has the unknown status {text:?}"
        )))
    })
}

fn order_not_found(id: i64) -> Error {
    Error::unknown("order", id)
}

fn line_field(line: usize) -> String {
    format!("item {line}")
}

fn too_large(field: &str) -> Error {
    Error::invalid(field, "the order total is too large")
}

/// Checks a new order's shape before anything is sent to the database.
pub(crate) fn check_new_order(input: &NewOrder) -> Result<(), Error> {
    check_id("user", input.user_id)?;
    if !input.status.is_initial() {
        return Err(Error::invalid(
            "status",
            format!(
                "a new order starts pending or confirmed, not {}",
                input.status
            ),
        ));
    }
    if input.items.is_empty() {
        return Err(Error::invalid("items", "an order needs at least one item"));
    }
    if input.items.len() > MAX_LINES {
        return Err(Error::invalid(
            "items",
            format!(
                "an order has at most {MAX_LINES} lines (got {})",
                input.items.len()
            ),
        ));
    }
    for (i, item) in input.items.iter().enumerate() {
        let field = line_field(i + 1);
        check_id(&format!("{field} product"), item.product_id)?;
        validate::quantity_value(&format!("{field} quantity"), item.quantity)?;
    }
    Ok(())
}

/// Places an order in one transaction: validates the user, every product and every quantity,
/// captures each price, takes tracked stock with a conditional update (never overselling), and
/// writes an order_created event. On any failure it rolls back and says which line and why.
///
/// # Errors
/// Validation, NotFound (user or a line's product), OutOfStock (with the line); nothing is
/// written.
pub async fn create_order(db: &Db, input: NewOrder) -> Result<Order, Error> {
    check_new_order(&input)?;
    let tx = db.begin_write().await?;
    let result = insert_order(&*tx, &input, db.now()).await;
    finish(tx, result).await
}

/// The body of create_order, inside the caller's transaction, at a given time (seeding uses it).
///
/// Round trips, inside the caller's BEGIN and COMMIT: one SELECT of all the order's products,
/// one UPDATE of the stock of the tracked ones (only if there are any), and one round trip that
/// writes the order, its items and its order_created event (see [`write_order`]).
pub(crate) async fn insert_order(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    at: DateTime<Utc>,
) -> Result<Order, Error> {
    let mut ids: Vec<i64> = input.items.iter().map(|i| i.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let products = products_by_id(conn, &ids).await?;
    let mut lines = Vec::with_capacity(input.items.len());
    for (i, item) in input.items.iter().enumerate() {
        let product = products.get(&item.product_id).ok_or(Error::NotFound {
            field: line_field(i + 1),
            what: "product",
            id: item.product_id,
        })?;
        let amount_cents = item
            .quantity
            .checked_mul(product.price_cents)
            .ok_or_else(|| too_large(&line_field(i + 1)))?;
        lines.push(Line {
            number: i + 1,
            item,
            product,
            amount_cents,
        });
    }
    let total_amount_cents = lines
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.amount_cents))
        .filter(|total| *total <= MAX_ORDER_TOTAL_CENTS)
        .ok_or_else(|| {
            let total: i128 = lines.iter().map(|l| i128::from(l.amount_cents)).sum();
            Error::invalid(
                "items",
                format!(
                    "the order totals {}, over the most one order may total, {} \
                     (2^53 - 1 cents, which every JSON client reads exactly)",
                    crate::money::format_cents(total),
                    crate::money::format_cents(MAX_ORDER_TOTAL_CENTS)
                ),
            )
        })?;

    take_stock(conn, &lines).await?;

    let payload = CreatedPayload {
        user_id: input.user_id,
        status: input.status,
        items: lines
            .iter()
            .map(|l| CreatedItem {
                product_id: l.item.product_id,
                quantity: l.item.quantity,
                price_cents_at_purchase: l.product.price_cents,
            })
            .collect(),
        total_amount_cents,
    };
    let payload = serde_json::to_string(&payload).map_err(|e| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "the order_created payload: {e}"
        )))
    })?;
    let mut rows = write_order(conn, input, &lines, total_amount_cents, &payload, at).await?;
    rows.sort_by_key(|r| r.id);
    if rows.len() != lines.len() {
        return Err(Error::Db(sea_orm::DbErr::Custom(format!(
            "the order was written with {} of its {} items",
            rows.len(),
            lines.len()
        ))));
    }
    let order_id = rows[0].order_id;
    let items = rows
        .into_iter()
        .zip(&lines)
        .map(|(row, line)| OrderItem {
            id: row.id,
            product_id: row.product_id,
            product_name: line.product.name.clone(),
            quantity: row.quantity,
            price_cents_at_purchase: row.price_cents_at_purchase,
            amount_cents: line.amount_cents,
        })
        .collect();
    assemble(order_id, input.user_id, input.status, at, items)
}

/// The order_created event's payload, serialised straight to its JSON text.
#[derive(Serialize)]
struct CreatedPayload {
    user_id: i64,
    status: Status,
    items: Vec<CreatedItem>,
    total_amount_cents: i64,
}

/// A line of the order_created payload.
#[derive(Serialize)]
struct CreatedItem {
    product_id: i64,
    quantity: i64,
    price_cents_at_purchase: i64,
}

/// The products with these ids (sorted, distinct), by id: one SELECT written out and read by
/// column position, which costs create_order less than SeaORM's query builder and its decoding
/// by column name (every order sends it).
async fn products_by_id(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, product::Model>, Error> {
    let mut sql = SqlText::new(conn.get_database_backend());
    sql.push("SELECT id, name, price_cents, stock FROM products WHERE id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(")");
    let mut products = HashMap::with_capacity(ids.len());
    for row in conn.query_all_raw(sql.statement()).await? {
        let product = product::Model {
            id: row.try_get_by_index(0)?,
            name: row.try_get_by_index(1)?,
            price_cents: row.try_get_by_index(2)?,
            stock: row.try_get_by_index(3)?,
            search_key: None,
        };
        products.insert(product.id, product);
    }
    Ok(products)
}

/// A line of a new order, checked against its product.
struct Line<'a> {
    /// 1-based, as errors name it (`item 2`).
    number: usize,
    item: &'a NewOrderItem,
    product: &'a product::Model,
    amount_cents: i64,
}

impl Line<'_> {
    /// What the line takes from stock: its quantity when the product's stock is tracked.
    fn stock_taken(&self) -> i64 {
        if self.product.stock.is_some() {
            self.item.quantity
        } else {
            0
        }
    }
}

/// Writes the order row, its items, its order_created event and its share of the running
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
async fn write_order(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    lines: &[Line<'_>],
    total_amount_cents: i64,
    payload: &str,
    at: DateTime<Utc>,
) -> Result<Vec<order_item::Model>, Error> {
    let backend = conn.get_database_backend();
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
    let mut sold: Vec<(i64, i64)> = Vec::with_capacity(lines.len());
    for line in lines {
        match sold.iter_mut().find(|(id, _)| *id == line.item.product_id) {
            Some((_, units)) => *units += line.item.quantity,
            None => sold.push((line.item.product_id, line.item.quantity)),
        }
    }
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
    sql.push(
        " ON CONFLICT (product_id, shard) DO UPDATE SET units = product_sales.units + excluded.units",
    );
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
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::unknown("user", input.user_id),
            _ => Error::Db(e),
        })
}

/// An amount as `order_stats` keeps revenue: `(hi, lo)` with `amount = hi * 2^30 + lo`, so that
/// the sums of either column stay far from overflowing whatever the number of orders.
pub(crate) fn split_revenue(cents: i64) -> (i64, i64) {
    (
        cents >> REVENUE_SPLIT_BITS,
        cents & ((1 << REVENUE_SPLIT_BITS) - 1),
    )
}

/// Takes the units of every tracked product the order asks for, in one conditional UPDATE
/// (`stock = stock - wanted WHERE stock >= wanted`, RETURNING the rows it changed), or fails
/// with OutOfStock naming the product that is short and the lines that ask for it.
///
/// Lines of one product are summed first, so an order cannot take more than the stock by
/// splitting it over lines, and a refusal names them all with their sum; the caller's
/// transaction rolls the UPDATE back on a refusal.
async fn take_stock(conn: &impl ConnectionTrait, lines: &[Line<'_>]) -> Result<(), Error> {
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    for line in lines.iter().filter(|l| l.product.stock.is_some()) {
        match wanted
            .iter_mut()
            .find(|(id, _)| *id == line.item.product_id)
        {
            Some((_, quantity)) => *quantity += line.item.quantity,
            None => wanted.push((line.item.product_id, line.item.quantity)),
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let amount = by_product(&wanted);
    let update = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).sub(amount.clone()),
        )
        .filter(match wanted.as_slice() {
            [(id, _)] => product::Column::Id.eq(*id),
            _ => product::Column::Id.is_in(wanted.iter().map(|(id, _)| *id)),
        })
        .filter(Expr::col(product::Column::Stock).gte(amount));
    let taken = updated_ids(conn, update).await?;
    if taken.len() == wanted.len() {
        return Ok(());
    }
    let (short, requested) = *wanted
        .iter()
        .find(|(id, _)| !taken.contains(id))
        .expect("fewer rows than products means one is missing");
    let available = product::Entity::find_by_id(short)
        .one(conn)
        .await?
        .and_then(|p| p.stock)
        .unwrap_or(0);
    let of_product: Vec<&Line<'_>> = lines
        .iter()
        .filter(|l| l.item.product_id == short)
        .collect();
    let first = of_product[0];
    Err(Error::OutOfStock {
        field: line_field(first.number),
        product_id: short,
        name: first.product.name.clone(),
        available,
        requested,
        lines: of_product.iter().map(|l| l.number).collect(),
    })
}

/// Runs an UPDATE of products and returns the ids of the rows it changed (`RETURNING id`: the
/// whole row, as `exec_with_returning` reads it, is not needed).
async fn updated_ids(
    conn: &impl ConnectionTrait,
    update: sea_orm::UpdateMany<product::Entity>,
) -> Result<Vec<i64>, Error> {
    use sea_orm::QueryTrait as _;
    let mut query = update.into_query();
    query.returning_col(product::Column::Id);
    let statement = conn.get_database_backend().build(&query);
    conn.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).map_err(Error::from))
        .collect()
}

/// A value per product as an expression over `products.id` (a CASE when there are several).
fn by_product(values: &[(i64, i64)]) -> Expr {
    by_id(product::Column::Id, values)
}

/// A value per id of `column`: the value itself for one id, a CASE for several.
fn by_id(column: impl ColumnTrait, values: &[(i64, i64)]) -> Expr {
    match values {
        [(_, value)] => Expr::val(*value),
        [(first, value), rest @ ..] => rest
            .iter()
            .fold(
                Expr::case(column.eq(*first), *value),
                |case, (id, value)| case.case(column.eq(*id), *value),
            )
            .into(),
        [] => Expr::val(0),
    }
}

/// Takes an order's units (per product) out of its shard of `product_sales`.
async fn product_sales_less(
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
            Expr::col(product_sales::Column::Units)
                .sub(by_id(product_sales::Column::ProductId, sold)),
        )
        .filter(product_sales::Column::Shard.eq(order_id.rem_euclid(SALES_SHARDS)))
        .filter(product_sales::Column::ProductId.is_in(sold.iter().map(|(p, _)| *p)))
        .exec(conn)
        .await?;
    Ok(())
}

async fn write_event(
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

fn assemble(
    id: i64,
    user_id: i64,
    status: Status,
    created_at: DateTime<Utc>,
    items: Vec<OrderItem>,
) -> Result<Order, Error> {
    let mut total_amount_cents: i64 = 0;
    let mut total_quantity: i64 = 0;
    for item in &items {
        total_amount_cents = total_amount_cents
            .checked_add(item.amount_cents)
            .ok_or_else(|| too_large("items"))?;
        total_quantity = total_quantity
            .checked_add(item.quantity)
            .ok_or_else(|| too_large("items"))?;
    }
    Ok(Order {
        id,
        user_id,
        status,
        created_at,
        items,
        total_amount_cents,
        total_quantity,
    })
}

/// The items of the orders matching `orders` (a condition on order_items.order_id), with product
/// names and current prices, grouped by order id, each group in line id order. One statement.
async fn items_where(
    conn: &impl ConnectionTrait,
    orders: Condition,
) -> Result<HashMap<i64, Vec<ItemRow>>, Error> {
    let rows = order_item::Entity::find()
        .select_only()
        .columns([
            order_item::Column::Id,
            order_item::Column::OrderId,
            order_item::Column::ProductId,
            order_item::Column::Quantity,
            order_item::Column::PriceCentsAtPurchase,
        ])
        .column_as(product::Column::Name, "product_name")
        .column_as(product::Column::PriceCents, "current_price_cents")
        .inner_join(product::Entity)
        .filter(orders)
        .order_by_asc(order_item::Column::OrderId)
        .order_by_asc(order_item::Column::Id)
        .into_model::<ItemRow>()
        .all(conn)
        .await?;
    let mut grouped: HashMap<i64, Vec<ItemRow>> = HashMap::new();
    for row in rows {
        grouped.entry(row.order_id).or_default().push(row);
    }
    Ok(grouped)
}

fn to_order(
    id: i64,
    user_id: i64,
    status: &str,
    created_at: DateTime<Utc>,
    rows: &[ItemRow],
) -> Result<Order, Error> {
    let items = rows
        .iter()
        .map(|r| {
            Ok(OrderItem {
                id: r.id,
                product_id: r.product_id,
                product_name: r.product_name.clone(),
                quantity: r.quantity,
                price_cents_at_purchase: r.price_cents_at_purchase,
                amount_cents: r
                    .quantity
                    .checked_mul(r.price_cents_at_purchase)
                    .ok_or_else(|| too_large("items"))?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    assemble(id, user_id, stored_status(status)?, created_at, items)
}

/// All of a user's orders, oldest first, each with its items in id order: one statement (the
/// orders joined to their items and products) whatever the number of orders; a second only
/// when there are none, to tell "no orders" from "no such user".
///
/// # Errors
/// NotFound when there is no such user.
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
async fn user_orders(
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

/// list_orders the naive way: one query for the user's orders, then one per order for its
/// items (1 + N statements). The same result as [`list_orders`]; it exists to be compared.
///
/// # Errors
/// NotFound when there is no such user.
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
/// user_id index; more, and the newest orders are scanned for theirs.
const FEW_CUSTOMERS: u64 = 500;

/// A page of all orders, newest first (keyset: ids below `before`), optionally one customer's
/// or one status', each with its customer and items. Two statements (1 + the number of orders
/// when `lazy`).
///
/// # Errors
/// Validation (limit, ids) or a database failure.
pub async fn list_orders_page(db: &Db, query: OrderQuery) -> Result<Vec<OrderSummary>, Error> {
    let limit = super::ListQuery {
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
    let text = super::ListQuery {
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

fn order_rows() -> sea_orm::Select<order::Entity> {
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
/// NotFound when there is no such order.
pub async fn get_order(db: &Db, id: i64) -> Result<OrderDetail, Error> {
    check_id("order", id)?;
    load_detail(db.reader(), id).await
}

async fn load_detail(conn: &impl ConnectionTrait, id: i64) -> Result<OrderDetail, Error> {
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
    let limit = super::ListQuery {
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

/// Ok when order `id` exists, NotFound otherwise.
async fn order_exists(conn: &impl ConnectionTrait, id: i64) -> Result<(), Error> {
    let found = order::Entity::find_by_id(id)
        .select_only()
        .column(order::Column::Id)
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    found.map(|_| ()).ok_or_else(|| order_not_found(id))
}

/// Ok when user `id` exists, NotFound otherwise.
async fn user_exists(conn: &impl ConnectionTrait, id: i64) -> Result<(), Error> {
    let found = user::Entity::find_by_id(id)
        .select_only()
        .column(user::Column::Id)
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    found.map(|_| ()).ok_or_else(|| Error::unknown("user", id))
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
    let limit = super::ListQuery {
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

fn to_event(e: order_event::Model) -> OrderEvent {
    OrderEvent {
        id: e.id,
        order_id: e.order_id,
        payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::String(e.payload)),
        event_type: e.event_type,
        created_at: e.created_at,
    }
}

async fn events_where(
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

/// Moves an order along its lifecycle; `cancelled` is the same operation as [`cancel_order`].
/// Writes an order_status_updated event in the same transaction.
///
/// # Errors
/// NotFound, or InvalidTransition for any change the lifecycle does not allow; nothing is
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
async fn transition(
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
async fn move_in_stats(
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
/// tracked, and writes an order_cancelled event, all in one transaction.
///
/// # Errors
/// NotFound, or InvalidTransition when the order is shipped, delivered or already cancelled.
pub async fn cancel_order(db: &Db, id: i64) -> Result<CancelOrder, Error> {
    check_id("order", id)?;
    let tx = db.begin_write().await?;
    let result = cancel_in(&*tx, id, db.now()).await;
    finish(tx, result).await
}

/// The body of cancel_order inside the caller's transaction, at a given time.
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
    let taken: Vec<(i64, i64, i64)> = order_item::Entity::find()
        .select_only()
        .column(order_item::Column::ProductId)
        .column_as(Expr::cust("CAST(SUM(quantity) AS BIGINT)"), "units")
        .column_as(Expr::cust("CAST(SUM(stock_taken) AS BIGINT)"), "taken")
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
        let update = product::Entity::update_many()
            .col_expr(
                product::Column::Stock,
                Expr::col(product::Column::Stock).add(by_product(&give_back)),
            )
            .filter(product::Column::Id.is_in(give_back.iter().map(|(p, _)| *p)))
            .filter(product::Column::Stock.is_not_null());
        let given = updated_ids(conn, update).await?;
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
