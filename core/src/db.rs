//! Connecting (SQLite pragmas and pool, PostgreSQL as given), migrating, the statement recorder
//! that counts every statement and feeds the SQL log, and the transaction helper that records the
//! BEGIN, COMMIT and ROLLBACK which SeaORM's metric callback never reports.

use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
};

mod begin;
mod connect_errors;
mod lock;
mod record;
mod sandbox;
mod startup;

pub use begin::Level;
pub use connect_errors::{MARIADB_MIN, connect_reason};
use connect_errors::{check_mysql_server, explain_connect, probe_server, server_parts};
pub use lock::HeldLock;
use record::set_tx;
pub use record::{
    Action, Listener, Recorder, SqlEvent, current_action, current_function, current_tx, in_action,
    set_function,
};
pub use sandbox::{SANDBOX_PREFIX, Sandbox};
pub use sea_orm::DbBackend as Backend;
pub use startup::{
    Inspection, StartError, analyze, foreign_tables, inspect, migrate, migrate_down, migrate_fresh,
    migrate_on_start, migration_status, row_counts,
};

/// How long a SQLite connection waits for the writer lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a call waits for a pooled connection (or for the server to accept a new one)
/// before it fails with "the database did not answer".
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled PostgreSQL connection idle this long is pinged before it is handed out (a server
/// restart meanwhile would have closed it); busier ones are not.
pub const PING_IF_IDLE_FOR: Duration = Duration::from_millis(500);

/// The source of "now" for everything the service layer writes; tests and the TUI inject one.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Options for [`connect_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectConfig {
    /// The pool size; `None` picks 2 (on SQLite, beside its one writer connection).
    pub max_connections: Option<u32>,
    /// A connection held for as long as the process needs it (one holding a lock): never
    /// closed for being idle or old, as a pool otherwise does after 10 and 30 minutes, which
    /// would end the session and let its lock go.
    pub held: bool,
}

/// A connection pool with its statement recorder and clock: what every service call takes.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// SQLite with a pool of several: the one connection write transactions use (see
    /// [`Db::begin_write`]); `None` elsewhere.
    writer: Option<DatabaseConnection>,
    recorder: Arc<Recorder>,
    clock: Clock,
    url: Arc<str>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.conn.get_database_backend())
            .finish_non_exhaustive()
    }
}

impl Db {
    /// The statement recorder of this pool.
    #[must_use]
    pub fn recorder(&self) -> &Arc<Recorder> {
        &self.recorder
    }

    /// The current time by this pool's clock, in microseconds (what PostgreSQL keeps), so that
    /// both backends store the same value.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    /// The same pool with another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The pooled connection, for statements outside a transaction. Only the core reaches
    /// it: the faces call the services.
    pub(crate) fn reader(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Whether the database answers: a ping on a pooled connection (no statement is logged).
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }

    /// Which database this is, in a few words for a header: `sqlite · shop.db` (the file's
    /// name) or `postgres · host:port/database` (no user, no password).
    #[must_use]
    pub fn label(&self) -> String {
        if let Some(path) = sqlite_path(&self.url) {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            return format!("sqlite · {name}");
        }
        match server_parts(&self.url) {
            Some((host, port, _, database)) => {
                format!("{} · {host}:{port}/{database}", self.backend_name())
            }
            None => self.backend_name().to_owned(),
        }
    }

