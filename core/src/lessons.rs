//! Lessons: orderdesk teaching what an ORM does, step by step, on a database of their own.
//!
//! A lesson is a TOML file (`assets/lessons/*.toml`, or any file `orderdesk learn --check`
//! reads): a title, a summary, the actions that set its sandbox up, and its steps. A step says
//! something, may run an action from a fixed list ([`Action`]), and may ask a question whose
//! answer is an expression over what the step's log shows (`selects`, `rollbacks > 0`,
//! `count("INSERT")`, an action's figures such as `oversold`), so that it holds on every
//! backend. See `docs/teaching.md` for the format.

mod action;
mod answer;
pub mod code;
mod run;

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

pub use action::{Action, Figures};
pub use answer::{Expected, LogCounts, Verdict, check_answer};
pub use evalexpr::Value;
pub use run::{StepRun, run_action, run_setup};

/// The lessons orderdesk ships, in the order a student takes them.
pub const BUILT_IN: [(&str, &str); 7] = [
    (
        "01-rows-and-keys.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/01-rows-and-keys.toml"
        )),
    ),
    (
        "02-a-transaction.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/02-a-transaction.toml"
        )),
    ),
    (
        "03-n-plus-one.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/03-n-plus-one.toml"
        )),
    ),
    (
        "04-isolation.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/04-isolation.toml"
        )),
    ),
    (
        "05-the-lost-update.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/05-the-lost-update.toml"
        )),
    ),
    (
        "06-the-outbox.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/06-the-outbox.toml"
        )),
    ),
    (
        "07-the-fast-path.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/lessons/07-the-fast-path.toml"
        )),
    ),
];

/// The built-in lessons, parsed.
///
/// # Panics
/// When a built-in lesson is malformed (a test checks they are not).
#[must_use]
pub fn built_in() -> Vec<Lesson> {
    BUILT_IN
        .iter()
        .map(|(name, text)| Lesson::parse(name, text).expect("a built-in lesson parses"))
        .collect()
}

/// A lesson, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Where it came from (a file name), for progress and messages.
    pub source: String,
    /// Its title.
    pub title: String,
    /// One or two sentences: what the student will see.
    pub summary: String,
    /// Run once when the lesson starts, not shown as steps.
    pub setup: Vec<Action>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// A short title.
    pub title: String,
    /// What the step says (plain text; blank lines separate paragraphs).
    pub text: String,
    /// What it runs when the student presses Enter; `None` for a step that only explains.
    pub action: Option<Action>,
    /// The code shown (a function of orderdesk's source); by default the action's.
    pub code: Option<&'static code::Snippet>,
    /// The question asked before the action runs.
    pub question: Option<Question>,
}

/// A question and how its answer is found.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// What is asked.
    pub ask: String,
    /// The expression over the step's log whose value is the answer.
    pub answer: String,
    /// Shown after the answer.
    pub explain: String,
}

/// A lesson file that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LessonError {
    /// The file.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: String,
    summary: String,
    #[serde(default)]
    setup: Vec<Spanned<RawAction>>,
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    action: Spanned<String>,
    #[serde(default)]
    args: Option<Spanned<toml::Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    text: String,
    action: Option<Spanned<String>>,
    args: Option<Spanned<toml::Table>>,
    code: Option<Spanned<String>>,
    question: Option<Spanned<String>>,
    answer: Option<Spanned<String>>,
    #[serde(default)]
    explain: String,
}

impl Lesson {
    /// Reads and checks a lesson: the TOML, every action and its arguments, every question's
    /// answer expression (the names it reads must be ones the step's log or action gives), and
    /// every code reference.
    ///
    /// # Errors
    /// The first thing wrong, with its line.
    pub fn parse(source: &str, text: &str) -> Result<Lesson, LessonError> {
        let error = |span: Option<Range<usize>>, message: String| LessonError {
            file: source.to_owned(),
            line: span.map_or(1, |s| line_of(text, s.start)),
            message,
        };
        let raw: RawLesson = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            error(e.span(), message)
        })?;
        if raw.step.is_empty() {
            return Err(error(None, "a lesson needs at least one [[step]]".into()));
        }
        let action = |raw: &RawAction| {
            Action::parse(
                raw.action.get_ref(),
                raw.args.as_ref().map(Spanned::get_ref),
            )
            .map_err(|why| {
                let span = raw
                    .args
                    .as_ref()
                    .filter(|_| !why.starts_with("unknown action"))
                    .map_or(raw.action.span(), Spanned::span);
                error(Some(span), why)
            })
        };
        let setup = raw
            .setup
            .iter()
            .map(|s| action(s.get_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut steps = Vec::with_capacity(raw.step.len());
        for (i, spanned) in raw.step.iter().enumerate() {
            let at = spanned.span();
            let s = spanned.get_ref();
            let step_error = |span: Option<Range<usize>>, why: String| {
                error(
                    Some(span.unwrap_or(at.clone())),
                    format!("step {}: {why}", i + 1),
                )
            };
            let action = match (&s.action, &s.args) {
                (Some(name), args) => Some(
                    Action::parse(name.get_ref(), args.as_ref().map(Spanned::get_ref)).map_err(
                        |why| {
                            let span = args
                                .as_ref()
                                .filter(|_| !why.starts_with("unknown action"))
                                .map_or(name.span(), Spanned::span);
                            step_error(Some(span), why)
                        },
                    )?,
                ),
                (None, Some(args)) => {
                    return Err(step_error(
                        Some(args.span()),
                        "args without an action".into(),
                    ));
                }
                (None, None) => None,
            };
            let code = match &s.code {
                Some(name) => Some(code::snippet(name.get_ref()).ok_or_else(|| {
                    step_error(
                        Some(name.span()),
                        format!(
                            "code: no function {:?} is shown by lessons (known: {})",
                            name.get_ref(),
                            code::names().join(", ")
                        ),
                    )
                })?),
                None => action.as_ref().and_then(|a| code::snippet(a.code())),
            };
            let question = match (&s.question, &s.answer) {
                (Some(ask), Some(answer)) => {
                    let Some(action) = &action else {
                        return Err(step_error(
                            Some(ask.span()),
                            "a question needs an action whose log it asks about".into(),
                        ));
                    };
                    answer::check_expression(answer.get_ref(), action)
                        .map_err(|why| step_error(Some(answer.span()), format!("answer: {why}")))?;
                    let mut bad = None;
                    run::fill_with(&s.explain, |expression| {
                        if bad.is_none()
                            && let Err(why) = answer::check_expression(expression, action)
                        {
                            bad = Some(why);
                        }
                        None
                    });
                    if let Some(why) = bad {
                        return Err(step_error(Some(at.clone()), format!("explain: {why}")));
                    }
                    Some(Question {
                        ask: ask.get_ref().trim().to_owned(),
                        answer: answer.get_ref().trim().to_owned(),
                        explain: s.explain.trim().to_owned(),
                    })
                }
                (Some(ask), None) => {
                    return Err(step_error(
                        Some(ask.span()),
                        "a question needs an answer (an expression over the step's log)".into(),
                    ));
                }
                (None, Some(answer)) => {
                    return Err(step_error(
                        Some(answer.span()),
                        "an answer without a question".into(),
                    ));
                }
                (None, None) => None,
            };
            steps.push(Step {
                title: s.title.trim().to_owned(),
                text: s.text.trim().to_owned(),
                action,
                code,
                question,
            });
        }
        Ok(Lesson {
            source: source.to_owned(),
            title: raw.title.trim().to_owned(),
            summary: raw.summary.trim().to_owned(),
            setup,
            steps,
        })
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests;
