//! The app's state and its TEA-style `update`: an event in, the state changed, the database
//! work to start out. Nothing here waits on the database.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::entry::{EntryAction, OrderEntry};
use super::form::{Form, FormAction};
use super::keys::{self, KeyTable};
use super::request::{Dashboard, Decision, PausedInfo, Request, Response, STEP_TIMEOUT, Slot};
use crate::service::{
    Error, ListQuery, OrderDetail, OrderQuery, OrderSummary, Product, Status, UserRow,
};
use crate::sql_log::SqlLog;

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

/// The transaction stepper: `create_order` and cancel stop before COMMIT while it is on.
#[derive(Debug, Default)]
pub struct Stepper {
    /// Whether orders and cancels are stepped.
    pub on: bool,
    /// The transaction that waits for y or r, or the last one, with what became of it.
    pub view: Option<StepView>,
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

/// Database work to start, with the number its answer will carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// The number.
    pub seq: u64,
    /// The work.
    pub request: Request,
}

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Customers.
    Users,
    /// Products and stock.
    Products,
    /// Orders.
    Orders,
    /// Figures and charts.
    Dashboard,
    /// Every SQL statement (the teaching issue).
    SqlLog,
}

impl Screen {
    /// Every screen in tab order.
    pub const ALL: [Screen; 5] = [
        Screen::Users,
        Screen::Products,
        Screen::Orders,
        Screen::Dashboard,
        Screen::SqlLog,
    ];

    /// The tab title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Screen::Users => "Users",
            Screen::Products => "Products",
            Screen::Orders => "Orders",
            Screen::Dashboard => "Dashboard",
            Screen::SqlLog => "SQL log",
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    /// The next screen (wrapping).
    #[must_use]
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen (wrapping).
    #[must_use]
    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }

    /// The keys of this screen.
    #[must_use]
    pub fn keys(self) -> KeyTable {
        match self {
            Screen::Users => keys::USERS,
            Screen::Products => keys::PRODUCTS,
            Screen::Orders => keys::ORDERS,
            Screen::Dashboard => keys::DASHBOARD,
            Screen::SqlLog => keys::SQL_LOG,
        }
    }
}

/// Whether a list's current page is being fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Never fetched (or invalidated by a change).
    Stale,
    /// A fetch is in flight.
    Busy,
    /// Shown rows are current.
    Done,
}

/// One page of a list, fetched by keyset: `cursors` holds the cursor of each page visited so
/// far (`PgUp` pops back to the previous one).
#[derive(Debug)]
pub struct Page<T> {
    /// The rows of the page.
    pub rows: Vec<T>,
    /// The selected row.
    pub selected: usize,
    /// The cursor of each page visited, the current page last.
    pub cursors: Vec<Option<i64>>,
    /// The text filter (applied in the database).
    pub filter: String,
    /// Whether the rows are current.
    pub loading: Loading,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            rows: Vec::new(),
            selected: 0,
            cursors: vec![None],
            filter: String::new(),
            loading: Loading::Stale,
        }
    }
}

impl<T> Page<T> {
    fn cursor(&self) -> Option<i64> {
        self.cursors.last().copied().flatten()
    }

    /// The page number, from 1.
    #[must_use]
    pub fn number(&self) -> usize {
        self.cursors.len()
    }

    fn selected_row(&self) -> Option<&T> {
        self.rows.get(self.selected)
    }

    fn receive(&mut self, rows: Vec<T>) {
        self.selected = self.selected.min(rows.len().saturating_sub(1));
        self.rows = rows;
        self.loading = Loading::Done;
    }

    fn restart(&mut self) {
        self.cursors = vec![None];
        self.selected = 0;
    }
}

/// What a yes/no question does when answered yes.
#[derive(Debug, Clone, PartialEq)]
pub enum OnYes {
    /// Start this database work.
    Run(Request),
    /// Leave the form or order entry under the question without saving.
    Discard,
    /// Load the demo data.
    SeedDemo,
}

/// A yes/no question.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The question.
    pub question: String,
    /// What yes does.
    pub on_yes: OnYes,
}

/// The order detail popup.
#[derive(Debug)]
pub struct Detail {
    /// The order's id.
    pub id: i64,
    /// The order, once loaded.
    pub order: Option<OrderDetail>,
    /// Lines scrolled.
    pub scroll: u16,
}

/// What is drawn over the screen; the last one of the stack has the keys.
#[derive(Debug)]
pub enum Overlay {
    /// The key help.
    Help,
    /// Typing a list filter.
    Filter(Box<TextArea<'static>>),
    /// A question.
    Confirm(Confirm),
    /// A user or product form.
    Form(Form),
    /// An order opened.
    Detail(Detail),
    /// A new order.
    Entry(Box<OrderEntry>),
    /// A logged statement with its values written in, and its plan.
    Explain(Explain),
    /// The `order_events` outbox, newest first.
    Events(Events),
}

/// The events popup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Events {
    /// The newest events, once loaded.
    pub rows: Option<Vec<crate::service::OrderEvent>>,
    /// The selected one.
    pub selected: usize,
}

