//! What each order line took from stock, and the running figures of `orderdesk stats`.
//!
//! - `order_items.stock_taken`: the units the line took from its product's tracked stock when
//!   the order was placed (0 for a product whose stock was not tracked). Cancelling gives back
//!   exactly this, not the line's quantity: a product that became tracked after the order was
//!   placed gets nothing back that it never gave. Lines written before this migration are
//!   taken to have taken their quantity when their product is tracked now (what cancel did
//!   until then); rows the learning version writes get the default, 0.
//! - `order_stats`: one row per shard (an order's shard is its id modulo [`STATS_SHARDS`]), with
//!   the number of orders in each status, the revenue of the orders that are not cancelled
//!   (split in two so that no sum overflows: the revenue is `revenue_hi * 2^30 + revenue_lo`),
//!   and the summed milliseconds from placing to delivery of the delivered orders. The service
//!   layer keeps it in the same transaction as every order it writes; with one row per shard,
//!   concurrent writers seldom wait for each other's row.
//! - `product_sales`: units sold per product and shard (id modulo [`SALES_SHARDS`]), orders
//!   that are not cancelled.
//!
//! Both are filled here from the rows already present (on a million orders a few seconds, once).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::steps::{alter, cast_int, create_table, is_mysql};

/// How many rows `order_stats` has: an order's row is its id modulo this. Writers that run at
/// the same time have ids close together, so with more rows than writers they never wait for
/// each other's row (docs/performance.md: 16 and 64 measured the same with 32 writers on
/// PostgreSQL; the cost there is the extra rows written, not waiting).
pub const STATS_SHARDS: i64 = 64;

/// How many rows per product `product_sales` has (an order's is its id modulo this): two
/// concurrent orders wait for each other only when they share a product and a shard, and the
/// dashboard's top products read `products x SALES_SHARDS` rows.
pub const SALES_SHARDS: i64 = 8;

/// `revenue_hi` counts units of this many cents.
pub const REVENUE_SPLIT_BITS: u32 = 30;

/// The statuses, which are also `order_stats`' count columns.
const STATUSES: [&str; 5] = ["pending", "confirmed", "shipped", "delivered", "cancelled"];

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261202_000005_stock_taken_and_order_stats"
    }
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    StockTaken,
}

#[derive(DeriveIden)]
enum OrderStats {
    Table,
    Shard,
    RevenueHi,
    RevenueLo,
    DeliveryMs,
}

