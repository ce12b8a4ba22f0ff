//! SeaORM entities for the tables (2.0 dense format).

pub mod api_token;
pub mod idempotency_key;
pub mod order;
pub mod order_event;
pub mod order_item;
pub mod product;
pub mod product_sales;
pub mod user;
