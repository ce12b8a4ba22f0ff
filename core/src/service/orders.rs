//! Orders: the types every face sees and the helpers the topics share. By topic: `create`
//! (`create_order`), `read` (`list_orders`, pages, detail), `lifecycle` (status changes, cancel)
//! and `events` (the outbox).

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

mod builder;
mod create;
mod edit;
mod events;
mod lifecycle;
mod read;
mod stock;
mod write;

pub use builder::{create_order_builder, list_orders_builder};
pub use create::create_order;
pub(crate) use create::{check_items, check_new_order, insert_order, split_revenue};
pub use edit::edit_order;
pub(crate) use events::to_event;
pub use events::{list_order_events, recent_order_events};
pub(crate) use lifecycle::{cancel_in, change_status};
pub use lifecycle::{cancel_order, set_order_status};
pub use read::{get_order, list_orders, list_orders_lazy, list_orders_page};

#[allow(clippy::wildcard_imports)]
use create::*;
#[allow(clippy::wildcard_imports)]
use events::*;
#[allow(clippy::wildcard_imports)]
use read::*;
#[allow(clippy::wildcard_imports)]
use stock::*;
#[allow(clippy::wildcard_imports)]
use write::*;

/// One line of a new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrderItem {
    /// The product.
    pub product_id: i64,
    /// How many units, 1..=10000.
    pub quantity: i64,
}

/// A line from `(product id, quantity)`.
impl From<(i64, i64)> for NewOrderItem {
    fn from((product_id, quantity): (i64, i64)) -> Self {
        NewOrderItem {
            product_id,
            quantity,
        }
    }
}

/// A new order: what `create_order` takes.
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// quantity x `price_cents_at_purchase`.
    pub amount_cents: i64,
}

/// An order as `create_order` and `list_orders` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What `cancel_order` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CancelOrder {
    /// The cancelled order.
    #[serde(flatten)]
    pub order: Order,
    /// The units given back to each tracked product, as `[product_id, units]`.
    pub restocked: Vec<(i64, i64)>,
}

/// A row of the `order_events` outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    /// The id.
    pub id: i64,
    /// The order it is about.
    pub order_id: i64,
    /// `order_created`, `order_status_updated` or `order_cancelled`.
    pub event_type: String,
    /// What happened, as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
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

/// A value per product as an expression over `products.id` (a CASE when there are several).
fn by_product(values: &[(i64, i64)]) -> Expr {
    super::by_id(product::Column::Id, values)
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

/// The items of the orders matching `orders` (a condition on `order_items.order_id`), with product
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
