//! The non-interactive subcommands: call the service layer, print tables or JSON. One file per
//! noun (user, product, order) and one for the administrative commands; output in one place.

mod admin;
mod order;
mod output;
mod product;
mod relay;
mod token;
mod user;

use crate::tui::theme::Palette;
use std::io::IsTerminal;

use serde_json::json;

use crate::cli::{Cli, Command};
use crate::config;
use crate::db::{self, Db};
use crate::service;
use output::{Output, emit};

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
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Usage(_) => 2,
            _ => 1,
        }
    }

    /// The error as `--json` prints it on stderr, in the shape and with the codes of the HTTP
    /// API: `{"error": {"code", "field", "message"}}`.
    #[must_use]
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
Without one, use a subcommand: migrate, seed, user, product, order, stats, serve, token, learn, \
doctor, completions \
(orderdesk --help shows them all).";

/// Opens the terminal UI on the configured database (it needs a terminal; a database of
/// something else is joined only when the user says so).
///
/// # Errors
/// A [`CommandError`] whose message goes to stderr and whose code is the exit code.
pub async fn tui(database_url: Option<&str>, theme: Option<Palette>) -> Result<()> {
    let start = crate::tui::Start {
        theme,
        ..crate::tui::Start::default()
    };
    tui_with(database_url, start).await
}

/// `orderdesk learn [LESSON]` and `learn --check FILE`.
async fn learn(
    database_url: Option<&str>,
    theme: Option<Palette>,
    lesson: Option<String>,
    check: Option<std::path::PathBuf>,
) -> Result<()> {
    use crate::lessons::{BUILT_IN, Lesson};
    let read = |path: &std::path::Path| -> Result<Lesson> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CommandError::Failed(format!("cannot read the lesson {}: {e}", path.display()))
        })?;
        Lesson::parse(&path.display().to_string(), &text)
            .map_err(|e| CommandError::Failed(e.to_string()))
    };
    if let Some(path) = check {
        let lesson = read(&path)?;
        let asked = lesson.steps.iter().filter(|s| s.question.is_some()).count();
        return emit(&format!(
            "{}: \"{}\", {} steps, {asked} questions: ok\n",
            path.display(),
            lesson.title,
            lesson.steps.len()
        ));
    }
    let mut start = crate::tui::Start {
        lessons: true,
        theme,
        ..crate::tui::Start::default()
    };
    match lesson {
        None => {}
        Some(n) if n.parse::<usize>().is_ok() => {
            let n: usize = n.parse().unwrap_or(0);
            if n == 0 || n > BUILT_IN.len() {
                return Err(CommandError::Usage(format!(
                    "learn: there is no lesson {n}; the lessons are 1 to {}, or give a lesson file",
                    BUILT_IN.len()
                )));
            }
            start.open = Some(n - 1);
        }
        Some(file) => {
            start.extra.push(read(std::path::Path::new(&file))?);
            start.open = Some(BUILT_IN.len());
        }
    }
    tui_with(database_url, start).await
}

/// Opens the terminal UI where `start` says; see [`tui`].
async fn tui_with(database_url: Option<&str>, start: crate::tui::Start) -> Result<()> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(CommandError::Usage(NO_TERMINAL.to_owned()));
    }
    let db = open(database_url, Pool::Desk).await?;
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
    let result = crate::tui::run_with(db.clone(), start)
        .await
        .map_err(|e| CommandError::Failed(format!("terminal: {e}")));
    let _ = db.close().await;
    result
}

