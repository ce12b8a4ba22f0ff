//! Drawing order entry: the customer, the product search and quantity, then the lines (or
//! the pick list while picking), the total and what the form says.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use super::{EntryFocus, OrderEntry};
use crate::money::format_cents;
use crate::service::Status;
use crate::tui::widgets::{ListView, Look, draw_table, input_box, popup, right, stock_cell};

/// A pick list's title, column headers and widths.
type Pick = (&'static str, [&'static str; 3], [Constraint; 3]);

/// The customers matching what was typed.
const CUSTOMERS: Pick = (
    "Customers (Enter picks)",
    ["email", "name", ""],
    [
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(10),
    ],
);

/// The products matching what was typed.
const PRODUCTS: Pick = (
    "Products (Enter picks)",
    ["product", "price", "stock"],
    [
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(9),
    ],
);

impl OrderEntry {
    /// Draws order entry.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let (entry, theme) = (self, look.theme);
        let title = match entry.order {
            Some(id) => format!("Edit order {id}"),
            None => "New order".to_owned(),
        };
        let inner = popup(&title, theme, frame, area);
        let [customer_row, product_row, lines_area, foot] = inner.layout(&Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(2),
        ]));
        // Customer.
        match &entry.customer {
            Some(c) if entry.focus != EntryFocus::Customer => {
                let block = Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme.dim())
                    .title(Span::styled(" customer ", theme.dim()));
                let text = format!("{} <{}> (user {})", c.full_name, c.email, c.id);
                frame.render_widget(Paragraph::new(text).block(block), customer_row);
            }
            _ => input_box(
                "customer: type part of an email or name",
                &entry.customer_input,
                entry.focus == EntryFocus::Customer,
                theme,
                frame,
                customer_row,
            ),
        }
        // Product search and quantity.
        let [product_box, qty_box] = product_row.layout(&Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(16),
        ]));
        let product_label = match &entry.chosen {
            Some(p) => format!("product: {}", p.name),
            None => "product: type part of a name".to_owned(),
        };
        input_box(
            &product_label,
            &entry.product_input,
            entry.focus == EntryFocus::Product,
            theme,
            frame,
            product_box,
        );
        input_box(
            "quantity",
            &entry.quantity_input,
            entry.focus == EntryFocus::Quantity,
            theme,
            frame,
            qty_box,
        );
        // Lines, or the pick list while picking.
        let picking_users = entry.focus == EntryFocus::Customer && !entry.users.is_empty();
        let picking_products = entry.focus == EntryFocus::Product && !entry.products.is_empty();
        if picking_users || picking_products {
            let ((title, header, widths), rows): (Pick, Vec<Row>) = if picking_users {
                let rows = entry.users.iter().map(|u| {
                    let orders = right(format!("{} orders", u.order_count));
                    Row::new(vec![
                        u.email.clone().into(),
                        u.full_name.clone().into(),
                        orders,
                    ])
                });
                (CUSTOMERS, rows.collect())
            } else {
                let rows = entry.products.iter().map(|p| {
                    let price = right(format_cents(p.price_cents));
                    Row::new(vec![
                        p.name.clone().into(),
                        price,
                        stock_cell(p.stock, theme),
                    ])
                });
                (PRODUCTS, rows.collect())
            };
            draw_table(
                frame,
                lines_area,
                theme,
                ListView {
                    block: Block::new().title(Span::styled(title, theme.header())),
                    header: &header,
                    widths: &widths,
                    rows,
                    selected: Some(entry.pick),
                    empty: "",
                },
            );
        } else {
            let rows = entry
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let left = match entry.stock_left(i) {
                        None => "-".to_owned(),
                        Some(n) if n < 0 => format!("{} short", n.unsigned_abs()),
                        Some(n) => n.to_string(),
                    };
                    let mut cells = vec![
                        Cell::from(l.product.name.clone()),
                        right(l.quantity.to_string()),
                        right(format_cents(l.product.price_cents)),
                        right(format_cents(l.amount_cents())),
                        right(left),
                    ];
                    if let Some(e) = &l.error {
                        cells[0] = Cell::from(Span::styled(
                            format!("✗ {}: {e}", l.product.name),
                            theme.error(),
                        ));
                    }
                    Row::new(cells)
                })
                .collect();
            let title = if entry.focus == EntryFocus::Lines {
                "Lines (Enter edits the quantity, Ctrl-D removes)"
            } else {
                "Lines"
            };
            let selected = (entry.focus == EntryFocus::Lines).then_some(entry.line);
            draw_table(
                frame,
                lines_area,
                theme,
                ListView {
                    block: Block::new().title(Span::styled(title, theme.header())),
                    header: &["product", "qty", "price", "amount", "stock left"],
                    widths: &[
                        Constraint::Fill(1),
                        Constraint::Length(5),
                        Constraint::Length(10),
                        Constraint::Length(10),
                        Constraint::Length(10),
                    ],
                    rows,
                    selected,
                    empty: "No lines yet: type part of a product name.",
                },
            );
        }
        let status = if entry.placing {
            Span::styled("placing…", theme.dim())
        } else if let Some(e) = &entry.error {
            Span::styled(format!("✗ {e}"), theme.error())
        } else {
            Span::styled(
                if entry.order.is_some() {
                    "Ctrl-S saves the order"
                } else {
                    "Ctrl-S places the order"
                },
                theme.dim(),
            )
        };
        let items: i64 = entry.lines.iter().map(|l| l.quantity).sum();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled("Total ", theme.header()),
                    Span::styled(
                        format_cents(entry.total_cents()),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(format!(
                        "  ({items} item(s), {} line(s), status {})",
                        entry.lines.len(),
                        Status::Pending
                    )),
                ]),
                Line::from(status),
            ]),
            foot,
        );
    }
}
