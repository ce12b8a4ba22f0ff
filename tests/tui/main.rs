//! The TUI driven through its update function with synthetic keys, database work run for real,
//! screens rendered into a `TestBackend`.

#[path = "../support/backend.rs"]
mod backend;
#[path = "../support/cluster.rs"]
mod cluster;
#[path = "../support/replay.rs"]
mod replay;

mod flows;
mod handout;
mod keys;
mod lessons;
mod origin;
mod restart;
mod screens;

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orderdesk::db::Db;
use orderdesk::service::seed;
use orderdesk::tui::app::{App, Event, Ticket};
use orderdesk::tui::request::{Env, execute};
use orderdesk::tui::theme::Theme;
use orderdesk::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use backend::TestDb;

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// The app over a real database, with every piece of database work it asks for run to the end
/// before the next key.
pub struct Harness {
    pub app: App,
    pub db: Db,
    pub env: Env,
    pub width: u16,
    pub height: u16,
    _guard: TestDb,
}

impl Harness {
    /// The app on `t`, with the clock pinned to 2026-11-22 09:00 UTC.
    pub async fn new(t: TestDb, width: u16, height: u16) -> Self {
        let db = t.db.clone().with_clock(Arc::new(|| {
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
        }));
        let mut app = App::for_db(&db, width, height);
        assert_eq!(app.today, day());
        app.times = orderdesk::tui::widgets::Times::Masked;
        // Times in UTC, so that snapshots read the same in every time zone.
        app.zone = orderdesk::zone::Zone::Utc;
        let mut h = Harness {
            app,
            env: Env::new(db.clone()),
            db,
            width,
            height,
            _guard: t,
        };
        let start = h.app.start();
        h.run(start).await;
        h
    }

    /// The app on the demo data (loaded through the app's own offer).
    pub async fn demo(t: TestDb, width: u16, height: u16) -> Self {
        let mut h = Harness::new(t, width, height).await;
        assert!(
            h.app.offering_demo(),
            "an empty database offers the demo data"
        );
        h.key(KeyCode::Char('d')).await;
        h
    }

    /// Runs tickets (and whatever their answers ask for) to completion.
    pub async fn run(&mut self, tickets: Vec<Ticket>) {
        let mut queue: VecDeque<Ticket> = tickets.into();
        while let Some(t) = queue.pop_front() {
            let response = execute(&self.env, t.request).await;
            queue.extend(self.app.update(Event::Response(t.seq, response)));
        }
    }

    pub async fn press(&mut self, key: KeyEvent) {
        let tickets = self.app.update(Event::Key(key));
        self.run(tickets).await;
    }

    /// A bracketed paste of `text`.
    pub async fn paste(&mut self, text: &str) {
        let tickets = self.app.update(Event::Paste(text.to_owned()));
        self.run(tickets).await;
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE)).await;
    }

    pub async fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
            .await;
    }

    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// Places an order of `quantity` of the first product matching `product` for the first
    /// customer matching `customer`, by keys on the Orders screen (order entry, Ctrl-S).
    pub async fn place_order(&mut self, customer: &str, product: &str, quantity: &str) {
        self.key(KeyCode::Char('3')).await;
        self.key(KeyCode::Char('n')).await;
        self.type_text(customer).await;
        self.key(KeyCode::Enter).await;
        self.type_text(product).await;
        self.key(KeyCode::Enter).await;
        self.type_text(quantity).await;
        self.key(KeyCode::Enter).await;
        self.ctrl('s').await;
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        render(&self.app, self.width, self.height, Theme::new(true))
    }
}

/// Renders into a `TestBackend` and returns the text of every row.
pub fn render(app: &App, width: u16, height: u16, theme: Theme) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, theme, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A SQLite test database with the demo data for `day()`, loaded directly.
pub async fn seeded(t: &TestDb) {
    seed::seed_demo(&t.db, day()).await.unwrap();
}