/// Runs a subcommand.
///
/// # Errors
/// A [`CommandError`] whose message goes to stderr and whose code is the exit code.
pub async fn run(cli: Cli, command: Command) -> Result<()> {
    if let Command::Bench {
        orders,
        fresh,
        sql_log,
        pool,
        writers,
        tui,
        builder,
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
            let db = open(Some(url), Pool::Desk).await?;
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
            builder,
        };
        return match crate::bench::run(args).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(CommandError::Failed(
                "bench: verification failed".to_owned(),
            )),
            Err(e) => Err(CommandError::Failed(format!("bench: {e}"))),
        };
    }
    if let Command::Learn { lesson, check } = command {
        return Box::pin(learn(cli.database_url.as_deref(), cli.theme, lesson, check)).await;
    }
    if let Command::Doctor = command {
        return admin::doctor(cli.database_url.as_deref(), cli.json).await;
    }
    if let Command::Consume {
        broker,
        queue,
        binds,
    } = command
    {
        return relay::consume(broker, queue, binds).await;
    }
    if let Command::Openapi = command {
        return emit(&crate::serve::openapi::JSON);
    }
    if let Command::Completions { shell } = command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "orderdesk", &mut buf);
        return emit(&String::from_utf8_lossy(&buf));
    }
    // A server has many clients at once: a bigger pool than a desk's.
    let pool = match &command {
        Command::Serve { pool, .. } => Pool::Server(*pool),
        _ => Pool::Desk,
    };
    let db = open(cli.database_url.as_deref(), pool).await?;
    let out = Output { json: cli.json };
    let label = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    // What `--echo` printed, for its closing summary.
    let echoed = std::sync::Mutex::new(None);
    let result = db::in_action(label, async {
        match command {
            Command::Migrate { action, yes } => {
                *echoed.lock().unwrap() = watch_sql(&db, cli.echo, cli.log_sql.is_some());
                admin::migrate(&db, &out, action, yes).await
            }
            other => {
                db::migrate_on_start(&db).await.map_err(|e| match e {
                    db::StartError::Db(e) => CommandError::Service(service::Error::Db(e)),
                    foreign @ db::StartError::Foreign { .. } => {
                        CommandError::Failed(foreign.to_string())
                    }
                })?;
                // After the start-up migration check, which is not what the command does. A
                // server's statements come under the request that sent them.
                match (&other, cli.echo) {
                    (Command::Serve { .. }, true) => crate::sql_log::echo_actions_to_stderr(&db),
                    (_, echo) => {
                        *echoed.lock().unwrap() = watch_sql(&db, echo, cli.log_sql.is_some());
                    }
                }
                match other {
                    Command::Seed(args) => admin::seed(&db, &out, args).await,
                    Command::User(cmd) => user::run(&db, &out, cmd).await,
                    Command::Product(cmd) => product::run(&db, &out, cmd).await,
                    Command::Order(cmd) => order::run(&db, &out, cmd).await,
                    Command::Stats { recount } => admin::stats(&db, &out, recount).await,
                    Command::Events { order, follow } => order::events(&db, order, follow).await,
                    Command::Relay {
                        broker,
                        batch,
                        poll_ms,
                        // Boxed: the relay's loop over the broker is a large future.
                    } => Box::pin(relay::relay(&db, broker, batch, poll_ms)).await,
                    Command::Token(cmd) => token::run(&db, &out, cmd).await,
                    Command::Serve {
                        bind,
                        timeout,
                        cors,
                        log,
                        jwt,
                        ..
                    } => {
                        let timeout = std::time::Duration::from_secs(timeout);
                        admin::serve(&db, bind, timeout, &cors, log.as_deref(), jwt).await
                    }
                    Command::Stress {
                        user,
                        product,
                        seed,
                    } => admin::stress(&db, user, product, seed).await,
                    Command::Migrate { .. }
                    | Command::Openapi
                    | Command::Consume { .. }
                    | Command::Doctor
                    | Command::Learn { .. }
                    | Command::Completions { .. }
                    | Command::Bench { .. } => {
                        unreachable!("handled before connecting")
                    }
                }
            }
        }
    })
    .await;
    let mut result = result;
    if let Some(log) = echoed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        let entries = log.entries();
        if cli.echo {
            eprintln!("{}", crate::sql_log::echo_summary(&entries));
        }
        if let Some(file) = &cli.log_sql {
            let text = crate::sql_log::annotated_sql(&entries, db.backend());
            if let Err(e) = std::fs::write(file, text) {
                let failed = CommandError::Failed(format!("--log-sql {}: {e}", file.display()));
                result = result.and(Err(failed));
            }
        }
    }
    let _ = db.close().await;
    result
}

/// What `--echo` and `--log-sql` need: the statements on stderr as they go (echo), and kept
/// for the summary line and the file. `None` when neither is asked for.
fn watch_sql(db: &Db, echo: bool, keep: bool) -> Option<std::sync::Arc<crate::sql_log::SqlLog>> {
    if echo {
        Some(crate::sql_log::echo_to_stderr(db))
    } else if keep {
        Some(crate::sql_log::SqlLog::attach(
            db,
            crate::sql_log::COMMAND_CAPACITY,
        ))
    } else {
        None
    }
}

/// How big a pool a command opens.
#[derive(Debug, Clone, Copy)]
enum Pool {
    /// One person's: the database's default.
    Desk,
    /// A server's: as given, else [`crate::serve::POOL_SERVER`] or
    /// [`crate::serve::POOL_SQLITE`] readers.
    Server(Option<u32>),
}

/// Connects to the configured database with a pool of `pool`'s size.
async fn open(flag: Option<&str>, pool: Pool) -> Result<Db> {
    let url = config::database_url(flag).map_err(CommandError::Failed)?;
    let max_connections = match pool {
        Pool::Desk => None,
        Pool::Server(given) => Some(given.unwrap_or(if db::sqlite_url(&url.url) {
            crate::serve::POOL_SQLITE
        } else {
            crate::serve::POOL_SERVER
        })),
    };
    let config = db::ConnectConfig {
        max_connections,
        ..db::ConnectConfig::default()
    };
    db::connect_with(&url.url, config).await.map_err(|e| {
        CommandError::Failed(format!(
            "cannot open the database {}: {}",
            config::redact(&url.url),
            db::connect_reason(&e)
        ))
    })
}
