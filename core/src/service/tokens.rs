//! API tokens: the bearer tokens `serve` accepts. A token is 32 random bytes from the operating
//! system, shown once when created; only its SHA-256 is stored (a token has 256 bits of
//! entropy, so a fast hash is enough: nothing can be guessed from it). A revoked token keeps its
//! row, so an API that has had a token never runs open again.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Error, check_id, validate};
use crate::db::Db;
use crate::entity::api_token;

/// What every token starts with, so that a token is recognised in a config file or a leak scan.
pub const TOKEN_PREFIX: &str = "odt_";

/// How many characters of a token its list shows (the prefix and 8 more).
const SHOWN: usize = TOKEN_PREFIX.len() + 8;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Read only: `GET`.
    ReadOnly,
    /// Read and write.
    ReadWrite,
}

/// A token as `token list` shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// The id (`token revoke ID`).
    pub id: i64,
    /// Who or what it is for.
    pub name: String,
    /// Its first characters, to recognise it by.
    pub prefix: String,
    /// What it may do.
    pub access: Access,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> Self {
        ApiToken {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            access: if m.read_only {
                Access::ReadOnly
            } else {
                Access::ReadWrite
            },
            created_at: m.created_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// The stored form of a token: its SHA-256 in hex.
fn hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Creates a token named `name`; returns it with the token itself, which is not stored and
/// cannot be shown again.
///
/// # Errors
/// Validation (name), or the operating system's random source or the database failing.
pub async fn create_token(
    db: &Db,
    name: &str,
    access: Access,
) -> Result<(ApiToken, String), Error> {
    let name = validate::name("name", name)?;
    let mut secret = [0_u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| Error::invalid("token", format!("no random bytes from the system: {e}")))?;
    let mut token = String::from(TOKEN_PREFIX);
    for byte in secret {
        let _ = write!(token, "{byte:02x}");
    }
    let model = api_token::ActiveModel {
        name: Set(name),
        token_hash: Set(hash(&token)),
        prefix: Set(token[..SHOWN].to_owned()),
        read_only: Set(access == Access::ReadOnly),
        created_at: Set(db.now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db.reader())
    .await?;
    Ok((model.into(), token))
}

/// Every token, revoked ones included, oldest first.
///
/// # Errors
/// A database failure.
pub async fn list_tokens(db: &Db) -> Result<Vec<ApiToken>, Error> {
    Ok(api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db.reader())
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

/// Revokes token `id`: from now on it is refused. Revoking a revoked token changes nothing.
///
/// # Errors
/// `NotFound` for an unknown id, or a database failure.
pub async fn revoke_token(db: &Db, id: i64) -> Result<ApiToken, Error> {
    check_id("token", id)?;
    let found = api_token::Entity::find_by_id(id)
        .one(db.reader())
        .await?
        .ok_or_else(|| Error::unknown("token", id))?;
    if found.revoked_at.is_some() {
        return Ok(found.into());
    }
    let mut row: api_token::ActiveModel = found.into();
    row.revoked_at = Set(Some(db.now()));
    Ok(row.update(db.reader()).await?.into())
}

/// The token whose secret is `token`, revoked or not; `None` when there is none.
///
/// # Errors
/// A database failure.
pub async fn find_token(db: &Db, token: &str) -> Result<Option<ApiToken>, Error> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(token)))
        .one(db.reader())
        .await?
        .map(ApiToken::from))
}

/// Whether any token was ever created (then `serve` needs one on every request).
///
/// # Errors
/// A database failure.
pub async fn any_token(db: &Db) -> Result<bool, Error> {
    let first: Option<i64> = api_token::Entity::find()
        .select_only()
        .column(api_token::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db.reader())
        .await?;
    Ok(first.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_is_sha256_of_the_whole_token() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
