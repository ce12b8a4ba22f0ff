//! Figures for the dashboard and `orderdesk stats`: orders by status, revenue, average delivery
//! time, top products. Aggregates over every order: run them in the background, never on a
//! keypress.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use migration::REVENUE_SPLIT_BITS;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

use super::{Error, Status, int_type};
use crate::db::Db;

/// How many products `top_products` lists.
pub const TOP_PRODUCTS: usize = 5;

/// The figures of `orderdesk stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// The number of orders in each status (every status present, zero included).
    pub orders_by_status: BTreeMap<Status, i64>,
    /// The total of every order that is not cancelled, in cents (i128: a sum over any number of
    /// orders never overflows).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub revenue_cents: i128,
    /// The average time from an order's creation to its delivered event, in seconds; `null`
    /// when nothing was delivered.
    pub avg_delivery_seconds: Option<f64>,
    /// The products sold most (units, cancelled orders excluded), most first.
    pub top_products: Vec<TopProduct>,
}

/// A product and the units sold of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopProduct {
    /// The product.
    pub product_id: i64,
    /// Its name.
    pub name: String,
    /// Units sold in orders that are not cancelled.
    pub quantity: i64,
}

/// The figures, from the running totals that every order write keeps in the same transaction
/// (`order_stats`, one row per shard, and `product_sales`): two statements that read a few
/// rows, whatever the number of orders.
///
/// # Errors
/// A database failure.
pub async fn stats(db: &Db) -> Result<Stats, Error> {
    let conn = db.reader();
    let backend = db.backend();
    let int = int_type(backend);
    let sums: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("CAST(SUM({s}) AS {int})"))
        .collect();
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT {}, CAST(SUM(revenue_hi) AS {int}), CAST(SUM(revenue_lo) AS {int}), \
                 CAST(SUM(delivery_ms) AS {int}) FROM order_stats",
                sums.join(", ")
            ),
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("order_stats".to_owned()))?;
    let mut orders_by_status = BTreeMap::new();
    for (i, status) in Status::ALL.into_iter().enumerate() {
        let n: Option<i64> = row.try_get_by_index(i)?;
        orders_by_status.insert(status, n.unwrap_or(0));
    }
    let at = Status::ALL.len();
    let hi: Option<i64> = row.try_get_by_index(at)?;
    let lo: Option<i64> = row.try_get_by_index(at + 1)?;
    let delivery_ms: Option<i64> = row.try_get_by_index(at + 2)?;
    let delivered = orders_by_status[&Status::Delivered];
    #[allow(clippy::cast_precision_loss)]
    let avg_delivery_seconds =
        (delivered > 0).then(|| delivery_ms.unwrap_or(0) as f64 / 1000.0 / delivered as f64);

    let top_products = top_products(
        conn,
        backend,
        &format!(
            // The top products first, by the primary key's order, then their names: a third of
            // the time of joining every row to products (10 ms to 30 on SQLite, 80,000 rows).
            "SELECT t.product_id, p.name, t.quantity FROM \
             (SELECT product_id, CAST(SUM(units) AS {int}) AS quantity FROM product_sales \
              GROUP BY product_id HAVING SUM(units) > 0 \
              ORDER BY quantity DESC, product_id LIMIT {TOP_PRODUCTS}) t \
             JOIN products p ON p.id = t.product_id ORDER BY t.quantity DESC, t.product_id"
        ),
    )
    .await?;
    Ok(Stats {
        orders_by_status,
        revenue_cents: join_revenue(hi.unwrap_or(0), lo.unwrap_or(0)),
        avg_delivery_seconds,
        top_products,
    })
}

/// `hi * 2^30 + lo`, the revenue `order_stats` keeps in two columns.
fn join_revenue(hi: i64, lo: i64) -> i128 {
    (i128::from(hi) << REVENUE_SPLIT_BITS) + i128::from(lo)
}

