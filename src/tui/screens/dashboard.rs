//! The dashboard: orders by status, revenue, time to delivery, top products, orders per day.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Sparkline};

use crate::money::format_cents;
use crate::tui::action::{Action, Ctx, Handled};
use crate::tui::keymap::{Bindings, bind, ch};
use crate::tui::list::Loading;
use crate::tui::request::{Dashboard as Figures, Request};
use crate::tui::widgets::{Look, list_block, loading};

/// The keys of the dashboard.
pub const BINDINGS: Bindings = &[bind(&[ch('r')], "refresh")];

/// The dashboard screen.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The figures, once fetched.
    pub figures: Option<Figures>,
    /// Whether they are being fetched.
    pub loading: Loading,
}

impl Default for Dashboard {
    fn default() -> Self {
        Dashboard {
            figures: None,
            loading: Loading::Stale,
        }
    }
}

impl Dashboard {
    /// Fetches the figures.
    pub fn load(&mut self, ctx: &Ctx) -> Request {
        self.loading = Loading::Busy;
        Request::Dashboard(ctx.today)
    }

    /// Takes fetched figures.
    pub fn receive(&mut self, figures: Figures) {
        self.figures = Some(figures);
        self.loading = Loading::Done;
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> Handled {
        match key.code {
            KeyCode::Char('r') => Some(vec![Action::Run(self.load(ctx))]),
            _ => None,
        }
    }

    /// Draws the charts and figures.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let mut title = " Dashboard".to_owned();
        if self.loading == Loading::Busy {
            title.push_str(" · loading…");
        }
        title.push(' ');
        let block = list_block(title, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(d) = &self.figures else {
            loading(theme, frame, inner);
            return;
        };
        let [top, spark] = inner.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(4),
        ]));
        let [bars, figures] = top.layout(&Layout::horizontal([
            Constraint::Length(40),
            Constraint::Fill(1),
        ]));
        let data: Vec<Bar> = d
            .stats
            .orders_by_status
            .iter()
            .map(|(status, n)| {
                Bar::default()
                    .label(Line::from(&status.as_str()[..4]))
                    .value(u64::try_from(*n).unwrap_or(0))
                    .style(theme.status(*status))
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(Block::new().title(Span::styled("Orders by status", theme.header())))
                .data(BarGroup::default().bars(&data))
                .bar_width(6)
                .bar_gap(1)
                .bar_style(theme.chart()),
            bars,
        );
        let orders: i64 = d.stats.orders_by_status.values().sum();
        let avg = d
            .stats
            .avg_delivery_seconds
            .map_or_else(|| "-".to_owned(), |s| format!("{:.1} days", s / 86_400.0));
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Orders      ", theme.header()),
                Span::raw(orders.to_string()),
            ]),
            Line::from(vec![
                Span::styled("Revenue     ", theme.header()),
                Span::raw(format_cents(d.stats.revenue_cents)),
            ]),
            Line::from(vec![
                Span::styled("To delivery ", theme.header()),
                Span::raw(avg),
            ]),
            Line::raw(""),
            Line::styled("Top products (units)", theme.header()),
        ];
        for p in &d.stats.top_products {
            lines.push(Line::raw(format!("{:>5}  {}", p.quantity, p.name)));
        }
        frame.render_widget(Paragraph::new(lines), figures);
        let counts: Vec<u64> = d
            .per_day
            .iter()
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .collect();
        let day = |d: Option<&(chrono::NaiveDate, i64)>| {
            d.map(|(day, _)| day.format("%m-%d").to_string())
                .unwrap_or_default()
        };
        let peak = counts.iter().max().copied().unwrap_or(0);
        frame.render_widget(
            Sparkline::default()
                .block(Block::new().title(Span::styled(
                    format!(
                        "Orders per UTC day, {} to {} (peak {peak})",
                        day(d.per_day.first()),
                        day(d.per_day.last())
                    ),
                    theme.header(),
                )))
                .data(&counts)
                .style(theme.chart()),
            spark,
        );
    }
}
