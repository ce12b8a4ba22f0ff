//! Keys and pastes: routed to the view with the focus, which answers with actions the app
//! applies.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Panel, Run, Ticket};
use crate::tui::action::Action;
use crate::tui::keymap;
use crate::tui::popups::Overlay;
use crate::tui::popups::help::Help;
use crate::tui::popups::stepper;
use crate::tui::screens::Screen;

impl App {
    /// Types pasted text into the focused field, a character at a time as keys would, with
    /// line breaks and tabs as spaces and other control characters dropped: a paste never
    /// submits a form or places an order. Without a focused field it is ignored (pasted text
    /// must not run screen commands). Only the last search the typing asks for is sent.
    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Ticket> {
        if !self.overlays.last().is_some_and(Overlay::takes_text) {
            self.say("Paste goes into a text field: open a filter or a form first.");
            return Vec::new();
        }
        let mut last = None;
        for c in text
            .chars()
            .map(|c| {
                if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| !c.is_control())
            .take(crate::service::MAX_TEXT)
        {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if let Some(ticket) = self.on_key(key).pop() {
                last = Some(ticket);
            }
        }
        last.into_iter().collect()
    }

    /// A key goes to the popup on top; without one, to the global keys, the paused stepper,
    /// then the screen. Each gets only the keys its bindings list: a key is handled where it
    /// is listed, or nowhere.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        if keymap::listed(keymap::ALWAYS, &key) {
            self.run = Run::Quit;
            return Vec::new();
        }
        if !self.fits() {
            if key.code == KeyCode::Char('q') {
                self.run = Run::Quit;
            }
            return Vec::new();
        }
        let ctx = self.ctx();
        if let Some(top) = self.overlays.last_mut() {
            let actions = keymap::listed(top.bindings(), &key)
                .then(|| top.handle_key(key, &ctx))
                .flatten();
            return self.apply(actions.unwrap_or_default());
        }
        if keymap::listed(keymap::GLOBAL, &key) {
            return self.global_key(key.code);
        }
        if keymap::listed(stepper::BINDINGS, &key)
            && let Some(actions) = self.stepper.handle_key(key)
        {
            return self.apply(actions);
        }
        if !keymap::listed(self.screen_bindings(), &key) {
            return Vec::new();
        }
        let actions = match self.screen {
            Screen::Users => self.users.handle_key(key, &ctx),
            Screen::Products => self.products.handle_key(key, &ctx),
            Screen::Orders => self.orders.handle_key(key, &ctx),
            Screen::Dashboard => self.dashboard.handle_key(key, &ctx),
            Screen::SqlLog => self.sql_log.handle_key(key),
            Screen::Lessons => self.lessons.handle_key(key),
        };
        self.apply(actions.unwrap_or_default())
    }

    /// Writes the SQL log so far to `orderdesk-sql-DATE-TIME.sql` in [`App::export_dir`], as
    /// `--log-sql` does for a command: values written in, actions and transactions as comments.
    fn export_log(&mut self) {
        // In a lesson, the lesson's own statements (its sandbox's, from the setup on).
        let lesson = match (&self.lessons.open, &self.lessons.log) {
            (Some(open), Some(log)) if self.screen == Screen::Lessons => {
                Some((open.lesson + 1, log.clone()))
            }
            _ => None,
        };
        let Some(log) = lesson
            .as_ref()
            .map(|(_, log)| log.clone())
            .or_else(|| self.sql_log.log.clone())
        else {
            return;
        };
        let entries = log.entries();
        if entries.is_empty() {
            self.refuse("The SQL log is empty: nothing to write.");
            return;
        }
        let at = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let (name, replay) = match &lesson {
            Some((n, _)) => (
                format!("orderdesk-lesson-{n}-{at}.sql"),
                "the lesson's setup included, replayable on a fresh orderdesk database",
            ),
            None => (
                format!("orderdesk-sql-{at}.sql"),
                "replayable on the starting state",
            ),
        };
        let path = self.export_dir.join(name);
        let text = crate::sql_log::annotated_sql(&entries, log.backend());
        match std::fs::write(&path, text) {
            Ok(()) => self.say(format!(
                "Wrote {} statement(s) to {}: a handout, {replay}.",
                entries.len(),
                path.display()
            )),
            Err(e) => self.refuse(format!("Cannot write {}: {e}", path.display())),
        }
    }

    /// The keys of [`keymap::GLOBAL`].
    fn global_key(&mut self, code: KeyCode) -> Vec<Ticket> {
        match code {
            KeyCode::Char('q') => self.run = Run::Quit,
            KeyCode::Char('?') => self.overlays.push(Overlay::Help(Help {
                screen: self.screen,
                keys: self.screen_bindings(),
            })),
            KeyCode::Char('L') => {
                self.log_panel = match self.log_panel {
                    Panel::Hidden => Panel::Shown,
                    Panel::Shown => Panel::Hidden,
                };
            }
            KeyCode::Char('t') => {
                let said = self.stepper.toggle();
                return self.apply(vec![said]);
            }
            KeyCode::Char(c @ '1'..='6') => {
                return self.switch(Screen::ALL[c as usize - '1' as usize]);
            }
            KeyCode::Tab => return self.switch(self.screen.next()),
            KeyCode::BackTab => return self.switch(self.screen.prev()),
            _ => {}
        }
        Vec::new()
    }

    /// Applies what a view asked for; returns the database work to start.
    pub(super) fn apply(&mut self, actions: Vec<Action>) -> Vec<Ticket> {
        let mut out = Vec::new();
        for action in actions {
            match action {
                Action::Run(request) => {
                    let request = self.stepper.stepped(request);
                    out.push(self.ticket(request));
                }
                Action::Open(overlay) => self.overlays.push(overlay),
                Action::Close => {
                    self.overlays.pop();
                }
                Action::Say(text) => self.say(text),
                Action::Refuse(text) => self.refuse(text),
                Action::Filter(text) => out.extend(self.set_filter(text)),
                Action::OrdersOf(user) => {
                    self.orders.show_customer(user);
                    out.extend(self.switch(Screen::Orders));
                }
                Action::ExportLog => self.export_log(),
                Action::Answer(typed) => {
                    let asked = self.lessons.answered(typed);
                    out.extend(self.apply(asked));
                }
                Action::ClearLog => {
                    if let Some(log) = &self.sql_log.log {
                        log.clear();
                    }
                }
            }
        }
        out
    }
}
