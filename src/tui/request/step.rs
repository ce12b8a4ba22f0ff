//! The stepper's transaction: run to just before COMMIT in a task of its own that holds it open
//! until a decision comes.

use std::future::Future;

use tokio::sync::oneshot;

use super::{Decision, Env, Holder, PausedInfo, Response, STEP_TIMEOUT};
use crate::service::Error;
use crate::service::stepper;

/// Runs `begin` in a task of its own that keeps the transaction open (one action, one band in
/// the SQL log, BEGIN to COMMIT), answers once it is paused, then waits for a decision or
/// [`STEP_TIMEOUT`].
pub(super) async fn step<F>(env: &Env, label: String, begin: F) -> Response
where
    F: Future<Output = Result<stepper::Paused, Error>> + Send + 'static,
{
    if env.holder().is_some() {
        return Response::StepPaused(Err(Error::invalid(
            "transaction",
            "a transaction is already paused: y commits it, r rolls it back",
        )));
    }
    let (paused_tx, paused_rx) = oneshot::channel();
    let (decide, decision) = oneshot::channel::<Decision>();
    let (done_tx, done) = oneshot::channel();
    *env.holder() = Some(Holder { decide, done });
    tokio::spawn(crate::db::in_action(label, async move {
        let paused = match begin.await {
            Ok(p) => p,
            Err(e) => {
                let _ = paused_tx.send(Err(e));
                return;
            }
        };
        let _ = paused_tx.send(Ok(PausedInfo {
            what: paused.what.clone(),
            isolation: paused.isolation.clone(),
        }));
        let decision = match tokio::time::timeout(STEP_TIMEOUT, decision).await {
            Ok(Ok(d)) => d,
            _ => Decision::TimedOut,
        };
        let result = match decision {
            Decision::Commit => paused.commit().await,
            _ => paused.rollback().await,
        };
        let _ = done_tx.send(result.map(|s| (decision, s)));
    }));
    let answer = paused_rx
        .await
        .unwrap_or_else(|_| Err(Error::invalid("transaction", "the stepper stopped")));
    if answer.is_err() {
        env.holder().take();
    }
    Response::StepPaused(answer)
}
