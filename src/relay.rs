//! `orderdesk relay`: the outbox delivered to RabbitMQ (AMQP 0-9-1, through lapin), at least
//! once and in order; and `orderdesk consume`, a small consumer to watch it (`relay/consume.rs`).
//!
//! The relay takes the database's relay lock first (`Db::try_lock`: one relay publishes a
//! database's events at a time; a second waits and takes over when the first dies), then loops:
//! the oldest unpublished events (by their own marker, never after a cursor), published as
//! persistent messages on a durable topic exchange, the broker's confirms awaited, and only then
//! the events marked as published. A crash between the publish and the mark sends them again; a
//! broker that goes away is reconnected to with backoff; Ctrl-C or SIGTERM stops it after the
//! batch in flight.

use std::time::Duration;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use tokio::sync::watch;

use crate::db::Db;
use crate::service::{OrderEvent, outbox};

pub mod consume;

/// The broker unless told: a local RabbitMQ's default user and virtual host.
pub const DEFAULT_AMQP: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
/// The exchange unless told.
pub const DEFAULT_EXCHANGE: &str = "orderdesk.events";
/// The name of the database lock a relay holds.
pub const LOCK: &str = "relay";
/// How often a relay that waits for the lock asks again.
pub const LOCK_RETRY: Duration = Duration::from_secs(1);
/// How long a broker may take to accept a connection, or to confirm a batch.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The first wait before connecting again; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between two attempts to reach the broker.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// How the relay runs.
#[derive(Debug, Clone)]
pub struct RelayOptions {
    /// The broker's URL (`amqp://user:pass@host:port/vhost`).
    pub amqp: String,
    /// The topic exchange it publishes to (declared durable).
    pub exchange: String,
    /// The most events one batch carries.
    pub batch: u64,
    /// How long it waits before looking again when there was nothing to publish.
    pub poll: Duration,
}

impl Default for RelayOptions {
    fn default() -> Self {
        RelayOptions {
            amqp: DEFAULT_AMQP.to_owned(),
            exchange: DEFAULT_EXCHANGE.to_owned(),
            batch: 500,
            poll: Duration::from_millis(100),
        }
    }
}

/// What a relay did before it stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayReport {
    /// Events published, confirmed and marked.
    pub published: u64,
    /// Connections made to the broker.
    pub connections: u64,
}

/// The routing key of an event type: `order_created` is `order.created`,
/// `order_status_updated` is `order.status_updated`.
#[must_use]
pub fn routing_key(event_type: &str) -> String {
    match event_type.strip_prefix("order_") {
        Some(rest) => format!("order.{rest}"),
        None => format!("order.{event_type}"),
    }
}

/// The message id of an event: the database's identity and the event's id.
#[must_use]
pub fn message_id(database_id: &str, event_id: i64) -> String {
    format!("{database_id}:{event_id}")
}

/// Runs the relay until `stop` turns true, saying on stderr (`say`) what it does, never a
/// password.
///
/// # Errors
/// A database that cannot be read at start (no identity: not migrated).
pub async fn run(
    db: &Db,
    options: &RelayOptions,
    mut stop: watch::Receiver<bool>,
    say: &(dyn Fn(&str) + Sync),
) -> Result<RelayReport, String> {
    let database_id = outbox::database_id(db).await.map_err(|e| e.to_string())?;
    let broker = crate::config::redact(&options.amqp);
    let mut report = RelayReport::default();
    'lock: loop {
        let Some(lock) = take_lock(db, &mut stop, say).await else {
            return Ok(report);
        };
        say(&format!(
            "relay: holds the relay lock of {}; publishing to exchange {} at {broker}",
            db.label(),
            options.exchange
        ));
        let mut backoff = FIRST_BACKOFF;
        'broker: loop {
            if *stop.borrow() {
                return Ok(report);
            }
            let channel = match connect(options).await {
                Ok(channel) => {
                    report.connections += 1;
                    backoff = FIRST_BACKOFF;
                    say(&format!("relay: connected to {broker}"));
                    channel
                }
                Err(e) => {
                    say(&format!(
                        "relay: cannot reach the broker at {broker} ({e}); trying again in {} ms",
                        backoff.as_millis()
                    ));
                    if sleep_or_stop(backoff, &mut stop).await {
                        return Ok(report);
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue 'broker;
                }
            };
            let mut idle_polls = 0u32;
            loop {
                if *stop.borrow() {
                    let _ = channel.close(200, "relay stopped".into()).await;
                    return Ok(report);
                }
                let events = match outbox::unpublished_events(db, options.batch).await {
                    Ok(events) => events,
                    Err(e) => {
                        say(&format!("relay: reading the outbox: {e}"));
                        if sleep_or_stop(options.poll.max(FIRST_BACKOFF), &mut stop).await {
                            return Ok(report);
                        }
                        continue;
                    }
                };
                // The lock is checked before a batch is published, and once a second when idle.
                let check = !events.is_empty() || idle_polls.is_multiple_of(10);
                if check && !lock.still_held().await {
                    say("relay: lost the relay lock (the database went away?); taking it again");
                    let _ = channel.close(200, "relay lock lost".into()).await;
                    continue 'lock;
                }
                if events.is_empty() {
                    idle_polls = idle_polls.wrapping_add(1);
                    if sleep_or_stop(options.poll, &mut stop).await {
                        let _ = channel.close(200, "relay stopped".into()).await;
                        return Ok(report);
                    }
                    continue;
                }
                idle_polls = 0;
                if let Err(e) = publish(&channel, options, &database_id, &events).await {
                    say(&format!(
                        "relay: the broker at {broker} failed ({e}); {} event(s) will be sent again",
                        events.len()
                    ));
                    continue 'broker;
                }
                let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
                match outbox::mark_published(db, &ids).await {
                    Ok(_) => report.published += ids.len() as u64,
                    // Confirmed but not marked: they go again (at least once).
                    Err(e) => say(&format!("relay: marking {} event(s): {e}", ids.len())),
                }
            }
        }
    }
}

