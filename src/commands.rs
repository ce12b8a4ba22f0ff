//! The non-interactive subcommands: call the service layer, print tables or JSON.

use std::io::{IsTerminal, Write};

use chrono::{DateTime, Utc};
use comfy_table::{CellAlignment, ContentArrangement, LineStyle, Table, TableStyle, presets};
use serde::Serialize;
use serde_json::json;

use crate::cli::{
    Cli, Command, MigrateAction, OrderCommand, PageArgs, ProductCommand, SeedArgs, UserCommand,
};
use crate::config;
use crate::db::{self, Db};
use crate::money::format_cents;
use crate::service::seed::{self, ScaleSeed, SeedProgress, SeedReport};
use crate::service::{
    self, ListQuery, NewOrder, NewOrderItem, NewProduct, NewUser, Order, OrderDetail, OrderQuery,
    OrderSummary, Product, ProductChanges, User, UserChanges, UserRow, validate,
};

/// Why a command did not succeed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The service refused or failed (exit 1).
    #[error(transparent)]
    Service(#[from] service::Error),
    /// Something else failed: the database could not be opened, output could not be written
    /// (exit 1).
    #[error("{0}")]
    Failed(String),
    /// The command line asks for something that cannot be done this way (exit 2).
    #[error("{0}")]
    Usage(String),
}

impl CommandError {
    /// The process exit code: 1 for a refused or failed operation, 2 for usage.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Usage(_) => 2,
            _ => 1,
        }
    }

    /// The error as `--json` prints it on stderr, in the shape and with the codes of the HTTP
    /// API: `{"error": {"code", "field", "message"}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let (code, field, message) = match self {
            CommandError::Service(e) => (e.code(), e.field(), e.reason()),
            CommandError::Failed(m) => ("failed", None, m.clone()),
            CommandError::Usage(m) => ("usage", None, m.clone()),
        };
        json!({ "error": { "code": code, "field": field, "message": message } })
    }
}

impl From<sea_orm::DbErr> for CommandError {
    fn from(e: sea_orm::DbErr) -> Self {
        CommandError::Service(service::Error::Db(e))
    }
}

type Result<T, E = CommandError> = std::result::Result<T, E>;

const NO_TERMINAL: &str = "orderdesk without a subcommand opens its terminal UI, \
which needs a terminal (stdin and stdout).\n\
Without one, use a subcommand: migrate, seed, user, product, order, stats, doctor, completions \
(orderdesk --help shows them all).";

