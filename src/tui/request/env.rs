//! What requests run with: the pool, the stepper's paused transaction, a lesson's sandbox.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::Decision;
use crate::db::{Db, Sandbox};
use crate::lessons::{Lesson, StepRun, run_action, run_setup};
use crate::service::Error;
use crate::service::stepper::Stepped;
use crate::sql_log::SqlLog;

/// The stepper's paused transaction: where to send the decision, and its outcome.
pub(super) struct Holder {
    pub(super) decide: oneshot::Sender<Decision>,
    pub(super) done: oneshot::Receiver<Result<(Decision, Stepped), Error>>,
}

/// The lesson's sandbox and the log of its statements.
type LessonBox = (Sandbox, Arc<SqlLog>);

/// What requests run with: the pool, the slot of the stepper's paused transaction, and the
/// lesson's sandbox.
#[derive(Clone)]
pub struct Env {
    /// The pool.
    pub db: Db,
    paused: Arc<Mutex<Option<Holder>>>,
    lesson: Arc<tokio::sync::Mutex<Option<LessonBox>>>,
    /// The prefix of a sandbox database's name (tests give `orderdesk_test_lesson_`).
    pub sandbox_prefix: String,
}

impl Env {
    /// An environment over `db`, with no paused transaction and no sandbox yet.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Env {
            db,
            paused: Arc::new(Mutex::new(None)),
            lesson: Arc::new(tokio::sync::Mutex::new(None)),
            sandbox_prefix: crate::db::SANDBOX_PREFIX.to_owned(),
        }
    }

    /// Removes the previous sandbox, makes a fresh one beside the database and runs the
    /// lesson's setup there; returns where it is and the log of its statements from the setup
    /// on (for the lesson's handout).
    pub(super) async fn start_lesson(
        &self,
        lesson: &Lesson,
    ) -> Result<(String, Arc<SqlLog>), Error> {
        let mut slot = self.lesson.lock().await;
        if let Some((old, _)) = slot.take() {
            old.remove().await.ok();
        }
        let sandbox = Sandbox::beside(&self.db, &self.sandbox_prefix).await?;
        let log = SqlLog::attach(sandbox.db(), crate::sql_log::CAPACITY);
        if let Err(e) = Box::pin(run_setup(sandbox.db(), &lesson.setup)).await {
            sandbox.remove().await.ok();
            return Err(e);
        }
        let place = sandbox.describe();
        *slot = Some((sandbox, log.clone()));
        Ok((place, log))
    }

    /// The open lesson's sandbox database, if one is open (a test compares a replay of the
    /// lesson's handout with it).
    pub async fn lesson_db(&self) -> Option<Db> {
        self.lesson
            .lock()
            .await
            .as_ref()
            .map(|(s, _)| s.db().clone())
    }

    pub(super) async fn lesson_step(
        &self,
        action: &crate::lessons::Action,
    ) -> Result<StepRun, Error> {
        let slot = self.lesson.lock().await;
        let Some((sandbox, log)) = slot.as_ref() else {
            return Err(Error::invalid(
                "lesson",
                "no lesson is open: open one first",
            ));
        };
        Ok(run_action(sandbox.db(), log, action).await)
    }

    /// Removes the lesson's sandbox, if one was made (when the TUI ends).
    pub async fn close(&self) {
        if let Some((sandbox, _)) = self.lesson.lock().await.take() {
            sandbox.remove().await.ok();
        }
    }

    pub(super) fn holder(&self) -> std::sync::MutexGuard<'_, Option<Holder>> {
        self.paused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
