//! Something to sell: `products`. A NULL stock means stock is not tracked.

use sea_orm::entity::prelude::*;

/// A row of `products`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub price_cents: i64,
    pub stock: Option<i64>,
    #[sea_orm(has_many)]
    pub order_items: HasMany<super::order_item::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
