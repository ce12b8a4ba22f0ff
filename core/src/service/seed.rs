//! Seeding: the demo set (assets/demo.json, dated relative to a given day) and scale data
//! (batched multi-row inserts). Both write what `create_order` and the status changes would:
//! items with captured prices, stock taken, events. Both refuse a database that has orders.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QuerySelect, Statement, Value,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::orders::{cancel_in, change_status, insert_order};
use super::sql_text::SqlText;
use super::{Error, NewOrder, NewOrderItem, Status, finish, validate};
use crate::db::Db;
use crate::entity::{order, product, user};
use migration::{REVENUE_SPLIT_BITS, SALES_SHARDS, STATS_SHARDS};

mod demo;
mod scale;

pub use demo::{DEMO_JSON, seed_demo};
pub use scale::{MAX_SEED_ROWS, ScaleSeed, SeedProgress, seed_scale};

/// What a seed wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeedReport {
    /// Users written.
    pub users: u64,
    /// Products written.
    pub products: u64,
    /// Orders written.
    pub orders: u64,
    /// Order lines written.
    pub items: u64,
    /// Events written.
    pub events: u64,
}

async fn refuse_if_orders(conn: &impl ConnectionTrait) -> Result<(), Error> {
    let orders = order::Entity::find().count(conn).await?;
    if orders > 0 {
        return Err(Error::Conflict {
            field: "seed".to_owned(),
            reason: format!(
                "the database already has {orders} order(s); seed only an empty one \
                 (orderdesk migrate fresh empties it)"
            ),
        });
    }
    Ok(())
}

/// The offsets after an order's creation at which each status change happens.
fn step_offset(to: Status) -> Duration {
    match to {
        Status::Confirmed => Duration::hours(3),
        Status::Shipped => Duration::hours(26),
        Status::Delivered => Duration::hours(77),
        Status::Cancelled => Duration::hours(5),
        Status::Pending => Duration::zero(),
    }
}

/// The status changes that lead from a new order to `status`, with the status it starts in.
fn path_to(status: Status) -> (Status, &'static [Status]) {
    match status {
        Status::Pending => (Status::Pending, &[]),
        Status::Confirmed => (Status::Pending, &[Status::Confirmed]),
        Status::Shipped => (Status::Pending, &[Status::Confirmed, Status::Shipped]),
        Status::Delivered => (Status::Confirmed, &[Status::Shipped, Status::Delivered]),
        Status::Cancelled => (Status::Pending, &[Status::Cancelled]),
    }
}

/// Today's date by the pool's clock, for seeds that are not pinned to a day.
#[must_use]
pub fn today(db: &Db) -> NaiveDate {
    let now: DateTime<Utc> = db.now();
    now.date_naive()
}
