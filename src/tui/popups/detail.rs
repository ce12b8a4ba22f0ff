//! An order opened: customer, status, lines with the price paid and the price now, history.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::money::format_cents;
use crate::service::OrderDetail;
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, DOWN, ENTER, ESC, UP, bind, ch};
use crate::tui::popups::Overlay;
use crate::tui::request::Request;
use crate::tui::screens::orders::{ask_cancel, ask_next_status};
use crate::tui::widgets::{Look, loading, popup};

/// The keys of the order detail.
pub const BINDINGS: Bindings = &[
    bind(&[UP, DOWN, ch('j'), ch('k')], "scroll"),
    bind(&[ch('s')], "next status"),
    bind(&[ch('c')], "cancel order"),
    bind(&[ESC, ch('q'), ENTER], "close"),
];

/// The order detail popup.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The order's id.
    pub id: i64,
    /// The order, once loaded.
    pub order: Option<OrderDetail>,
    /// Lines scrolled.
    pub scroll: u16,
}

impl Detail {
    /// Opens order `id` and asks for it.
    #[must_use]
    pub fn open(id: i64) -> Vec<Action> {
        vec![
            Action::Open(Overlay::Detail(Detail {
                id,
                order: None,
                scroll: 0,
            })),
            Action::Run(Request::Order(id)),
        ]
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        let status = self.order.as_ref().map(|d| d.order.status);
        match (key.code, status) {
            (KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter, _) => {
                return Some(vec![Action::Close]);
            }
            (KeyCode::Up | KeyCode::Char('k'), _) => self.scroll = self.scroll.saturating_sub(1),
            (KeyCode::Down | KeyCode::Char('j'), _) => self.scroll = self.scroll.saturating_add(1),
            (KeyCode::Char('s'), Some(status)) => {
                return Some(vec![ask_next_status(self.id, status)]);
            }
            (KeyCode::Char('c'), Some(status)) => return Some(vec![ask_cancel(self.id, status)]),
            (KeyCode::Char('s' | 'c'), None) => {}
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Draws the order.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let (theme, zone) = (look.theme, look.zone);
        let inner = popup(&format!("Order {}", self.id), theme, frame, area);
        let Some(d) = &self.order else {
            loading(theme, frame, inner);
            return;
        };
        let o = &d.order;
        let columns = |a: &str, b: &str, c: &str, d: &str, e: &str| {
            format!("{a:<28} {b:>5} {c:>10} {d:>10} {e:>10}")
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Customer ", theme.header()),
                Span::raw(format!(
                    "{} <{}> (user {})",
                    d.customer_name, d.customer_email, o.user_id
                )),
            ]),
            Line::from(vec![
                Span::styled("Status   ", theme.header()),
                Span::styled(
                    o.status.to_string(),
                    theme.status(o.status).add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(
                    "   placed {}   updated {} ({})",
                    zone.minute(&o.created_at),
                    zone.minute(&d.updated_at),
                    zone.label()
                )),
            ]),
            Line::raw(""),
            Line::styled(
                columns("product", "qty", "price paid", "price now", "amount"),
                theme.header(),
            ),
        ];
        for (item, now) in o.items.iter().zip(&d.current_prices_cents) {
            let name: String = item.product_name.chars().take(28).collect();
            lines.push(Line::raw(columns(
                &name,
                &item.quantity.to_string(),
                &format_cents(item.price_cents_at_purchase),
                &format_cents(*now),
                &format_cents(item.amount_cents),
            )));
        }
        lines.push(Line::styled(
            columns(
                "total",
                &o.total_quantity.to_string(),
                "",
                "",
                &format_cents(o.total_amount_cents),
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled("History", theme.header()));
        for e in &d.events {
            let what = match e.event_type.as_str() {
                "order_created" => {
                    format!("placed as {}", e.payload["status"].as_str().unwrap_or("?"))
                }
                "order_cancelled" => {
                    let units: i64 = e.payload["restocked"]
                        .as_array()
                        .map_or(0, |r| r.iter().filter_map(|x| x["quantity"].as_i64()).sum());
                    format!("cancelled; {units} unit(s) back in stock")
                }
                _ => format!(
                    "{} → {}",
                    e.payload["from"].as_str().unwrap_or("?"),
                    e.payload["to"].as_str().unwrap_or("?")
                ),
            };
            lines.push(Line::raw(format!(
                "  {}  {what}",
                zone.minute(&e.created_at)
            )));
        }
        frame.render_widget(Paragraph::new(lines).scroll((self.scroll, 0)), inner);
    }
}
