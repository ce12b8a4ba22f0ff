//! `api_tokens`: a bearer token `serve` accepts, stored as its SHA-256 only.

use sea_orm::entity::prelude::*;

/// A row of `api_tokens`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The SHA-256 of the token, in hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The token's first characters, to recognise it by in a list.
    pub prefix: String,
    pub read_only: bool,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
