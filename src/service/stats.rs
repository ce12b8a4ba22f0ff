//! Figures for the dashboard and `orderdesk stats`: orders by status, revenue, average delivery
//! time, top products. Aggregates over every order: run them in the background, never on a
//! keypress.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

use super::{Error, Status};
use crate::db::Db;

/// How many products `top_products` lists.
pub const TOP_PRODUCTS: usize = 5;

/// The figures of `orderdesk stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The number of orders in each status (every status present, zero included).
    pub orders_by_status: BTreeMap<Status, i64>,
    /// The total of every order that is not cancelled, in cents.
    pub revenue_cents: i64,
    /// The average time from an order's creation to its delivered event, in seconds; `null`
    /// when nothing was delivered.
    pub avg_delivery_seconds: Option<f64>,
    /// The products sold most (units, cancelled orders excluded), most first.
    pub top_products: Vec<TopProduct>,
}

/// A product and the units sold of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopProduct {
    /// The product.
    pub product_id: i64,
    /// Its name.
    pub name: String,
    /// Units sold in orders that are not cancelled.
    pub quantity: i64,
}

/// Computes the figures (four aggregate statements).
///
/// # Errors
/// A database failure.
pub async fn stats(db: &Db) -> Result<Stats, Error> {
    let conn = &**db;
    let backend = db.backend();
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());

    let mut orders_by_status: BTreeMap<Status, i64> =
        Status::ALL.into_iter().map(|s| (s, 0)).collect();
    for row in conn
        .query_all_raw(query(
            "SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM orders GROUP BY status",
        ))
        .await?
    {
        let status: String = row.try_get("", "status")?;
        let n: i64 = row.try_get("", "n")?;
        if let Ok(status) = status.parse::<Status>() {
            orders_by_status.insert(status, n);
        }
    }

    let revenue_cents: i64 = conn
        .query_one_raw(query(
            "SELECT CAST(COALESCE(SUM(oi.quantity * oi.price_cents_at_purchase), 0) AS BIGINT) \
             AS revenue FROM order_items oi JOIN orders o ON o.id = oi.order_id \
             WHERE o.status <> 'cancelled'",
        ))
        .await?
        .map(|row| row.try_get("", "revenue"))
        .transpose()?
        .unwrap_or(0);

    let seconds = match backend {
        DbBackend::Postgres => "EXTRACT(EPOCH FROM (e.created_at - o.created_at))",
        _ => "(julianday(e.created_at) - julianday(o.created_at)) * 86400.0",
    };
    let avg_delivery_seconds: Option<f64> = conn
        .query_one_raw(query(&format!(
            "SELECT CAST(AVG({seconds}) AS DOUBLE PRECISION) AS avg_seconds \
             FROM order_events e JOIN orders o ON o.id = e.order_id \
             WHERE o.status = 'delivered' AND e.event_type = 'order_status_updated' \
             AND e.payload LIKE '%\"to\":\"delivered\"%'"
        )))
        .await?
        .map(|row| row.try_get::<Option<f64>>("", "avg_seconds"))
        .transpose()?
        .flatten();

    let top_products = conn
        .query_all_raw(query(&format!(
            "SELECT p.id AS product_id, p.name AS name, CAST(SUM(oi.quantity) AS BIGINT) AS quantity \
             FROM order_items oi JOIN orders o ON o.id = oi.order_id \
             JOIN products p ON p.id = oi.product_id \
             WHERE o.status <> 'cancelled' GROUP BY p.id, p.name \
             ORDER BY quantity DESC, p.id LIMIT {TOP_PRODUCTS}"
        )))
        .await?
        .into_iter()
        .map(|row| {
            Ok(TopProduct {
                product_id: row.try_get("", "product_id")?,
                name: row.try_get("", "name")?,
                quantity: row.try_get("", "quantity")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;

    Ok(Stats {
        orders_by_status,
        revenue_cents,
        avg_delivery_seconds,
        top_products,
    })
}

/// The number of orders placed on each of the `days` days up to and including `today` (UTC),
/// oldest first, zero for days without orders. One statement.
///
/// # Errors
/// A database failure.
pub async fn orders_per_day(
    db: &Db,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<(NaiveDate, i64)>, Error> {
    let first = today - chrono::Days::new(u64::from(days.max(1) - 1));
    let backend = db.backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, \
             CAST(COUNT(*) AS BIGINT) AS n FROM orders \
             WHERE created_at >= TIMESTAMPTZ '{first} 00:00:00+00' GROUP BY 1"
        ),
        _ => format!(
            "SELECT date(created_at) AS day, COUNT(*) AS n FROM orders \
             WHERE date(created_at) >= '{first}' GROUP BY 1"
        ),
    };
    let mut counts = std::collections::HashMap::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?
    {
        let day: String = row.try_get("", "day")?;
        let n: i64 = row.try_get("", "n")?;
        if let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            counts.insert(day, n);
        }
    }
    Ok(first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|d| (d, counts.get(&d).copied().unwrap_or(0)))
        .collect())
}
