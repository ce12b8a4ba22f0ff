//! The transaction stepper: `create_order` or `cancel_order` run to just before COMMIT on a
//! connection of their own, then wait for the user to commit or roll back, so that a class can
//! watch what another connection sees meanwhile.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::orders::{cancel_in, check_new_order, insert_order};
use super::{CancelOrder, Error, NewOrder, Order, check_id};
use crate::db::{Db, Tx};

/// What the paused transaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stepped {
    /// Placed an order (not yet committed).
    Created(Order),
    /// Cancelled an order and gave its stock back (not yet committed).
    Cancelled(CancelOrder),
}

impl Stepped {
    /// The order concerned.
    #[must_use]
    pub fn order_id(&self) -> i64 {
        match self {
            Stepped::Created(o) => o.id,
            Stepped::Cancelled(c) => c.order.id,
        }
    }
}

/// A transaction stopped before COMMIT. Dropped, it rolls back.
pub struct Paused {
    /// What it did so far.
    pub what: Stepped,
    /// Its isolation level (PostgreSQL; SQLite transactions are serializable).
    pub isolation: String,
    tx: Tx,
    _connection: Db,
}

impl std::fmt::Debug for Paused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paused")
            .field("what", &self.what)
            .field("isolation", &self.isolation)
            .finish_non_exhaustive()
    }
}

impl Paused {
    /// Commits: now every connection sees the change.
    ///
    /// # Errors
    /// When the database refuses the COMMIT.
    pub async fn commit(self) -> Result<Stepped, Error> {
        self.tx.commit().await?;
        Ok(self.what)
    }

    /// Rolls back: nothing of it was ever visible to another connection.
    ///
    /// # Errors
    /// When the database reports an error for the ROLLBACK.
    pub async fn rollback(self) -> Result<Stepped, Error> {
        self.tx.rollback().await?;
        Ok(self.what)
    }
}

async fn open(db: &Db) -> Result<(Db, Tx, String), Error> {
    let connection = db.isolated().await?;
    let tx = connection.begin_write().await?;
    let isolation = match connection.backend() {
        DbBackend::Postgres => tx
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SHOW transaction_isolation",
            ))
            .await?
            .and_then(|row| row.try_get_by_index::<String>(0).ok())
            .unwrap_or_else(|| "unknown".to_owned()),
        DbBackend::MySql => tx
            .query_one_raw(Statement::from_string(
                DbBackend::MySql,
                "SELECT @@tx_isolation",
            ))
            .await?
            .and_then(|row| row.try_get_by_index::<String>(0).ok())
            // `REPEATABLE-READ` reads as PostgreSQL's `repeatable read` does.
            .map_or_else(
                || "unknown".to_owned(),
                |level| level.replace('-', " ").to_lowercase(),
            ),
        _ => "serializable (SQLite has a single writer)".to_owned(),
    };
    Ok((connection, tx, isolation))
}

/// Runs `create_order` up to COMMIT on a connection of its own and stops there.
///
/// # Errors
/// As [`super::create_order`]; on a refusal the transaction is rolled back at once.
pub async fn begin_create_order(db: &Db, input: NewOrder) -> Result<Paused, Error> {
    check_new_order(&input)?;
    begin(db, Step::Create(input)).await
}

/// Runs `cancel_order` up to COMMIT on a connection of its own and stops there.
///
/// # Errors
/// As [`super::cancel_order`]; on a refusal the transaction is rolled back at once.
pub async fn begin_cancel_order(db: &Db, id: i64) -> Result<Paused, Error> {
    check_id("order", id)?;
    begin(db, Step::Cancel(id)).await
}

enum Step {
    Create(NewOrder),
    Cancel(i64),
}

async fn begin(db: &Db, step: Step) -> Result<Paused, Error> {
    let (connection, tx, isolation) = open(db).await?;
    let done = match step {
        Step::Create(input) => insert_order(&*tx, &input, db.now())
            .await
            .map(Stepped::Created),
        Step::Cancel(id) => cancel_in(&*tx, id, db.now()).await.map(Stepped::Cancelled),
    };
    match done {
        Ok(what) => Ok(Paused {
            what,
            isolation,
            tx,
            _connection: connection,
        }),
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// How long the stepper's second writer waits for a row lock before it gives up.
pub const SECOND_WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The row a second writer tries to change while a transaction is paused: a row the paused one
/// may hold locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A product (a placed order locks those whose stock it took).
    Product(i64),
    /// An order (a cancel locks it when it changes its status).
    Order(i64),
}

impl Row {
    /// The row to try while `what` is paused: the first line's product of a placed order, the
    /// order itself of a cancel.
    #[must_use]
    pub fn of(what: &Stepped) -> Row {
        match what {
            Stepped::Created(o) => Row::Product(o.items.first().map_or(0, |i| i.product_id)),
            Stepped::Cancelled(c) => Row::Order(c.order.id),
        }
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Row::Product(id) => write!(f, "product {id}"),
            Row::Order(id) => write!(f, "order {id}"),
        }
    }
}

/// What the second writer met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contended {
    /// It changed the row (then rolled back): nothing held it, or the lock was let go within
    /// the wait.
    WentThrough(std::time::Duration),
    /// It waited the whole [`SECOND_WRITER_WAIT`] and the database refused it, in its words.
    Refused(std::time::Duration, String),
}

/// A second writer, on a connection of its own: tries to change `row` (an UPDATE that sets a
/// column to itself, in a transaction it rolls back, so it writes nothing) and reports whether
/// it waited for a lock. It gives up after [`SECOND_WRITER_WAIT`], set in its own session only:
/// `innodb_lock_wait_timeout` on MariaDB, `lock_timeout` on PostgreSQL, the busy timeout on
/// SQLite (where the lock is the database's one writer lock, taken at BEGIN IMMEDIATE).
///
/// # Errors
/// A database failure other than the lock wait running out.
pub async fn second_writer(db: &Db, row: Row) -> Result<Contended, Error> {
    let connection = db.isolated().await?;
    let wait = SECOND_WRITER_WAIT;
    let session = match connection.backend() {
        DbBackend::MySql => format!("SET SESSION innodb_lock_wait_timeout = {}", wait.as_secs()),
        DbBackend::Postgres => format!("SET lock_timeout = '{}ms'", wait.as_millis()),
        _ => format!("PRAGMA busy_timeout = {}", wait.as_millis()),
    };
    connection
        .reader()
        .execute_raw(Statement::from_string(connection.backend(), session))
        .await?;
    let start = std::time::Instant::now();
    let attempt = async {
        let tx = connection.begin_write().await?;
        let (table, column, id) = match row {
            Row::Product(id) => ("products", "stock", id),
            Row::Order(id) => ("orders", "status", id),
        };
        let mut sql = super::sql_text::SqlText::new(connection.backend());
        sql.push(&format!(
            "UPDATE {table} SET {column} = {column} WHERE id = "
        ));
        sql.bind(id);
        tx.execute_raw(sql.statement()).await?;
        tx.rollback().await
    }
    .await;
    let waited = start.elapsed();
    let _ = connection.close().await;
    match attempt {
        Ok(()) => Ok(Contended::WentThrough(waited)),
        Err(e) if super::error::is_lock_wait(&e) => {
            Ok(Contended::Refused(waited, server_words(&e)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The database's own message in an error, without the driver's wrapping.
fn server_words(err: &sea_orm::DbErr) -> String {
    super::error::server_error(err).map_or_else(|| err.to_string(), |db| db.message().to_owned())
}
