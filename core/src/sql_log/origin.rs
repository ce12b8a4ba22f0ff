//! Where a logged statement came from: the SeaORM call that sent it, and for a hand-written
//! fast path's statement the query-builder form beside it (the SQL log's statement popup).

use super::{Entry, Kind};

impl Entry {
    /// The SeaORM call that sent it, read from its text: SeaORM's query builder quotes every
    /// identifier, orderdesk's hand-written fast paths (`SqlText`, through the same connection)
    /// do not.
    #[must_use]
    pub fn seaorm_call(&self) -> &'static str {
        match self.kind {
            Kind::Begin => return "DatabaseConnection::begin_with_options (Db::begin_write)",
            Kind::Commit => return "DatabaseTransaction::commit (Tx::commit)",
            Kind::Rollback { on_drop: true } => {
                return "none: the DatabaseTransaction was dropped unfinished, so it rolled back";
            }
            Kind::Rollback { on_drop: false } => return "DatabaseTransaction::rollback",
            Kind::Statement => {}
        }
        let sql = self.sql.trim_start();
        let verb = sql.get(..6).unwrap_or("").to_ascii_uppercase();
        if !sql.contains('"') && !sql.contains('`') {
            return "hand-written SQL (SqlText) sent through SeaORM's connection with \
                    query_all_raw / execute_raw: a fast path, not the query builder";
        }
        let one = matches!(
            self.values.as_ref().and_then(|v| v.0.last()),
            Some(sea_orm::Value::BigUnsigned(Some(1)) | sea_orm::Value::BigInt(Some(1)))
        ) && sql.contains(" LIMIT ");
        match verb.as_str() {
            "SELECT" if sql.contains("AS num_items") => "the query builder: Select::count",
            "SELECT" if one => {
                "the query builder: Select::one (Entity::find_by_id / find().filter)"
            }
            "SELECT" => "the query builder: Select::all, or a paginator's page",
            "INSERT" => "ActiveModel::insert (or Entity::insert_many(..).exec)",
            "UPDATE" => "ActiveModel::update (or Entity::update_many().col_expr(..).exec)",
            "DELETE" => "Entity::delete_many / delete_by_id(..).exec",
            _ => "a statement through SeaORM's connection",
        }
    }

    /// For a statement of a hand-written fast path, the query-builder form beside it (a
    /// function of `core/src/service/orders/builder.rs`, which lesson 7 counts and times
    /// against the fast path): told by the fast paths' own SQL, whose names are not quoted.
    #[must_use]
    pub fn builder_form(&self) -> Option<&'static str> {
        /// The beginnings of `create_order`'s write: one statement on PostgreSQL (behind `WITH
        /// new_order AS (`), one text on SQLite, five statements on MariaDB.
        const WRITES: [&str; 6] = [
            "INSERT INTO orders (user_id, status, created_at, updated_at)",
            "INSERT INTO order_events (order_id, event_type, payload, created_at) VALUES",
            "INSERT INTO product_sales (product_id, shard, units) VALUES",
            "INSERT INTO order_items (order_id, product_id, quantity, price_cents_at_purchase, \
             stock_taken) VALUES",
            "UPDATE order_stats SET pending = pending + 1",
            "UPDATE order_stats SET confirmed = confirmed + 1",
        ];
        let sql = self.sql.trim_start();
        let sql = sql.strip_prefix("WITH new_order AS (").unwrap_or(sql);
        if self.kind != Kind::Statement {
            None
        } else if sql.starts_with("SELECT id, name, price_cents, stock FROM products WHERE id IN") {
            Some(
                "insert_order_builder: product::Entity::find().filter(Column::Id.is_in(ids))\
                 .all(conn), the same one SELECT with every name quoted, each row decoded by \
                 column name.",
            )
        } else if sql.starts_with("SELECT o.id AS order_id") {
            Some(
                "list_orders_builder: order::Entity::load().with((order_item::Entity, \
                 product::Entity)), SeaORM 2's entity loader: 3 SELECTs (the orders, their \
                 items, the items' products), each row decoded by column name.",
            )
        } else if WRITES.iter().any(|w| sql.starts_with(w)) {
            Some(
                "insert_order_builder: order::ActiveModel::insert for the order, \
                 Entity::insert for its event, a sea-query UPDATE of order_stats, insert_many \
                 upserting product_sales and inserting the items: a statement per table, each \
                 its own round trip.",
            )
        } else {
            None
        }
    }
}