/// Runs the command line.
///
/// # Errors
/// A [`CommandError`] whose message goes to stderr and whose code is the exit code.
pub async fn run(cli: Cli) -> Result<()> {
    let Some(command) = cli.command else {
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            return Err(CommandError::Usage(NO_TERMINAL.to_owned()));
        }
        let db = open(cli.database_url.as_deref()).await?;
        match db::migrate_on_start(&db).await {
            Ok(()) => {}
            Err(db::StartError::Foreign { url, tables }) => {
                // A terminal is there to ask on: the confirmation the command line's
                // `migrate up` gives.
                eprint!(
                    "{url} holds tables that are not orderdesk's ({}) and none of orderdesk's.\n\
                     Add orderdesk's tables beside them? [y/N] ",
                    tables.join(", ")
                );
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    let _ = db.close().await;
                    return Err(CommandError::Failed(
                        "nothing was written; give the database you meant with --database-url"
                            .to_owned(),
                    ));
                }
                db::migrate(&db).await?;
            }
            Err(db::StartError::Db(e)) => return Err(service::Error::Db(e).into()),
        }
        let result = crate::tui::run(db.clone())
            .await
            .map_err(|e| CommandError::Failed(format!("terminal: {e}")));
        let _ = db.close().await;
        return result;
    };
    if let Command::Bench {
        orders,
        fresh,
        sql_log,
        pool,
        writers,
        tui,
    } = command
    {
        if tui {
            let started = crate::STARTED
                .get()
                .copied()
                .unwrap_or_else(std::time::Instant::now);
            let Some(url) = cli.database_url.as_deref() else {
                return Err(CommandError::Usage(
                    "bench --tui: give the database to measure with --database-url (seed it first: \
                     orderdesk --database-url URL seed --users 10000 --products 5000 --orders 1000000)"
                        .to_owned(),
                ));
            };
            let db = open(Some(url)).await?;
            let result = crate::bench::tui::run(db.clone(), started).await;
            let _ = db.close().await;
            return result.map_err(|e| CommandError::Failed(format!("bench --tui: {e}")));
        }
        let args = crate::bench::BenchArgs {
            orders,
            database_url: cli.database_url.clone(),
            fresh,
            sql_log,
            // Every writer gets a connection.
            pool: if writers > 1 {
                Some(pool.unwrap_or(0).max(writers))
            } else {
                pool
            },
            writers,
        };
        return match crate::bench::run(args).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(CommandError::Failed(
                "bench: verification failed".to_owned(),
            )),
            Err(e) => Err(CommandError::Failed(format!("bench: {e}"))),
        };
    }
    if let Command::Doctor = command {
        return doctor(cli.database_url.as_deref(), cli.json).await;
    }
    if let Command::Completions { shell } = command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "orderdesk", &mut buf);
        return emit(&String::from_utf8_lossy(&buf));
    }
    let db = open(cli.database_url.as_deref()).await?;
    let out = Output { json: cli.json };
    let label = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let result = db::in_action(label, async {
        match command {
            Command::Migrate { action, yes } => {
                if cli.echo {
                    crate::sql_log::echo_to_stderr(&db);
                }
                migrate(&db, &out, action, yes).await
            }
            other => {
                db::migrate_on_start(&db).await.map_err(|e| match e {
                    db::StartError::Db(e) => CommandError::Service(service::Error::Db(e)),
                    foreign @ db::StartError::Foreign { .. } => {
                        CommandError::Failed(foreign.to_string())
                    }
                })?;
                // After the start-up migration check, which is not what the command does.
                if cli.echo {
                    crate::sql_log::echo_to_stderr(&db);
                }
                match other {
                    Command::Seed(args) => seed(&db, &out, args).await,
                    Command::User(cmd) => user(&db, &out, cmd).await,
                    Command::Product(cmd) => product(&db, &out, cmd).await,
                    Command::Order(cmd) => order(&db, &out, cmd).await,
                    Command::Stats { recount } => stats(&db, &out, recount).await,
                    Command::Events { order, follow } => events(&db, order, follow).await,
                    Command::Stress {
                        user,
                        product,
                        seed,
                    } => stress(&db, user, product, seed).await,
                    Command::Migrate { .. }
                    | Command::Doctor
                    | Command::Completions { .. }
                    | Command::Bench { .. } => {
                        unreachable!("handled before connecting")
                    }
                }
            }
        }
    })
    .await;
    let _ = db.close().await;
    result
}

/// `orderdesk doctor`: what the database URL resolves to and from where, and what is there.
/// Writes nothing: no migration, and a SQLite file that does not exist is not created.
async fn doctor(flag: Option<&str>, json_out: bool) -> Result<()> {
    let url = config::database_url(flag).map_err(CommandError::Failed)?;
    let mut report = serde_json::Map::new();
    report.insert("url".into(), json!(config::redact(&url.url)));
    report.insert("source".into(), json!(url.source.to_string()));
    let backend = if db::is_postgres_url(&url.url) {
        "postgres"
    } else {
        "sqlite"
    };
    report.insert("backend".into(), json!(backend));
    let mut problems: Vec<String> = Vec::new();
    let missing_file =
        backend == "sqlite" && db::sqlite_path(&url.url).is_some_and(|path| !path.exists());
    if missing_file {
        report.insert("answers".into(), json!(null));
        report.insert(
            "note".into(),
            json!("the file does not exist yet; orderdesk creates and migrates it on first use"),
        );
    } else {
        match db::connect(&url.url).await {
            Err(e) => {
                report.insert("answers".into(), json!(false));
                problems.push(db::connect_reason(&e));
            }
            Ok(conn) => {
                report.insert("answers".into(), json!(true));
                let inspected = db::inspect(&conn).await;
                let _ = conn.close().await;
                match inspected {
                    Err(e) => problems.push(service::Error::Db(e).reason()),
                    Ok(found) => {
                        report.insert("server_version".into(), json!(found.server_version));
                        let applied = found.migrations.iter().filter(|(_, a)| *a).count();
                        report.insert(
                            "migrations".into(),
                            json!({ "applied": applied, "total": found.migrations.len() }),
                        );
                        if !found.foreign_tables.is_empty() {
                            problems.push(format!(
                                "the database holds tables that are not orderdesk's ({}) and \
                                 none of orderdesk's",
                                found.foreign_tables.join(", ")
                            ));
                        } else if applied < found.migrations.len() {
                            report.insert(
                                "note".into(),
                                json!(format!(
                                    "{} migration(s) pending; orderdesk applies them at its next start",
                                    found.migrations.len() - applied
                                )),
                            );
                        }
                        if let Some(counts) = found.counts {
                            report.insert("rows".into(), json!(counts));
                        }
                    }
                }
            }
        }
    }
    report.insert("problems".into(), json!(problems));
    if json_out {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ))?;
    } else {
        let mut text = String::new();
        for (key, value) in &report {
            if key == "problems" {
                continue;
            }
            let shown = match (key.as_str(), value) {
                (_, serde_json::Value::String(s)) => s.clone(),
                (_, serde_json::Value::Null) => "not yet".to_owned(),
                ("migrations", m) => format!("{} of {} applied", m["applied"], m["total"]),
                (_, serde_json::Value::Object(counts)) => counts
                    .iter()
                    .map(|(table, n)| format!("{table} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                (_, other) => other.to_string(),
            };
            text.push_str(&format!("{:<15} {shown}\n", key.replace('_', " ")));
        }
        for p in &problems {
            text.push_str(&format!("problem         {p}\n"));
        }
        emit(&text)?;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Failed(format!(
            "doctor found {} problem(s)",
            problems.len()
        )))
    }
}

