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
