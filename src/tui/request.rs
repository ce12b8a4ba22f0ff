//! Database work the TUI asks for, and what comes back: the only place the TUI reaches the
//! service layer. Requests run on tokio, away from key handling and drawing.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::db::Db;

mod env;
mod step;
use crate::service::seed::{self, SeedReport};
use crate::service::stepper::{self, Stepped};
use crate::service::{
    self, CancelOrder, Error, ListQuery, NewOrder, NewOrderItem, NewProduct, NewUser, Order,
    OrderDetail, OrderQuery, Product, ProductChanges, Stats, Status, User, UserChanges, UserRow,
};
pub use env::Env;
use env::Holder;
use step::step;

/// What the UI part that asked will do with the answer; a newer request for the same slot makes
/// an older answer stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The users list.
    Users,
    /// The products list.
    Products,
    /// The orders list.
    Orders,
    /// The order detail popup.
    Detail,
    /// The dashboard figures.
    Dashboard,
    /// The pick lists of the order entry form.
    Picker,
    /// A change (create, update, delete, status, seed): never stale.
    Write,
    /// The check for an empty database at start.
    Start,
    /// A query plan.
    Explain,
    /// The stepper's view from another connection.
    Peek,
    /// The stepper's second writer.
    SecondWriter,
    /// The events popup.
    Events,
    /// An order opened for editing.
    Editing,
    /// A lesson's sandbox and steps.
    Lesson,
}

/// A piece of database work.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A page of users.
    Users(ListQuery),
    /// A page of products.
    Products(ListQuery),
    /// A page of orders.
    Orders(OrderQuery),
    /// One order in full.
    Order(i64),
    /// The dashboard's figures, with orders per day up to the given day.
    Dashboard(NaiveDate),
    /// Customers matching text, for the order entry form.
    PickUsers(String),
    /// Products matching text, for the order entry form.
    PickProducts(String),
    /// Whether the database has no users and no products.
    IsEmpty,
    /// Load the demo data dated up to the given day.
    SeedDemo(NaiveDate),
    /// Create a user.
    CreateUser(NewUser),
    /// Change a user.
    UpdateUser(i64, UserChanges),
    /// Delete a user.
    DeleteUser(i64),
    /// Create a product.
    CreateProduct(NewProduct),
    /// Change a product.
    UpdateProduct(i64, ProductChanges),
    /// Delete a product.
    DeleteProduct(i64),
    /// Place an order for the customer with this email.
    CreateOrder(NewOrder, String),
    /// Move an order to a status.
    SetStatus(i64, Status),
    /// Cancel an order.
    Cancel(i64),
    /// An order and its lines' products, to edit it.
    EditStart(i64),
    /// Replace a pending order's lines.
    EditOrder(i64, Vec<NewOrderItem>),
    /// The plan of a logged SELECT.
    Explain(String, Option<sea_orm::Values>),
    /// Place an order and stop before COMMIT (the stepper).
    StepCreateOrder(NewOrder, String),
    /// Cancel an order and stop before COMMIT (the stepper).
    StepCancel(i64),
    /// Commit or roll back the paused transaction.
    StepDecide(Decision),
    /// What another connection (the pool) sees of an order.
    Peek(i64),
    /// A second writer tries a row the paused transaction may hold locked.
    SecondWriter(stepper::Row),
    /// The newest events of the outbox.
    Events,
    /// Make a fresh sandbox for a lesson and run its setup (the previous sandbox is removed).
    LessonStart(Box<crate::lessons::Lesson>),
    /// Run a lesson step's action on the sandbox.
    LessonStep(Box<crate::lessons::Action>),
}

/// What to do with a paused transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// COMMIT.
    Commit,
    /// ROLLBACK.
    Rollback,
    /// ROLLBACK, because nobody decided within [`STEP_TIMEOUT`].
    TimedOut,
}

/// How long a paused transaction waits before it rolls back by itself.
pub const STEP_TIMEOUT: std::time::Duration = std::time::Duration::from_mins(1);

/// What the TUI shows of a paused transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PausedInfo {
    /// What it did.
    pub what: Stepped,
    /// Its isolation level.
    pub isolation: String,
}

