//! `orderdesk consume`: binds a queue to the relay's exchange, prints each message's body as a
//! JSON line on stdout, acknowledges it once printed, and drops a message whose id it has seen
//! among the last [`WINDOW`] (the relay delivers at least once: after a crash, a batch may come
//! twice).

use std::collections::{HashSet, VecDeque};

use futures::StreamExt as _;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use tokio::sync::watch;

/// How many message ids the consumer remembers to drop duplicates.
pub const WINDOW: usize = 100_000;

/// What `consume` binds and where.
#[derive(Debug, Clone)]
pub struct ConsumeOptions {
    /// The broker's URL.
    pub amqp: String,
    /// The exchange the relay publishes to.
    pub exchange: String,
    /// A queue of this name (durable, kept when the consumer stops); `None`: a queue of its
    /// own that the broker names and deletes when the consumer goes.
    pub queue: Option<String>,
    /// The routing patterns the queue is bound with (`order.*`, `order.cancelled`, `#`).
    pub binds: Vec<String>,
}

/// What a consumer saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Consumed {
    /// Messages printed.
    pub printed: u64,
    /// Messages dropped as duplicates.
    pub duplicates: u64,
}

/// Ids seen lately, the oldest forgotten first.
#[derive(Debug, Default)]
pub struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// Whether `id` is new; remembers it.
    pub fn first_time(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == WINDOW
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.ids.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }
}

/// Consumes until `stop` turns true, printing each message's body on `out`, one line each.
///
/// # Errors
/// The broker cannot be reached, refuses a declaration, or goes away.
pub async fn run(
    options: &ConsumeOptions,
    mut stop: watch::Receiver<bool>,
    out: &mut (dyn std::io::Write + Send),
    say: &(dyn Fn(&str) + Sync),
) -> Result<Consumed, String> {
    let broker = crate::config::redact(&options.amqp);
    let connection = Connection::connect(&options.amqp, ConnectionProperties::default())
        .await
        .map_err(|e| format!("cannot reach the broker at {broker}: {e}"))?;
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| e.to_string())?;
    super::declare_exchange(&channel, &options.exchange).await?;
    let (name, declare) = match &options.queue {
        Some(name) => (
            name.clone(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
        ),
        None => (
            String::new(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
        ),
    };
    let queue = channel
        .queue_declare(name.as_str().into(), declare, FieldTable::default())
        .await
        .map_err(|e| e.to_string())?;
    let queue_name = queue.name().to_string();
    for pattern in &options.binds {
        channel
            .queue_bind(
                queue_name.as_str().into(),
                options.exchange.as_str().into(),
                pattern.as_str().into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    channel
        .basic_qos(256, BasicQosOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let mut consumer = channel
        .basic_consume(
            queue_name.as_str().into(),
            "orderdesk-consume".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(|e| e.to_string())?;
    say(&format!(
        "consume: queue {queue_name} bound to {} with {} at {broker}",
        options.exchange,
        options.binds.join(", ")
    ));
    let mut seen = Seen::default();
    let mut consumed = Consumed::default();
    loop {
        let delivery = tokio::select! {
            next = consumer.next() => next,
            _ = stop.changed() => break,
        };
        let Some(delivery) = delivery else {
            return Err("the broker ended the consumer".to_owned());
        };
        let delivery = delivery.map_err(|e| format!("the broker at {broker} failed: {e}"))?;
        let id = delivery
            .properties
            .message_id()
            .as_ref()
            .map(ToString::to_string);
        if id.as_deref().is_none_or(|id| seen.first_time(id)) {
            out.write_all(&delivery.data)
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush())
                .map_err(|e| format!("writing: {e}"))?;
            consumed.printed += 1;
        } else {
            consumed.duplicates += 1;
        }
        delivery
            .ack(BasicAckOptions::default())
            .await
            .map_err(|e| e.to_string())?;
    }
    let _ = channel.close(200, "consumer stopped".into()).await;
    let _ = connection.close(200, "consumer stopped".into()).await;
    Ok(consumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_dropped_and_an_old_one_forgotten() {
        let mut seen = Seen::default();
        assert!(seen.first_time("db:1"));
        assert!(!seen.first_time("db:1"));
        for i in 2..=WINDOW + 1 {
            assert!(seen.first_time(&format!("db:{i}")));
        }
        assert!(
            seen.first_time("db:1"),
            "forgotten after {WINDOW} newer ids"
        );
        assert!(!seen.first_time(&format!("db:{}", WINDOW + 1)));
    }
}
