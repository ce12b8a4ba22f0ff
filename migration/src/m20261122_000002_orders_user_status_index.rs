//! Orders by customer and status: `orders(user_id, status)` in place of `orders(user_id)`.
//!
//! The orders screen filtered by a status and by a text that matches a few customers read
//! every order of those customers to check its status (11,000 rows for 111 customers of a
//! million orders); with the status in the index it reads only the matching ones. Lookups by
//! customer alone use the index's first column, so the old index goes.

use sea_orm_migration::prelude::*;

use crate::steps::{create_index, drop_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261122_000002_orders_user_status_index"
    }
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    UserId,
    Status,
}

const OLD: &str = "ix_orders_user_id";
const NEW: &str = "ix_orders_user_id_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_index(
            manager,
            NEW,
            Orders::Table,
            [Orders::UserId, Orders::Status],
        )
        .await?;
        drop_index(manager, OLD, Orders::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_index(manager, OLD, Orders::Table, [Orders::UserId]).await?;
        drop_index(manager, NEW, Orders::Table).await
    }
}
