//! The one error every service call returns: what was refused and why (the field named), or
//! the database failure in words a person can act on.

use sea_orm::{DbErr, RuntimeErr};

use super::Status;

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

/// The database's own error inside a `DbErr`, when it is one.
pub(crate) fn server_error(err: &DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    let (DbErr::Conn(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    match e.as_ref() {
        sea_orm::sqlx::Error::Database(db) => Some(db.as_ref()),
        _ => None,
    }
}

/// Whether a lock wait ran out: SQLite's busy (below), MariaDB's 1205 (`innodb_lock_wait_timeout`)
/// or PostgreSQL's 55P03 (`lock_timeout`).
pub(crate) fn is_lock_wait(err: &DbErr) -> bool {
    is_busy(err)
        || server_error(err).is_some_and(|db| {
            db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>()
                .is_some_and(|m| m.number() == 1205)
                || (db
                    .try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
                    .is_some()
                    && db.code().as_deref() == Some("55P03"))
        })
}

/// Whether SQLite gave up waiting for its write lock (`SQLITE_BUSY` and its extended codes, or
/// `SQLITE_LOCKED`).
fn is_busy(err: &DbErr) -> bool {
    let Some(db) = server_error(err) else {
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
    #[must_use]
    pub fn unknown(what: &'static str, id: i64) -> Self {
        Error::NotFound {
            field: what.to_owned(),
            what,
            id,
        }
    }

    /// Whether the database could not be reached (the server is down or restarting, or the
    /// connection broke): the same work may succeed when tried again.
    #[must_use]
    pub fn is_outage(&self) -> bool {
        matches!(self, Error::Db(e) if outage_reason(e).is_some())
    }

    /// The field the error is about, if any.
    #[must_use]
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
    #[must_use]
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
    #[must_use]
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
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Error::Db(_))
    }
}
