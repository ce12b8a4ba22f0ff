//! The SQL log screen (and the panel `L` shows under the others): each user action a header
//! with its statements, time and a likely N+1; each transaction a band from BEGIN to COMMIT or
//! ROLLBACK; each statement with its values written in. Only the lines in view are formatted:
//! a full log (2,000 entries) costs a pass over small numbers, not 2,000 strings, per frame.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sql_log::{self, Entry, SqlLog};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, DOWN, END, ENTER, PAGE_DOWN, PAGE_UP, UP, bind, ch};
use crate::tui::popups::Overlay;
use crate::tui::popups::explain::Explain;
use crate::tui::request::Request;
use crate::tui::widgets::{Look, list_block};

/// The keys of the SQL log screen.
pub const BINDINGS: Bindings = &[
    bind(&[UP, DOWN, ch('j'), ch('k')], "select"),
    bind(&[ENTER], "values + plan"),
    bind(&[ch('x')], "clear"),
    bind(&[ch('w')], "handout"),
    bind(&[END, ch('G')], "follow newest"),
    bind(&[PAGE_UP, PAGE_DOWN], "10 up / down"),
];

/// Statements slower than this are marked.
const SLOW: Duration = Duration::from_millis(10);

/// The SQL log screen.
#[derive(Debug, Clone, Default)]
pub struct SqlLogScreen {
    /// Every statement the app sends (when attached).
    pub log: Option<Arc<SqlLog>>,
    /// The selected entry's id; `None` follows the newest.
    pub selected: Option<u64>,
}

/// Whether the log fills the screen or is the panel under another screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The SQL log screen: a selection, scrolled to it.
    Full,
    /// The panel: the newest lines.
    Panel,
}

impl SqlLogScreen {
    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        let log = self.log.as_ref()?;
        let current = self.selected;
        log.with_entries(|entries| {
            let index = current
                .and_then(|id| entries.iter().position(|e| e.id == id))
                .unwrap_or(entries.len().saturating_sub(1));
            let id_at = |i: usize| entries.get(i).map(|e| e.id);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => self.selected = id_at(index.saturating_sub(1)),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.selected = id_at(index + 1).or(current);
                }
                KeyCode::PageUp => self.selected = id_at(index.saturating_sub(10)),
                KeyCode::PageDown => {
                    self.selected = id_at(index + 10).or_else(|| entries.back().map(|e| e.id));
                }
                KeyCode::End | KeyCode::Char('G') => self.selected = None,
                KeyCode::Char('w') => return Some(vec![Action::ExportLog]),
                KeyCode::Char('x') => {
                    self.selected = None;
                    return Some(vec![
                        Action::ClearLog,
                        Action::Say("Cleared the SQL log.".to_owned()),
                    ]);
                }
                KeyCode::Enter => {
                    return Some(
                        entries
                            .get(index)
                            .map_or_else(Vec::new, |e| explain(e, log)),
                    );
                }
                _ => return None,
            }
            Some(Vec::new())
        })
    }

    /// Draws the log into `area`.
    pub fn draw(&self, size: Size, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let Some(log) = &self.log else {
            frame.render_widget(
                Paragraph::new("The SQL log is off.")
                    .block(list_block(" SQL log ".to_owned(), theme)),
                area,
            );
            return;
        };
        log.with_entries(|entries| {
            let title = format!(
                " SQL log · {} statement(s){} ",
                entries.len(),
                if size == Size::Full { "" } else { " · L hides" }
            );
            let block = list_block(title, theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            if entries.is_empty() {
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        "Nothing yet: every statement the app sends shows here, with its values and time.",
                        theme.dim(),
                    )),
                    inner,
                );
                return;
            }
            let selected = match size {
                Size::Full => self
                    .selected
                    .filter(|id| entries.iter().any(|e| e.id == *id))
                    .or(entries.back().map(|e| e.id)),
                Size::Panel => None,
            };
            let lines = visible_lines(entries, selected, size, inner, look, log.backend());
            frame.render_widget(Paragraph::new(lines), inner);
        });
    }
}

/// The explain popup for `e`, and the plan to ask for when it is a SELECT.
fn explain(e: &Entry, log: &SqlLog) -> Vec<Action> {
    let sql = e.inlined(log.backend());
    let origin = format!(
        "{} · {}",
        e.function
            .unwrap_or("no service function (the app's own start-up or a command)"),
        e.seaorm_call()
    );
    if e.is_select() {
        return vec![
            Action::Open(Overlay::Explain(Explain::new(
                sql,
                origin,
                e.builder_form(),
                None,
            ))),
            Action::Run(Request::Explain(e.sql.clone(), e.values.clone())),
        ];
    }
    vec![Action::Open(Overlay::Explain(Explain::new(
        sql,
        origin,
        e.builder_form(),
        Some(Err("only a SELECT has a plan to show".to_owned())),
    )))]
}

/// A line of the log: an action's header (before its entry) or an entry.
#[derive(Clone, Copy)]
enum Slot {
    Header(usize),
    Entry(usize),
}

