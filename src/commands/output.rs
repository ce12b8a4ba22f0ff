//! Output for every command: JSON or tables that fit the terminal, times for a person.

use std::io::{IsTerminal, Write};

use chrono::{DateTime, Utc};
use comfy_table::{CellAlignment, ContentArrangement, LineStyle, Table, TableStyle, presets};
use serde::Serialize;
use serde_json::json;

use super::{CommandError, Result};
use crate::cli::PageArgs;
use crate::service::ListQuery;

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub(super) fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::Failed(format!(
            "cannot write the output: {e}"
        ))),
        _ => Ok(()),
    }
}

pub(super) struct Output {
    /// JSON instead of tables.
    pub(super) json: bool,
}

impl Output {
    /// Prints `value` as JSON, or the table `text` builds.
    pub(super) fn show<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.json {
            let mut s = serde_json::to_string_pretty(value)
                .map_err(|e| CommandError::Failed(e.to_string()))?;
            s.push('\n');
            emit(&s)
        } else {
            let mut s = text();
            if !s.ends_with('\n') {
                s.push('\n');
            }
            emit(&s)
        }
    }

    pub(super) fn deleted(&self, what: &str, id: i64) -> Result<()> {
        self.show(&json!({ "deleted": id }), || {
            format!("Deleted {what} {id}.")
        })
    }
}

/// Columns separated by space, the header underlined.
const LIST_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

/// A table that fits the terminal: its width when stdout is one (comfy-table asks it), else
/// `COLUMNS` when set (a pipe, a script, `watch`), else as wide as its cells.
pub(super) fn fitted() -> Table {
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal()
        && let Some(columns) = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c >= 20)
    {
        t.set_width(columns);
    }
    t
}

pub(super) fn table(header: &[&str], right: &[usize]) -> Table {
    let mut t = fitted();
    t.load_style(LIST_STYLE);
    t.set_header(header.iter().copied());
    for &i in right {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

pub(super) fn fields(rows: &[(&str, String)]) -> String {
    let mut t = fitted();
    t.load_style(presets::NOTHING);
    for (k, v) in rows {
        t.add_row([k.to_string(), v.clone()]);
    }
    t.to_string()
}

/// A time for a person: local, minute-precise (the headers and labels say "local").
pub(super) fn when(t: &DateTime<Utc>) -> String {
    crate::zone::Zone::Local.minute(t)
}

pub(super) fn stock_text(stock: Option<i64>) -> String {
    stock.map_or_else(|| "-".to_owned(), |s| s.to_string())
}

pub(super) fn list_query(page: PageArgs) -> ListQuery {
    ListQuery {
        filter: page.filter,
        after: page.after,
        limit: Some(page.limit),
    }
}