impl Request {
    /// Which slot the answer fills.
    #[must_use]
    pub fn slot(&self) -> Slot {
        match self {
            Request::Users(_) => Slot::Users,
            Request::Products(_) => Slot::Products,
            Request::Orders(_) => Slot::Orders,
            Request::Order(_) => Slot::Detail,
            Request::Dashboard(_) => Slot::Dashboard,
            Request::PickUsers(_) | Request::PickProducts(_) => Slot::Picker,
            Request::IsEmpty => Slot::Start,
            Request::Explain(..) => Slot::Explain,
            Request::Peek(_) => Slot::Peek,
            Request::SecondWriter(_) => Slot::SecondWriter,
            Request::Events => Slot::Events,
            Request::EditStart(_) => Slot::Editing,
            Request::LessonStart(_) | Request::LessonStep(_) => Slot::Lesson,
            _ => Slot::Write,
        }
    }
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Orders by status, revenue, delivery time, top products.
    pub stats: Stats,
    /// Orders per day, oldest first.
    pub per_day: Vec<(NaiveDate, i64)>,
}

/// The answer to a [`Request`].
#[derive(Debug)]
pub enum Response {
    /// A page of users.
    Users(Result<Vec<UserRow>, Error>),
    /// A page of products.
    Products(Result<Vec<Product>, Error>),
    /// A page of orders.
    Orders(Result<Vec<service::OrderSummary>, Error>),
    /// One order.
    Order(Result<OrderDetail, Error>),
    /// The dashboard.
    Dashboard(Result<Dashboard, Error>),
    /// Customers for the order entry form.
    PickUsers(Result<Vec<UserRow>, Error>),
    /// Products for the order entry form.
    PickProducts(Result<Vec<Product>, Error>),
    /// Whether the database is empty.
    IsEmpty(Result<bool, Error>),
    /// The demo data was loaded.
    Seeded(Result<SeedReport, Error>),
    /// A user was created or changed.
    UserSaved(Result<User, Error>),
    /// A product was created or changed.
    ProductSaved(Result<Product, Error>),
    /// A row was deleted: which kind, and its id.
    Deleted(&'static str, Result<i64, Error>),
    /// An order was placed.
    OrderPlaced(Result<Order, Error>),
    /// An order to edit, with its lines' products as they are now.
    EditReady(Result<(OrderDetail, Vec<Product>), Error>),
    /// An order was edited.
    OrderEdited(Result<Order, Error>),
    /// An order's status changed.
    StatusSet(Result<Order, Error>),
    /// An order was cancelled.
    Cancelled(Result<CancelOrder, Error>),
    /// A query plan, one line per row.
    Explained(Result<Vec<String>, Error>),
    /// A transaction ran to just before COMMIT and waits.
    StepPaused(Result<PausedInfo, Error>),
    /// The paused transaction was committed or rolled back.
    StepFinished(Result<(Decision, Stepped), Error>),
    /// What another connection sees of an order (`NotFound`: nothing).
    Peeked(i64, Result<OrderDetail, Error>),
    /// What the second writer met.
    SecondWriter(stepper::Row, Result<stepper::Contended, Error>),
    /// The newest events, each with whether it was published, and the relay's lag.
    Events(Result<(Vec<service::outbox::Delivery>, service::outbox::Lag), Error>),
    /// A lesson's sandbox is ready: where it is.
    LessonReady(Result<(String, std::sync::Arc<crate::sql_log::SqlLog>), Error>),
    /// A lesson's step ran (a refusal is in the run: it is often the point).
    LessonStepped(Result<crate::lessons::StepRun, Error>),
}

impl Response {
    /// Whether the database did the work (a refusal is an answer too; only an `Ok` counts).
    #[must_use]
    pub fn succeeded(&self) -> bool {
        match self {
            Response::Users(r) | Response::PickUsers(r) => r.is_ok(),
            Response::Products(r) | Response::PickProducts(r) => r.is_ok(),
            Response::Orders(r) => r.is_ok(),
            Response::Order(r) | Response::Peeked(_, r) => r.is_ok(),
            Response::Dashboard(r) => r.is_ok(),
            Response::SecondWriter(_, r) => r.is_ok(),
            Response::IsEmpty(r) => r.is_ok(),
            Response::Seeded(r) => r.is_ok(),
            Response::UserSaved(r) => r.is_ok(),
            Response::ProductSaved(r) => r.is_ok(),
            Response::Deleted(_, r) => r.is_ok(),
            Response::OrderPlaced(r) | Response::StatusSet(r) | Response::OrderEdited(r) => {
                r.is_ok()
            }
            Response::EditReady(r) => r.is_ok(),
            Response::Cancelled(r) => r.is_ok(),
            Response::Explained(r) => r.is_ok(),
            Response::StepPaused(r) => r.is_ok(),
            Response::StepFinished(r) => r.is_ok(),
            Response::Events(r) => r.is_ok(),
            Response::LessonReady(r) => r.is_ok(),
            Response::LessonStepped(r) => r.is_ok(),
        }
    }
}

/// How many rows a pick list shows.
pub const PICK_ROWS: u64 = 6;

impl Request {
    /// What the user did, as the SQL log names the action.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Request::Users(q) => page_label("users", q),
            Request::Products(q) => page_label("products", q),
            Request::Orders(q) => {
                let mut label = "list orders".to_owned();
                if let Some(u) = q.user_id {
                    let _ = write!(label, " of user {u}");
                }
                if let Some(s) = q.status {
                    let _ = write!(label, ", {s}");
                }
                if q.lazy {
                    label.push_str(" (lazy)");
                }
                label
            }
            Request::Order(id) => format!("open order {id}"),
            Request::Dashboard(_) => "dashboard figures".to_owned(),
            Request::PickUsers(t) => format!("find customers like {t:?}"),
            Request::PickProducts(t) => format!("find products like {t:?}"),
            Request::IsEmpty => "is the database empty?".to_owned(),
            Request::SeedDemo(_) => "load the demo data".to_owned(),
            Request::CreateUser(u) => format!("create user {}", u.email),
            Request::UpdateUser(id, _) => format!("update user {id}"),
            Request::DeleteUser(id) => format!("delete user {id}"),
            Request::CreateProduct(p) => format!("create product {}", p.name),
            Request::UpdateProduct(id, _) => format!("update product {id}"),
            Request::DeleteProduct(id) => format!("delete product {id}"),
            Request::CreateOrder(o, email) => {
                format!("create order for {email} ({} line(s))", o.items.len())
            }
            Request::SetStatus(id, s) => format!("order {id} to {s}"),
            Request::Cancel(id) => format!("cancel order {id}"),
            Request::EditStart(id) => format!("open order {id} to edit"),
            Request::EditOrder(id, items) => format!("edit order {id} ({} line(s))", items.len()),
            Request::Explain(..) => "explain a statement".to_owned(),
            Request::StepCreateOrder(o, email) => format!(
                "create order for {email} ({} line(s)), stepped",
                o.items.len()
            ),
            Request::StepCancel(id) => format!("cancel order {id}, stepped"),
            Request::StepDecide(Decision::Commit) => "commit the paused transaction".to_owned(),
            Request::StepDecide(_) => "roll back the paused transaction".to_owned(),
            Request::Peek(id) => format!("another connection reads order {id}"),
            Request::SecondWriter(row) => format!("a second writer tries {row}"),
            Request::Events => "list the order events".to_owned(),
            Request::LessonStart(l) => format!("start the lesson {:?}", l.title),
            Request::LessonStep(a) => format!("lesson: {}", a.label()),
        }
    }
}

