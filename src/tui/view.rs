//! Drawing: the tabs, the screen, the overlays, the message line and the hint bar. Reads the
//! state only; never touches the database.

use std::fmt::Write as _;

use crate::zone::Zone;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Clear, Paragraph, Row, Sparkline, Table,
    TableState, Wrap,
};
use ratatui_textarea::TextArea;

use super::app::{App, Detail, Events, Explain, Loading, Overlay, Page, Screen};
use super::entry::{EntryFocus, OrderEntry};
use super::form::Form;
use super::keys::{self, KeyTable};
use super::request::STEP_TIMEOUT;
use super::theme::Theme;
use crate::money::format_cents;
use crate::service::stepper::Stepped;
use crate::service::{LOW_STOCK, Status};
use crate::sql_log;

/// The smallest terminal the layout is made for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draws the whole app.
pub fn draw(app: &App, theme: Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "orderdesk needs {}x{}; this terminal is {}x{}. Enlarge it, or q to quit.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [tabs, body, message, hints] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ]));
    draw_tabs(app, theme, frame, tabs);
    let body = if app.stepper.on || app.stepper.view.is_some() {
        let [top, panel] = body.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(8),
        ]));
        draw_stepper(app, theme, frame, panel);
        top
    } else {
        body
    };
    let body = if app.log_panel && app.screen != Screen::SqlLog {
        let [top, panel] = body.layout(&Layout::vertical([
            Constraint::Fill(3),
            Constraint::Fill(2),
        ]));
        draw_log(app, theme, frame, panel, false);
        top
    } else {
        body
    };
    match app.screen {
        Screen::Users => draw_users(app, theme, frame, body),
        Screen::Products => draw_products(app, theme, frame, body),
        Screen::Orders => draw_orders(app, theme, frame, body),
        Screen::Dashboard => draw_dashboard(app, theme, frame, body),
        Screen::SqlLog => draw_log(app, theme, frame, body, true),
    }
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help => draw_help(app, theme, frame, body),
            Overlay::Filter(input) => draw_filter(input, theme, frame, body),
            Overlay::Confirm(c) => draw_question(&c.question, theme, frame, body),
            Overlay::Form(form) => draw_form(form, theme, frame, body),
            Overlay::Detail(detail) => draw_detail(detail, app.zone, theme, frame, body),
            Overlay::Entry(entry) => draw_entry(entry, theme, frame, body),
            Overlay::Explain(e) => draw_explain(e, theme, frame, body),
            Overlay::Events(e) => draw_events(e, app.zone, theme, frame, body),
        }
    }
    if app.offer_demo && app.overlays.is_empty() {
        let answers = Line::from(vec![
            Span::styled("d", theme.key()),
            Span::raw(" / "),
            Span::styled("y", theme.key()),
            Span::raw(" / "),
            Span::styled("Enter", theme.key()),
            Span::raw(" load it   any other key starts empty"),
        ]);
        draw_question_with(
            "The database is empty. Load the demo data?",
            answers,
            theme,
            frame,
            body,
        );
    }
    if let Some(m) = &app.message {
        let style = if m.error { theme.error() } else { theme.ok() };
        let prefix = if m.error { "✗ " } else { "✓ " };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(prefix, style),
                Span::styled(m.text.as_str(), style),
            ])),
            message,
        );
    }
    let global = app.overlays.is_empty() && !app.offer_demo;
    draw_hints(app.keys(), global, theme, frame, hints);
}

