//! The products screen: names, prices and stock, low stock marked.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use super::users::list_query;
use crate::money::format_cents;
use crate::service::Product;
use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, bind, ch};
use crate::tui::list::{self, ListScreen, Loading, Page};
use crate::tui::popups::Overlay;
use crate::tui::popups::confirm::{Confirm, OnYes};
use crate::tui::popups::form::Form;
use crate::tui::request::Request;
use crate::tui::widgets::{ListView, Look, draw_table, list_block, right, stock_cell};

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
        if let Some(moved) = self.move_key(key.code, ctx) {
            return Some(moved);
        }
        let selected = self.page.selected_row().cloned();
        let action = match (key.code, selected) {
            (KeyCode::Char('/'), _) => self.open_filter(),
            (KeyCode::Char('n'), _) => Action::Open(Overlay::Form(Form::new_product())),
            (KeyCode::Char('e'), Some(p)) => Action::Open(Overlay::Form(Form::edit_product(&p))),
            (KeyCode::Char('d'), Some(p)) => Action::Open(Overlay::Confirm(Confirm {
                question: format!("Delete product {} ({})?", p.id, p.name),
                on_yes: OnYes::Run(Request::DeleteProduct(p.id)),
            })),
            (KeyCode::Char('e' | 'd'), None) => return Some(Vec::new()),
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
            .map(|p| {
                Row::new(vec![
                    right(p.id.to_string()),
                    Cell::from(p.name.clone()),
                    right(format_cents(p.price_cents)),
                    stock_cell(p.stock, look.theme),
                ])
            })
            .collect();
        draw_table(
            frame,
            area,
            look.theme,
            ListView {
                block: list_block(self.page.title("Products", ""), look.theme),
                header: &["id", "name", "price", "stock"],
                widths: &[
                    Constraint::Length(6),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Length(9),
                ],
                rows,
                selected: Some(self.page.selected),
                empty: self.page.empty_text("No products. n adds one."),
            },
        );
    }
}