/// The lines in view: where each line comes from is laid out for the whole log (numbers
/// only), then only the lines in view are formatted, with the header of the action the top
/// line belongs to kept in view.
fn visible_lines(
    entries: &VecDeque<Entry>,
    selected: Option<u64>,
    size: Size,
    inner: Rect,
    look: &Look,
    backend: sea_orm::DbBackend,
) -> Vec<Line<'static>> {
    let mut slots = Vec::with_capacity(entries.len() * 2);
    // For each line, the line of its action's header.
    let mut header_of = Vec::with_capacity(entries.len() * 2);
    let mut header = 0;
    let mut selected_line = 0;
    let mut last_action = None;
    for (i, e) in entries.iter().enumerate() {
        let action = e.action.as_ref().map(|a| a.id);
        if slots.is_empty() || action != last_action {
            last_action = action;
            header = slots.len();
            header_of.push(header);
            slots.push(Slot::Header(i));
        }
        if Some(e.id) == selected {
            selected_line = slots.len();
        }
        header_of.push(header);
        slots.push(Slot::Entry(i));
    }
    let height = usize::from(inner.height);
    let top = match size {
        Size::Full => selected_line.saturating_sub(height.saturating_sub(2)),
        Size::Panel => slots.len().saturating_sub(height),
    };
    let sticky = header_of.get(top).copied().filter(|&h| h < top);
    let mut lines: Vec<Line<'static>> = slots
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(n, slot)| match *slot {
            Slot::Header(i) => header_line(entries, i, look),
            Slot::Entry(i) => {
                let line = entry_line(&entries[i], usize::from(inner.width), look, backend);
                if n == selected_line && selected.is_some() {
                    line.style(look.theme.selected())
                } else {
                    line
                }
            }
        })
        .collect();
    if let (Some(h), Some(first)) = (sticky, lines.first_mut())
        && let Slot::Header(i) = slots[h]
    {
        *first = header_line(entries, i, look);
    }
    lines
}

/// The header of the action of entry `i`: its label, statements, time and a likely N+1.
fn header_line(entries: &VecDeque<Entry>, i: usize, look: &Look) -> Line<'static> {
    let theme = look.theme;
    let e = &entries[i];
    let id = e.action.as_ref().map(|a| a.id);
    let label = e.action.as_ref().map_or("(no action)", |a| &a.label);
    let mine = || {
        entries
            .iter()
            .filter(move |x| x.action.as_ref().map(|a| a.id) == id)
    };
    let statements = mine().count();
    let elapsed: Duration = mine().map(|x| x.elapsed).sum();
    let mut spans = vec![
        Span::styled(format!("▸ {label}"), theme.header()),
        Span::styled(
            format!("  {statements} statement(s), {}", look.duration(elapsed)),
            theme.dim(),
        ),
    ];
    if let Some((_, n)) = sql_log::n_plus_one(mine()) {
        spans.push(Span::styled(
            format!("  ⚠ likely N+1: the same SELECT {n} times"),
            theme.error(),
        ));
    }
    Line::from(spans)
}

/// One entry: its band gutter, its text cut to the width, flags and time.
fn entry_line(e: &Entry, width: usize, look: &Look, backend: sea_orm::DbBackend) -> Line<'static> {
    let theme = look.theme;
    let (gutter, style, text) = match e.kind {
        sql_log::Kind::Begin => ("┌ ", theme.ok(), e.sql.clone()),
        sql_log::Kind::Commit => ("└ ", theme.ok(), "COMMIT ✓".to_owned()),
        sql_log::Kind::Rollback { on_drop } => (
            "└ ",
            theme.error(),
            if on_drop {
                "ROLLBACK ✗ (dropped unfinished)".to_owned()
            } else {
                "ROLLBACK ✗".to_owned()
            },
        ),
        sql_log::Kind::Statement => (
            if e.tx.is_some() { "│ " } else { "  " },
            if e.failed {
                theme.error()
            } else {
                Style::new()
            },
            e.compact(backend),
        ),
    };
    let time = look.duration(e.elapsed);
    let mut flags = String::new();
    if e.failed {
        flags.push_str(" FAILED");
    }
    if e.elapsed >= SLOW && look.times == crate::tui::widgets::Times::Shown {
        flags.push_str(" SLOW");
    }
    if !flags.is_empty() {
        // Apart from the time: "SLOW 10.41 ms", not "SLOW10.41 ms".
        flags.push(' ');
    }
    let room = width.saturating_sub(time.len() + flags.len() + 5);
    let mut shown: String = text.chars().take(room).collect();
    if text.chars().count() > room {
        shown.pop();
        shown.push('…');
    }
    let pad = room.saturating_sub(shown.chars().count());
    Line::from(vec![
        Span::styled(format!("  {gutter}"), style),
        Span::styled(shown, style),
        Span::raw(" ".repeat(pad + 1)),
        Span::styled(flags, theme.error()),
        Span::styled(time, theme.dim()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Theme;
    use crate::tui::widgets::Times;

    #[test]
    fn a_slow_or_failed_statement_s_flag_stands_apart_from_its_time() {
        let look = Look {
            theme: Theme::new(false),
            zone: crate::zone::Zone::Utc,
            times: Times::Shown,
            now: None,
        };
        let mut e = Entry {
            id: 1,
            kind: sql_log::Kind::Statement,
            sql: "SELECT 1".to_owned(),
            values: None,
            elapsed: Duration::from_micros(10_410),
            failed: false,
            action: None,
            tx: None,
            function: None,
        };
        let text = |e: &Entry| {
            entry_line(e, 60, &look, sea_orm::DbBackend::Sqlite)
                .spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        };
        let line = text(&e);
        assert!(line.ends_with(" SLOW 10.41 ms"), "{line}");
        assert_eq!(line.chars().count(), 60, "{line}");
        e.failed = true;
        e.elapsed = Duration::from_micros(250);
        let line = text(&e);
        assert!(line.ends_with(" FAILED 0.25 ms"), "{line}");
        assert_eq!(line.chars().count(), 60, "{line}");
    }
}
