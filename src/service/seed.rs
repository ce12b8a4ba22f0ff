//! Seeding: the demo set (assets/demo.json, dated relative to a given day) and scale data
//! (batched multi-row inserts). Both write what create_order and the status changes would:
//! items with captured prices, stock taken, events. Both refuse a database that has orders.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QuerySelect, Statement, Value,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::orders::{cancel_in, change_status, insert_order};
use super::{Error, NewOrder, NewOrderItem, Status, finish, validate};
use crate::db::Db;
use crate::entity::{order, product, user};

/// The demo data set, kept in `assets/demo.json`.
pub const DEMO_JSON: &str = include_str!("../../assets/demo.json");

#[derive(Debug, Deserialize)]
struct Demo {
    users: Vec<DemoUser>,
    products: Vec<DemoProduct>,
    orders: Vec<DemoOrder>,
}

#[derive(Debug, Deserialize)]
struct DemoUser {
    email: String,
    full_name: String,
}

#[derive(Debug, Deserialize)]
struct DemoProduct {
    name: String,
    price: String,
    stock: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct DemoOrder {
    /// 1-based index into users.
    user: usize,
    days_ago: i64,
    time: String,
    status: Status,
    /// `[product index (1-based), quantity]`.
    items: Vec<(usize, i64)>,
}

/// What a seed wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeedReport {
    /// Users written.
    pub users: u64,
    /// Products written.
    pub products: u64,
    /// Orders written.
    pub orders: u64,
    /// Order lines written.
    pub items: u64,
    /// Events written.
    pub events: u64,
}

/// Sizes of a scale seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleSeed {
    /// Users to write.
    pub users: u64,
    /// Products to write.
    pub products: u64,
    /// Orders to write (each with 1 to 3 lines and its events).
    pub orders: u64,
    /// The seed of the random generator: the same seed writes the same data.
    pub seed: u64,
    /// The day the orders lead up to (the year before it).
    pub today: NaiveDate,
}

/// The largest scale seed, per table.
pub const MAX_SEED_ROWS: u64 = 10_000_000;

async fn refuse_if_orders(conn: &impl ConnectionTrait) -> Result<(), Error> {
    let orders = order::Entity::find().count(conn).await?;
    if orders > 0 {
        return Err(Error::Conflict {
            field: "seed".to_owned(),
            reason: format!(
                "the database already has {orders} order(s); seed only an empty one \
                 (orderdesk migrate fresh empties it)"
            ),
        });
    }
    Ok(())
}

/// The offsets after an order's creation at which each status change happens.
fn step_offset(to: Status) -> Duration {
    match to {
        Status::Confirmed => Duration::hours(3),
        Status::Shipped => Duration::hours(26),
        Status::Delivered => Duration::hours(77),
        Status::Cancelled => Duration::hours(5),
        Status::Pending => Duration::zero(),
    }
}

/// The status changes that lead from a new order to `status`, with the status it starts in.
fn path_to(status: Status) -> (Status, &'static [Status]) {
    match status {
        Status::Pending => (Status::Pending, &[]),
        Status::Confirmed => (Status::Pending, &[Status::Confirmed]),
        Status::Shipped => (Status::Pending, &[Status::Confirmed, Status::Shipped]),
        Status::Delivered => (Status::Confirmed, &[Status::Shipped, Status::Delivered]),
        Status::Cancelled => (Status::Pending, &[Status::Cancelled]),
    }
}

