//! The command line: global options and subcommands (clap derive).
//!
//! Ids, page sizes and statuses are parsed by clap (a malformed one is a usage error, exit 2;
//! a negative id reaches the service, which says it must be positive); prices, stock,
//! quantities, emails and names are taken as typed and checked by the service layer, which
//! refuses them with a message naming the field (exit 1).

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

mod nouns;
pub use nouns::{OrderCommand, ProductCommand, UserCommand};

/// A keyboard-driven order desk in the terminal, over SQLite, PostgreSQL or MariaDB.
#[derive(Debug, Parser)]
#[command(name = "orderdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// The database: a sqlite:, postgres:// or mysql:// (mariadb://) URL, or a file path [default:
    /// `ORDERDESK_DATABASE_URL`, then `DATABASE_URL`, then the same in ./.env, then orderdesk.db in
    /// your data directory]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Print JSON instead of tables
    #[arg(long, global = true)]
    pub json: bool,

    /// Print every SQL statement on stderr, with its values and time, BEGIN/COMMIT/ROLLBACK
    /// included
    #[arg(long, global = true)]
    pub echo: bool,

    /// Write the command's SQL to FILE when it ends, as an annotated SQL file for a handout:
    /// values written in, actions and transactions as comments, replayable with sqlite3, psql
    /// or mariadb on the database's starting state
    #[arg(long, global = true, value_name = "FILE")]
    pub log_sql: Option<std::path::PathBuf>,

    /// The terminal UI's colours: dark (the default), light (a light terminal, a projector) or
    /// high-contrast (no colour, no dim text); remembered for the next start
    #[arg(long, global = true, value_name = "THEME")]
    pub theme: Option<crate::tui::theme::Palette>,

    /// What to do; without one, orderdesk opens its terminal UI
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply, roll back, inspect or redo the schema migrations
    Migrate {
        /// up: apply pending; down: roll back the last; status: list; fresh: drop orderdesk's
        /// tables and re-create them empty
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
        /// Do a down or fresh without asking (needed when there is no terminal to ask on)
        #[arg(long)]
        yes: bool,
    },
    /// Fill an empty database: the demo set, or generated data at scale
    Seed(SeedArgs),
    /// Customers
    #[command(subcommand)]
    User(UserCommand),
    /// Products and their stock
    #[command(subcommand)]
    Product(ProductCommand),
    /// Orders: place, list, show, move along, cancel
    #[command(subcommand)]
    Order(OrderCommand),
    /// Orders by status, revenue, average delivery time, top products
    Stats {
        /// Recompute the figures from every order, item and event (seconds on a million
        /// orders) instead of reading the running totals, to check them
        #[arg(long)]
        recount: bool,
    },
    /// The `order_events` outbox as JSON lines, oldest first
    Events {
        /// Only this order's events
        #[arg(long, value_name = "ID", allow_negative_numbers = true)]
        order: Option<i64>,
        /// Keep printing new events as they are written (Ctrl-C stops)
        #[arg(long)]
        follow: bool,
    },
    /// Deliver the order events outbox to RabbitMQ: every event not yet published, in order, as
    /// a persistent message on a durable topic exchange, then new ones as they commit; each
    /// marked published once the broker confirms it (at least once). One relay per database
    /// publishes; a second waits and takes over. Ctrl-C or SIGTERM stops it after the batch
    Relay {
        #[command(flatten)]
        broker: BrokerArgs,
        /// The most events one batch carries
        #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch: u64,
        /// Milliseconds between two looks at an empty outbox
        #[arg(long, value_name = "MS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=60_000))]
        poll_ms: u64,
    },
    /// Print the messages the relay publishes, one JSON line each, acknowledging each once
    /// printed and dropping a message id seen before (the relay delivers at least once);
    /// Ctrl-C stops it. Needs no database
    Consume {
        #[command(flatten)]
        broker: BrokerArgs,
        /// A durable queue of this name, kept when consume stops [default: a queue of its own,
        /// deleted when it stops]
        #[arg(long, value_name = "NAME")]
        queue: Option<String>,
        /// A routing pattern to bind the queue with (`order.*`, `order.cancelled`, `#`);
        /// repeat for more
        #[arg(long = "bind", value_name = "PATTERN", default_value = "order.*")]
        binds: Vec<String>,
    },
    /// Run workload W1 (../shared/bench) through the service layer and print its JSON lines;
    /// on a fresh temporary SQLite file unless --database-url is given (never `DATABASE_URL`)
    Bench {
        /// Orders in phase A
        #[arg(long, value_name = "N", default_value_t = 20_000)]
        orders: u64,
        /// Drop and re-create orderdesk's tables in the --database-url database first
        #[arg(long)]
        fresh: bool,
        /// Keep the SQL log on during the timed loops (to measure what it costs)
        #[arg(long)]
        sql_log: bool,
        /// Connections in the pool (default: as the app opens it: 2, and on SQLite a writer beside them)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
        pool: Option<u32>,
        /// Tasks placing phase A's orders at once (1 is W1; more measures writers that wait
        /// for each other); the pool gets at least as many connections
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
        writers: u32,
        /// Place and list through the query-builder forms (`create_order_builder`,
        /// `list_orders_builder`) instead of the hand-written fast paths, to measure what these buy
        #[arg(long)]
        builder: bool,
        /// Instead of W1: time the TUI on the --database-url database (a seeded one), from
        /// start to the first frame with rows and from each key to the frame with its rows
        #[arg(long, conflicts_with_all = ["orders", "fresh", "sql_log", "pool", "writers", "builder"])]
        tui: bool,
    },
    /// Place orders and change statuses forever, printing "ready" first and B/E around every
    /// transaction (for the crash tests, which kill it)
    #[command(hide = true)]
    Stress {
        /// The customer
        #[arg(long)]
        user: i64,
        /// The product (give it plenty of stock)
        #[arg(long)]
        product: i64,
        /// The random seed
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Serve the HTTP API (JSON, the same operations and shapes as --json) until Ctrl-C or
    /// SIGTERM; without authentication it listens on loopback only
    Serve {
        /// The address to listen on
        #[arg(long, value_name = "ADDR", default_value = crate::serve::DEFAULT_BIND)]
        bind: std::net::SocketAddr,
        /// Seconds a request may take; past it the answer is 503 and nothing is written
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: u64,
        /// An origin browsers may call the API from (CORS), such as `https://shop.example.com`;
        /// repeat for more. Without one, no CORS headers are sent
        #[arg(long = "cors", value_name = "ORIGIN")]
        cors: Vec<String>,
        /// Append the request log to this file instead of stderr
        #[arg(long, value_name = "FILE")]
        log: Option<std::path::PathBuf>,
        /// Connections in the pool [default: 16 on PostgreSQL; on SQLite 4 readers beside its
        /// one writer]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=200))]
        pool: Option<u32>,
        #[command(flatten)]
        jwt: JwtArgs,
    },
    /// Print the HTTP API's OpenAPI 3.1 document (what `serve` answers at /openapi.json)
    Openapi,
    /// API tokens for `serve`: create (printed once, stored hashed), list, revoke
    #[command(subcommand)]
    Token(TokenCommand),
    /// Lessons: what an ORM does, step by step, on a sandbox database of their own (a
    /// temporary SQLite file, or an `orderdesk_lesson_*` database on your server). Opens the
    /// terminal UI on the Lessons screen (key 6)
    Learn {
        /// The lesson to open: its number (1-6), or a lesson file of your own
        lesson: Option<String>,
        /// Check a lesson file and say what is wrong with it, naming the line; runs nothing
        #[arg(long, value_name = "FILE", conflicts_with = "lesson")]
        check: Option<std::path::PathBuf>,
    },
    /// Say which database orderdesk would open and why, whether it answers, its server
    /// version, migrations and row counts; exit 1 when something is wrong (nothing is written)
    Doctor,
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// An order status as the command line takes it (completion, "did you mean", exit 2 for a typo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Placed, not yet confirmed
    Pending,
    /// Confirmed, to be shipped
    Confirmed,
    /// On its way
    Shipped,
    /// Arrived (final)
    Delivered,
    /// Cancelled, tracked stock given back (final)
    Cancelled,
}

