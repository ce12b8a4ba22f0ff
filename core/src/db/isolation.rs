//! Transactions at a chosen isolation level: what the isolation lesson compares.

use std::time::Instant;

use sea_orm::{DbBackend, DbErr, IsolationLevel, TransactionOptions, TransactionTrait};

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
        let start = Instant::now();
        let result = self.conn.begin_with_options(options).await;
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