/// Connects to the configured database.
async fn open(flag: Option<&str>) -> Result<Db> {
    let url = config::database_url(flag).map_err(CommandError::Failed)?;
    db::connect(&url.url).await.map_err(|e| {
        CommandError::Failed(format!(
            "cannot open the database {}: {}",
            config::redact(&url.url),
            db::connect_reason(&e)
        ))
    })
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::Failed(format!(
            "cannot write the output: {e}"
        ))),
        _ => Ok(()),
    }
}

struct Output {
    json: bool,
}

impl Output {
    /// Prints `value` as JSON, or the table `text` builds.
    fn show<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        if self.json {
            let mut s = serde_json::to_string_pretty(value)
                .map_err(|e| CommandError::Failed(e.to_string()))?;
            s.push('\n');
            emit(&s)
        } else {
            let mut s = text();
            if !s.ends_with('\n') {
                s.push('\n');
            }
            emit(&s)
        }
    }

    fn deleted(&self, what: &str, id: i64) -> Result<()> {
        self.show(&json!({ "deleted": id }), || {
            format!("Deleted {what} {id}.")
        })
    }
}

/// Columns separated by space, the header underlined.
const LIST_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

/// A table that fits the terminal: its width when stdout is one (comfy-table asks it), else
/// `COLUMNS` when set (a pipe, a script, `watch`), else as wide as its cells.
fn fitted() -> Table {
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal()
        && let Some(columns) = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c >= 20)
    {
        t.set_width(columns);
    }
    t
}

fn table(header: &[&str], right: &[usize]) -> Table {
    let mut t = fitted();
    t.load_style(LIST_STYLE);
    t.set_header(header.iter().copied());
    for &i in right {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

fn fields(rows: &[(&str, String)]) -> String {
    let mut t = fitted();
    t.load_style(presets::NOTHING);
    for (k, v) in rows {
        t.add_row([k.to_string(), v.clone()]);
    }
    t.to_string()
}

/// A time for a person: local, minute-precise (the headers and labels say "local").
fn when(t: &DateTime<Utc>) -> String {
    crate::zone::Zone::Local.minute(t)
}

fn stock_text(stock: Option<i64>) -> String {
    stock.map_or_else(|| "-".to_owned(), |s| s.to_string())
}

fn list_query(page: PageArgs) -> ListQuery {
    ListQuery {
        filter: page.filter,
        after: page.after,
        limit: Some(page.limit),
    }
}

/// Asks on the terminal before `migrate down` or `fresh` destroys tables; without a terminal,
/// only `--yes` lets them run.
fn confirm_destructive(action: MigrateAction, yes: bool) -> Result<()> {
    let what = match action {
        MigrateAction::Down => {
            "migrate down rolls back the last migration, dropping what it added (tables or \
             columns, and their data)"
        }
        MigrateAction::Fresh => {
            "migrate fresh drops orderdesk's tables and every user, product, order and event in \
             them, then re-creates them empty"
        }
        MigrateAction::Up | MigrateAction::Status => return Ok(()),
    };
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CommandError::Usage(format!(
            "{what}; nothing was changed. Add --yes to do it without a terminal to ask on"
        )));
    }
    eprint!("{what}. Go on? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CommandError::Failed(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(CommandError::Failed(
            "not confirmed; nothing was changed".to_owned(),
        ))
    }
}

