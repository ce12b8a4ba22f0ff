//! orderdesk: a keyboard-driven order desk over SeaORM, on SQLite or PostgreSQL.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod entity;
pub mod fold;
pub mod money;
pub mod service;
pub mod sql_log;
pub mod tui;
pub mod zone;

/// When the process started (`main` sets it first thing): start-up is timed from here.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
