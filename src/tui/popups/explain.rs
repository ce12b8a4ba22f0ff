//! A logged statement with its values written in, and the plan the database gives for it.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, bind, ch};
use crate::tui::widgets::{Look, popup, textwrap_lines};

/// The keys of the explain popup.
pub const BINDINGS: Bindings = &[bind(&[ESC, ENTER, ch('q')], "close")];

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
}

/// Handles a key.
#[must_use]
pub fn handle_key(key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Some(vec![Action::Close]),
        _ => None,
    }
}

impl Explain {
    /// Draws the statement and its plan.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let inner = popup("Statement and plan", theme, frame, area);
        let mut lines = vec![Line::styled("Sent by:", theme.header())];
        lines.extend(
            textwrap_lines(&self.origin, inner.width.saturating_sub(2))
                .into_iter()
                .map(|l| Line::raw(format!(" {l}"))),
        );
        if let Some(builder) = self.builder {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "The query-builder form beside it (lesson 7 counts and times both):",
                theme.header(),
            ));
            lines.extend(
                textwrap_lines(builder, inner.width.saturating_sub(2))
                    .into_iter()
                    .map(|l| Line::raw(format!(" {l}"))),
            );
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Statement, values written in:",
            theme.header(),
        ));
        lines.extend(
            textwrap_lines(&self.sql, inner.width.saturating_sub(2))
                .into_iter()
                .map(|l| Line::raw(format!(" {l}"))),
        );
        lines.push(Line::raw(""));
        lines.push(Line::styled("Plan:", theme.header()));
        match &self.plan {
            None => lines.push(Line::styled(" asking the database…", theme.dim())),
            Some(Ok(plan)) => lines.extend(plan.iter().map(|l| Line::raw(format!(" {l}")))),
            Some(Err(why)) => lines.push(Line::styled(format!(" {why}"), theme.dim())),
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
