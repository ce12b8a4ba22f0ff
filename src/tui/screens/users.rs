//! The users screen: customers, a page at a time, with their order counts.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::service::{ListQuery, UserRow};
use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, ENTER, bind, ch};
use crate::tui::list::{self, ListScreen, Loading, Page};
use crate::tui::popups::Overlay;
use crate::tui::popups::confirm::{Confirm, OnYes};
use crate::tui::popups::form::Form;
use crate::tui::request::Request;
use crate::tui::widgets::{ListView, Look, draw_table, list_block, right};

/// The keys of the users screen.
pub const BINDINGS: Bindings = &[
    list::MOVE,
    list::PAGE,
    bind(&[ch('/')], "filter"),
    bind(&[ENTER], "their orders"),
    bind(&[ch('n')], "new user"),
    bind(&[ch('e')], "edit"),
    bind(&[ch('d')], "delete"),
    list::ENDS,
];

/// The users screen.
#[derive(Debug, Clone, Default)]
pub struct Users {
    /// The page shown.
    pub page: Page<UserRow>,
}

/// The query of a list page: its filter, cursor and size.
#[must_use]
pub fn list_query<T>(page: &Page<T>, ctx: &Ctx) -> ListQuery {
    ListQuery {
        filter: (!page.filter.is_empty()).then(|| page.filter.clone()),
        after: page.cursor(),
        limit: Some(ctx.page_rows),
    }
}

impl ListScreen for Users {
    type Row = UserRow;

    fn page_mut(&mut self) -> &mut Page<UserRow> {
        &mut self.page
    }

    fn cursor_of(row: &UserRow) -> i64 {
        row.id
    }

    fn load(&mut self, ctx: &Ctx) -> Request {
        self.page.loading = Loading::Busy;
        Request::Users(list_query(&self.page, ctx))
    }
}

impl Users {
    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Handled {
        if let Some(moved) = self.move_key(key.code, ctx) {
            return Some(moved);
        }
        let selected = self.page.selected_row().cloned();
        let action = match (key.code, selected) {
            (KeyCode::Char('/'), _) => self.open_filter(),
            (KeyCode::Char('n'), _) => Action::Open(Overlay::Form(Form::new_user())),
            (KeyCode::Char('e'), Some(u)) => Action::Open(Overlay::Form(Form::edit_user(&u))),
            (KeyCode::Char('d'), Some(u)) => Action::Open(Overlay::Confirm(Confirm {
                question: format!("Delete user {} ({})?", u.id, u.email),
                on_yes: OnYes::Run(Request::DeleteUser(u.id)),
            })),
            (KeyCode::Enter, Some(u)) => Action::OrdersOf(u),
            (KeyCode::Char('e' | 'd') | KeyCode::Enter, None) => return Some(Vec::new()),
            _ => return None,
        };
        Some(vec![action])
    }

    /// Draws the list.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let rows = self
            .page
            .rows
            .iter()
            .map(|u| {
                Row::new(vec![
                    right(u.id.to_string()),
                    Cell::from(u.email.clone()),
                    Cell::from(u.full_name.clone()),
                    right(u.order_count.to_string()),
                    Cell::from(look.zone.minute(&u.created_at)),
                ])
            })
            .collect();
        draw_table(
            frame,
            area,
            look.theme,
            ListView {
                block: list_block(self.page.title("Users", ""), look.theme),
                header: &["id", "email", "name", "orders", look.created_header()],
                widths: &[
                    Constraint::Length(6),
                    Constraint::Fill(3),
                    Constraint::Fill(2),
                    Constraint::Length(6),
                    Constraint::Length(16),
                ],
                rows,
                selected: Some(self.page.selected),
                empty: self.page.empty_text("No users. n adds one."),
            },
        );
    }
}
