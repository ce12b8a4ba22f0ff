//! Idempotency keys: a request sent again with the same key and body gets the first answer and
//! writes nothing; the same key with another body is refused. The faces (`serve`) claim a key
//! before running a request and save its answer after.

use chrono::Duration;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, SqlErr};

use super::{Error, finish};
use crate::db::Db;
use crate::entity::idempotency_key;

/// How long a key and its answer are kept.
pub const KEEP_KEYS: Duration = Duration::hours(24);

/// The longest key accepted.
pub const MAX_KEY: usize = 255;

/// What a key's claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or expired): the caller runs the request and saves its answer.
    Fresh,
    /// The request already ran: its answer.
    Done {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: String,
    },
    /// The key came before with another request.
    OtherRequest,
    /// The first request with this key is still running (or never saved its answer).
    InFlight,
}

/// Claims `key` for a request whose hash is `request_hash`, in `scope` (the caller's token or
/// subject; keys of different callers never meet).
///
/// # Errors
/// Validation (an empty or overlong key, or one with control characters) or a database failure.
pub async fn claim_key(
    db: &Db,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> Result<Claim, Error> {
    if key.is_empty() || key.chars().count() > MAX_KEY || key.chars().any(char::is_control) {
        return Err(Error::invalid(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY} printable characters"),
        ));
    }
    let now = db.now();
    let tx = db.begin_write().await?;
    let result = async {
        let found = idempotency_key::Entity::find_by_id((scope.to_owned(), key.to_owned()))
            .one(&*tx)
            .await?;
        match found {
            Some(row) if row.created_at > now - KEEP_KEYS => {
                return Ok(if row.request_hash != request_hash {
                    Claim::OtherRequest
                } else if let (Some(status), Some(body)) = (row.status, row.response) {
                    Claim::Done {
                        status: u16::try_from(status).unwrap_or(500),
                        body,
                    }
                } else {
                    Claim::InFlight
                });
            }
            Some(_) => {
                idempotency_key::Entity::delete_by_id((scope.to_owned(), key.to_owned()))
                    .exec(&*tx)
                    .await?;
            }
            None => {}
        }
        let insert = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
            scope: Set(scope.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            status: Set(None),
            response: Set(None),
            created_at: Set(now),
        });
        // A request that claimed the key meanwhile wins. MySQL has no DO NOTHING, and its
        // stand-in (`ON DUPLICATE KEY UPDATE scope = scope`) counts the row it matched as
        // written, so there the duplicate is refused and the refusal read; a refused statement
        // leaves a MySQL transaction open, where it would end PostgreSQL's.
        if db.backend() == sea_orm::DbBackend::MySql {
            return match insert.exec_without_returning(&*tx).await {
                Ok(_) => Ok(Claim::Fresh),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    Ok(Claim::InFlight)
                }
                Err(e) => Err(e.into()),
            };
        }
        let inserted = insert
            .on_conflict(
                OnConflict::columns([idempotency_key::Column::Scope, idempotency_key::Column::Key])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&*tx)
            .await?;
        Ok(if inserted == 1 {
            Claim::Fresh
        } else {
            Claim::InFlight
        })
    }
    .await;
    finish(tx, result).await
}

/// Saves the answer of the request that claimed `key`.
///
/// # Errors
/// A database failure.
pub async fn save_answer(
    db: &Db,
    scope: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), Error> {
    let tx = db.begin_write().await?;
    let result = idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::Status,
            sea_orm::sea_query::Expr::value(i32::from(status)),
        )
        .col_expr(
            idempotency_key::Column::Response,
            sea_orm::sea_query::Expr::value(body.to_owned()),
        )
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(&*tx)
        .await
        .map(drop)
        .map_err(Error::from);
    finish(tx, result).await
}

/// Lets `key` go without an answer (the request failed in a way a retry may cure: the
/// database did not answer), so that a retry runs it again.
///
/// # Errors
/// A database failure.
pub async fn release_key(db: &Db, scope: &str, key: &str) -> Result<(), Error> {
    let tx = db.begin_write().await?;
    let result = idempotency_key::Entity::delete_by_id((scope.to_owned(), key.to_owned()))
        .exec(&*tx)
        .await
        .map(drop)
        .map_err(Error::from);
    finish(tx, result).await
}
