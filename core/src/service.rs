//! The one place that reads and writes: every front end (TUI, command line, bench) calls these.
//!
//! Inputs are checked before the database is touched; the database's own constraints back the
//! checks up. Every error names the field it is about and says why.

mod explain;
mod orders;
mod products;
mod search;
pub mod seed;
mod sql_text;
mod stats;
pub mod stepper;
mod users;
pub mod validate;

use std::fmt;
use std::str::FromStr;

use sea_orm::{DbErr, RuntimeErr, SqlErr};
use serde::{Deserialize, Serialize};

use crate::db::Tx;

pub use explain::explain;
pub use orders::{
    CancelOrder, NewOrder, NewOrderItem, Order, OrderDetail, OrderEvent, OrderItem, OrderQuery,
    OrderSummary, cancel_order, create_order, get_order, list_order_events, list_orders,
    list_orders_lazy, list_orders_page, recent_order_events, set_order_status,
};
pub use products::{
    NewProduct, Product, ProductChanges, create_product, delete_product, get_product,
    list_products, update_product,
};
pub use search::fill_search_keys;
pub use stats::{Stats, TopProduct, Totals, orders_per_day, recount_stats, stats, totals};
pub use users::{
    NewUser, User, UserChanges, UserRow, create_user, delete_user, get_user, list_users,
    update_user,
};

/// The most one order may total, in cents: 2^53 - 1, so that every JSON client (JavaScript's
/// numbers are doubles) reads an order's total exactly.
pub const MAX_ORDER_TOTAL_CENTS: i64 = (1 << 53) - 1;
/// The largest quantity on one order line.
pub const MAX_QUANTITY: i64 = 10_000;
/// The most lines one order may have.
pub const MAX_LINES: usize = 100;
/// The largest stock a product may hold.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// The longest name or email, in characters.
pub const MAX_TEXT: usize = 200;
/// The largest page a list returns.
pub const MAX_PAGE: u64 = 1_000;
/// Stock at or below this is low.
pub const LOW_STOCK: i64 = 5;

/// Why a service call was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not acceptable; nothing was written.
    #[error("{field}: {reason}")]
    Validation {
        /// The field, as the user knows it (`email`, `price`, `item 2 quantity`).
        field: String,
        /// Why, in a sentence fragment.
        reason: String,
    },
    /// A referenced row does not exist.
    #[error("{field}: unknown {what} {id}")]
    NotFound {
        /// The field that referenced it.
        field: String,
        /// What kind of row (`user`, `product`, `order`).
        what: &'static str,
        /// The id that was asked for.
        id: i64,
    },
    /// The change conflicts with what is stored (a duplicate email, a delete of a referenced row).
    #[error("{field}: {reason}")]
    Conflict {
        /// The field in conflict.
        field: String,
        /// Why.
        reason: String,
    },
    /// An order asks for more of a product than is in stock (over all the lines of that
    /// product); the whole order was rolled back.
    #[error("{field}: {}", short_reason(*.product_id, name, *.available, *.requested, lines))]
    OutOfStock {
        /// The product's first line (`item 2`).
        field: String,
        /// The product.
        product_id: i64,
        /// Its name.
        name: String,
        /// Units in stock when the order was refused.
        available: i64,
        /// Units the order asked for, over all the product's lines.
        requested: i64,
        /// The lines (1-based) that ask for the product.
        lines: Vec<usize>,
    },
    /// The order's status cannot change that way.
    #[error("status: {}", transition_reason(*.order_id, *.from, *.to))]
    InvalidTransition {
        /// The order.
        order_id: i64,
        /// Its status now.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// The database failed.
    #[error("{}", db_reason(.0))]
    Db(#[from] DbErr),
}

/// A database failure in words a user can act on.
fn db_reason(err: &DbErr) -> String {
    if is_busy(err) {
        return format!(
            "the database is busy: another program (another orderdesk with a transaction paused \
             in the stepper, say) has held its write lock for {} s; nothing was written, try \
             again",
            crate::db::SQLITE_BUSY_TIMEOUT.as_secs()
        );
    }
    outage_reason(err).unwrap_or_else(|| format!("database error: {err}"))
}

/// Whether SQLite gave up waiting for its write lock (SQLITE_BUSY and its extended codes, or
/// SQLITE_LOCKED).
fn is_busy(err: &DbErr) -> bool {
    let (DbErr::Conn(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return false;
    };
    // SQLite's primary result code is the low byte of the extended one.
    db.code()
        .and_then(|c| c.parse::<u32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
        && db
            .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
            .is_some()
}

/// What to tell the user when the database was out of reach (rather than refusing the work):
/// the pool's deadline passed, or the connection broke; `None` for any other failure.
fn outage_reason(err: &DbErr) -> Option<String> {
    match err {
        DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout) => Some(format!(
            "the database did not answer within {} s (is the server running?); try again",
            crate::db::ACQUIRE_TIMEOUT.as_secs()
        )),
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => Some(format!(
            "lost the connection to the database ({err}); try again"
        )),
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e))
            if connection_lost(e) =>
        {
            Some(format!(
                "lost the connection to the database ({e}); try again"
            ))
        }
        _ => None,
    }
}

