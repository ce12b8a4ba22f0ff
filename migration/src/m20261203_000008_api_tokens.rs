//! `api_tokens`: the bearer tokens `serve` accepts (`orderdesk token create|list|revoke`). Only
//! a token's SHA-256 is stored, with a short prefix to recognise it by; a revoked token keeps
//! its row (with when it was revoked), so the API stays closed once it has had a token.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_pk_auto, boolean, string};

use crate::steps::{Moments, create_table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m20261203_000008_api_tokens"
    }
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    TokenHash,
    Prefix,
    ReadOnly,
    CreatedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let moment = Moments::of(manager);
        create_table(
            manager,
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(string(ApiTokens::Name))
                .col(string(ApiTokens::TokenHash).unique_key())
                .col(string(ApiTokens::Prefix))
                .col(boolean(ApiTokens::ReadOnly))
                .col(moment.required(ApiTokens::CreatedAt))
                .col(moment.optional(ApiTokens::RevokedAt)),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await
    }
}
