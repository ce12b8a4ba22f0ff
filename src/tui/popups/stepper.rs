//! The transaction stepper (`t`): placing or cancelling an order stops before COMMIT, and a
//! panel under the screen shows what the paused transaction did, its isolation level, what
//! another connection sees, and why, until `y` commits or `r` rolls back.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use sea_orm::DbBackend;

use crate::money::format_cents;
use crate::service::Error;
use crate::service::stepper::{Contended, Row, SECOND_WRITER_WAIT, Stepped};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, bind, ch};
use crate::tui::request::{Decision, PausedInfo, Request, STEP_TIMEOUT};
use crate::tui::widgets::{Look, Times};

/// The keys while a transaction is paused (the screen's keys work too).
pub const BINDINGS: Bindings = &[
    bind(&[ch('y')], "COMMIT"),
    bind(&[ch('r')], "ROLLBACK"),
    bind(&[ch('w')], "a second writer tries its row"),
];

/// Whether orders and cancels are stepped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// They run to the end.
    #[default]
    Off,
    /// They stop before COMMIT.
    On,
}

/// The stepper.
#[derive(Debug, Clone)]
pub struct Stepper {
    /// Whether orders and cancels are stepped.
    pub mode: Mode,
    /// The transaction that waits for y or r, or the last one, with what became of it.
    pub view: Option<StepView>,
    /// The backend, whose locking the panel explains.
    pub backend: DbBackend,
}

/// A stepped transaction as the panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    /// What it did and its isolation level.
    pub info: PausedInfo,
    /// When it paused.
    pub since: Instant,
    /// What another connection sees of the order.
    pub peek: Option<String>,
    /// What a second writer met (`w`), or that it waits.
    pub second: Option<String>,
    /// `None` while paused; then how it ended.
    pub outcome: Option<String>,
    timeout_asked: bool,
}

impl StepView {
    /// Whether it still waits for a decision.
    #[must_use]
    pub fn paused(&self) -> bool {
        self.outcome.is_none()
    }
}

impl Stepper {
    /// The stepper, off, on `backend`.
    #[must_use]
    pub fn new(backend: DbBackend) -> Self {
        Stepper {
            mode: Mode::Off,
            view: None,
            backend,
        }
    }

    /// Whether orders and cancels are stepped.
    #[must_use]
    pub fn is_on(&self) -> bool {
        self.mode == Mode::On
    }

    /// Whether a transaction waits for y or r.
    #[must_use]
    pub fn paused(&self) -> bool {
        self.view.as_ref().is_some_and(StepView::paused)
    }

    /// The order of the paused transaction.
    #[must_use]
    pub fn paused_order(&self) -> Option<i64> {
        self.view
            .as_ref()
            .filter(|v| v.paused())
            .map(|v| v.info.what.order_id())
    }

    /// With the stepper on, a create or cancel is run stepped.
    #[must_use]
    pub fn stepped(&self, request: Request) -> Request {
        if !self.is_on() {
            return request;
        }
        match request {
            Request::CreateOrder(order, email) => Request::StepCreateOrder(order, email),
            Request::Cancel(id) => Request::StepCancel(id),
            other => other,
        }
    }

    /// `t`: turns the stepper on or off (not while a transaction is paused).
    pub fn toggle(&mut self) -> Action {
        if self.paused() {
            return Action::Refuse(
                "A transaction is paused: y commits it, r rolls it back.".into(),
            );
        }
        self.mode = match self.mode {
            Mode::Off => Mode::On,
            Mode::On => Mode::Off,
        };
        self.view = None;
        Action::Say(
            match self.mode {
                Mode::On => "Stepper on: placing or cancelling an order stops before COMMIT.",
                Mode::Off => "Stepper off.",
            }
            .to_owned(),
        )
    }

