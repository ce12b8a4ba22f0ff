//! What a screen or popup asks the app to do after a key. Views change only their own state;
//! everything else (database work, popups, messages, other screens) goes through an action
//! the app applies, as gitui's queue of internal events does.

use chrono::NaiveDate;

use super::popups::Overlay;
use super::request::Request;
use crate::service::UserRow;

/// One thing for the app to do.
#[derive(Debug)]
pub enum Action {
    /// Start database work (with the stepper on, placing and cancelling run stepped).
    Run(Request),
    /// Open a popup over the others.
    Open(Overlay),
    /// Close the popup on top.
    Close,
    /// A message.
    Say(String),
    /// A message about a key that cannot do what it asks.
    Refuse(String),
    /// The text filter of the screen shown changed.
    Filter(String),
    /// Show the orders of this customer.
    OrdersOf(UserRow),
    /// Forget every entry of the SQL log.
    ClearLog,
    /// Write the SQL log so far as an annotated SQL file (a handout).
    ExportLog,
    /// The answer to the lesson's question: the step runs.
    Answer(String),
}

/// A key's result: `None` when the view does not handle the key, else what it asks for (which
/// may be nothing beyond the change of its own state).
pub type Handled = Option<Vec<Action>>;

/// What views need to know to handle a key.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Rows a list page holds.
    pub page_rows: u64,
    /// Today, by the injected clock.
    pub today: NaiveDate,
}
