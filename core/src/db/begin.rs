//! Beginning a transaction, recorded in the SQL log: a write transaction (`BEGIN IMMEDIATE` on
//! SQLite), or one at a chosen isolation level (what the isolation lesson compares).

use std::time::Instant;

use sea_orm::{
    DatabaseConnection, DbBackend, DbErr, IsolationLevel, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use super::record::{self, set_tx};
use super::{Db, SqlEvent, Tx};

/// The isolation levels a lesson may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Each statement sees what was committed before it began (PostgreSQL's default).
    ReadCommitted,
    /// Every statement sees what was committed before the transaction's first read
    /// (InnoDB's default).
    RepeatableRead,
}

impl Level {
    /// As SQL names it.
    #[must_use]
    pub fn sql(self) -> &'static str {
        match self {
            Level::ReadCommitted => "READ COMMITTED",
            Level::RepeatableRead => "REPEATABLE READ",
        }
    }
}

impl Db {
    /// Begins a transaction at `level` on its own pool's connection, recorded as
    /// `BEGIN ISOLATION LEVEL ...`. SQLite has one level (its transactions are serializable:
    /// a reader sees the database as of its first read), so there the level is only a label.
    ///
    /// # Errors
    /// When the database cannot start the transaction.
    pub async fn begin_at(&self, level: Level) -> Result<Tx, DbErr> {
        let sqlite = self.backend() == DbBackend::Sqlite;
        let sql = match (sqlite, level) {
            (true, _) => "BEGIN",
            (false, Level::ReadCommitted) => "BEGIN ISOLATION LEVEL READ COMMITTED",
            (false, Level::RepeatableRead) => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        };
        let options = TransactionOptions {
            isolation_level: (!sqlite).then_some(match level {
                Level::ReadCommitted => IsolationLevel::ReadCommitted,
                Level::RepeatableRead => IsolationLevel::RepeatableRead,
            }),
            ..TransactionOptions::default()
        };
        self.begin_on(&self.conn, sql, options).await
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite, so that a transaction which
    /// reads before it writes waits for the writer lock up front instead of failing with
    /// "database is locked"; a plain `BEGIN` (READ COMMITTED) on PostgreSQL.
    ///
    /// # Errors
    /// When the database cannot start the transaction (for SQLite, when the writer lock stays
    /// taken beyond the busy timeout).
    pub async fn begin_write(&self) -> Result<Tx, DbErr> {
        let (sql, options) = match self.backend() {
            DbBackend::Sqlite => (
                "BEGIN IMMEDIATE",
                TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..TransactionOptions::default()
                },
            ),
            _ => ("BEGIN", TransactionOptions::default()),
        };
        // MySQL/MariaDB: InnoDB's own default, REPEATABLE READ; a write takes its row locks
        // (and a conditional UPDATE reads the latest row) whatever the level.
        let conn = self.writer.as_ref().unwrap_or(&self.conn);
        self.begin_on(conn, sql, options).await
    }

    /// Begins on `conn` with `options`, recorded as `sql` (SeaORM's callback never reports a
    /// BEGIN): the transaction gets its number in the SQL log.
    async fn begin_on(
        &self,
        conn: &DatabaseConnection,
        sql: &'static str,
        options: TransactionOptions,
    ) -> Result<Tx, DbErr> {
        let start = Instant::now();
        let result = conn.begin_with_options(options).await;
        set_tx(Some(record::next_tx()));
        self.recorder.record(&SqlEvent::Begin {
            sql,
            elapsed: start.elapsed(),
            failed: result.is_err(),
        });
        if result.is_err() {
            set_tx(None);
        }
        Ok(Tx {
            inner: Some(result?),
            recorder: self.recorder.clone(),
        })
    }
}
