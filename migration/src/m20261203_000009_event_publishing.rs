//! What the relay needs to deliver the outbox (`orderdesk relay`):
//!
//! - `order_events.published_at`: set once the broker confirmed the event; `NULL` until then.
//!   The relay picks its work by this marker, never by a last-id cursor: with concurrent
//!   writers an event with a lower id can commit after one with a higher id, and a cursor would
//!   pass it by for good. Events written before this migration, or by a program that knows no
//!   such column, are unpublished, so the relay delivers them too.
//! - an index on the unpublished events by id (a partial index; on MySQL/MariaDB, which have
//!   none, one on `(published_at, id)`, whose `NULL` range is the same rows in the same order);
//! - `orderdesk_meta`, one row per name, and in it `database_id`: a random identity made here,
//!   which message ids carry beside the event id, since two databases both have an event 1.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, text};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::steps::{Moments, alter, create_table, drop_index, is_mysql};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261203_000009_event_publishing"
    }
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    PublishedAt,
}

#[derive(DeriveIden)]
enum OrderdeskMeta {
    Table,
    Name,
    Value,
}

const UNPUBLISHED: &str = "ix_order_events_unpublished";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter(
            manager,
            Table::alter()
                .table(OrderEvents::Table)
                .add_column(Moments::of(manager).optional(OrderEvents::PublishedAt)),
        )
        .await?;
        let mut index = Index::create();
        index.name(UNPUBLISHED).table(OrderEvents::Table);
        if is_mysql(manager) {
            index.col(OrderEvents::PublishedAt).col(OrderEvents::Id);
        } else {
            index
                .col(OrderEvents::Id)
                .and_where(Expr::col(OrderEvents::PublishedAt).is_null());
        }
        manager.create_index(index.take()).await?;

        create_table(
            manager,
            Table::create()
                .table(OrderdeskMeta::Table)
                .col(string_len(OrderdeskMeta::Name, 64).primary_key())
                .col(text(OrderdeskMeta::Value)),
        )
        .await?;
        let random = match manager.get_database_backend() {
            DbBackend::Postgres => "md5(random()::text || clock_timestamp()::text)",
            DbBackend::MySql => "REPLACE(UUID(), '-', '')",
            _ => "lower(hex(randomblob(16)))",
        };
        let conn = manager.get_connection();
        conn.execute_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("INSERT INTO orderdesk_meta (name, value) VALUES ('database_id', {random})"),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrderdeskMeta::Table).to_owned())
            .await?;
        drop_index(manager, UNPUBLISHED, OrderEvents::Table).await?;
        alter(
            manager,
            Table::alter()
                .table(OrderEvents::Table)
                .drop_column(OrderEvents::PublishedAt),
        )
        .await
    }
}
