//! What the lessons run that the desk itself never does: two connections reading at an isolation
//! level, eight clerks selling the last units the naive way and the safe way, and an order whose
//! event is written apart. Each is plain SeaORM, shown to the student as it is here.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use tokio::sync::{Barrier, oneshot};

use super::{Error, NewOrder, NewOrderItem, Status, create_order};
use crate::db::{Db, Level, in_action};
use crate::entity::{order, order_event, order_item, product};

mod fast_path;

pub use fast_path::{Cost, Costs, FastPath, MAX_CALLS, time_both};

/// What one connection read of a product's stock while another changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreeReads {
    /// Before the other connection began.
    pub before: i64,
    /// While the other connection had taken a unit but not committed.
    pub during: i64,
    /// After the other connection committed.
    pub after: i64,
}

/// What a sale of the last units came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sale {
    /// The stock before the clerks began.
    pub stock_before: i64,
    /// Orders written (one unit each).
    pub sold: i64,
    /// Clerks told "out of stock".
    pub refused: i64,
    /// The stock the database holds afterwards.
    pub stock_after: i64,
}

/// Reads a product's stock three times in one transaction at `level` (connection A), while a
/// second connection (B) takes one unit: before B begins, while B's UPDATE is not committed,
/// and after B's COMMIT. A and B run side by side, each its own action in the SQL log ("A",
/// "B"), taking turns by messages.
///
/// # Errors
/// `NotFound` for an unknown product, or the database failing.
pub async fn read_twice(db: &Db, product_id: i64, level: Level) -> Result<ThreeReads, Error> {
    let a = db.isolated().await?;
    let (a_read, b_may_begin) = oneshot::channel::<()>();
    let (b_wrote, a_may_read) = oneshot::channel::<()>();
    let (a_read_again, b_may_commit) = oneshot::channel::<()>();
    let (b_committed, a_may_read_last) = oneshot::channel::<()>();
    let connection_a = in_action("A", async {
        let tx = a.begin_at(level).await?;
        let before = stock_of(&*tx, product_id).await?;
        let _ = a_read.send(());
        let _ = a_may_read.await;
        let during = stock_of(&*tx, product_id).await?;
        let _ = a_read_again.send(());
        let _ = a_may_read_last.await;
        let after = stock_of(&*tx, product_id).await?;
        tx.commit().await?;
        Ok::<_, Error>(ThreeReads {
            before,
            during,
            after,
        })
    });
    let connection_b = in_action("B", async {
        if b_may_begin.await.is_err() {
            return Ok(()); // A failed before B's turn
        }
        let tx = db.begin_write().await?;
        product::Entity::update_many()
            .col_expr(
                product::Column::Stock,
                Expr::col(product::Column::Stock).sub(1),
            )
            .filter(product::Column::Id.eq(product_id))
            .exec(&*tx)
            .await?;
        let _ = b_wrote.send(());
        // B waits before its COMMIT, as the stepper's paused transaction does.
        let _ = b_may_commit.await;
        tx.commit().await?;
        let _ = b_committed.send(());
        Ok::<_, Error>(())
    });
    let (reads, wrote) = tokio::join!(connection_a, connection_b);
    a.close().await.ok();
    wrote?;
    reads
}

async fn stock_of(conn: &impl ConnectionTrait, product_id: i64) -> Result<i64, Error> {
    let found = product::Entity::find_by_id(product_id).one(conn).await?;
    let product = found.ok_or(Error::unknown("product", product_id))?;
    Ok(product.stock.unwrap_or(0))
}

/// `clerks` clerks each sell one unit of a product the naive way: load it (autocommit), check
/// its stock, then in a transaction of their own save `stock = loaded - 1` and write the order.
/// A barrier lets every clerk load before any saves, as a busy shop does by chance.
///
/// # Errors
/// `NotFound` for an unknown product or user, or the database failing.
pub async fn sell_naive(
    db: &Db,
    user_id: i64,
    product_id: i64,
    clerks: usize,
) -> Result<Sale, Error> {
    let stock_before = stock_of(db.reader(), product_id).await?;
    let barrier = Arc::new(Barrier::new(clerks));
    let mut tasks = Vec::with_capacity(clerks);
    for clerk in 1..=clerks {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(in_action(
            format!("clerk {clerk} (naive)"),
            async move {
                // 1. Load, outside any transaction.
                let loaded = product::Entity::find_by_id(product_id)
                    .one(db.reader())
                    .await?
                    .ok_or(Error::unknown("product", product_id))?;
                barrier.wait().await;
                let stock = loaded.stock.unwrap_or(0);
                if stock < 1 {
                    return Ok(false);
                }
                // 2. Change and save, in a transaction of its own.
                let tx = db.begin_write().await?;
                let price = loaded.price_cents;
                let mut changed: product::ActiveModel = loaded.into();
                changed.stock = Set(Some(stock - 1));
                changed.update(&*tx).await?;
                one_unit_order(&*tx, user_id, product_id, price, 1).await?;
                tx.commit().await?;
                Ok::<bool, Error>(true)
            },
        )));
    }
    finish_sale(db, product_id, stock_before, tasks).await
}