fn draw_tabs(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (i, screen) in Screen::ALL.iter().enumerate() {
        let style = if *screen == app.screen {
            theme.tab_active()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(
            format!(" {} {} ", i + 1, screen.title()),
            style,
        ));
    }
    let tabs = Line::from(spans);
    // The open database on the right, cut from the left when it does not fit.
    let room = usize::from(area.width).saturating_sub(tabs.width() + 2);
    let label = if app.database.is_empty() {
        "orderdesk"
    } else {
        app.database.as_str()
    };
    let chars: Vec<char> = label.chars().collect();
    let shown: String = if chars.len() <= room {
        label.to_owned()
    } else if room > 1 {
        std::iter::once('…')
            .chain(chars[chars.len() - (room - 1)..].iter().copied())
            .collect()
    } else {
        String::new()
    };
    frame.render_widget(Paragraph::new(tabs), area);
    frame.render_widget(
        Paragraph::new(Span::styled(format!("{shown} "), theme.dim())).alignment(Alignment::Right),
        area,
    );
}

/// The hint bar: as many of the keys as fit, then `? more` when some did not (and the global
/// keys when no popup is open).
fn draw_hints(table: KeyTable, global: bool, theme: Theme, frame: &mut Frame, area: Rect) {
    let tail: KeyTable = if global {
        &[("?", "help"), ("q", "quit")]
    } else {
        &[]
    };
    let width = |k: &str, w: &str| k.chars().count() + w.chars().count() + 4;
    let tail_width: usize = tail.iter().map(|(k, w)| width(k, w)).sum();
    let mut room = usize::from(area.width).saturating_sub(tail_width);
    let mut spans = Vec::new();
    let push = |spans: &mut Vec<Span<'static>>, key: &'static str, what: &'static str| {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    };
    for (key, what) in table {
        let w = width(key, what);
        if w > room {
            break;
        }
        room -= w;
        push(&mut spans, key, what);
    }
    for (key, what) in tail {
        push(&mut spans, key, what);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn list_title<T>(name: &str, page: &Page<T>, extra: &str) -> String {
    let mut title = format!(" {name} · page {}", page.number());
    if !page.filter.is_empty() {
        let _ = write!(title, " · filter \"{}\"", page.filter);
    }
    title.push_str(extra);
    if page.loading == Loading::Busy {
        title.push_str(" · loading…");
    }
    title.push(' ');
    title
}

fn list_block(title: String, theme: Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.header()))
}

/// A table to draw: its box, header, column widths, rows, selected row, and what to say when
/// it has no rows.
struct ListView<'a> {
    block: Block<'a>,
    header: &'a [&'static str],
    widths: &'a [Constraint],
    rows: Vec<Row<'a>>,
    selected: Option<usize>,
    empty: &'a str,
}

fn draw_table(frame: &mut Frame, area: Rect, theme: Theme, view: ListView<'_>) {
    let ListView {
        block,
        header,
        widths,
        rows,
        selected,
        empty,
    } = view;
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(empty.to_owned(), theme.dim())).block(block),
            area,
        );
        return;
    }
    let header = Row::new(header.iter().map(|h| Cell::from(*h))).style(theme.header());
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ");
    let mut state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Text::from(text).alignment(Alignment::Right))
}

fn draw_users(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let rows = app
        .users
        .rows
        .iter()
        .map(|u| {
            Row::new(vec![
                right(u.id.to_string()),
                Cell::from(u.email.clone()),
                Cell::from(u.full_name.clone()),
                right(u.order_count.to_string()),
                Cell::from(app.zone.minute(&u.created_at)),
            ])
        })
        .collect();
    draw_table(
        frame,
        area,
        theme,
        ListView {
            block: list_block(list_title("Users", &app.users, ""), theme),
            header: &["id", "email", "name", "orders", created_header(app)],
            widths: &[
                Constraint::Length(6),
                Constraint::Fill(3),
                Constraint::Fill(2),
                Constraint::Length(6),
                Constraint::Length(16),
            ],
            rows,
            selected: Some(app.users.selected),
            empty: empty_text(app.users.loading, "No users. n adds one."),
        },
    );
}

