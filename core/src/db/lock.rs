//! A lock that one process at a time holds on a database, for as long as it lives: the relay's,
//! so that only one relay publishes a database's events. It is held on a connection of its own,
//! outside the pool (a pooled connection goes back to the pool and could be closed there), and
//! let go by the server when that connection ends, however the process ends:
//!
//! - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`), per database;
//! - MariaDB: `GET_LOCK`, which is server-wide, so its name carries the database's;
//! - SQLite: an exclusive lock on a file beside the database's (`shop.db.relay.lock`), let go by
//!   the operating system when the process ends.

use sea_orm::{ConnectionTrait as _, DbBackend, DbErr, Statement};

use super::{Db, sqlite_path};

/// A lock this process holds; let go when dropped (or when the process ends).
pub struct HeldLock {
    /// The lock's name.
    name: String,
    /// The connection that holds it (PostgreSQL, MariaDB).
    holder: Option<Db>,
    /// The locked file (SQLite).
    _file: Option<std::fs::File>,
}

impl std::fmt::Debug for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldLock").finish_non_exhaustive()
    }
}

impl Db {
    /// Takes the lock `name` on this database if nobody holds it: `Ok(None)` when another
    /// process does. Never waits.
    ///
    /// # Errors
    /// The database (or the lock file) cannot be reached.
    pub async fn try_lock(&self, name: &str) -> Result<Option<HeldLock>, DbErr> {
        let backend = self.backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT pg_try_advisory_lock(hashtext(current_database() || '.' || $1))"
            }
            DbBackend::MySql => {
                "SELECT CAST(COALESCE(GET_LOCK(LEFT(CONCAT('orderdesk.', DATABASE(), '.', ?), 64), 0), 0) AS SIGNED)"
            }
            _ => return self.try_lock_file(name),
        };
        let holder = self.held().await?;
        let got = holder
            .reader()
            .query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
            .await?
            .map(|row| flag(&row, backend))
            .transpose()?
            .unwrap_or(false);
        if got {
            Ok(Some(HeldLock {
                name: name.to_owned(),
                holder: Some(holder),
                _file: None,
            }))
        } else {
            let _ = holder.close().await;
            Ok(None)
        }
    }

    fn try_lock_file(&self, name: &str) -> Result<Option<HeldLock>, DbErr> {
        let path = sqlite_path(&self.url).ok_or_else(|| {
            DbErr::Custom("a lock needs a database file (not :memory:)".to_owned())
        })?;
        let mut lock_path = path.into_os_string();
        lock_path.push(format!(".{name}.lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                DbErr::Custom(format!("cannot open {}: {e}", lock_path.to_string_lossy()))
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Some(HeldLock {
                name: name.to_owned(),
                holder: None,
                _file: Some(file),
            })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(DbErr::Custom(format!(
                "cannot lock {}: {e}",
                lock_path.to_string_lossy()
            ))),
        }
    }
}

impl HeldLock {
    /// Whether the lock is still held, asked on its own connection: a server restart ends the
    /// session, and the lock with it, while the pool of one would quietly open a new session.
    pub async fn still_held(&self) -> bool {
        let Some(holder) = &self.holder else {
            return true;
        };
        let backend = holder.backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
                 AND granted AND pid = pg_backend_pid()) AND $1 <> ''"
            }
            _ => {
                "SELECT CAST(COALESCE(IS_USED_LOCK(LEFT(CONCAT('orderdesk.', DATABASE(), '.', ?), \
                 64)) = CONNECTION_ID(), 0) AS SIGNED)"
            }
        };
        holder
            .reader()
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [self.name.clone().into()],
            ))
            .await
            .ok()
            .flatten()
            .and_then(|row| flag(&row, backend).ok())
            .unwrap_or(false)
    }
}

/// A yes or no in the first column: a boolean, on MariaDB an integer 1 or 0.
fn flag(row: &sea_orm::QueryResult, backend: DbBackend) -> Result<bool, DbErr> {
    if backend == DbBackend::MySql {
        Ok(row.try_get_by_index::<i64>(0)? == 1)
    } else {
        row.try_get_by_index::<bool>(0)
    }
}