    /// The backend's name as JSON and messages give it: `sqlite`, `postgres` or `mysql`.
    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        backend_name(self.backend())
    }

    /// The database's URL with any password hidden, for messages.
    #[must_use]
    pub fn shown_url(&self) -> String {
        crate::redact::redact(&self.url)
    }

    /// Which backend this is.
    #[must_use]
    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// A connection of its own, outside this pool, to the same database, with the same recorder
    /// and clock: for a transaction that is held open (the stepper) without taking a pooled
    /// connection away.
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub async fn isolated(&self) -> Result<Db, DbErr> {
        self.own_connection(false).await
    }

    /// Like [`Db::isolated`], for a connection that holds a lock for as long as the process
    /// lives: the pool never closes it for being idle or old.
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub async fn held(&self) -> Result<Db, DbErr> {
        self.own_connection(true).await
    }

    async fn own_connection(&self, held: bool) -> Result<Db, DbErr> {
        let conn = open_pool(
            &self.url,
            ConnectConfig {
                max_connections: Some(1),
                held,
            },
        )
        .await?;
        Ok(Db {
            conn: with_recorder(conn, &self.recorder),
            writer: None,
            recorder: self.recorder.clone(),
            clock: self.clock.clone(),
            url: self.url.clone(),
        })
    }

    /// Closes the pool.
    ///
    /// # Errors
    /// When the driver reports an error while closing.
    pub async fn close(self) -> Result<(), DbErr> {
        if let Some(writer) = self.writer {
            writer.close().await?;
        }
        self.conn.close().await
    }
}

/// An open transaction that records its COMMIT or ROLLBACK; dropped unfinished, it rolls back
/// and records that too.
pub struct Tx {
    inner: Option<DatabaseTransaction>,
    recorder: Arc<Recorder>,
}

impl Deref for Tx {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        self.inner
            .as_ref()
            .expect("a transaction is open until commit or rollback consumes it")
    }
}

impl Tx {
    /// Commits.
    ///
    /// # Errors
    /// When the database refuses the COMMIT.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        let tx = self.inner.take().expect("open transaction");
        let start = Instant::now();
        let result = tx.commit().await;
        self.recorder.record(&SqlEvent::Commit {
            elapsed: start.elapsed(),
            failed: result.is_err(),
        });
        set_tx(None);
        result
    }

    /// Rolls back.
    ///
    /// # Errors
    /// When the database reports an error for the ROLLBACK.
    pub async fn rollback(mut self) -> Result<(), DbErr> {
        let tx = self.inner.take().expect("open transaction");
        let start = Instant::now();
        let result = tx.rollback().await;
        self.recorder.record(&SqlEvent::Rollback {
            elapsed: start.elapsed(),
            on_drop: false,
        });
        set_tx(None);
        result
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.inner.take().is_some() {
            self.recorder.record(&SqlEvent::Rollback {
                elapsed: Duration::ZERO,
                on_drop: true,
            });
            set_tx(None);
        }
    }
}

/// Whether a URL names a PostgreSQL database.
#[must_use]
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Whether a URL names a SQLite database (`sqlite:`).
#[must_use]
pub fn sqlite_url(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Whether a URL names a MySQL or MariaDB database (`mysql://` or `mariadb://`).
#[must_use]
pub fn is_mysql_url(url: &str) -> bool {
    url.starts_with("mysql://") || url.starts_with("mariadb://")
}

/// The backend a URL names, by its scheme (`None` for a URL of none of them).
#[must_use]
pub fn backend_of_url(url: &str) -> Option<DbBackend> {
    if url.starts_with("sqlite:") {
        Some(DbBackend::Sqlite)
    } else if is_postgres_url(url) {
        Some(DbBackend::Postgres)
    } else if is_mysql_url(url) {
        Some(DbBackend::MySql)
    } else {
        None
    }
}

/// A backend's name as JSON, `/health`, the benchmarks and messages give it: `sqlite`,
/// `postgres` or `mysql` (MariaDB included).
#[must_use]
pub fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::MySql => "mysql",
        _ => "sqlite",
    }
}

/// Connects with the default pool; see [`connect_with`].
///
/// # Errors
/// See [`connect_with`].
pub async fn connect(url: &str) -> Result<Db, DbErr> {
    connect_with(url, ConnectConfig::default()).await
}

