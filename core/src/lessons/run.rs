//! Running a step's action on a sandbox and keeping what its log showed.

use std::time::{Duration, Instant};

use super::action::{Action, Figures};
use super::answer::{Expected, evaluate};
use crate::db::{Db, in_action};
use crate::service::Error;
use crate::sql_log::{Entry, SqlLog};

/// A step's action, run: its statements, its figures or refusal, how long it took.
#[derive(Debug)]
pub struct StepRun {
    /// The statements it sent, in order (BEGIN, COMMIT and ROLLBACK included).
    pub entries: Vec<Entry>,
    /// Its figures, or the refusal (often the point of the step).
    pub outcome: Result<Figures, Error>,
    /// How long it took.
    pub elapsed: Duration,
    /// The backend it ran on.
    pub backend: sea_orm::DbBackend,
}

impl StepRun {
    /// The answer `expression` gives over this run.
    ///
    /// # Errors
    /// The expression failing on these values.
    pub fn answer(&self, expression: &str) -> Result<Expected, String> {
        let empty = Figures::new();
        let figures = self.outcome.as_ref().unwrap_or(&empty);
        evaluate(
            expression,
            &self.entries,
            figures,
            self.outcome.is_err(),
            self.backend,
        )
    }

    /// `text` with each `{expression}` replaced by its value over this run (an explanation's
    /// figures); an expression that fails is left as written.
    #[must_use]
    pub fn fill(&self, text: &str) -> String {
        fill_with(text, |expression| self.answer(expression).ok())
    }
}

/// `text` with each `{expression}` replaced by `value(expression)`, where it has one.
pub(super) fn fill_with(text: &str, mut value: impl FnMut(&str) -> Option<Expected>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let expression = &rest[open + 1..open + close];
        match value(expression) {
            Some(v) => out.push_str(&v.to_string()),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Runs `action` on `db`, whose statements `log` records, and returns what it sent.
pub async fn run_action(db: &Db, log: &SqlLog, action: &Action) -> StepRun {
    let mark = log.with_entries(|e| e.back().map_or(0, |last| last.id));
    let start = Instant::now();
    let outcome = Box::pin(in_action(action.label(), action.execute(db))).await;
    let elapsed = start.elapsed();
    let entries = log.with_entries(|e| e.iter().filter(|x| x.id > mark).cloned().collect());
    StepRun {
        entries,
        outcome,
        elapsed,
        backend: db.backend(),
    }
}

/// Runs a lesson's setup.
///
/// # Errors
/// The first action refused.
pub async fn run_setup(db: &Db, setup: &[Action]) -> Result<(), Error> {
    for action in setup {
        Box::pin(in_action(action.label(), action.execute(db))).await?;
    }
    Ok(())
}
