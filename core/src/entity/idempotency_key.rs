//! `idempotency_keys`: the answer given to a request sent with an `Idempotency-Key`.

use sea_orm::entity::prelude::*;

/// A key, scoped to its caller, with the hash of the request it came with and, once the
/// request finished, its answer (status and body).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub request_hash: String,
    pub status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub response: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