/// The explain popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Explain {
    /// The statement with its values written in.
    pub sql: String,
    /// The plan once it came back (or why it did not).
    pub plan: Option<Result<Vec<String>, String>>,
}

impl Overlay {
    /// The keys while this overlay is on top.
    #[must_use]
    pub fn keys(&self) -> KeyTable {
        match self {
            Overlay::Help => keys::HELP,
            Overlay::Filter(_) => keys::FILTER,
            Overlay::Confirm(_) => keys::CONFIRM,
            Overlay::Form(_) => keys::FORM,
            Overlay::Detail(_) => keys::DETAIL,
            Overlay::Entry(_) => keys::ENTRY,
            Overlay::Explain(_) => keys::HELP,
            Overlay::Events(_) => keys::EVENTS,
        }
    }
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

/// The whole state of the TUI.
// Its flags become enums with the TUI's split by screen (house issue, part 2).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug)]
pub struct App {
    /// The screen shown.
    pub screen: Screen,
    /// The users list.
    pub users: Page<UserRow>,
    /// The products list.
    pub products: Page<Product>,
    /// The orders list.
    pub orders: Page<OrderSummary>,
    /// The orders list's status filter.
    pub status_filter: Option<Status>,
    /// The orders list's customer (from Enter on a user).
    pub customer_filter: Option<UserRow>,
    /// The dashboard's figures.
    pub dashboard: Option<Dashboard>,
    /// Whether the dashboard is being fetched.
    pub dashboard_loading: Loading,
    /// Popups, the active one last.
    pub overlays: Vec<Overlay>,
    /// The message line.
    pub message: Option<Message>,
    /// Set when the app should end.
    pub quit: bool,
    /// Whether the orders list loads items the naive way (1 + N queries), for the SQL log.
    pub lazy: bool,
    /// Every statement the app sends (when attached).
    pub log: Option<Arc<SqlLog>>,
    /// Whether the SQL log panel shows under the screen (`L`).
    pub log_panel: bool,
    /// The selected log entry's id; `None` follows the newest.
    pub log_selected: Option<u64>,
    /// Draw durations as `--` (for snapshots).
    pub mask_time: bool,
    /// The transaction stepper.
    pub stepper: Stepper,
    /// Whether the database is SQLite (the stepper explains locks per backend).
    pub sqlite: bool,
    /// The zone times are shown in (local; tests pin UTC), and labelled with.
    pub zone: crate::zone::Zone,
    /// Which database is open, as the header shows it (`sqlite · shop.db`,
    /// `postgres · db.example.com:5432/shop`; never a password).
    pub database: String,
    /// The time of the last tick.
    pub now: Option<Instant>,
    /// Today, by the injected clock (dates of charts and the demo data).
    pub today: NaiveDate,
    /// Rows a list page holds (what the screen shows).
    pub page_rows: u64,
    /// Offering to load the demo data into an empty database.
    pub offer_demo: bool,
    /// True when the terminal is below the size the layout needs (then only `q` matters).
    pub too_small: bool,
    next_seq: u64,
    in_flight: HashMap<u64, Slot>,
    latest: HashMap<Slot, u64>,
}

/// Rows of chrome around a list: tabs, box borders, header, message and hint lines.
const CHROME_ROWS: u16 = 6;

impl App {
    /// The app on `db` as the TUI and `bench --tui` open it, for a `width` x `height` terminal:
    /// the SQL log attached, today by the database's clock, the backend and database named.
    #[must_use]
    pub fn for_db(db: &crate::db::Db, width: u16, height: u16) -> Self {
        let log = crate::sql_log::SqlLog::attach(db, crate::sql_log::CAPACITY);
        let mut app = App::new(db.now().date_naive(), height).with_log(log);
        app.sqlite = db.backend() == sea_orm::DbBackend::Sqlite;
        app.database = db.label();
        app.set_size(width, height);
        app
    }

    /// A new app for a terminal of `height` rows, with `today` from the clock.
    #[must_use]
    pub fn new(today: NaiveDate, height: u16) -> Self {
        App {
            screen: Screen::Users,
            users: Page::default(),
            products: Page::default(),
            orders: Page::default(),
            status_filter: None,
            customer_filter: None,
            dashboard: None,
            dashboard_loading: Loading::Stale,
            overlays: Vec::new(),
            message: None,
            quit: false,
            lazy: false,
            log: None,
            log_panel: false,
            log_selected: None,
            mask_time: false,
            stepper: Stepper::default(),
            sqlite: true,
            database: String::new(),
            zone: crate::zone::Zone::Local,
            now: None,
            today,
            page_rows: page_rows(height),
            offer_demo: false,
            too_small: false,
            next_seq: 0,
            in_flight: HashMap::new(),
            latest: HashMap::new(),
        }
    }

