//! orderdesk: a keyboard-driven order desk over SeaORM, on SQLite or PostgreSQL. This crate holds
//! the faces (the terminal UI, the command line, the benchmarks); the data layer they share is
//! the `orderdesk-core` crate, re-exported here under its own module names.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod serve;
pub mod tui;

pub use orderdesk_core::{db, entity, fold, money, service, sql_log, zone};

/// When the process started (`main` sets it first thing): start-up is timed from here.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
