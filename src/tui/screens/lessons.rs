//! The Lessons screen (key 6): the list of lessons with each one's progress, and a lesson being
//! taken: its step's text, the SeaORM code that runs, the question (answered before the step
//! runs), then the statements it sent, the answer the log gives, and why.
//!
//! Lessons run on a sandbox (see `Sandbox`): the database work is a request like any other,
//! and nothing here waits for it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::lessons::{Lesson, StepRun, Verdict, check_answer};
use crate::sql_log::{Entry, Kind};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, Key, PAGE_DOWN, PAGE_UP, bind, ch};
use crate::tui::popups::Overlay;
use crate::tui::popups::answer::AnswerBox;
use crate::tui::request::Request;
use crate::tui::widgets::{Look, list_block, textwrap_lines};

/// The keys of the list of lessons.
pub const BINDINGS: Bindings = &[
    bind(
        &[
            Key::Code(KeyCode::Up),
            Key::Code(KeyCode::Down),
            ch('j'),
            ch('k'),
        ],
        "choose",
    ),
    bind(&[ENTER, ch('r')], "start the lesson"),
];

/// The keys while a lesson is open.
pub const STEP_BINDINGS: Bindings = &[
    bind(&[ENTER], "answer / run / next"),
    bind(
        &[Key::Code(KeyCode::Right), Key::Code(KeyCode::Left)],
        "next / previous step",
    ),
    bind(
        &[
            Key::Code(KeyCode::Up),
            Key::Code(KeyCode::Down),
            ch('j'),
            ch('k'),
        ],
        "scroll",
    ),
    bind(&[PAGE_UP, PAGE_DOWN], "scroll a page"),
    bind(&[ch('c')], "code / statements"),
    bind(&[ch('r')], "restart"),
    bind(&[ESC], "all lessons"),
];

/// Where a step is.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Read, not yet run.
    Reading,
    /// Its action is running (or its sandbox is being made).
    Running,
    /// Run: what it showed.
    Done(Box<Shown>),
}

/// What a step's run showed.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The statements it sent.
    pub entries: Vec<Entry>,
    /// How long it took.
    pub elapsed: std::time::Duration,
    /// The backend, to write the values in.
    pub backend: sea_orm::DbBackend,
    /// Why the action was refused, if it was.
    pub refusal: Option<String>,
    /// What the student answered, and whether the log agrees.
    pub verdict: Option<(String, Verdict)>,
    /// The question's explanation, with this run's figures.
    pub explained: String,
}

/// A lesson being taken.
#[derive(Debug, Clone)]
pub struct Open {
    /// Which lesson.
    pub lesson: usize,
    /// Which step (0-based).
    pub step: usize,
    /// Where the step is.
    pub phase: Phase,
    /// The answer typed for the step's question.
    pub answer: Option<String>,
    /// Lines scrolled.
    pub scroll: u16,
    /// Showing the code even after the run (`c`).
    pub code: bool,
    /// The sandbox is ready.
    pub ready: bool,
}

/// The Lessons screen.
#[derive(Debug, Clone, Default)]
pub struct Lessons {
    /// The lessons: the six built in, then any the instructor gave (`learn FILE`).
    pub lessons: Vec<Lesson>,
    /// The one chosen in the list.
    pub selected: usize,
    /// The lesson being taken.
    pub open: Option<Open>,
    /// Steps done per lesson (its source), kept between runs in `progress_file`.
    pub progress: BTreeMap<String, usize>,
    /// Where progress is kept (none in tests).
    pub progress_file: Option<PathBuf>,
    /// Where the sandbox is, once made.
    pub sandbox: Option<String>,
}

impl Lessons {
    /// The built-in lessons and `extra`, with the progress kept in `progress_file`.
    #[must_use]
    pub fn new(extra: Vec<Lesson>, progress_file: Option<PathBuf>) -> Self {
        let mut lessons = crate::lessons::built_in();
        lessons.extend(extra);
        let progress = progress_file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        Lessons {
            lessons,
            progress,
            progress_file,
            ..Lessons::default()
        }
    }

    /// Opens lesson `index` at its first step: a fresh sandbox, set up for it.
    pub fn start(&mut self, index: usize) -> Vec<Action> {
        let Some(lesson) = self.lessons.get(index) else {
            return vec![Action::Refuse(format!("there is no lesson {}", index + 1))];
        };
        self.selected = index;
        self.open = Some(Open {
            lesson: index,
            step: 0,
            phase: Phase::Running,
            answer: None,
            scroll: 0,
            code: false,
            ready: false,
        });
        vec![Action::Run(Request::LessonStart(Box::new(lesson.clone())))]
    }

    /// The sandbox is ready (or could not be made).
    pub fn ready(&mut self, result: Result<String, String>) -> Vec<Action> {
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        match result {
            Ok(place) => {
                open.ready = true;
                open.phase = Phase::Reading;
                self.sandbox = Some(place);
                Vec::new()
            }
            Err(why) => {
                self.open = None;
                vec![Action::Refuse(format!("the lesson's sandbox: {why}"))]
            }
        }
    }

