//! One line of an order, with the price captured at purchase: `order_items`.

use sea_orm::entity::prelude::*;

/// A row of `order_items`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub quantity: i64,
    pub price_cents_at_purchase: i64,
    /// Units the line took from its product's tracked stock when it was placed (0: untracked);
    /// what a cancel gives back.
    pub stock_taken: i64,
    #[sea_orm(belongs_to, from = "order_id", to = "id")]
    pub order: BelongsTo<super::order::Entity>,
    #[sea_orm(belongs_to, from = "product_id", to = "id")]
    pub product: BelongsTo<super::product::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
