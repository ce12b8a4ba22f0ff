//! Typing a list's filter: each change runs the list's query again, in the database.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, Key, bind};
use crate::tui::widgets::{Look, bottom_field};

/// The keys of the filter.
pub const BINDINGS: Bindings = &[
    bind(&[Key::Typing], "filter"),
    bind(&[ENTER], "keep"),
    bind(&[ESC], "clear"),
];

/// The filter being typed.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The text field.
    pub input: Box<TextArea<'static>>,
}

impl Filter {
    /// The filter, starting from the list's `current` one.
    #[must_use]
    pub fn new(current: &str) -> Self {
        let mut input = TextArea::new(vec![current.to_owned()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        Filter {
            input: Box::new(input),
        }
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        match key.code {
            KeyCode::Enter => Some(vec![Action::Close]),
            KeyCode::Esc => Some(vec![Action::Close, Action::Filter(String::new())]),
            _ if BINDINGS[0].matches(&key) => {
                if self.input.input(key) {
                    let text = self.input.lines().first().cloned().unwrap_or_default();
                    return Some(vec![Action::Filter(text)]);
                }
                Some(Vec::new())
            }
            _ => None,
        }
    }

    /// Draws the field at the bottom of `area`.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        bottom_field(
            "Filter (runs in the database)",
            &self.input,
            look.theme,
            frame,
            area,
        );
    }
}
