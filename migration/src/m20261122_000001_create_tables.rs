//! The five tables: users, products, orders, `order_items` and `order_events`.
//!
//! The learning version's tables and columns keep their names and meaning; every column it does
//! not know has a default or is nullable, so its inserts still work.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, big_integer_null, big_pk_auto, string, string_len, text},
};

use crate::steps::{Moments, create_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    FullName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Name,
    PriceCents,
    Stock,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    UserId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Quantity,
    PriceCentsAtPurchase,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    EventType,
    Payload,
    CreatedAt,
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(name)
                .table(table)
                .col(column)
                .to_owned(),
        )
        .await
}

const STATUSES: &str = "'pending', 'confirmed', 'shipped', 'delivered', 'cancelled'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let moment = Moments::of(manager);
        create_table(
            manager,
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string(Users::Email).unique_key())
                .col(string(Users::FullName))
                .col(moment.now_by_default(Users::CreatedAt)),
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Products::Table)
                .col(big_pk_auto(Products::Id))
                .col(string(Products::Name))
                .col(
                    big_integer(Products::PriceCents).check(Expr::col(Products::PriceCents).gte(0)),
                )
                .col(big_integer_null(Products::Stock).check(Expr::col(Products::Stock).gte(0))),
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Orders::Table)
                .col(big_pk_auto(Orders::Id))
                .col(big_integer(Orders::UserId))
                .col(
                    string_len(Orders::Status, 32)
                        .default("pending")
                        .check(Expr::cust(format!("status IN ({STATUSES})"))),
                )
                .col(moment.now_by_default(Orders::CreatedAt))
                .col(moment.now_by_default(Orders::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_orders_user_id")
                        .from(Orders::Table, Orders::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                ),
        )
        .await?;
        index(manager, "ix_orders_user_id", Orders::Table, Orders::UserId).await?;

        create_table(
            manager,
            Table::create()
                .table(OrderItems::Table)
                .col(big_pk_auto(OrderItems::Id))
                .col(big_integer(OrderItems::OrderId))
                .col(big_integer(OrderItems::ProductId))
                .col(big_integer(OrderItems::Quantity).check(Expr::col(OrderItems::Quantity).gt(0)))
                .col(
                    big_integer(OrderItems::PriceCentsAtPurchase)
                        .check(Expr::col(OrderItems::PriceCentsAtPurchase).gte(0)),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_order_items_order_id")
                        .from(OrderItems::Table, OrderItems::OrderId)
                        .to(Orders::Table, Orders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_order_items_product_id")
                        .from(OrderItems::Table, OrderItems::ProductId)
                        .to(Products::Table, Products::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                ),
        )
        .await?;
        index(
            manager,
            "ix_order_items_order_id",
            OrderItems::Table,
            OrderItems::OrderId,
        )
        .await?;
        // Lets "is this product on any order?" (delete_product) and top products avoid a full scan.
        index(
            manager,
            "ix_order_items_product_id",
            OrderItems::Table,
            OrderItems::ProductId,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(OrderEvents::Table)
                .col(big_pk_auto(OrderEvents::Id))
                .col(big_integer(OrderEvents::OrderId))
                .col(string_len(OrderEvents::EventType, 64))
                .col(text(OrderEvents::Payload).default("{}"))
                .col(moment.now_by_default(OrderEvents::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_order_events_order_id")
                        .from(OrderEvents::Table, OrderEvents::OrderId)
                        .to(Orders::Table, Orders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                ),
        )
        .await?;
        index(
            manager,
            "ix_order_events_order_id",
            OrderEvents::Table,
            OrderEvents::OrderId,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderEvents::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            Products::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