fn empty_text(loading: Loading, empty: &'static str) -> &'static str {
    match loading {
        Loading::Done => empty,
        _ => "Loading…",
    }
}

fn stock_cell(stock: Option<i64>, theme: Theme) -> Cell<'static> {
    match stock {
        None => right("-".to_owned()),
        Some(s) if s <= LOW_STOCK => Cell::from(
            Text::from(Span::styled(format!("{s} low"), theme.low())).alignment(Alignment::Right),
        ),
        Some(s) => right(s.to_string()),
    }
}

fn draw_products(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let rows = app
        .products
        .rows
        .iter()
        .map(|p| {
            Row::new(vec![
                right(p.id.to_string()),
                Cell::from(p.name.clone()),
                right(format_cents(p.price_cents)),
                stock_cell(p.stock, theme),
            ])
        })
        .collect();
    draw_table(
        frame,
        area,
        theme,
        ListView {
            block: list_block(list_title("Products", &app.products, ""), theme),
            header: &["id", "name", "price", "stock"],
            widths: &[
                Constraint::Length(6),
                Constraint::Fill(1),
                Constraint::Length(12),
                Constraint::Length(9),
            ],
            rows,
            selected: Some(app.products.selected),
            empty: empty_text(app.products.loading, "No products. n adds one."),
        },
    );
}

fn draw_orders(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut extra = String::new();
    if let Some(u) = &app.customer_filter {
        let _ = write!(extra, " · customer {}", u.email);
    }
    if let Some(s) = app.status_filter {
        let _ = write!(extra, " · {s} only");
    }
    let rows = app
        .orders
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
                Cell::from(app.zone.minute(&o.order.created_at)),
            ])
        })
        .collect();
    draw_table(
        frame,
        area,
        theme,
        ListView {
            block: list_block(list_title("Orders", &app.orders, &extra), theme),
            header: &[
                "id",
                "customer",
                "status",
                "items",
                "total",
                created_header(app),
            ],
            widths: &[
                Constraint::Length(7),
                Constraint::Fill(1),
                Constraint::Length(9),
                Constraint::Length(5),
                Constraint::Length(10),
                Constraint::Length(16),
            ],
            rows,
            selected: Some(app.orders.selected),
            empty: empty_text(app.orders.loading, "No orders. n starts one."),
        },
    );
}

