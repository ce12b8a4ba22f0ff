//! The fixed list of what a lesson's step may run, with the figures each reports.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::db::{Db, Level};
use crate::service::lessons::{self, FastPath};
use crate::service::{self, Error, NewOrder, NewOrderItem, NewProduct, NewUser, Status};

/// What a step runs. In a lesson file: `action = "create_user"` and
/// `args = { email = "..", full_name = ".." }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    tag = "action",
    content = "args",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Action {
    /// The lessons' shop: users 1-3 (ada@, grace@, alan@example.com) and products 1-5: Mug
    /// (50 in stock), Teapot (20), Kettle (2), Poster (stock not tracked), Lamp (3).
    Shop,
    /// `create_user`.
    CreateUser {
        /// The email.
        email: String,
        /// The full name.
        full_name: String,
    },
    /// `create_product`.
    CreateProduct {
        /// The name.
        name: String,
        /// The price in cents.
        price_cents: i64,
        /// Units in stock (absent: not tracked).
        #[serde(default)]
        stock: Option<i64>,
    },
    /// `create_order` for a user, with `[product, quantity]` lines, or its query-builder form
    /// (`create_order_builder`).
    CreateOrder {
        /// The customer's id.
        user: i64,
        /// `[product id, quantity]` per line.
        items: Vec<[i64; 2]>,
        /// Through the query builder, statement by statement, instead of the fast path.
        #[serde(default)]
        builder: bool,
    },
    /// Counts orders, lines and events.
    Counts,
    /// Adds orders for a user (through `create_order`'s body, in one transaction), one to
    /// three lines each over the products given.
    AddOrders {
        /// The customer's id.
        user: i64,
        /// How many.
        count: usize,
        /// The products the lines take, in turn (untracked ones, or the stock runs out).
        products: Vec<i64>,
    },
    /// `list_orders` (one join), `list_orders_lazy` (1 + N) or `list_orders_builder` (SeaORM's
    /// entity loader: 3).
    ListOrders {
        /// The customer's id.
        user: i64,
        /// The lazy way.
        #[serde(default)]
        lazy: bool,
        /// Through the entity loader.
        #[serde(default)]
        builder: bool,
    },
    /// Connection A reads a product's stock three times at an isolation level while B takes a
    /// unit.
    ReadTwice {
        /// The product's id.
        product: i64,
        /// `read_committed` or `repeatable_read`.
        isolation: Level,
    },
    /// Clerks sell one unit each the naive way (load, then save `loaded - 1`).
    SellNaive {
        /// The product's id.
        product: i64,
        /// How many clerks.
        clerks: usize,
    },
    /// Clerks sell one unit each through `create_order` (a conditional UPDATE).
    SellSafe {
        /// The product's id.
        product: i64,
        /// How many clerks.
        clerks: usize,
    },
    /// An order whose event is written in a second transaction that never comes.
    OrderThenEvent {
        /// The customer's id.
        user: i64,
        /// The product (one unit).
        product: i64,
    },
    /// Counts orders, events, orders without an event and unpublished events.
    Outbox,
    /// A fast path and its query-builder form, called in turn `times` times each: each one's
    /// statements per call and median time.
    TimeBoth {
        /// `create_order` or `list_orders`.
        call: FastPath,
        /// The customer's id.
        user: i64,
        /// For `create_order`: `[product id, quantity]` per line (untracked products, or the
        /// stock runs out).
        #[serde(default)]
        items: Vec<[i64; 2]>,
        /// Calls of each form.
        times: usize,
    },
}

/// What an action reports, by name: what answers may read besides the log.
pub type Figures = BTreeMap<&'static str, evalexpr::Value>;

/// Every action's name, as lesson files spell them.
pub const NAMES: [&str; 13] = [
    "shop",
    "create_user",
    "create_product",
    "create_order",
    "counts",
    "add_orders",
    "list_orders",
    "read_twice",
    "sell_naive",
    "sell_safe",
    "order_then_event",
    "outbox",
    "time_both",
];

impl Action {
    /// The action `name` with `args`, or why not (naming the argument).
    ///
    /// # Errors
    /// An unknown action, or arguments missing, unknown or of the wrong type.
    pub fn parse(name: &str, args: Option<&toml::Table>) -> Result<Action, String> {
        if !NAMES.contains(&name) {
            return Err(format!(
                "unknown action {name:?} (the actions are: {})",
                NAMES.join(", ")
            ));
        }
        let mut table = toml::Table::new();
        table.insert("action".into(), toml::Value::String(name.to_owned()));
        if let Some(args) = args {
            table.insert("args".into(), toml::Value::Table(args.clone()));
        }
        let action = toml::Value::Table(table)
            .try_into::<Action>()
            .map_err(|e| format!("{name}'s args: {}", e.message().trim_end()))?;
        if let Action::ListOrders {
            lazy: true,
            builder: true,
            ..
        } = action
        {
            return Err(format!(
                "{name}'s args: lazy and builder are two ways of listing; choose one"
            ));
        }
        Ok(action)
    }

