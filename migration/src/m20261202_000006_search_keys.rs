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
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(text_null(Users::SearchKey))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .add_column(text_null(Products::SearchKey))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(USERS_UNFOLDED)
                    .table(Users::Table)
                    .col(Users::Id)
                    .and_where(Expr::col(Users::SearchKey).is_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(PRODUCTS_UNFOLDED)
                    .table(Products::Table)
                    .col(Products::Id)
                    .and_where(Expr::col(Products::SearchKey).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, table) in [
            (USERS_UNFOLDED, Users::Table.into_iden()),
            (PRODUCTS_UNFOLDED, Products::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(index).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::SearchKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Products::Table)
                    .drop_column(Products::SearchKey)
                    .to_owned(),
            )
            .await
    }
}
