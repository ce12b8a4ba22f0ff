//! The administrative commands: doctor, migrate, seed, stats, and the crash tests' stress.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde_json::json;

use super::output::{Output, emit, table};
use super::{CommandError, Result};
use crate::cli::{MigrateAction, SeedArgs};
use crate::config;
use crate::db::{self, Db};
use crate::money::format_cents;
use crate::service::seed::{self, ScaleSeed, SeedProgress, SeedReport};
use crate::service::{self, NewOrder, NewOrderItem};

/// `orderdesk doctor`: what the database URL resolves to and from where, and what is there.
/// Writes nothing: no migration, and a SQLite file that does not exist is not created.
pub(super) async fn doctor(flag: Option<&str>, json_out: bool) -> Result<()> {
    let url = config::database_url(flag).map_err(CommandError::Failed)?;
    let mut report = serde_json::Map::new();
    report.insert("url".into(), json!(config::redact(&url.url)));
    report.insert("source".into(), json!(url.source.to_string()));
    let backend = db::backend_name(db::backend_of_url(&url.url).unwrap_or(db::Backend::Sqlite));
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
                // serve's auth: the tokens, once their table is there (migration 8).
                let tokens = match &inspected {
                    Ok(found)
                        if found
                            .migrations
                            .iter()
                            .any(|(name, applied)| *applied && name.ends_with("_api_tokens")) =>
                    {
                        service::list_tokens(&conn).await.ok()
                    }
                    _ => None,
                };
                // The relay, once its marker is there (migration 9).
                let relay = match &inspected {
                    Ok(found)
                        if found.migrations.iter().any(|(name, applied)| {
                            *applied && name.ends_with("_event_publishing")
                        }) =>
                    {
                        super::relay::state(&conn).await
                    }
                    _ => None,
                };
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
                if let Some(relay) = relay {
                    report.insert("relay".into(), relay);
                }
                if let Some(tokens) = tokens {
                    let revoked = tokens.iter().filter(|t| t.revoked_at.is_some()).count();
                    report.insert(
                        "api_tokens".into(),
                        json!({ "active": tokens.len() - revoked, "revoked": revoked }),
                    );
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
                ("api_tokens", t) if t["active"] == 0 && t["revoked"] == 0 => {
                    "none: serve runs open, on loopback only".to_owned()
                }
                ("api_tokens", t) => format!(
                    "{} active, {} revoked: serve needs a token",
                    t["active"], t["revoked"]
                ),
                ("relay", r) => super::relay::said(r),
                (_, serde_json::Value::Object(counts)) => counts
                    .iter()
                    .map(|(table, n)| format!("{table} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                (_, other) => other.to_string(),
            };
            let _ = writeln!(text, "{:<15} {shown}", key.replace('_', " "));
        }
        for p in &problems {
            let _ = writeln!(text, "problem         {p}");
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

/// Asks on the terminal before `migrate down` or `fresh` destroys tables; without a terminal,
/// only `--yes` lets them run.
pub(super) fn confirm_destructive(action: MigrateAction, yes: bool) -> Result<()> {
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

pub(super) async fn migrate(db: &Db, out: &Output, action: MigrateAction, yes: bool) -> Result<()> {
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

pub(super) async fn seed(db: &Db, out: &Output, args: SeedArgs) -> Result<()> {
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

pub(super) fn seed_text(r: &SeedReport) -> String {
    format!(
        "Seeded {} users, {} products, {} orders ({} items, {} events).",
        r.users, r.products, r.orders, r.items, r.events
    )
}

/// `orderdesk serve`: says where it listens (on stderr), logs each request there, serves until
/// Ctrl-C or SIGTERM.
pub(super) async fn serve(
    db: &Db,
    bind: std::net::SocketAddr,
    timeout: std::time::Duration,
    cors: &[String],
    log: Option<&std::path::Path>,
    jwt: crate::cli::JwtArgs,
) -> Result<()> {
    use crate::serve::auth::{Jwt, KeySource};
    use std::io::IsTerminal as _;
    let cors = cors
        .iter()
        .map(|origin| {
            axum::http::HeaderValue::from_str(origin.trim_end_matches('/'))
                .map_err(|_| CommandError::Usage(format!("--cors: not an origin: {origin:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let logger = tracing_subscriber::fmt().with_target(false);
    let _ = match log {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| CommandError::Failed(format!("--log {}: {e}", path.display())))?;
            logger
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .try_init()
        }
        None => logger
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .try_init(),
    };
    let source = match (jwt.jwt_key, jwt.jwks) {
        (Some(path), _) => Some(KeySource::KeyFile(path)),
        (None, Some(jwks)) => Some(KeySource::jwks(&jwks)),
        (None, None) => None,
    };
    let jwt = match source {
        Some(source) => Some(std::sync::Arc::new(
            Jwt::load(
                source,
                jwt.jwt_issuer.as_deref().unwrap_or_default(),
                jwt.jwt_audience.as_deref().unwrap_or_default(),
            )
            .await
            .map_err(CommandError::Failed)?,
        )),
        None => None,
    };
    let listening = |at: std::net::SocketAddr, auth: &crate::serve::auth::Auth| {
        eprintln!(
            "orderdesk serve: listening on http://{at} ({}); auth: {}; Ctrl-C stops",
            db.label(),
            auth.describe()
        );
    };
    let options = crate::serve::Options { timeout, cors, jwt };
    crate::serve::serve_with(
        db.clone(),
        bind,
        &options,
        listening,
        crate::serve::stop_signal(),
    )
    .await
    .map_err(|e| CommandError::Failed(format!("serve: {e}")))
}

pub(super) async fn stats(db: &Db, out: &Output, recount: bool) -> Result<()> {
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

/// Orders and status changes until killed; B and E lines mark every transaction's start and
/// end on stdout, so whoever kills it knows whether it died inside one.
pub(super) async fn stress(db: &Db, user: i64, product: i64, seed: u64) -> Result<()> {
    db.recorder().set_listener(Some(std::sync::Arc::new(
        |event: &crate::db::SqlEvent<'_>| match event {
            crate::db::SqlEvent::Begin { .. } => println!("B"),
            crate::db::SqlEvent::Commit { .. } | crate::db::SqlEvent::Rollback { .. } => {
                println!("E");
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
