//! The shapes of the API's answers that are not a service type of their own: lists, a delete,
//! the health check, an error. The handlers answer with these very types, and the OpenAPI
//! document's schemas are derived from them, so the two cannot differ.

use serde::Serialize;
use utoipa::ToSchema;

use crate::service::{Order, OrderEvent, OrderSummary, Product, UserRow};

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    /// The users, in id order.
    pub users: Vec<UserRow>,
    /// How many are in `users`.
    pub total: usize,
}

/// A page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    /// The products, in id order.
    pub products: Vec<Product>,
    /// How many are in `products`.
    pub total: usize,
}

/// A page of orders, newest first, with who placed each.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    /// The orders.
    pub orders: Vec<OrderSummary>,
    /// How many are in `orders`.
    pub total: usize,
}

/// All of a user's orders, oldest first (`list_orders`).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOrders {
    /// The orders.
    pub orders: Vec<Order>,
    /// How many are in `orders`.
    pub total: usize,
}

/// A page of the outbox, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// The events.
    pub events: Vec<OrderEvent>,
    /// How many are in `events`.
    pub total: usize,
}

/// What a delete answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// The id of the row deleted.
    pub deleted: i64,
}

/// `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

/// Every refusal and failure: `{"error": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `method_not_allowed`,
    /// `conflict`, `out_of_stock`, `invalid_transition`, `too_large`, `unsupported_media_type`,
    /// `validation`, `unavailable` or `failed`.
    pub code: String,
    /// The input to blame (`email`, `items[0].quantity`, `Authorization`), or null.
    pub field: Option<String>,
    /// What went wrong, for a person.
    pub message: String,
}