async fn migrate(db: &Db, out: &Output, action: MigrateAction, yes: bool) -> Result<()> {
    confirm_destructive(action, yes)?;
    match action {
        MigrateAction::Up => db::migrate(db).await?,
        MigrateAction::Down => db::migrate_down(db, Some(1)).await?,
        MigrateAction::Fresh => db::migrate_fresh(db).await?,
        MigrateAction::Status => {}
    }
    let status = db::migration_status(db).await?;
    let rows: Vec<_> = status
        .iter()
        .map(|(name, applied)| json!({ "name": name, "applied": applied }))
        .collect();
    out.show(&json!({ "migrations": rows, "total": rows.len() }), || {
        let mut t = table(&["migration", "status"], &[]);
        for (name, applied) in &status {
            t.add_row([name.as_str(), if *applied { "applied" } else { "pending" }]);
        }
        t.to_string()
    })
}

async fn seed(db: &Db, out: &Output, args: SeedArgs) -> Result<()> {
    let today = args.today.unwrap_or_else(|| seed::today(db));
    let report = if args.demo {
        seed::seed_demo(db, today).await?
    } else {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(args.orders);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {pos}/{len} orders ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message("seeding");
            bar
        });
        let progress = |p: SeedProgress| {
            if let Some(bar) = &bar {
                bar.set_position(p.orders_done);
            }
        };
        let spec = ScaleSeed {
            users: args.users,
            products: args.products,
            orders: args.orders,
            seed: args.seed,
            today,
        };
        let report = seed::seed_scale(db, spec, &progress).await;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        report?
    };
    out.show(&report, || seed_text(&report))
}

fn seed_text(r: &SeedReport) -> String {
    format!(
        "Seeded {} users, {} products, {} orders ({} items, {} events).",
        r.users, r.products, r.orders, r.items, r.events
    )
}

fn user_fields(u: &User) -> String {
    fields(&[
        ("id", u.id.to_string()),
        ("email", u.email.clone()),
        ("name", u.full_name.clone()),
        ("created (local)", when(&u.created_at)),
    ])
}

async fn user(db: &Db, out: &Output, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add { email, name } => {
            let u = service::create_user(
                db,
                NewUser {
                    email,
                    full_name: name,
                },
            )
            .await?;
            out.show(&u, || {
                format!("Created user {}.\n{}", u.id, user_fields(&u))
            })
        }
        UserCommand::List(page) => {
            let users = service::list_users(db, &list_query(page)).await?;
            out.show(&json!({ "users": users, "total": users.len() }), || {
                users_table(&users)
            })
        }
        UserCommand::Show { id } => {
            let u = service::get_user(db, id).await?;
            out.show(&u, || user_fields(&u))
        }
        UserCommand::Update { id, email, name } => {
            let u = service::update_user(
                db,
                id,
                UserChanges {
                    email,
                    full_name: name,
                },
            )
            .await?;
            out.show(&u, || {
                format!("Updated user {}.\n{}", u.id, user_fields(&u))
            })
        }
        UserCommand::Delete { id } => {
            service::delete_user(db, id).await?;
            out.deleted("user", id)
        }
    }
}

fn users_table(users: &[UserRow]) -> String {
    if users.is_empty() {
        return "No users.".to_owned();
    }
    let mut t = table(
        &["id", "email", "name", "orders", "created (local)"],
        &[0, 3],
    );
    for u in users {
        t.add_row([
            u.id.to_string(),
            u.email.clone(),
            u.full_name.clone(),
            u.order_count.to_string(),
            when(&u.created_at),
        ]);
    }
    t.to_string()
}

fn product_fields(p: &Product) -> String {
    fields(&[
        ("id", p.id.to_string()),
        ("name", p.name.clone()),
        ("price", format_cents(p.price_cents)),
        ("stock", stock_text(p.stock)),
    ])
}

