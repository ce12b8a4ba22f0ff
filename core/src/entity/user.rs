//! A customer: `users`.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub full_name: String,
    pub created_at: DateTimeUtc,
    /// The folded email and name the filter compares (`crate::fold::user_key`); NULL for rows
    /// written by a program that knows no such column, until orderdesk fills it.
    pub search_key: Option<String>,
    #[sea_orm(has_many)]
    pub orders: HasMany<super::order::Entity>,
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// Keeps `search_key` in step with the email and name on every insert and update.
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let (Some(email), Some(name)) = (self.email.try_as_ref(), self.full_name.try_as_ref()) {
            let key = crate::fold::user_key(email, name);
            self.search_key = sea_orm::ActiveValue::Set(Some(key));
        }
        Ok(self)
    }
}
