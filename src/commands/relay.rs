//! `orderdesk relay` and `orderdesk consume`: the faces of `crate::relay` on the command line.

use std::time::Duration;

use super::{CommandError, Result};
use crate::cli::BrokerArgs;
use crate::db::Db;
use crate::relay::{self, RelayOptions, consume::ConsumeOptions};

/// A stop flag that Ctrl-C or SIGTERM raises.
fn stop_on_signal() -> tokio::sync::watch::Receiver<bool> {
    let (raise, stop) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        crate::serve::stop_signal().await;
        let _ = raise.send(true);
    });
    stop
}

fn say(line: &str) {
    eprintln!("{line}");
}

pub(super) async fn relay(db: &Db, broker: BrokerArgs, batch: u64, poll_ms: u64) -> Result<()> {
    let options = RelayOptions {
        amqp: broker.amqp,
        exchange: broker.exchange,
        batch,
        poll: Duration::from_millis(poll_ms),
    };
    let report = relay::run(db, &options, stop_on_signal(), &say)
        .await
        .map_err(CommandError::Failed)?;
    say(&format!(
        "relay: stopped; {} event(s) published",
        report.published
    ));
    Ok(())
}

pub(super) async fn consume(
    broker: BrokerArgs,
    queue: Option<String>,
    binds: Vec<String>,
) -> Result<()> {
    let options = ConsumeOptions {
        amqp: broker.amqp,
        exchange: broker.exchange,
        queue,
        binds,
    };
    let mut out = std::io::stdout();
    let consumed = relay::consume::run(&options, stop_on_signal(), &mut out, &say)
        .await
        .map_err(CommandError::Failed)?;
    say(&format!(
        "consume: stopped; {} message(s) printed, {} duplicate(s) dropped",
        consumed.printed, consumed.duplicates
    ));
    Ok(())
}

/// What `doctor` says of the relay: the events not yet published, the oldest of them, and
/// whether a relay holds the database's relay lock (asked by trying to take it, and letting it
/// go at once). `None` when the outbox cannot be read.
pub(super) async fn state(db: &Db) -> Option<serde_json::Value> {
    let lag = crate::service::outbox::relay_lag(db).await.ok()?;
    let running = match db.try_lock(relay::LOCK).await {
        Ok(Some(_free)) => Some(false),
        Ok(None) => Some(true),
        Err(_) => None,
    };
    Some(serde_json::json!({
        "unpublished": lag.unpublished,
        "oldest_unpublished": lag.oldest,
        "lag_seconds": lag.oldest.map(|at| (db.now() - at).num_milliseconds() as f64 / 1000.0),
        "running": running,
    }))
}

/// The relay's state in a line of `doctor`'s text.
pub(super) fn said(state: &serde_json::Value) -> String {
    let running = match state["running"].as_bool() {
        Some(true) => "a relay holds the lock",
        Some(false) => "no relay runs (`orderdesk relay` publishes the events)",
        None => "whether a relay runs is unknown",
    };
    match state["lag_seconds"].as_f64() {
        Some(lag) => format!(
            "{} event(s) not yet published, the oldest {lag:.1} s old; {running}",
            state["unpublished"]
        ),
        None => format!("every event published; {running}"),
    }
}
