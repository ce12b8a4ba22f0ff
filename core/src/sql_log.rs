//! Every statement the app runs: SQL, bound values, time, whether it failed, the transaction it
//! belongs to and the user action that caused it; BEGIN, COMMIT and ROLLBACK included (the
//! transaction helper in `db.rs` records those; SeaORM's callback never reports them). A bounded
//! ring buffer, filled only while attached: with nobody watching it costs nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{DbBackend, Statement, Values};

use crate::db::{self, Action, Db, SqlEvent};

mod echo;
mod handout;
mod origin;

pub use echo::{echo_actions_to_stderr, echo_line, echo_summary, echo_to_stderr};
pub use handout::annotated_sql;

/// What kind of round trip an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A statement (SELECT, INSERT, UPDATE, DELETE, PRAGMA...).
    Statement,
    /// A transaction began.
    Begin,
    /// A transaction was committed.
    Commit,
    /// A transaction was rolled back (`on_drop`: because it was dropped unfinished).
    Rollback {
        /// True when the transaction was dropped rather than rolled back by the code.
        on_drop: bool,
    },
}

/// One round trip.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its number in the log.
    pub id: u64,
    /// What it was.
    pub kind: Kind,
    /// The SQL with placeholders (or `BEGIN`, `COMMIT`, `ROLLBACK`).
    pub sql: String,
    /// The bound values.
    pub values: Option<Values>,
    /// How long it took.
    pub elapsed: Duration,
    /// Whether the database refused it.
    pub failed: bool,
    /// The user action it was sent for.
    pub action: Option<Action>,
    /// The transaction it was sent in.
    pub tx: Option<u64>,
    /// The service function that sent it (`service::create_order`).
    pub function: Option<&'static str>,
}

impl Entry {
    /// The statement with its values written in, as it could be pasted into a SQL shell.
    #[must_use]
    pub fn inlined(&self, backend: DbBackend) -> String {
        Statement {
            sql: self.sql.clone(),
            values: self.values.clone(),
            db_backend: backend,
        }
        .to_string()
    }

    /// The inlined statement shortened for a one-line view: a SELECT's column list becomes `…`,
    /// and a round trip of several writes is named by the tables it writes.
    #[must_use]
    pub fn compact(&self, backend: DbBackend) -> String {
        let tables = self.written_tables();
        if tables.len() > 1 {
            return format!(
                "{} writes in one round trip: {}",
                tables.len(),
                tables.join(", ")
            );
        }
        let full = self.inlined(backend);
        if !self.is_select() {
            return full;
        }
        // SeaORM quotes its table names; a subquery in the column list does not.
        match full.find(" FROM \"").or_else(|| full.find(" FROM ")) {
            Some(at) if at > 30 => {
                let head: String = full.chars().take(6).collect();
                format!("{head} … {}", &full[at + 1..])
            }
            _ => full,
        }
    }

    /// The tables its INSERTs and UPDATEs write, in order: more than one for `create_order`'s
    /// single round trip (several statements on SQLite, writes chained by WITH on PostgreSQL).
    /// An upsert's `DO UPDATE SET` is part of its INSERT.
    #[must_use]
    pub fn written_tables(&self) -> Vec<&str> {
        let mut writes: Vec<(usize, &str)> = ["INSERT INTO ", "UPDATE "]
            .into_iter()
            .flat_map(|verb| self.sql.match_indices(verb))
            .filter(|(at, verb)| !self.sql[at + verb.len()..].starts_with("SET "))
            .filter_map(|(at, verb)| {
                self.sql[at + verb.len()..]
                    .split([' ', '('])
                    .next()
                    .map(|t| (at, t.trim_matches('"')))
            })
            .collect();
        writes.sort_unstable_by_key(|(at, _)| *at);
        writes.into_iter().map(|(_, table)| table).collect()
    }

    /// Whether it is a SELECT.
    #[must_use]
    pub fn is_select(&self) -> bool {
        self.kind == Kind::Statement
            && self
                .sql
                .trim_start()
                .get(..6)
                .is_some_and(|w| w.eq_ignore_ascii_case("select"))
    }
}

/// The log: the last `capacity` entries.
pub struct SqlLog {
    backend: DbBackend,
    capacity: usize,
    inner: Mutex<Inner>,
}

/// Its size, not its 2,000 entries: a view that holds the log prints briefly.
impl std::fmt::Debug for SqlLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (len, newest) = self.with_entries(|e| (e.len(), e.back().map(|e| e.id)));
        f.debug_struct("SqlLog")
            .field("backend", &self.backend)
            .field("entries", &len)
            .field("newest", &newest)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Entry>,
    next_id: u64,
}