async fn product(db: &Db, out: &Output, cmd: ProductCommand) -> Result<()> {
    match cmd {
        ProductCommand::Add { name, price, stock } => {
            let input = NewProduct {
                name,
                price_cents: validate::price("price", &price)?,
                stock: stock.map(|s| validate::stock("stock", &s)).transpose()?,
            };
            let p = service::create_product(db, input).await?;
            out.show(&p, || {
                format!("Created product {}.\n{}", p.id, product_fields(&p))
            })
        }
        ProductCommand::List(page) => {
            let products = service::list_products(db, &list_query(page)).await?;
            out.show(
                &json!({ "products": products, "total": products.len() }),
                || {
                    if products.is_empty() {
                        return "No products.".to_owned();
                    }
                    let mut t = table(&["id", "name", "price", "stock"], &[0, 2, 3]);
                    for p in &products {
                        t.add_row([
                            p.id.to_string(),
                            p.name.clone(),
                            format_cents(p.price_cents),
                            stock_text(p.stock),
                        ]);
                    }
                    t.to_string()
                },
            )
        }
        ProductCommand::Show { id } => {
            let p = service::get_product(db, id).await?;
            out.show(&p, || product_fields(&p))
        }
        ProductCommand::Update {
            id,
            name,
            price,
            stock,
            untracked,
        } => {
            let stock = if untracked {
                Some(None)
            } else {
                stock
                    .map(|s| validate::stock("stock", &s).map(Some))
                    .transpose()?
            };
            let changes = ProductChanges {
                name,
                price_cents: price.map(|p| validate::price("price", &p)).transpose()?,
                stock,
            };
            let p = service::update_product(db, id, changes).await?;
            out.show(&p, || {
                format!("Updated product {}.\n{}", p.id, product_fields(&p))
            })
        }
        ProductCommand::Delete { id } => {
            service::delete_product(db, id).await?;
            out.deleted("product", id)
        }
    }
}

fn items_table(order: &Order, current: Option<&[i64]>) -> String {
    let mut header = vec!["line", "product", "qty", "price", "amount"];
    if current.is_some() {
        header.push("price now");
    }
    let mut t = table(&header, &[0, 2, 3, 4, 5]);
    for (i, item) in order.items.iter().enumerate() {
        let mut row = vec![
            item.id.to_string(),
            format!("{} ({})", item.product_name, item.product_id),
            item.quantity.to_string(),
            format_cents(item.price_cents_at_purchase),
            format_cents(item.amount_cents),
        ];
        if let Some(now) = current.and_then(|c| c.get(i)) {
            row.push(format_cents(*now));
        }
        t.add_row(row);
    }
    t.to_string()
}

fn order_text(verb: &str, o: &Order) -> String {
    format!(
        "{verb} order {} for user {}: {}, {} item(s), total {}.\n{}",
        o.id,
        o.user_id,
        o.status,
        o.total_quantity,
        format_cents(o.total_amount_cents),
        items_table(o, None)
    )
}

fn detail_text(d: &OrderDetail) -> String {
    let o = &d.order;
    let mut s = fields(&[
        ("order", o.id.to_string()),
        (
            "customer",
            format!(
                "{} <{}> (user {})",
                d.customer_name, d.customer_email, o.user_id
            ),
        ),
        ("status", o.status.to_string()),
        ("created (local)", when(&o.created_at)),
        ("updated (local)", when(&d.updated_at)),
        (
            "total",
            format!(
                "{} ({} item(s))",
                format_cents(o.total_amount_cents),
                o.total_quantity
            ),
        ),
    ]);
    s.push('\n');
    s.push_str(&items_table(o, Some(&d.current_prices_cents)));
    s.push_str("\nHistory\n");
    let mut t = table(&["when (local)", "event", "details"], &[]);
    for e in &d.events {
        t.add_row([
            when(&e.created_at),
            e.event_type.clone(),
            e.payload.to_string(),
        ]);
    }
    s.push_str(&t.to_string());
    s
}

fn orders_table(orders: &[OrderSummary], limit: u64) -> String {
    if orders.is_empty() {
        return "No orders.".to_owned();
    }
    let mut t = table(
        &[
            "id",
            "customer",
            "status",
            "items",
            "total",
            "created (local)",
        ],
        &[0, 3, 4],
    );
    for s in orders {
        let o = &s.order;
        t.add_row([
            o.id.to_string(),
            s.customer_email.clone(),
            o.status.to_string(),
            o.total_quantity.to_string(),
            format_cents(o.total_amount_cents),
            when(&o.created_at),
        ]);
    }
    let mut text = t.to_string();
    if let Some(last) = orders.last().filter(|_| orders.len() as u64 == limit) {
        text.push_str(&format!("\nNext page: --before {}", last.order.id));
    }
    text
}

