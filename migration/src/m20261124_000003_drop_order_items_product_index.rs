//! Drops `order_items(product_id)`: every order paid for it and only deleting a product used it.
//!
//! The index is in product order, so each line of a new order lands on another, random page of
//! it, and a SQLite transaction writes every page it changes to the WAL in full: an order of
//! three lines wrote about 9 pages, 3 of them this index's. Without it workload W1 on SQLite
//! pinned to one CPU ran about 15% faster (`orderdesk bench`; figures in docs/performance.md).
//!
//! What it served: deleting a product counts the product's order lines and, when there are
//! none, the foreign key checks again. Without the index both scan `order_items`: on a database of
//! a million orders deleting a product takes 0.25 s where it took under 10 ms, a rare action
//! traded for the most frequent one (the count runs before the write transaction, so only the
//! foreign key's 0.13 s holds the write lock). Lines by order keep their index
//! (`ix_order_items_order_id`).

use sea_orm_migration::prelude::*;

use crate::steps::{create_index, drop_index, is_mysql};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261124_000003_drop_order_items_product_index"
    }
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    ProductId,
}

const INDEX: &str = "ix_order_items_product_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // InnoDB needs an index on a foreign key's column, and refuses to drop this one.
        if is_mysql(manager) {
            return Ok(());
        }
        drop_index(manager, INDEX, OrderItems::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if is_mysql(manager) {
            return Ok(());
        }
        create_index(manager, INDEX, OrderItems::Table, [OrderItems::ProductId]).await
    }
}