/// How many entries the log keeps by default.
pub const CAPACITY: usize = 2_000;

/// How many round trips a command keeps for `--echo`'s summary and `--log-sql`'s file (the
/// newest): a handout, not an archive.
pub const COMMAND_CAPACITY: usize = 100_000;

impl SqlLog {
    /// Starts logging everything `db` sends, keeping the last `capacity` entries.
    #[must_use]
    pub fn attach(db: &Db, capacity: usize) -> Arc<SqlLog> {
        let log = SqlLog::detached(db.backend(), capacity);
        let sink = Arc::downgrade(&log);
        db.recorder()
            .set_listener(Some(Arc::new(move |event: &SqlEvent<'_>| {
                if let Some(log) = sink.upgrade() {
                    log.push(event);
                }
            })));
        log
    }

    /// A log that no recorder feeds: the caller hands it events with [`SqlLog::record`].
    #[must_use]
    pub fn detached(backend: DbBackend, capacity: usize) -> Arc<SqlLog> {
        Arc::new(SqlLog {
            backend,
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        })
    }

    /// Adds an event, as a recorder's listener does.
    pub fn record(&self, event: &SqlEvent<'_>) {
        self.push(event);
    }

    /// The backend the statements were written for.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    fn push(&self, event: &SqlEvent<'_>) {
        let (kind, sql, values, elapsed, failed) = match *event {
            SqlEvent::Statement {
                sql,
                values,
                elapsed,
                failed,
            } => (
                Kind::Statement,
                sql.to_owned(),
                values.cloned(),
                elapsed,
                failed,
            ),
            SqlEvent::Begin {
                sql,
                elapsed,
                failed,
            } => (Kind::Begin, sql.to_owned(), None, elapsed, failed),
            SqlEvent::Commit { elapsed, failed } => {
                (Kind::Commit, "COMMIT".to_owned(), None, elapsed, failed)
            }
            SqlEvent::Rollback { elapsed, on_drop } => (
                Kind::Rollback { on_drop },
                "ROLLBACK".to_owned(),
                None,
                elapsed,
                false,
            ),
        };
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.next_id += 1;
        let entry = Entry {
            id: inner.next_id,
            kind,
            sql,
            values,
            elapsed,
            failed,
            action: db::current_action(),
            tx: db::current_tx(),
            function: db::current_function(),
        };
        if inner.entries.len() == self.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// A copy of the entries, oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.entries.iter().cloned().collect()
    }

    /// Runs `f` on the entries, oldest first, without copying them (the recorder waits
    /// meanwhile: keep `f` short).
    pub fn with_entries<R>(&self, f: impl FnOnce(&VecDeque<Entry>) -> R) -> R {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&inner.entries)
    }

    /// The number of the newest entry (0 when nothing was logged): changes when the log does.
    pub fn version(&self) -> u64 {
        self.inner.lock().map_or(0, |i| i.next_id)
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.entries.clear();
    }
}

/// What one user action cost.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionSummary {
    /// The action (`None` for statements sent outside any).
    pub action: Option<Action>,
    /// Round trips, BEGIN and COMMIT included.
    pub statements: usize,
    /// Their total time.
    pub elapsed: Duration,
    /// A SELECT sent 3 or more times with the same shape: the likely N+1, with its count.
    pub n_plus_one: Option<(String, usize)>,
}

/// How many times the same SELECT shape in one action makes a likely N+1.
pub const N_PLUS_ONE: usize = 3;

/// Groups entries by action, in order of first appearance.
#[must_use]
pub fn summarize(entries: &[Entry]) -> Vec<ActionSummary> {
    let mut order: Vec<Option<u64>> = Vec::new();
    let mut groups: HashMap<Option<u64>, Vec<&Entry>> = HashMap::new();
    for e in entries {
        let key = e.action.as_ref().map(|a| a.id);
        if !groups.contains_key(&key) {
            order.push(key);
        }
        groups.entry(key).or_default().push(e);
    }
    order
        .into_iter()
        .map(|key| {
            let group = &groups[&key];
            ActionSummary {
                action: group[0].action.clone(),
                statements: group.len(),
                elapsed: group.iter().map(|e| e.elapsed).sum(),
                n_plus_one: n_plus_one(group.iter().copied()),
            }
        })
        .collect()
}