/// `clerks` clerks each sell one unit through `create_order`, which takes stock with one
/// conditional `UPDATE ... WHERE stock >= quantity`; the barrier starts them together.
///
/// # Errors
/// `NotFound` for an unknown product or user, or the database failing.
pub async fn sell_safe(
    db: &Db,
    user_id: i64,
    product_id: i64,
    clerks: usize,
) -> Result<Sale, Error> {
    let stock_before = stock_of(db.reader(), product_id).await?;
    let barrier = Arc::new(Barrier::new(clerks));
    let mut tasks = Vec::with_capacity(clerks);
    for clerk in 1..=clerks {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(in_action(
            format!("clerk {clerk} (safe)"),
            async move {
                barrier.wait().await;
                let order = NewOrder {
                    user_id,
                    status: Status::Pending,
                    items: vec![NewOrderItem {
                        product_id,
                        quantity: 1,
                    }],
                };
                match create_order(&db, order).await {
                    Ok(_) => Ok(true),
                    Err(Error::OutOfStock { .. }) => Ok(false),
                    Err(e) => Err(e),
                }
            },
        )));
    }
    finish_sale(db, product_id, stock_before, tasks).await
}

async fn finish_sale(
    db: &Db,
    product_id: i64,
    stock_before: i64,
    tasks: Vec<tokio::task::JoinHandle<Result<bool, Error>>>,
) -> Result<Sale, Error> {
    let (mut sold, mut refused) = (0, 0);
    for task in tasks {
        let placed = task
            .await
            .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("a clerk's task: {e}"))))??;
        if placed {
            sold += 1;
        } else {
            refused += 1;
        }
    }
    Ok(Sale {
        stock_before,
        sold,
        refused,
        stock_after: stock_of(db.reader(), product_id).await?,
    })
}

/// An order written with its `order_created` event in a second transaction, and the process
/// dying between the two: the order is committed, its event never is. Returns the order's id.
///
/// # Errors
/// `NotFound` for an unknown user, or the database failing.
pub async fn order_then_event(db: &Db, user_id: i64, product_id: i64) -> Result<i64, Error> {
    let tx = db.begin_write().await?;
    let price = stock_and_price(&*tx, product_id).await?;
    let order_id = one_unit_order(&*tx, user_id, product_id, price, 0).await?;
    tx.commit().await?;
    // The event would be written here, in a transaction of its own:
    //     order_event::ActiveModel { order_id: Set(order_id), .. }.insert(&*tx2)
    // but the process is killed (a deploy, the OOM killer) before it begins.
    Ok(order_id)
}

/// Writes a pending order of one unit of a product, as the ORM makes easy: an `ActiveModel`
/// per row, and none of `create_order`'s event, running figures or stock check. Returns its id.
async fn one_unit_order(
    conn: &impl ConnectionTrait,
    user_id: i64,
    product_id: i64,
    price_cents: i64,
    stock_taken: i64,
) -> Result<i64, Error> {
    let now = Utc::now();
    let placed = order::ActiveModel {
        user_id: Set(user_id),
        status: Set(Status::Pending.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    order_item::ActiveModel {
        order_id: Set(placed.id),
        product_id: Set(product_id),
        quantity: Set(1),
        price_cents_at_purchase: Set(price_cents),
        stock_taken: Set(stock_taken),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(placed.id)
}

async fn stock_and_price(conn: &impl ConnectionTrait, product_id: i64) -> Result<i64, Error> {
    let found = product::Entity::find_by_id(product_id).one(conn).await?;
    Ok(found
        .ok_or(Error::unknown("product", product_id))?
        .price_cents)
}

/// The outbox as the relay sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Orders.
    pub orders: u64,
    /// Events.
    pub events: u64,
    /// Orders that have no `order_created` event: the relay will never tell anyone of them.
    pub orders_without_event: u64,
    /// Events not yet published by the relay.
    pub unpublished: u64,
}

/// Counts orders, events, orders without an event and unpublished events.
///
/// # Errors
/// The database failing.
pub async fn outbox_counts(db: &Db) -> Result<OutboxCounts, Error> {
    let conn = db.reader();
    let orders = order::Entity::find().count(conn).await?;
    let events = order_event::Entity::find().count(conn).await?;
    let with_event = order_event::Entity::find()
        .filter(order_event::Column::EventType.eq("order_created"))
        .count(conn)
        .await?;
    let unpublished = order_event::Entity::find()
        .filter(order_event::Column::PublishedAt.is_null())
        .count(conn)
        .await?;
    Ok(OutboxCounts {
        orders,
        events,
        orders_without_event: orders.saturating_sub(with_event),
        unpublished,
    })
}

/// Rows in the order tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Orders.
    pub orders: u64,
    /// Order lines.
    pub items: u64,
    /// Events.
    pub events: u64,
}

/// Counts the orders, their lines and their events: three SELECTs.
///
/// # Errors
/// The database failing.
pub async fn counts(db: &Db) -> Result<Counts, Error> {
    let conn = db.reader();
    Ok(Counts {
        orders: order::Entity::find().count(conn).await?,
        items: order_item::Entity::find().count(conn).await?,
        events: order_event::Entity::find().count(conn).await?,
    })
}

/// Adds `count` orders for a user, one to three lines each over the products given, in one
/// transaction through `create_order`'s own body: how a lesson gets its 2,000 orders.
///
/// # Errors
/// `NotFound` for an unknown user or product, or the database failing.
pub async fn add_orders(
    db: &Db,
    user_id: i64,
    products: &[i64],
    count: usize,
) -> Result<u64, Error> {
    if products.is_empty() {
        return Err(Error::invalid("products", "name at least one product"));
    }
    let tx = db.begin_write().await?;
    let at = db.now();
    for i in 0..count {
        let lines = 1 + i % 3;
        let items = (0..lines)
            .map(|l| NewOrderItem {
                product_id: products[(i + l) % products.len()],
                quantity: 1 + (i % 2) as i64,
            })
            .collect();
        let order = NewOrder {
            user_id,
            status: Status::Pending,
            items,
        };
        super::orders::insert_order(&*tx, &order, at).await?;
    }
    tx.commit().await?;
    Ok(count as u64)
}