    /// The same app, showing every statement `log` records.
    #[must_use]
    pub fn with_log(mut self, log: Arc<SqlLog>) -> Self {
        self.log = Some(log);
        self
    }

    /// Records the terminal size.
    pub fn set_size(&mut self, width: u16, height: u16) {
        self.too_small = width < super::view::MIN_SIZE.0 || height < super::view::MIN_SIZE.1;
    }

    /// The work to start with: is the database empty, and the first screen's rows.
    pub fn start(&mut self) -> Vec<Ticket> {
        let mut out = vec![self.ticket(Request::IsEmpty)];
        out.extend(self.load_screen());
        out
    }

    /// The keys of what has focus now.
    #[must_use]
    pub fn keys(&self) -> KeyTable {
        match self.overlays.last() {
            Some(o) => o.keys(),
            None if self.offer_demo => keys::DEMO,
            None if self.paused() => keys::PAUSED,
            None => self.screen.keys(),
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
        if let Some(view) = self.stepper.view.as_ref().filter(|v| v.paused()) {
            let _ = write!(
                text,
                " (the stepped transaction of order {} is paused and holds locks: y commits, \
                 r rolls back)",
                view.info.what.order_id()
            );
        }
        self.message = Some(Message {
            text,
            error: true,
            outage: err.is_outage(),
        });
    }

    fn paused(&self) -> bool {
        self.stepper.view.as_ref().is_some_and(StepView::paused)
    }

    /// With the stepper on, a create or cancel is run stepped.
    fn stepped(&self, request: Request) -> Request {
        if !self.stepper.on {
            return request;
        }
        match request {
            Request::CreateOrder(order, email) => Request::StepCreateOrder(order, email),
            Request::Cancel(id) => Request::StepCancel(id),
            other => other,
        }
    }

    /// Handles one event; returns the database work to start.
    pub fn update(&mut self, event: Event) -> Vec<Ticket> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Paste(text) => self.on_paste(&text),
            Event::Resize(width, height) => {
                self.set_size(width, height);
                let rows = page_rows(height);
                if rows != self.page_rows {
                    self.page_rows = rows;
                    for loading in [
                        &mut self.users.loading,
                        &mut self.products.loading,
                        &mut self.orders.loading,
                    ] {
                        *loading = Loading::Stale;
                    }
                    return self.load_screen();
                }
                Vec::new()
            }
            Event::Tick(now) => {
                self.now = Some(now);
                let expired = self.stepper.view.as_mut().filter(|v| {
                    v.paused() && !v.timeout_asked && now.duration_since(v.since) >= STEP_TIMEOUT
                });
                if let Some(view) = expired {
                    view.timeout_asked = true;
                    return vec![self.ticket(Request::StepDecide(Decision::TimedOut))];
                }
                Vec::new()
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
        match self.screen {
            Screen::Users => self.load_users(),
            Screen::Products => self.load_products(),
            Screen::Orders => self.load_orders(),
            Screen::Dashboard => self.load_dashboard(),
            Screen::SqlLog => Vec::new(),
        }
    }

    fn list_query(&self, filter: &str, after: Option<i64>) -> ListQuery {
        ListQuery {
            filter: (!filter.is_empty()).then(|| filter.to_owned()),
            after,
            limit: Some(self.page_rows),
        }
    }

    fn load_users(&mut self) -> Vec<Ticket> {
        self.users.loading = Loading::Busy;
        let q = self.list_query(&self.users.filter, self.users.cursor());
        vec![self.ticket(Request::Users(q))]
    }

    fn load_products(&mut self) -> Vec<Ticket> {
        self.products.loading = Loading::Busy;
        let q = self.list_query(&self.products.filter, self.products.cursor());
        vec![self.ticket(Request::Products(q))]
    }

    fn load_orders(&mut self) -> Vec<Ticket> {
        self.orders.loading = Loading::Busy;
        let q = OrderQuery {
            user_id: self.customer_filter.as_ref().map(|u| u.id),
            customer: (!self.orders.filter.is_empty()).then(|| self.orders.filter.clone()),
            status: self.status_filter,
            before: self.orders.cursor(),
            limit: Some(self.page_rows),
            lazy: self.lazy,
        };
        vec![self.ticket(Request::Orders(q))]
    }

    fn load_dashboard(&mut self) -> Vec<Ticket> {
        self.dashboard_loading = Loading::Busy;
        vec![self.ticket(Request::Dashboard(self.today))]
    }

    fn switch(&mut self, screen: Screen) -> Vec<Ticket> {
        self.screen = screen;
        self.load_screen()
    }

    /// Whether a text field has focus (a filter, a form, order entry's searches and quantity).
    fn text_has_focus(&self) -> bool {
        match self.overlays.last() {
            Some(Overlay::Filter(_) | Overlay::Form(_)) => true,
            Some(Overlay::Entry(entry)) => entry.focus != crate::tui::entry::EntryFocus::Lines,
            _ => false,
        }
    }

    /// Types pasted text into the focused field, a character at a time as keys would, with
    /// line breaks and tabs as spaces and other control characters dropped: a paste never
    /// submits a form or places an order. Without a focused field it is ignored (pasted text
    /// must not run screen commands). Only the last search the typing asks for is sent.
    fn on_paste(&mut self, text: &str) -> Vec<Ticket> {
        if !self.text_has_focus() {
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

    fn on_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            self.quit = true;
            return Vec::new();
        }
        if self.too_small {
            self.quit = key.code == KeyCode::Char('q');
            return Vec::new();
        }
        if let Some(overlay) = self.overlays.pop() {
            return self.overlay_key(overlay, key);
        }
        if self.offer_demo {
            self.offer_demo = false;
            if matches!(key.code, KeyCode::Char('d' | 'y') | KeyCode::Enter) {
                self.say("Loading the demo data…");
                return vec![self.ticket(Request::SeedDemo(self.today))];
            }
            self.say("Starting empty. n adds a user.");
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('q') => {
                self.quit = true;
                Vec::new()
            }
            KeyCode::Char('?') => {
                self.overlays.push(Overlay::Help);
                Vec::new()
            }
            KeyCode::Char('L') => {
                self.log_panel = !self.log_panel;
                Vec::new()
            }
            KeyCode::Char('y') if self.paused() => {
                vec![self.ticket(Request::StepDecide(Decision::Commit))]
            }
            KeyCode::Char('r') if self.paused() => {
                vec![self.ticket(Request::StepDecide(Decision::Rollback))]
            }
            KeyCode::Char('t') => {
                if self.paused() {
                    self.refuse("A transaction is paused: y commits it, r rolls it back.");
                } else {
                    self.stepper.on = !self.stepper.on;
                    self.stepper.view = None;
                    self.say(if self.stepper.on {
                        "Stepper on: placing or cancelling an order stops before COMMIT."
                    } else {
                        "Stepper off."
                    });
                }
                Vec::new()
            }
            KeyCode::Char(c @ '1'..='5') => {
                let screen = Screen::ALL[c as usize - '1' as usize];
                self.switch(screen)
            }
            KeyCode::Tab => self.switch(self.screen.next()),
            KeyCode::BackTab => self.switch(self.screen.prev()),
            _ => self.screen_key(key),
        }
    }

    fn screen_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        match self.screen {
            Screen::Users => self.users_key(key),
            Screen::Products => self.products_key(key),
            Screen::Orders => self.orders_key(key),
            Screen::Dashboard => match key.code {
                KeyCode::Char('r') => self.load_dashboard(),
                _ => Vec::new(),
            },
            Screen::SqlLog => self.log_key(key),
        }
    }

