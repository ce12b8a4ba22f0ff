//! `users.search_key` and `products.search_key`: the text the list filters compare, folded in
//! Rust (the Unicode lowercase of the NFC form: "Ünïcode" becomes "ünïcode", accents kept).
//!
//! SQLite's `LOWER` folds ASCII only, and so does PostgreSQL's under a `C` collation, so
//! `LOWER(name) LIKE ..` found "Ünïcode" for "ünïcode" on one backend and not on the other.
//! Comparing a column folded by orderdesk gives the same rows everywhere. Rows written before
//! this migration, or later by a program that knows no such column (the learning version),
//! have none; orderdesk fills them at start, and until then the filters fall back to `LOWER`
//! for them. A partial index on the rows without one makes that check free.

use sea_orm_migration::prelude::*;

use crate::steps::{alter, drop_index, is_mysql};
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    SearchKey,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    SearchKey,
}

const USERS_UNFOLDED: &str = "ix_users_search_key_missing";
const PRODUCTS_UNFOLDED: &str = "ix_products_search_key_missing";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, id, key, index) in [
            (
                Users::Table.into_iden(),
                Users::Id.into_iden(),
                Users::SearchKey.into_iden(),
                USERS_UNFOLDED,
            ),
            (
                Products::Table.into_iden(),
                Products::Id.into_iden(),
                Products::SearchKey.into_iden(),
                PRODUCTS_UNFOLDED,
            ),
        ] {
            let column = text_null(key.clone());
            alter(
                manager,
                Table::alter().table(table.clone()).add_column(column),
            )
            .await?;
            // The rows without a key, found by id. MySQL/MariaDB have no partial index: there
            // the check at start reads the table.
            if is_mysql(manager) {
                continue;
            }
            let mut unfolded = Index::create();
            unfolded.name(index).table(table).col(id);
            manager
                .create_index(unfolded.and_where(Expr::col(key).is_null()).take())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !is_mysql(manager) {
            drop_index(manager, USERS_UNFOLDED, Users::Table).await?;
            drop_index(manager, PRODUCTS_UNFOLDED, Products::Table).await?;
        }
        alter(
            manager,
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::SearchKey),
        )
        .await?;
        alter(
            manager,
            Table::alter()
                .table(Products::Table)
                .drop_column(Products::SearchKey),
        )
        .await
    }
}