/// Waits for the relay lock (saying so once); `None` when told to stop first.
async fn take_lock(
    db: &Db,
    stop: &mut watch::Receiver<bool>,
    say: &(dyn Fn(&str) + Sync),
) -> Option<crate::db::HeldLock> {
    let mut said = false;
    loop {
        if *stop.borrow() {
            return None;
        }
        match db.try_lock(LOCK).await {
            Ok(Some(lock)) => return Some(lock),
            Ok(None) if !said => {
                say("relay: another relay publishes this database's events; waiting to take over");
                said = true;
            }
            Ok(None) => {}
            Err(e) => say(&format!("relay: taking the relay lock: {e}")),
        }
        if sleep_or_stop(LOCK_RETRY, stop).await {
            return None;
        }
    }
}

/// Sleeps `wait`; true when told to stop meanwhile.
async fn sleep_or_stop(wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(wait) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

/// A channel in confirm mode, the exchange declared.
async fn connect(options: &RelayOptions) -> Result<Channel, String> {
    let connection = tokio::time::timeout(
        CONNECT_TIMEOUT,
        Connection::connect(&options.amqp, ConnectionProperties::default()),
    )
    .await
    .map_err(|_| format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()))?
    .map_err(|e| e.to_string())?;
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| e.to_string())?;
    declare_exchange(&channel, &options.exchange).await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(channel)
}

/// Declares the durable topic exchange `name` (the relay and the consumer both do).
pub(crate) async fn declare_exchange(channel: &Channel, name: &str) -> Result<(), String> {
    channel
        .exchange_declare(
            name.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| e.to_string())
}

/// Publishes `events` in id order, persistent, and waits for the broker to confirm every one.
async fn publish(
    channel: &Channel,
    options: &RelayOptions,
    database_id: &str,
    events: &[OrderEvent],
) -> Result<(), String> {
    let mut confirms = Vec::with_capacity(events.len());
    for event in events {
        let body = serde_json::to_vec(event).map_err(|e| e.to_string())?;
        let properties = BasicProperties::default()
            .with_message_id(message_id(database_id, event.id).into())
            .with_content_type("application/json".into())
            .with_delivery_mode(2)
            .with_type(event.event_type.as_str().into())
            .with_timestamp(event.created_at.timestamp().max(0) as u64);
        let confirm = channel
            .basic_publish(
                options.exchange.as_str().into(),
                routing_key(&event.event_type).as_str().into(),
                BasicPublishOptions::default(),
                &body,
                properties,
            )
            .await
            .map_err(|e| e.to_string())?;
        confirms.push((event.id, confirm));
    }
    for (id, confirm) in confirms {
        let confirmation = tokio::time::timeout(CONNECT_TIMEOUT, confirm)
            .await
            .map_err(|_| format!("no confirm within {} s", CONNECT_TIMEOUT.as_secs()))?
            .map_err(|e| e.to_string())?;
        if !confirmation.is_ack() {
            return Err(format!("the broker did not take event {id}"));
        }
    }
    Ok(())
}