impl From<StatusArg> for crate::service::Status {
    fn from(s: StatusArg) -> Self {
        use crate::service::Status;
        match s {
            StatusArg::Pending => Status::Pending,
            StatusArg::Confirmed => Status::Confirmed,
            StatusArg::Shipped => Status::Shipped,
            StatusArg::Delivered => Status::Delivered,
            StatusArg::Cancelled => Status::Cancelled,
        }
    }
}

/// What `migrate` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateAction {
    /// Apply every pending migration
    Up,
    /// Roll back the last applied migration
    Down,
    /// List migrations and whether each is applied
    Status,
    /// Drop orderdesk's tables and apply every migration again
    Fresh,
}

/// `orderdesk seed`.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("what")
        .required(true)
        .multiple(true)
        .args(["demo", "orders", "users", "products"])
))]
pub struct SeedArgs {
    /// The demo set: 8 users, 20 products, 40 orders over the 30 days before --today
    #[arg(long, conflicts_with_all = ["users", "products", "orders"])]
    pub demo: bool,
    /// The day the data leads up to (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Users to generate
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub users: u64,
    /// Products to generate
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub products: u64,
    /// Orders to generate (each with 1 to 3 lines and its events)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub orders: u64,
    /// The random seed: the same seed generates the same data
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

/// A page of a list.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Only rows containing this text (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Rows per page (1..=1000)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u64,
    /// Start after this id (the last id of the previous page)
    #[arg(long, value_name = "ID")]
    pub after: Option<i64>,
}

