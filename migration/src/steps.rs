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
