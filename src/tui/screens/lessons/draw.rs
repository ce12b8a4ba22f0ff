//! Drawing the Lessons screen: the list, or a step with its text, code and statements above
//! and its question, verdict and why at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Lessons, Open, Phase, Shown};
use crate::sql_log::{Entry, Kind};
use crate::tui::widgets::{Look, list_block, textwrap_lines};

impl Lessons {
    /// Draws the list, or the lesson being taken: its text, code and statements scroll above;
    /// the question, the verdict and why stay at the bottom.
    pub fn draw(&self, look: &Look, frame: &mut Frame, area: Rect) {
        let theme = look.theme;
        let Some(open) = &self.open else {
            let block = list_block(" Lessons ".to_owned(), theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(
                Paragraph::new(self.list_lines(look)).wrap(Wrap { trim: false }),
                inner,
            );
            return;
        };
        let lesson = &self.lessons[open.lesson];
        let title = format!(
            " Lesson {} · {} · step {}/{} ",
            open.lesson + 1,
            lesson.title,
            open.step + 1,
            lesson.steps.len()
        );
        let block = list_block(title, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let (body, foot) = self.step_lines(open, look);
        let foot_rows: u16 = foot
            .iter()
            .map(|l| textwrap_lines(&l.to_string(), inner.width).len() as u16)
            .sum::<u16>()
            .min(inner.height / 2);
        let [top, bottom] = inner.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(foot_rows),
        ]));
        frame.render_widget(
            Paragraph::new(body)
                .wrap(Wrap { trim: false })
                .scroll((open.scroll, 0)),
            top,
        );
        frame.render_widget(Paragraph::new(foot).wrap(Wrap { trim: false }), bottom);
    }

    fn list_lines(&self, look: &Look) -> Vec<Line<'static>> {
        let theme = look.theme;
        let mut lines = vec![
            Line::styled(
                "Each lesson runs orderdesk's own code on a sandbox database of its own: your \
                 data is never touched. Enter opens the lesson chosen.",
                theme.dim(),
            ),
            Line::default(),
        ];
        for (i, lesson) in self.lessons.iter().enumerate() {
            let done = self.progress.get(&lesson.source).copied().unwrap_or(0);
            let total = lesson.steps.len();
            let mark = if done >= total {
                "done".to_owned()
            } else if done > 0 {
                format!("{done}/{total}")
            } else {
                "·".to_owned()
            };
            let style = if i == self.selected {
                theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                format!(" {:>2}. {:<30} {:>5}", i + 1, lesson.title, mark),
                style,
            ));
        }
        if let Some(lesson) = self.lessons.get(self.selected) {
            lines.push(Line::default());
            lines.push(Line::from(lesson.summary.clone()));
        }
        if let Some(place) = &self.sandbox {
            lines.push(Line::default());
            lines.push(Line::styled(format!("Sandbox: {place}"), theme.dim()));
        }
        lines
    }

    /// The step's scrolling body and its fixed foot.
    fn step_lines(&self, open: &Open, look: &Look) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        let theme = look.theme;
        let step = &self.lessons[open.lesson].steps[open.step];
        let mut body = vec![Line::styled(step.title.clone(), theme.header())];
        for paragraph in step.text.split("\n\n") {
            body.push(Line::from(paragraph.replace('\n', " ")));
            body.push(Line::default());
        }
        let shown = match &open.phase {
            Phase::Done(shown) => Some(shown),
            _ => None,
        };
        if let Some(shown) = shown {
            statement_lines(shown, look, &mut body);
        }
        if let (Some(code), true) = (step.code, shown.is_none() || open.code) {
            body.push(Line::styled(
                format!("── the code: {} ({})", code.name, code.path),
                theme.dim(),
            ));
            body.extend(code.text.lines().map(|l| Line::from(l.to_owned())));
        }
        let mut foot = Vec::new();
        match (&open.phase, &step.question) {
            (Phase::Running, _) if !open.ready => {
                foot.push(Line::styled("Making the lesson's sandbox…", theme.dim()));
            }
            (Phase::Running, _) => foot.push(Line::styled("Running…", theme.dim())),
            (Phase::Reading, Some(q)) => {
                foot.push(Line::styled(format!("Q: {}", q.ask), theme.header()));
                foot.push(Line::styled(
                    "Enter: your answer, then the step runs · ↑↓ scroll",
                    theme.dim(),
                ));
            }
            (Phase::Reading, None) if step.action.is_some() => {
                foot.push(Line::styled("Enter: run it · ↑↓ scroll", theme.dim()));
            }
            (Phase::Reading, None) => {
                foot.push(Line::styled("Enter: next step · ↑↓ scroll", theme.dim()));
            }
            (Phase::Done(shown), question) => {
                if let (Some(_), Some((typed, verdict))) = (question, &shown.verdict) {
                    let (text, style) = if verdict.correct {
                        (format!("✓ {typed}: right. "), theme.ok())
                    } else {
                        (
                            format!("✗ You said {typed}; the log says {}. ", verdict.expected),
                            theme.error(),
                        )
                    };
                    foot.push(Line::from(vec![
                        Span::styled(text, style),
                        Span::raw(shown.explained.clone()),
                    ]));
                }
                foot.push(Line::styled(
                    "Enter: next step · c: the code · ← back · r: restart",
                    theme.dim(),
                ));
            }
        }
        (body, foot)
    }
}

/// The statements a step sent, each on a line (a transaction's inside marked `│`), and what
/// was refused.
fn statement_lines(shown: &Shown, look: &Look, lines: &mut Vec<Line<'static>>) {
    const SHOWN: usize = 14;
    let theme = look.theme;
    let run = shown;
    let statements = run.entries.len();
    lines.push(Line::styled(
        format!(
            "── what it sent: {statements} round trip{} in {}",
            if statements == 1 { "" } else { "s" },
            look.duration(run.elapsed)
        ),
        theme.dim(),
    ));
    // Statements sent alike one after another (eight clerks' loads) show once, counted.
    let mut groups: Vec<(&Entry, String, usize)> = Vec::new();
    for entry in &run.entries {
        let text = entry.compact(run.backend);
        match groups.last_mut() {
            Some((last, last_text, n))
                if last.kind == entry.kind && *last_text == text && last.failed == entry.failed =>
            {
                *n += 1;
            }
            _ => groups.push((entry, text, 1)),
        }
    }
    for (entry, text, n) in groups.iter().take(SHOWN) {
        let band = match entry.kind {
            Kind::Statement if entry.tx.is_some() => "│ ",
            _ => "",
        };
        let style = if entry.failed {
            theme.error()
        } else if entry.kind == Kind::Statement {
            Style::new()
        } else {
            theme.header()
        };
        let times = if *n > 1 {
            format!("  ×{n}")
        } else {
            String::new()
        };
        // Two connections taking turns (the isolation lesson's "A" and "B"): say whose.
        let who = match entry.action.as_ref().map(|a| &*a.label) {
            Some(label @ ("A" | "B")) => format!("{label} "),
            _ => String::new(),
        };
        lines.push(Line::styled(format!("{who}{band}{text}{times}"), style));
    }
    if groups.len() > SHOWN {
        let rest: usize = groups[SHOWN..].iter().map(|(_, _, n)| n).sum();
        lines.push(Line::styled(
            format!("… and {rest} more like them"),
            theme.dim(),
        ));
    }
    if let Some(e) = &run.refusal {
        lines.push(Line::styled(format!("Refused: {e}"), theme.error()));
    }
    lines.push(Line::default());
}
