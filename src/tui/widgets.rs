//! Drawing pieces the screens and popups share: boxes, tables, popups, text fields, questions
//! and the hint bar.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState};
use ratatui_textarea::TextArea;

use super::keymap::Binding;
use super::theme::Theme;
use crate::service::LOW_STOCK;
use crate::zone::Zone;

/// Whether durations are drawn (snapshots mask them, since they differ run to run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// Drawn as they were measured.
    Shown,
    /// Drawn as `--`.
    Masked,
}

/// What every view draws with: colours, the zone times are shown in, whether durations are
/// shown, and the time of the last tick.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// The colours.
    pub theme: Theme,
    /// The zone of times.
    pub zone: Zone,
    /// Whether durations are shown.
    pub times: Times,
    /// The last tick.
    pub now: Option<Instant>,
}

impl Look {
    /// A duration as the SQL log and the stepper show it.
    #[must_use]
    pub fn duration(&self, d: Duration) -> String {
        match self.times {
            Times::Masked => "--".to_owned(),
            Times::Shown => format!("{:.2} ms", d.as_secs_f64() * 1e3),
        }
    }

    /// The created column's header, with the zone its times are in.
    #[must_use]
    pub fn created_header(&self) -> &'static str {
        match self.zone {
            Zone::Local => "created (local)",
            Zone::Utc => "created (UTC)",
        }
    }
}

/// A box with a title.
#[must_use]
pub fn list_block(title: String, theme: Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.header()))
}

/// A table to draw: its box, header, column widths, rows, selected row, and what to say when
/// it has no rows.
pub struct ListView<'a> {
    /// The box.
    pub block: Block<'a>,
    /// The column headers.
    pub header: &'a [&'static str],
    /// The column widths.
    pub widths: &'a [Constraint],
    /// The rows.
    pub rows: Vec<Row<'a>>,
    /// The selected row.
    pub selected: Option<usize>,
    /// What an empty table says.
    pub empty: &'a str,
}

/// Draws a table, or what it says when empty.
pub fn draw_table(frame: &mut Frame, area: Rect, theme: Theme, view: ListView<'_>) {
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

/// A right-aligned cell.
#[must_use]
pub fn right(text: String) -> Cell<'static> {
    Cell::from(Text::from(text).alignment(Alignment::Right))
}

/// A stock cell: `-` when untracked, marked low at [`LOW_STOCK`] or below.
#[must_use]
pub fn stock_cell(stock: Option<i64>, theme: Theme) -> Cell<'static> {
    match stock {
        None => right("-".to_owned()),
        Some(s) if s <= LOW_STOCK => Cell::from(
            Text::from(Span::styled(format!("{s} low"), theme.low())).alignment(Alignment::Right),
        ),
        Some(s) => right(s.to_string()),
    }
}

/// A rectangle of `width` x `height` centred in `area` (clamped to it).
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = area.layout(
        &Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center),
    );
    let [cell] = row.layout(
        &Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center),
    );
    cell
}

/// A popup box over `area`; returns the inside.
pub fn popup(title: &str, theme: Theme, frame: &mut Frame, area: Rect) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus())
        .title(Span::styled(format!(" {title} "), theme.header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A one-line text field in a box, with its cursor when focused.
pub fn input_box(
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

/// A text field across the bottom of `area`, over what is there, titled (cut to fit).
pub fn bottom_field(
    title: &str,
    input: &TextArea<'_>,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let [_, bottom] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(3),
    ]));
    frame.render_widget(Clear, bottom);
    let mut title = format!(" {title} ");
    let width = usize::from(bottom.width.saturating_sub(4));
    if title.chars().count() > width {
        title = title
            .chars()
            .take(width.saturating_sub(1))
            .collect::<String>()
            + "…";
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus())
        .title(Span::styled(title, theme.header()));
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    frame.render_widget(input, inner);
}

/// Splits text into lines of at most `width` characters at spaces.
#[must_use]
pub fn textwrap_lines(text: &str, width: u16) -> Vec<String> {
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

/// "Loading…", dim, in `area`.
pub fn loading(theme: Theme, frame: &mut Frame, area: Rect) {
    frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.dim())), area);
}

/// The line under a question that says which keys answer it: each answer's keys (`y / Enter`)
/// then what it does, three spaces between answers; an answer without keys is plain text.
#[must_use]
pub fn answers(theme: Theme, answers: &[(&[&'static str], &'static str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (keys, what)) in answers.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("   "));
        }
        for (k, key) in keys.iter().enumerate() {
            if k > 0 {
                spans.push(Span::raw(" / "));
            }
            spans.push(Span::styled(*key, theme.key()));
        }
        let space = if keys.is_empty() { "" } else { " " };
        spans.push(Span::raw(format!("{space}{what}")));
    }
    Line::from(spans)
}

/// A question in a small popup, with the line that says which keys answer it.
pub fn question(question: &str, answers: Line<'_>, theme: Theme, frame: &mut Frame, area: Rect) {
    let width = (question.chars().count().max(answers.width()) as u16 + 4).clamp(30, 70);
    let lines = textwrap_lines(question, width - 4);
    let height = lines.len() as u16 + 4;
    let inner = popup("Confirm", theme, frame, centered(area, width, height));
    let mut text: Vec<Line> = lines.into_iter().map(Line::raw).collect();
    text.push(Line::raw(""));
    text.push(answers);
    frame.render_widget(Paragraph::new(text), inner);
}

/// The hint bar: as many of `bindings` as fit, then `tail` (the global keys when no popup is
/// open).
pub fn hints(bindings: &[Binding], tail: &[Binding], theme: Theme, frame: &mut Frame, area: Rect) {
    let width = |k: &str, w: &str| k.chars().count() + w.chars().count() + 4;
    let labelled = |b: &[Binding]| -> Vec<(String, &'static str)> {
        b.iter().map(|b| (b.label(), b.what)).collect()
    };
    let (bindings, tail) = (labelled(bindings), labelled(tail));
    let tail_width: usize = tail.iter().map(|(k, w)| width(k, w)).sum();
    let mut room = usize::from(area.width).saturating_sub(tail_width);
    let mut spans = Vec::new();
    let push = |spans: &mut Vec<Span<'static>>, key: String, what: &'static str| {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    };
    for (key, what) in bindings {
        let w = width(&key, what);
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
