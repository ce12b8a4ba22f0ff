//! Products: create, list (paged, filtered), get, update (name, price, stock or untracked), delete.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Error, ListQuery, check_id, finish, validate};
use crate::db::Db;
use crate::entity::{order_item, product};

/// A new product: what `create_product` takes (and `POST /products` reads: integer cents, no
/// `stock` for untracked, unknown fields refused).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewProduct {
    /// The name.
    pub name: String,
    /// The price in cents.
    pub price_cents: i64,
    /// Units in stock; `None` when stock is not tracked.
    #[serde(default)]
    pub stock: Option<i64>,
}

/// Changes to a product; `None` leaves a field as it is. `stock: Some(None)` stops tracking stock
/// (in JSON: `"stock": null`; an absent `stock` leaves it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new price in cents.
    pub price_cents: Option<i64>,
    /// A new stock level, or `Some(None)` for untracked.
    #[serde(deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub stock: Option<Option<i64>>,
}

/// A field that is present (`Some`, its value possibly `null`), as opposed to absent (`None`).
#[allow(clippy::option_option)] // absent, null or a number: the three a change can say
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// A product as the four operations return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// The current price in cents.
    pub price_cents: i64,
    /// Units in stock; `null` when not tracked.
    pub stock: Option<i64>,
}

impl From<product::Model> for Product {
    fn from(m: product::Model) -> Self {
        Product {
            id: m.id,
            name: m.name,
            price_cents: m.price_cents,
            stock: m.stock,
        }
    }
}

/// Creates a product.
///
/// # Errors
/// Validation (name, price, stock); nothing is written.
pub async fn create_product(db: &Db, input: NewProduct) -> Result<Product, Error> {
    let name = validate::name("name", &input.name)?;
    let price_cents = validate::price_cents("price", input.price_cents)?;
    let stock = input
        .stock
        .map(|s| validate::stock_value("stock", s))
        .transpose()?;
    let model = product::ActiveModel {
        name: Set(name),
        price_cents: Set(price_cents),
        stock: Set(stock),
        ..Default::default()
    }
    .insert(db.reader())
    .await?;
    Ok(model.into())
}

/// One page of products in id order, optionally filtered by text in the name.
///
/// # Errors
/// Validation (limit) or a database failure.
pub async fn list_products(db: &Db, query: &ListQuery) -> Result<Vec<Product>, Error> {
    let limit = query.page_size()?;
    let mut select = product::Entity::find()
        .order_by_asc(product::Column::Id)
        .limit(limit);
    if let Some(after) = query.after {
        select = select.filter(product::Column::Id.gt(after));
    }
    if let Some(pattern) = query.like_pattern() {
        select = select.filter(super::search_matches(
            product::Column::SearchKey,
            &[product::Column::Name],
            &pattern,
        ));
    }
    Ok(select
        .all(db.reader())
        .await?
        .into_iter()
        .map(Product::from)
        .collect())
}

/// One product.
///
/// # Errors
/// `NotFound` when there is no such product.
pub async fn get_product(db: &Db, id: i64) -> Result<Product, Error> {
    check_id("product", id)?;
    find_product(db.reader(), id).await.map(Product::from)
}

/// The products with these ids, in id order, in one SELECT (ids that name no product are
/// left out).
///
/// # Errors
/// A database failure.
pub async fn get_products(db: &Db, ids: &[i64]) -> Result<Vec<Product>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(product::Column::Id)
        .all(db.reader())
        .await?
        .into_iter()
        .map(Product::from)
        .collect())
}

async fn find_product(conn: &impl ConnectionTrait, id: i64) -> Result<product::Model, Error> {
    product::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| Error::unknown("product", id))
}

