//! The app: the screens, the popups, the message line and the database work in flight. An
//! event comes in (a key, a paste, a resize, a tick, the answer to database work); the view
//! with the focus handles a key and returns [`Action`]s; the app applies them and returns the
//! database work to start. Nothing here waits on the database.

mod input;
mod respond;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use super::action::Ctx;
use super::keymap::Bindings;
use super::list::{ListScreen, Loading};
use super::popups::Overlay;
use super::popups::stepper::{self, Stepper};
use super::request::{Request, Response, Slot};
use super::screens::Screen;
use super::screens::dashboard::Dashboard;
use super::screens::lessons::Lessons;
use super::screens::orders::Orders;
use super::screens::products::Products;
use super::screens::sql_log::SqlLogScreen;
use super::screens::users::Users;
use super::theme::Theme;
use super::widgets::{Look, Times};
use crate::service::Error;
use crate::sql_log::SqlLog;
use crate::zone::Zone;

/// The smallest terminal the layout is made for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Rows of chrome around a list: tabs, box borders, header, message and hint lines.
const CHROME_ROWS: u16 = 6;

/// Something that happened: a key, a resize, or the answer to database work.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed.
    Key(KeyEvent),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Database work finished: its ticket number and result.
    Response(u64, Response),
    /// A second passed (the stepper's countdown).
    Tick(Instant),
    /// Text was pasted (bracketed paste): it goes into the focused text field as typed text,
    /// its line breaks as spaces, and never acts as Enter.
    Paste(String),
}

/// Database work to start, with the number its answer will carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// The number.
    pub seq: u64,
    /// The work.
    pub request: Request,
}

/// The message line under the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// Whether the failure was the database being out of reach; the next answer that comes
    /// back replaces it.
    pub outage: bool,
}

/// Whether the SQL log panel shows under the screen (`L`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// It does not.
    Hidden,
    /// It does.
    Shown,
}

/// Whether the app goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Running,
    Quit,
}

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    /// The screen shown.
    pub screen: Screen,
    /// The users screen.
    pub users: Users,
    /// The products screen.
    pub products: Products,
    /// The orders screen.
    pub orders: Orders,
    /// The dashboard.
    pub dashboard: Dashboard,
    /// The SQL log screen (and panel).
    pub sql_log: SqlLogScreen,
    /// The lessons.
    pub lessons: Lessons,
    /// Where `w` on the SQL log writes its handout (the current directory; tests give a
    /// temporary one).
    pub export_dir: std::path::PathBuf,
    /// Popups, the active one last.
    pub overlays: Vec<Overlay>,
    /// The message line.
    pub message: Option<Message>,
    /// The transaction stepper.
    pub stepper: Stepper,
    /// Whether the SQL log panel shows under the screen.
    pub log_panel: Panel,
    /// Whether durations are drawn (snapshots mask them).
    pub times: Times,
    /// The zone times are shown in (local; tests pin UTC), and labelled with.
    pub zone: Zone,
    /// Which database is open, as the header shows it (`sqlite · shop.db`,
    /// `postgres · db.example.com:5432/shop`; never a password).
    pub database: String,
    /// The time of the last tick.
    pub now: Option<Instant>,
    /// Today, by the injected clock (dates of charts and the demo data).
    pub today: NaiveDate,
    /// Rows a list page holds (what the screen shows).
    pub page_rows: u64,
    size: (u16, u16),
    run: Run,
    next_seq: u64,
    in_flight: HashMap<u64, Slot>,
    latest: HashMap<Slot, u64>,
}

impl App {
    /// The app on `db` as the TUI and `bench --tui` open it, for a `width` x `height` terminal:
    /// the SQL log attached, today by the database's clock, the backend and database named.
    #[must_use]
    pub fn for_db(db: &crate::db::Db, width: u16, height: u16) -> Self {
        let log = SqlLog::attach(db, crate::sql_log::CAPACITY);
        let mut app = App::new(db.now().date_naive(), height).with_log(log);
        app.stepper = Stepper::new(db.backend());
        app.database = db.label();
        app.set_size(width, height);
        app
    }

    /// A new app for a terminal of `height` rows, with `today` from the clock.
    #[must_use]
    pub fn new(today: NaiveDate, height: u16) -> Self {
        App {
            screen: Screen::Users,
            users: Users::default(),
            products: Products::default(),
            orders: Orders::default(),
            dashboard: Dashboard::default(),
            sql_log: SqlLogScreen::default(),
            lessons: Lessons::new(Vec::new(), None),
            export_dir: std::path::PathBuf::from("."),
            overlays: Vec::new(),
            message: None,
            stepper: Stepper::new(sea_orm::DbBackend::Sqlite),
            log_panel: Panel::Hidden,
            times: Times::Shown,
            zone: Zone::Local,
            database: String::new(),
            now: None,
            today,
            page_rows: page_rows(height),
            size: MIN_SIZE,
            run: Run::Running,
            next_seq: 0,
            in_flight: HashMap::new(),
            latest: HashMap::new(),
        }
    }

    /// The same app, showing every statement `log` records.
    #[must_use]
    pub fn with_log(mut self, log: Arc<SqlLog>) -> Self {
        self.sql_log.log = Some(log);
        self
    }

    /// The SQL log the app shows, when attached.
    #[must_use]
    pub fn sql_log(&self) -> Option<Arc<SqlLog>> {
        self.sql_log.log.clone()
    }

    /// Records the terminal size.
    pub fn set_size(&mut self, width: u16, height: u16) {
        self.size = (width, height);
    }

    /// Whether the terminal is big enough for the layout (if not, only `q` matters).
    #[must_use]
    pub fn fits(&self) -> bool {
        self.size.0 >= MIN_SIZE.0 && self.size.1 >= MIN_SIZE.1
    }

