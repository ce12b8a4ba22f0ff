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
    /// The folded name the filter compares (`crate::fold::fold`); NULL for rows written by a
    /// program that knows no such column, until orderdesk fills it.
    pub search_key: Option<String>,
    #[sea_orm(has_many)]
    pub order_items: HasMany<super::order_item::Entity>,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// Keeps `search_key` in step with the name on every insert and update.
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let Some(name) = self.name.try_as_ref() {
            let key = crate::fold::fold(name);
            self.search_key = sea_orm::ActiveValue::Set(Some(key));
        }
        Ok(self)
    }
}
