//! orderdesk's schema, one migration per file, applied in order by [`Migrator`].

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_tables;
mod m20261122_000002_orders_user_status_index;
mod m20261124_000003_drop_order_items_product_index;
mod m20261124_000004_order_ids_without_autoincrement;
mod m20261202_000005_stock_taken_and_order_stats;
mod m20261202_000006_search_keys;
mod m20261202_000007_idempotency_keys;
mod m20261203_000008_api_tokens;
mod m20261203_000009_event_publishing;
mod steps;

pub use m20261202_000005_stock_taken_and_order_stats::{
    REVENUE_SPLIT_BITS, SALES_SHARDS, STATS_SHARDS,
};

/// The list of orderdesk's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_tables::Migration),
            Box::new(m20261122_000002_orders_user_status_index::Migration),
            Box::new(m20261124_000003_drop_order_items_product_index::Migration),
            Box::new(m20261124_000004_order_ids_without_autoincrement::Migration),
            Box::new(m20261202_000005_stock_taken_and_order_stats::Migration),
            Box::new(m20261202_000006_search_keys::Migration),
            Box::new(m20261202_000007_idempotency_keys::Migration),
            Box::new(m20261203_000008_api_tokens::Migration),
            Box::new(m20261203_000009_event_publishing::Migration),
        ]
    }
}
