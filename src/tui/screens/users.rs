//! The users screen: customers, a page at a time, with their order counts.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::service::{ListQuery, UserRow};
use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, ENTER, bind, ch};
use crate::tui::list::{self, Editing, ListScreen, Loading, Page};
use crate::tui::popups::form::Form;
use crate::tui::request::Request;
use crate::tui::widgets::{Look, draw_table, right};

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

/// `n`, `e` and `d`.
const EDITING: Editing<UserRow> = Editing {
    new: Form::new_user,
    edit: Form::edit_user,
    delete: |u| {
        let question = format!("Delete user {} ({})?", u.id, u.email);
        (question, Request::DeleteUser(u.id))
    },
};

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
        if let Some(handled) = self.list_key(key.code, ctx) {
            return Some(handled);
        }
        match key.code {
            KeyCode::Enter => Some(
                self.page
                    .selected_row()
                    .map(|u| vec![Action::OrdersOf(u.clone())])
                    .unwrap_or_default(),
            ),
            code => EDITING.key(code, self.page.selected_row()),
        }
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
        let header = ["id", "email", "name", "orders", look.created_header()];
        let widths = [
            Constraint::Length(6),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(6),
            Constraint::Length(16),
        ];
        let title = self.page.title("Users", "");
        let table = (self.page).table(
            title,
            look.theme,
            (&header, &widths),
            rows,
            "No users. n adds one.",
        );
        draw_table(frame, area, look.theme, table);
    }
}
