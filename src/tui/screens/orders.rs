//! The orders screen: newest first, filtered by status, customer or a customer's text; items
//! loaded eagerly or, to show N+1 in the SQL log, lazily.

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use crate::money::format_cents;
use crate::service::{OrderQuery, OrderSummary, Status, UserRow};
use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, bind, ch};
use crate::tui::list::{self, ListScreen, Loading, Page};
use crate::tui::popups::Overlay;
use crate::tui::popups::confirm::{Confirm, OnYes};
use crate::tui::popups::detail::Detail;
use crate::tui::popups::entry::OrderEntry;
use crate::tui::popups::events::Events;
use crate::tui::request::Request;
use crate::tui::widgets::{Look, draw_table, right};

/// The keys of the orders screen.
pub const BINDINGS: Bindings = &[
    list::MOVE,
    list::PAGE,
    bind(&[ENTER], "open"),
    bind(&[ch('n')], "new order"),
    bind(&[ch('s')], "next status"),
    bind(&[ch('c')], "cancel order"),
    bind(&[ch('f')], "status filter"),
    bind(&[ch('/')], "customer filter"),
    bind(&[ESC], "clear filters"),
    bind(&[ch('z')], "lazy/eager loading"),
    bind(&[ch('v')], "events outbox"),
    bind(&[ch('e')], "edit order"),
    list::ENDS,
];

/// How the list loads each order's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Items {
    /// Every order's items in one query.
    #[default]
    Eager,
    /// Each order's items in a query of its own (1 + N, for the SQL log).
    Lazy,
}

/// The orders screen.
#[derive(Debug, Clone, Default)]
pub struct Orders {
    /// The page shown; its text filter matches the customer.
    pub page: Page<OrderSummary>,
    /// Only orders in this status.
    pub status: Option<Status>,
    /// Only this customer's orders (from Enter on a user).
    pub customer: Option<UserRow>,
    /// How items are loaded.
    pub items: Items,
}

/// The question before moving order `id` on from `status`, or why it cannot move.
#[must_use]
pub fn ask_next_status(id: i64, status: Status) -> Action {
    match status.forward() {
        Some(next) => Action::Open(Overlay::Confirm(Confirm {
            question: format!("Move order {id} from {status} to {next}?"),
            on_yes: OnYes::Run(Request::SetStatus(id, next)),
        })),
        None => Action::Refuse(format!("Order {id} is {status}, which is final.")),
    }
}

/// The question before cancelling order `id`, or why it cannot be cancelled.
#[must_use]
pub fn ask_cancel(id: i64, status: Status) -> Action {
    if status.can_become(Status::Cancelled) {
        Action::Open(Overlay::Confirm(Confirm {
            question: format!("Cancel order {id} ({status})? Tracked stock comes back."),
            on_yes: OnYes::Run(Request::Cancel(id)),
        }))
    } else {
        Action::Refuse(format!("Order {id} is {status} and cannot be cancelled."))
    }
}

impl ListScreen for Orders {
    type Row = OrderSummary;

    fn page_mut(&mut self) -> &mut Page<OrderSummary> {
        &mut self.page
    }

    fn cursor_of(row: &OrderSummary) -> i64 {
        row.order.id
    }

    fn load(&mut self, ctx: &Ctx) -> Request {
        self.page.loading = Loading::Busy;
        Request::Orders(OrderQuery {
            user_id: self.customer.as_ref().map(|u| u.id),
            customer: (!self.page.filter.is_empty()).then(|| self.page.filter.clone()),
            status: self.status,
            before: self.page.cursor(),
            limit: Some(ctx.page_rows),
            lazy: self.items == Items::Lazy,
        })
    }
}

impl Orders {
    /// Shows only `user`'s orders, from the first page.
    pub fn show_customer(&mut self, user: UserRow) {
        self.customer = Some(user);
        self.page.restart();
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Handled {
        if let Some(handled) = self.list_key(key.code, ctx) {
            return Some(handled);
        }
        let selected = self
            .page
            .selected_row()
            .map(|o| (o.order.id, o.order.status));
        let actions = match (key.code, selected) {
            (KeyCode::Char('v'), _) => vec![
                Action::Open(Overlay::Events(Events::default())),
                Action::Run(Request::Events),
            ],
            (KeyCode::Char('z'), _) => {
                self.items = match self.items {
                    Items::Eager => Items::Lazy,
                    Items::Lazy => Items::Eager,
                };
                let said = match self.items {
                    Items::Lazy => {
                        "Lazy loading: each order's items in a query of their own (see the SQL log)."
                    }
                    Items::Eager => "Eager loading: every order's items in one query.",
                };
                vec![Action::Say(said.to_owned()), Action::Run(self.load(ctx))]
            }
            (KeyCode::Char('f'), _) => {
                self.status = match self.status {
                    None => Some(Status::ALL[0]),
                    Some(s) => Status::ALL
                        .iter()
                        .position(|&x| x == s)
                        .and_then(|i| Status::ALL.get(i + 1))
                        .copied(),
                };
                self.page.restart();
                vec![Action::Run(self.load(ctx))]
            }
            (KeyCode::Esc, _) => {
                self.status = None;
                self.customer = None;
                self.page.set_filter(String::new());
                vec![Action::Run(self.load(ctx))]
            }
            (KeyCode::Char('n'), _) => vec![Action::Open(Overlay::Entry(Box::new(
                OrderEntry::new(self.customer.as_ref()),
            )))],
            (KeyCode::Enter, Some((id, _))) => Detail::open(id),
            (KeyCode::Char('s'), Some((id, status))) => vec![ask_next_status(id, status)],
            (KeyCode::Char('c'), Some((id, status))) => vec![ask_cancel(id, status)],
            (KeyCode::Char('e'), Some((id, Status::Pending))) => vec![
                Action::Say(format!("Opening order {id} to edit its lines…")),
                Action::Run(Request::EditStart(id)),
            ],
            (KeyCode::Char('e'), Some((id, status))) => vec![Action::Refuse(format!(
                "Order {id} is {status}: only a pending order can be edited."
            ))],
            (KeyCode::Enter | KeyCode::Char('s' | 'c' | 'e'), None) => Vec::new(),
            _ => return None,
        };
        Some(actions)
    }

    /// Draws the list.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let mut extra = String::new();
        if let Some(u) = &self.customer {
            let _ = write!(extra, " · customer {}", u.email);
        }
        if let Some(s) = self.status {
            let _ = write!(extra, " · {s} only");
        }
        let theme = look.theme;
        let rows = self
            .page
            .rows
            .iter()
            .map(|o| {
                Row::new(vec![
                    right(o.order.id.to_string()),
                    Cell::from(o.customer_email.clone()),
                    Cell::from(Span::styled(
                        o.order.status.to_string(),
                        theme.status(o.order.status),
                    )),
                    right(o.order.total_quantity.to_string()),
                    right(format_cents(o.order.total_amount_cents)),
                    Cell::from(look.zone.minute(&o.order.created_at)),
                ])
            })
            .collect();
        let header = [
            "id",
            "customer",
            "status",
            "items",
            "total",
            look.created_header(),
        ];
        let widths = [
            Constraint::Length(7),
            Constraint::Fill(1),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(10),
            Constraint::Length(16),
        ];
        let title = self.page.title("Orders", &extra);
        let table = (self.page).table(
            title,
            theme,
            (&header, &widths),
            rows,
            "No orders. n starts one.",
        );
        draw_table(frame, area, theme, table);
    }
}
