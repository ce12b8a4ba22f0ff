//! The SQL log as an annotated SQL file, for a handout (`--log-sql FILE`): every statement with
//! its values written in and a semicolon, each user action and transaction named in comments, so
//! that a class can read it, and replay it on the database's starting state (`sqlite3 shop.db <
//! FILE`, `psql -f FILE`) to get the same rows.

use std::fmt::Write as _;

use sea_orm::DbBackend;

use super::{Entry, Kind};

/// The annotated SQL of `entries` (a log's, numbered from 1), statements as `backend` takes
/// them.
#[must_use]
pub fn annotated_sql(entries: &[Entry], backend: DbBackend) -> String {
    let dropped = entries.first().map_or(0, |e| e.id.saturating_sub(1));
    let mut out = String::new();
    let (name, replay) = match backend {
        DbBackend::Postgres => ("PostgreSQL", "psql -v ON_ERROR_STOP=1 -d DATABASE -f FILE"),
        DbBackend::MySql => ("MariaDB", "mariadb DATABASE < FILE"),
        _ => ("SQLite", "sqlite3 DATABASE.db < FILE"),
    };
    let _ = writeln!(
        out,
        "-- orderdesk's SQL log: {} round trip(s) on {name}, values written in.",
        entries.len()
    );
    let _ = writeln!(
        out,
        "-- Replay it on the database as it was before: {replay}"
    );
    if dropped > 0 {
        let _ = writeln!(
            out,
            "-- The {dropped} oldest round trip(s) are not here: the log keeps the newest."
        );
    }
    let mut action = None;
    for e in entries {
        let id = e.action.as_ref().map(|a| a.id);
        if id != action {
            action = id;
            let label = e.action.as_ref().map_or("(no action)", |a| &a.label);
            let _ = writeln!(out, "\n-- {label}");
        }
        let ms = e.elapsed.as_secs_f64() * 1e3;
        let tx =
            e.tx.map(|t| format!("transaction {t}, "))
                .unwrap_or_default();
        match e.kind {
            Kind::Begin => {
                let _ = writeln!(out, "{}; -- {tx}{ms:.3} ms", e.sql);
            }
            Kind::Commit => {
                let _ = writeln!(out, "COMMIT; -- {tx}{ms:.3} ms");
            }
            Kind::Rollback { on_drop } => {
                let why = if on_drop {
                    "dropped unfinished"
                } else {
                    "rolled back"
                };
                let _ = writeln!(out, "ROLLBACK; -- {tx}{why}");
            }
            Kind::Statement if e.failed => {
                // The database refused it: shown, not replayed.
                let _ = writeln!(
                    out,
                    "-- refused by the database, {ms:.3} ms: {}",
                    inlined(e, backend).replace('\n', " ")
                );
            }
            Kind::Statement => {
                let sql = inlined(e, backend);
                let _ = writeln!(out, "{}; -- {tx}{ms:.3} ms", sql.trim_end_matches(';'));
            }
        }
    }
    out
}

/// The statement with its values written in. A moment on MariaDB is written as the UTC
/// `DATETIME` it is stored as (`2026-12-03 13:10:35.041448`): MariaDB refuses a literal with an
/// offset.
fn inlined(entry: &Entry, backend: DbBackend) -> String {
    if backend != DbBackend::MySql {
        return entry.inlined(backend);
    }
    let values = entry.values.as_ref().map(|v| {
        sea_orm::Values(
            v.0.iter()
                .map(|value| match value {
                    sea_orm::Value::ChronoDateTimeUtc(Some(at)) => {
                        sea_orm::Value::String(Some(at.format("%Y-%m-%d %H:%M:%S%.6f").to_string()))
                    }
                    other => other.clone(),
                })
                .collect(),
        )
    });
    sea_orm::Statement {
        sql: entry.sql.clone(),
        values,
        db_backend: backend,
    }
    .to_string()
}