fn draw_dashboard(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut title = " Dashboard".to_owned();
    if app.dashboard_loading == Loading::Busy {
        title.push_str(" · loading…");
    }
    title.push(' ');
    let block = list_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(d) = &app.dashboard else {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
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
    let first = d
        .per_day
        .first()
        .map(|(day, _)| day.format("%m-%d").to_string());
    let last = d
        .per_day
        .last()
        .map(|(day, _)| day.format("%m-%d").to_string());
    let peak = counts.iter().max().copied().unwrap_or(0);
    frame.render_widget(
        Sparkline::default()
            .block(Block::new().title(Span::styled(
                format!(
                    "Orders per UTC day, {} to {} (peak {peak})",
                    first.unwrap_or_default(),
                    last.unwrap_or_default()
                ),
                theme.header(),
            )))
            .data(&counts)
            .style(theme.chart()),
        spark,
    );
}

/// Statements slower than this are marked.
const SLOW: std::time::Duration = std::time::Duration::from_millis(10);

fn time_text(d: std::time::Duration, masked: bool) -> String {
    if masked {
        "--".to_owned()
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

/// The SQL log: each action a header (statements, time, a likely N+1), each transaction a band
/// from BEGIN to COMMIT or ROLLBACK, each statement with its values written in.
fn draw_log(app: &App, theme: Theme, frame: &mut Frame, area: Rect, full: bool) {
    let Some(log) = &app.log else {
        frame.render_widget(
            Paragraph::new("The SQL log is off.").block(list_block(" SQL log ".to_owned(), theme)),
            area,
        );
        return;
    };
    let entries = log.entries();
    let summaries = sql_log::summarize(&entries);
    let by_action: std::collections::HashMap<Option<u64>, &sql_log::ActionSummary> = summaries
        .iter()
        .map(|s| (s.action.as_ref().map(|a| a.id), s))
        .collect();
    let title = format!(
        " SQL log · {} statement(s){} ",
        entries.len(),
        if full { "" } else { " · L hides" }
    );
    let block = list_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if entries.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "Nothing yet: every statement the app sends shows here, with its values and time.",
                theme.dim(),
            )),
            inner,
        );
        return;
    }
    let selected = if full {
        app.log_selected
            .filter(|id| entries.iter().any(|e| e.id == *id))
            .or(entries.last().map(|e| e.id))
    } else {
        None
    };
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    // For each line, the line of its action's header (kept in view at the top).
    let mut header_of: Vec<usize> = Vec::new();
    let mut header = 0;
    let mut selected_line = 0;
    let mut last_action = None;
    for e in &entries {
        let action = e.action.as_ref().map(|a| a.id);
        if lines.is_empty() || action != last_action {
            last_action = action;
            header = lines.len();
            header_of.push(header);
            let label = e.action.as_ref().map_or("(no action)", |a| &a.label);
            let mut spans = vec![Span::styled(format!("▸ {label}"), theme.header())];
            if let Some(s) = by_action.get(&action) {
                spans.push(Span::styled(
                    format!(
                        "  {} statement(s), {}",
                        s.statements,
                        time_text(s.elapsed, app.mask_time)
                    ),
                    theme.dim(),
                ));
                if let Some((_, n)) = &s.n_plus_one {
                    spans.push(Span::styled(
                        format!("  ⚠ likely N+1: the same SELECT {n} times"),
                        theme.error(),
                    ));
                }
            }
            lines.push(Line::from(spans));
        }
        let (gutter, style, text) = match e.kind {
            sql_log::Kind::Begin => ("┌ ", theme.ok(), e.sql.clone()),
            sql_log::Kind::Commit => ("└ ", theme.ok(), "COMMIT ✓".to_owned()),
            sql_log::Kind::Rollback { on_drop } => (
                "└ ",
                theme.error(),
                if on_drop {
                    "ROLLBACK ✗ (dropped unfinished)".to_owned()
                } else {
                    "ROLLBACK ✗".to_owned()
                },
            ),
            sql_log::Kind::Statement => (
                if e.tx.is_some() { "│ " } else { "  " },
                if e.failed {
                    theme.error()
                } else {
                    Style::new()
                },
                e.compact(log.backend()),
            ),
        };
        let time = time_text(e.elapsed, app.mask_time);
        let mut flags = String::new();
        if e.failed {
            flags.push_str(" FAILED");
        }
        if e.elapsed >= SLOW && !app.mask_time {
            flags.push_str(" SLOW");
        }
        let room = width.saturating_sub(time.len() + flags.len() + 5);
        let mut shown: String = text.chars().take(room).collect();
        if text.chars().count() > room {
            shown.pop();
            shown.push('…');
        }
        let pad = room.saturating_sub(shown.chars().count());
        let mut line = Line::from(vec![
            Span::styled(format!("  {gutter}"), style),
            Span::styled(shown, style),
            Span::raw(" ".repeat(pad + 1)),
            Span::styled(flags, theme.error()),
            Span::styled(time, theme.dim()),
        ]);
        if Some(e.id) == selected {
            selected_line = lines.len();
            line = line.style(theme.selected());
        }
        header_of.push(header);
        lines.push(line);
    }
    let height = usize::from(inner.height);
    let top = if full {
        selected_line.saturating_sub(height.saturating_sub(2))
    } else {
        lines.len().saturating_sub(height)
    };
    let sticky = header_of
        .get(top)
        .copied()
        .filter(|&h| h < top)
        .map(|h| lines[h].clone());
    let mut visible: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    if let (Some(head), Some(first)) = (sticky, visible.first_mut()) {
        *first = head;
    }
    frame.render_widget(Paragraph::new(visible), inner);
}

