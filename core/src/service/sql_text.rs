//! Hand-written SQL for the few statements SeaORM's builders cannot express (a chain of INSERTs
//! in one round trip, a join read in one statement), with values bound, never spliced in.

use sea_orm::{DbBackend, Statement, Value};

/// SQL text under construction, with its values and the backend's placeholders (`?` on SQLite
/// and MySQL, `$1`, `$2`, .. on PostgreSQL).
pub(crate) struct SqlText {
    backend: DbBackend,
    sql: String,
    values: Vec<Value>,
}

impl SqlText {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            sql: String::with_capacity(512),
            values: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) {
        self.values.push(value.into());
        if self.backend == DbBackend::Postgres {
            self.sql.push('$');
            self.sql.push_str(&self.values.len().to_string());
        } else {
            self.sql.push('?');
        }
    }

    /// Ends an `INSERT` into a table keyed by `keys` so that a row already there gets `column`
    /// added to it: `ON CONFLICT .. DO UPDATE` on SQLite and PostgreSQL, `ON DUPLICATE KEY
    /// UPDATE` on MySQL.
    pub(crate) fn on_conflict_add(&mut self, table: &str, keys: &str, column: &str) {
        if self.backend == DbBackend::MySql {
            self.push(&format!(
                " ON DUPLICATE KEY UPDATE {column} = {column} + VALUES({column})"
            ));
        } else {
            self.push(&format!(
                " ON CONFLICT ({keys}) DO UPDATE SET {column} = {table}.{column} + excluded.{column}"
            ));
        }
    }

    pub(crate) fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.sql, self.values)
    }
}

/// The integer type of `CAST(.. AS ..)` on a backend: `BIGINT`, called `SIGNED` there on
/// MySQL (where `SUM` of integers gives a DECIMAL, which does not decode as an `i64`).
pub(crate) fn int_type(backend: DbBackend) -> &'static str {
    if backend == DbBackend::MySql {
        "SIGNED"
    } else {
        "BIGINT"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        for (backend, want) in [
            (DbBackend::Sqlite, "a = ? AND b = ?"),
            (DbBackend::Postgres, "a = $1 AND b = $2"),
            (DbBackend::MySql, "a = ? AND b = ?"),
        ] {
            let mut sql = SqlText::new(backend);
            sql.push("a = ");
            sql.bind(1i64);
            sql.push(" AND b = ");
            sql.bind("x");
            let statement = sql.statement();
            assert_eq!(statement.sql, want);
            assert_eq!(statement.values.map(|v| v.0.len()), Some(2));
        }
    }
}
