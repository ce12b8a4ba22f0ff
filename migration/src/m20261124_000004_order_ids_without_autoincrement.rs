//! SQLite: orders, `order_items` and `order_events` without `AUTOINCREMENT` (PostgreSQL: nothing).
//!
//! `AUTOINCREMENT` makes SQLite read and rewrite its `sqlite_sequence` table on every INSERT, so
//! each order wrote one more page to the WAL and did three more updates, about 8% of what
//! `create_order` costs SQLite. What it buys is that the id of a deleted row is never given out
//! again, and rows of these tables are never deleted (an order is cancelled, not removed; its
//! items and events go only with it). Without it SQLite gives a new row the largest id plus one,
//! as the learning version's tables always did. Users and products, which can be deleted, keep
//! it.
//!
//! SQLite cannot change a table's primary key in place, so the three tables are rebuilt in one
//! transaction: renamed aside (`legacy_alter_table`, so that the foreign keys that name them
//! are left as they are), created anew, copied, and the old ones dropped. On a database of a
//! million orders that takes about 10 s (release build), once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261124_000004_order_ids_without_autoincrement"
    }
}

/// The three tables as migration 1 makes them on SQLite, with `{key}` for the primary key's
/// keywords, children after their parent.
const TABLES: [(&str, &str, &str); 3] = [
    (
        "orders",
        r#"CREATE TABLE "orders" ( "id" integer NOT NULL PRIMARY KEY{key}, "user_id" integer NOT NULL, "status" varchar(32) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled')), "created_at" timestamp_with_timezone_text NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamp_with_timezone_text NOT NULL DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE RESTRICT )"#,
        r#"CREATE INDEX "ix_orders_user_id_status" ON "orders" ("user_id", "status")"#,
    ),
    (
        "order_items",
        r#"CREATE TABLE "order_items" ( "id" integer NOT NULL PRIMARY KEY{key}, "order_id" integer NOT NULL, "product_id" integer NOT NULL, "quantity" integer NOT NULL CHECK ("quantity" > 0), "price_cents_at_purchase" integer NOT NULL CHECK ("price_cents_at_purchase" >= 0), FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE, FOREIGN KEY ("product_id") REFERENCES "products" ("id") ON DELETE RESTRICT )"#,
        r#"CREATE INDEX "ix_order_items_order_id" ON "order_items" ("order_id")"#,
    ),
    (
        "order_events",
        r#"CREATE TABLE "order_events" ( "id" integer NOT NULL PRIMARY KEY{key}, "order_id" integer NOT NULL, "event_type" varchar(64) NOT NULL, "payload" text NOT NULL DEFAULT '{}', "created_at" timestamp_with_timezone_text NOT NULL DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE )"#,
        r#"CREATE INDEX "ix_order_events_order_id" ON "order_events" ("order_id")"#,
    ),
];

/// Rebuilds the three tables with `key` after `PRIMARY KEY`, keeping every row and id.
async fn rebuild(manager: &SchemaManager<'_>, key: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let tx = manager.get_connection().begin().await?;
    // With the legacy rename, the foreign keys of the other tables keep naming "orders" and so
    // point at the new table once it exists; dropping the renamed old tables then deletes
    // nothing through them (no ON DELETE CASCADE into the copies).
    tx.execute_unprepared("PRAGMA legacy_alter_table = ON")
        .await?;
    for (table, _, _) in TABLES {
        tx.execute_unprepared(&format!(
            r#"ALTER TABLE "{table}" RENAME TO "{table}_rebuilt""#
        ))
        .await?;
    }
    for (table, create, _) in TABLES {
        tx.execute_unprepared(&create.replace("{key}", key)).await?;
        tx.execute_unprepared(&format!(
            r#"INSERT INTO "{table}" SELECT * FROM "{table}_rebuilt" ORDER BY "id""#
        ))
        .await?;
    }
    for (table, _, _) in TABLES.iter().rev() {
        tx.execute_unprepared(&format!(r#"DROP TABLE "{table}_rebuilt""#))
            .await?;
    }
    for (_, _, index) in TABLES {
        tx.execute_unprepared(index).await?;
    }
    tx.execute_unprepared("PRAGMA legacy_alter_table = OFF")
        .await?;
    tx.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, "").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, " AUTOINCREMENT").await
    }
}
