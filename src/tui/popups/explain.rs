//! A logged statement with its values written in, and the plan the database gives for it.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, DOWN, ENTER, ESC, PAGE_DOWN, PAGE_UP, UP, bind, ch};
use crate::tui::widgets::{Look, popup, textwrap_lines};

/// The keys of the explain popup.
pub const BINDINGS: Bindings = &[
    bind(&[UP, DOWN, ch('j'), ch('k')], "scroll"),
    bind(&[PAGE_UP, PAGE_DOWN], "scroll a page"),
    bind(&[ESC, ENTER, ch('q')], "close"),
];

/// Lines a page key scrolls.
const PAGE: u16 = 10;

/// The explain popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Explain {
    /// The statement with its values written in.
    pub sql: String,
    /// The service function and the SeaORM call that sent it.
    pub origin: String,
    /// For a hand-written fast path's statement, its query-builder form.
    pub builder: Option<&'static str>,
    /// The plan once it came back (or why it did not).
    pub plan: Option<Result<Vec<String>, String>>,
    /// Lines scrolled.
    pub scroll: u16,
    /// The most it can scroll: the lines below the last frame's view (a long statement, a
    /// long plan), so that scrolling stops at the end.
    most: Cell<u16>,
}

impl Explain {
    /// The popup for a statement, at its top.
    #[must_use]
    pub fn new(
        sql: String,
        origin: String,
        builder: Option<&'static str>,
        plan: Option<Result<Vec<String>, String>>,
    ) -> Self {
        Explain {
            sql,
            origin,
            builder,
            plan,
            scroll: 0,
            most: Cell::new(0),
        }
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        let most = self.most.get();
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return Some(vec![Action::Close]),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll = (self.scroll + 1).min(most),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(PAGE).min(most),
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Draws the statement and its plan, scrolled.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let inner = popup("Statement and plan", theme, frame, area);
        let width = inner.width.saturating_sub(2);
        // Wrapped at spaces, a word longer than the popup cut where the popup ends.
        let indented = |text: &str| {
            textwrap_lines(text, width)
                .iter()
                .flat_map(|l| chunks(l, width))
                .map(|l| Line::raw(format!(" {l}")))
                .collect::<Vec<_>>()
        };
        let mut lines = vec![Line::styled("Sent by:", theme.header())];
        lines.extend(indented(&self.origin));
        if let Some(builder) = self.builder {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "The query-builder form beside it (lesson 7 counts and times both):",
                theme.header(),
            ));
            lines.extend(indented(builder));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Statement, values written in:",
            theme.header(),
        ));
        lines.extend(indented(&self.sql));
        lines.push(Line::raw(""));
        lines.push(Line::styled("Plan:", theme.header()));
        match &self.plan {
            None => lines.push(Line::styled(" asking the database…", theme.dim())),
            // A plan's indentation is its tree: its lines are cut, never re-wrapped.
            Some(Ok(plan)) => lines.extend(
                plan.iter()
                    .flat_map(|step| chunks(step, width))
                    .map(|l| Line::raw(format!(" {l}"))),
            ),
            Some(Err(why)) => lines.push(Line::styled(format!(" {why}"), theme.dim())),
        }
        let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let most = total.saturating_sub(inner.height);
        self.most.set(most);
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll.min(most), 0)),
            inner,
        );
    }
}

/// `line` in pieces of at most `width` characters (at least one piece).
fn chunks(line: &str, width: u16) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(usize::from(width.max(1)))
        .map(|c| c.iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_into_pieces_that_fit_and_keep_its_indentation() {
        assert_eq!(chunks("  -> Seq Scan", 6), ["  -> S", "eq Sca", "n"]);
        assert_eq!(chunks("", 6), [""]);
        assert_eq!(chunks("abc", 0), ["a", "b", "c"]);
    }
}