/// Whether a statement failed because the connection broke (the server went away), not
/// because the database refused it.
fn connection_lost(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error as E;
    matches!(
        err,
        E::Io(_) | E::Protocol(_) | E::PoolClosed | E::PoolTimedOut | E::WorkerCrashed
    )
}

fn short_reason(
    product_id: i64,
    name: &str,
    available: i64,
    requested: i64,
    lines: &[usize],
) -> String {
    if lines.len() <= 1 {
        format!("product {product_id} ({name}) has {available} left, {requested} requested")
    } else {
        let numbers: Vec<String> = lines.iter().map(ToString::to_string).collect();
        format!(
            "product {product_id} ({name}): {requested} requested over {} lines (items {}), \
             {available} left",
            lines.len(),
            numbers.join(", ")
        )
    }
}

fn transition_reason(order_id: i64, from: Status, to: Status) -> String {
    let next = from.next_allowed();
    if from == to {
        format!("order {order_id} is already {from}")
    } else if next.is_empty() {
        format!("order {order_id} is {from}, which is final; it cannot become {to}")
    } else {
        let names: Vec<&str> = next.iter().map(|s| s.as_str()).collect();
        format!(
            "order {order_id} is {from} and can become {}, not {to}",
            names.join(" or ")
        )
    }
}

impl Error {
    /// A validation error for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// "unknown `what` `id`", about the field of the same name (`user`, `product`, `order`).
    pub fn unknown(what: &'static str, id: i64) -> Self {
        Error::NotFound {
            field: what.to_owned(),
            what,
            id,
        }
    }

    /// Whether the database could not be reached (the server is down or restarting, or the
    /// connection broke): the same work may succeed when tried again.
    pub fn is_outage(&self) -> bool {
        matches!(self, Error::Db(e) if outage_reason(e).is_some())
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. }
            | Error::NotFound { field, .. }
            | Error::Conflict { field, .. }
            | Error::OutOfStock { field, .. } => Some(field),
            Error::InvalidTransition { .. } => Some("status"),
            Error::Db(_) => None,
        }
    }

    /// The error's code, as the HTTP API and `--json` name it: `validation`, `not_found`,
    /// `conflict`, `out_of_stock`, `invalid_transition`, `unavailable` (the database is out of
    /// reach or busy: try again) or `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::OutOfStock { .. } => "out_of_stock",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::Db(e) if is_busy(e) || outage_reason(e).is_some() => "unavailable",
            Error::Db(_) => "internal",
        }
    }

    /// Why, without the field in front (the field is [`Error::field`]).
    pub fn reason(&self) -> String {
        match self {
            Error::Validation { reason, .. } | Error::Conflict { reason, .. } => reason.clone(),
            Error::NotFound { what, id, .. } => format!("unknown {what} {id}"),
            Error::OutOfStock {
                product_id,
                name,
                available,
                requested,
                lines,
                ..
            } => short_reason(*product_id, name, *available, *requested, lines),
            Error::InvalidTransition { order_id, from, to } => {
                transition_reason(*order_id, *from, *to)
            }
            Error::Db(e) => db_reason(e),
        }
    }

    /// Whether this is a refusal of the input (as opposed to a database failure).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Error::Db(_))
    }
}

