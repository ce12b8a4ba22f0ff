//! The one place that reads and writes: every front end (TUI, command line, bench) calls these.
//!
//! Inputs are checked before the database is touched; the database's own constraints back the
//! checks up. Every error names the field it is about and says why.
//!
//! One way of exporting: each topic is a private module whose operations and types are
//! re-exported here (`service::create_order`, `service::Status`). Five are public modules
//! instead, because their names read only with the module's: `validate` (`validate::price`),
//! `stepper` (`stepper::begin_cancel_order`), `seed` (`seed::seed_demo`), `idempotency`
//! (`idempotency::claim_key`) and `outbox` (`outbox::unpublished_events`); nothing is exported
//! both ways.

mod error;
mod explain;
pub mod idempotency;
pub mod lessons;
mod orders;
pub mod outbox;
mod products;
mod search;
pub mod seed;
mod sql_text;
mod stats;
mod status;
pub mod stepper;
mod tokens;
mod users;
pub mod validate;

use sea_orm::{DbErr, SqlErr};

use crate::db::Tx;
pub(crate) use sql_text::int_type;

pub use error::Error;
pub use explain::explain;
pub use orders::{
    CancelOrder, NewOrder, NewOrderItem, Order, OrderDetail, OrderEvent, OrderItem, OrderQuery,
    OrderSummary, cancel_order, create_order, create_order_builder, edit_order, get_order,
    list_order_events, list_orders, list_orders_builder, list_orders_lazy, list_orders_page,
    recent_order_events, set_order_status,
};
pub use products::{
    NewProduct, Product, ProductChanges, create_product, delete_product, get_product, get_products,
    list_products, update_product,
};
pub use search::fill_search_keys;
pub use stats::{Stats, TopProduct, Totals, orders_per_day, recount_stats, stats, totals};
pub use status::Status;
pub use tokens::{
    Access, ApiToken, TOKEN_PREFIX, any_token, create_token, find_token, list_tokens, revoke_token,
};
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
        let text = self.filter.as_deref().map_or("", str::trim);
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

/// A value per id of `column`: the value itself for one id, a CASE for several (0 for none,
/// which no caller asks for: it is neutral where the value is added).
fn by_id<V>(column: impl sea_orm::ColumnTrait, values: &[(i64, V)]) -> sea_orm::sea_query::Expr
where
    V: Into<sea_orm::Value> + Clone,
{
    use sea_orm::sea_query::Expr;
    match values {
        [(_, value)] => Expr::val(value.clone()),
        [(first, value), rest @ ..] => rest
            .iter()
            .fold(
                Expr::case(column.eq(*first), Expr::val(value.clone())),
                |case, (id, value)| case.case(column.eq(*id), Expr::val(value.clone())),
            )
            .into(),
        [] => Expr::val(0),
    }
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
