//! The Lessons screen (key 6): the list of lessons with each one's progress, and a lesson being
//! taken: its step's text, the SeaORM code that runs, the question (answered before the step
//! runs), then the statements it sent, the answer the log gives, and why.
//!
//! Lessons run on a sandbox (see `Sandbox`): the database work is a request like any other,
//! and nothing here waits for it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

mod draw;

use crate::lessons::{Lesson, StepRun, Verdict, check_answer};
use crate::sql_log::{Entry, SqlLog};
use crate::tui::action::{Action, Handled};
use crate::tui::keymap::{Bindings, ENTER, ESC, Key, PAGE_DOWN, PAGE_UP, bind, ch};
use crate::tui::popups::Overlay;
use crate::tui::popups::answer::AnswerBox;
use crate::tui::request::Request;

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
    bind(&[ch('w')], "handout: the lesson's SQL"),
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
    /// The lessons: the seven built in, then any the instructor gave (`learn FILE`).
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
    /// The sandbox's statements from the lesson's setup on, for its handout (`w`).
    pub log: Option<Arc<SqlLog>>,
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
    pub fn ready(&mut self, result: Result<(String, Arc<SqlLog>), String>) -> Vec<Action> {
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        match result {
            Ok((place, log)) => {
                open.ready = true;
                open.phase = Phase::Reading;
                self.sandbox = Some(place);
                self.log = Some(log);
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
            KeyCode::Char('w') => Some(vec![Action::ExportLog]),
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
}
