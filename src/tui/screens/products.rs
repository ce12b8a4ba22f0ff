//! The products screen: names, prices and stock, low stock marked.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use super::users::list_query;
use crate::money::format_cents;
use crate::service::Product;
use crate::tui::action::{Ctx, Handled};
use crate::tui::keymap::{Bindings, bind, ch};
use crate::tui::list::{self, Editing, ListScreen, Loading, Page};
use crate::tui::popups::form::Form;
use crate::tui::request::Request;
use crate::tui::widgets::{Look, draw_table, right, stock_cell};

/// The keys of the products screen.
pub const BINDINGS: Bindings = &[
    list::MOVE,
    list::PAGE,
    bind(&[ch('/')], "filter"),
    bind(&[ch('n')], "new product"),
    bind(&[ch('e')], "edit"),
    bind(&[ch('d')], "delete"),
    list::ENDS,
];

/// `n`, `e` and `d`.
const EDITING: Editing<Product> = Editing {
    new: Form::new_product,
    edit: Form::edit_product,
    delete: |p| {
        let question = format!("Delete product {} ({})?", p.id, p.name);
        (question, Request::DeleteProduct(p.id))
    },
};

/// The products screen.
#[derive(Debug, Clone, Default)]
pub struct Products {
    /// The page shown.
    pub page: Page<Product>,
}

impl ListScreen for Products {
    type Row = Product;

    fn page_mut(&mut self) -> &mut Page<Product> {
        &mut self.page
    }

    fn cursor_of(row: &Product) -> i64 {
        row.id
    }

    fn load(&mut self, ctx: &Ctx) -> Request {
        self.page.loading = Loading::Busy;
        Request::Products(list_query(&self.page, ctx))
    }
}

impl Products {
    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Handled {
        self.list_key(key.code, ctx)
            .or_else(|| EDITING.key(key.code, self.page.selected_row()))
    }

    /// Draws the list.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let rows = self
            .page
            .rows
            .iter()
            .map(|p| {
                Row::new(vec![
                    right(p.id.to_string()),
                    Cell::from(p.name.clone()),
                    right(format_cents(p.price_cents)),
                    stock_cell(p.stock, look.theme),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(6),
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(9),
        ];
        let columns = (&["id", "name", "price", "stock"][..], &widths[..]);
        let title = self.page.title("Products", "");
        let table = (self.page).table(title, look.theme, columns, rows, "No products. n adds one.");
        draw_table(frame, area, look.theme, table);
    }
}
