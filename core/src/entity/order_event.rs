//! The transactional outbox: `order_events`, written in the same transaction as the change.

use sea_orm::entity::prelude::*;

/// A row of `order_events`; `payload` is JSON text.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub event_type: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// When the broker confirmed it (`orderdesk relay`); `None` until then.
    pub published_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "order_id", to = "id")]
    pub order: BelongsTo<super::order::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
