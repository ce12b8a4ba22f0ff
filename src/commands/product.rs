//! `orderdesk product ...`.

use serde_json::json;

use super::Result;
use super::output::{Output, fields, list_query, stock_text, table};
use crate::cli::ProductCommand;
use crate::db::Db;
use crate::money::format_cents;
use crate::service::{self, NewProduct, Product, ProductChanges, validate};

fn product_fields(p: &Product) -> String {
    fields(&[
        ("id", p.id.to_string()),
        ("name", p.name.clone()),
        ("price", format_cents(p.price_cents)),
        ("stock", stock_text(p.stock)),
    ])
}

/// Runs a `product` subcommand.
pub(super) async fn run(db: &Db, out: &Output, cmd: ProductCommand) -> Result<()> {
    match cmd {
        ProductCommand::Add { name, price, stock } => {
            let input = NewProduct {
                name,
                price_cents: validate::price("price", &price)?,
                stock: stock.map(|s| validate::stock("stock", &s)).transpose()?,
            };
            let p = service::create_product(db, input).await?;
            out.show(&p, || {
                format!("Created product {}.\n{}", p.id, product_fields(&p))
            })
        }
        ProductCommand::List(page) => {
            let products = service::list_products(db, &list_query(page)).await?;
            out.show(
                &json!({ "products": products, "total": products.len() }),
                || {
                    if products.is_empty() {
                        return "No products.".to_owned();
                    }
                    let mut t = table(&["id", "name", "price", "stock"], &[0, 2, 3]);
                    for p in &products {
                        t.add_row([
                            p.id.to_string(),
                            p.name.clone(),
                            format_cents(p.price_cents),
                            stock_text(p.stock),
                        ]);
                    }
                    t.to_string()
                },
            )
        }
        ProductCommand::Show { id } => {
            let p = service::get_product(db, id).await?;
            out.show(&p, || product_fields(&p))
        }
        ProductCommand::Update {
            id,
            name,
            price,
            stock,
            untracked,
        } => {
            let stock = if untracked {
                Some(None)
            } else {
                stock
                    .map(|s| validate::stock("stock", &s).map(Some))
                    .transpose()?
            };
            let changes = ProductChanges {
                name,
                price_cents: price.map(|p| validate::price("price", &p)).transpose()?,
                stock,
            };
            let p = service::update_product(db, id, changes).await?;
            out.show(&p, || {
                format!("Updated product {}.\n{}", p.id, product_fields(&p))
            })
        }
        ProductCommand::Delete { id } => {
            service::delete_product(db, id).await?;
            out.deleted("product", id)
        }
    }
}