fn page_label(what: &str, q: &ListQuery) -> String {
    match q.filter.as_deref() {
        Some(f) => format!("list {what} like {f:?}"),
        None => format!("list {what}"),
    }
}

/// Calls a service function so that the SQL log names it beside each statement it sends
/// (`service::create_order`), and awaits it: `call!(service::create_order(db, order))`.
macro_rules! call {
    ($first:ident $(:: $rest:ident)* ( $($arg:expr),* $(,)? )) => {{
        crate::db::set_function(concat!(stringify!($first) $(, "::", stringify!($rest))*));
        $first $(:: $rest)* ($($arg),*).await
    }};
}

/// Runs a request through the service layer, as one action of the SQL log.
pub async fn execute(env: &Env, request: Request) -> Response {
    let label = request.describe();
    match request {
        Request::StepCreateOrder(order, _) => {
            let db = env.db.clone();
            step(env, label, async move {
                call!(stepper::begin_create_order(&db, order))
            })
            .await
        }
        Request::StepCancel(id) => {
            let db = env.db.clone();
            step(env, label, async move {
                call!(stepper::begin_cancel_order(&db, id))
            })
            .await
        }
        Request::StepDecide(decision) => {
            let holder = env.holder().take();
            Response::StepFinished(match holder {
                None => Err(Error::invalid("transaction", "no transaction is paused")),
                Some(h) => {
                    let _ = h.decide.send(decision);
                    h.done.await.unwrap_or_else(|_| {
                        Err(Error::invalid(
                            "transaction",
                            "the paused transaction ended",
                        ))
                    })
                }
            })
        }
        // Boxed, as `run` below: a sandbox's connect and migrations make a large future.
        Request::LessonStart(lesson) => {
            Response::LessonReady(Box::pin(env.start_lesson(&lesson)).await)
        }
        Request::LessonStep(action) => {
            Response::LessonStepped(Box::pin(env.lesson_step(&action)).await)
        }
        // Boxed: every request's future is one state machine, too big for a test thread's stack.
        request => crate::db::in_action(label, Box::pin(run(&env.db, request))).await,
    }
}