    fn log_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        let Some(log) = self.log.clone() else {
            return Vec::new();
        };
        let entries = log.entries();
        let index = self
            .log_selected
            .and_then(|id| entries.iter().position(|e| e.id == id))
            .unwrap_or(entries.len().saturating_sub(1));
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.log_selected = entries.get(index.saturating_sub(1)).map(|e| e.id);
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.log_selected = entries.get(index + 1).map(|e| e.id).or(self.log_selected);
            }
            KeyCode::PageUp => {
                self.log_selected = entries.get(index.saturating_sub(10)).map(|e| e.id);
            }
            KeyCode::End | KeyCode::Char('G') => self.log_selected = None,
            KeyCode::Char('x') => {
                log.clear();
                self.log_selected = None;
                self.say("Cleared the SQL log.");
            }
            KeyCode::Enter => {
                if let Some(e) = entries.get(index) {
                    let sql = e.inlined(log.backend());
                    if e.is_select() {
                        self.overlays
                            .push(Overlay::Explain(Explain { sql, plan: None }));
                        return vec![
                            self.ticket(Request::Explain(e.sql.clone(), e.values.clone())),
                        ];
                    }
                    self.overlays.push(Overlay::Explain(Explain {
                        sql,
                        plan: Some(Err("only a SELECT has a plan to show".to_owned())),
                    }));
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Moves in a list; returns the work to fetch another page when the move needs one.
    fn navigate(&mut self, key: KeyCode) -> Option<Vec<Ticket>> {
        enum Move {
            To(usize),
            Next,
            Prev,
        }
        let page_rows = self.page_rows as usize;
        let (len, selected, number) = match self.screen {
            Screen::Users => (
                self.users.rows.len(),
                self.users.selected,
                self.users.number(),
            ),
            Screen::Products => (
                self.products.rows.len(),
                self.products.selected,
                self.products.number(),
            ),
            Screen::Orders => (
                self.orders.rows.len(),
                self.orders.selected,
                self.orders.number(),
            ),
            _ => return None,
        };
        let next_cursor = match self.screen {
            Screen::Users => self.users.rows.last().map(|r| r.id),
            Screen::Products => self.products.rows.last().map(|r| r.id),
            Screen::Orders => self.orders.rows.last().map(|r| r.order.id),
            _ => None,
        };
        let full = len == page_rows;
        let step = match key {
            KeyCode::Up | KeyCode::Char('k') if selected > 0 => Move::To(selected - 1),
            KeyCode::Up | KeyCode::Char('k') if number > 1 => Move::Prev,
            KeyCode::Down | KeyCode::Char('j') if selected + 1 < len => Move::To(selected + 1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown if full => Move::Next,
            KeyCode::PageUp if number > 1 => Move::Prev,
            KeyCode::PageUp => Move::To(0),
            KeyCode::PageDown => Move::To(len.saturating_sub(1)),
            KeyCode::Home | KeyCode::Char('g') => Move::To(0),
            KeyCode::End | KeyCode::Char('G') => Move::To(len.saturating_sub(1)),
            KeyCode::Up | KeyCode::Down | KeyCode::Char('j' | 'k') => return Some(Vec::new()),
            _ => return None,
        };
        let prev_to_end = matches!(key, KeyCode::Up | KeyCode::Char('k'));
        let (cursors, sel) = match self.screen {
            Screen::Users => (&mut self.users.cursors, &mut self.users.selected),
            Screen::Products => (&mut self.products.cursors, &mut self.products.selected),
            _ => (&mut self.orders.cursors, &mut self.orders.selected),
        };
        match step {
            Move::To(i) => {
                *sel = i;
                return Some(Vec::new());
            }
            Move::Next => {
                cursors.push(next_cursor);
                *sel = 0;
            }
            Move::Prev => {
                cursors.pop();
                *sel = if prev_to_end { page_rows - 1 } else { 0 };
            }
        }
        Some(self.load_screen())
    }

    fn open_filter(&mut self, current: &str) -> Vec<Ticket> {
        let mut input = TextArea::new(vec![current.to_owned()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        self.overlays.push(Overlay::Filter(Box::new(input)));
        Vec::new()
    }

    fn users_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        if let Some(t) = self.navigate(key.code) {
            return t;
        }
        let selected = self.users.selected_row().cloned();
        match (key.code, selected) {
            (KeyCode::Char('/'), _) => self.open_filter(&self.users.filter.clone()),
            (KeyCode::Char('n'), _) => {
                self.overlays.push(Overlay::Form(Form::new_user()));
                Vec::new()
            }
            (KeyCode::Char('e'), Some(u)) => {
                self.overlays.push(Overlay::Form(Form::edit_user(&u)));
                Vec::new()
            }
            (KeyCode::Char('d'), Some(u)) => {
                self.overlays.push(Overlay::Confirm(Confirm {
                    question: format!("Delete user {} ({})?", u.id, u.email),
                    on_yes: OnYes::Run(Request::DeleteUser(u.id)),
                }));
                Vec::new()
            }
            (KeyCode::Enter, Some(u)) => {
                self.customer_filter = Some(u);
                self.orders.restart();
                self.switch(Screen::Orders)
            }
            _ => Vec::new(),
        }
    }

    fn products_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        if let Some(t) = self.navigate(key.code) {
            return t;
        }
        let selected = self.products.selected_row().cloned();
        match (key.code, selected) {
            (KeyCode::Char('/'), _) => self.open_filter(&self.products.filter.clone()),
            (KeyCode::Char('n'), _) => {
                self.overlays.push(Overlay::Form(Form::new_product()));
                Vec::new()
            }
            (KeyCode::Char('e'), Some(p)) => {
                self.overlays.push(Overlay::Form(Form::edit_product(&p)));
                Vec::new()
            }
            (KeyCode::Char('d'), Some(p)) => {
                self.overlays.push(Overlay::Confirm(Confirm {
                    question: format!("Delete product {} ({})?", p.id, p.name),
                    on_yes: OnYes::Run(Request::DeleteProduct(p.id)),
                }));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn orders_key(&mut self, key: KeyEvent) -> Vec<Ticket> {
        if let Some(t) = self.navigate(key.code) {
            return t;
        }
        let selected = self
            .orders
            .selected_row()
            .map(|o| (o.order.id, o.order.status));
        match (key.code, selected) {
            (KeyCode::Char('/'), _) => self.open_filter(&self.orders.filter.clone()),
            (KeyCode::Char('v'), _) => {
                self.overlays.push(Overlay::Events(Events::default()));
                vec![self.ticket(Request::Events)]
            }
            (KeyCode::Char('z'), _) => {
                self.lazy = !self.lazy;
                self.say(if self.lazy {
                    "Lazy loading: each order's items in a query of their own (see the SQL log)."
                } else {
                    "Eager loading: every order's items in one query."
                });
                self.load_orders()
            }
            (KeyCode::Char('f'), _) => {
                self.status_filter = match self.status_filter {
                    None => Some(Status::ALL[0]),
                    Some(s) => Status::ALL
                        .iter()
                        .position(|&x| x == s)
                        .and_then(|i| Status::ALL.get(i + 1))
                        .copied(),
                };
                self.orders.restart();
                self.load_orders()
            }
            (KeyCode::Esc, _) => {
                self.status_filter = None;
                self.customer_filter = None;
                self.orders.filter.clear();
                self.orders.restart();
                self.load_orders()
            }
            (KeyCode::Char('n'), _) => {
                self.overlays.push(Overlay::Entry(Box::new(OrderEntry::new(
                    self.customer_filter.clone(),
                ))));
                Vec::new()
            }
            (KeyCode::Enter, Some((id, _))) => self.open_detail(id),
            (KeyCode::Char('s'), Some((id, status))) => {
                self.ask_next_status(id, status);
                Vec::new()
            }
            (KeyCode::Char('c'), Some((id, status))) => {
                self.ask_cancel(id, status);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn open_detail(&mut self, id: i64) -> Vec<Ticket> {
        self.overlays.push(Overlay::Detail(Detail {
            id,
            order: None,
            scroll: 0,
        }));
        vec![self.ticket(Request::Order(id))]
    }

    fn ask_next_status(&mut self, id: i64, status: Status) {
        match status.forward() {
            Some(next) => self.overlays.push(Overlay::Confirm(Confirm {
                question: format!("Move order {id} from {status} to {next}?"),
                on_yes: OnYes::Run(Request::SetStatus(id, next)),
            })),
            None => self.refuse(format!("Order {id} is {status}, which is final.")),
        }
    }

    fn ask_cancel(&mut self, id: i64, status: Status) {
        if status.can_become(Status::Cancelled) {
            self.overlays.push(Overlay::Confirm(Confirm {
                question: format!("Cancel order {id} ({status})? Tracked stock comes back."),
                on_yes: OnYes::Run(Request::Cancel(id)),
            }));
        } else {
            self.refuse(format!("Order {id} is {status} and cannot be cancelled."));
        }
    }

    /// Keys for the overlay on top (popped off the stack; pushed back unless it closes).
    fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Ticket> {
        match overlay {
            Overlay::Help => {
                if !matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter
                ) {
                    self.overlays.push(Overlay::Help);
                }
                Vec::new()
            }
            Overlay::Confirm(confirm) => match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => match confirm.on_yes {
                    OnYes::Run(request) => {
                        let request = self.stepped(request);
                        vec![self.ticket(request)]
                    }
                    OnYes::Discard => {
                        self.overlays.pop();
                        Vec::new()
                    }
                    OnYes::SeedDemo => vec![self.ticket(Request::SeedDemo(self.today))],
                },
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Vec::new(),
                _ => {
                    self.overlays.push(Overlay::Confirm(confirm));
                    Vec::new()
                }
            },
            Overlay::Filter(mut input) => match key.code {
                KeyCode::Enter => Vec::new(),
                KeyCode::Esc => self.set_filter(String::new()),
                _ => {
                    let changed = input.input(key);
                    let text = input.lines().first().cloned().unwrap_or_default();
                    self.overlays.push(Overlay::Filter(input));
                    if changed {
                        self.set_filter(text)
                    } else {
                        Vec::new()
                    }
                }
            },
            Overlay::Form(mut form) => {
                let action = if form.saving {
                    FormAction::None
                } else {
                    form.handle_key(key)
                };
                match action {
                    FormAction::Cancel if form.dirty() => {
                        self.overlays.push(Overlay::Form(form));
                        self.overlays.push(Overlay::Confirm(Confirm {
                            question: "Discard what you typed?".to_owned(),
                            on_yes: OnYes::Discard,
                        }));
                        Vec::new()
                    }
                    FormAction::Cancel => Vec::new(),
                    FormAction::Submit => {
                        let request = form.submit();
                        self.overlays.push(Overlay::Form(form));
                        request.map(|r| vec![self.ticket(r)]).unwrap_or_default()
                    }
                    FormAction::None => {
                        self.overlays.push(Overlay::Form(form));
                        Vec::new()
                    }
                }
            }
            Overlay::Entry(mut entry) => {
                if entry.placing {
                    self.overlays.push(Overlay::Entry(entry));
                    return Vec::new();
                }
                match entry.handle_key(key) {
                    EntryAction::Cancel if entry.dirty() => {
                        self.overlays.push(Overlay::Entry(entry));
                        self.overlays.push(Overlay::Confirm(Confirm {
                            question: "Discard this order?".to_owned(),
                            on_yes: OnYes::Discard,
                        }));
                        Vec::new()
                    }
                    EntryAction::Cancel => Vec::new(),
                    EntryAction::None => {
                        self.overlays.push(Overlay::Entry(entry));
                        Vec::new()
                    }
                    EntryAction::Search(request) => {
                        self.overlays.push(Overlay::Entry(entry));
                        vec![self.ticket(request)]
                    }
                    EntryAction::Place(request) => {
                        self.overlays.push(Overlay::Entry(entry));
                        let request = self.stepped(request);
                        vec![self.ticket(request)]
                    }
                }
            }
            Overlay::Events(mut events) => {
                let len = events.rows.as_ref().map_or(0, Vec::len);
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Up | KeyCode::Char('k') => {
                        events.selected = events.selected.saturating_sub(1);
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        events.selected = (events.selected + 1).min(len.saturating_sub(1));
                    }
                    _ => {}
                }
                self.overlays.push(Overlay::Events(events));
                Vec::new()
            }
            Overlay::Explain(explain) => {
                if !matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                    self.overlays.push(Overlay::Explain(explain));
                }
                Vec::new()
            }
            Overlay::Detail(mut detail) => {
                let status = detail.order.as_ref().map(|d| d.order.status);
                match (key.code, status) {
                    (KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter, _) => return Vec::new(),
                    (KeyCode::Up | KeyCode::Char('k'), _) => {
                        detail.scroll = detail.scroll.saturating_sub(1);
                    }
                    (KeyCode::Down | KeyCode::Char('j'), _) => {
                        detail.scroll = detail.scroll.saturating_add(1);
                    }
                    (KeyCode::Char('s'), Some(status)) => {
                        let id = detail.id;
                        self.overlays.push(Overlay::Detail(detail));
                        self.ask_next_status(id, status);
                        return Vec::new();
                    }
                    (KeyCode::Char('c'), Some(status)) => {
                        let id = detail.id;
                        self.overlays.push(Overlay::Detail(detail));
                        self.ask_cancel(id, status);
                        return Vec::new();
                    }
                    _ => {}
                }
                self.overlays.push(Overlay::Detail(detail));
                Vec::new()
            }
        }
    }

    fn set_filter(&mut self, text: String) -> Vec<Ticket> {
        match self.screen {
            Screen::Users => {
                self.users.filter = text;
                self.users.restart();
                self.load_users()
            }
            Screen::Products => {
                self.products.filter = text;
                self.products.restart();
                self.load_products()
            }
            Screen::Orders => {
                self.orders.filter = text;
                self.orders.restart();
                self.load_orders()
            }
            _ => Vec::new(),
        }
    }

    /// Marks every list stale and reloads what is on screen (and an open order).
    fn after_change(&mut self) -> Vec<Ticket> {
        self.users.loading = Loading::Stale;
        self.products.loading = Loading::Stale;
        self.orders.loading = Loading::Stale;
        self.dashboard_loading = Loading::Stale;
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

    fn top_form(&mut self) -> Option<&mut Form> {
        match self.overlays.last_mut() {
            Some(Overlay::Form(f)) => Some(f),
            _ => None,
        }
    }

    fn top_entry(&mut self) -> Option<&mut OrderEntry> {
        match self.overlays.last_mut() {
            Some(Overlay::Entry(e)) => Some(e),
            _ => None,
        }
    }

    fn on_response(&mut self, response: Response) -> Vec<Ticket> {
        match response {
            Response::Users(r) => match r {
                Ok(rows) => self.users.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Products(r) => match r {
                Ok(rows) => self.products.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Orders(r) => match r {
                Ok(rows) => self.orders.receive(rows),
                Err(e) => self.fail(&e),
            },
            Response::Order(r) => match r {
                Ok(order) => {
                    if let Some(Overlay::Detail(d)) = self
                        .overlays
                        .iter_mut()
                        .find(|o| matches!(o, Overlay::Detail(d) if d.id == order.order.id))
                    {
                        d.order = Some(order);
                    }
                }
                Err(e) => {
                    self.overlays.retain(|o| !matches!(o, Overlay::Detail(_)));
                    self.fail(&e);
                }
            },
            Response::Dashboard(r) => match r {
                Ok(d) => {
                    self.dashboard = Some(d);
                    self.dashboard_loading = Loading::Done;
                }
                Err(e) => self.fail(&e),
            },
            Response::PickUsers(r) => match (r, self.top_entry()) {
                (Ok(rows), Some(entry)) => entry.users = rows,
                (Err(e), _) => self.fail(&e),
                _ => {}
            },
            Response::PickProducts(r) => match (r, self.top_entry()) {
                (Ok(rows), Some(entry)) => entry.products = rows,
                (Err(e), _) => self.fail(&e),
                _ => {}
            },
            Response::IsEmpty(r) => match r {
                Ok(true) => self.offer_demo = true,
                Ok(false) => {}
                Err(e) => self.fail(&e),
            },
            Response::Seeded(r) => {
                match r {
                    Ok(report) => self.say(format!(
                        "Loaded the demo data: {} users, {} products, {} orders.",
                        report.users, report.products, report.orders
                    )),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::UserSaved(r) => {
                return self.saved(r.map(|u| ("user", u.id)));
            }
            Response::ProductSaved(r) => {
                return self.saved(r.map(|p| ("product", p.id)));
            }
            Response::Deleted(what, r) => {
                match r {
                    Ok(id) => self.say(format!("Deleted {what} {id}.")),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::OrderPlaced(r) => match r {
                Ok(order) => {
                    if matches!(self.overlays.last(), Some(Overlay::Entry(_))) {
                        self.overlays.pop();
                    }
                    self.say(format!(
                        "Placed order {} for user {}: {} item(s), {}.",
                        order.id,
                        order.user_id,
                        order.total_quantity,
                        crate::money::format_cents(order.total_amount_cents)
                    ));
                    self.orders.restart();
                    if self.screen != Screen::Orders {
                        self.screen = Screen::Orders;
                    }
                    return self.after_change();
                }
                Err(e) => {
                    if let Some(entry) = self.top_entry() {
                        entry.show_error(&e);
                    }
                    self.fail(&e);
                }
            },
            Response::Explained(r) => {
                if let Some(Overlay::Explain(e)) = self.overlays.last_mut() {
                    e.plan = Some(r.map_err(|e| e.to_string()));
                }
            }
            Response::StepPaused(r) => match r {
                Ok(info) => {
                    if matches!(self.overlays.last(), Some(Overlay::Entry(_))) {
                        self.overlays.pop();
                    }
                    let id = info.what.order_id();
                    self.say(format!(
                        "Paused before COMMIT (order {id}). y commits, r rolls back."
                    ));
                    self.stepper.view = Some(StepView {
                        info,
                        since: self.now.unwrap_or_else(Instant::now),
                        peek: None,
                        outcome: None,
                        timeout_asked: false,
                    });
                    return vec![self.ticket(Request::Peek(id))];
                }
                Err(e) => {
                    if let Some(entry) = self.top_entry() {
                        entry.show_error(&e);
                    }
                    self.fail(&e);
                }
            },
            Response::StepFinished(r) => match r {
                Ok((decision, what)) => {
                    let id = what.order_id();
                    let outcome = match decision {
                        Decision::Commit => "committed ✓",
                        Decision::Rollback => "rolled back ✗",
                        Decision::TimedOut => "rolled back ✗ by itself after 60 s",
                    };
                    if let Some(view) = self.stepper.view.as_mut() {
                        view.outcome = Some(outcome.to_owned());
                    }
                    self.say(format!("Order {id}: the transaction was {outcome}."));
                    let mut out = vec![self.ticket(Request::Peek(id))];
                    out.extend(self.after_change());
                    return out;
                }
                Err(e) => {
                    if let Some(view) = self.stepper.view.as_mut() {
                        view.outcome = Some(format!("ended: {e}"));
                    }
                    self.fail(&e);
                }
            },
            Response::Events(r) => match r {
                Ok(rows) => {
                    if let Some(Overlay::Events(e)) = self.overlays.last_mut() {
                        e.rows = Some(rows);
                    }
                }
                Err(e) => self.fail(&e),
            },
            Response::Peeked(id, r) => {
                let text = match r {
                    Ok(d) => format!(
                        "order {id}: {}, {} item(s), total {}",
                        d.order.status,
                        d.order.total_quantity,
                        crate::money::format_cents(d.order.total_amount_cents)
                    ),
                    Err(Error::NotFound { .. }) => {
                        format!("order {id}: not there: an uncommitted row is invisible to it")
                    }
                    Err(e) => format!("cannot read: {e}"),
                };
                if let Some(view) = self.stepper.view.as_mut() {
                    view.peek = Some(text);
                }
            }
            Response::StatusSet(r) => {
                match r {
                    Ok(o) => self.say(format!("Order {} is now {}.", o.id, o.status)),
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
            Response::Cancelled(r) => {
                match r {
                    Ok(c) => {
                        let units: i64 = c.restocked.iter().map(|(_, q)| q).sum();
                        self.say(format!(
                            "Cancelled order {}; {units} unit(s) back in stock.",
                            c.order.id
                        ));
                    }
                    Err(e) => self.fail(&e),
                }
                return self.after_change();
            }
        }
        Vec::new()
    }

    fn saved(&mut self, result: Result<(&'static str, i64), Error>) -> Vec<Ticket> {
        match result {
            Ok((what, id)) => {
                let text = self.top_form().map_or_else(
                    || format!("Saved {what} {id}."),
                    |f| f.saved_message(what, id),
                );
                if self.top_form().is_some() {
                    self.overlays.pop();
                }
                self.say(text);
                self.after_change()
            }
            Err(e) => {
                match self.top_form() {
                    Some(form) => form.show_error(&e),
                    None => self.fail(&e),
                }
                Vec::new()
            }
        }
    }
}

fn page_rows(height: u16) -> u64 {
    u64::from(height.saturating_sub(CHROME_ROWS).max(1))
}
