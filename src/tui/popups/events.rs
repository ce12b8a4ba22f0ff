//! The `order_events` outbox, newest first, with the selected event's payload, whether the relay
//! has published each event, and how far behind it is.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use crate::service::outbox::{Delivery, Lag};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, DOWN, ESC, UP, bind, ch};
use crate::tui::widgets::{ListView, Look, draw_table, loading, popup, right};

/// The keys of the events popup.
pub const BINDINGS: Bindings = &[
    bind(&[UP, DOWN, ch('j'), ch('k')], "select"),
    bind(&[ESC, ch('q')], "close"),
];

/// The events popup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Events {
    /// The newest events, once loaded, each with when it was published.
    pub rows: Option<Vec<Delivery>>,
    /// The relay's lag, once loaded.
    pub lag: Option<Lag>,
    /// The selected one.
    pub selected: usize,
}

impl Events {
    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        let len = self.rows.as_ref().map_or(0, Vec::len);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Some(vec![Action::Close]),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(len.saturating_sub(1));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Draws the list and the payload.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let title = match self.lag {
            Some(Lag { unpublished: 0, .. }) => {
                "Order events (the outbox), newest first · every one published".to_owned()
            }
            Some(Lag {
                unpublished,
                oldest: Some(oldest),
            }) => format!(
                "Order events, newest first · {unpublished} not published (oldest {})",
                look.zone.format(&oldest, "%m-%d %H:%M")
            ),
            _ => "Order events (the outbox), newest first".to_owned(),
        };
        let inner = popup(&title, theme, frame, area);
        let Some(rows) = &self.rows else {
            loading(theme, frame, inner);
            return;
        };
        let [list, payload] = inner.layout(&Layout::horizontal([
            Constraint::Length(51),
            Constraint::Fill(1),
        ]));
        let table_rows = rows
            .iter()
            .map(|d| {
                let e = &d.event;
                Row::new(vec![
                    right(e.order_id.to_string()),
                    Cell::from(e.event_type.trim_start_matches("order_").to_owned()),
                    Cell::from(look.zone.format(&e.created_at, "%m-%d %H:%M")),
                    Cell::from(if d.published_at.is_some() {
                        "✓"
                    } else {
                        "·"
                    }),
                ])
            })
            .collect();
        draw_table(
            frame,
            list,
            theme,
            ListView {
                block: Block::new(),
                header: &["order", "event", "when", "sent"],
                widths: &[
                    Constraint::Length(6),
                    Constraint::Length(14),
                    Constraint::Length(11),
                    Constraint::Length(4),
                ],
                rows: table_rows,
                selected: Some(self.selected),
                empty: "No events yet.",
            },
        );
        let text = rows
            .get(self.selected)
            .map(|d| serde_json::to_string_pretty(&d.event.payload).unwrap_or_default())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(text).block(
                Block::new()
                    .borders(Borders::LEFT)
                    .border_style(theme.dim())
                    .title(Span::styled(" payload ", theme.header())),
            ),
            payload,
        );
    }
}
