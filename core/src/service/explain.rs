//! The query plan of a logged SELECT: EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite,
//! EXPLAIN FORMAT=JSON on MariaDB (its tabular EXPLAIN is ten columns wide, too wide to read in
//! 80; the JSON plan is one text, a line per key, and names the index and rows of each step).

use sea_orm::{ConnectionTrait, DbBackend, Statement, Values};

use super::Error;
use crate::db::Db;

/// The plan of `sql` with its `values`, one line per row of the plan. Only SELECTs are
/// explained: explaining a write could run it (EXPLAIN ANALYZE) and a plan of one is rarely the
/// lesson.
///
/// # Errors
/// Validation when `sql` is not a SELECT; a database failure.
pub async fn explain(db: &Db, sql: &str, values: Option<Values>) -> Result<Vec<String>, Error> {
    let trimmed = sql.trim_start();
    if !trimmed
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("select"))
    {
        return Err(Error::invalid(
            "statement",
            "only a SELECT can be explained",
        ));
    }
    let backend = db.backend();
    let prefix = match backend {
        DbBackend::Postgres => "EXPLAIN ",
        DbBackend::MySql => "EXPLAIN FORMAT=JSON ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    let stmt = Statement {
        sql: format!("{prefix}{trimmed}"),
        values,
        db_backend: backend,
    };
    let rows = db.reader().query_all_raw(stmt).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let line = if backend == DbBackend::Postgres {
            row.try_get_by_index::<String>(0)?
        } else if backend == DbBackend::MySql {
            let plan: String = row.try_get_by_index(0)?;
            lines.extend(plan.lines().map(str::to_owned));
            continue;
        } else {
            let id: i64 = row.try_get("", "id")?;
            let parent: i64 = row.try_get("", "parent")?;
            let detail: String = row.try_get("", "detail")?;
            format!("{id:>3} {parent:>3}  {detail}")
        };
        lines.push(line);
    }
    Ok(lines)
}
