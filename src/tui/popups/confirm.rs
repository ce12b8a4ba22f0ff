//! Yes/no questions, and the first-run offer of the demo data.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, Key, bind, ch};
use crate::tui::request::Request;
use crate::tui::widgets::{Look, answers, question};

/// The keys of a question.
pub const BINDINGS: Bindings = &[
    bind(&[ch('y'), ch('Y'), ENTER], "yes"),
    bind(&[ch('n'), ch('N'), ESC], "no"),
];

/// The keys of the demo offer (the prompt says the same).
pub const DEMO_BINDINGS: Bindings = &[
    bind(&[ch('d'), ch('y'), ENTER], "load the demo data"),
    bind(&[Key::Other], "start empty"),
];

/// What yes does.
#[derive(Debug, Clone, PartialEq)]
pub enum OnYes {
    /// Start this database work.
    Run(Request),
    /// Leave the form or order entry under the question without saving.
    Discard,
}

/// A yes/no question.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The question.
    pub question: String,
    /// What yes does.
    pub on_yes: OnYes,
}

impl Confirm {
    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(match &self.on_yes {
                OnYes::Run(request) => vec![Action::Close, Action::Run(request.clone())],
                OnYes::Discard => vec![Action::Close, Action::Close],
            }),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(vec![Action::Close]),
            _ => None,
        }
    }

    /// Draws the question.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let answers = answers(
            look.theme,
            &[(&["y", "Enter"], "yes"), (&["n", "Esc"], "no")],
        );
        question(&self.question, answers, look.theme, frame, area);
    }
}

/// Esc on a form: asks before `dirty` input is thrown away, else closes it.
#[must_use]
pub fn discard_or_close(dirty: bool, question: &str) -> Vec<Action> {
    if dirty {
        vec![Action::Open(super::Overlay::Confirm(Confirm {
            question: question.to_owned(),
            on_yes: OnYes::Discard,
        }))]
    } else {
        vec![Action::Close]
    }
}

/// A key on the demo offer: `d`, `y` or Enter loads the demo data, any other starts empty.
#[must_use]
pub fn demo_offer_key(key: KeyEvent, ctx: &Ctx) -> Vec<Action> {
    if DEMO_BINDINGS[0].matches(&key) {
        return vec![
            Action::Close,
            Action::Say("Loading the demo data…".to_owned()),
            Action::Run(Request::SeedDemo(ctx.today)),
        ];
    }
    vec![
        Action::Close,
        Action::Say("Starting empty. n adds a user.".to_owned()),
    ]
}

/// Draws the demo offer.
pub fn draw_demo_offer(look: &Look, frame: &mut Frame, area: Rect) {
    let answers = answers(
        look.theme,
        &[
            (&["d", "y", "Enter"], "load it"),
            (&[], "any other key starts empty"),
        ],
    );
    question(
        "The database is empty. Load the demo data?",
        answers,
        look.theme,
        frame,
        area,
    );
}
