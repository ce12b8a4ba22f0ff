//! The statement recorder: every round trip counted and handed to an optional listener (the
//! SQL log, `--echo`), tagged with the user action that caused it and the transaction it ran in.

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::Values;

/// Something the database was sent, as the recorder reports it to its listener.
#[derive(Debug, Clone, Copy)]
pub enum SqlEvent<'a> {
    /// A statement reported by SeaORM's metric callback.
    Statement {
        /// The SQL text with placeholders.
        sql: &'a str,
        /// The bound values, if any.
        values: Option<&'a Values>,
        /// How long it took.
        elapsed: Duration,
        /// Whether the database refused it.
        failed: bool,
    },
    /// A transaction began (`BEGIN`, or `BEGIN IMMEDIATE` on SQLite).
    Begin {
        /// The statement text as sent.
        sql: &'static str,
        /// How long it took.
        elapsed: Duration,
        /// Whether it failed.
        failed: bool,
    },
    /// A transaction was committed.
    Commit {
        /// How long it took.
        elapsed: Duration,
        /// Whether it failed.
        failed: bool,
    },
    /// A transaction was rolled back, explicitly or because it was dropped unfinished.
    Rollback {
        /// How long it took (zero when it was dropped: the driver rolls back in the background).
        elapsed: Duration,
        /// True when the transaction was dropped rather than rolled back by the code.
        on_drop: bool,
    },
}

/// The user action a piece of database work is done for, as the SQL log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// A number unique in this process.
    pub id: u64,
    /// What the user did ("place order for user 1").
    pub label: Arc<str>,
}

struct Scope {
    action: Action,
    tx: Cell<Option<u64>>,
    function: Cell<Option<&'static str>>,
}

tokio::task_local! {
    static SCOPE: Scope;
}

/// Says that what the current action sends from now on comes from the service function `name`
/// (`service::create_order`): the SQL log names it beside each statement. A face sets it before
/// each service call (no extra future around the call: the TUI's are deep already).
pub fn set_function(name: &'static str) {
    let _ = SCOPE.try_with(|s| s.function.set(Some(name)));
}

/// The service function the current action is in, if one was set.
#[must_use]
pub fn current_function() -> Option<&'static str> {
    SCOPE.try_with(|s| s.function.get()).ok().flatten()
}

static NEXT_ACTION: AtomicU64 = AtomicU64::new(1);
static NEXT_TX: AtomicU64 = AtomicU64::new(1);

/// Runs `work` as one user action: every statement it sends is tagged with the action (and
/// with its transaction, inside one) in the SQL log. SeaORM's metric callback knows neither, so
/// they travel in a task-local.
pub async fn in_action<F: Future>(label: impl Into<Arc<str>>, work: F) -> F::Output {
    let scope = Scope {
        action: Action {
            id: NEXT_ACTION.fetch_add(1, Ordering::Relaxed),
            label: label.into(),
        },
        tx: Cell::new(None),
        function: Cell::new(None),
    };
    SCOPE.scope(scope, work).await
}

/// The action the current task works for, if any.
#[must_use]
pub fn current_action() -> Option<Action> {
    SCOPE.try_with(|s| s.action.clone()).ok()
}

/// The transaction the current task has open, if any.
#[must_use]
pub fn current_tx() -> Option<u64> {
    SCOPE.try_with(|s| s.tx.get()).ok().flatten()
}

/// A new transaction number.
pub(super) fn next_tx() -> u64 {
    NEXT_TX.fetch_add(1, Ordering::Relaxed)
}

pub(super) fn set_tx(tx: Option<u64>) {
    let _ = SCOPE.try_with(|s| s.tx.set(tx));
}

/// A listener that sees every [`SqlEvent`] as it happens.
pub type Listener = Arc<dyn Fn(&SqlEvent<'_>) + Send + Sync>;

/// Counts every round trip to the database and hands each one to an optional listener.
#[derive(Default)]
pub struct Recorder {
    statements: AtomicU64,
    data_statements: AtomicU64,
    has_listener: AtomicBool,
    listener: RwLock<Option<Listener>>,
}

impl Recorder {
    /// The number of statements sent so far, BEGIN, COMMIT and ROLLBACK included.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The number of data statements sent so far: BEGIN, COMMIT and ROLLBACK not included.
    pub fn data_statements(&self) -> u64 {
        self.data_statements.load(Ordering::Relaxed)
    }

    /// Installs (or with `None` removes) the listener.
    pub fn set_listener(&self, listener: Option<Listener>) {
        let mut slot = self.listener.write().unwrap_or_else(|e| e.into_inner());
        self.has_listener
            .store(listener.is_some(), Ordering::Release);
        *slot = listener;
    }

    pub(super) fn record(&self, event: &SqlEvent<'_>) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if matches!(event, SqlEvent::Statement { .. }) {
            self.data_statements.fetch_add(1, Ordering::Relaxed);
        }
        if self.has_listener.load(Ordering::Acquire) {
            let slot = self.listener.read().unwrap_or_else(|e| e.into_inner());
            if let Some(listener) = slot.as_ref() {
                listener(event);
            }
        }
    }
}