/// Connects to `url`: a `sqlite:` URL (the file and its folder are created if missing; WAL,
/// synchronous=NORMAL, foreign keys on, a busy timeout), a `postgres://` URL, used as given, or
/// a `mysql://` or `mariadb://` URL (a MariaDB server, 10.5 or later; the session in UTC).
///
/// # Errors
/// When the URL is none of these, the folder cannot be created, the database cannot be reached
/// or the server is not one orderdesk can work with.
pub async fn connect_with(url: &str, config: ConnectConfig) -> Result<Db, DbErr> {
    // SeaORM and sqlx know the scheme `mysql` only.
    let url = &match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    if is_postgres_url(url) || is_mysql_url(url) {
        probe_server(url).await?;
    }
    let conn = open_pool(url, config)
        .await
        .map_err(|e| explain_connect(url, e))?;
    if conn.get_database_backend() == DbBackend::MySql {
        check_mysql_server(&conn, url).await?;
    }
    let recorder = Arc::new(Recorder::default());
    // SQLite lets one transaction write at a time, so write transactions share one connection:
    // they queue for it in the pool instead of in SQLite's busy handler, and it keeps its page
    // cache, which SQLite drops whenever a connection finds that another one wrote meanwhile
    // (in a pool taken in turn, that is nearly every transaction). Reads use the pool beside it.
    let writer = if url.starts_with("sqlite:")
        && !is_in_memory(url)
        && config.max_connections.is_none_or(|n| n > 1)
    {
        let writer = open_pool(
            url,
            ConnectConfig {
                max_connections: Some(1),
                held: false,
            },
        )
        .await?;
        Some(with_recorder(writer, &recorder))
    } else {
        None
    };
    Ok(Db {
        conn: with_recorder(conn, &recorder),
        writer,
        recorder,
        clock: Arc::new(Utc::now),
        url: url.as_str().into(),
    })
}

fn with_recorder(mut conn: DatabaseConnection, recorder: &Arc<Recorder>) -> DatabaseConnection {
    let sink = recorder.clone();
    conn.set_metric_callback(move |info| {
        sink.record(&SqlEvent::Statement {
            sql: &info.statement.sql,
            values: info.statement.values.as_ref(),
            elapsed: info.elapsed,
            failed: info.failed,
        });
    });
    conn
}

/// Whether a SQLite URL names an in-memory database (which has no folder, and which a second
/// pool would not share).
fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

async fn open_pool(url: &str, config: ConnectConfig) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(ACQUIRE_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT);
    if url.starts_with("sqlite:") {
        let parsed = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("database URL: {e}")))?;
        if let Some(parent) = parsed.get_filename().parent()
            && !is_in_memory(url)
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        // A connection to a local file cannot be lost, so sqlx's ping before each checkout
        // is a wasted round trip to the connection's worker thread.
        options
            .test_before_acquire(false)
            .max_connections(config.max_connections.unwrap_or(2))
            .map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
    } else if is_postgres_url(url) {
        // sqlx pings every connection it hands out, a network round trip per checkout; ping
        // only those idle long enough that the server may have gone away meanwhile.
        options.test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
        // One user's desk needs few connections, and a pool taken in turn wakes a different
        // server process for every statement: with 10 (sqlx's default) list_orders ran at
        // 1,400 calls/s here, with 2 at 2,500.
        options.max_connections(config.max_connections.unwrap_or(2));
        if config.held {
            options
                .idle_timeout(None::<Duration>)
                .max_lifetime(None::<Duration>);
        }
    } else if is_mysql_url(url) {
        // As on PostgreSQL. Every session runs in UTC, so that DATETIME columns hold UTC and
        // the server's UTC_TIMESTAMP() defaults agree with the times orderdesk writes: the one
        // place where MySQL's times are converted.
        options
            .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
            .max_connections(config.max_connections.unwrap_or(2))
            .map_sqlx_mysql_opts(|opts| opts.timezone(Some("+00:00".to_owned())));
        if config.held {
            options
                .idle_timeout(None::<Duration>)
                .max_lifetime(None::<Duration>);
        }
    } else {
        return Err(DbErr::Custom(
            "database URL: expected sqlite:PATH, postgres://... or mysql://... (mariadb://...)"
                .to_owned(),
        ));
    }
    Database::connect(options).await
}

/// The file a `sqlite:` URL names (`None` for an in-memory database or another URL).
#[must_use]
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") || is_in_memory(url) {
        return None;
    }
    SqliteConnectOptions::from_str(url)
        .ok()
        .map(|o| o.get_filename().to_path_buf())
}
