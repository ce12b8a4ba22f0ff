//! Workload W1 (../shared/bench/WORKLOAD.md) through the same service functions the TUI uses:
//! seed, phase A (`create_order` x N), ANALYZE, phase B (`list_orders` for every user), verify.
//! One JSON line per phase on stdout; progress on stderr.

use std::time::Instant;

use serde_json::json;

use crate::db::{self, ConnectConfig};
use crate::service::{self, NewOrder, NewOrderItem, NewProduct, NewUser, Status};
use crate::sql_log::{self, SqlLog};

pub mod tui;

/// Users and products W1 creates.
const USERS: i64 = 1_000;
/// Products W1 creates.
const PRODUCTS: i64 = 1_000;
/// Orders of the full run.
pub const ORDERS: u64 = 20_000;

/// What `orderdesk bench` was asked for.
#[derive(Debug, Clone)]
pub struct BenchArgs {
    /// Orders in phase A.
    pub orders: u64,
    /// A database given on the command line (never `DATABASE_URL` or .env); `None`: a fresh
    /// temporary SQLite file.
    pub database_url: Option<String>,
    /// Drop and re-create orderdesk's tables in that database first.
    pub fresh: bool,
    /// Keep the SQL log on in the timed loops (to measure what it costs).
    pub sql_log: bool,
    /// Connections in the pool; `None`: as the app opens it.
    pub pool: Option<u32>,
    /// Tasks placing phase A's orders at once (order i by task i mod writers); 1 is W1.
    pub writers: u32,
    /// Phases A and B through the query-builder forms of the fast paths.
    pub builder: bool,
}

impl BenchArgs {
    /// What its JSON lines call it: `orderdesk`, or `orderdesk-builder` through the
    /// query-builder forms.
    fn name(&self) -> &'static str {
        if self.builder {
            "orderdesk-builder"
        } else {
            "orderdesk"
        }
    }
}

fn price_of(p: i64) -> i64 {
    100 + (p * 37 % 9900)
}

/// Order `i` (0-based): its user and three (product, quantity) lines.
fn order_spec(i: u64) -> (i64, [(i64, i64); 3]) {
    let i = i as i64;
    let pid = |m: i64| (i * m) % 1000 + 1;
    let qty = |k: i64| 1 + (i + k) % 3;
    (
        i % USERS + 1,
        [(pid(7), qty(0)), (pid(13), qty(1)), (pid(31), qty(2))],
    )
}

/// The checksum W1 must reproduce for `orders` orders (575736730 for 20,000).
#[must_use]
pub fn expected_checksum(orders: u64) -> i64 {
    (0..orders)
        .flat_map(|i| order_spec(i).1)
        .map(|(p, q)| q * price_of(p))
        .sum()
}

fn emit(args: &BenchArgs, backend: &str, phase: &str, ops: u64, seconds: f64, statements: u64) {
    let line = json!({
        "impl": args.name(),
        "backend": backend,
        "phase": phase,
        "ops": ops,
        "seconds": (seconds * 1e4).round() / 1e4,
        "ops_per_s": ((ops as f64 / seconds) * 10.0).round() / 10.0,
        "statements_per_op": ((statements as f64 / ops as f64) * 100.0).round() / 100.0,
    });
    println!("{line}");
}

