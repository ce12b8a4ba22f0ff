//! What is drawn over the screen, one file each: state, keys, what a key asks for, drawing.
//! The app keeps them in a stack; the one on top has the keys.

pub mod answer;
pub mod confirm;
pub mod detail;
pub mod entry;
pub mod events;
pub mod explain;
pub mod filter;
pub mod form;
pub mod help;
pub mod stepper;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::{Ctx, Handled};
use super::keymap::Bindings;
use super::widgets::Look;

/// A popup.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The key help.
    Help(help::Help),
    /// Typing a list filter.
    Filter(filter::Filter),
    /// A question.
    Confirm(confirm::Confirm),
    /// The first-run offer of the demo data.
    DemoOffer,
    /// A user or product form.
    Form(form::Form),
    /// An order opened.
    Detail(detail::Detail),
    /// A new order.
    Entry(Box<entry::OrderEntry>),
    /// A logged statement with its values written in, and its plan.
    Explain(explain::Explain),
    /// The `order_events` outbox, newest first.
    Events(events::Events),
    /// The answer to a lesson's question.
    Answer(answer::AnswerBox),
}

impl Overlay {
    /// The keys while this popup is on top.
    #[must_use]
    pub fn bindings(&self) -> Bindings {
        match self {
            Overlay::Help(_) => help::BINDINGS,
            Overlay::Filter(_) => filter::BINDINGS,
            Overlay::Confirm(_) => confirm::BINDINGS,
            Overlay::DemoOffer => confirm::DEMO_BINDINGS,
            Overlay::Form(_) => form::BINDINGS,
            Overlay::Detail(_) => detail::BINDINGS,
            Overlay::Entry(e) if e.order.is_some() => entry::EDIT_BINDINGS,
            Overlay::Entry(_) => entry::BINDINGS,
            Overlay::Explain(_) => explain::BINDINGS,
            Overlay::Events(_) => events::BINDINGS,
            Overlay::Answer(_) => answer::BINDINGS,
        }
    }

    /// Handles a key (every key stops here: nothing under a popup sees it).
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Handled {
        match self {
            Overlay::Help(_) => help::handle_key(key),
            Overlay::Filter(f) => f.handle_key(key),
            Overlay::Confirm(c) => c.handle_key(key),
            Overlay::DemoOffer => Some(confirm::demo_offer_key(key, ctx)),
            Overlay::Form(f) => f.handle_key(key),
            Overlay::Detail(d) => d.handle_key(key),
            Overlay::Entry(e) => e.handle_key(key),
            Overlay::Explain(e) => e.handle_key(key),
            Overlay::Events(e) => e.handle_key(key),
            Overlay::Answer(a) => a.handle_key(key),
        }
    }

    /// Whether a text field has focus (a paste goes there).
    #[must_use]
    pub fn takes_text(&self) -> bool {
        match self {
            Overlay::Filter(_) | Overlay::Form(_) | Overlay::Answer(_) => true,
            Overlay::Entry(entry) => entry.focus != entry::EntryFocus::Lines,
            _ => false,
        }
    }

    /// Draws the popup over `area`.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        match self {
            Overlay::Help(h) => h.draw(look, frame, area),
            Overlay::Filter(f) => f.draw(look, frame, area),
            Overlay::Confirm(c) => c.draw(look, frame, area),
            Overlay::DemoOffer => confirm::draw_demo_offer(look, frame, area),
            Overlay::Form(f) => f.draw(look, frame, area),
            Overlay::Detail(d) => d.draw(look, frame, area),
            Overlay::Entry(e) => e.draw(look, frame, area),
            Overlay::Explain(e) => e.draw(look, frame, area),
            Overlay::Events(e) => e.draw(look, frame, area),
            Overlay::Answer(a) => a.draw(look, frame, area),
        }
    }
}
