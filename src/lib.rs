//! orderdesk: a keyboard-driven order desk over SeaORM, on SQLite, PostgreSQL or MariaDB. This
//! crate holds the faces (the terminal UI, the command line, the benchmarks); the data layer they
//! share is the `orderdesk-core` crate, re-exported here under its own module names.

// The release build's layout of the deepest async bodies (bench's TUI loop over the three
// drivers' futures) goes past the default 128.
#![recursion_limit = "256"]

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod relay;
pub mod serve;
pub mod tui;

pub use orderdesk_core::{db, entity, fold, lessons, money, service, sql_log, zone};

/// When the process started (`main` sets it first thing): start-up is timed from here.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
