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
