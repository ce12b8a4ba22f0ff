//! The key help (`?`): the screen's keys and the global ones.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{self, Bindings, ENTER, ESC, bind, ch};
use crate::tui::screens::Screen;
use crate::tui::widgets::{Look, centered, popup};

/// The keys of the help.
pub const BINDINGS: Bindings = &[bind(&[ESC, ch('?'), ch('q'), ENTER], "close")];

/// The help of a screen.
#[derive(Debug, Clone, Copy)]
pub struct Help {
    /// The screen whose keys it lists.
    pub screen: Screen,
    /// Its keys as they are now (the Lessons screen's differ with a lesson open).
    pub keys: Bindings,
}

/// Handles a key.
#[must_use]
pub fn handle_key(key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => Some(vec![Action::Close]),
        _ => None,
    }
}

impl Help {
    /// Draws the help.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let bindings: Vec<(String, &str)> = self
            .keys
            .iter()
            .chain(keymap::GLOBAL)
            .map(|b| (b.label(), b.what))
            .collect();
        let width = bindings
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        let lines: Vec<Line> = bindings
            .into_iter()
            .map(|(label, what)| {
                Line::from(vec![
                    Span::styled(format!("{label:>width$}  "), look.theme.key()),
                    Span::raw(what),
                ])
            })
            .collect();
        let height = lines.len() as u16 + 2;
        let inner = popup(
            &format!("Keys: {}", self.screen.title()),
            look.theme,
            frame,
            centered(area, 50, height),
        );
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
