//! Lesson 7's measure: a hand-written fast path and its query-builder form, called in turn on
//! the same data, each call's statements counted and timed.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::super::{
    Error, NewOrder, NewOrderItem, Status, create_order, create_order_builder, list_orders,
    list_orders_builder,
};
use crate::db::Db;

/// The most calls of each form one measure makes.
pub const MAX_CALLS: usize = 1_000;

/// A fast path that has a query-builder form beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FastPath {
    /// `create_order` and `create_order_builder`.
    CreateOrder,
    /// `list_orders` and `list_orders_builder`.
    ListOrders,
}

/// What one form cost per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Statements per call (BEGIN, COMMIT and ROLLBACK not counted), the same every call.
    pub statements: u64,
    /// The median call.
    pub median: Duration,
}

/// Both forms' costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costs {
    /// The hand-written fast path.
    pub fast: Cost,
    /// Its query-builder form.
    pub builder: Cost,
}

/// Calls `path` and its query-builder form `calls` times each, in turn (the first call of each
/// pair alternating, so neither always runs on a warmer cache), for `user`: `create_order`
/// places an order of `items` each time, `list_orders` lists the user's orders. Returns each
/// form's statements per call and median time.
///
/// # Errors
/// `calls` out of 1..=[`MAX_CALLS`], `items` empty for `create_order`, or whatever the service
/// refuses (out of stock: give untracked products).
pub async fn time_both(
    db: &Db,
    path: FastPath,
    user_id: i64,
    items: &[NewOrderItem],
    calls: usize,
) -> Result<Costs, Error> {
    if !(1..=MAX_CALLS).contains(&calls) {
        return Err(Error::invalid(
            "times",
            format!("must be 1 to {MAX_CALLS} (got {calls})"),
        ));
    }
    let recorder = db.recorder().clone();
    let mut times = [Vec::with_capacity(calls), Vec::with_capacity(calls)];
    let mut statements = [0u64; 2];
    for i in 0..calls {
        for k in [i % 2, 1 - i % 2] {
            let before = recorder.data_statements();
            let start = Instant::now();
            match (path, k) {
                (FastPath::CreateOrder, _) => {
                    let order = NewOrder {
                        user_id,
                        status: Status::Pending,
                        items: items.to_vec(),
                    };
                    if k == 0 {
                        create_order(db, order).await?;
                    } else {
                        create_order_builder(db, order).await?;
                    }
                }
                (FastPath::ListOrders, 0) => {
                    list_orders(db, user_id).await?;
                }
                (FastPath::ListOrders, _) => {
                    list_orders_builder(db, user_id).await?;
                }
            }
            times[k].push(start.elapsed());
            statements[k] = recorder.data_statements() - before;
        }
    }
    let mut cost = |k: usize| {
        let mut t = std::mem::take(&mut times[k]);
        t.sort_unstable();
        Cost {
            statements: statements[k],
            median: t[t.len() / 2],
        }
    };
    Ok(Costs {
        fast: cost(0),
        builder: cost(1),
    })
}
