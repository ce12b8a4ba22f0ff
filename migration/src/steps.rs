//! Small steps the migrations share: an index made or dropped, a table altered.

use sea_orm_migration::prelude::*;

/// `CREATE INDEX name ON table (columns)`.
pub(crate) async fn create_index<C: IntoIndexColumn>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index).await
}

/// `DROP INDEX name` (of `table`).
pub(crate) async fn drop_index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(table).to_owned())
        .await
}

/// `ALTER TABLE ...`: a column added or dropped.
pub(crate) async fn alter(
    manager: &SchemaManager<'_>,
    statement: &mut TableAlterStatement,
) -> Result<(), DbErr> {
    manager.alter_table(statement.take()).await
}

/// Whether the migrations run on MySQL/MariaDB, whose tables and columns need saying more.
pub(crate) fn is_mysql(manager: &SchemaManager<'_>) -> bool {
    manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::MySql
}

/// `CREATE TABLE`; on MySQL/MariaDB also InnoDB, utf8mb4 and the binary collation, so that
/// text compares as on the other backends: the server's default (`utf8mb4_general_ci`) finds
/// "ünïcode" for "UNI" and takes `A@x.io` for a duplicate of `a@x.io`.
pub(crate) async fn create_table(
    manager: &SchemaManager<'_>,
    statement: &mut TableCreateStatement,
) -> Result<(), DbErr> {
    if is_mysql(manager) {
        statement
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate("utf8mb4_bin");
    }
    manager.create_table(statement.take()).await
}

/// Columns that hold a moment, per backend: SeaORM's `timestamp with time zone` on SQLite and
/// PostgreSQL, and on MySQL/MariaDB `DATETIME(6)`, microseconds in UTC (the session's time
/// zone is UTC, set where orderdesk connects; a default is `UTC_TIMESTAMP(6)`, not the
/// session's `NOW()`), where `TIMESTAMP` would keep whole seconds and end in 2038.
pub(crate) struct Moments {
    mysql: bool,
}

impl Moments {
    pub(crate) fn of(manager: &SchemaManager<'_>) -> Self {
        Self {
            mysql: is_mysql(manager),
        }
    }

    /// `NOT NULL`.
    pub(crate) fn required(&self, column: impl IntoIden) -> ColumnDef {
        let mut def = self.column(column);
        def.not_null();
        def
    }

    /// Nullable.
    pub(crate) fn optional(&self, column: impl IntoIden) -> ColumnDef {
        let mut def = self.column(column);
        def.null();
        def
    }

    /// `NOT NULL`, the time of the insert by default.
    pub(crate) fn now_by_default(&self, column: impl IntoIden) -> ColumnDef {
        let mut def = self.required(column);
        if self.mysql {
            def.default(Expr::cust("(UTC_TIMESTAMP(6))"));
        } else {
            def.default(Expr::current_timestamp());
        }
        def
    }

    fn column(&self, column: impl IntoIden) -> ColumnDef {
        let mut def = ColumnDef::new(column);
        if self.mysql {
            def.custom(Alias::new("DATETIME(6)"));
        } else {
            def.timestamp_with_time_zone();
        }
        def
    }
}

/// The integer type of `CAST(.. AS ..)`: `BIGINT`, which MySQL/MariaDB call `SIGNED` there.
pub(crate) fn cast_int(manager: &SchemaManager<'_>) -> &'static str {
    if is_mysql(manager) {
        "SIGNED"
    } else {
        "BIGINT"
    }
}
