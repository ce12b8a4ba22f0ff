//! `--echo`: every statement on stderr as it is sent, as `SQLAlchemy`'s `echo=True` does; for
//! `serve`, under the request that sent it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{DbBackend, Statement, Values};

use std::fmt::Write as _;

use super::{Entry, SqlLog};
use crate::db::{self, Db, SqlEvent};

/// Writes every event to stderr as `SQLAlchemy`'s `echo=True` does: the statement, then its
/// values and time on the next line. Returns the log of what it printed, for
/// [`echo_summary`] at the end.
pub fn echo_to_stderr(db: &Db) -> Arc<SqlLog> {
    let log = SqlLog::detached(db.backend(), super::COMMAND_CAPACITY);
    let kept = log.clone();
    db.recorder()
        .set_listener(Some(Arc::new(move |event: &SqlEvent<'_>| {
            let line = echo_line(event);
            eprintln!("{line}");
            kept.record(event);
        })));
    log
}

/// The line `--echo` ends a command with: its statements (BEGIN and COMMIT included) and their
/// time, and the likely N+1 the SQL log screen would flag.
#[must_use]
pub fn echo_summary(entries: &[Entry]) -> String {
    let elapsed: Duration = entries.iter().map(|e| e.elapsed).sum();
    let mut line = format!(
        "-- {} statement(s), {:.3} ms",
        entries.len(),
        elapsed.as_secs_f64() * 1e3
    );
    if let Some((_, n)) = super::n_plus_one(entries) {
        let _ = write!(line, "; ⚠ likely N+1: the same SELECT {n} times");
    }
    line
}

/// Like [`echo_to_stderr`], with a line naming the action (`── POST /orders (request 7)`) each
/// time the statements printed go from one action to another: `serve --echo` shows what each
/// request sent, even when requests run at once.
pub fn echo_actions_to_stderr(db: &Db) {
    let last = Mutex::new(None::<u64>);
    db.recorder()
        .set_listener(Some(Arc::new(move |event: &SqlEvent<'_>| {
            let action = db::current_action();
            let mut last = last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let id = action.as_ref().map(|a| a.id);
            if id == *last {
                eprintln!("{}", echo_line(event));
            } else {
                *last = id;
                let label = action.as_ref().map_or("(no request)", |a| &a.label);
                eprintln!("── {label}\n{}", echo_line(event));
            }
        })));
}

/// The text `--echo` prints for an event.
#[must_use]
pub fn echo_line(event: &SqlEvent<'_>) -> String {
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
    match *event {
        SqlEvent::Statement {
            sql,
            values,
            elapsed,
            failed,
        } => {
            let values = values.map_or_else(
                || "()".to_owned(),
                |v| {
                    let parts: Vec<String> = v.0.iter().map(value_text).collect();
                    format!("({})", parts.join(", "))
                },
            );
            let outcome = if failed { ", FAILED" } else { "" };
            format!("{sql}\n[{}{outcome}] {values}", ms(elapsed))
        }
        SqlEvent::Begin { sql, elapsed, .. } => format!("{sql}\n[{}]", ms(elapsed)),
        SqlEvent::Commit { elapsed, failed } => {
            format!(
                "COMMIT\n[{}{}]",
                ms(elapsed),
                if failed { ", FAILED" } else { "" }
            )
        }
        SqlEvent::Rollback { on_drop, .. } => {
            if on_drop {
                "ROLLBACK\n[the transaction was dropped unfinished]".to_owned()
            } else {
                "ROLLBACK".to_owned()
            }
        }
    }
}

/// A bound value as SQL would show it.
fn value_text(v: &sea_orm::Value) -> String {
    let stmt = Statement {
        sql: "?".to_owned(),
        values: Some(Values(vec![v.clone()])),
        db_backend: DbBackend::Sqlite,
    };
    stmt.to_string()
}