    /// A step's action ran.
    pub fn stepped(&mut self, run: StepRun) {
        let Some(open) = &mut self.open else {
            return;
        };
        let lesson = &self.lessons[open.lesson];
        let step = &lesson.steps[open.step];
        let verdict = match (&step.question, open.answer.take()) {
            (Some(q), Some(typed)) => run
                .answer(&q.answer)
                .ok()
                .map(|expected| (typed.clone(), check_answer(&expected, &typed))),
            _ => None,
        };
        let explained = step
            .question
            .as_ref()
            .map(|q| run.fill(&q.explain))
            .unwrap_or_default();
        open.phase = Phase::Done(Box::new(Shown {
            refusal: run.outcome.as_ref().err().map(ToString::to_string),
            entries: run.entries,
            elapsed: run.elapsed,
            backend: run.backend,
            verdict,
            explained,
        }));
        open.scroll = 0;
        open.code = false;
        let done = open.step + 1;
        let kept = self.progress.entry(lesson.source.clone()).or_default();
        if done > *kept {
            *kept = done;
            self.save_progress();
        }
    }

    /// The student's answer to the step's question: the step runs.
    pub fn answered(&mut self, typed: String) -> Vec<Action> {
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        open.answer = Some(typed);
        self.run_step()
    }

    fn run_step(&mut self) -> Vec<Action> {
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        let step = &self.lessons[open.lesson].steps[open.step];
        if let Some(action) = &step.action {
            open.phase = Phase::Running;
            return vec![Action::Run(Request::LessonStep(Box::new(action.clone())))];
        }
        let (lesson, done) = (self.lessons[open.lesson].source.clone(), open.step + 1);
        let kept = self.progress.entry(lesson).or_default();
        if done > *kept {
            *kept = done;
            self.save_progress();
        }
        self.go(1)
    }

    fn save_progress(&self) {
        if let Some(file) = &self.progress_file {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Ok(text) = serde_json::to_string_pretty(&self.progress) {
                let _ = std::fs::write(file, text);
            }
        }
    }

    /// Moves `by` steps (a step not yet run shows its text and question again).
    fn go(&mut self, by: isize) -> Vec<Action> {
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        let steps = self.lessons[open.lesson].steps.len();
        let to = open.step as isize + by;
        if to < 0 {
            return vec![Action::Refuse("this is the lesson's first step".into())];
        }
        if to as usize >= steps {
            let title = self.lessons[open.lesson].title.clone();
            let next = open.lesson + 1;
            self.open = None;
            self.selected = next.min(self.lessons.len() - 1);
            return vec![Action::Say(format!(
                "Lesson finished: {title}. Enter opens the next one; r in a lesson starts it again."
            ))];
        }
        if matches!(open.phase, Phase::Running) {
            return vec![Action::Refuse("the step is still running".into())];
        }
        open.step = to as usize;
        open.phase = Phase::Reading;
        open.answer = None;
        open.scroll = 0;
        Vec::new()
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> Handled {
        let Some(open) = &mut self.open else {
            return match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    self.selected = self.selected.saturating_sub(1);
                    Some(Vec::new())
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    self.selected = (self.selected + 1).min(self.lessons.len().saturating_sub(1));
                    Some(Vec::new())
                }
                KeyCode::Enter | KeyCode::Char('r') => Some(self.start(self.selected)),
                _ => None,
            };
        };
        match key.code {
            KeyCode::Esc => {
                self.open = None;
                Some(Vec::new())
            }
            KeyCode::Char('r') => {
                let lesson = open.lesson;
                Some(self.start(lesson))
            }
            KeyCode::Up | KeyCode::Char('k') => {
                open.scroll = open.scroll.saturating_sub(1);
                Some(Vec::new())
            }
            KeyCode::Down | KeyCode::Char('j') => {
                open.scroll = open.scroll.saturating_add(1);
                Some(Vec::new())
            }
            KeyCode::PageUp => {
                open.scroll = open.scroll.saturating_sub(10);
                Some(Vec::new())
            }
            KeyCode::PageDown => {
                open.scroll = open.scroll.saturating_add(10);
                Some(Vec::new())
            }
            KeyCode::Char('c') => {
                open.code = !open.code;
                Some(Vec::new())
            }
            KeyCode::Right => Some(self.go(1)),
            KeyCode::Left => Some(self.go(-1)),
            KeyCode::Enter => Some(match &open.phase {
                Phase::Running => vec![Action::Refuse("the step is still running".into())],
                Phase::Done(_) => self.go(1),
                Phase::Reading => {
                    let step = &self.lessons[open.lesson].steps[open.step];
                    match &step.question {
                        Some(q) => vec![Action::Open(Overlay::Answer(AnswerBox::new(&q.ask)))],
                        None => self.run_step(),
                    }
                }
            }),
            _ => None,
        }
    }

    /// The keys now: the list's, or an open lesson's.
    #[must_use]
    pub fn bindings(&self) -> Bindings {
        if self.open.is_some() {
            STEP_BINDINGS
        } else {
            BINDINGS
        }
    }

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
