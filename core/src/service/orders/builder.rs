//! The query-builder forms of the two hand-written fast paths, kept beside them to be compared
//! (lesson 7, "The fast path", runs both; `orderdesk bench --builder` measures W1 through
//! these): `create_order` written as a SeaORM user would write it, an `ActiveModel` or a builder
//! per table, and `list_orders` through SeaORM 2's entity loader. They give the same orders,
//! rows, refusals and figures as the fast paths; they send more statements, and SeaORM decodes
//! their rows by column name.

#[allow(clippy::wildcard_imports)]
use super::*;
use sea_orm::ActiveModelTrait;
use sea_orm::sea_query::{Alias, OnConflict, Query};

/// [`create_order`] through the query builder: the same checks, rows and refusals, in one
/// transaction, statement by statement.
///
/// # Errors
/// As [`create_order`]: validation, `NotFound` (user or a line's product), `OutOfStock`;
/// nothing is written.
pub async fn create_order_builder(db: &Db, input: NewOrder) -> Result<Order, Error> {
    check_new_order(&input)?;
    let tx = db.begin_write().await?;
    let result = insert_order_builder(&*tx, &input, db.now()).await;
    finish(tx, result).await
}

/// The body of [`create_order_builder`], inside the caller's transaction. Statements, for an
/// order of `n` lines over `p` products of which `t` are tracked (PostgreSQL and SQLite, where
/// SeaORM uses `RETURNING`): a SELECT of the products, one UPDATE of the tracked ones' stock
/// (none when `t` is 0), then an INSERT per table: the order, its event, `order_stats` (an
/// UPDATE), `product_sales` (an upsert), the items. On MariaDB (no `RETURNING` for SeaORM) the
/// stock takes `t` UPDATEs, and the order and the items are each read back by a SELECT.
async fn insert_order_builder(
    conn: &impl ConnectionTrait,
    input: &NewOrder,
    at: DateTime<Utc>,
) -> Result<Order, Error> {
    let ids: Vec<i64> = input.items.iter().map(|i| i.product_id).collect();
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let lines = priced_lines(&input.items, &products)?;
    let total_amount_cents = order_total(&lines)?;

    take_stock(conn, &lines).await?;

    let placed = order::ActiveModel {
        user_id: Set(input.user_id),
        status: Set(input.status.as_str().to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|e| unknown_user(e, input.user_id))?;

    let payload = created_payload(input, &lines, total_amount_cents)?;
    order_event::Entity::insert(order_event::ActiveModel {
        order_id: Set(placed.id),
        event_type: Set("order_created".to_owned()),
        payload: Set(payload),
        created_at: Set(at),
        ..Default::default()
    })
    .exec(conn)
    .await?;

    let status = input.status.as_str();
    let (hi, lo) = split_revenue(total_amount_cents);
    let stats = Query::update()
        .table(Alias::new("order_stats"))
        .value(Alias::new(status), Expr::col(Alias::new(status)).add(1))
        .value(
            Alias::new("revenue_hi"),
            Expr::col(Alias::new("revenue_hi")).add(hi),
        )
        .value(
            Alias::new("revenue_lo"),
            Expr::col(Alias::new("revenue_lo")).add(lo),
        )
        .and_where(Expr::col(Alias::new("shard")).eq(placed.id.rem_euclid(STATS_SHARDS)))
        .to_owned();
    conn.execute(&stats).await?;

    let mut sold = units_by_product(&lines);
    sold.sort_unstable();
    let units = product_sales::Column::Units;
    let added = if conn.get_database_backend() == DbBackend::MySql {
        Expr::cust("VALUES(`units`)")
    } else {
        Expr::col((Alias::new("excluded"), units))
    };
    product_sales::Entity::insert_many(sold.iter().map(|&(product_id, sold)| {
        product_sales::ActiveModel {
            product_id: Set(product_id),
            shard: Set(placed.id.rem_euclid(SALES_SHARDS)),
            units: Set(sold),
        }
    }))
    .on_conflict(
        OnConflict::columns([
            product_sales::Column::ProductId,
            product_sales::Column::Shard,
        ])
        .value(units, Expr::col((product_sales::Entity, units)).add(added))
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;

    let items = order_item::Entity::insert_many(lines.iter().map(|l| order_item::ActiveModel {
        order_id: Set(placed.id),
        product_id: Set(l.item.product_id),
        quantity: Set(l.item.quantity),
        price_cents_at_purchase: Set(l.product.price_cents),
        stock_taken: Set(l.stock_taken()),
        ..Default::default()
    }));
    let rows = if conn.support_returning() {
        items.exec_with_returning(conn).await?
    } else {
        items.exec_without_returning(conn).await?;
        order_item::Entity::find()
            .filter(order_item::Column::OrderId.eq(placed.id))
            .all(conn)
            .await?
    };
    let items = written_items(rows, &lines)?;
    assemble(placed.id, input.user_id, input.status, at, items)
}

/// [`list_orders`] through SeaORM 2's entity loader: the user's orders, then their items (one
/// SELECT for all the orders' items), then those items' products (one SELECT for all of them):
/// three statements whatever the number of orders, each row decoded by column name; a fourth
/// only when there are no orders, to tell "no orders" from "no such user".
///
/// # Errors
/// `NotFound` when there is no such user.
pub async fn list_orders_builder(db: &Db, user_id: i64) -> Result<Vec<Order>, Error> {
    check_id("user", user_id)?;
    let conn = db.reader();
    let orders = order::Entity::load()
        .filter(order::Column::UserId.eq(user_id))
        .order_by_asc(order::Column::Id)
        .with((order_item::Entity, product::Entity))
        .all(conn)
        .await?;
    if orders.is_empty() {
        return user_exists(conn, user_id).await.map(|()| Vec::new());
    }
    orders
        .into_iter()
        .map(|o| {
            let mut items: Vec<OrderItem> = Vec::with_capacity(o.items.len());
            for i in o.items {
                items.push(OrderItem {
                    id: i.id,
                    product_id: i.product_id,
                    product_name: i
                        .product
                        .as_ref()
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    quantity: i.quantity,
                    price_cents_at_purchase: i.price_cents_at_purchase,
                    amount_cents: i
                        .quantity
                        .checked_mul(i.price_cents_at_purchase)
                        .ok_or_else(|| too_large("items"))?,
                });
            }
            items.sort_by_key(|i| i.id);
            assemble(
                o.id,
                o.user_id,
                stored_status(&o.status)?,
                o.created_at,
                items,
            )
        })
        .collect()
}