    /// Handles a key while a transaction is paused.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        if !self.paused() {
            return None;
        }
        let decision = match key.code {
            KeyCode::Char('y') => Decision::Commit,
            KeyCode::Char('r') => Decision::Rollback,
            KeyCode::Char('w') => {
                let view = self.view.as_mut()?;
                let row = Row::of(&view.info.what);
                view.second = Some(format!(
                    "tries to change {row}: waiting for its lock (gives up after {} s)…",
                    SECOND_WRITER_WAIT.as_secs()
                ));
                return Some(vec![Action::Run(Request::SecondWriter(row))]);
            }
            _ => return None,
        };
        Some(vec![Action::Run(Request::StepDecide(decision))])
    }

    /// A second passed: a transaction paused for [`STEP_TIMEOUT`] is rolled back.
    pub fn tick(&mut self, now: Instant) -> Option<Request> {
        let view = self.view.as_mut().filter(|v| {
            v.paused() && !v.timeout_asked && now.duration_since(v.since) >= STEP_TIMEOUT
        })?;
        view.timeout_asked = true;
        Some(Request::StepDecide(Decision::TimedOut))
    }

    /// A transaction paused at `now`: the message, and what to ask another connection.
    pub fn paused_at(&mut self, info: PausedInfo, now: Instant) -> (String, Request) {
        let id = info.what.order_id();
        self.view = Some(StepView {
            info,
            since: now,
            peek: None,
            second: None,
            outcome: None,
            timeout_asked: false,
        });
        (
            format!("Paused before COMMIT (order {id}). y commits, r rolls back."),
            Request::Peek(id),
        )
    }

    /// The paused transaction ended by `decision`: the message.
    pub fn finished(&mut self, decision: Decision, order_id: i64) -> String {
        let outcome = match decision {
            Decision::Commit => "committed ✓",
            Decision::Rollback => "rolled back ✗",
            Decision::TimedOut => "rolled back ✗ by itself after 60 s",
        };
        if let Some(view) = self.view.as_mut() {
            view.outcome = Some(outcome.to_owned());
        }
        format!("Order {order_id}: the transaction was {outcome}.")
    }

    /// The paused transaction ended with an error.
    pub fn failed(&mut self, error: &Error) {
        if let Some(view) = self.view.as_mut() {
            view.outcome = Some(format!("ended: {error}"));
        }
    }

    /// What another connection saw of order `id`.
    pub fn peeked(&mut self, id: i64, seen: Result<crate::service::OrderDetail, Error>) {
        let text = match seen {
            Ok(d) => format!(
                "order {id}: {}, {} item(s), total {}",
                d.order.status,
                d.order.total_quantity,
                format_cents(d.order.total_amount_cents)
            ),
            Err(Error::NotFound { .. }) => {
                format!("order {id}: not there: an uncommitted row is invisible to it")
            }
            Err(e) => format!("cannot read: {e}"),
        };
        if let Some(view) = self.view.as_mut() {
            view.peek = Some(text);
        }
    }

    /// What the second writer met on `row`.
    pub fn second_writer_done(&mut self, row: Row, met: Result<Contended, Error>) {
        let seconds = |d: std::time::Duration| format!("{:.1} s", d.as_secs_f64());
        let text = match met {
            Ok(Contended::WentThrough(waited))
                if waited < std::time::Duration::from_millis(200) =>
            {
                format!("changed {row} at once: the paused transaction holds no lock on it")
            }
            Ok(Contended::WentThrough(waited)) => format!(
                "changed {row} after waiting {}: the lock was let go by COMMIT or ROLLBACK",
                seconds(waited)
            ),
            Ok(Contended::Refused(waited, why)) => {
                format!("refused after waiting {}: {why}", seconds(waited))
            }
            Err(e) => format!("failed: {e}"),
        };
        if let Some(view) = self.view.as_mut() {
            view.second = Some(text);
        }
    }

    /// Whether the panel shows.
    #[must_use]
    pub fn shows(&self) -> bool {
        self.is_on() || self.view.is_some()
    }

    /// Draws the panel.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let paused = self.paused();
        let title = if paused {
            " ⏸ Transaction paused before COMMIT: it holds locks · y commits · r rolls back "
        } else if self.is_on() {
            " Transaction stepper · on (t turns it off) "
        } else {
            " Transaction stepper · off "
        };
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(if paused { theme.error() } else { theme.focus() })
            .title(Span::styled(title, theme.header()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        match &self.view {
            None => {
                lines.push(Line::raw(
                    "Place an order (n on Orders) or cancel one (c): the transaction runs to just",
                ));
                lines.push(Line::raw(
                    "before COMMIT on a connection of its own and waits here for y or r.",
                ));
            }
            Some(v) => {
                let what = match &v.info.what {
                    Stepped::Created(o) => format!(
                        "created order {} ({} line(s), {})",
                        o.id,
                        o.items.len(),
                        format_cents(o.total_amount_cents)
                    ),
                    Stepped::Cancelled(c) => format!(
                        "cancelled order {} and gave back {} unit(s)",
                        c.order.id,
                        c.restocked.iter().map(|(_, q)| q).sum::<i64>()
                    ),
                };
                let state = match &v.outcome {
                    None if look.times == Times::Masked => "rolls back after 60 s".to_owned(),
                    None => {
                        let left = look.now.map_or(STEP_TIMEOUT, |now| {
                            STEP_TIMEOUT.saturating_sub(now.duration_since(v.since))
                        });
                        format!("rolls back in {} s", left.as_secs())
                    }
                    Some(outcome) => outcome.clone(),
                };
                for (label, text) in [
                    ("This transaction   ", format!("{what}; {state}")),
                    ("Isolation          ", v.info.isolation.clone()),
                    (
                        "Another connection ",
                        v.peek.clone().unwrap_or_else(|| "asking…".to_owned()),
                    ),
                    (
                        "A second writer    ",
                        // `w` works while the transaction is paused.
                        match (&v.second, v.paused()) {
                            (Some(met), _) => met.clone(),
                            (None, true) => "w: one tries a row of this transaction".to_owned(),
                            (None, false) => "none tried".to_owned(),
                        },
                    ),
                ] {
                    lines.push(Line::from(vec![
                        Span::styled(label, theme.header()),
                        Span::raw(text),
                    ]));
                }
            }
        }
        let why = match self.backend {
            DbBackend::Sqlite => {
                "SQLite: it holds the file's one write lock; reads see the last commit."
            }
            DbBackend::MySql => {
                "InnoDB: reads see the last commit or their snapshot; writers of its rows wait."
            }
            _ => "PostgreSQL: reads see the last commit; writers of its rows wait for it.",
        };
        lines.push(Line::styled(why, theme.dim()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }
}