#[derive(DeriveIden)]
enum ProductSales {
    Table,
    ProductId,
    Shard,
    Units,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

async fn run(manager: &SchemaManager<'_>, sql: String) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .map(|_| ())
}

fn zero(column: impl IntoIden) -> ColumnDef {
    big_integer(column).default(0).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let stock_taken = zero(OrderItems::StockTaken)
            .check(Expr::col(OrderItems::StockTaken).gte(0))
            .to_owned();
        alter(
            manager,
            Table::alter()
                .table(OrderItems::Table)
                .add_column(stock_taken),
        )
        .await?;
        run(
            manager,
            "UPDATE order_items SET stock_taken = quantity \
             WHERE product_id IN (SELECT id FROM products WHERE stock IS NOT NULL)"
                .to_owned(),
        )
        .await?;

        let mut stats = Table::create();
        stats
            .table(OrderStats::Table)
            .col(big_integer(OrderStats::Shard).primary_key());
        for status in STATUSES {
            stats.col(zero(Alias::new(status)));
        }
        stats
            .col(zero(OrderStats::RevenueHi))
            .col(zero(OrderStats::RevenueLo))
            .col(zero(OrderStats::DeliveryMs));
        create_table(manager, &mut stats).await?;

        create_table(
            manager,
            Table::create()
                .table(ProductSales::Table)
                .col(big_integer(ProductSales::ProductId))
                .col(big_integer(ProductSales::Shard))
                .col(zero(ProductSales::Units))
                .primary_key(
                    Index::create()
                        .col(ProductSales::ProductId)
                        .col(ProductSales::Shard),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_product_sales_product_id")
                        .from(ProductSales::Table, ProductSales::ProductId)
                        .to(Products::Table, Products::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                ),
        )
        .await?;
        fill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProductSales::Table.into_iden(),
            OrderStats::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        alter(
            manager,
            Table::alter()
                .table(OrderItems::Table)
                .drop_column(OrderItems::StockTaken),
        )
        .await
    }
}

/// Fills `order_stats` and `product_sales` from the orders already present.
async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let backend = manager.get_database_backend();
    let int = cast_int(manager);
    let counts: Vec<String> = STATUSES
        .iter()
        .map(|s| format!("CAST(SUM(CASE WHEN status = '{s}' THEN 1 ELSE 0 END) AS {int})"))
        .collect();
    run(
        manager,
        format!(
            "INSERT INTO order_stats (shard, {}) \
             SELECT id % {STATS_SHARDS}, {} FROM orders GROUP BY id % {STATS_SHARDS}",
            STATUSES.join(", "),
            counts.join(", ")
        ),
    )
    .await?;
    // Shards without orders still get their row: writers update it, never insert it.
    for shard in 0..STATS_SHARDS {
        run(
            manager,
            format!(
                "INSERT INTO order_stats (shard) SELECT {shard} {dual}WHERE NOT EXISTS \
                 (SELECT 1 FROM order_stats WHERE shard = {shard})",
                dual = if is_mysql(manager) { "FROM DUAL " } else { "" }
            ),
        )
        .await?;
    }
    let mask = (1_i64 << REVENUE_SPLIT_BITS) - 1;
    run(
        manager,
        format!(
            "UPDATE order_stats SET \
             revenue_hi = COALESCE((SELECT CAST(SUM((i.quantity * i.price_cents_at_purchase) >> {REVENUE_SPLIT_BITS}) AS {int}) \
               FROM order_items i JOIN orders o ON o.id = i.order_id \
               WHERE o.status <> 'cancelled' AND o.id % {STATS_SHARDS} = order_stats.shard), 0), \
             revenue_lo = COALESCE((SELECT CAST(SUM((i.quantity * i.price_cents_at_purchase) & {mask}) AS {int}) \
               FROM order_items i JOIN orders o ON o.id = i.order_id \
               WHERE o.status <> 'cancelled' AND o.id % {STATS_SHARDS} = order_stats.shard), 0)"
        ),
    )
    .await?;
    let millis = match backend {
        DbBackend::Postgres => "ROUND(EXTRACT(EPOCH FROM (e.created_at - o.created_at)) * 1000)",
        DbBackend::MySql => "ROUND(TIMESTAMPDIFF(MICROSECOND, o.created_at, e.created_at) / 1000)",
        _ => "ROUND((julianday(e.created_at) - julianday(o.created_at)) * 86400000.0)",
    };
    run(
        manager,
        format!(
            "UPDATE order_stats SET delivery_ms = COALESCE((SELECT CAST(SUM({millis}) AS {int}) \
             FROM order_events e JOIN orders o ON o.id = e.order_id \
             WHERE o.status = 'delivered' AND e.event_type = 'order_status_updated' \
             AND e.payload LIKE '%\"to\":\"delivered\"%' \
             AND o.id % {STATS_SHARDS} = order_stats.shard), 0)"
        ),
    )
    .await?;
    run(
        manager,
        format!(
            "INSERT INTO product_sales (product_id, shard, units) \
             SELECT i.product_id, o.id % {SALES_SHARDS}, CAST(SUM(i.quantity) AS {int}) \
             FROM order_items i JOIN orders o ON o.id = i.order_id \
             WHERE o.status <> 'cancelled' GROUP BY i.product_id, o.id % {SALES_SHARDS}"
        ),
    )
    .await
}
