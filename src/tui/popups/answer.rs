//! The answer to a lesson's question, typed before the step runs: predict, then see.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, Key, bind};
use crate::tui::widgets::{Look, bottom_field};

/// The keys of the answer box.
pub const BINDINGS: Bindings = &[
    bind(&[Key::Typing], "answer"),
    bind(&[ENTER], "run the step"),
    bind(&[ESC], "not yet"),
];

/// The question and the answer being typed.
#[derive(Debug, Clone)]
pub struct AnswerBox {
    /// What is asked.
    pub ask: String,
    /// The text field.
    pub input: Box<TextArea<'static>>,
}

impl AnswerBox {
    /// An empty answer to `ask`.
    #[must_use]
    pub fn new(ask: &str) -> Self {
        AnswerBox {
            ask: ask.to_owned(),
            input: Box::new(TextArea::default()),
        }
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        match key.code {
            KeyCode::Enter => {
                let typed = self.input.lines().join(" ").trim().to_owned();
                if typed.is_empty() {
                    return Some(vec![Action::Refuse(
                        "answer first (a number, or y / n): then the step runs and the log shows \
                         whether you were right"
                            .into(),
                    )]);
                }
                Some(vec![Action::Close, Action::Answer(typed)])
            }
            KeyCode::Esc => Some(vec![Action::Close]),
            _ if BINDINGS[0].matches(&key) => {
                self.input.input(key);
                Some(Vec::new())
            }
            _ => None,
        }
    }

    /// Draws the question and the field at the bottom of `area`.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        bottom_field(&self.ask, &self.input, look.theme, frame, area);
    }
}