    /// The figures it reports.
    #[must_use]
    pub fn figure_names(&self) -> &'static [&'static str] {
        match self {
            Action::Shop => &[],
            Action::CreateUser { .. } | Action::CreateProduct { .. } => &["id"],
            Action::CreateOrder { .. } => &["id", "total_cents"],
            Action::Counts => &["orders", "items", "events"],
            Action::AddOrders { .. } => &["orders"],
            Action::ListOrders { .. } => &["orders", "items"],
            Action::ReadTwice { .. } => &["before", "during", "after"],
            Action::SellNaive { .. } | Action::SellSafe { .. } => &[
                "stock_before",
                "sold",
                "refused_orders",
                "stock_after",
                "oversold",
            ],
            Action::OrderThenEvent { .. } => &["order_id"],
            Action::Outbox => &["orders", "events", "orders_without_event", "unpublished"],
            Action::TimeBoth { .. } => &[
                "fast_statements",
                "builder_statements",
                "fast_us",
                "builder_us",
                "times",
            ],
        }
    }

    /// The function of orderdesk's source that the step shows (see [`super::code`]).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Action::Shop => "create_product",
            Action::CreateUser { .. } => "create_user",
            Action::CreateProduct { .. } => "create_product",
            Action::CreateOrder { builder: false, .. } => "insert_order",
            Action::CreateOrder { builder: true, .. } => "insert_order_builder",
            Action::Counts => "counts",
            Action::AddOrders { .. } => "add_orders",
            Action::ListOrders { builder: true, .. } => "list_orders_builder",
            Action::ListOrders { lazy: false, .. } => "list_orders",
            Action::ListOrders { lazy: true, .. } => "list_orders_lazy",
            Action::ReadTwice { .. } => "read_twice",
            Action::SellNaive { .. } => "sell_naive",
            Action::SellSafe { .. } => "take_stock",
            Action::OrderThenEvent { .. } => "order_then_event",
            Action::Outbox => "outbox_counts",
            Action::TimeBoth { .. } => "time_both",
        }
    }

    /// What the SQL log names it.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Action::Shop => "lesson: the shop".into(),
            Action::CreateUser { email, .. } => format!("create_user {email}"),
            Action::CreateProduct { name, .. } => format!("create_product {name}"),
            Action::CreateOrder {
                user,
                items,
                builder,
            } => format!(
                "create_order{} for user {user}, {} lines",
                if *builder { "_builder" } else { "" },
                items.len()
            ),
            Action::Counts => "count the order tables".into(),
            Action::AddOrders { user, count, .. } => format!("add {count} orders for user {user}"),
            Action::ListOrders {
                user,
                lazy,
                builder,
            } => format!(
                "list_orders{} of user {user}",
                match (lazy, builder) {
                    (_, true) => "_builder",
                    (true, false) => "_lazy",
                    (false, false) => "",
                }
            ),
            Action::ReadTwice { isolation, .. } => {
                format!("read three times at {}", isolation.sql())
            }
            Action::SellNaive { clerks, .. } => format!("{clerks} clerks sell (naive)"),
            Action::SellSafe { clerks, .. } => format!("{clerks} clerks sell (create_order)"),
            Action::OrderThenEvent { .. } => "an order, its event apart".into(),
            Action::Outbox => "count the outbox".into(),
            Action::TimeBoth { call, times, .. } => {
                let name = match call {
                    FastPath::CreateOrder => "create_order",
                    FastPath::ListOrders => "list_orders",
                };
                format!("{name} and {name}_builder, {times} times each")
            }
        }
    }

    /// Runs it on `db` and returns its figures.
    ///
    /// # Errors
    /// Whatever the service refuses (that is often the lesson: a duplicate email, an order out
    /// of stock).
    pub async fn execute(&self, db: &Db) -> Result<Figures, Error> {
        use evalexpr::Value;
        let int = |n: i64| Value::Int(n);
        let mut figures = Figures::new();
        match self {
            Action::Shop => shop(db).await?,
            Action::CreateUser { email, full_name } => {
                let input = NewUser {
                    email: email.clone(),
                    full_name: full_name.clone(),
                };
                figures.insert("id", int(service::create_user(db, input).await?.id));
            }
            Action::CreateProduct {
                name,
                price_cents,
                stock,
            } => {
                let input = NewProduct {
                    name: name.clone(),
                    price_cents: *price_cents,
                    stock: *stock,
                };
                figures.insert("id", int(service::create_product(db, input).await?.id));
            }
            Action::CreateOrder {
                user,
                items,
                builder,
            } => {
                let input = NewOrder {
                    user_id: *user,
                    status: Status::Pending,
                    items: lines(items),
                };
                let order = if *builder {
                    service::create_order_builder(db, input).await?
                } else {
                    service::create_order(db, input).await?
                };
                figures.insert("id", int(order.id));
                figures.insert("total_cents", int(order.total_amount_cents));
            }
            Action::Counts => {
                let c = lessons::counts(db).await?;
                figures.insert("orders", int(c.orders as i64));
                figures.insert("items", int(c.items as i64));
                figures.insert("events", int(c.events as i64));
            }
            Action::AddOrders {
                user,
                count,
                products,
            } => {
                let added = lessons::add_orders(db, *user, products, *count).await?;
                figures.insert("orders", int(added as i64));
            }
            Action::ListOrders {
                user,
                lazy,
                builder,
            } => {
                let orders = match (lazy, builder) {
                    (_, true) => service::list_orders_builder(db, *user).await?,
                    (true, false) => service::list_orders_lazy(db, *user).await?,
                    (false, false) => service::list_orders(db, *user).await?,
                };
                let items: usize = orders.iter().map(|o| o.items.len()).sum();
                figures.insert("orders", int(orders.len() as i64));
                figures.insert("items", int(items as i64));
            }
            Action::ReadTwice { product, isolation } => {
                let r = lessons::read_twice(db, *product, *isolation).await?;
                figures.insert("before", int(r.before));
                figures.insert("during", int(r.during));
                figures.insert("after", int(r.after));
            }
            Action::SellNaive { product, clerks } | Action::SellSafe { product, clerks } => {
                let sale = if matches!(self, Action::SellNaive { .. }) {
                    lessons::sell_naive(db, 1, *product, *clerks).await?
                } else {
                    lessons::sell_safe(db, 1, *product, *clerks).await?
                };
                figures.insert("stock_before", int(sale.stock_before));
                figures.insert("sold", int(sale.sold));
                figures.insert("refused_orders", int(sale.refused));
                figures.insert("stock_after", int(sale.stock_after));
                figures.insert("oversold", int((sale.sold - sale.stock_before).max(0)));
            }
            Action::OrderThenEvent { user, product } => {
                let id = lessons::order_then_event(db, *user, *product).await?;
                figures.insert("order_id", int(id));
            }
            Action::Outbox => {
                let c = lessons::outbox_counts(db).await?;
                figures.insert("orders", int(c.orders as i64));
                figures.insert("events", int(c.events as i64));
                figures.insert("orders_without_event", int(c.orders_without_event as i64));
                figures.insert("unpublished", int(c.unpublished as i64));
            }
            Action::TimeBoth {
                call,
                user,
                items,
                times,
            } => {
                let c = lessons::time_both(db, *call, *user, &lines(items), *times).await?;
                let micros = |d: std::time::Duration| int(d.as_micros() as i64);
                figures.insert("fast_statements", int(c.fast.statements as i64));
                figures.insert("builder_statements", int(c.builder.statements as i64));
                figures.insert("fast_us", micros(c.fast.median));
                figures.insert("builder_us", micros(c.builder.median));
                figures.insert("times", int(*times as i64));
            }
        }
        Ok(figures)
    }
}

/// An order's lines as lesson files give them, `[product, quantity]`.
fn lines(items: &[[i64; 2]]) -> Vec<NewOrderItem> {
    items
        .iter()
        .map(|&[product_id, quantity]| NewOrderItem::from((product_id, quantity)))
        .collect()
}

/// The lessons' shop (see [`Action::Shop`]).
async fn shop(db: &Db) -> Result<(), Error> {
    for (email, full_name) in [
        ("ada@example.com", "Ada Lovelace"),
        ("grace@example.com", "Grace Hopper"),
        ("alan@example.com", "Alan Turing"),
    ] {
        let input = NewUser {
            email: email.into(),
            full_name: full_name.into(),
        };
        service::create_user(db, input).await?;
    }
    for (name, price_cents, stock) in [
        ("Mug", 1_200, Some(50)),
        ("Teapot", 3_500, Some(20)),
        ("Kettle", 4_900, Some(2)),
        ("Poster", 900, None),
        ("Lamp", 6_500, Some(3)),
    ] {
        let input = NewProduct {
            name: name.into(),
            price_cents,
            stock,
        };
        service::create_product(db, input).await?;
    }
    Ok(())
}
