//! An order: `orders`.

use sea_orm::entity::prelude::*;

/// A row of `orders`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "user_id", to = "id")]
    pub user: BelongsTo<super::user::Entity>,
    #[sea_orm(has_many)]
    pub items: HasMany<super::order_item::Entity>,
    #[sea_orm(has_many)]
    pub events: HasMany<super::order_event::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
