//! Search keys: the folded text the list filters compare (see `crate::fold`), filled in for
//! rows that were written without one.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Error, finish};
use crate::db::Db;
use crate::entity::{product, user};
use crate::fold;

/// Rows filled per write transaction (short, so that no writer waits long behind it).
const BATCH: u64 = 500;

/// Writes each row's key in one UPDATE, in a write transaction of its own; how many it wrote.
async fn write_keys<E: EntityTrait>(
    db: &Db,
    id: E::Column,
    key: E::Column,
    keys: &[(i64, String)],
) -> Result<u64, Error> {
    let tx = db.begin_write().await?;
    let result = E::update_many()
        .col_expr(key, super::by_id(id, keys))
        .filter(id.is_in(keys.iter().map(|(id, _)| *id)))
        .exec(&*tx)
        .await
        .map_err(Error::from);
    Ok(finish(tx, result).await?.rows_affected)
}

/// Fills the search key of every user and product that has none (rows the learning version or
/// another program wrote, or that were there before migration 6), in batches; returns how many.
/// Reading which rows lack one costs a look at a partial index, nothing when all have one.
///
/// # Errors
/// A database failure.
pub async fn fill_search_keys(db: &Db) -> Result<u64, Error> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String, String)> = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::Email,
                user::Column::FullName,
            ])
            .filter(user::Column::SearchKey.is_null())
            .order_by_asc(user::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db.reader())
            .await?;
        if rows.is_empty() {
            break;
        }
        let keys: Vec<(i64, String)> = rows
            .iter()
            .map(|(id, email, name)| (*id, fold::user_key(email, name)))
            .collect();
        filled += write_keys::<user::Entity>(db, user::Column::Id, user::Column::SearchKey, &keys)
            .await?;
    }
    loop {
        let rows: Vec<(i64, String)> = product::Entity::find()
            .select_only()
            .columns([product::Column::Id, product::Column::Name])
            .filter(product::Column::SearchKey.is_null())
            .order_by_asc(product::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db.reader())
            .await?;
        if rows.is_empty() {
            break;
        }
        let keys: Vec<(i64, String)> = rows
            .iter()
            .map(|(id, name)| (*id, fold::fold(name)))
            .collect();
        filled += write_keys::<product::Entity>(
            db,
            product::Column::Id,
            product::Column::SearchKey,
            &keys,
        )
        .await?;
    }
    Ok(filled)
}
