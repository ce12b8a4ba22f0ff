//! Questions' answers: expressions over what a step's log shows, evaluated by evalexpr.
//!
//! The names an answer may read: `round_trips` (every entry, BEGIN and COMMIT included),
//! `statements` (all but BEGIN, COMMIT and ROLLBACK), `selects`, `inserts`, `updates`,
//! `deletes`, `writes` (statements that write, however many tables each), `begins`, `commits`,
//! `rollbacks`, `failed` (statements the database refused), `refused` (whether the action was
//! refused), `backend` (`"sqlite"`, `"postgres"` or `"mysql"`), the action's figures, and the
//! function `count("text")`: statements whose SQL holds the text, ignoring case.

use std::sync::Arc;

use evalexpr::{
    ContextWithMutableFunctions, ContextWithMutableVariables, DefaultNumericTypes, Function,
    HashMapContext, Node, Value,
};

use super::action::{Action, Figures};
use crate::db::backend_name;
use crate::sql_log::{Entry, Kind};

/// The names every answer may read.
pub const LOG_NAMES: [&str; 13] = [
    "round_trips",
    "statements",
    "selects",
    "inserts",
    "updates",
    "deletes",
    "writes",
    "begins",
    "commits",
    "rollbacks",
    "failed",
    "refused",
    "backend",
];

/// The functions an answer may call: ours, and evalexpr's `min`, `max` and `if`.
const FUNCTIONS: [&str; 4] = ["count", "min", "max", "if"];

/// What a step's log shows, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCounts {
    /// Every entry.
    pub round_trips: i64,
    /// Statements (not BEGIN, COMMIT, ROLLBACK).
    pub statements: i64,
    /// SELECTs.
    pub selects: i64,
    /// Statements beginning with INSERT.
    pub inserts: i64,
    /// Statements beginning with UPDATE.
    pub updates: i64,
    /// Statements beginning with DELETE.
    pub deletes: i64,
    /// Statements that write at least one table.
    pub writes: i64,
    /// BEGINs.
    pub begins: i64,
    /// COMMITs.
    pub commits: i64,
    /// ROLLBACKs.
    pub rollbacks: i64,
    /// Statements the database refused.
    pub failed: i64,
}

impl LogCounts {
    /// Counts `entries`.
    #[must_use]
    pub fn of(entries: &[Entry]) -> LogCounts {
        let mut c = LogCounts::default();
        for e in entries {
            c.round_trips += 1;
            c.failed += i64::from(e.failed && e.kind == Kind::Statement);
            match e.kind {
                Kind::Begin => c.begins += 1,
                Kind::Commit => c.commits += 1,
                Kind::Rollback { .. } => c.rollbacks += 1,
                Kind::Statement => {
                    c.statements += 1;
                    let verb = e
                        .sql
                        .trim_start()
                        .get(..6)
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    c.selects += i64::from(e.is_select());
                    c.inserts += i64::from(verb == "INSERT");
                    c.updates += i64::from(verb == "UPDATE");
                    c.deletes += i64::from(verb == "DELETE");
                    c.writes += i64::from(!e.written_tables().is_empty() || verb == "DELETE");
                }
            }
        }
        c
    }
}

/// Checks an answer expression when the lesson is read: it parses, and reads only names the
/// log or `action` gives and calls only the known functions.
pub(super) fn check_expression(expression: &str, action: &Action) -> Result<(), String> {
    let tree: Node<DefaultNumericTypes> =
        evalexpr::build_operator_tree(expression).map_err(|e| format!("{e} in {expression:?}"))?;
    for name in tree.iter_read_variable_identifiers() {
        if !LOG_NAMES.contains(&name) && !action.figure_names().contains(&name) {
            let mut known: Vec<&str> = LOG_NAMES.to_vec();
            known.extend(action.figure_names());
            return Err(format!(
                "{name:?} is not something the step's log shows (known: {})",
                known.join(", ")
            ));
        }
    }
    if let Some(name) = tree
        .iter_function_identifiers()
        .find(|f| !FUNCTIONS.contains(f))
    {
        return Err(format!(
            "no function {name:?} (known: {})",
            FUNCTIONS.join(", ")
        ));
    }
    if tree.iter_write_variable_identifiers().next().is_some() {
        return Err("an answer reads the log; it may not assign".into());
    }
    Ok(())
}