/// The SELECT shape repeated most in `entries`, if it repeats [`N_PLUS_ONE`] times or more.
/// Writes never count, and repeats are counted within one transaction (or among statements
/// outside any): an action that places many orders (the demo data) reads each order's
/// products once per order, which is each order's own work, not a loop of reads that one
/// query could replace.
pub fn n_plus_one<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Option<(String, usize)> {
    let mut counts: HashMap<(&str, Option<u64>), usize> = HashMap::new();
    for e in entries {
        if e.is_select() {
            *counts.entry((e.sql.as_str(), e.tx)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= N_PLUS_ONE)
        .max_by_key(|((sql, _), n)| (*n, std::cmp::Reverse(*sql)))
        .map(|((sql, _), n)| (sql.to_owned(), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, sql: &str, action: u64) -> Entry {
        Entry {
            id,
            kind: Kind::Statement,
            sql: sql.to_owned(),
            values: None,
            elapsed: Duration::from_millis(1),
            failed: false,
            action: Some(Action {
                id: action,
                label: format!("action {action}").into(),
            }),
            tx: None,
            function: None,
        }
    }

    #[test]
    fn repeated_selects_in_one_action_are_flagged_and_writes_are_not() {
        let mut log = vec![entry(1, "SELECT * FROM orders WHERE user_id = ?", 1)];
        for i in 0..3 {
            log.push(entry(
                2 + i,
                "SELECT * FROM order_items WHERE order_id = ?",
                1,
            ));
        }
        for i in 0..5 {
            log.push(entry(
                10 + i,
                "UPDATE products SET stock = stock - ? WHERE id = ?",
                2,
            ));
        }
        log.push(entry(20, "SELECT * FROM order_items WHERE order_id = ?", 3));
        log.push(entry(21, "SELECT * FROM order_items WHERE order_id = ?", 3));
        let s = summarize(&log);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].statements, 4);
        assert_eq!(
            s[0].n_plus_one,
            Some(("SELECT * FROM order_items WHERE order_id = ?".to_owned(), 3))
        );
        assert_eq!(s[1].n_plus_one, None, "writes are never an N+1");
        assert_eq!(s[2].n_plus_one, None, "twice is not three times");
        assert_eq!(s[0].elapsed, Duration::from_millis(4));
    }

    #[test]
    fn a_round_trip_of_several_writes_is_named_by_its_tables() {
        let batch = entry(
            1,
            "INSERT INTO orders (user_id) VALUES (?); INSERT INTO order_events (order_id) \
             VALUES (1); UPDATE order_stats SET pending = pending + 1 WHERE shard = 1; \
             INSERT INTO product_sales (product_id) VALUES (1) ON CONFLICT (product_id) \
             DO UPDATE SET units = 1; INSERT INTO order_items (order_id) VALUES (1) RETURNING id",
            1,
        );
        assert_eq!(
            batch.compact(DbBackend::Sqlite),
            "5 writes in one round trip: orders, order_events, order_stats, product_sales, \
             order_items"
        );
        let cte = entry(
            2,
            "WITH new_order AS (INSERT INTO orders (user_id) VALUES ($1) RETURNING id), \
             new_items AS (INSERT INTO order_items (order_id) SELECT id FROM new_order \
             RETURNING id) SELECT * FROM new_items",
            1,
        );
        assert_eq!(
            cte.compact(DbBackend::Postgres),
            "2 writes in one round trip: orders, order_items"
        );
        let one = entry(3, "INSERT INTO \"users\" (\"email\") VALUES ('a')", 1);
        assert_eq!(one.written_tables(), ["users"]);
        assert!(
            one.compact(DbBackend::Sqlite)
                .starts_with("INSERT INTO \"users\"")
        );
        let update = entry(4, "UPDATE \"products\" SET \"stock\" = 1", 1);
        assert_eq!(update.written_tables(), ["products"]);
    }

    #[test]
    fn a_select_repeated_once_per_transaction_is_not_flagged_but_within_one_is() {
        let in_tx = |id: u64, tx: u64| Entry {
            tx: Some(tx),
            function: None,
            ..entry(id, "SELECT * FROM products WHERE id IN (?)", 1)
        };
        let per_order: Vec<Entry> = (0..5).map(|i| in_tx(i, 100 + i)).collect();
        assert_eq!(n_plus_one(&per_order), None);
        let one_tx: Vec<Entry> = (0..3).map(|i| in_tx(i, 7)).collect();
        assert_eq!(
            n_plus_one(&one_tx),
            Some(("SELECT * FROM products WHERE id IN (?)".to_owned(), 3))
        );
    }
}