async fn top_products(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    sql: &str,
) -> Result<Vec<TopProduct>, Error> {
    conn.query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await?
        .into_iter()
        .map(|row| {
            Ok(TopProduct {
                product_id: row.try_get_by_index(0)?,
                name: row.try_get_by_index(1)?,
                quantity: row.try_get_by_index(2)?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()
        .map_err(Error::from)
}

/// The same figures as [`stats`], recomputed from the orders, items and events themselves
/// (four aggregates over every order: seconds on a million): what the running totals must
/// always equal, and a check of them (`orderdesk stats --recount`).
///
/// # Errors
/// A database failure.
pub async fn recount_stats(db: &Db) -> Result<Stats, Error> {
    let conn = db.reader();
    let backend = db.backend();
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let int = int_type(backend);

    let mut orders_by_status: BTreeMap<Status, i64> =
        Status::ALL.into_iter().map(|s| (s, 0)).collect();
    for row in conn
        .query_all_raw(query(&format!(
            "SELECT status, CAST(COUNT(*) AS {int}) FROM orders GROUP BY status"
        )))
        .await?
    {
        let status: String = row.try_get_by_index(0)?;
        if let Ok(status) = status.parse::<Status>() {
            orders_by_status.insert(status, row.try_get_by_index(1)?);
        }
    }

    // Summed in two halves, as `order_stats` keeps it: neither sum can overflow a BIGINT.
    let mask = (1_i64 << REVENUE_SPLIT_BITS) - 1;
    let revenue = conn
        .query_one_raw(query(&format!(
            "SELECT CAST(COALESCE(SUM((oi.quantity * oi.price_cents_at_purchase) >> {REVENUE_SPLIT_BITS}), 0) AS {int}), \
             CAST(COALESCE(SUM((oi.quantity * oi.price_cents_at_purchase) & {mask}), 0) AS {int}) \
             FROM order_items oi JOIN orders o ON o.id = oi.order_id \
             WHERE o.status <> 'cancelled'"
        )))
        .await?
        .map(|row| -> Result<i128, sea_orm::DbErr> {
            Ok(join_revenue(row.try_get_by_index(0)?, row.try_get_by_index(1)?))
        })
        .transpose()?
        .unwrap_or(0);

    let average = match backend {
        DbBackend::Postgres => {
            "CAST(AVG(EXTRACT(EPOCH FROM (e.created_at - o.created_at))) AS DOUBLE PRECISION)"
        }
        // A DOUBLE divided gives a DOUBLE, and so does its AVG.
        DbBackend::MySql => "AVG(TIMESTAMPDIFF(MICROSECOND, o.created_at, e.created_at) / 1e6)",
        _ => {
            "CAST(AVG((julianday(e.created_at) - julianday(o.created_at)) * 86400.0) \
             AS DOUBLE PRECISION)"
        }
    };
    let avg_delivery_seconds: Option<f64> = conn
        .query_one_raw(query(&format!(
            "SELECT {average} \
             FROM order_events e JOIN orders o ON o.id = e.order_id \
             WHERE o.status = 'delivered' AND e.event_type = 'order_status_updated' \
             AND e.payload LIKE '%\"to\":\"delivered\"%'"
        )))
        .await?
        .map(|row| row.try_get_by_index::<Option<f64>>(0))
        .transpose()?
        .flatten();

    let top_products = top_products(
        conn,
        backend,
        &format!(
            "SELECT p.id, p.name, CAST(SUM(oi.quantity) AS {int}) AS quantity \
             FROM order_items oi JOIN orders o ON o.id = oi.order_id \
             JOIN products p ON p.id = oi.product_id \
             WHERE o.status <> 'cancelled' GROUP BY p.id, p.name \
             ORDER BY quantity DESC, p.id LIMIT {TOP_PRODUCTS}"
        ),
    )
    .await?;

    Ok(Stats {
        orders_by_status,
        revenue_cents: revenue,
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
        // DATETIME(6) in UTC.
        DbBackend::MySql => format!(
            "SELECT DATE_FORMAT(created_at, '%Y-%m-%d') AS day, COUNT(*) AS n FROM orders \
             WHERE created_at >= '{first} 00:00:00' GROUP BY 1"
        ),
        // The timestamps are UTC text (orderdesk's `2026-11-22T03:24:10+00:00`, the learning
        // version's `2026-11-22 03:24:10.108756`), so a text comparison picks the days without
        // calling date() on every order: 80 ms instead of 140 on a million.
        _ => format!(
            "SELECT date(created_at) AS day, COUNT(*) AS n FROM orders \
             WHERE created_at >= '{first}' GROUP BY 1"
        ),
    };
    let mut counts = std::collections::HashMap::new();
    for row in db
        .reader()
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

/// How many orders and items there are and what they add up to: the benchmark checks its work
/// against these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Orders, cancelled ones included.
    pub orders: i64,
    /// Order lines.
    pub items: i64,
    /// The sum of every line's quantity x captured price, in cents.
    pub amount_cents: i128,
}

/// Counts the orders and items and sums every line's amount (overflow-safe); two statements.
///
/// # Errors
/// A database failure.
pub async fn totals(db: &Db) -> Result<Totals, Error> {
    let conn = db.reader();
    let backend = db.backend();
    let int = int_type(backend);
    let mask = (1_i64 << REVENUE_SPLIT_BITS) - 1;
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT CAST(COUNT(*) AS {int}), \
                 CAST(COALESCE(SUM((quantity * price_cents_at_purchase) >> {REVENUE_SPLIT_BITS}), 0) AS {int}), \
                 CAST(COALESCE(SUM((quantity * price_cents_at_purchase) & {mask}), 0) AS {int}) \
                 FROM order_items"
            ),
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("order_items".to_owned()))?;
    let items: i64 = row.try_get_by_index(0)?;
    let amount_cents = join_revenue(row.try_get_by_index(1)?, row.try_get_by_index(2)?);
    let orders: i64 = conn
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT CAST(COUNT(*) AS {int}) FROM orders"),
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("orders".to_owned()))?
        .try_get_by_index(0)?;
    Ok(Totals {
        orders,
        items,
        amount_cents,
    })
}