/// `serve`'s JWT options: JWTs from a user service are accepted beside the API tokens when a
/// key or a JWKS is given.
#[derive(Debug, Clone, clap::Args)]
pub struct JwtArgs {
    /// The issuer's key for JWTs: a PEM public key (RSA, EC, Ed25519) or a file holding a shared
    /// secret (HS256, 32 bytes or more)
    #[arg(long, value_name = "FILE", env = "ORDERDESK_JWT_KEY", conflicts_with = "jwks", requires_all = ["jwt_issuer", "jwt_audience"])]
    pub jwt_key: Option<std::path::PathBuf>,
    /// The issuer's keys as a JWKS: a file, or an http(s) URL fetched at start and again when
    /// a token names a key it does not hold
    #[arg(long, value_name = "FILE|URL", env = "ORDERDESK_JWKS", requires_all = ["jwt_issuer", "jwt_audience"])]
    pub jwks: Option<String>,
    /// The `iss` a JWT must carry
    #[arg(long, value_name = "ISS", env = "ORDERDESK_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// The `aud` a JWT must carry
    #[arg(long, value_name = "AUD", env = "ORDERDESK_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
}

/// `orderdesk token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (once: only its hash is kept)
    Create {
        /// Who or what it is for (a shop front, a script)
        #[arg(long)]
        name: String,
        /// It may read but not write
        #[arg(long)]
        read_only: bool,
    },
    /// List the tokens (never the tokens themselves: their first characters)
    List,
    /// Revoke a token: from now on `serve` refuses it
    Revoke {
        /// The token's id (`token list`)
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
}

/// Where the relay's messages go: the broker and the exchange.
#[derive(Debug, Clone, clap::Args)]
pub struct BrokerArgs {
    /// The broker (AMQP 0-9-1, such as RabbitMQ)
    #[arg(
        long,
        value_name = "URL",
        env = "ORDERDESK_AMQP_URL",
        hide_env_values = true,
        default_value = crate::relay::DEFAULT_AMQP
    )]
    pub amqp: String,
    /// The topic exchange (declared durable when missing)
    #[arg(long, value_name = "NAME", default_value = crate::relay::DEFAULT_EXCHANGE)]
    pub exchange: String,
}
