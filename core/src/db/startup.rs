//! What start-up checks before orderdesk works on a database, and what `doctor` reports: tables
//! of something else, the migrations, the row counts; and the migrations themselves.

use sea_orm::{DbBackend, DbErr};

use migration::{Migrator, MigratorTrait};

use super::Db;

/// The tables of a database that orderdesk has never migrated, when it has any: a database that
/// holds something else (another project's, or the learning version's own tables), where
/// orderdesk must not create its tables unasked. Empty for an empty database and for one that
/// orderdesk migrated.
///
/// # Errors
/// When the catalogue cannot be read.
pub async fn foreign_tables(db: &Db) -> Result<Vec<String>, DbErr> {
    use sea_orm::ConnectionTrait as _;
    let sql = match db.backend() {
        DbBackend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             ORDER BY table_name"
        }
        DbBackend::MySql => {
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' \
             ORDER BY table_name"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
    };
    let mut tables = Vec::new();
    for row in db
        .conn
        .query_all_raw(sea_orm::Statement::from_string(db.backend(), sql))
        .await?
    {
        tables.push(row.try_get_by_index::<String>(0)?);
    }
    if tables.iter().any(|t| t == "seaql_migrations") {
        return Ok(Vec::new());
    }
    Ok(tables)
}

/// What `orderdesk doctor` reports of a database it opened (without migrating it).
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The server's version (SQLite's library version for a file).
    pub server_version: String,
    /// Each migration and whether it is applied.
    pub migrations: Vec<(String, bool)>,
    /// Tables of something else, when orderdesk never migrated the database.
    pub foreign_tables: Vec<String>,
    /// Rows per table of orderdesk's, when its tables are there.
    pub counts: Option<std::collections::BTreeMap<&'static str, i64>>,
}

/// Looks at a database without changing it: version, migrations, foreign tables, row counts.
///
/// # Errors
/// When the database does not answer.
pub async fn inspect(db: &Db) -> Result<Inspection, DbErr> {
    use sea_orm::ConnectionTrait as _;
    let backend = db.backend();
    let version_sql = match backend {
        DbBackend::Postgres => "SHOW server_version",
        DbBackend::MySql => "SELECT VERSION()",
        _ => "SELECT sqlite_version()",
    };
    let server_version = match db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(backend, version_sql))
        .await?
    {
        Some(row) => row.try_get_by_index::<String>(0)?,
        None => String::new(),
    };
    let server_version = match backend {
        DbBackend::Postgres => format!("PostgreSQL {server_version}"),
        // `10.11.19-MariaDB-0+deb12u1` reads `MariaDB 10.11.19-0+deb12u1`.
        DbBackend::MySql => format!("MariaDB {}", server_version.replacen("-MariaDB", "", 1)),
        _ => format!("SQLite {server_version}"),
    };
    let foreign_tables = foreign_tables(db).await?;
    let migrations = migration_status(db).await?;
    let counts = if migrations.first().is_some_and(|(_, applied)| *applied) {
        Some(row_counts(db).await?)
    } else {
        None
    };
    Ok(Inspection {
        server_version,
        migrations,
        foreign_tables,
        counts,
    })
}

/// The number of rows in each of orderdesk's data tables (users, products, orders, `order_items`,
/// `order_events)`: five `COUNT(*)`s.
///
/// # Errors
/// When the database does not answer or the tables are not there.
pub async fn row_counts(db: &Db) -> Result<std::collections::BTreeMap<&'static str, i64>, DbErr> {
    use sea_orm::ConnectionTrait as _;
    let mut counts = std::collections::BTreeMap::new();
    for table in ["users", "products", "orders", "order_items", "order_events"] {
        let row = db
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                db.backend(),
                format!(
                    "SELECT CAST(COUNT(*) AS {}) FROM {table}",
                    crate::service::int_type(db.backend())
                ),
            ))
            .await?;
        let n = match row {
            Some(row) => row.try_get_by_index::<i64>(0)?,
            None => 0,
        };
        counts.insert(table, n);
    }
    Ok(counts)
}

/// Applies every pending migration, as a start-up step: refused (with what was found and how to
/// go on) when the database holds tables that are not orderdesk's and orderdesk has never
/// migrated it. `orderdesk migrate up` is the way to add orderdesk's tables to such a database
/// on purpose.
///
/// # Errors
/// The refusal, or a failed migration.
pub async fn migrate_on_start(db: &Db) -> Result<(), StartError> {
    let foreign = foreign_tables(db).await?;
    if !foreign.is_empty() {
        return Err(StartError::Foreign {
            url: db.shown_url(),
            tables: foreign,
        });
    }
    migrate(db).await?;
    crate::service::fill_search_keys(db)
        .await
        .map_err(|e| match e {
            crate::service::Error::Db(e) => e,
            other => DbErr::Custom(other.to_string()),
        })?;
    Ok(())
}

/// Why start-up stopped before orderdesk's own work.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database holds tables of something else and none of orderdesk's.
    #[error(
        "{url} holds tables that are not orderdesk's ({}) and none of orderdesk's; nothing was \
         written. Is it the database you meant? `orderdesk --database-url URL migrate up` adds \
         orderdesk's tables beside them; otherwise give another database with --database-url",
        .tables.join(", ")
    )]
    Foreign {
        /// The database, password hidden.
        url: String,
        /// What is in it.
        tables: Vec<String>,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Refreshes the planner's statistics (`ANALYZE`, on MariaDB `ANALYZE TABLE` of the tables
/// orders are read from), as the benchmark does between its phases.
///
/// # Errors
/// A database failure.
pub async fn analyze(db: &Db) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait as _;
    let sql = if db.backend() == DbBackend::MySql {
        "ANALYZE TABLE users, products, orders, order_items, order_events"
    } else {
        "ANALYZE"
    };
    // MariaDB answers ANALYZE TABLE with a result set (a row per table): read it.
    db.conn
        .query_all_raw(sea_orm::Statement::from_string(db.backend(), sql))
        .await
        .map(|_| ())
}

/// Applies every pending migration.
///
/// # Errors
/// When a migration fails.
pub async fn migrate(db: &Db) -> Result<(), DbErr> {
    Migrator::up(&db.conn, None).await
}

/// Rolls back the last `steps` migrations (all of them with `None`).
///
/// # Errors
/// When a migration's `down` fails.
pub async fn migrate_down(db: &Db, steps: Option<u32>) -> Result<(), DbErr> {
    Migrator::down(&db.conn, steps).await
}

/// Drops orderdesk's tables through every migration's `down`, then applies them again: an
/// empty schema whose ids start at 1. Tables that are not orderdesk's are left alone.
///
/// # Errors
/// When a migration fails.
pub async fn migrate_fresh(db: &Db) -> Result<(), DbErr> {
    Migrator::reset(&db.conn).await?;
    Migrator::up(&db.conn, None).await
}

/// Each migration's name and whether it has been applied, in order; reading it creates nothing.
///
/// # Errors
/// When the migration table cannot be read.
pub async fn migration_status(db: &Db) -> Result<Vec<(String, bool)>, DbErr> {
    Ok(Migrator::get_migration_with_status_read_only(&db.conn)
        .await?
        .into_iter()
        .map(|m| {
            let applied = m.status() == migration::MigrationStatus::Applied;
            (m.name().to_owned(), applied)
        })
        .collect())
}