/// The lifecycle of an order: pending -> confirmed -> shipped -> delivered, and pending or
/// confirmed -> cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Placed, not yet confirmed.
    Pending,
    /// Confirmed, to be shipped.
    Confirmed,
    /// On its way.
    Shipped,
    /// Arrived; final.
    Delivered,
    /// Cancelled, stock given back; final.
    Cancelled,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Confirmed,
        Status::Shipped,
        Status::Delivered,
        Status::Cancelled,
    ];

    /// The name stored in the database and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// The statuses this one may change to.
    pub fn next_allowed(self) -> &'static [Status] {
        match self {
            Status::Pending => &[Status::Confirmed, Status::Cancelled],
            Status::Confirmed => &[Status::Shipped, Status::Cancelled],
            Status::Shipped => &[Status::Delivered],
            Status::Delivered | Status::Cancelled => &[],
        }
    }

    /// The next step forward in the lifecycle (cancelling is not a step forward).
    pub fn forward(self) -> Option<Status> {
        match self {
            Status::Pending => Some(Status::Confirmed),
            Status::Confirmed => Some(Status::Shipped),
            Status::Shipped => Some(Status::Delivered),
            Status::Delivered | Status::Cancelled => None,
        }
    }

    /// Whether an order may move from `self` to `to`.
    pub fn can_become(self, to: Status) -> bool {
        self.next_allowed().contains(&to)
    }

    /// Whether a new order may start in this status.
    pub fn is_initial(self) -> bool {
        matches!(self, Status::Pending | Status::Confirmed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted = s.trim().to_ascii_lowercase();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "status",
                    format!(
                        "unknown status {s:?}; one of pending, confirmed, shipped, delivered, cancelled"
                    ),
                )
            })
    }
}

/// Which page of a list to fetch: rows after the cursor (ascending lists) or before it
/// (newest-first lists), matching a text filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Text to look for (case-insensitive, anywhere in the searched columns).
    pub filter: Option<String>,
    /// The cursor: the last id of the previous page.
    pub after: Option<i64>,
    /// The page size; `None` for the default of 50.
    pub limit: Option<u64>,
}

impl ListQuery {
    fn page_size(&self) -> Result<u64, Error> {
        match self.limit {
            None => Ok(50),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(n) => Err(Error::invalid(
                "limit",
                format!("must be 1..={MAX_PAGE} (got {n})"),
            )),
        }
    }

    /// The filter as a LIKE pattern, folded (`crate::fold::fold`) and escaped, or `None` when
    /// blank.
    fn like_pattern(&self) -> Option<String> {
        let text = self.filter.as_deref().map(str::trim).unwrap_or("");
        (!text.is_empty()).then(|| like_contains(text))
    }
}

/// `%text%`, folded, with `%`, `_` and `\` escaped by `\`.
fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in crate::fold::fold(text).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A condition: the row's folded `key` column matches a pattern from
/// [`ListQuery::like_pattern`]; a row without a key (written by a program that knows no such
/// column, not yet filled) is matched by `LOWER` of its `columns` instead.
fn search_matches<C: sea_orm::ColumnTrait>(
    key: C,
    columns: &[C],
    pattern: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let like = || LikeExpr::new(pattern).escape('\\');
    let legacy = columns
        .iter()
        .map(|c| Expr::expr(Func::lower(Expr::col(*c))).like(like()))
        .reduce(ExprTrait::or)
        .unwrap_or_else(|| Expr::val(false));
    Expr::col(key)
        .like(like())
        .or(Expr::col(key).is_null().and(legacy))
}

/// Checks that an id is positive.
fn check_id(field: &str, id: i64) -> Result<(), Error> {
    if id > 0 {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a positive id (got {id})"),
        ))
    }
}

/// Commits `tx` when `result` is Ok and rolls it back otherwise; the result is passed on.
async fn finish<T>(tx: Tx, result: Result<T, Error>) -> Result<T, Error> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(err) => {
            // The error that caused the rollback is the one worth reporting.
            let _ = tx.rollback().await;
            Err(err)
        }
    }
}

/// Maps a unique violation to a conflict on `field`, and passes every other error on.
fn unique_to_conflict(err: DbErr, field: &str, reason: impl FnOnce() -> String) -> Error {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::Conflict {
            field: field.to_owned(),
            reason: reason(),
        },
        _ => Error::Db(err),
    }
}