    /// Whether the app should end.
    #[must_use]
    pub fn quitting(&self) -> bool {
        self.run == Run::Quit
    }

    /// Whether the first-run offer of the demo data is open.
    #[must_use]
    pub fn offering_demo(&self) -> bool {
        self.overlays
            .iter()
            .any(|o| matches!(o, Overlay::DemoOffer))
    }

    /// The work to start with: is the database empty, and the first screen's rows.
    pub fn start(&mut self) -> Vec<Ticket> {
        let mut out = vec![self.ticket(Request::IsEmpty)];
        out.extend(self.load_screen());
        out
    }

    /// Shows the Lessons screen, with lesson `open` (0-based) started.
    pub fn open_lessons(&mut self, open: Option<usize>) -> Vec<Ticket> {
        self.screen = Screen::Lessons;
        match open {
            Some(index) => {
                let asked = self.lessons.start(index);
                self.apply(asked)
            }
            None => Vec::new(),
        }
    }

    /// The keys of what has focus now (the hint bar's).
    #[must_use]
    pub fn bindings(&self) -> Bindings {
        match self.overlays.last() {
            Some(o) => o.bindings(),
            None if self.stepper.paused() => stepper::BINDINGS,
            None => self.screen_bindings(),
        }
    }

    /// The keys of the screen shown (the Lessons screen's depend on whether a lesson is open).
    #[must_use]
    pub fn screen_bindings(&self) -> Bindings {
        match self.screen {
            Screen::Lessons => self.lessons.bindings(),
            screen => screen.bindings(),
        }
    }

    /// What views draw with.
    #[must_use]
    pub fn look(&self, theme: Theme) -> Look {
        Look {
            theme,
            zone: self.zone,
            times: self.times,
            now: self.now,
        }
    }

    /// What views need to handle a key.
    #[must_use]
    pub fn ctx(&self) -> Ctx {
        Ctx {
            page_rows: self.page_rows,
            today: self.today,
        }
    }

    fn ticket(&mut self, request: Request) -> Ticket {
        self.next_seq += 1;
        let seq = self.next_seq;
        let slot = request.slot();
        self.in_flight.insert(seq, slot);
        self.latest.insert(slot, seq);
        Ticket { seq, request }
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
            outage: false,
        });
    }

    /// A key that cannot do what it asks, said in the message line.
    fn refuse(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
            outage: false,
        });
    }

    fn fail(&mut self, err: &Error) {
        let mut text = err.to_string();
        if let Some(id) = self.stepper.paused_order() {
            let _ = write!(
                text,
                " (the stepped transaction of order {id} is paused and holds locks: y commits, \
                 r rolls back)"
            );
        }
        self.message = Some(Message {
            text,
            error: true,
            outage: err.is_outage(),
        });
    }

    /// Handles one event; returns the database work to start.
    pub fn update(&mut self, event: Event) -> Vec<Ticket> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Paste(text) => self.on_paste(&text),
            Event::Resize(width, height) => {
                self.set_size(width, height);
                let rows = page_rows(height);
                if rows == self.page_rows {
                    return Vec::new();
                }
                self.page_rows = rows;
                self.users.page.loading = Loading::Stale;
                self.products.page.loading = Loading::Stale;
                self.orders.page.loading = Loading::Stale;
                self.load_screen()
            }
            Event::Tick(now) => {
                self.now = Some(now);
                match self.stepper.tick(now) {
                    Some(request) => vec![self.ticket(request)],
                    None => Vec::new(),
                }
            }
            Event::Response(seq, response) => {
                let Some(slot) = self.in_flight.remove(&seq) else {
                    return Vec::new();
                };
                if slot != Slot::Write && self.latest.get(&slot) != Some(&seq) {
                    return Vec::new(); // stale: a newer request for the same place is out
                }
                if response.succeeded() && self.message.as_ref().is_some_and(|m| m.outage) {
                    self.say("The database answers again.");
                }
                self.on_response(response)
            }
        }
    }

    fn load_screen(&mut self) -> Vec<Ticket> {
        let ctx = self.ctx();
        let request = match self.screen {
            Screen::Users => self.users.load(&ctx),
            Screen::Products => self.products.load(&ctx),
            Screen::Orders => self.orders.load(&ctx),
            Screen::Dashboard => self.dashboard.load(&ctx),
            Screen::SqlLog | Screen::Lessons => return Vec::new(),
        };
        vec![self.ticket(request)]
    }

    fn switch(&mut self, screen: Screen) -> Vec<Ticket> {
        self.screen = screen;
        self.load_screen()
    }

    fn set_filter(&mut self, text: String) -> Vec<Ticket> {
        match self.screen {
            Screen::Users => self.users.page.set_filter(text),
            Screen::Products => self.products.page.set_filter(text),
            Screen::Orders => self.orders.page.set_filter(text),
            Screen::Dashboard | Screen::SqlLog | Screen::Lessons => return Vec::new(),
        }
        self.load_screen()
    }

    /// Marks every list stale and reloads what is on screen (and an open order).
    fn after_change(&mut self) -> Vec<Ticket> {
        self.users.page.loading = Loading::Stale;
        self.products.page.loading = Loading::Stale;
        self.orders.page.loading = Loading::Stale;
        self.dashboard.loading = Loading::Stale;
        let mut out = self.load_screen();
        let open = self.overlays.iter().find_map(|o| match o {
            Overlay::Detail(d) => Some(d.id),
            _ => None,
        });
        if let Some(id) = open {
            out.push(self.ticket(Request::Order(id)));
        }
        out
    }
}

fn page_rows(height: u16) -> u64 {
    u64::from(height.saturating_sub(CHROME_ROWS).max(1))
}