/// Loads the demo set: about 8 users, 20 products with stock and 40 orders over the 30 days
/// before `today`, in every status, in one transaction.
///
/// # Errors
/// Conflict when the database has orders (or a demo email is taken); nothing is written then.
pub async fn seed_demo(db: &Db, today: NaiveDate) -> Result<SeedReport, Error> {
    let demo: Demo = serde_json::from_str(DEMO_JSON)
        .map_err(|e| Error::invalid("seed", format!("assets/demo.json is not valid: {e}")))?;
    let tx = db.begin_write().await?;
    let result = async {
        let conn = &*tx;
        refuse_if_orders(conn).await?;
        let midnight = today.and_time(NaiveTime::MIN).and_utc();
        let start = midnight - Duration::days(31);
        let mut report = SeedReport::default();
        let mut user_ids = Vec::new();
        for (i, u) in demo.users.iter().enumerate() {
            let email = validate::email("email", &u.email)?;
            let created = user::ActiveModel {
                email: Set(email.clone()),
                full_name: Set(validate::name("name", &u.full_name)?),
                created_at: Set(start + Duration::hours(9 + i as i64)),
                ..Default::default()
            }
            .insert(conn)
            .await
            .map_err(|e| {
                super::unique_to_conflict(e, "email", || format!("{email} is already registered"))
            })?;
            user_ids.push(created.id);
            report.users += 1;
        }
        let mut product_ids = Vec::new();
        for p in &demo.products {
            let created = product::ActiveModel {
                name: Set(validate::name("name", &p.name)?),
                price_cents: Set(validate::price("price", &p.price)?),
                stock: Set(p.stock),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            product_ids.push(created.id);
            report.products += 1;
        }
        for (n, o) in demo.orders.iter().enumerate() {
            let field = || format!("demo order {}", n + 1);
            let time = NaiveTime::parse_from_str(&o.time, "%H:%M")
                .map_err(|e| Error::invalid(field(), e.to_string()))?;
            let created_at = (today - Duration::days(o.days_ago))
                .and_time(time)
                .and_utc();
            let (initial, steps) = path_to(o.status);
            let items = o
                .items
                .iter()
                .map(|&(p, quantity)| {
                    let product_id = *product_ids
                        .get(p.wrapping_sub(1))
                        .ok_or_else(|| Error::invalid(field(), format!("no product {p}")))?;
                    Ok(NewOrderItem {
                        product_id,
                        quantity,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let user_id = *user_ids
                .get(o.user.wrapping_sub(1))
                .ok_or_else(|| Error::invalid(field(), format!("no user {}", o.user)))?;
            let placed = insert_order(
                conn,
                &NewOrder {
                    user_id,
                    status: initial,
                    items,
                },
                created_at,
            )
            .await?;
            report.orders += 1;
            report.items += placed.items.len() as u64;
            report.events += 1;
            for (k, &to) in steps.iter().enumerate() {
                // Every change lands before today, in order, even for recent orders.
                let latest = midnight - Duration::minutes((steps.len() - k) as i64);
                let at = (created_at + step_offset(to)).min(latest).max(created_at);
                if to == Status::Cancelled {
                    cancel_in(conn, placed.id, at).await?;
                } else {
                    change_status(conn, placed.id, to, at).await?;
                }
                report.events += 1;
            }
        }
        Ok(report)
    }
    .await;
    finish(tx, result).await
}

/// How far a scale seed has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedProgress {
    /// Orders written so far.
    pub orders_done: u64,
    /// Orders to write.
    pub orders_total: u64,
}

/// Rows per multi-row INSERT: 5 columns each stays under SQLite's 32,766 bound values.
const BATCH_ROWS: usize = 5_000;
const USER_COLUMNS: &[&str] = &["id", "email", "full_name", "created_at"];
const PRODUCT_COLUMNS: &[&str] = &["id", "name", "price_cents", "stock"];

/// Orders per transaction.
const ORDERS_PER_TX: u64 = 50_000;

const ADJECTIVES: [&str; 16] = [
    "Red",
    "Blue",
    "Small",
    "Large",
    "Classic",
    "Smart",
    "Quiet",
    "Rapid",
    "Golden",
    "Silver",
    "Compact",
    "Deluxe",
    "Eco",
    "Hand-made",
    "Travel",
    "Steel",
];
const NOUNS: [&str; 16] = [
    "Mug", "Kettle", "Grinder", "Scale", "Filter", "Tumbler", "Jar", "Apron", "Tamper", "Glass",
    "Press", "Spoon", "Tray", "Brush", "Canister", "Dripper",
];
const FIRST: [&str; 16] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Dennis", "Frances",
    "John", "Radia", "Tim", "Hedy", "Linus", "Sophie",
];
const LAST: [&str; 16] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Ritchie",
    "Allen",
    "Backus",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "Torvalds",
    "Wilson",
];

/// Writes `users`, `products` and `orders` rows of plausible data, batched (multi-row INSERTs,
/// 50,000 orders per transaction), calling `progress` after each batch of orders. Orders spread
/// over the year before `today` and through every status; each has its items (captured prices),
/// its events, and the products' stock ends as the stock left after what they sold.
///
/// # Errors
/// Validation (sizes), Conflict when the database has orders, or a database failure.
pub async fn seed_scale(
    db: &Db,
    spec: ScaleSeed,
    progress: &(dyn Fn(SeedProgress) + Send + Sync),
) -> Result<SeedReport, Error> {
    for (field, n) in [
        ("users", spec.users),
        ("products", spec.products),
        ("orders", spec.orders),
    ] {
        if n > MAX_SEED_ROWS {
            return Err(Error::invalid(
                field,
                format!("at most {MAX_SEED_ROWS} (got {n})"),
            ));
        }
    }
    if spec.orders > 0 && (spec.users == 0 || spec.products == 0) {
        return Err(Error::invalid(
            "orders",
            "orders need at least one user and one product (--users N --products N)",
        ));
    }
    let conn = &**db;
    refuse_if_orders(conn).await?;
    let first_user = next_id(conn, user::Entity).await?;
    let first_product = next_id(conn, product::Entity).await?;
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let mut report = SeedReport::default();
    let midnight = spec.today.and_time(NaiveTime::MIN).and_utc();
    let year_ago = midnight - Duration::days(365);

    // Users.
    let tx = db.begin_write().await?;
    let result = async {
        let mut rows = Vec::with_capacity(BATCH_ROWS);
        for i in 0..spec.users {
            let id = first_user + i as i64;
            let name = format!(
                "{} {}",
                FIRST[rng.usize(..FIRST.len())],
                LAST[rng.usize(..LAST.len())]
            );
            let created = year_ago - Duration::days(30) + Duration::minutes(rng.i64(0..43_200));
            rows.push(vec![
                id.into(),
                format!("seed{id}@example.com").into(),
                name.into(),
                created.into(),
            ]);
            if rows.len() == BATCH_ROWS {
                insert_rows(&*tx, "users", USER_COLUMNS, &mut rows).await?;
            }
        }
        insert_rows(&*tx, "users", USER_COLUMNS, &mut rows).await?;
        Ok::<(), Error>(())
    }
    .await;
    finish(tx, result).await?;
    report.users = spec.users;

    // Products: stock is what is left after the orders (1 in 5 untracked, some low).
    let mut prices = Vec::with_capacity(spec.products as usize);
    let tx = db.begin_write().await?;
    let result = async {
        let mut rows = Vec::with_capacity(BATCH_ROWS);
        for i in 0..spec.products {
            let id = first_product + i as i64;
            let price: i64 = rng.i64(1..400) * 50 - 1;
            prices.push(price);
            let stock = (rng.u8(..10) < 8).then(|| rng.i64(0..200));
            let name = format!(
                "{} {} {}",
                ADJECTIVES[rng.usize(..ADJECTIVES.len())],
                NOUNS[rng.usize(..NOUNS.len())],
                id
            );
            rows.push(vec![id.into(), name.into(), price.into(), stock.into()]);
            if rows.len() == BATCH_ROWS {
                insert_rows(&*tx, "products", PRODUCT_COLUMNS, &mut rows).await?;
            }
        }
        insert_rows(&*tx, "products", PRODUCT_COLUMNS, &mut rows).await?;
        Ok::<(), Error>(())
    }
    .await;
    finish(tx, result).await?;
    report.products = spec.products;

    // Orders, items, events.
    let span_minutes = 365 * 24 * 60;
    let mut order_id = 0_i64;
    let mut item_id = 0_i64;
    let mut event_id = 0_i64;
    let mut done = 0_u64;
    while done < spec.orders {
        let chunk = ORDERS_PER_TX.min(spec.orders - done);
        let tx = db.begin_write().await?;
        let result = async {
            let mut orders = Vec::with_capacity(BATCH_ROWS);
            let mut items = Vec::with_capacity(BATCH_ROWS);
            let mut events = Vec::with_capacity(BATCH_ROWS);
            for _ in 0..chunk {
                order_id += 1;
                let n = order_id as u64;
                let created = year_ago
                    + Duration::minutes((n as i64 - 1) * span_minutes / spec.orders.max(1) as i64)
                    + Duration::seconds(rng.i64(0..60));
                let age_days = (midnight - created).num_days();
                let status = pick_status(&mut rng, age_days);
                let user_id = first_user + rng.i64(0..spec.users as i64);
                let lines = rng.usize(1..=3);
                let mut payload_items = Vec::with_capacity(lines);
                let mut total = 0_i64;
                for _ in 0..lines {
                    let p = rng.usize(..spec.products as usize);
                    let quantity = rng.i64(1..=5);
                    item_id += 1;
                    items.push(vec![
                        item_id.into(),
                        order_id.into(),
                        (first_product + p as i64).into(),
                        quantity.into(),
                        prices[p].into(),
                    ]);
                    total += quantity * prices[p];
                    payload_items.push(json!({
                        "product_id": first_product + p as i64,
                        "quantity": quantity,
                        "price_cents_at_purchase": prices[p],
                    }));
                }
                let (initial, steps) = path_to(status);
                let mut updated = created;
                event_id += 1;
                events.push(vec![
                    event_id.into(),
                    order_id.into(),
                    "order_created".into(),
                    json!({
                        "user_id": user_id,
                        "status": initial,
                        "items": payload_items,
                        "total_amount_cents": total,
                    })
                    .to_string()
                    .into(),
                    created.into(),
                ]);
                let mut from = initial;
                for &to in steps {
                    let at = (created + step_offset(to)).min(midnight - Duration::minutes(1));
                    updated = at.max(updated);
                    event_id += 1;
                    let (kind, payload) = if to == Status::Cancelled {
                        (
                            "order_cancelled",
                            json!({ "from": from, "to": to, "restocked": [] }),
                        )
                    } else {
                        ("order_status_updated", json!({ "from": from, "to": to }))
                    };
                    events.push(vec![
                        event_id.into(),
                        order_id.into(),
                        kind.into(),
                        payload.to_string().into(),
                        updated.into(),
                    ]);
                    from = to;
                }
                orders.push(vec![
                    order_id.into(),
                    user_id.into(),
                    status.as_str().into(),
                    created.into(),
                    updated.into(),
                ]);
                if orders.len() == BATCH_ROWS {
                    flush_orders(&*tx, &mut orders, &mut items, &mut events).await?;
                }
            }
            flush_orders(&*tx, &mut orders, &mut items, &mut events).await?;
            Ok::<(), Error>(())
        }
        .await;
        finish(tx, result).await?;
        done += chunk;
        progress(SeedProgress {
            orders_done: done,
            orders_total: spec.orders,
        });
    }
    report.orders = spec.orders;
    report.items = item_id as u64;
    report.events = event_id as u64;

    fix_sequences(db).await?;
    Ok(report)
}

fn pick_status(rng: &mut fastrand::Rng, age_days: i64) -> Status {
    let roll = rng.u8(..100);
    match age_days {
        0..=1 => [Status::Pending, Status::Confirmed][usize::from(roll >= 60)],
        2..=4 => match roll {
            0..=19 => Status::Confirmed,
            20..=79 => Status::Shipped,
            80..=89 => Status::Delivered,
            _ => Status::Cancelled,
        },
        _ => match roll {
            0..=89 => Status::Delivered,
            _ => Status::Cancelled,
        },
    }
}

async fn next_id<E: EntityTrait>(conn: &impl ConnectionTrait, _entity: E) -> Result<i64, Error> {
    let max: Option<i64> = E::find()
        .select_only()
        .expr(Expr::cust("MAX(id)"))
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

async fn flush_orders(
    conn: &impl ConnectionTrait,
    orders: &mut Vec<Vec<Value>>,
    items: &mut Vec<Vec<Value>>,
    events: &mut Vec<Vec<Value>>,
) -> Result<(), Error> {
    insert_rows(
        conn,
        "orders",
        &["id", "user_id", "status", "created_at", "updated_at"],
        orders,
    )
    .await?;
    insert_rows(
        conn,
        "order_items",
        &[
            "id",
            "order_id",
            "product_id",
            "quantity",
            "price_cents_at_purchase",
        ],
        items,
    )
    .await?;
    insert_rows(
        conn,
        "order_events",
        &["id", "order_id", "event_type", "payload", "created_at"],
        events,
    )
    .await
}

/// Inserts `rows` (emptying it) as multi-row INSERTs of at most [`BATCH_ROWS`] rows.
async fn insert_rows(
    conn: &impl ConnectionTrait,
    table: &'static str,
    columns: &[&'static str],
    rows: &mut Vec<Vec<Value>>,
) -> Result<(), Error> {
    for batch in rows.chunks(BATCH_ROWS) {
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied());
        for row in batch {
            insert.values_panic(row.iter().cloned().map(Expr::value));
        }
        conn.execute(&insert).await?;
    }
    rows.clear();
    Ok(())
}

/// After inserting explicit ids, moves PostgreSQL's identity sequences past them.
async fn fix_sequences(db: &Db) -> Result<(), Error> {
    if db.backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in ["users", "products", "orders", "order_items", "order_events"] {
        db.query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ),
        ))
        .await?;
    }
    Ok(())
}

/// Today's date by the pool's clock, for seeds that are not pinned to a day.
pub fn today(db: &Db) -> NaiveDate {
    let now: DateTime<Utc> = db.now();
    now.date_naive()
}
