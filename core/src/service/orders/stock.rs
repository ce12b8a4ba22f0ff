//! Stock taken by an order and given back by a cancel: conditional UPDATEs, never a read and a
//! write. PostgreSQL and SQLite learn which rows changed from `RETURNING id`; MariaDB has no
//! `UPDATE ... RETURNING`, so there each product is taken by an UPDATE of its own (its count of
//! changed rows says whether it was), and a cancel locks the tracked rows it gives back to.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Takes the units of every tracked product the order asks for, with a conditional UPDATE
/// (`stock = stock - wanted WHERE stock >= wanted`), or fails with `OutOfStock` naming the
/// product that is short and the lines that ask for it.
///
/// Lines of one product are summed first, so an order cannot take more than the stock by
/// splitting it over lines, and a refusal names them all with their sum; the caller's
/// transaction rolls the UPDATEs back on a refusal.
///
/// - PostgreSQL and SQLite: one UPDATE of all the products, `RETURNING` the ids it changed.
/// - MariaDB: one UPDATE per product, in id order (so that two orders lock shared products in
///   the same order and never deadlock), each telling by its count of changed rows.
pub(super) async fn take_stock(
    conn: &impl ConnectionTrait,
    lines: &[Line<'_>],
) -> Result<(), Error> {
    let mut wanted = units_by_product(lines.iter().filter(|l| l.product.stock.is_some()));
    if wanted.is_empty() {
        return Ok(());
    }
    let short = if conn.get_database_backend() == DbBackend::MySql {
        wanted.sort_unstable();
        let mut short = None;
        for &(id, units) in &wanted {
            let update = product::Entity::update_many()
                .col_expr(
                    product::Column::Stock,
                    Expr::col(product::Column::Stock).sub(units),
                )
                .filter(product::Column::Id.eq(id))
                .filter(Expr::col(product::Column::Stock).gte(units));
            if update.exec(conn).await?.rows_affected == 0 {
                short = Some((id, units));
                break;
            }
        }
        short
    } else {
        let amount = by_product(&wanted);
        let update = product::Entity::update_many()
            .col_expr(
                product::Column::Stock,
                Expr::col(product::Column::Stock).sub(amount.clone()),
            )
            .filter(match wanted.as_slice() {
                [(id, _)] => product::Column::Id.eq(*id),
                _ => product::Column::Id.is_in(wanted.iter().map(|(id, _)| *id)),
            })
            .filter(Expr::col(product::Column::Stock).gte(amount));
        let taken = updated_ids(conn, update).await?;
        wanted.into_iter().find(|(id, _)| !taken.contains(id))
    };
    let Some((short, requested)) = short else {
        return Ok(());
    };
    // What the product holds now. On MariaDB a plain read would see the transaction's snapshot,
    // taken at its first read, not the row the UPDATE saw: read it as the UPDATE did.
    let mut find = product::Entity::find_by_id(short);
    if conn.get_database_backend() == DbBackend::MySql {
        find = find.lock_exclusive();
    }
    let available = find.one(conn).await?.and_then(|p| p.stock).unwrap_or(0);
    let of_product: Vec<&Line<'_>> = lines
        .iter()
        .filter(|l| l.item.product_id == short)
        .collect();
    let first = of_product[0];
    Err(Error::OutOfStock {
        field: line_field(first.number),
        product_id: short,
        name: first.product.name.clone(),
        available,
        requested,
        lines: of_product.iter().map(|l| l.number).collect(),
    })
}

/// Gives `(product, units)` back to the products whose stock is tracked and returns those
/// products' ids (a product no longer tracked gets nothing).
///
/// - PostgreSQL and SQLite: one UPDATE, `RETURNING` the ids it changed.
/// - MariaDB: the tracked rows locked and read first (`FOR UPDATE`, so none becomes tracked or
///   untracked before the UPDATE), then the UPDATE.
pub(super) async fn give_back_stock(
    conn: &impl ConnectionTrait,
    units: &[(i64, i64)],
) -> Result<Vec<i64>, Error> {
    let update = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).add(by_product(units)),
        )
        .filter(product::Column::Id.is_in(units.iter().map(|(p, _)| *p)))
        .filter(product::Column::Stock.is_not_null());
    if conn.get_database_backend() != DbBackend::MySql {
        return updated_ids(conn, update).await;
    }
    let tracked: Vec<i64> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .filter(product::Column::Id.is_in(units.iter().map(|(p, _)| *p)))
        .filter(product::Column::Stock.is_not_null())
        .order_by_asc(product::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .all(conn)
        .await?;
    if !tracked.is_empty() {
        update.exec(conn).await?;
    }
    Ok(tracked)
}

/// Runs an UPDATE of products and returns the ids of the rows it changed (`RETURNING id`: the
/// whole row, as `exec_with_returning` reads it, is not needed). Not on MariaDB.
async fn updated_ids(
    conn: &impl ConnectionTrait,
    update: sea_orm::UpdateMany<product::Entity>,
) -> Result<Vec<i64>, Error> {
    use sea_orm::QueryTrait as _;
    let mut query = update.into_query();
    query.returning_col(product::Column::Id);
    let statement = conn.get_database_backend().build(&query);
    conn.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).map_err(Error::from))
        .collect()
}
