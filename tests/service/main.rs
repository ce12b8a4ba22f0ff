//! Service tests: every body runs on SQLite (a temporary file), PostgreSQL and MariaDB.

#[path = "../support/backend.rs"]
mod backend;

mod concurrency;
mod edit;
mod fast_paths;
mod lessons;
mod orders;
mod seeding;
mod sql_log;
mod stepper;
mod trust;
mod users_products;

use orderdesk::db::Db;
use orderdesk::service::{
    self, NewOrder, NewOrderItem, NewProduct, NewUser, Order, Product, Status, User,
};

/// Row counts of every table, to show that a refusal wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub users: u64,
    pub products: u64,
    pub orders: u64,
    pub items: u64,
    pub events: u64,
}

pub async fn counts(db: &Db) -> Counts {
    let n = orderdesk::db::row_counts(db).await.unwrap();
    let n = |table: &str| u64::try_from(n[table]).unwrap();
    Counts {
        users: n("users"),
        products: n("products"),
        orders: n("orders"),
        items: n("order_items"),
        events: n("order_events"),
    }
}

pub async fn a_user(db: &Db, email: &str) -> User {
    service::create_user(
        db,
        NewUser {
            email: email.to_owned(),
            full_name: "Test User".to_owned(),
        },
    )
    .await
    .unwrap()
}

pub async fn a_product(db: &Db, name: &str, price_cents: i64, stock: Option<i64>) -> Product {
    service::create_product(
        db,
        NewProduct {
            name: name.to_owned(),
            price_cents,
            stock,
        },
    )
    .await
    .unwrap()
}

pub fn new_order(user_id: i64, lines: &[(i64, i64)]) -> NewOrder {
    NewOrder {
        user_id,
        status: Status::Pending,
        items: lines.iter().copied().map(NewOrderItem::from).collect(),
    }
}

pub async fn an_order(db: &Db, user_id: i64, lines: &[(i64, i64)]) -> Order {
    service::create_order(db, new_order(user_id, lines))
        .await
        .unwrap()
}

pub async fn stock_of(db: &Db, id: i64) -> Option<i64> {
    service::get_product(db, id).await.unwrap().stock
}

/// The keys of a JSON object, in order.
pub fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}