async fn order(db: &Db, out: &Output, cmd: OrderCommand) -> Result<()> {
    match cmd {
        OrderCommand::Add {
            user,
            items,
            status,
        } => {
            let status = service::Status::from(status);
            let items = items
                .iter()
                .enumerate()
                .map(|(i, raw)| {
                    validate::item(&format!("item {}", i + 1), raw).map(|(product_id, quantity)| {
                        NewOrderItem {
                            product_id,
                            quantity,
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let o = service::create_order(
                db,
                NewOrder {
                    user_id: user,
                    status,
                    items,
                },
            )
            .await?;
            out.show(&o, || order_text("Placed", &o))
        }
        OrderCommand::List {
            user,
            customer,
            status,
            limit,
            before,
            lazy,
        } => {
            let query = OrderQuery {
                user_id: user,
                customer,
                status: status.map(service::Status::from),
                before,
                limit: Some(limit),
                lazy,
            };
            let orders = service::list_orders_page(db, query).await?;
            out.show(&json!({ "orders": orders, "total": orders.len() }), || {
                orders_table(&orders, limit)
            })
        }
        OrderCommand::Show { id } => {
            let d = service::get_order(db, id).await?;
            out.show(&d, || detail_text(&d))
        }
        OrderCommand::Status { id, status } => {
            let o = service::set_order_status(db, id, status.into()).await?;
            out.show(&o, || order_text("Updated", &o))
        }
        OrderCommand::Cancel { id } => {
            let c = service::cancel_order(db, id).await?;
            out.show(&c.order, || {
                let back: Vec<String> = c
                    .restocked
                    .iter()
                    .map(|(p, q)| format!("{q} x product {p}"))
                    .collect();
                let back = if back.is_empty() {
                    "no tracked stock to give back".to_owned()
                } else {
                    format!("back in stock: {}", back.join(", "))
                };
                format!("{}\n{back}", order_text("Cancelled", &c.order))
            })
        }
    }
}

async fn stats(db: &Db, out: &Output, recount: bool) -> Result<()> {
    let s = if recount {
        service::recount_stats(db).await?
    } else {
        service::stats(db).await?
    };
    out.show(&s, || {
        let mut t = table(&["status", "orders"], &[1]);
        for (status, n) in &s.orders_by_status {
            t.add_row([status.to_string(), n.to_string()]);
        }
        let avg = s.avg_delivery_seconds.map_or_else(
            || "-".to_owned(),
            |secs| format!("{:.1} days", secs / 86_400.0),
        );
        let mut top = table(&["product", "units"], &[1]);
        for p in &s.top_products {
            top.add_row([
                format!("{} ({})", p.name, p.product_id),
                p.quantity.to_string(),
            ]);
        }
        format!(
            "{t}\nRevenue: {}\nAverage time to delivery: {avg}\nTop products\n{top}",
            format_cents(s.revenue_cents)
        )
    })
}

/// How often `events --follow` looks for new events.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

async fn events(db: &Db, order: Option<i64>, follow: bool) -> Result<()> {
    let mut after = None;
    loop {
        let batch = service::list_order_events(db, order, after, Some(service::MAX_PAGE)).await?;
        let mut text = String::new();
        for e in &batch {
            text.push_str(
                &serde_json::to_string(e).map_err(|e| CommandError::Failed(e.to_string()))?,
            );
            text.push('\n');
        }
        emit(&text)?;
        if let Some(last) = batch.last() {
            after = Some(last.id);
        }
        if batch.len() as u64 == service::MAX_PAGE {
            continue;
        }
        if !follow {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// Orders and status changes until killed; B and E lines mark every transaction's start and
/// end on stdout, so whoever kills it knows whether it died inside one.
async fn stress(db: &Db, user: i64, product: i64, seed: u64) -> Result<()> {
    db.recorder().set_listener(Some(std::sync::Arc::new(
        |event: &crate::db::SqlEvent<'_>| match event {
            crate::db::SqlEvent::Begin { .. } => println!("B"),
            crate::db::SqlEvent::Commit { .. } | crate::db::SqlEvent::Rollback { .. } => {
                println!("E")
            }
            crate::db::SqlEvent::Statement { .. } => {}
        },
    )));
    emit("ready\n")?;
    let mut rng = fastrand::Rng::with_seed(seed);
    loop {
        let order = service::create_order(
            db,
            NewOrder {
                user_id: user,
                status: service::Status::Pending,
                items: (0..rng.usize(1..=2))
                    .map(|_| NewOrderItem {
                        product_id: product,
                        quantity: rng.i64(1..=3),
                    })
                    .collect(),
            },
        )
        .await?;
        if rng.bool() {
            service::set_order_status(db, order.id, service::Status::Confirmed).await?;
        }
        if rng.u8(..3) == 0 {
            service::cancel_order(db, order.id).await?;
        }
    }
}
