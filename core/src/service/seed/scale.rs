//! Scale data: plausible users, products and orders by the million, in multi-row INSERTs,
//! generated on a thread of their own while the last batch is written.

#[allow(clippy::wildcard_imports)]
use super::*;
use bulk::{
    BATCH_ROWS, EVENTS, ITEMS, ORDERS, ORDERS_PER_TX, PRODUCT_SALES, PRODUCTS, QUEUE, Rows, USERS,
    bulk_cache, seed_table,
};

mod bulk;

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

/// How far a scale seed has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedProgress {
    /// Orders written so far.
    pub orders_done: u64,
    /// Orders to write.
    pub orders_total: u64,
}

pub(super) const ADJECTIVES: [&str; 16] = [
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

pub(super) const NOUNS: [&str; 16] = [
    "Mug", "Kettle", "Grinder", "Scale", "Filter", "Tumbler", "Jar", "Apron", "Tamper", "Glass",
    "Press", "Spoon", "Tray", "Brush", "Canister", "Dripper",
];

pub(super) const FIRST: [&str; 16] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Dennis", "Frances",
    "John", "Radia", "Tim", "Hedy", "Linus", "Sophie",
];

pub(super) const LAST: [&str; 16] = [
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

/// One batch of generated orders with their items and events.
pub(super) struct OrderBatch {
    orders: Rows,
    items: Rows,
    events: Rows,
}

/// Generates orders for [`seed_scale`]; runs on its own thread so that generating the next batch
/// overlaps with writing the last one.
pub(super) struct OrderGenerator {
    spec: ScaleSeed,
    rng: fastrand::Rng,
    prices: Vec<i64>,
    tracked: Vec<bool>,
    tally: Tally,
    first_user: i64,
    first_product: i64,
    order_id: i64,
    item_id: i64,
    event_id: i64,
}

impl OrderGenerator {
    fn batch(&mut self, count: u64) -> OrderBatch {
        let mut batch = OrderBatch {
            orders: Rows::new(ORDERS),
            items: Rows::new(ITEMS),
            events: Rows::new(EVENTS),
        };
        let midnight = self.spec.today.and_time(NaiveTime::MIN).and_utc();
        let year_ago = midnight - Duration::days(365);
        let span_minutes: i64 = 365 * 24 * 60;
        let total = self.spec.orders.max(1) as i64;
        for _ in 0..count {
            self.order_id += 1;
            let id = self.order_id;
            let created = year_ago
                + Duration::minutes((id - 1) * span_minutes / total)
                + Duration::seconds(self.rng.i64(0..60));
            let status = pick_status(&mut self.rng, (midnight - created).num_days());
            let user_id = self.first_user + self.rng.i64(0..self.spec.users as i64);
            let lines = self.rng.usize(1..=3);
            let mut payload_items = Vec::with_capacity(lines);
            let mut amount = 0_i64;
            for _ in 0..lines {
                let p = self.rng.usize(..self.prices.len());
                let product_id = self.first_product + p as i64;
                let quantity = self.rng.i64(1..=5);
                let price = self.prices[p];
                let stock_taken = if self.tracked[p] { quantity } else { 0 };
                self.item_id += 1;
                batch.items.push([
                    self.item_id.into(),
                    id.into(),
                    product_id.into(),
                    quantity.into(),
                    price.into(),
                    stock_taken.into(),
                ]);
                amount += quantity * price;
                if status != Status::Cancelled {
                    *self
                        .tally
                        .sales
                        .entry((product_id, id.rem_euclid(SALES_SHARDS)))
                        .or_default() += quantity;
                }
                payload_items.push(json!({
                    "product_id": product_id,
                    "quantity": quantity,
                    "price_cents_at_purchase": price,
                }));
            }
            let (initial, steps) = path_to(status);
            self.event_id += 1;
            let created_payload = json!({
                "user_id": user_id,
                "status": initial,
                "items": payload_items,
                "total_amount_cents": amount,
            });
            batch.events.push([
                self.event_id.into(),
                id.into(),
                "order_created".into(),
                created_payload.to_string().into(),
                created.into(),
            ]);
            let mut from = initial;
            let mut updated = created;
            for &to in steps {
                let at = (created + step_offset(to)).min(midnight - Duration::minutes(1));
                updated = at.max(updated);
                self.event_id += 1;
                let (kind, payload) = if to == Status::Cancelled {
                    (
                        "order_cancelled",
                        json!({ "from": from, "to": to, "restocked": [] }),
                    )
                } else {
                    ("order_status_updated", json!({ "from": from, "to": to }))
                };
                batch.events.push([
                    self.event_id.into(),
                    id.into(),
                    kind.into(),
                    payload.to_string().into(),
                    updated.into(),
                ]);
                from = to;
                if to == Status::Delivered {
                    self.tally.delivered(id, updated - created);
                }
            }
            self.tally.order(id, status, amount);
            batch.orders.push([
                id.into(),
                user_id.into(),
                status.as_str().into(),
                created.into(),
                updated.into(),
            ]);
        }
        batch
    }
}

/// The running figures of the orders a scale seed writes, tallied as they are generated and
/// written to `order_stats` and `product_sales` at the end.
#[derive(Default)]
pub(super) struct Tally {
    /// Per shard: the count of each status (in [`Status::ALL`] order), then revenue in cents
    /// and delivery milliseconds.
    shards: Vec<([i64; 5], i128, i64)>,
    /// Units per (product, shard).
    sales: std::collections::BTreeMap<(i64, i64), i64>,
}

impl Tally {
    fn shard(&mut self, order_id: i64) -> &mut ([i64; 5], i128, i64) {
        if self.shards.is_empty() {
            self.shards = vec![([0; 5], 0, 0); STATS_SHARDS as usize];
        }
        &mut self.shards[order_id.rem_euclid(STATS_SHARDS) as usize]
    }

    fn order(&mut self, order_id: i64, status: Status, amount: i64) {
        let shard = self.shard(order_id);
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        shard.0[i] += 1;
        if status != Status::Cancelled {
            shard.1 += i128::from(amount);
        }
    }

    fn delivered(&mut self, order_id: i64, took: Duration) {
        let micros = took.num_microseconds().unwrap_or(i64::MAX);
        self.shard(order_id).2 += (micros + 500).div_euclid(1000);
    }

    /// Adds the tally to `order_stats` and `product_sales`.
    async fn write(self, conn: &impl ConnectionTrait) -> Result<(), Error> {
        for (shard, (counts, revenue, delivery_ms)) in self.shards.into_iter().enumerate() {
            let mut sql = SqlText::new(conn.get_database_backend());
            sql.push("UPDATE order_stats SET ");
            for (status, n) in Status::ALL.iter().zip(counts) {
                sql.push(&format!("{status} = {status} + "));
                sql.bind(n);
                sql.push(", ");
            }
            let hi = i64::try_from(revenue >> REVENUE_SPLIT_BITS).unwrap_or(i64::MAX);
            let lo = i64::try_from(revenue & ((1 << REVENUE_SPLIT_BITS) - 1)).unwrap_or(0);
            sql.push("revenue_hi = revenue_hi + ");
            sql.bind(hi);
            sql.push(", revenue_lo = revenue_lo + ");
            sql.bind(lo);
            sql.push(", delivery_ms = delivery_ms + ");
            sql.bind(delivery_ms);
            sql.push(" WHERE shard = ");
            sql.bind(shard as i64);
            conn.execute_raw(sql.statement()).await?;
        }
        let mut rows = Rows::new(PRODUCT_SALES);
        for ((product_id, shard), units) in self.sales {
            rows.push([product_id.into(), shard.into(), units.into()]);
        }
        rows.flush(conn).await
    }
}

/// Writes `users`, `products` and `orders` rows of plausible data, batched (multi-row INSERTs,
/// 50,000 orders per transaction), calling `progress` after each transaction. Orders spread
/// over the year before `today` and through every status; each has its items (captured prices)
/// and its events; products' stock is what is left (one in five untracked, some low). The same
/// seed writes the same data.
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
    let conn = db.reader();
    refuse_if_orders(conn).await?;
    let first_user = next_id(conn, user::Entity).await?;
    let first_product = next_id(conn, product::Entity).await?;
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let midnight = spec.today.and_time(NaiveTime::MIN).and_utc();
    let year_ago = midnight - Duration::days(365);

    seed_table(db, USERS, spec.users, |i| {
        let id = first_user + i as i64;
        let name = format!(
            "{} {}",
            FIRST[rng.usize(..FIRST.len())],
            LAST[rng.usize(..LAST.len())]
        );
        let created = year_ago - Duration::days(30) + Duration::minutes(rng.i64(0..43_200));
        let email = format!("seed{id}@example.com");
        let key = crate::fold::user_key(&email, &name);
        [
            id.into(),
            email.into(),
            name.into(),
            created.into(),
            key.into(),
        ]
    })
    .await?;

    let mut prices = Vec::with_capacity(spec.products as usize);
    let mut tracked = Vec::with_capacity(spec.products as usize);
    seed_table(db, PRODUCTS, spec.products, |i| {
        let id = first_product + i as i64;
        let price: i64 = rng.i64(1..400) * 50 - 1;
        prices.push(price);
        let stock = (rng.u8(..10) < 8).then(|| rng.i64(0..200));
        tracked.push(stock.is_some());
        let name = format!(
            "{} {} {id}",
            ADJECTIVES[rng.usize(..ADJECTIVES.len())],
            NOUNS[rng.usize(..NOUNS.len())],
        );
        let key = crate::fold::fold(&name);
        [
            id.into(),
            name.into(),
            price.into(),
            stock.into(),
            key.into(),
        ]
    })
    .await?;

    let (sender, mut batches) = tokio::sync::mpsc::channel::<OrderBatch>(QUEUE);
    let mut generator = OrderGenerator {
        spec,
        rng: fastrand::Rng::with_seed(rng.u64(..)),
        prices,
        tracked,
        tally: Tally::default(),
        first_user,
        first_product,
        order_id: 0,
        item_id: 0,
        event_id: 0,
    };
    let producer = std::thread::spawn(move || {
        let mut left = spec.orders;
        while left > 0 {
            let n = (BATCH_ROWS as u64).min(left);
            if sender.blocking_send(generator.batch(n)).is_err() {
                break; // the writer stopped on an error
            }
            left -= n;
        }
        (generator.item_id, generator.event_id, generator.tally)
    });

    let mut done = 0_u64;
    while done < spec.orders {
        let in_tx = ORDERS_PER_TX.min(spec.orders - done);
        let tx = db.begin_write().await?;
        let result = async {
            bulk_cache(&*tx, true).await?;
            let mut written = 0;
            while written < in_tx {
                let Some(mut batch) = batches.recv().await else {
                    return Err(Error::Db(sea_orm::DbErr::Custom(
                        "the order generator stopped early".to_owned(),
                    )));
                };
                written += batch.orders.len() as u64;
                batch.orders.flush(&*tx).await?;
                batch.items.flush(&*tx).await?;
                batch.events.flush(&*tx).await?;
            }
            bulk_cache(&*tx, false).await?;
            Ok(written)
        }
        .await;
        done += finish(tx, result).await?;
        progress(SeedProgress {
            orders_done: done,
            orders_total: spec.orders,
        });
    }
    drop(batches);
    let (items, events, tally) = producer.join().map_err(|_| {
        Error::Db(sea_orm::DbErr::Custom(
            "the order generator panicked".into(),
        ))
    })?;
    let tx = db.begin_write().await?;
    let result = tally.write(&*tx).await;
    finish(tx, result).await?;
    fix_sequences(db).await?;
    Ok(SeedReport {
        users: spec.users,
        products: spec.products,
        orders: spec.orders,
        items: items as u64,
        events: events as u64,
    })
}

pub(super) fn pick_status(rng: &mut fastrand::Rng, age_days: i64) -> Status {
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

pub(super) async fn next_id<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    _entity: E,
) -> Result<i64, Error> {
    let max: Option<i64> = E::find()
        .select_only()
        .expr(Expr::cust("MAX(id)"))
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// After inserting explicit ids, moves PostgreSQL's identity sequences past them.
pub(super) async fn fix_sequences(db: &Db) -> Result<(), Error> {
    if db.backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in ["users", "products", "orders", "order_items", "order_events"] {
        db.reader()
            .query_one_raw(Statement::from_string(
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
