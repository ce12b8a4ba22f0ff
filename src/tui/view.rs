//! The frame: tabs and the open database, the screen (with the stepper and SQL log panels
//! under it when on), the popups, the message line and the hint bar. Each screen and popup
//! draws itself; this file only lays them out. Reads the state; never touches the database.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, MIN_SIZE, Panel};
use super::keymap;
use super::popups::Overlay;
use super::screens::Screen;
use super::screens::sql_log::Size;
use super::theme::Theme;
use super::widgets;

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
    let look = app.look(theme);
    let [tabs, body, message, hints] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ]));
    draw_tabs(app, theme, frame, tabs);
    let body = if app.stepper.shows() {
        let [top, panel] = body.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(8),
        ]));
        app.stepper.draw(&look, frame, panel);
        top
    } else {
        body
    };
    let body = if app.log_panel == Panel::Shown && app.screen != Screen::SqlLog {
        let [top, panel] = body.layout(&Layout::vertical([
            Constraint::Fill(3),
            Constraint::Fill(2),
        ]));
        app.sql_log.draw(Size::Panel, &look, frame, panel);
        top
    } else {
        body
    };
    match app.screen {
        Screen::Users => app.users.draw(&look, frame, body),
        Screen::Products => app.products.draw(&look, frame, body),
        Screen::Orders => app.orders.draw(&look, frame, body),
        Screen::Dashboard => app.dashboard.draw(&look, frame, body),
        Screen::SqlLog => app.sql_log.draw(Size::Full, &look, frame, body),
        Screen::Lessons => app.lessons.draw(&look, frame, body),
    }
    let top = app.overlays.len().saturating_sub(1);
    for (i, overlay) in app.overlays.iter().enumerate() {
        // The demo offer waits under other popups until they close.
        if matches!(overlay, Overlay::DemoOffer) && i != top {
            continue;
        }
        overlay.draw(&look, frame, body);
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
    let tail = if app.overlays.is_empty() {
        keymap::TAIL
    } else {
        &[]
    };
    widgets::hints(app.bindings(), tail, theme, frame, hints);
}

fn draw_tabs(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (i, screen) in Screen::ALL.iter().enumerate() {
        let style = if *screen == app.screen {
            theme.tab_active()
        } else {
            theme.dim()
        };
        // One space between tabs: six of them and the database's name fit in 80 columns.
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!("{} {}", i + 1, screen.title()), style));
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