/// Changes a product's name, price and/or stock. Orders already placed keep the price they
/// captured.
///
/// # Errors
/// Validation or `NotFound`; nothing is written.
pub async fn update_product(db: &Db, id: i64, changes: ProductChanges) -> Result<Product, Error> {
    check_id("product", id)?;
    let name = changes
        .name
        .as_deref()
        .map(|n| validate::name("name", n))
        .transpose()?;
    let price_cents = changes
        .price_cents
        .map(|p| validate::price_cents("price", p))
        .transpose()?;
    let stock = changes
        .stock
        .map(|s| s.map(|n| validate::stock_value("stock", n)).transpose())
        .transpose()?;
    if name.is_none() && price_cents.is_none() && stock.is_none() {
        return Err(Error::invalid(
            "product",
            "nothing to change: give a name, a price, a stock or untracked",
        ));
    }
    let tx = db.begin_write().await?;
    let result = async {
        let mut active: product::ActiveModel = find_product(&*tx, id).await?.into();
        if let Some(name) = name {
            active.name = Set(name);
        }
        if let Some(price_cents) = price_cents {
            active.price_cents = Set(price_cents);
        }
        if let Some(stock) = stock {
            active.stock = Set(stock);
        }
        Ok(Product::from(active.update(&*tx).await?))
    }
    .await;
    finish(tx, result).await
}

/// Deletes a product that is on no order.
///
/// Counting a product's order lines scans `order_items`, which has no index by product (migration
/// 3 traded it for faster orders), so the count runs on a read connection before the write
/// transaction: a refusal never holds up anyone's order. Inside the transaction the foreign key
/// is the guard: an order of the product placed in between makes the DELETE fail, and that is
/// the same refusal.
///
/// # Errors
/// `NotFound`, or Conflict when an order references the product; nothing is written.
pub async fn delete_product(db: &Db, id: i64) -> Result<i64, Error> {
    check_id("product", id)?;
    find_product(db.reader(), id).await?;
    let lines = order_item::Entity::find()
        .filter(order_item::Column::ProductId.eq(id))
        .count(db.reader())
        .await?;
    if lines > 0 {
        return Err(on_orders(id, &format!("is on {lines} order line(s)")));
    }
    let tx = db.begin_write().await?;
    let result = delete_unordered_product(&*tx, id).await;
    finish(tx, result).await
}

/// The DELETE of [`delete_product`], refused by the foreign key when an order line names the
/// product.
async fn delete_unordered_product(conn: &impl ConnectionTrait, id: i64) -> Result<i64, Error> {
    let deleted = product::Entity::delete_by_id(id)
        .exec(conn)
        .await
        .map_err(|e| {
            // SQLite reports an ON DELETE RESTRICT as a trigger's constraint (code 1811), which
            // SeaORM does not classify; the message is SQLite's own.
            let restricted = matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_)))
                || e.to_string().contains("FOREIGN KEY constraint failed");
            if restricted {
                on_orders(id, "is on an order placed a moment ago")
            } else {
                Error::Db(e)
            }
        })?;
    if deleted.rows_affected == 0 {
        return Err(Error::unknown("product", id));
    }
    Ok(id)
}

/// The refusal to delete a product that orders name.
fn on_orders(id: i64, why: &str) -> Error {
    Error::Conflict {
        field: "product".to_owned(),
        reason: format!("product {id} {why} and cannot be deleted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;
    use crate::service::{self, NewOrder, NewOrderItem, NewUser, Status};

    /// The race `delete_product`'s early count cannot see: an order of the product placed after
    /// the count. The foreign key refuses the DELETE, and the refusal reads as a Conflict.
    #[tokio::test]
    async fn the_foreign_key_refuses_a_product_ordered_after_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = db::connect(&url).await.unwrap();
        db::migrate(&db).await.unwrap();
        let user = service::create_user(
            &db,
            NewUser {
                email: "race@example.com".to_owned(),
                full_name: "Race".to_owned(),
            },
        )
        .await
        .unwrap();
        let product = create_product(
            &db,
            NewProduct {
                name: "Raced".to_owned(),
                price_cents: 100,
                stock: None,
            },
        )
        .await
        .unwrap();
        service::create_order(
            &db,
            NewOrder {
                user_id: user.id,
                status: Status::Pending,
                items: vec![NewOrderItem {
                    product_id: product.id,
                    quantity: 1,
                }],
            },
        )
        .await
        .unwrap();

        let tx = db.begin_write().await.unwrap();
        let err = delete_unordered_product(&*tx, product.id)
            .await
            .unwrap_err();
        tx.rollback().await.unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "product: product {} is on an order placed a moment ago and cannot be deleted",
                product.id
            )
        );
        assert_eq!(get_product(&db, product.id).await.unwrap(), product);
    }
}
