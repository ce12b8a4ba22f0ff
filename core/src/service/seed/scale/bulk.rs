//! Writing many rows fast: multi-row INSERTs of [`BATCH_ROWS`] rows, one prepared statement
//! reused for every full batch, in large transactions with a bigger page cache on SQLite.

#[allow(clippy::wildcard_imports)]
use super::super::*;

/// Rows per multi-row INSERT (5 columns: 5,000 bound values, one prepared statement reused).
pub(in crate::service::seed) const BATCH_ROWS: usize = 1_000;

/// Orders per transaction.
pub(in crate::service::seed) const ORDERS_PER_TX: u64 = 50_000;

/// Batches of generated orders waiting to be written.
pub(in crate::service::seed) const QUEUE: usize = 8;

pub(in crate::service::seed) const USERS: Table = Table::new(
    "users",
    &["id", "email", "full_name", "created_at", "search_key"],
);

pub(in crate::service::seed) const PRODUCTS: Table = Table::new(
    "products",
    &["id", "name", "price_cents", "stock", "search_key"],
);

pub(in crate::service::seed) const ORDERS: Table = Table::new(
    "orders",
    &["id", "user_id", "status", "created_at", "updated_at"],
);

pub(in crate::service::seed) const ITEMS: Table = Table::new(
    "order_items",
    &[
        "id",
        "order_id",
        "product_id",
        "quantity",
        "price_cents_at_purchase",
        "stock_taken",
    ],
);

pub(in crate::service::seed) const PRODUCT_SALES: Table =
    Table::new("product_sales", &["product_id", "shard", "units"]);

pub(in crate::service::seed) const EVENTS: Table = Table::new(
    "order_events",
    &["id", "order_id", "event_type", "payload", "created_at"],
);

/// A table and the columns a seed writes.
#[derive(Debug, Clone, Copy)]
pub(in crate::service::seed) struct Table {
    name: &'static str,
    columns: &'static [&'static str],
}

impl Table {
    const fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Table { name, columns }
    }
}

/// Rows waiting to be inserted into one table, as one flat list of values.
pub(in crate::service::seed) struct Rows {
    table: Table,
    values: Vec<Value>,
}

impl Rows {
    pub(in crate::service::seed) fn new(table: Table) -> Self {
        Rows {
            table,
            values: Vec::with_capacity(BATCH_ROWS * table.columns.len()),
        }
    }

    pub(in crate::service::seed) fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.table.columns.len());
        self.values.extend(row);
    }

    pub(in crate::service::seed) fn len(&self) -> usize {
        self.values.len() / self.table.columns.len()
    }

    /// Inserts every waiting row as multi-row INSERTs of at most [`BATCH_ROWS`] rows. The SQL is
    /// written here rather than built value by value: a batch has thousands of values, and every
    /// full batch reuses one prepared statement.
    pub(in crate::service::seed) async fn flush(
        &mut self,
        conn: &impl ConnectionTrait,
    ) -> Result<(), Error> {
        let backend = conn.get_database_backend();
        let width = self.table.columns.len();
        let mut values = std::mem::take(&mut self.values).into_iter();
        let mut full_sql: Option<String> = None;
        loop {
            let chunk: Vec<Value> = values.by_ref().take(BATCH_ROWS * width).collect();
            if chunk.is_empty() {
                break;
            }
            let rows = chunk.len() / width;
            let sql = if rows == BATCH_ROWS {
                full_sql
                    .get_or_insert_with(|| insert_sql(backend, self.table, rows))
                    .clone()
            } else {
                insert_sql(backend, self.table, rows)
            };
            conn.execute_raw(Statement::from_sql_and_values(backend, sql, chunk))
                .await?;
        }
        self.values = Vec::with_capacity(BATCH_ROWS * width);
        Ok(())
    }
}

/// `INSERT INTO table (columns) VALUES (...), ...` with `rows` rows of placeholders.
pub(in crate::service::seed) fn insert_sql(
    backend: DbBackend,
    table: Table,
    rows: usize,
) -> String {
    use std::fmt::Write as _;
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        table.name,
        table.columns.join(", ")
    );
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..table.columns.len() {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// On SQLite, gives the bulk transaction's connection a 64 MiB page cache (and back to the
/// default 2 MiB afterwards): index inserts then mostly hit memory.
pub(in crate::service::seed) async fn bulk_cache(
    conn: &impl ConnectionTrait,
    big: bool,
) -> Result<(), Error> {
    if conn.get_database_backend() == DbBackend::Sqlite {
        let kib = if big { 65_536 } else { 2_000 };
        conn.execute_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA cache_size = -{kib}"),
        ))
        .await?;
    }
    Ok(())
}

/// Writes `rows` of one table in one transaction, `row(i)` giving the i-th.
pub(in crate::service::seed) async fn seed_table<const N: usize>(
    db: &Db,
    table: Table,
    count: u64,
    mut row: impl FnMut(u64) -> [Value; N],
) -> Result<(), Error> {
    let tx = db.begin_write().await?;
    let result = async {
        bulk_cache(&*tx, true).await?;
        let mut rows = Rows::new(table);
        for i in 0..count {
            rows.push(row(i));
            if rows.len() == BATCH_ROWS {
                rows.flush(&*tx).await?;
            }
        }
        rows.flush(&*tx).await?;
        bulk_cache(&*tx, false).await
    }
    .await;
    finish(tx, result).await
}