async fn run(db: &Db, request: Request) -> Response {
    match request {
        Request::Users(q) => Response::Users(call!(service::list_users(db, &q))),
        Request::Products(q) => Response::Products(call!(service::list_products(db, &q))),
        Request::Orders(q) => Response::Orders(call!(service::list_orders_page(db, q))),
        Request::Order(id) => Response::Order(call!(service::get_order(db, id))),
        Request::Dashboard(today) => Response::Dashboard(
            async {
                Ok(Dashboard {
                    stats: call!(service::stats(db))?,
                    per_day: call!(service::orders_per_day(db, today, 30))?,
                })
            }
            .await,
        ),
        Request::PickUsers(text) => {
            Response::PickUsers(call!(service::list_users(db, &pick_query(text))))
        }
        Request::PickProducts(text) => {
            Response::PickProducts(call!(service::list_products(db, &pick_query(text))))
        }
        Request::IsEmpty => Response::IsEmpty(
            async {
                let one = ListQuery {
                    limit: Some(1),
                    ..Default::default()
                };
                Ok(call!(service::list_users(db, &one))?.is_empty()
                    && call!(service::list_products(db, &one))?.is_empty())
            }
            .await,
        ),
        Request::SeedDemo(day) => Response::Seeded(call!(seed::seed_demo(db, day))),
        Request::CreateUser(u) => Response::UserSaved(call!(service::create_user(db, u))),
        Request::UpdateUser(id, c) => Response::UserSaved(call!(service::update_user(db, id, c))),
        Request::DeleteUser(id) => Response::Deleted("user", call!(service::delete_user(db, id))),
        Request::CreateProduct(p) => Response::ProductSaved(call!(service::create_product(db, p))),
        Request::UpdateProduct(id, c) => {
            Response::ProductSaved(call!(service::update_product(db, id, c)))
        }
        Request::DeleteProduct(id) => {
            Response::Deleted("product", call!(service::delete_product(db, id)))
        }
        Request::CreateOrder(o, _) => Response::OrderPlaced(call!(service::create_order(db, o))),
        Request::SetStatus(id, s) => {
            Response::StatusSet(call!(service::set_order_status(db, id, s)))
        }
        Request::Cancel(id) => Response::Cancelled(call!(service::cancel_order(db, id))),
        Request::EditStart(id) => Response::EditReady(
            async {
                let detail = call!(service::get_order(db, id))?;
                let mut ids: Vec<i64> = detail.order.items.iter().map(|i| i.product_id).collect();
                ids.sort_unstable();
                ids.dedup();
                let products = call!(service::get_products(db, &ids))?;
                Ok((detail, products))
            }
            .await,
        ),
        Request::EditOrder(id, items) => {
            Response::OrderEdited(call!(service::edit_order(db, id, items)))
        }
        Request::Explain(sql, values) => {
            Response::Explained(call!(service::explain(db, &sql, values)))
        }
        Request::Peek(id) => Response::Peeked(id, call!(service::get_order(db, id))),
        Request::SecondWriter(row) => {
            // Boxed: it opens a connection of its own, a large future beside the others.
            Response::SecondWriter(row, call!(stepper::second_writer(db, row)))
        }
        Request::Events => Response::Events(call!(service::outbox::recent_deliveries(db, 200))),
        Request::StepCreateOrder(..)
        | Request::StepCancel(_)
        | Request::StepDecide(_)
        | Request::LessonStart(_)
        | Request::LessonStep(_) => {
            unreachable!("handled by execute")
        }
    }
}

fn pick_query(text: String) -> ListQuery {
    ListQuery {
        filter: Some(text),
        after: None,
        limit: Some(PICK_ROWS),
    }
}