/// Runs W1; returns whether verification passed.
///
/// # Errors
/// A message when the database cannot be used or a call fails.
pub async fn run(args: BenchArgs) -> Result<bool, String> {
    if args.orders == 0 || args.orders > 10_000_000 {
        return Err(format!(
            "orders: must be 1..=10000000 (got {})",
            args.orders
        ));
    }
    let _dir;
    let url = if let Some(url) = &args.database_url {
        crate::config::normalize(url)
    } else {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
        let url = format!("sqlite://{}", dir.path().join("w1.sqlite").display());
        _dir = dir;
        url
    };
    let db = db::connect_with(
        &url,
        ConnectConfig {
            max_connections: args.pool,
            ..ConnectConfig::default()
        },
    )
    .await
    .map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            crate::config::redact(&url)
        )
    })?;
    let existing = db::migration_status(&db)
        .await
        .is_ok_and(|m| m.iter().any(|(_, applied)| *applied));
    if existing {
        if !args.fresh {
            return Err(format!(
                "{} already has orderdesk tables; bench --fresh drops and re-creates them",
                crate::config::redact(&url)
            ));
        }
        db::migrate_fresh(&db).await.map_err(|e| e.to_string())?;
    } else {
        db::migrate_on_start(&db).await.map_err(|e| e.to_string())?;
    }
    let backend = db.backend_name();
    let _log = args.sql_log.then(|| SqlLog::attach(&db, sql_log::CAPACITY));
    let recorder = db.recorder().clone();
    let fail = |e: service::Error| e.to_string();

    // seed
    eprintln!("seed: {USERS} users, {PRODUCTS} products");
    let start_statements = recorder.data_statements();
    let t0 = Instant::now();
    for u in 1..=USERS {
        let user = service::create_user(
            &db,
            NewUser {
                email: format!("user{u}@example.com"),
                full_name: format!("User {u}"),
            },
        )
        .await
        .map_err(fail)?;
        if user.id != u {
            return Err(format!(
                "user ids must come out as 1..1000 (got {})",
                user.id
            ));
        }
    }
    for p in 1..=PRODUCTS {
        let product = service::create_product(
            &db,
            NewProduct {
                name: format!("Product {p}"),
                price_cents: price_of(p),
                stock: None,
            },
        )
        .await
        .map_err(fail)?;
        if product.id != p {
            return Err(format!(
                "product ids must come out as 1..1000 (got {})",
                product.id
            ));
        }
    }
    emit(
        &args,
        backend,
        "seed",
        (USERS + PRODUCTS) as u64,
        t0.elapsed().as_secs_f64(),
        recorder.data_statements() - start_statements,
    );

    // Phase A
    eprintln!(
        "phase A: {} orders by {} writer(s)",
        args.orders, args.writers
    );
    let start_statements = recorder.data_statements();
    let t0 = Instant::now();
    let writers = u64::from(args.writers.max(1));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let db = db.clone();
        let orders = args.orders;
        let builder = args.builder;
        tasks.push(tokio::spawn(async move {
            let (mut sum, mut quantity) = (0_i64, 0_i64);
            for i in (w..orders).step_by(writers as usize) {
                let (user_id, lines) = order_spec(i);
                let order = NewOrder {
                    user_id,
                    status: Status::Pending,
                    items: lines.into_iter().map(NewOrderItem::from).collect(),
                };
                let order = if builder {
                    service::create_order_builder(&db, order).await
                } else {
                    service::create_order(&db, order).await
                }
                .map_err(|e| e.to_string())?;
                sum += order.total_amount_cents;
                quantity += order.total_quantity;
            }
            Ok::<_, String>((sum, quantity))
        }));
    }
    let (mut sum_a, mut quantity_a) = (0_i64, 0_i64);
    for task in tasks {
        let (sum, quantity) = task.await.map_err(|e| e.to_string())??;
        sum_a += sum;
        quantity_a += quantity;
    }
    emit(
        &args,
        backend,
        "A",
        args.orders,
        t0.elapsed().as_secs_f64(),
        recorder.data_statements() - start_statements,
    );

    db::analyze(&db).await.map_err(|e| e.to_string())?;

    // Phase B
    eprintln!("phase B: list_orders for {USERS} users");
    let mut expected_per_user = vec![0_usize; USERS as usize + 1];
    for i in 0..args.orders {
        expected_per_user[(i % USERS as u64) as usize + 1] += 1;
    }
    let (mut sum_b, mut orders_b, mut items_b) = (0_i64, 0_u64, 0_u64);
    let start_statements = recorder.data_statements();
    let t0 = Instant::now();
    for u in 1..=USERS {
        let orders = if args.builder {
            service::list_orders_builder(&db, u).await
        } else {
            service::list_orders(&db, u).await
        }
        .map_err(fail)?;
        if orders.len() != expected_per_user[u as usize] {
            return Err(format!("user {u}: {} orders", orders.len()));
        }
        for o in &orders {
            sum_b += o.total_amount_cents;
            items_b += o.items.len() as u64;
        }
        orders_b += orders.len() as u64;
    }
    emit(
        &args,
        backend,
        "B",
        USERS as u64,
        t0.elapsed().as_secs_f64(),
        recorder.data_statements() - start_statements,
    );

    // verify
    let totals = service::totals(&db).await.map_err(fail)?;
    let (orders, items, checksum) = (totals.orders, totals.items, totals.amount_cents);
    let expected = expected_checksum(args.orders);
    let n = args.orders as i64;
    let ok = orders == n
        && items == 3 * n
        && checksum == i128::from(expected)
        && sum_a == expected
        && sum_b == expected
        && orders_b == args.orders
        && items_b == 3 * args.orders
        && quantity_a == 6 * n;
    println!(
        "{}",
        json!({
            "impl": args.name(),
            "backend": backend,
            "phase": "verify",
            "checksum": checksum,
            "expected_checksum": expected,
            "phase_a_sum": sum_a,
            "phase_b_sum": sum_b,
            "orders": orders,
            "order_items": items,
            "ok": ok,
        })
    );
    let _ = db.close().await;
    Ok(ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_full_run_checksum_is_w1s() {
        assert_eq!(super::expected_checksum(super::ORDERS), 575_736_730);
    }
}