/// The answer a question expects, as the log of this run gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// A number.
    Number(i64),
    /// Yes or no.
    YesNo(bool),
    /// Words.
    Text(String),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Number(n) => write!(f, "{n}"),
            Expected::YesNo(true) => f.write_str("yes"),
            Expected::YesNo(false) => f.write_str("no"),
            Expected::Text(t) => f.write_str(t),
        }
    }
}

/// Evaluates `expression` over a step's log and figures.
///
/// # Errors
/// The expression failing on these values (a type mismatch, say).
pub fn evaluate(
    expression: &str,
    entries: &[Entry],
    figures: &Figures,
    refused: bool,
    backend: sea_orm::DbBackend,
) -> Result<Expected, String> {
    let c = LogCounts::of(entries);
    let mut context = HashMapContext::<DefaultNumericTypes>::new();
    let values = [
        ("round_trips", c.round_trips),
        ("statements", c.statements),
        ("selects", c.selects),
        ("inserts", c.inserts),
        ("updates", c.updates),
        ("deletes", c.deletes),
        ("writes", c.writes),
        ("begins", c.begins),
        ("commits", c.commits),
        ("rollbacks", c.rollbacks),
        ("failed", c.failed),
    ];
    let set = |context: &mut HashMapContext, name: &str, value: Value| {
        context
            .set_value(name.into(), value)
            .map_err(|e| format!("{name}: {e}"))
    };
    for (name, n) in values {
        set(&mut context, name, Value::Int(n))?;
    }
    set(&mut context, "refused", Value::Boolean(refused))?;
    set(
        &mut context,
        "backend",
        Value::String(backend_name(backend).into()),
    )?;
    for (name, value) in figures {
        set(&mut context, name, value.clone())?;
    }
    let sqls: Arc<Vec<String>> = Arc::new(
        entries
            .iter()
            .filter(|e| e.kind == Kind::Statement)
            .map(|e| e.sql.to_lowercase())
            .collect(),
    );
    context
        .set_function(
            "count".into(),
            Function::new(move |arg: &Value| {
                let needle = arg.as_string()?.to_lowercase();
                Ok(Value::Int(
                    sqls.iter().filter(|s| s.contains(&needle)).count() as i64,
                ))
            }),
        )
        .map_err(|e| e.to_string())?;
    match evalexpr::eval_with_context(expression, &context).map_err(|e| e.to_string())? {
        Value::Int(n) => Ok(Expected::Number(n)),
        Value::Float(x) => Ok(Expected::Number(x.round() as i64)),
        Value::Boolean(b) => Ok(Expected::YesNo(b)),
        Value::String(s) => Ok(Expected::Text(s)),
        other => Err(format!(
            "the answer came out as {other}, not a number, yes/no or words"
        )),
    }
}

/// Whether the student's answer matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Right or not.
    pub correct: bool,
    /// The answer the log gives.
    pub expected: Expected,
}

/// Compares what the student typed with the expected answer: numbers as numbers (`3`, ` 3 `),
/// yes/no as `y`, `yes`, `true`, `n`, `no`, `false`, words ignoring case and spaces around.
#[must_use]
pub fn check_answer(expected: &Expected, typed: &str) -> Verdict {
    let typed = typed.trim().to_lowercase();
    let correct = match expected {
        Expected::Number(n) => typed.parse::<i64>().is_ok_and(|t| t == *n),
        Expected::YesNo(b) => match typed.as_str() {
            "y" | "yes" | "true" => *b,
            "n" | "no" | "false" => !*b,
            _ => false,
        },
        Expected::Text(t) => typed == t.trim().to_lowercase(),
    };
    Verdict {
        correct,
        expected: expected.clone(),
    }
}