/// The stepper panel: what the paused transaction did, what another connection sees, and why.
fn draw_stepper(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let paused = app
        .stepper
        .view
        .as_ref()
        .is_some_and(super::app::StepView::paused);
    let title = if paused {
        " ⏸ Transaction paused before COMMIT: it holds locks · y commits · r rolls back ".to_owned()
    } else if app.stepper.on {
        " Transaction stepper · on (t turns it off) ".to_owned()
    } else {
        " Transaction stepper · off ".to_owned()
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(if paused { theme.error() } else { theme.focus() })
        .title(Span::styled(title, theme.header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    match &app.stepper.view {
        None => {
            lines.push(Line::raw(
                "Place an order (n on Orders) or cancel one (c): the transaction runs to just",
            ));
            lines.push(Line::raw(
                "before COMMIT on a connection of its own and waits here for y or r.",
            ));
        }
        Some(v) => {
            let what = match &v.info.what {
                Stepped::Created(o) => format!(
                    "created order {} ({} line(s), {})",
                    o.id,
                    o.items.len(),
                    format_cents(o.total_amount_cents)
                ),
                Stepped::Cancelled(c) => format!(
                    "cancelled order {} and gave back {} unit(s)",
                    c.order.id,
                    c.restocked.iter().map(|(_, q)| q).sum::<i64>()
                ),
            };
            let state = match &v.outcome {
                None => {
                    let left = app.now.map_or(STEP_TIMEOUT, |now| {
                        STEP_TIMEOUT.saturating_sub(now.duration_since(v.since))
                    });
                    if app.mask_time {
                        "waiting (rolls back by itself after 60 s)".to_owned()
                    } else {
                        format!("waiting; rolls back by itself in {} s", left.as_secs())
                    }
                }
                Some(outcome) => outcome.clone(),
            };
            lines.push(Line::from(vec![
                Span::styled("This transaction   ", theme.header()),
                Span::raw(format!("{what}; {state}")),
            ]));
            lines.push(Line::from(vec![
                Span::styled("Isolation          ", theme.header()),
                Span::raw(v.info.isolation.clone()),
            ]));
            lines.push(Line::from(vec![
                Span::styled("Another connection ", theme.header()),
                Span::raw(v.peek.clone().unwrap_or_else(|| "asking…".to_owned())),
            ]));
        }
    }
    let why = if app.sqlite {
        "SQLite: it holds the one write lock; other writes wait 10 s, then fail. Reads see the last commit."
    } else {
        "PostgreSQL: others read the last committed rows; a write to a locked row waits for COMMIT or ROLLBACK."
    };
    lines.push(Line::styled(why, theme.dim()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// The outbox: the newest events on the left, the selected one's payload pretty-printed.
fn draw_events(events: &Events, zone: Zone, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(
        "Order events (the outbox), newest first",
        theme,
        frame,
        area,
    );
    let Some(rows) = &events.rows else {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
        return;
    };
    let [list, payload] = inner.layout(&Layout::horizontal([
        Constraint::Length(46),
        Constraint::Fill(1),
    ]));
    let table_rows = rows
        .iter()
        .map(|e| {
            Row::new(vec![
                right(e.order_id.to_string()),
                Cell::from(e.event_type.trim_start_matches("order_").to_owned()),
                Cell::from(zone.format(&e.created_at, "%m-%d %H:%M")),
            ])
        })
        .collect();
    draw_table(
        frame,
        list,
        theme,
        ListView {
            block: Block::new(),
            header: &["order", "event", "when"],
            widths: &[
                Constraint::Length(6),
                Constraint::Length(14),
                Constraint::Length(11),
            ],
            rows: table_rows,
            selected: Some(events.selected),
            empty: "No events yet.",
        },
    );
    let text = rows
        .get(events.selected)
        .map(|e| serde_json::to_string_pretty(&e.payload).unwrap_or_default())
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

fn draw_explain(e: &Explain, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup("Statement and plan", theme, frame, area);
    let mut lines = vec![Line::styled(
        "Statement, values written in:",
        theme.header(),
    )];
    lines.extend(
        textwrap_lines(&e.sql, inner.width.saturating_sub(2))
            .into_iter()
            .map(|l| Line::raw(format!(" {l}"))),
    );
    lines.push(Line::raw(""));
    lines.push(Line::styled("Plan:", theme.header()));
    match &e.plan {
        None => lines.push(Line::styled(" asking the database…", theme.dim())),
        Some(Ok(plan)) => lines.extend(plan.iter().map(|l| Line::raw(format!(" {l}")))),
        Some(Err(why)) => lines.push(Line::styled(format!(" {why}"), theme.dim())),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A rectangle of `width` x `height` centred in `area` (clamped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = area.layout(
        &Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center),
    );
    let [cell] = row.layout(
        &Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center),
    );
    cell
}

fn popup(title: &str, theme: Theme, frame: &mut Frame, area: Rect) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus())
        .title(Span::styled(format!(" {title} "), theme.header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn draw_help(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let table = app.screen.keys();
    let mut lines: Vec<Line> = Vec::new();
    for (key, what) in table.iter().chain(keys::GLOBAL) {
        lines.push(Line::from(vec![
            Span::styled(format!("{key:>12}  "), theme.key()),
            Span::raw(*what),
        ]));
    }
    let height = lines.len() as u16 + 2;
    let inner = popup(
        &format!("Keys: {}", app.screen.title()),
        theme,
        frame,
        centered(area, 50, height),
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_filter(input: &TextArea<'_>, theme: Theme, frame: &mut Frame, area: Rect) {
    let [_, bottom] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(3),
    ]));
    frame.render_widget(Clear, bottom);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus())
        .title(Span::styled(
            " Filter (runs in the database) ",
            theme.header(),
        ));
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    frame.render_widget(input, inner);
}

fn draw_question(question: &str, theme: Theme, frame: &mut Frame, area: Rect) {
    let answers = Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(" / "),
        Span::styled("Enter", theme.key()),
        Span::raw(" yes   "),
        Span::styled("n", theme.key()),
        Span::raw(" / "),
        Span::styled("Esc", theme.key()),
        Span::raw(" no"),
    ]);
    draw_question_with(question, answers, theme, frame, area);
}

/// A question in a small popup, with the line that says which keys answer it.
fn draw_question_with(
    question: &str,
    answers: Line<'_>,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = (question.chars().count().max(answers.width()) as u16 + 4).clamp(30, 70);
    let lines = textwrap_lines(question, width - 4);
    let height = lines.len() as u16 + 4;
    let inner = popup("Confirm", theme, frame, centered(area, width, height));
    let mut text: Vec<Line> = lines.into_iter().map(Line::raw).collect();
    text.push(Line::raw(""));
    text.push(answers);
    frame.render_widget(Paragraph::new(text), inner);
}

/// The created column's header, with the zone its times are in.
fn created_header(app: &App) -> &'static str {
    match app.zone {
        Zone::Local => "created (local)",
        Zone::Utc => "created (UTC)",
    }
}

/// Splits text into lines of at most `width` characters at spaces.
fn textwrap_lines(text: &str, width: u16) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width as usize {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn input_box(
    label: &str,
    input: &TextArea<'_>,
    focused: bool,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let style = if focused { theme.focus() } else { theme.dim() };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(format!(" {label} "), style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if focused {
        frame.render_widget(input, inner);
    } else {
        let text = input.lines().first().cloned().unwrap_or_default();
        frame.render_widget(Paragraph::new(text), inner);
    }
}

fn draw_form(form: &Form, theme: Theme, frame: &mut Frame, area: Rect) {
    let height = form.fields.len() as u16 * 4 + 3;
    let inner = popup(&form.title(), theme, frame, centered(area, 64, height));
    let mut constraints: Vec<Constraint> = form
        .fields
        .iter()
        .flat_map(|_| [Constraint::Length(3), Constraint::Length(1)])
        .collect();
    constraints.push(Constraint::Length(1));
    let rows = Layout::vertical(constraints).split(inner);
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus && !form.saving;
        input_box(
            field.label,
            &field.input,
            focused,
            theme,
            frame,
            rows[i * 2],
        );
        let note = match &field.error {
            Some(e) => Span::styled(format!("  ✗ {e}"), theme.error()),
            None => Span::styled(format!("  {}", field.hint), theme.dim()),
        };
        frame.render_widget(Paragraph::new(note), rows[i * 2 + 1]);
    }
    let foot = if form.saving {
        Span::styled("  saving…", theme.dim())
    } else {
        Span::styled(
            "  Ctrl-S or Enter on the last field saves · Esc cancels",
            theme.dim(),
        )
    };
    frame.render_widget(Paragraph::new(foot), rows[form.fields.len() * 2]);
}

fn draw_detail(detail: &Detail, zone: Zone, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup(&format!("Order {}", detail.id), theme, frame, area);
    let Some(d) = &detail.order else {
        frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), inner);
        return;
    };
    let o = &d.order;
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
            format!(
                "{:<28} {:>5} {:>10} {:>10} {:>10}",
                "product", "qty", "price paid", "price now", "amount"
            ),
            theme.header(),
        ),
    ];
    for (item, now) in o.items.iter().zip(&d.current_prices_cents) {
        let name: String = item.product_name.chars().take(28).collect();
        lines.push(Line::raw(format!(
            "{name:<28} {:>5} {:>10} {:>10} {:>10}",
            item.quantity,
            format_cents(item.price_cents_at_purchase),
            format_cents(*now),
            format_cents(item.amount_cents)
        )));
    }
    lines.push(Line::styled(
        format!(
            "{:<28} {:>5} {:>10} {:>10} {:>10}",
            "total",
            o.total_quantity,
            "",
            "",
            format_cents(o.total_amount_cents)
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("History", theme.header()));
    for e in &d.events {
        let what = match e.event_type.as_str() {
            "order_created" => format!("placed as {}", e.payload["status"].as_str().unwrap_or("?")),
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
    frame.render_widget(Paragraph::new(lines).scroll((detail.scroll, 0)), inner);
}

fn draw_entry(entry: &OrderEntry, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = popup("New order", theme, frame, area);
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
    if picking_users {
        let rows = entry
            .users
            .iter()
            .map(|u| {
                Row::new(vec![
                    Cell::from(u.email.clone()),
                    Cell::from(u.full_name.clone()),
                    right(format!("{} orders", u.order_count)),
                ])
            })
            .collect();
        draw_table(
            frame,
            lines_area,
            theme,
            ListView {
                block: Block::new().title(Span::styled("Customers (Enter picks)", theme.header())),
                header: &["email", "name", ""],
                widths: &[
                    Constraint::Fill(3),
                    Constraint::Fill(2),
                    Constraint::Length(10),
                ],
                rows,
                selected: Some(entry.pick),
                empty: "",
            },
        );
    } else if picking_products {
        let rows = entry
            .products
            .iter()
            .map(|p| {
                Row::new(vec![
                    Cell::from(p.name.clone()),
                    right(format_cents(p.price_cents)),
                    stock_cell(p.stock, theme),
                ])
            })
            .collect();
        draw_table(
            frame,
            lines_area,
            theme,
            ListView {
                block: Block::new().title(Span::styled("Products (Enter picks)", theme.header())),
                header: &["product", "price", "stock"],
                widths: &[
                    Constraint::Fill(1),
                    Constraint::Length(10),
                    Constraint::Length(9),
                ],
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
        Span::styled("Ctrl-S places the order", theme.dim())
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
