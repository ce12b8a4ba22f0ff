//! Products: create, list (paged, filtered), get, update (name, price, stock or untracked), delete.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::{Error, ListQuery, check_id, finish, validate};
use crate::db::Db;
use crate::entity::{order_item, product};

/// A new product: what create_product takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    /// The name.
    pub name: String,
    /// The price in cents.
    pub price_cents: i64,
    /// Units in stock; `None` when stock is not tracked.
    pub stock: Option<i64>,
}

/// Changes to a product; `None` leaves a field as it is. `stock: Some(None)` stops tracking stock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new price in cents.
    pub price_cents: Option<i64>,
    /// A new stock level, or `Some(None)` for untracked.
    pub stock: Option<Option<i64>>,
}

/// A product as the four operations return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    .insert(&**db)
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
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(product::Column::Name)))
                .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    Ok(select
        .all(&**db)
        .await?
        .into_iter()
        .map(Product::from)
        .collect())
}

/// One product.
///
/// # Errors
/// NotFound when there is no such product.
pub async fn get_product(db: &Db, id: i64) -> Result<Product, Error> {
    check_id("product", id)?;
    find_product(&**db, id).await.map(Product::from)
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
/// Validation or NotFound; nothing is written.
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
/// # Errors
/// NotFound, or Conflict when an order references the product; nothing is written.
pub async fn delete_product(db: &Db, id: i64) -> Result<i64, Error> {
    check_id("product", id)?;
    let tx = db.begin_write().await?;
    let result = async {
        find_product(&*tx, id).await?;
        let lines = order_item::Entity::find()
            .filter(order_item::Column::ProductId.eq(id))
            .count(&*tx)
            .await?;
        if lines > 0 {
            return Err(Error::Conflict {
                field: "product".to_owned(),
                reason: format!("product {id} is on {lines} order line(s) and cannot be deleted"),
            });
        }
        product::Entity::delete_by_id(id).exec(&*tx).await?;
        Ok(id)
    }
    .await;
    finish(tx, result).await
}
