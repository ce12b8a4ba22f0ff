//! Units sold per product and shard, for the dashboard's top products: `product_sales`.

use sea_orm::entity::prelude::*;

/// A row of `product_sales`: the units of one product sold in the orders of one shard (order
/// id modulo `migration::SALES_SHARDS`) that are not cancelled.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_sales")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub shard: i64,
    pub units: i64,
}

impl ActiveModelBehavior for ActiveModel {}
